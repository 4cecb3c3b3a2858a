// SPDX-License-Identifier: GPL-2.0
/*
 * memory.c - the fault path (Gorman 4.6, Table 9.4; mm/memory.c):
 * vml_handle_mm_fault() allocates any missing table level and dispatches
 * on the PTE to do_anonymous_page(), do_fault() (file and shared
 * anonymous memory, see filemap.c), the swap layer's hook, or
 * do_wp_page() for copy-on-write.
 *
 * Every handler prepares what it needs (frames, copies, cache pages) with
 * no lock but the mmap_lock, then takes pgt.lock, checks that the PTE is
 * still what it saw (pte_same()), and only then sets it; a loser of the
 * race gives its frame back and reports success, and the access retries.
 */
#include <linux/highmem.h>
#include <linux/mutex.h>
#include "buddy/vmstat.h"
#include "fault/fault-internal.h"
#include "fault/fault_trace.h"
#include "vmlab_compat.h"

static const struct vml_fault_hooks *fault_hooks;

void vml_set_fault_hooks(const struct vml_fault_hooks *hooks)
{
	WRITE_ONCE(fault_hooks, hooks);
}

const struct vml_fault_hooks *vml_fault_hooks(void)
{
	static const struct vml_fault_hooks none;

	return READ_ONCE(fault_hooks) ?: &none;
}

/*
 * The PTE for @page in @vma: vm_page_prot, young, and writable + dirty
 * for a write (maybe_mkwrite(pte_mkdirty())). Private mappings have a
 * read-only vm_page_prot, so their pages are only writable when made so.
 */
pte_t vml_fault_mk_pte(struct vml_vma *vma, struct vml_page *page, bool write)
{
	pte_t pte = pte_mkyoung(vml_mk_pte(page, vma->vm_page_prot));

	if (write && (vma->vm_flags & VML_VM_WRITE))
		pte = pte_mkdirty(vml_pte_mkwrite(pte));
	return pte;
}

/*
 * A new private page is mapped: onto the LRU, through this CPU's batch
 * (folio_add_lru_vma() in do_anonymous_page() and wp_page_copy()).
 */
static void lru_add_new(struct vml_page *page)
{
	const struct vml_lru_hooks *lru = vml_get_lru_hooks();

	if (lru->add)
		lru->add(page);
}

/* The mm-side bookkeeping of a newly mapped page (under pgt.lock). */
static void account_new(struct vml_vma *vma, struct vml_page *page)
{
	const struct vml_lru_hooks *lru = vml_get_lru_hooks();
	struct vml_mm *mm = vma->vm_mm;

	/* mlock_vma_folio(): a cached page already on the LRU moves now. */
	if ((vma->vm_flags & VML_VM_LOCKED) &&
	    !vml_page_test_and_set(page, VML_PG_mlocked) && lru->update_evictable)
		lru->update_evictable(page);
	vml_mm_add_counter(mm, vml_mm_counter_of(vma, page), 1);
	mm->hiwater_rss = max(mm->hiwater_rss, vml_mm_rss(mm));
}

/*
 * Faults resolved inside the CR3 window run these same handlers with
 * @atomic set, interrupts off: tables must already exist, the VMA must
 * already have its anon_vma, frames come from the per-CPU lists or the
 * free lists without reclaim, page-cache pages must be cached, and
 * pgt.lock is only tried, since a CPU holding it may be waiting,
 * interrupts on, for this one to leave its window (mmu/tlb.c). What
 * cannot be done so returns VML_FAULT_NOWAIT and takes the full path once
 * the window has ended. VML_FAULT_FLUSH: done, but a shootdown must come
 * before the access goes on (wp_copy()).
 */
#define VML_FAULT_NOWAIT	0x100
#define VML_FAULT_FLUSH		0x200

/*
 * What a resolved fault did, for the vmlab_fault tracepoint: a
 * VML_FAULT_RES_* value in these bits of a handler's return, stripped
 * before vml_handle_mm_fault() and vml_handle_fault_atomic() return.
 */
