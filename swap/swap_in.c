// SPDX-License-Identifier: GPL-2.0
/*
 * swap_in.c - a swapped-out page comes back (Gorman 11.5-11.6; 6.1's
 * do_swap_page(), swap_cluster_readahead(), free_swap_and_cache()), and
 * the fault-layer hooks the swap layer registers: swapin, swap_dup at
 * fork and unmap, swap_zap, pageout.
 */

/**
 * DOC: swap-in
 *
 * A fault on a swap PTE (fault/'s dispatch, vml_swapin()):
 *
 * 1. look the entry up in the swap cache. A hit is a minor fault: the
 *    page is still there (being written, shared with another mm after
 *    fork, read ahead, or its write failed); a page read ahead and used
 *    for the first time counts a swap_ra_hit;
 * 2. a miss is a major fault (pgmajfault): take the slot's cache bit
 *    (vml_swapcache_prepare(); a racing fault that holds it makes this
 *    one retry), put a new locked page into the swap cache and read the
 *    slot into it; then read ahead the other slots in use of the aligned
 *    block of 2^page_cluster (8) around it (swap_cluster_readahead()),
 *    each into the swap cache only (swap_ra). A failed read of the
 *    faulting slot takes the page out of the cache again, leaves the slot
 *    allocated and the PTE as it was, counts pswpin_fail and gives
 *    SIGBUS to this access only; a later access reads again;
 * 3. with the page locked, check the PTE is still the one that faulted,
 *    map the page (vml_swapin_map()) and drop the PTE's reference to the
 *    slot (swap_free()). The page is mapped writable only if it is
 *    exclusive, i.e. this PTE was the slot's last reference and nothing
 *    else maps or holds the page; then it also leaves the swap cache and
 *    the slot is freed (folio_free_swap()). Otherwise it is mapped
 *    read-only and stays cached for the other PTEs; a write then copies
 *    it (do_wp_page()), as 6.1 without PageAnonExclusive would.
 *
 * Every page read in, the faulting one and those read ahead, goes on the
 * anonymous LRU lists once its read succeeded (folio_add_lru() in 6.1's
 * __read_swap_cache_async()), so reclaim can take an unused read-ahead
 * page back; it stays in the swap cache until a fault uses it, reclaim
 * frees it, or its slot's last reference goes (vml_swap_zap():
 * free_swap_and_cache()).
 */
#include "swap/swap-internal.h"
#include "swap/swap_trace.h"

#define VML_PAGE_CLUSTER	3	/* page_cluster: read 2^3 slots at once */

static struct vml_page *alloc_swap_page(void)
{
	return vml_alloc_pages(VML_GFP_HIGHUSER | VML___GFP_NOWARN, 0);
}

/*
 * A new locked page in the swap cache for @entry, read from the slot;
 * @major: for the faulting access, not read ahead.
 * Return: the page with a reference, NULL if another fault or a zap got
 * there first (retry), or an ERR_PTR: -ENOMEM, or the read error.
 */
static struct vml_page *read_swap_page(struct vml_swp_entry entry, bool major)
{
	struct vml_page *page = alloc_swap_page();
	int ret;

	if (!page)
		return ERR_PTR(-ENOMEM);
	vml_trylock_swap_page(page);	/* new: nobody else can see it */
	ret = vml_swapcache_prepare(entry);
	if (!ret) {
		ret = vml_add_to_swap_cache(page, entry);
		if (ret)
			vml_swapcache_free(entry);
	}
	if (ret) {
		vml_page_clear(page, VML_PG_locked);
		vml_put_page(page);
		return ret == -ENOMEM ? ERR_PTR(-ENOMEM) : NULL;
	}
	ret = vml_swap_readpage(entry, page);
	if (ret) {
		vml_delete_from_swap_cache(page);
		vml_swapcache_free(entry);
		vml_page_clear(page, VML_PG_locked);
		vml_put_page(page);
		return ERR_PTR(ret);
	}
	trace_vmlab_swap_in(vml_swp_type(entry), vml_swp_offset(entry),
			    vml_page_to_pfn(page), major);
	vml_page_set(page, VML_PG_swapbacked);
	vml_lru_cache_add(page);
	return page;
}

/* swap_cluster_readahead() without the target: only slots in use. */
static void swap_readahead(struct vml_swp_entry entry)
{
	unsigned long nr = 1UL << VML_PAGE_CLUSTER, off;
	unsigned long start = vml_swp_offset(entry) & ~(nr - 1);
	unsigned int type = vml_swp_type(entry);
	struct vml_swp_entry e;
	struct vml_page *page;

	for (off = start; off < start + nr; off++) {
		e = vml_swp_entry(type, off);
		if (off == vml_swp_offset(entry) || vml_swap_refs(e) <= 0 ||
		    (vml_swap_count(e) & VML_SWAP_HAS_CACHE))
			continue;
		page = read_swap_page(e, false);
		if (IS_ERR(page) && PTR_ERR(page) == -ENOMEM)
			break;
		if (IS_ERR_OR_NULL(page))
			continue;
		vml_swap_cache_mark_ra(e);
		vml_count_event(VML_SWAP_RA);
		vml_unlock_swap_page(page);
		vml_put_page(page);	/* the cache keeps it */
	}
}

