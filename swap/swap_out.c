// SPDX-License-Identifier: GPL-2.0
/*
 * swap_out.c - an anonymous page to swap (Gorman 10.3 and 11.4; 6.1's
 * shrink_folio_list() for one anonymous folio: add_to_swap(),
 * try_to_unmap(), pageout(), __remove_mapping()).
 */

/**
 * DOC: swap-out
 *
 * vml_swap_out_page() takes one anonymous page from resident to swapped:
 *
 * 1. lock the page (VML_PG_locked, a trylock: a page someone else is
 *    swapping in or out is skipped);
 * 2. add_to_swap(): allocate a slot (highest priority area first), which
 *    starts with only VML_SWAP_HAS_CACHE, and enter the swap cache, so a
 *    fault from here on finds the page instead of reading the slot; the
 *    page is marked dirty because the slot holds nothing yet;
 * 3. vml_try_to_unmap() replaces every PTE with the swap entry through
 *    the reverse map; the slot's count is raised once per PTE before the
 *    PTE is written, and each PTE's hardware Dirty bit moves into
 *    VML_PG_dirty. A PTE it cannot take (mlocked, made by a fork racing
 *    with the walk, the count at VML_SWAP_MAP_MAX) keeps the page
 *    resident (-EAGAIN);
 * 4. pageout(): write the page if it is dirty. A page read back from its
 *    slot and not written since is clean and needs no write;
 * 5. __remove_mapping(): if nobody but the caller and the cache holds the
 *    page and no PTE maps it, it leaves the cache, the slot's cache bit
 *    goes, and the caller's reference, the last, frees the frame.
 *
 * vml_swap_out_pages() takes a batch (the 16 pages that madvise pageout
 * or reclaim's shrink_page_list() gathers) through each step before the
 * next, all the batch's pages locked meanwhile:
 * their slots come from one cluster, so their swap-cache entries share
 * one xarray node, allocated by the batch's first insertion and freed by
 * its last removal; one page at a time allocated and freed that node
 * for every page (about 1,400 of a page's 12,100 instructions out and
 * back in, Documentation/benchmarks.rst). Every lock is a trylock, taken
 * before anything sleeps, so holding several cannot deadlock.
 *
 * A failed write (-EIO, counted in pswpout_fail) leaves the page resident
 * in the swap cache and dirty, as 6.1 does: the PTEs hold the swap entry
 * and the next access finds the page there (a minor fault), so nothing is
 * lost; a later swap-out writes it again.
 *
 * A shared anonymous (shmem) page takes 6.1's shmem_writepage() road
 * instead (shmem_out_locked()): its PTEs are cleared, not made swap
 * entries, since the object holds the data: vml_try_to_unmap() with
 * __pte(0) as for a file page; then a slot and the swap cache, the
 * object's page replaced by the swap entry (vml_shmem_writeout(), the
 * entry holding one reference to the slot), the write, and the page
 * leaves the swap cache and is freed as above. A failed write leaves the
 * page in the swap cache, dirty, the object naming its slot: a fault on
 * any mapping finds it there (a minor fault) and puts it back.
 *
 * VML_PG_locked serialises swap-out, swap-in, swapoff and the freeing of a
 * cached page (try_free_swap()), as the folio lock does in 6.1.
 */
#include <linux/wait_bit.h>
#include "swap/swap-internal.h"
#include "swap/swap_trace.h"

bool vml_trylock_swap_page(struct vml_page *page)
{
	return !vml_page_test_and_set(page, VML_PG_locked);
}

void vml_lock_swap_page(struct vml_page *page)
{
	wait_var_event(page, vml_trylock_swap_page(page));
}

/*
 * Drop the lock, then free the page's slot if the last swap PTE naming
 * it went while the lock was held: a zap that failed its trylock
 * (vml_swap_zap_entry()) cleared the count before that trylock, so this
 * check, after the unlock, sees it.
 */
static void unlock_page_bit(struct vml_page *page)
{
	/* Release: what was done under the lock is seen before it is free. */
	smp_mb__before_atomic();
	vml_page_clear(page, VML_PG_locked);
	/* Order the clear before the waiter check and the slot re-read. */
	smp_mb__after_atomic();
	wake_up_var(page);
}

void vml_unlock_swap_page(struct vml_page *page)
{
	unlock_page_bit(page);
	if (vml_page_test(page, VML_PG_swapcache) &&
	    !vml_swap_refs(vml_page_swap_entry(page)) &&
	    vml_trylock_swap_page(page)) {
		vml_try_free_swap(page);
		unlock_page_bit(page);
	}
}

