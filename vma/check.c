// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the address-space layer's part of the invariant checker:
 * every live mm's VMAs, page-table tree and PTEs, the zero page, and the
 * vmalloc area. See arena/check.h.
 *
 * For each mm (vml_walk_mms(), a reference held): the VMA list is sorted,
 * page aligned, non-overlapping, inside the address space and agrees with
 * map_count, the rbtree and total_vm; its tree's tables are claimed
 * (vml_pgtable_check()); then every non-empty PTE of the user half is
 * read through mmu/'s helpers (vml_pte_state(), vml_pte_page(): present
 * and PROT_NONE entries map a frame, swap entries none), and must
 *  - lie inside a VMA;
 *  - map a frame inside the arena that is a user page: not free, not a
 *    slab, a table or metadata (the hole of issue 11: a PTE left pointing
 *    at a freed frame shows up here);
 *  - have no hardware access in a PROT_NONE VMA, no write bit in a VMA
 *    without VM_WRITE, and never write the zero page;
 *  - map an anonymous page only in a private VMA, and only anonymous
 *    pages (or the zero page) in a private anonymous VMA.
 * Each such PTE counts one mapping of its frame; the ledger's final pass
 * compares that with _mapcount and _refcount. The rss counters must equal
 * the pages found. Anonymous pages are claimed here, the others by the
 * page cache (fault/). Every anon_vma's count must be the number of VMAs
 * that point at it plus the anon_vmas whose root it is.
 *
 * Locking: each mm's mmap_lock for reading, then pgt.lock around the
 * walk (vml_walk_range()); no CR3 window is entered and nothing sleeps
 * under pgt.lock.
 */
#include <linux/rbtree.h>
#include "arena/check.h"
#include "vma/vma-internal.h"

struct mm_check {
	struct vml_check *chk;
	struct vml_mm *mm;
	char name[24];
	unsigned long tables;
	unsigned long rss[VML_MM_NR_COUNTERS];
	struct vml_check_refs anon_vmas;	/* one entry per VMA using one */
};

static void check_vma_list(struct mm_check *c)
{
	struct vml_mm *mm = c->mm;
	unsigned long prev_end = 0, total = 0;
	struct vml_vma *vma;
	struct rb_node *nd;
	int n = 0, rb = 0;

	vml_for_each_vma(mm, vma) {
		if (vma->vm_start >= vma->vm_end || vma->vm_start < prev_end ||
		    vma->vm_end > mm->task_size ||
		    offset_in_page(vma->vm_start | vma->vm_end) || vma->vm_mm != mm)
			vml_check_fail(c->chk, "%s: VMA %#lx-%#lx misplaced (previous ends %#lx)",
				       c->name, vma->vm_start, vma->vm_end, prev_end);
		prev_end = vma->vm_end;
		total += vml_vma_pages(vma);
		if (vma->anon_vma)
			vml_check_refs_add(&c->anon_vmas, vma->anon_vma);
		if (++n > mm->map_count)
			break;
	}
	for (nd = rb_first(&mm->mm_rb); nd && rb <= mm->map_count; nd = rb_next(nd))
		rb++;
	if (n != mm->map_count || rb != mm->map_count)
		vml_check_fail(c->chk, "%s: %d VMAs listed, %d in the tree, map_count %d",
			       c->name, n, rb, mm->map_count);
	if (total != mm->total_vm)
		vml_check_fail(c->chk, "%s: VMAs span %lu pages, total_vm says %lu",
			       c->name, total, mm->total_vm);
}

/* What the VMA says may be mapped there. */
static void check_page_in_vma(struct mm_check *c, struct vml_vma *vma,
			      unsigned long addr, struct vml_page *page)
{
	bool anon = vml_page_test(page, VML_PG_anon);
	bool shared = vma->vm_flags & VML_VM_SHARED;

	if (anon && shared)
		vml_check_fail(c->chk, "%s %#lx: anonymous pfn %#lx in a shared VMA",
			       c->name, addr, vml_page_to_pfn(page));
	else if (!anon && !shared && !vma->vm_file)
		vml_check_fail(c->chk, "%s %#lx: pfn %#lx in a private anon VMA is not anonymous",
			       c->name, addr, vml_page_to_pfn(page));
}

static void check_mapped(struct mm_check *c, struct vml_vma *vma,
			 unsigned long addr, pte_t pte, struct vml_page *page)
{
	u32 idx = vml_page_idx(page);
	enum vml_frame_state st = vml_check_state(c->chk, idx);

	if (page == vml_zero_page()) {
		if (pte_write(pte) || (vma->vm_flags & VML_VM_SHARED))
			vml_check_fail(c->chk, "%s %#lx: the zero page is mapped %s",
				       c->name, addr, pte_write(pte) ? "writable" : "shared");
		return;
	}
	vml_check_add_map(c->chk, idx);
	if (st != VML_FRAME_UNSEEN && st != VML_FRAME_ANON) {
		vml_check_fail(c->chk, "%s %#lx: PTE maps pfn %#lx, which is %s",
			       c->name, addr, vml_page_to_pfn(page),
			       vml_frame_state_name(st));
		return;
	}
	check_page_in_vma(c, vma, addr, page);
	c->rss[vml_mm_counter_of(vma, page)]++;
	if (vml_page_test(page, VML_PG_anon))
		vml_check_claim(c->chk, idx, 1, VML_FRAME_ANON, c->name);
}