/* The locked swap-cache page of @entry, found or read; see read_swap_page(). */
static struct vml_page *get_swap_page(struct vml_swp_entry entry, bool *major)
{
	struct vml_page *page;
	bool ra;

	*major = false;
	page = vml_swap_cache_get(entry, &ra);
	if (page) {
		if (ra)
			vml_count_event(VML_SWAP_RA_HIT);
		vml_lock_swap_page(page);
		if (vml_page_test(page, VML_PG_swapcache) &&
		    vml_page_swap_entry(page).val == entry.val)
			return page;
		vml_unlock_swap_page(page);	/* it left the cache: retry */
		vml_put_page(page);
		return NULL;
	}
	page = read_swap_page(entry, true);
	if (!IS_ERR_OR_NULL(page)) {
		*major = true;
		swap_readahead(entry);
	}
	return page;
}

/*
 * Exclusive: this PTE is the slot's only reference and nothing but the
 * caller and the cache holds the page (6.1: PageAnonExclusive after a
 * swap_free() that leaves no other user).
 */
static bool swapin_exclusive(struct vml_page *page, struct vml_swp_entry entry)
{
	/* An LRU add batch may hold the page read just now: empty it first. */
	if (vml_page_count(page) > 2 && !vml_page_test(page, VML_PG_lru))
		vml_lru_add_drain_all();
	return vml_swap_refs(entry) == 1 && !vml_page_mapcount(page) &&
	       vml_page_count(page) == 2;
}

/* Map the locked cache page at the faulting PTE. */
static int map_swap_page(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
			 pte_t orig, struct vml_page *page, unsigned int flags)
{
	struct vml_swp_entry entry = vml_pte_to_swp_entry(orig);
	bool excl = swapin_exclusive(page, entry);
	bool write = (flags & VML_FAULT_FLAG_WRITE) && excl;
	int ret;

	vml_get_page(page);	/* the PTE's */
	ret = vml_swapin_map(vma, addr, ptep, orig, page, write);
	if (ret) {
		vml_put_page(page);
		return ret == -EAGAIN ? 0 : VML_FAULT_OOM;
	}
	vml_swap_free(entry);
	if (excl)
		vml_try_free_swap(page);
	return 0;
}

/* The swapin hook: do_swap_page(). */
static int vml_swapin(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		      pte_t orig, unsigned int flags)
{
	struct vml_swp_entry entry = vml_pte_to_swp_entry(orig);
	struct vml_page *page;
	bool major;
	int ret;

	page = get_swap_page(entry, &major);
	if (!page)
		return 0;		/* raced: the access retries */
	if (IS_ERR(page))
		return PTR_ERR(page) == -ENOMEM ? VML_FAULT_OOM : VML_FAULT_SIGBUS;
	ret = map_swap_page(vma, addr, ptep, orig, page, flags);
	vml_unlock_swap_page(page);
	vml_put_page(page);
	if (ret || !major)
		return ret;
	vml_count_event(VML_PGMAJFAULT);
	return VML_FAULT_MAJOR;
}

/*
 * shmem_swapin_folio()'s swap half, the shmem_swapin hook: the slot's
 * page locked in the swap cache, read if it was not there (a major fault,
 * with readahead). The object puts it in place of its swap entry, then
 * shmem_swapin_done() below.
 */
static struct vml_page *shmem_swapin(struct vml_swp_entry entry, bool *major,
				     int *err)
{
	struct vml_page *page = get_swap_page(entry, major);

	*err = 0;
	if (IS_ERR(page)) {
		*err = PTR_ERR(page);
		return NULL;
	}
	return page;		/* the fault counts a major one */
}

/*
 * Installed in its object: the page leaves the swap cache and the slot
 * loses the object's reference, so it is free (6.1 deletes a shmem
 * folio from the swap cache at once and marks it dirty); dirty, since no
 * slot holds the data any more.
 */
static void shmem_swapin_done(struct vml_page *page, bool installed)
{
	struct vml_swp_entry entry = vml_page_swap_entry(page);

	if (installed && !vml_delete_from_swap_cache(page)) {
		vml_swapcache_free(entry);
		vml_swap_free(entry);
		vml_page_set(page, VML_PG_dirty);
	}
	vml_unlock_swap_page(page);
}

/* swp_swapcount() for SwapPss; pgt.lock held. */
static int swap_count(pte_t pte)
{
	return vml_swap_refs(vml_pte_to_swp_entry(pte));
}

