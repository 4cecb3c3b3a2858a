// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the fault layer's part of the invariant checker: the page
 * cache, and the reverse-mapping identity of every mapped page. See
 * arena/check.h.
 *
 * vma/ has counted every PTE's mapping and claimed anonymous pages; here
 * the page cache claims its pages (vml_filemap_check(), which also
 * compares each mapping's users with the VMAs found using it), and every
 * present or PROT_NONE PTE is read once more to check what only this
 * layer knows: an anonymous page names the root anon_vma of its VMA and its
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
	struct vml_check_refs mappings;	/* one entry per VMA using one */
};

static int check_identity(struct vml_pgtable *pt, unsigned long addr,
			  pte_t *ptep, void *arg)
{
	struct rmap_check *c = arg;
	struct vml_vma *vma = vml_vma_lookup(c->mm, addr);
	pte_t pte = READ_ONCE(*ptep);
	struct vml_page *page;
	unsigned long want_obj, want_idx;

	page = vml_normal_page(pte);
	if (!vma || !page)
		return 0;	/* swap, the zero page, or reported by vma/'s check */
	if (vml_page_test(page, VML_PG_anon)) {
		/* Its family's root: rmap walks every VMA under it. */
		want_obj = vma->anon_vma ? (unsigned long)vma->anon_vma->root : 0;
		want_idx = (u32)vml_linear_index(vma, addr);
	} else {
		want_obj = (unsigned long)vma->vm_private_data;
		want_idx = (u32)vml_linear_index(vma, addr);
	}
	if (page->private != want_obj || page->index != want_idx)
		vml_check_fail(c->chk, "mm %d %#lx: pfn %#lx names %#lx:%u, its VMA %#lx:%lu",
			       c->mm->id, addr, vml_page_to_pfn(page), page->private,
			       page->index, want_obj, want_idx);
	return 0;
}

static int check_mm_rmap(struct vml_mm *mm, void *arg)
{
	struct rmap_check *c = arg;
	struct vml_vma *vma;

	if (mm->kernel)
		return 0;
	c->mm = mm;
	down_read(&mm->mmap_lock);
	vml_for_each_vma(mm, vma)
		if (vma->vm_private_data)
			vml_check_refs_add(&c->mappings, vma->vm_private_data);
	vml_walk_range(&mm->pgt, 0, mm->task_size, check_identity, c);
	up_read(&mm->mmap_lock);
	return 0;
}

static int count_vmas(struct vml_mm *mm, void *arg)
{
	*(unsigned long *)arg += READ_ONCE(mm->map_count);
	return 0;
}

void vml_fault_check(struct vml_check *chk)
{
	struct rmap_check c = { .chk = chk };
	unsigned long vmas = 0;

	vml_walk_mms(count_vmas, &vmas);
	if (vml_check_refs_init(&c.mappings, vmas)) {
		vml_check_fail(chk, "fault: no host memory to count mapping users");
		return;
	}
	vml_walk_mms(check_mm_rmap, &c);
	if (vml_check_refs_sort(&c.mappings))
		vml_filemap_check(chk, &c.mappings);
	else
		vml_check_fail(chk, "VMAs appeared during the check");
	vml_check_refs_free(&c.mappings);
}