static int check_pte(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct mm_check *c = arg;
	struct vml_vma *vma = vml_vma_lookup(c->mm, addr);
	pte_t pte = READ_ONCE(*ptep);
	enum vml_pte_kind state;
	struct vml_page *page;

	c->chk->ptes++;
	if (!vma) {
		vml_check_fail(c->chk, "%s %#lx: PTE %#lx outside any VMA",
			       c->name, addr, pte_val(pte));
		return 0;
	}
	state = vml_pte_state(pte);
	if (state == VML_PTE_SWAP) {
		c->rss[VML_MM_SWAPENTS]++;
		return 0;
	}
	page = vml_pte_page(pte);
	if (!page) {
		vml_check_fail(c->chk, "%s %#lx: PTE %#lx maps pfn %#lx outside the arena",
			       c->name, addr, pte_val(pte), pte_pfn(pte));
		return 0;
	}
	if ((state == VML_PTE_PRESENT && !(vma->vm_flags & VML_VM_ACCESS_FLAGS)) ||
	    (pte_write(pte) && !(vma->vm_flags & VML_VM_WRITE)))
		vml_check_fail(c->chk, "%s %#lx: PTE %#lx allows more than its VMA (flags %#lx)",
			       c->name, addr, pte_val(pte), vma->vm_flags);
	check_mapped(c, vma, addr, pte, page);
	return 0;
}

static void check_rss(struct mm_check *c)
{
	static const char * const names[] = { "file", "anon", "swap", "shmem" };
	int i;

	for (i = 0; i < VML_MM_NR_COUNTERS; i++)
		if (c->rss[i] != atomic_long_read(&c->mm->rss_stat[i]))
			vml_check_fail(c->chk, "%s: %lu %s pages mapped, rss counter says %ld",
				       c->name, c->rss[i], names[i],
				       atomic_long_read(&c->mm->rss_stat[i]));
}

static int check_one_mm(struct vml_mm *mm, void *arg)
{
	struct mm_check *c = arg;

	memset(c->rss, 0, sizeof(c->rss));
	c->mm = mm;
	snprintf(c->name, sizeof(c->name), "mm %d", mm->id);
	down_read(&mm->mmap_lock);
	c->tables += vml_pgtable_check(c->chk, &mm->pgt, c->name);
	if (mm->kernel) {
		c->chk->ptes += vml_vmalloc_check(c->chk, mm);
	} else {
		check_vma_list(c);
		vml_walk_range(&mm->pgt, 0, mm->task_size, check_pte, c);
		check_rss(c);
	}
	up_read(&mm->mmap_lock);
	return 0;
}

/*
 * Each anon_vma's count is the number of VMAs pointing at it, plus one
 * for each other anon_vma whose root it is (vml_anon_vma's contract).
 */
static void check_anon_vmas(struct mm_check *c)
{
	struct vml_check_refs *refs = &c->anon_vmas;
	struct vml_anon_vma *av;
	unsigned long i, n, vmas;

	if (!vml_check_refs_sort(refs)) {
		vml_check_fail(c->chk, "VMAs appeared during the check");
		return;
	}
	vmas = refs->n;
	for (i = 0; i < vmas; i++) {	/* each anon_vma once: a run of equals */
		av = (struct vml_anon_vma *)refs->ptrs[i];
		if ((!i || refs->ptrs[i - 1] != av) && av->root != av)
			vml_check_refs_add(refs, av->root);
	}
	if (!vml_check_refs_sort(refs))
		return;
	for (i = 0; i < refs->n; i += n) {
		av = (struct vml_anon_vma *)refs->ptrs[i];
		n = vml_check_refs_count(refs, av);
		if (refcount_read(&av->refcount) != n)
			vml_check_fail(c->chk, "anon_vma %p: refcount %u, users found %lu",
				       av, refcount_read(&av->refcount), n);
	}
}

static int count_vmas(struct vml_mm *mm, void *arg)
{
	*(unsigned long *)arg += READ_ONCE(mm->map_count);
	return 0;
}

void vml_vma_check(struct vml_check *chk)
{
	struct mm_check c = { .chk = chk };
	struct vml_page *zero = vml_zero_page();
	unsigned long vmas = 0;

	if (zero)
		vml_check_claim(chk, vml_page_idx(zero), 1, VML_FRAME_ZERO,
				"the zero page");
	vml_walk_mms(count_vmas, &vmas);
	if (vml_check_refs_init(&c.anon_vmas, 2 * vmas)) {
		vml_check_fail(chk, "vma: no host memory to count anon_vma users");
		return;
	}
	vml_walk_mms(check_one_mm, &c);
	check_anon_vmas(&c);
	vml_check_refs_free(&c.anon_vmas);
	vml_mmu_check_tables(chk, c.tables);
	vml_vma_debugfs_check(chk);
}