#define VML_FAULT_KIND_SHIFT	12
#define VML_FAULT_KIND_MASK	(0xf << VML_FAULT_KIND_SHIFT)
#define FK(res)			((res) << VML_FAULT_KIND_SHIFT)

static bool fault_lock(struct vml_pgtable *pt, bool atomic)
{
	if (atomic)
		return spin_trylock(&pt->lock);
	spin_lock(&pt->lock);
	return true;
}

static struct vml_page *fault_alloc(bool atomic, vml_gfp_t extra)
{
	vml_gfp_t gfp = atomic ? VML_GFP_NOWAIT | VML___GFP_HIGHMEM : VML_GFP_HIGHUSER;

	return vml_alloc_pages(gfp | extra | VML___GFP_NOWARN, 0);
}

/* What a handler returns when it lacked memory: sleep-less, or OOM. */
static int no_memory(bool atomic)
{
	return atomic ? VML_FAULT_NOWAIT : VML_FAULT_OOM;
}

static int anon_vma_ready(struct vml_vma *vma, bool atomic)
{
	if (atomic)
		return READ_ONCE(vma->anon_vma) ? 0 : -EAGAIN;
	return vml_anon_vma_prepare(vma);
}

/*
 * do_anonymous_page(): a read maps the zero page read-only (one frame for
 * any number of pages); a write maps a new zeroed frame.
 */
static int do_anonymous_page(struct vml_vma *vma, unsigned long addr,
			     pte_t *ptep, bool write, bool atomic)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	struct vml_page *page = NULL;
	pte_t pte;

	if (!write) {
		page = atomic ? vml_zero_page() : vml_get_zero_page();
		if (!page)
			return no_memory(atomic);
		pte = pte_wrprotect(vml_mk_pte(page, vma->vm_page_prot));
		page = NULL;
	} else {
		if (anon_vma_ready(vma, atomic))
			return no_memory(atomic);
		page = fault_alloc(atomic, VML___GFP_ZERO);
		if (!page)
			return no_memory(atomic);
		pte = vml_fault_mk_pte(vma, page, true);
	}
	if (!fault_lock(pt, atomic)) {
		if (page)
			vml_put_page(page);
		return VML_FAULT_NOWAIT;
	}
	if (vml_pte_state(*ptep) != VML_PTE_NONE) {			/* lost the race */
		spin_unlock(&pt->lock);
		if (page)
			vml_put_page(page);
		return FK(VML_FAULT_RES_SPURIOUS);
	}
	if (page) {
		vml_page_add_new_anon_rmap(page, vma, addr);
		account_new(vma, page);
	}
	vml_set_pte(pt, addr, ptep, pte);
	if (page)
		lru_add_new(page);
	spin_unlock(&pt->lock);
	if (!page)
		vml_count_event(VML_ZERO_PAGE_FAULT);
	return FK(page ? VML_FAULT_RES_ANON : VML_FAULT_RES_ZERO);
}

/* Map one page-cache @page at @addr (do_set_pte()); under pgt.lock. */
static void map_cache_page(struct vml_vma *vma, unsigned long addr,
			   pte_t *ptep, struct vml_page *page, bool write)
{
	vml_page_dup_rmap(page);
	account_new(vma, page);
	vml_set_pte(&vma->vm_mm->pgt, addr, ptep, vml_fault_mk_pte(vma, page, write));
}

/*
 * Map @page, whose reference the caller passes on, at @addr unless the
 * PTE changed from none meanwhile (finish_fault()). @anon: a new private
 * copy, else a page-cache page.
 */
static int map_new_page(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
			struct vml_page *page, bool write, bool anon, bool atomic)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;

	if (!fault_lock(pt, atomic)) {
		vml_put_page(page);
		return VML_FAULT_NOWAIT;
	}
	if (vml_pte_state(*ptep) != VML_PTE_NONE) {
		spin_unlock(&pt->lock);
		vml_put_page(page);
		return 0;
	}
	if (anon) {
		vml_page_add_new_anon_rmap(page, vma, addr);
		account_new(vma, page);
		vml_set_pte(pt, addr, ptep, vml_fault_mk_pte(vma, page, write));
		lru_add_new(page);
	} else {
		map_cache_page(vma, addr, ptep, page, write);
	}
	spin_unlock(&pt->lock);
	return 0;
}

