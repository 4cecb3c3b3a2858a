// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the fault layer's part of the invariant checker: the page
 * cache, and the reverse-mapping identity of every mapped page. See
 * arena/check.h.
 *
 * vma/ has counted every PTE's mapping and claimed anonymous pages; here
 * the page cache claims its pages (vml_filemap_check()), and every
 * present or PROT_NONE PTE is read once more to check what only this
 * layer knows: an anonymous page names the anon_vma of its VMA and its
 * linear offset there (or rmap could not find it to unmap it), and any
 * other page is its VMA's own page-cache page at the file offset the VMA
 * maps there.
 *
 * Locking: registry_lock, then each mapping's xa_lock (filemap.c); each
 * mm's mmap_lock for reading, then pgt.lock (vml_walk_range()).
 */
#include "arena/check.h"
#include "fault/fault-internal.h"

struct rmap_check {
	struct vml_check *chk;
	struct vml_mm *mm;
};

static int check_identity(struct vml_pgtable *pt, unsigned long addr,
			  pte_t *ptep, void *arg)
{
	struct rmap_check *c = arg;
	struct vml_vma *vma = vml_vma_lookup(c->mm, addr);
	pte_t pte = READ_ONCE(*ptep);
	struct vml_page *page;
	unsigned long want_obj, want_idx;

	if (!vma || !pte_present(pte) || !vml_pfn_valid(pte_pfn(pte)))
		return 0;	/* vma/'s check reported these */
	page = vml_pfn_to_page(pte_pfn(pte));
	if (page == vml_zero_page())
		return 0;
	if (vml_page_test(page, VML_PG_anon)) {
		want_obj = (unsigned long)vma->anon_vma;
		want_idx = (u32)vml_linear_index(vma, addr);
	} else {
		want_obj = (unsigned long)vma->vm_private_data;
		want_idx = (u32)vml_linear_index(vma, addr);
	}
	if (page->private != want_obj || page->index != want_idx)
		vml_check_fail(c->chk, "mm %d %#lx: pfn %#lx names object %#lx offset %u, its VMA %#lx offset %lu",
			       c->mm->id, addr, vml_page_to_pfn(page), page->private,
			       page->index, want_obj, want_idx);
	return 0;
}

static int check_mm_rmap(struct vml_mm *mm, void *arg)
{
	struct rmap_check *c = arg;

	if (mm->kernel)
		return 0;
	c->mm = mm;
	down_read(&mm->mmap_lock);
	vml_walk_range(&mm->pgt, 0, mm->task_size, check_identity, c);
	up_read(&mm->mmap_lock);
	return 0;
}

void vml_fault_check(struct vml_check *chk)
{
	struct rmap_check c = { .chk = chk };

	vml_filemap_check(chk);
	vml_walk_mms(check_mm_rmap, &c);
}
