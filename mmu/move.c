// SPDX-License-Identifier: GPL-2.0
/*
 * move.c - moving page-table entries for mremap (mm/mremap.c
 * move_page_tables(), move_normal_pmd(), move_ptes()).
 *
 * Entries are moved, not copied: where source and destination are both
 * PMD aligned over a whole 2 MiB step and the destination has no PTE
 * table yet, the PMD entry itself moves (the whole PTE table changes
 * address, as move_normal_pmd()); otherwise each PTE is exchanged out of
 * its old slot (keeping any Accessed/Dirty bit the MMU set) and stored in
 * the new one. All destination tables are allocated first, so the move
 * itself cannot fail half-way.
 *
 * Context: the caller excludes every other user of both ranges (the mmap
 * lock held for writing); may sleep.
 */
#include "mmu/mmu-internal.h"

/* Length of the next step: up to the nearer PMD boundary of either side. */
static unsigned long move_step(unsigned long old, unsigned long new,
			       unsigned long left)
{
	unsigned long a = PMD_SIZE - (old & ~PMD_MASK);
	unsigned long b = PMD_SIZE - (new & ~PMD_MASK);

	return min3(a, b, left);
}

/* A whole-PMD step: both sides aligned and a full 2 MiB to move. */
static bool whole_pmd(unsigned long old, unsigned long new, unsigned long step)
{
	return step == PMD_SIZE && !(old & ~PMD_MASK) && !(new & ~PMD_MASK);
}

/* Phase one: every destination table the move will need. */
static int prepare_dest(struct vml_pgtable *pt, unsigned long old,
			unsigned long new, unsigned long len)
{
	unsigned long step;

	for (; len; old += step, new += step, len -= step) {
		step = move_step(old, new, len);
		if (!vml_pte_lookup(pt, old))
			continue;	/* nothing mapped there */
		if (whole_pmd(old, new, step)) {
			if (!vml_pmd_alloc(pt, new, VML_GFP_KERNEL))
				return -ENOMEM;
		} else if (!vml_pte_alloc(pt, new, VML_GFP_KERNEL)) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* move_normal_pmd(): hand the whole PTE table over. Return: done. */
static bool move_pmd_entry(struct vml_pgtable *pt, unsigned long old,
			   unsigned long new)
{
	pmd_t *src = vml_pmd_lookup(pt, old), *dst = vml_pmd_lookup(pt, new);

	if (!src || !dst || !pmd_none(*dst))
		return false;
	vml_entry_write(dst, vml_entry_read(src));
	vml_entry_write(src, 0);
	return true;
}

/* move_ptes(): one entry at a time. Return: entries moved. */
static unsigned long move_ptes(struct vml_pgtable *pt, unsigned long old,
			       unsigned long new, unsigned long step)
{
	unsigned long off, moved = 0;
	pte_t *src, *dst;
	pteval_t val;

	for (off = 0; off < step; off += PAGE_SIZE) {
		src = vml_pte_lookup(pt, old + off);
		if (!src || vml_pte_state(*src) == VML_PTE_NONE)
			continue;
		dst = vml_pte_lookup(pt, new + off);
		if (WARN_ON_ONCE(!dst || vml_pte_state(*dst) != VML_PTE_NONE))
			continue;	/* prepare_dest() made it; caller checked empty */
		val = xchg(&src->pte, 0);
		vml_entry_write(dst, val);
		moved++;
	}
	return moved;
}

/*
 * On -ENOMEM the tables made so far stay. mremap's destination VMA is in
 * its object's reverse-map trees already, and a walk of those trees looks
 * the VMA's tables up without pgt.lock (walk_vma() in fault/rmap.c): a
 * table freed here could be read after it was freed. They go when the
 * range is unmapped, after its VMA left the trees (free_pgtables()'s
 * order), as 6.1 leaves the tables of a failed move_page_tables().
 */
int vml_move_pte_prepare(struct vml_pgtable *pt, unsigned long old_addr,
			 unsigned long new_addr, unsigned long len)
{
	if (!PAGE_ALIGNED(old_addr | new_addr | len) || !len ||
	    old_addr > vml_user_va_end() - len || new_addr > vml_user_va_end() - len ||
	    (old_addr < new_addr + len && new_addr < old_addr + len))
		return -EINVAL;
	return prepare_dest(pt, old_addr, new_addr, len);
}

void vml_move_pte_prepared(struct vml_pgtable *pt, unsigned long old_addr,
			   unsigned long new_addr, unsigned long len)
{
	unsigned long old = old_addr, new = new_addr, left = len, step;

	spin_lock(&pt->lock);
	for (; left; old += step, new += step, left -= step) {
		step = move_step(old, new, left);
		if (!(whole_pmd(old, new, step) && move_pmd_entry(pt, old, new)))
			move_ptes(pt, old, new, step);
	}
	spin_unlock(&pt->lock);
	vml_flush_tlb_range(pt, old_addr, old_addr + len);
}

int vml_move_pte_range(struct vml_pgtable *pt, unsigned long old_addr,
		       unsigned long new_addr, unsigned long len)
{
	int ret = vml_move_pte_prepare(pt, old_addr, new_addr, len);

	if (ret == -ENOMEM)	/* the caller excludes every walker: none stay */
		vml_free_pgtables(pt, new_addr, new_addr + len);
	if (ret)
		return ret;
	vml_move_pte_prepared(pt, old_addr, new_addr, len);
	return 0;
}