/*
 * folio_free_swap(): a locked page in the swap cache whose slot no swap
 * PTE names any more leaves the cache, and the slot is freed. A PTE may
 * still map the page; it is then an ordinary anonymous page again, dirty
 * because no slot holds its data. Return: true if it left the cache.
 */
bool vml_try_free_swap(struct vml_page *page)
{
	struct vml_swp_entry entry = vml_page_swap_entry(page);

	if (!vml_page_test(page, VML_PG_swapcache) || vml_swap_refs(entry))
		return false;
	vml_page_set(page, VML_PG_dirty);
	vml_get_page(page);	/* the cache's reference may be the last */
	if (vml_delete_from_swap_cache(page)) {
		vml_put_page(page);
		return false;
	}
	vml_swapcache_free(entry);
	if (!vml_page_mapcount(page) && vml_page_count(page) == 1)
		vml_page_clear(page, VML_PG_dirty);	/* about to be freed */
	vml_put_page(page);
	return true;
}

/* add_to_swap(): a slot and the swap cache for a locked page. */
static int add_to_swap(struct vml_page *page)
{
	struct vml_swp_entry entry;
	int ret;

	ret = vml_swap_alloc(&entry);
	if (ret)
		return ret;
	ret = vml_add_to_swap_cache(page, entry);
	if (ret) {
		vml_swapcache_free(entry);
		return ret == -ENOMEM ? -ENOMEM : -EAGAIN;
	}
	vml_page_set(page, VML_PG_dirty);
	return 0;
}

/* pageout(): write a dirty cached page; a failure keeps it dirty. */
static int pageout(struct vml_page *page, struct vml_swp_entry entry)
{
	int ret;

	if (!vml_page_test_and_clear(page, VML_PG_dirty))
		return 0;
	ret = vml_swap_writepage(entry, page);
	if (ret)
		vml_page_set(page, VML_PG_dirty);
	else
		trace_vmlab_swap_out(vml_swp_type(entry), vml_swp_offset(entry),
				     vml_page_to_pfn(page));
	return ret;
}

/* Free the page, which no PTE maps and the swap cache holds, after its write. */
static int write_and_free(struct vml_page *page, struct vml_swp_entry entry)
{
	int ret = pageout(page, entry);

	if (ret)
		return ret;
	if (!vml_swap_cache_remove_unused(page, 2))
		return -EAGAIN;		/* a fault or a pin holds it */
	vml_swapcache_free(entry);
	return 0;
}

/*
 * shrink_folio_list() + shmem_writepage() for a shared anonymous page in
 * its object: unmapped (PTEs none: the object keeps the data), given a
 * slot and the swap cache, replaced in the object by the swap entry,
 * written and freed.
 */
static int shmem_out_locked(struct vml_page *page)
{
	struct vml_swp_entry entry;
	int ret;

	if (vml_page_mapcount(page))
		vml_try_to_unmap(page, __pte(0));
	if (vml_page_mapcount(page))
		return -EAGAIN;
	ret = add_to_swap(page);
	if (ret)
		return ret;
	entry = vml_page_swap_entry(page);
	/* The object's reference to the slot (6.1: swap_shmem_alloc()). */
	ret = vml_swap_duplicate(entry);
	if (!ret) {
		ret = vml_shmem_writeout(page, entry);
		if (ret)
			vml_swap_free(entry);
	}
	if (ret) {
		vml_delete_from_swap_cache(page);
		vml_swapcache_free(entry);
		vml_page_clear(page, VML_PG_dirty);
		return ret == -EINVAL ? -EINVAL : -EAGAIN;
	}
	return write_and_free(page, entry);
}

/* A page of a shared anonymous object: swap-backed, in no anon_vma. */
static bool is_shmem(struct vml_page *page)
{
	return vml_page_test(page, VML_PG_swapbacked) && !vml_page_test(page, VML_PG_anon) &&
	       !vml_page_test(page, VML_PG_swapcache) && page->private;
}

/* The first checks of a page, then its lock: 1 when locked, or -errno. */
static int swap_out_lock(struct vml_page *page)
{
	if (!vml_page_test(page, VML_PG_anon) && !vml_page_test(page, VML_PG_swapcache) &&
	    !is_shmem(page))
		return -EINVAL;
	if (vml_page_test(page, VML_PG_zero) || vml_page_order(page))
		return -EINVAL;
	if (vml_page_test(page, VML_PG_mlocked) || vml_page_test(page, VML_PG_unevictable))
		return -EAGAIN;
	return vml_trylock_swap_page(page) ? 1 : -EAGAIN;
}