/* swap_dup: fork, and vml_try_to_unmap(); pgt.lock held. */
static int swap_dup(pte_t pte)
{
	return vml_swap_duplicate(vml_pte_to_swp_entry(pte)) ? -ENOMEM : 0;
}

/*
 * swap_zap: free_swap_and_cache(). The PTE's reference goes; when it was
 * the last, a cached page nobody maps leaves the cache (and is freed) if
 * its lock can be had without sleeping (pgt.lock is held); the lock's
 * holder frees it otherwise (vml_unlock_swap_page()).
 */
static void swap_zap(pte_t pte)
{
	struct vml_swp_entry entry = vml_pte_to_swp_entry(pte);
	struct vml_page *page;

	if (vml_swap_free(entry) || vml_swap_count(entry) != VML_SWAP_HAS_CACHE)
		return;
	page = vml_lookup_swap_cache(entry);
	if (!page)
		return;
	if (vml_trylock_swap_page(page)) {
		vml_try_free_swap(page);
		vml_unlock_swap_page(page);
	}
	vml_put_page(page);
}

#define PAGEOUT_BATCH	VML_SWAP_OUT_BATCH

struct pageout_batch {
	struct vml_page *pages[PAGEOUT_BATCH];
	unsigned int nr;
	bool shared;		/* a shared anonymous VMA: shmem pages too */
	unsigned long next;	/* where the walk stopped */
};

/*
 * madvise_cold_or_pageout_pte_range(): collect the anonymous pages, or
 * in a shared anonymous VMA its object's pages, that only this PTE maps
 * (6.1 skips pages mapped more than once), with a reference each.
 */
static int pageout_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		       void *arg)
{
	struct pageout_batch *b = arg;
	struct vml_page *page = vml_normal_page(*ptep);

	if (vml_pte_state(*ptep) != VML_PTE_PRESENT || !page ||
	    vml_page_test(page, VML_PG_zero) || vml_page_mapcount(page) != 1)
		return 0;
	if (!vml_page_test(page, VML_PG_anon) &&
	    (!b->shared || !vml_page_test(page, VML_PG_swapbacked)))
		return 0;
	vml_get_page(page);
	b->pages[b->nr++] = page;
	if (b->nr < PAGEOUT_BATCH)
		return 0;
	b->next = addr + PAGE_SIZE;
	return 1;
}

/*
 * Swap out the collected pages together (reclaim_pages()); off the LRU
 * meanwhile, back on it if they stay.
 */
static void pageout_pages(struct pageout_batch *b)
{
	bool lru[PAGEOUT_BATCH];
	int res[PAGEOUT_BATCH];
	unsigned int i;

	vml_lru_add_drain_all();
	for (i = 0; i < b->nr; i++)
		lru[i] = vml_page_test(b->pages[i], VML_PG_lru) &&
			 !vml_lru_del(b->pages[i]);
	vml_swap_out_pages(b->pages, b->nr, res);
	for (i = 0; i < b->nr; i++) {
		if (!res[i])
			continue;
		if (lru[i])
			vml_lru_cache_add(b->pages[i]);
		vml_put_page(b->pages[i]);
	}
	b->nr = 0;
}

/*
 * The pageout hook: MADV_PAGEOUT of an anonymous range, private or
 * shared (6.1's madvise_pageout() on shared anonymous memory, whose
 * shmem file the caller owns, reclaims its pages the same way).
 */
static void swap_pageout(struct vml_vma *vma, unsigned long start,
			 unsigned long end)
{
	struct pageout_batch b = { .nr = 0,
				   .shared = !!(vma->vm_flags & VML_VM_SHARED) };

	if (vma->vm_file)
		return;		/* page-cache memory: reclaim's business */
	while (start < end) {
		b.next = end;
		vml_walk_range(&vma->vm_mm->pgt, start, end, pageout_one, &b);
		pageout_pages(&b);
		start = b.next;
		cond_resched();
	}
}

static const struct vml_fault_hooks swap_hooks = {
	.swapin = vml_swapin,
	.swap_dup = swap_dup,
	.swap_zap = swap_zap,
	.pageout = swap_pageout,
	.swap_count = swap_count,
	.shmem_swapin = shmem_swapin,
	.shmem_swapin_done = shmem_swapin_done,
};

/* swapoff's try_to_unuse() uses the fault path's swap-in. */
int vml_swap_unuse_pte(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		       pte_t orig)
{
	return vml_swapin(vma, addr, ptep, orig, 0);
}

void vml_swap_hooks_register(void)
{
	vml_set_fault_hooks(&swap_hooks);
}

/* Unmap every user mm while the hooks still free their slots. */
static int unmap_mm(struct vml_mm *mm, void *arg)
{
	if (!mm->kernel)
		vml_munmap(mm, 0, mm->task_size);
	return 0;
}

void vml_swap_hooks_unregister(void)
{
	vml_walk_mms(unmap_mm, NULL);
	vml_set_fault_hooks(NULL);
}
