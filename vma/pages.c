// SPDX-License-Identifier: GPL-2.0
/*
 * pages.c - what the VMA operations do to pages and PTEs: zap a range
 * (zap_pte_range()), change the protection of present PTEs
 * (change_pte_range()), mark pages mlocked, and age them (madvise_cold);
 * and the shared zero page. Gorman 4.6 and 4.7.
 *
 * Populating a range is faulting it in, which only the fault layer does
 * (fault/gup.c, through the populate hook): vma/ has no fault handler of
 * its own.
 */
#include <linux/mutex.h>
#include "vma/vma-internal.h"
#include "vmlab_compat.h"

/*
 * The shared zero page (ZERO_PAGE()), made on first use so that starting
 * the core takes no frame from the arena.
 */
static struct vml_page *zero_page;
static DEFINE_MUTEX(zero_page_lock);

struct vml_page *vml_zero_page(void)
{
	return READ_ONCE(zero_page);
}

struct vml_page *vml_get_zero_page(void)
{
	struct vml_page *page = READ_ONCE(zero_page);

	if (page)
		return page;
	mutex_lock(&zero_page_lock);
	if (!zero_page) {
		page = vml_alloc_pages(VML_GFP_KERNEL | VML___GFP_ZERO | VML___GFP_NOWARN, 0);
		if (page)
			vml_page_set(page, VML_PG_zero);
		WRITE_ONCE(zero_page, page);
	}
	mutex_unlock(&zero_page_lock);
	return zero_page;
}

void vml_zero_page_exit(void)
{
	if (!zero_page)
		return;
	vml_page_clear(zero_page, VML_PG_zero);
	vml_put_page(zero_page);
	zero_page = NULL;
}

/* Drop the mapping @pte had of its page (zap_pte_range() for one entry). */
static void unmap_page(struct vml_vma *vma, pte_t pte)
{
	const struct vml_lru_hooks *lru = vml_get_lru_hooks();
	struct vml_page *page = vml_pte_page(pte);
	bool anon;

	if (WARN_ON_ONCE(!page))
		return;
	if (vml_page_test(page, VML_PG_zero))
		return;
	anon = vml_page_test(page, VML_PG_anon);
	vml_mm_add_counter(vma->vm_mm, vml_mm_counter_of(vma, page), -1);
	if (pte_dirty(pte) && !anon)
		vml_page_set(page, VML_PG_dirty);	/* set_page_dirty() */
	/* zap_pte_range(): a used page-cache page stays warm on the LRU. */
	if (pte_young(pte) && !anon && lru->accessed)
		lru->accessed(page);
	if (atomic_add_negative(-1, &page->_mapcount)) {
		/* Unmapped, an anonymous page names no anon_vma (rmap.c). */
		if (anon)
			vml_page_set_rmap(page, 0, false);
		/* munlock_vma_folio(): a cached page may stay; evictable again */
		if (vml_page_test_and_clear(page, VML_PG_mlocked) &&
		    lru->update_evictable)
			lru->update_evictable(page);
	}
	vml_put_page(page);
}

/*
 * vml_mm_populate() - populating is faulting: the fault layer's handler
 * does it, through the populate hook (fault/gup.c explains why a hook).
 */
int vml_mm_populate(struct vml_mm *mm, unsigned long start, unsigned long len,
		    bool ignore_errors)
{
	const struct vml_mm_hooks *h = vml_hooks();

	return h->populate ? h->populate(mm, start, len, ignore_errors) : 0;
}

/* ---- walks over present PTEs ---- */

/* PTEs zapped under one hold of pgt.lock: a table's worth. */
#define ZAP_BATCH	512

struct zap_batch {
	struct vml_vma *vma;
	unsigned int nr;
	unsigned long next;
};

static int zap_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		   void *arg)
{
	struct zap_batch *z = arg;
	struct vml_vma *vma = z->vma;
	const struct vml_mm_hooks *h = vml_hooks();
	pte_t pte = vml_ptep_get_and_clear(pt, addr, ptep);

	if (vml_pte_page(pte)) {
		unmap_page(vma, pte);
	} else if (vml_pte_state(pte) == VML_PTE_SWAP) {
		vml_mm_add_counter(vma->vm_mm, VML_MM_SWAPENTS, -1);
		if (h->zap_nonpresent)
			h->zap_nonpresent(vma->vm_mm, addr, pte);
	}
	if (++z->nr < ZAP_BATCH)
		return 0;
	z->next = addr + PAGE_SIZE;
	return 1;
}

