// SPDX-License-Identifier: GPL-2.0
/*
 * smaps.c - /proc/PID/smaps and smaps_rollup for a sandbox mm
 * (fs/proc/task_mmu.c smaps_pte_entry()): walk the present and PROT_NONE
 * PTEs and sort each page into shared or private, clean or dirty,
 * anonymous or file, and sum the proportional set size (a page mapped n
 * times counts 1/n; a swap entry whose slot n PTEs name counts 1/n of
 * SwapPss, as 6.1 reads swp_swapcount()).
 */
#include <linux/seq_file.h>
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
		const struct vml_fault_hooks *h = vml_fault_hooks();

		/* SwapPss: a slot n PTEs share (after fork) counts 1/n. */
		n = h->swap_count ? max(h->swap_count(pte), 1) : 1;
		s->swap++;
		s->swap_pss += (1ul << PSS_SHIFT) / n;
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
	if (dirty)
		s->pss_dirty += (1ul << PSS_SHIFT) / n;
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
	vml_for_each_vma(mm, vma) {
		vml_walk_range(&mm->pgt, vma->vm_start, vma->vm_end, smaps_one, s);
		s->swap += vml_shmem_swapped(vma);
	}
	up_read(&mm->mmap_lock);
	s->pss >>= PSS_SHIFT;
	s->swap_pss >>= PSS_SHIFT;
	return 0;
}

/* One VMA's counts, in pages (PSS still shifted); mmap_lock is held. */
static void smaps_vma(struct vml_vma *vma, struct vml_smaps *s)
{
	memset(s, 0, sizeof(*s));
	vml_walk_range(&vma->vm_mm->pgt, vma->vm_start, vma->vm_end, smaps_one, s);
	s->swap += vml_shmem_swapped(vma);
}

static void put_kb(struct seq_file *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%s%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

/* __show_smap() for one VMA: Rss: to Locked:, as 6.1 prints them. */
void vml_smaps_show(struct seq_file *m, struct vml_vma *vma)
{
	unsigned long pss, pss_dirty, swap_pss;
	struct vml_smaps s;

	smaps_vma(vma, &s);
	/* Pss in KiB keeps the fraction of a page, as Linux's PSS_SHIFT. */
	pss = (s.pss << (PAGE_SHIFT - 10)) >> PSS_SHIFT;
	pss_dirty = (s.pss_dirty << (PAGE_SHIFT - 10)) >> PSS_SHIFT;
	swap_pss = (s.swap_pss << (PAGE_SHIFT - 10)) >> PSS_SHIFT;
	put_kb(m, "Rss:            ", s.rss);
	seq_printf(m, "Pss:            %8lu kB\n", pss);
	seq_printf(m, "Pss_Dirty:      %8lu kB\n", pss_dirty);
	put_kb(m, "Shared_Clean:   ", s.shared_clean);
	put_kb(m, "Shared_Dirty:   ", s.shared_dirty);
	put_kb(m, "Private_Clean:  ", s.private_clean);
	put_kb(m, "Private_Dirty:  ", s.private_dirty);
	put_kb(m, "Referenced:     ", s.referenced);
	put_kb(m, "Anonymous:      ", s.anon);
	put_kb(m, "LazyFree:       ", 0);
	put_kb(m, "AnonHugePages:  ", 0);
	put_kb(m, "ShmemPmdMapped: ", 0);
	put_kb(m, "FilePmdMapped:  ", 0);
	put_kb(m, "Shared_Hugetlb: ", 0);
	seq_puts(m, "Private_Hugetlb:       0 kB\n");
	put_kb(m, "Swap:           ", s.swap);
	seq_printf(m, "SwapPss:        %8lu kB\n", swap_pss);
	seq_printf(m, "Locked:         %8lu kB\n", vma->vm_flags & VML_VM_LOCKED ? pss : 0);
}