/*
 * Unmap a locked page in the swap cache and write it. Return: 1 to go on
 * to the removal, 0 when it is already out of the cache with only the
 * caller's reference left, or -errno.
 */
static int swap_out_unmap_write(struct vml_page *page)
{
	struct vml_swp_entry entry = vml_page_swap_entry(page);

	if (vml_page_mapcount(page))
		vml_try_to_unmap(page, vml_swp_entry_to_pte(entry));
	if (vml_page_mapcount(page))
		return -EAGAIN;
	/* No swap PTE names the slot: nothing to write, only to free. */
	if (!vml_swap_refs(entry)) {
		vml_try_free_swap(page);
		return vml_page_count(page) == 1 ? 0 : -EAGAIN;
	}
	return pageout(page, entry) ?: 1;
}

/* Leave the swap cache if nobody else holds the page (__remove_mapping()). */
static int swap_out_remove(struct vml_page *page)
{
	struct vml_swp_entry entry = vml_page_swap_entry(page);

	if (!vml_swap_cache_remove_unused(page, 2))
		return -EAGAIN;		/* a fault or a pin holds it */
	vml_swapcache_free(entry);
	return 0;
}

/* One batch of at most VML_SWAP_OUT_BATCH pages; res[i] > 0: still going. */
static unsigned int swap_out_batch(struct vml_page **pages, unsigned int nr,
				   int *res)
{
	bool locked[VML_SWAP_OUT_BATCH];
	unsigned int i, freed = 0;

	for (i = 0; i < nr; i++) {
		res[i] = swap_out_lock(pages[i]);
		locked[i] = res[i] > 0;
		/* Looked at again under the lock: a swap-in may have just ended. */
		if (locked[i] && is_shmem(pages[i]))
			res[i] = shmem_out_locked(pages[i]);	/* done, or failed */
		else if (locked[i] && !vml_page_test(pages[i], VML_PG_swapcache))
			res[i] = add_to_swap(pages[i]) ?: 1;
	}
	for (i = 0; i < nr; i++)
		if (res[i] > 0)
			res[i] = swap_out_unmap_write(pages[i]);
	for (i = 0; i < nr; i++)
		if (res[i] > 0)
			res[i] = swap_out_remove(pages[i]);
	for (i = 0; i < nr; i++) {
		if (!locked[i])
			continue;
		vml_unlock_swap_page(pages[i]);
		if (!res[i]) {
			vml_put_page(pages[i]);
			freed++;
		}
	}
	return freed;
}

/**
 * vml_swap_out_pages() - vml_swap_out_page() for several pages, each
 * step for the whole batch before the next (see the DOC block above).
 * @pages: pages as vml_swap_out_page() takes them.
 * @nr: how many.
 * @res: per page, what vml_swap_out_page() would return: 0 when it was
 *	swapped out and the caller's reference dropped.
 *
 * Context: as vml_swap_out_page().
 * Return: the number of pages swapped out and freed.
 */
unsigned int vml_swap_out_pages(struct vml_page **pages, unsigned int nr,
				int *res)
{
	unsigned int done = 0, n, freed = 0;

	while (done < nr) {
		n = min_t(unsigned int, nr - done, VML_SWAP_OUT_BATCH);
		freed += swap_out_batch(pages + done, n, res + done);
		done += n;
	}
	return freed;
}

/**
 * vml_swap_out_page() - swap out one anonymous page and free it (see the
 * DOC block above for the steps).
 * @page: an anonymous page, a shared anonymous (shmem) page in its
 *	object, or a page already in the swap cache, that the caller holds
 *	one reference to and has taken off the LRU lists.
 *
 * Context: process context, may sleep (I/O); takes the page's anon_vma
 * root rwsem for reading and each mapping mm's pgt.lock, never an
 * mmap_lock (kswapd waits for no address space).
 * Return: 0 when the page was swapped out: the caller's reference has been
 * dropped and the frame is free. Otherwise the caller keeps its reference
 * and the page stays resident (perhaps unmapped, in the swap cache, its
 * data safe there): -EAGAIN (locked, mlocked, still mapped, pinned or
 * referenced by someone else), -EINVAL (neither anonymous nor shmem), -ENOSPC
 * (no swap area has a free slot), -ENOMEM, or the write error (-EIO;
 * counted in pswpout_fail, the page kept dirty in the swap cache).
 */
int vml_swap_out_page(struct vml_page *page)
{
	int res;

	vml_swap_out_pages(&page, 1, &res);
	return res;
}