#define FAULT_AROUND_PAGES	16	/* fault_around_bytes: 64 KiB */

/*
 * do_fault_around() / filemap_map_pages(): a read fault on the page cache
 * also maps the neighbours that are already cached: 16 pages from the
 * 64 KiB-aligned block's start, or from vm_start when the VMA starts
 * inside the block, cut at the VMA's and the PTE table's end, so a
 * sequential reader takes one fault per 16 pages. Nothing is read in; a
 * page another fault mapped meanwhile is left alone.
 */
static void fault_around(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
			 bool atomic)
{
	const unsigned long block = FAULT_AROUND_PAGES * PAGE_SIZE;
	struct vml_page *pages[FAULT_AROUND_PAGES];
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	unsigned long start, end, a;
	unsigned int n, i;
	pte_t *p;

	/* As 6.1 counts it: 16 pages from the block's start or vm_start. */
	start = max(ALIGN_DOWN(addr, block), vma->vm_start);
	end = min3(start + block, vma->vm_end, (addr & PMD_MASK) + PMD_SIZE);
	n = (end - start) >> PAGE_SHIFT;
	if (n <= 1)
		return;
	vml_filemap_find_range(vma, vml_linear_index(vma, start), n, pages, atomic);
	if (fault_lock(pt, atomic)) {
		for (i = 0, a = start; i < n; i++, a += PAGE_SIZE) {
			p = ptep + ((long)(a - addr) >> PAGE_SHIFT);
			if (pages[i] && vml_pte_state(*p) == VML_PTE_NONE) {
				map_cache_page(vma, a, p, pages[i], false);
				pages[i] = NULL;
			}
		}
		spin_unlock(&pt->lock);
	}
	for (i = 0; i < n; i++)
		if (pages[i])
			vml_put_page(pages[i]);
}

/*
 * A private copy of @src, zero-filled for the zero page (the copy half of
 * wp_page_copy()). Not yet anonymous: vml_page_add_new_anon_rmap() makes
 * it so once it is mapped.
 */
static struct vml_page *cow_copy(struct vml_vma *vma, struct vml_page *src,
				 bool atomic)
{
	struct vml_page *page;

	if (anon_vma_ready(vma, atomic))
		return NULL;
	if (vml_page_test(src, VML_PG_zero))
		return fault_alloc(atomic, VML___GFP_ZERO);
	page = fault_alloc(atomic, 0);
	if (page)
		copy_page(vml_page_address(page), vml_page_address(src));
	return page;
}

/*
 * do_fault(): file-backed or shared anonymous memory comes from the page
 * cache; a write to a private mapping gets a private copy at once
 * (do_cow_fault()), anything else maps the cache page (do_read_fault()
 * with fault-around, do_shared_fault()).
 */
static int do_fault(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		    bool write, bool atomic)
{
	bool major = false, private = !(vma->vm_flags & VML_VM_SHARED);
	struct vml_page *page, *copy;
	int err, ret;

	/* do_cow_fault() prepares the anon_vma first, even for a SIGBUS. */
	if (write && private && anon_vma_ready(vma, atomic))
		return no_memory(atomic);
	if (atomic) {
		vml_filemap_find_range(vma, vml_linear_index(vma, addr), 1, &page, true);
		if (!page)
			return VML_FAULT_NOWAIT;
	} else {
		page = vml_filemap_fault(vma, vml_linear_index(vma, addr), &major, &err);
		/*
		 * do_read_fault() maps the cached neighbours before it
		 * asks for the page itself: a read past EOF still maps them.
		 */
		if (!page && !write && err == -EFAULT)
			fault_around(vma, addr, ptep, atomic);
		/* Past EOF or a read error (a file's, swap's): SIGBUS. */
		if (!page)
			return err == -ENOMEM ? VML_FAULT_OOM : VML_FAULT_SIGBUS;
	}
	if (write && private) {
		copy = cow_copy(vma, page, atomic);
		vml_put_page(page);
		if (!copy)
			return no_memory(atomic);
		page = copy;
	}
	ret = map_new_page(vma, addr, ptep, page, write, write && private, atomic);
	if (ret)
		return ret;
	if (!write)
		fault_around(vma, addr, ptep, atomic);
	if (write && private)
		vml_count_event(VML_COW_FAULT);
	if (major)
		vml_count_event(VML_PGMAJFAULT);
	return (major ? VML_FAULT_MAJOR : 0) |
	       FK(write && private ? VML_FAULT_RES_COW : VML_FAULT_RES_FILE);
}

