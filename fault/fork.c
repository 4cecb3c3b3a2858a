// SPDX-License-Identifier: GPL-2.0
/*
 * fork.c - fork(): a copy of an address space whose private pages are
 * shared copy-on-write (Gorman 4.6.3 and 4.6.4; kernel/fork.c dup_mmap(),
 * mm/memory.c copy_page_range()).
 *
 * vma/ copies the VMAs (vml_dup_mmap()); for each one it calls back
 * vml_copy_page_range(), which gives the child its own page tables (they
 * are never shared) with entries for the same frames: private writable
 * pages are write-protected in both parent and child, so the first write
 * on either side faults into do_wp_page(); shared pages stay writable.
 * The parent's TLB is flushed once per VMA after its PTEs changed.
 */
#include <linux/err.h>
#include "fault/fault-internal.h"
#include "fault/fault_trace.h"

struct copy_arg {
	struct vml_vma *dst, *src;
	pte_t *dst_table;	/* child's slot for @base */
	unsigned long base;	/* PMD-aligned address of the current table */
	bool cow;
	bool swap_only;		/* no anon_vma: copy swap entries only */
	int err;
};

/* cow_mapping(): private and possibly writable. */
static bool cow_mapping(unsigned long flags)
{
	return (flags & (VML_VM_SHARED | VML_VM_MAYWRITE)) == VML_VM_MAYWRITE;
}

/*
 * copy_present_pte(): share the frame, COW-protect both sides if private.
 * A PROT_NONE entry holds its frame as a present one does, so it is
 * copied the same way: the child's entry takes a reference and a mapping.
 */
static pte_t copy_present(struct copy_arg *c, struct vml_pgtable *pt,
			  unsigned long addr, pte_t *ptep)
{
	pte_t pte = *ptep;
	struct vml_page *page = vml_normal_page(pte);

	if (page) {
		vml_get_page(page);
		vml_page_dup_rmap(page);
		vml_mm_add_counter(c->dst->vm_mm, vml_mm_counter_of(c->src, page), 1);
	}
	if (c->cow && pte_write(pte)) {
		vml_ptep_set_wrprotect(pt, addr, ptep);
		pte = pte_wrprotect(pte);
	}
	if (c->dst->vm_flags & VML_VM_SHARED)
		pte = pte_mkclean(pte);
	return pte_mkold(pte);
}

/* Called for every non-empty parent slot, parent pgt.lock held. */
static int copy_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		    void *arg)
{
	struct copy_arg *c = arg;
	struct vml_pgtable *dpt = &c->dst->vm_mm->pgt;
	const struct vml_fault_hooks *h;
	pte_t pte = *ptep;

	if (vml_pte_state(pte) != VML_PTE_SWAP) {
		if (c->swap_only)
			return 0;
		pte = copy_present(c, pt, addr, ptep);	/* present or PROT_NONE */
	} else {
		/* A swap entry: the swap layer counts the new reference. */
		h = vml_fault_hooks();
		if (h->swap_dup && h->swap_dup(pte))
			return -ENOMEM;
		vml_mm_add_counter(c->dst->vm_mm, VML_MM_SWAPENTS, 1);
	}
	spin_lock_nested(&dpt->lock, SINGLE_DEPTH_NESTING);
	vml_set_pte(dpt, addr, c->dst_table + ((addr - c->base) >> PAGE_SHIFT), pte);
	spin_unlock(&dpt->lock);
	return 0;
}

/*
 * One PTE table's worth [start, end) of the parent: allocate the child's
 * table (sleeping, no spinlock held), then copy under the parent's lock.
 */
static int copy_table(struct copy_arg *c, unsigned long start, unsigned long end)
{
	struct vml_pgtable *spt = &c->src->vm_mm->pgt;

	if (!vml_pte_lookup(spt, start))
		return 0;		/* nothing mapped in this table */
	c->base = start & PMD_MASK;
	c->dst_table = vml_pte_alloc(&c->dst->vm_mm->pgt, c->base, VML_GFP_KERNEL);
	if (!c->dst_table)
		return -ENOMEM;
	return vml_walk_range(spt, start, end, copy_one, c);
}

/*
 * vml_copy_page_range() - the vml_dup_fn given to vml_dup_mmap(): copy
 * @src's PTEs into @dst (copy_page_range()).
 */
int vml_copy_page_range(struct vml_vma *dst, struct vml_vma *src)
{
	/*
	 * vma_needs_copy(): a VMA without an anon_vma holds only pages a
	 * fault finds again (page cache, shared object, zero page), so
	 * the child starts without them, as in 6.1 (its Rss shows it).
	 * Swap entries, which only anonymous memory has, are copied all
	 * the same: nothing else could find them again.
	 */
	struct copy_arg c = { .dst = dst, .src = src,
			      .cow = cow_mapping(src->vm_flags),
			      .swap_only = !src->anon_vma };
	unsigned long addr, next;
	int ret = 0;

	for (addr = src->vm_start; addr < src->vm_end && !ret; addr = next) {
		next = min((addr & PMD_MASK) + PMD_SIZE, src->vm_end);
		ret = copy_table(&c, addr, next);
		cond_resched();
	}
	if (c.cow)
		vml_flush_tlb_range(&src->vm_mm->pgt, src->vm_start, src->vm_end);
	return ret;
}

/* A shared anonymous VMA needs its object before the child shares it. */
static int prepare_shared(struct vml_mm *mm)
{
	struct vml_vma *vma;
	int ret = 0;

	down_read(&mm->mmap_lock);
	vml_for_each_vma(mm, vma)
		if ((vma->vm_flags & VML_VM_SHARED) && !vml_vma_mapping(vma)) {
			ret = -ENOMEM;
			break;
		}
	up_read(&mm->mmap_lock);
	return ret;
}

struct vml_mm *vml_fork(struct vml_mm *parent)
{
	struct vml_mm *child;
	int ret;

	if (parent->kernel)
		return ERR_PTR(-EINVAL);
	ret = prepare_shared(parent);
	if (ret)
		return ERR_PTR(ret);
	/* Unpublished until complete: no mm_destroy can free it under us. */
	child = vml_mm_alloc();
	if (IS_ERR(child))
		return child;
	ret = vml_dup_mmap(child, parent, vml_copy_page_range);
	if (ret) {
		trace_vmlab_fork(parent->id, ret, parent->map_count, vml_mm_rss(parent));
		vml_mm_destroy(child);
		vml_mm_put(child);
		return ERR_PTR(ret);
	}
	trace_vmlab_fork(parent->id, child->id, child->map_count, vml_mm_rss(child));
	return child;
}
