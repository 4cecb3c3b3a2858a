// SPDX-License-Identifier: GPL-2.0
/*
 * range.c - walking and freeing the tables under a range of addresses
 * (mm/memory.c free_pgd_range() .. free_pte_range(), and the
 * zap_p?d_range() walk of Gorman 4.6 / mm/memory.c).
 *
 * Linux writes one function per level; the levels differ only in their
 * shift, so vmlab walks them with one recursive function over
 * enum vml_pt_level. The top table is the PGD, walked as the PGD level
 * with 5-level paging and as the (folded) P4D level with 4-level paging.
 */
#include "mmu/mmu-internal.h"

/* End of the entry of @level that maps @addr, clamped to @end (p?d_addr_end()). */
static unsigned long level_addr_end(enum vml_pt_level level,
				    unsigned long addr, unsigned long end)
{
	unsigned long size = 1UL << vml_level_shift(level);
	unsigned long next = (addr + size) & ~(size - 1);

	return next - 1 < end - 1 ? next : end;
}

/* The table a present intermediate entry points to, or NULL. */
static u64 *child_table(u64 val)
{
	return vml_entry_is_table(val) ? vml_table_va(vml_entry_pfn(val)) : NULL;
}

static int walk_level(struct vml_pgtable *pt, u64 *table,
		      enum vml_pt_level level, unsigned long addr,
		      unsigned long end, vml_pte_fn fn, void *arg)
{
	unsigned long next;
	u64 *slot, *child;
	int ret = 0;

	for (; addr != end && !ret; addr = next) {
		next = level_addr_end(level, addr, end);
		slot = table + vml_level_index(level, addr);
		if (level == VML_PT_PTE) {
			if (vml_pte_state(*(pte_t *)slot) != VML_PTE_NONE)
				ret = fn(pt, addr, (pte_t *)slot, arg);
			continue;
		}
		child = child_table(vml_entry_read(slot));
		if (child)
			ret = walk_level(pt, child, level + 1, addr, next, fn, arg);
	}
	return ret;
}

int vml_walk_range(struct vml_pgtable *pt, unsigned long start,
		   unsigned long end, vml_pte_fn fn, void *arg)
{
	int ret;

	end = min(end, vml_user_half_end());
	if (!pt->pgd || start >= end)
		return 0;
	spin_lock(&pt->lock);
	ret = walk_level(pt, (u64 *)pt->pgd, vml_top_level(), start, end, fn, arg);
	spin_unlock(&pt->lock);
	return ret;
}

/*
 * Free every table below @table whose span meets [addr, end) and which is
 * empty once its own children are freed. Unlinked tables are collected on
 * @freed: they may only be reused after the TLB shootdown, since a CPU in
 * a window may cache paging-structure entries that point to them.
 */
static void free_level(struct vml_pgtable *pt, u64 *table,
		       enum vml_pt_level level, unsigned long addr,
		       unsigned long end, struct vml_plist *freed)
{
	unsigned long next;
	u64 *slot, *child;

	for (; addr != end; addr = next) {
		next = level_addr_end(level, addr, end);
		slot = table + vml_level_index(level, addr);
		child = child_table(vml_entry_read(slot));
		if (!child)
			continue;
		if (level + 1 < VML_PT_PTE)
			free_level(pt, child, level + 1, addr, next, freed);
		if (!vml_table_empty(child))
			continue;
		vml_entry_write(slot, 0);
		atomic_long_dec(&pt->nr_tables);
		vml_plist_add(freed, vml_virt_to_page(child));
	}
}

void vml_free_pgtables(struct vml_pgtable *pt, unsigned long start,
		       unsigned long end)
{
	struct vml_page *table;
	struct vml_plist freed;

	end = min(end, vml_user_half_end());
	if (!pt->pgd || start >= end)
		return;
	vml_plist_init(&freed);
	spin_lock(&pt->lock);
	free_level(pt, (u64 *)pt->pgd, vml_top_level(), start, end, &freed);
	spin_unlock(&pt->lock);
	if (vml_plist_empty(&freed))
		return;
	vml_tlb_shootdown(pt);
	while ((table = vml_plist_pop(&freed)))
		vml_table_free(table);
}