/* wp_page_reuse(): this PTE is the page's only user; just allow writes. */
static int wp_reuse(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		    pte_t orig, bool atomic)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;

	if (!fault_lock(pt, atomic))
		return VML_FAULT_NOWAIT;
	/* A permission upgrade: a stale read-only TLB entry only refaults. */
	if (pte_same(*ptep, orig))
		vml_ptep_set_access_flags(pt, addr, ptep,
					  pte_mkyoung(pte_mkdirty(vml_pte_mkwrite(orig))));
	spin_unlock(&pt->lock);
	return 0;
}

/*
 * wp_page_copy(): replace the shared page with a private copy. Inside a
 * window the old entry is swapped out with a local invalidation; when
 * another CPU is in a window on this tree too, the old frame is handed
 * back in *@deferred, to be put after the shootdown (VML_FAULT_FLUSH).
 */
static int wp_copy(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		   pte_t orig, struct vml_page *old, bool atomic,
		   struct vml_page **deferred)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	struct vml_mm *mm = vma->vm_mm;
	struct vml_page *page = cow_copy(vma, old, atomic);
	bool zero = vml_page_test(old, VML_PG_zero);
	int ret = 0;
	pte_t pte;

	if (!page)
		return no_memory(atomic);
	if (!fault_lock(pt, atomic)) {
		vml_put_page(page);
		return VML_FAULT_NOWAIT;
	}
	if (!pte_same(*ptep, orig)) {
		spin_unlock(&pt->lock);
		vml_put_page(page);
		return 0;
	}
	if (!zero)
		vml_mm_add_counter(mm, vml_mm_counter_of(vma, old), -1);
	vml_page_add_new_anon_rmap(page, vma, addr);
	account_new(vma, page);
	lru_add_new(page);
	pte = vml_fault_mk_pte(vma, page, true);
	if (!atomic) {
		vml_ptep_get_and_clear(pt, addr, ptep);	/* flushes every CPU */
		vml_set_pte(pt, addr, ptep, pte);
	} else if (!vml_window_replace_pte(pt, addr, ptep, pte)) {
		ret = VML_FAULT_FLUSH;
	}
	if (!zero) {
		vml_page_remove_rmap(old);
		/* its last mapping may have been the one that locked it */
		if (vml_get_lru_hooks()->update_evictable)
			vml_get_lru_hooks()->update_evictable(old);
		if (ret == VML_FAULT_FLUSH)
			*deferred = old;	/* the old PTE's reference */
		else
			vml_put_page(old);
	}
	spin_unlock(&pt->lock);
	vml_count_event(VML_COW_FAULT);
	return ret;
}

/*
 * do_wp_page(): a write to a present read-only PTE in a writable VMA.
 * Shared mappings are made writable (the page goes dirty through the
 * hardware D bit). A private anonymous page only this PTE uses
 * (_mapcount 0, one reference) is reused without a copy, as 6.1's
 * wp_can_reuse_anon_page() decides by refcount; the zero page and
 * page-cache pages of a private mapping are always copied.
 */
