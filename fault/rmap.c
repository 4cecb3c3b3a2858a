// SPDX-License-Identifier: GPL-2.0
/*
 * rmap.c - reverse mapping: from a page to the PTEs that map it
 * (mm/rmap.c; Gorman 9.5.3 and 11.8 on why 2.4 had none).
 *
 * 2.4 could only unmap a shared page by scanning the page tables of every
 * process (swap_out() walking mm after mm). vmlab follows today's
 * object-based rmap instead of 2.5's per-PTE chains: a page records its
 * object and its offset in it, and nothing per mapping:
 *
 *  - anonymous: @private is the root of the VMA family's anon_vmas (fork
 *    gives each child VMA its own under the parent's root, as
 *    anon_vma_fork() does), @index the low 32 bits of the linear page
 *    offset (vm_pgoff + page within the VMA, which mremap keeps). A VMA
 *    of the family maps the page, if at all, at
 *    vm_start + ((index - vm_pgoff) mod 2^32) pages;
 *  - page cache: @private is the vml_mapping, @index the file offset.
 *
 * A walk visits the VMAs that belong to the object and checks the single
 * PTE each could use. Linux finds those VMAs through the anon_vma's
 * interval tree of anon_vma_chains and the file's i_mmap tree; vmlab's
 * anon_vmas have no chains (a page names its family's root, close to
 * 2.6.9's one anon_vma per family) and no VMA list, so the walk looks at each mm's VMA list for the
 * ones pointing at the object. That costs O(VMAs), never O(page tables),
 * and stays right whatever vma/ does to the VMAs (split, merge, mremap)
 * with no hook to keep a list in step. Documentation/fault.rst has more.
 */
#include "buddy/vmstat.h"
#include "fault/fault-internal.h"

unsigned long vml_linear_index(struct vml_vma *vma, unsigned long addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/* page_add_new_anon_rmap(): first mapping of a new private page. */
void vml_page_add_new_anon_rmap(struct vml_page *page, struct vml_vma *vma,
				unsigned long addr)
{
	page->private = (unsigned long)vma->anon_vma->root;
	page->index = (u32)vml_linear_index(vma, addr);
	vml_page_set(page, VML_PG_anon);
	atomic_set(&page->_mapcount, 0);
}

/* page_dup_rmap()/page_add_file_rmap(): one more PTE maps the page. */
void vml_page_dup_rmap(struct vml_page *page)
{
	atomic_inc(&page->_mapcount);
}

/* page_remove_rmap(): as vma/'s zap does, the last unmap ends anon-ness. */
void vml_page_remove_rmap(struct vml_page *page)
{
	if (atomic_add_negative(-1, &page->_mapcount)) {
		vml_page_clear(page, VML_PG_anon);
		vml_page_clear(page, VML_PG_mlocked);
	}
}

/* Does @vma belong to the object @page names? */
static bool vma_has_object(struct vml_vma *vma, struct vml_page *page,
			   bool anon)
{
	if (anon)
		return vma->anon_vma &&
		       (unsigned long)vma->anon_vma->root == page->private;
	return (unsigned long)vma->vm_private_data == page->private;
}

/* vma_address(): where @page would be in @vma, or 0. */
static unsigned long vma_address(struct vml_vma *vma, struct vml_page *page)
{
	u32 delta = page->index - (u32)vma->vm_pgoff;

	if (delta >= vml_vma_pages(vma))
		return 0;
	return vma->vm_start + ((unsigned long)delta << PAGE_SHIFT);
}

struct walk {
	struct vml_page *page;
	bool anon;
	vml_rmap_fn fn;
	void *arg;
	int skipped;
	int stop;
};

/* page_vma_mapped_walk() for the one address the page can have. */
static int walk_vma(struct walk *w, struct vml_vma *vma)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	unsigned long addr = vma_address(vma, w->page);
	pte_t *ptep;
	int ret = 0;

	if (!addr)
		return 0;
	ptep = vml_pte_lookup(pt, addr);
	if (!ptep)
		return 0;
	spin_lock(&pt->lock);
	if (vml_pte_page(*ptep) == w->page)
		ret = w->fn(vma, addr, ptep, w->arg);
	spin_unlock(&pt->lock);
	return ret;
}

static int walk_mm(struct vml_mm *mm, void *arg)
{
	struct walk *w = arg;
	struct vml_vma *vma;

	if (mm->kernel)
		return 0;
	if (!down_read_trylock(&mm->mmap_lock)) {
		w->skipped++;
		return 0;
	}
	vml_for_each_vma(mm, vma) {
		if (!vma_has_object(vma, w->page, w->anon))
			continue;
		w->stop = walk_vma(w, vma);
		if (w->stop)
			break;
	}
	up_read(&mm->mmap_lock);
	return w->stop;
}

int vml_rmap_walk(struct vml_page *page, vml_rmap_fn fn, void *arg)
{
	struct walk w = { .page = page, .fn = fn, .arg = arg };

	if (vml_page_test(page, VML_PG_zero) || !page->private)
		return 0;
	w.anon = vml_page_test(page, VML_PG_anon);
	vml_walk_mms(walk_mm, &w);
	return w.stop ? -abs(w.stop) : w.skipped;
}

static int referenced_one(struct vml_vma *vma, unsigned long addr,
			  pte_t *ptep, void *arg)
{
	int *nr = arg;

	if (vml_ptep_test_and_clear_young(&vma->vm_mm->pgt, addr, ptep))
		(*nr)++;
	return 0;
}

int vml_page_referenced(struct vml_page *page)
{
	int nr = 0;

	vml_rmap_walk(page, referenced_one, &nr);
	return nr;
}

struct unmap_arg {
	pte_t entry;
	int nr;
};

/* try_to_unmap_one(): clear the PTE, keep its D bit, drop the mapping. */
static int unmap_one(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	struct unmap_arg *u = arg;
	const struct vml_fault_hooks *h;
	struct vml_page *page;
	pte_t old;

	/*
	 * The slot gains a reference for each swap PTE before the PTE is
	 * written, under pgt.lock (swap_duplicate() in try_to_unmap_one());
	 * if it cannot, this PTE stays and the walk stops.
	 */
	if (vml_pte_state(u->entry) == VML_PTE_SWAP) {
		h = vml_fault_hooks();
		if (!h->swap_dup || h->swap_dup(u->entry))
			return 1;
	}
	old = vml_ptep_get_and_clear(pt, addr, ptep);
	page = vml_pte_page(old);
	if (pte_dirty(old))
		vml_page_set(page, VML_PG_dirty);
	vml_mm_add_counter(vma->vm_mm, vml_mm_counter_of(vma, page), -1);
	if (vml_pte_state(u->entry) != VML_PTE_NONE) {
		vml_set_pte(pt, addr, ptep, u->entry);
		vml_mm_add_counter(vma->vm_mm, VML_MM_SWAPENTS, 1);
	}
	vml_page_remove_rmap(page);
	vml_put_page(page);
	u->nr++;
	return 0;
}

int vml_try_to_unmap(struct vml_page *page, pte_t entry)
{
	struct unmap_arg u = { .entry = entry };

	if (vml_page_test(page, VML_PG_mlocked))
		return 0;		/* mlocked pages stay (TTU without IGNORE_MLOCK) */
	/* The page must outlive the walk that drops its last PTE reference. */
	vml_get_page(page);
	vml_rmap_walk(page, unmap_one, &u);
	vml_put_page(page);
	return u.nr;
}
