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
 * layer knows: an anonymous page names an anon_vma its VMA is chained to
 * and its linear offset there (or rmap could not find it to unmap it), and
 * any other page is its VMA's own page-cache page at the file offset the
 * VMA maps there. Each VMA of an object names the object's i_mmap tree,
 * and each tree holds exactly the live VMAs naming its object (no node
 * left behind by a freed VMA).
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
	struct vml_check_refs vmas;	/* every live VMA once */
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
		/* An anon_vma whose tree holds this VMA: rmap finds it there. */
		want_obj = page->private;
		if (!want_obj || !vml_vma_in_anon_vma(vma, (void *)want_obj))
			want_obj = vma->anon_vma ? (unsigned long)vma->anon_vma : 1;
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
	vml_for_each_vma(mm, vma) {
		vml_check_refs_add(&c->vmas, vma);
		if (!vma->vm_private_data)
			continue;
		vml_check_refs_add(&c->mappings, vma->vm_private_data);
		if (vma->vm_i_mmap !=
		    &((struct vml_mapping *)vma->vm_private_data)->i_mmap)
			vml_check_fail(c->chk, "mm %d VMA %#lx: object %p, tree %p",
				       mm->id, vma->vm_start, vma->vm_private_data,
				       vma->vm_i_mmap);
	}
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
	if (vml_check_refs_init(&c.vmas, vmas)) {
		vml_check_refs_free(&c.mappings);
		vml_check_fail(chk, "fault: no host memory to list VMAs");
		return;
	}
	vml_walk_mms(check_mm_rmap, &c);
	if (vml_check_refs_sort(&c.mappings) && vml_check_refs_sort(&c.vmas))
		vml_filemap_check(chk, &c.mappings, &c.vmas);
	else
		vml_check_fail(chk, "VMAs appeared during the check");
	vml_check_refs_free(&c.vmas);
	vml_check_refs_free(&c.mappings);
}