/*
 * vml_zap_range() - unmap every page of [start, end) inside @vma, dropping
 * the page references (unmap_page_range()). Tables are kept; see
 * vml_free_pgd_range(). pgt.lock is let go and the CPU offered every
 * ZAP_BATCH entries, as zap_pte_range() breaks on need_resched(): the
 * exit of a GiB-sized mm would otherwise hold a spinlock for seconds.
 * Context: may sleep; the caller holds mmap_lock, so no table goes.
 */
void vml_zap_range(struct vml_vma *vma, unsigned long start, unsigned long end)
{
	struct zap_batch z = { .vma = vma };

	while (start < end) {
		z.nr = 0;
		if (!vml_walk_range(&vma->vm_mm->pgt, start, end, zap_one, &z))
			break;
		start = z.next;
		cond_resched();
	}
}

/* free_pgtables() over a hole: only tables wholly inside it go. */
void vml_free_pgd_range(struct vml_mm *mm, unsigned long start,
			unsigned long end)
{
	if (start < end)
		vml_free_pgtables(&mm->pgt, start, end);
}

static int protect_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		       void *arg)
{
	struct vml_vma *vma = arg;
	struct vml_page *page;
	pte_t pte, old;

	if (!vml_pte_page(*ptep))
		return 0;
	old = vml_ptep_get_and_clear(pt, addr, ptep);
	page = vml_pte_page(old);
	/*
	 * pte_modify() by hand: its _PAGE_CHG_MASK names cc_mask, which the
	 * kernel does not export to modules. Keep frame, Accessed and Dirty.
	 */
	pte = pfn_pte(pte_pfn(old), vma->vm_page_prot);
	if (pte_young(old))
		pte = pte_mkyoung(pte);
	if (pte_dirty(old))
		pte = pte_mkdirty(pte);
	/*
	 * change_pte_range() with MM_CP_TRY_CHANGE_WRITABLE: a page only
	 * this PTE maps needs no COW, so it may stay writable; not one in
	 * the swap cache, which swap PTEs of other mms may still name
	 * (6.1's PageAnonExclusive is clear on such a page).
	 */
	if ((vma->vm_flags & VML_VM_WRITE) && !vml_page_test(page, VML_PG_zero) &&
	    ((vma->vm_flags & VML_VM_SHARED) ||
	     (vml_page_test(page, VML_PG_anon) && vml_page_mapcount(page) == 1 &&
	      !vml_page_test(page, VML_PG_swapcache))))
		pte = vml_pte_mkwrite(pte);
	vml_set_pte(pt, addr, ptep, pte);
	return 0;
}

/* vml_change_protection() - apply @vma->vm_page_prot to its present PTEs. */
void vml_change_protection(struct vml_vma *vma, unsigned long start,
			   unsigned long end)
{
	vml_walk_range(&vma->vm_mm->pgt, start, end, protect_one, vma);
	vml_flush_tlb_range(&vma->vm_mm->pgt, start, end);
}

static int mlock_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct vml_page *page;

	page = vml_pte_page(*ptep);
	if (!page)
		return 0;
	if (vml_page_test(page, VML_PG_zero))
		return 0;
	if (arg ? vml_page_test_and_set(page, VML_PG_mlocked) :
		  !vml_page_test_and_clear(page, VML_PG_mlocked))
		return 0;		/* no change */
	if (vml_get_lru_hooks()->update_evictable)
		vml_get_lru_hooks()->update_evictable(page);
	return 0;
}

/* Set or clear PG_mlocked on the present pages of a range. */
void vml_mlock_pages(struct vml_vma *vma, unsigned long start,
		     unsigned long end, bool lock)
{
	vml_walk_range(&vma->vm_mm->pgt, start, end, mlock_one,
		       lock ? vma : NULL);
}

static int age_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		   void *arg)
{
	unsigned long *nr = arg;
	struct vml_page *page;

	page = vml_pte_page(*ptep);
	if (!page)
		return 0;
	if (vml_page_test(page, VML_PG_zero))
		return 0;
	vml_ptep_test_and_clear_young(pt, addr, ptep);
	/*
	 * The LRU owns the list flags: it moves the page (deactivate_page()),
	 * as 6.1 only for a page this mm alone maps.
	 */
	if (vml_page_mapcount(page) == 1 && vml_get_lru_hooks()->deactivate)
		vml_get_lru_hooks()->deactivate(page);
	(*nr)++;
	return 0;
}

/* madvise_cold_or_pageout_pte_range(): clear Accessed, deactivate. */
unsigned long vml_age_range(struct vml_vma *vma, unsigned long start,
			    unsigned long end)
{
	unsigned long nr = 0;

	vml_walk_range(&vma->vm_mm->pgt, start, end, age_one, &nr);
	return nr;
}