static int do_wp_page(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		      pte_t orig, bool atomic, struct vml_page **deferred)
{
	struct vml_page *page = vml_pte_page(orig);
	int ret;

	if (!page)
		return atomic ? VML_FAULT_NOWAIT : VML_FAULT_SIGBUS;
	if (vma->vm_flags & VML_VM_SHARED)
		return wp_reuse(vma, addr, ptep, orig, atomic) | FK(VML_FAULT_RES_REUSE);
	/* wp_can_reuse_anon_folio(): an LRU add batch may hold a reference. */
	if (vml_page_test(page, VML_PG_anon) && vml_page_count(page) > 1 &&
	    !vml_page_test(page, VML_PG_lru) && vml_get_lru_hooks()->drain)
		vml_get_lru_hooks()->drain();
	if (vml_page_test(page, VML_PG_anon) && vml_page_mapcount(page) == 1 &&
	    vml_page_count(page) == 1) {
		ret = wp_reuse(vma, addr, ptep, orig, atomic);
		if (!ret)
			vml_count_event(VML_PGREUSE);
		return ret | FK(VML_FAULT_RES_REUSE);
	}
	/* Hold the old page while copying; a racing unmap may drop its PTE. */
	vml_get_page(page);
	ret = wp_copy(vma, addr, ptep, orig, page, atomic, deferred);
	vml_put_page(page);
	return ret | FK(VML_FAULT_RES_COW);
}

/* A present PTE that already allows the access: a spurious fault. */
static int do_spurious(struct vml_vma *vma, unsigned long addr, pte_t *ptep)
{
	vml_flush_tlb_page(&vma->vm_mm->pgt, addr);
	return FK(VML_FAULT_RES_SPURIOUS);
}

/* handle_pte_fault(): dispatch on the PTE (Gorman's Table 9.4). */
static int handle_pte_fault(struct vml_vma *vma, unsigned long addr,
			    pte_t *ptep, unsigned int flags, bool atomic,
			    struct vml_page **deferred)
{
	bool write = flags & VML_FAULT_FLAG_WRITE;
	const struct vml_fault_hooks *h;
	pte_t pte = READ_ONCE(*ptep);

	switch (vml_pte_state(pte)) {
	case VML_PTE_NONE:
		if (!vma->vm_file && !(vma->vm_flags & VML_VM_SHARED))
			return do_anonymous_page(vma, addr, ptep, write, atomic);
		return do_fault(vma, addr, ptep, write, atomic);
	case VML_PTE_SWAP:
		if (atomic)
			return VML_FAULT_NOWAIT;
		h = vml_fault_hooks();
		return h->swapin ? h->swapin(vma, addr, ptep, pte, flags) |
				   FK(VML_FAULT_RES_SWAP) : VML_FAULT_SIGBUS;
	case VML_PTE_PROTNONE:
		/*
		 * No NUMA hinting (do_numa_page()): mprotect changes a VMA
		 * and its entries together under the write lock, so only an
		 * inaccessible VMA, refused above, has such an entry.
		 */
		return atomic ? VML_FAULT_NOWAIT : VML_FAULT_SIGSEGV;
	case VML_PTE_PRESENT:
		break;
	}
	if (write && !pte_write(pte))
		return do_wp_page(vma, addr, ptep, pte, atomic, deferred);
	/* In a window the #PF already dropped the stale entry; outside, flush. */
	return atomic ? VML_FAULT_NOWAIT : do_spurious(vma, addr, ptep);
}

/* The VML_FAULT_RES_* value of a handler's return. */
static int fault_result(int ret)
{
	if (ret & VML_FAULT_OOM)
		return VML_FAULT_RES_OOM;
	if (ret & VML_FAULT_SIGBUS)
		return VML_FAULT_RES_SIGBUS;
	if (ret & VML_FAULT_SIGSEGV)
		return VML_FAULT_RES_SEGV_ACCERR;	/* a PROT_NONE entry */
	return (ret & VML_FAULT_KIND_MASK) >> VML_FAULT_KIND_SHIFT;
}

int vml_handle_mm_fault(struct vml_vma *vma, unsigned long addr,
			unsigned int flags)
{
	unsigned long page_addr = addr & PAGE_MASK;
	pte_t *ptep;
	int ret;

	vml_count_event(VML_PGFAULT);	/* as handle_mm_fault(): past the VMA checks */
	ptep = NULL;
	/* An OOM victim's memory is going: check_stable_address_space(). */
	if (likely(!vml_mm_oom_victim(vma->vm_mm)))
		ptep = vml_pte_alloc(&vma->vm_mm->pgt, page_addr, VML_GFP_KERNEL);
	if (ptep)
		ret = handle_pte_fault(vma, page_addr, ptep, flags, false, NULL);
	else
		ret = vml_mm_oom_victim(vma->vm_mm) ? VML_FAULT_SIGBUS : VML_FAULT_OOM;
	trace_vmlab_fault(vma->vm_mm->id, addr, flags, fault_result(ret),
			  ret & VML_FAULT_MAJOR, false);
	return ret & ~VML_FAULT_KIND_MASK;
}

