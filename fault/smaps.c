// SPDX-License-Identifier: GPL-2.0
/*
 * smaps.c - /proc/PID/smaps_rollup for a sandbox mm (fs/proc/task_mmu.c
 * smaps_pte_entry()): walk the present and PROT_NONE PTEs and sort each page into
 * shared or private, clean or dirty, anonymous or file, and sum the
 * proportional set size (a page mapped n times counts 1/n).
 */
#include "fault/fault-internal.h"

#define PSS_SHIFT	12	/* fixed-point fraction of a page, as Linux */

static int smaps_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct vml_smaps *s = arg;
	pte_t pte = *ptep;
	struct vml_page *page;
	bool dirty;
	int n;

	if (vml_pte_state(pte) == VML_PTE_SWAP) {
		s->swap++;
		return 0;
	}
	page = vml_pte_page(pte);	/* present or PROT_NONE, as Linux counts */
	if (!page)
		return 0;
	if (vml_page_test(page, VML_PG_zero)) {
		s->zero++;
		return 0;
	}
	n = max(vml_page_mapcount(page), 1);
	dirty = pte_dirty(pte) || vml_page_test(page, VML_PG_dirty);
	s->rss++;
	s->pss += (1ul << PSS_SHIFT) / n;
	s->referenced += !!pte_young(pte);
	if (vml_page_test(page, VML_PG_anon))
		s->anon++;
	if (n > 1) {
		s->shared_clean += !dirty;
		s->shared_dirty += dirty;
	} else {
		s->private_clean += !dirty;
		s->private_dirty += dirty;
	}
	return 0;
}

int vml_smaps_rollup(struct vml_mm *mm, struct vml_smaps *s)
{
	struct vml_vma *vma;

	memset(s, 0, sizeof(*s));
	if (mm->kernel)
		return -EINVAL;
	down_read(&mm->mmap_lock);
	vml_for_each_vma(mm, vma)
		vml_walk_range(&mm->pgt, vma->vm_start, vma->vm_end, smaps_one, s);
	up_read(&mm->mmap_lock);
	s->pss >>= PSS_SHIFT;
	return 0;
}
