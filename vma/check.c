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
 * page cache (fault/). Reverse-map links: a VMA has an anon_vma iff it
 * has chains, each chain is its own and sits in its anon_vma's interval
 * tree, each tree holds only chains of live VMAs (none left by a freed
 * one), and each anon_vma's refcount, num_active_vmas and num_children
 * agree with what points at it; a VMA of a file or shared object is in
 * that object's i_mmap tree exactly once.
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
	struct vml_check_refs anon_vmas;	/* one entry per anon_vma_chain */
	struct vml_check_refs actives;		/* one per VMA's ->anon_vma */
	struct vml_check_refs vmas;		/* every live VMA */
};

/*
 * A VMA's reverse-map links: an anon_vma iff chains, its own among them,
 * every chain its own and in its anon_vma's tree under one root; in its
 * object's i_mmap tree exactly once.
 */
static void check_vma_rmap(struct mm_check *c, struct vml_vma *vma)
{
	struct vml_anon_vma *root = vml_vma_anon_root(vma);
	struct vml_anon_vma_chain *avc;
	bool own = false;
	int n;

	vml_check_refs_add(&c->vmas, vma);
	if (vma->anon_vma)
		vml_check_refs_add(&c->actives, vma->anon_vma);
	if (root)
		down_read(&root->rwsem);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		vml_check_refs_add(&c->anon_vmas, avc->anon_vma);
		own |= avc->anon_vma == vma->anon_vma;
		if (avc->vma != vma || avc->anon_vma->root != root ||
		    !vml_avc_in_tree(avc))
			vml_check_fail(c->chk, "%s VMA %#lx: chain %p (%p %p %p) misplaced",
				       c->name, vma->vm_start, avc, avc->anon_vma,
				       avc->vma, avc->anon_vma->root);
	}
	if (root)
		up_read(&root->rwsem);
	if (!!vma->anon_vma != own)
		vml_check_fail(c->chk, "%s VMA %#lx: anon_vma %p, %s chained to it",
			       c->name, vma->vm_start, vma->anon_vma,
			       own ? "" : "not");
	if (!vma->vm_i_mmap)
		return;
	down_read(&vma->vm_i_mmap->rwsem);
	n = vml_i_mmap_count(vma);
	up_read(&vma->vm_i_mmap->rwsem);
	if (n != 1)
		vml_check_fail(c->chk, "%s VMA %#lx: %d times in its object's i_mmap tree",
			       c->name, vma->vm_start, n);
}

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
		check_vma_rmap(c, vma);
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

/* Each chain of @av's tree is one a live VMA has (no freed VMA left). */
static unsigned long check_tree(struct mm_check *c, struct vml_anon_vma *av)
{
	struct vml_anon_vma_chain *avc;
	struct rb_node *nd;
	unsigned long n = 0;

	down_read(&av->root->rwsem);
	for (nd = rb_first_cached(&av->rb_root); nd; nd = rb_next(nd)) {
		avc = rb_entry(nd, struct vml_anon_vma_chain, rb);
		n++;
		if (avc->anon_vma != av || !vml_check_refs_count(&c->vmas, avc->vma))
			vml_check_fail(c->chk, "anon_vma %p: chain %p of %p, VMA %p not live",
				       av, avc, avc->anon_vma, avc->vma);
	}
	up_read(&av->root->rwsem);
	return n;
}

/*
 * Every anon_vma some chain names: its tree holds exactly those chains;
 * its refcount is one (in use) plus one per other anon_vma whose root it
 * is; num_active_vmas counts the VMAs pointing at it, num_children the
 * anon_vmas whose parent it is (a root counts itself).
 */
static void check_anon_vmas(struct mm_check *c)
{
	struct vml_check_refs *refs = &c->anon_vmas, kin;
	struct vml_anon_vma *av;
	unsigned long i, n, chains;

	if (!vml_check_refs_sort(refs) || !vml_check_refs_sort(&c->actives) ||
	    !vml_check_refs_sort(&c->vmas)) {
		vml_check_fail(c->chk, "VMAs appeared during the check");
		return;
	}
	if (vml_check_refs_init(&kin, 2 * refs->n)) {
		vml_check_fail(c->chk, "vma: no host memory to count anon_vmas");
		return;
	}
	/* roots and parents, tagged apart: a parent entry is the pointer + 1 */
	for (i = 0; i < refs->n; i += n) {
		av = (struct vml_anon_vma *)refs->ptrs[i];
		n = vml_check_refs_count(refs, av);
		if (av->root != av)
			vml_check_refs_add(&kin, av->root);
		vml_check_refs_add(&kin, (char *)av->parent + 1);
	}
	if (!vml_check_refs_sort(&kin))
		goto out;
	for (i = 0; i < refs->n; i += chains) {
		av = (struct vml_anon_vma *)refs->ptrs[i];
		chains = vml_check_refs_count(refs, av);
		n = check_tree(c, av);
		if (n != chains)
			vml_check_fail(c->chk, "anon_vma %p: %lu chains in its tree, VMAs have %lu",
				       av, n, chains);
		n = 1 + vml_check_refs_count(&kin, av);
		if (refcount_read(&av->refcount) != n)
			vml_check_fail(c->chk, "anon_vma %p: refcount %u, users found %lu",
				       av, refcount_read(&av->refcount), n);
		n = vml_check_refs_count(&c->actives, av);
		if (av->num_active_vmas != n)
			vml_check_fail(c->chk, "anon_vma %p: num_active_vmas %lu, VMAs %lu",
				       av, av->num_active_vmas, n);
		n = vml_check_refs_count(&kin, (char *)av + 1);
		if (av->num_children != n)
			vml_check_fail(c->chk, "anon_vma %p: num_children %lu, found %lu",
				       av, av->num_children, n);
	}
out:
	vml_check_refs_free(&kin);
}

/* Chains of every VMA of @mm, for the room the check needs. */
static int count_chains(struct vml_mm *mm, void *arg)
{
	struct vml_anon_vma_chain *avc;
	struct vml_vma *vma;

	down_read(&mm->mmap_lock);
	vml_for_each_vma(mm, vma)
		list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
			(*(unsigned long *)arg)++;
	up_read(&mm->mmap_lock);
	return 0;
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
	unsigned long vmas = 0, chains = 0;

	if (zero)
		vml_check_claim(chk, vml_page_idx(zero), 1, VML_FRAME_ZERO,
				"the zero page");
	vml_walk_mms(count_vmas, &vmas);
	vml_walk_mms(count_chains, &chains);
	if (vml_check_refs_init(&c.anon_vmas, chains) ||
	    vml_check_refs_init(&c.actives, vmas) ||
	    vml_check_refs_init(&c.vmas, vmas)) {
		vml_check_fail(chk, "vma: no host memory to count anon_vma users");
		goto out;
	}
	vml_walk_mms(check_one_mm, &c);
	check_anon_vmas(&c);
out:
	vml_check_refs_free(&c.vmas);
	vml_check_refs_free(&c.actives);
	vml_check_refs_free(&c.anon_vmas);
	vml_mmu_check_tables(chk, c.tables);
	vml_vma_debugfs_check(chk);
}