enum vml_fixup vml_handle_fault_atomic(struct vml_vma *vma, unsigned long addr,
				       unsigned int flags,
				       struct vml_page **deferred)
{
	unsigned long page_addr = addr & PAGE_MASK;
	pte_t *ptep;
	int ret, kind;

	ptep = vml_pte_lookup(&vma->vm_mm->pgt, page_addr);
	if (!ptep || vml_mm_oom_victim(vma->vm_mm))
		return VML_FIXUP_NONE;
	ret = handle_pte_fault(vma, page_addr, ptep, flags, true, deferred);
	kind = ret & VML_FAULT_KIND_MASK;
	ret &= ~VML_FAULT_KIND_MASK;
	if (ret && ret != VML_FAULT_FLUSH)
		return VML_FIXUP_NONE;	/* counted when the full path takes it */
	vml_count_event(VML_PGFAULT);
	trace_vmlab_fault(vma->vm_mm->id, addr, flags, fault_result(kind), false, true);
	return ret ? VML_FIXUP_FLUSH : VML_FIXUP_DONE;
}

/*
 * do_swap_page()'s mapping half, for the swap layer: an anonymous page
 * mapped once more, or for the first time again after it was fully
 * unmapped (vml_page_add_anon_rmap() tells which under the page rmap lock).
 */
int vml_swapin_map(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		   pte_t orig, struct vml_page *page, bool write)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	pte_t pte;

	if (vml_anon_vma_prepare(vma))
		return -ENOMEM;
	pte = vml_fault_mk_pte(vma, page, write);
	if (!write)
		pte = pte_wrprotect(pte);
	spin_lock(&pt->lock);
	if (!pte_same(*ptep, orig)) {
		spin_unlock(&pt->lock);
		return -EAGAIN;
	}
	vml_page_add_anon_rmap(page, vma, addr);
	account_new(vma, page);
	vml_mm_add_counter(vma->vm_mm, VML_MM_SWAPENTS, -1);
	vml_set_pte(pt, addr, ptep, pte);
	spin_unlock(&pt->lock);
	return 0;
}

/* vma/'s zap of a swap PTE and MADV_PAGEOUT go on to the swap layer. */
static void zap_swap_pte(struct vml_mm *mm, unsigned long addr, pte_t pte)
{
	const struct vml_fault_hooks *h = vml_fault_hooks();

	if (h->swap_zap)
		h->swap_zap(pte);
}

static void pageout_range(struct vml_vma *vma, unsigned long start,
			  unsigned long end)
{
	const struct vml_fault_hooks *h = vml_fault_hooks();

	if (h->pageout)
		h->pageout(vma, start, end);
}

/* What vma/ calls: populating, splits/copies and closes of VMAs. */
static const struct vml_mm_hooks mm_hooks = {
	.populate = vml_populate,
	.zap_nonpresent = zap_swap_pte,
	.pageout = pageout_range,
	.vma_open = vml_filemap_vma_open,
	.vma_dup = vml_filemap_vma_dup,
	.vma_close = vml_filemap_vma_close,
	.smaps_show = vml_smaps_show,
};

/* Unmap everything of every user mm while the hooks still run. */
static int unmap_mm(struct vml_mm *mm, void *arg)
{
	if (!mm->kernel)
		vml_munmap(mm, 0, mm->task_size);
	return 0;
}

int vml_fault_init(void)
{
	vml_set_mm_hooks(&mm_hooks);
	return 0;
}

void vml_fault_exit(void)
{
	vml_walk_mms(unmap_mm, NULL);
	vml_set_mm_hooks(NULL);
	vml_filemap_exit();
}
