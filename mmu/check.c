// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the page-table layer's part of the invariant checker: the
 * table pages of a tree and the quicklist. See arena/check.h.
 *
 * vml_pgtable_check() claims the PGD block and every table reachable from
 * it through the user half, and reports an intermediate entry that is not
 * a table in the arena (a huge or foreign entry the walkers would refuse).
 * Leaf entries are the business of the layer that owns the mappings
 * (vma/), which reads them through the same walker as everybody else.
 * vml_mmu_check() claims the quicklist and asks every CPU whether its CR3
 * is a sandbox's (a window left open); a tree with CPUs still marked in
 * it is reported too. Once every tree was checked, vml_mmu_check_tables()
 * compares what was found with the table count.
 *
 * Locking: pt->lock around a tree's walk (tables are only freed under the
 * mmap lock held for writing, which the caller holds for reading);
 * quicklist_lock around the quicklist (in quicklist.c).
 */
#include <linux/cpu.h>
#include <linux/smp.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include "arena/check.h"
#include "mmu/mmu-internal.h"

struct tree_walk {
	struct vml_check *chk;
	const char *what;
	unsigned long tables;
};

static void walk_tables(struct tree_walk *w, u64 *table, enum vml_pt_level level,
			unsigned int nr)
{
	unsigned int i;
	u64 val;

	for (i = 0; i < nr; i++) {
		val = vml_entry_read(table + i);
		if (!val)
			continue;
		if (!vml_entry_is_table(val)) {
			vml_check_fail(w->chk, "%s: level %d entry %u is %#llx, no arena table",
				       w->what, level, i, val);
			continue;
		}
		w->tables++;
		if (!vml_check_claim(w->chk, vml_entry_pfn(val) - vml_arena.base_pfn,
				     1, VML_FRAME_PGTABLE, w->what))
			continue;	/* shared or looping: do not descend twice */
		if (level + 1 < VML_PT_PTE)
			walk_tables(w, vml_table_va(vml_entry_pfn(val)), level + 1,
				    PTRS_PER_PTE);
	}
}

unsigned long vml_pgtable_check(struct vml_check *chk, struct vml_pgtable *pt,
				const char *what)
{
	struct tree_walk w = { .chk = chk, .what = what };
	struct vml_page *pgd;
	unsigned int user = vml_level_index(vml_top_level(), vml_user_half_end() - 1) + 1;

	if (!pt->pgd || !vml_virt_in_arena(pt->pgd)) {
		vml_check_fail(chk, "%s: PGD %p is not in the arena", what, pt->pgd);
		return 0;
	}
	pgd = vml_virt_to_page(pt->pgd);
	vml_check_claim(chk, vml_page_idx(pgd), 2, VML_FRAME_PGTABLE, what);
	if (memchr_inv(vml_page_address(pgd + 1), 0, PAGE_SIZE))
		vml_check_fail(chk, "%s: the PGD's odd page is not zero", what);
	spin_lock(&pt->lock);
	walk_tables(&w, (u64 *)pt->pgd, vml_top_level(), user);
	if (!cpumask_empty(&pt->cpus))
		vml_check_fail(chk, "%s: CPUs %*pbl are inside a window on it",
			       what, cpumask_pr_args(&pt->cpus));
	spin_unlock(&pt->lock);
	if (w.tables != atomic_long_read(&pt->nr_tables))
		vml_check_fail(chk, "%s: %lu table pages below the PGD, nr_tables says %ld",
			       what, w.tables, atomic_long_read(&pt->nr_tables));
	return w.tables + 1;
}

void vml_mmu_check_tables(struct vml_check *chk, unsigned long found)
{
	long tables = atomic_long_read(&vml_mmu_stats.tables);

	if (found != tables)
		vml_check_fail(chk, "live trees hold %lu table pages, the mmu counts %ld",
			       found, tables);
}

/* On each CPU: no sandbox tree may stay loaded outside a window. */
static void check_cr3(void *arg)
{
	unsigned long pfn = PHYS_PFN(__read_cr3() & CR3_ADDR_MASK);

	if (vml_pfn_valid(pfn))
		vml_check_fail(arg, "cpu %d runs with CR3 at arena pfn %#lx outside a window",
			       smp_processor_id(), pfn);
}

void vml_mmu_check(struct vml_check *chk)
{
	int cpu;

	vml_quicklist_check(chk);
	cpus_read_lock();
	for_each_online_cpu(cpu)	/* one at a time: they share @chk */
		smp_call_function_single(cpu, check_cr3, chk, 1);
	cpus_read_unlock();
}
