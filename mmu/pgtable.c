// SPDX-License-Identifier: GPL-2.0
/*
 * pgtable.c - creating and walking a sandbox page-table tree
 * (Gorman 3.2-3.3 and 4.3-4.5; mm/memory.c __p4d_alloc() .. __pte_alloc()
 * and arch/x86/mm/pgtable.c pgd_alloc()/pgd_ctor()).
 *
 * A tree is a real x86-64 tree: the MMU walks it once vml_window_run()
 * loads its PGD into CR3. The user half belongs to the sandbox; the
 * kernel half of the PGD is copied from the running kernel, as pgd_ctor()
 * copies swapper_pg_dir's, so the kernel keeps running while the sandbox
 * CR3 is loaded.
 *
 * Locking: tables are allocated outside @pt->lock (allocation may sleep)
 * and installed under it; a racing walker that installed one first wins
 * and the spare goes back, as in __pte_alloc().
 */
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include "mmu/mmu-internal.h"

unsigned long vml_user_va_end(void)
{
	return TASK_SIZE_MAX;
}

/*
 * The PGD is an order-1 block so that it sits at an even page: with PTI
 * the NMI entry path treats CR3 bit 12 as "user PGD" and would clear it
 * (calling.h SAVE_AND_SWITCH_TO_KERNEL_CR3). The odd page stays zero and
 * is never loaded.
 */
static int pgd_alloc(struct vml_pgtable *pt)
{
	struct vml_page *page;

	page = vml_alloc_pages(VML_GFP_KERNEL | VML___GFP_ZERO, 1);
	if (!page)
		return -ENOMEM;
	if (WARN_ON_ONCE(vml_page_to_phys(page) & PAGE_SIZE)) {
		vml_free_pages(page, 1);
		return -ENOMEM;
	}
	vml_page_set(page, VML_PG_pgtable);
	pt->pgd = vml_page_address(page);
	pt->pgd_phys = vml_page_to_phys(page);
	atomic_long_inc(&vml_mmu_stats.tables);
	return 0;
}

/*
 * pgd_ctor(): copy entries KERNEL_PGD_BOUNDARY..511 from the PGD this CPU
 * runs on. Every mm shares those entries (the kernel pre-allocates the
 * top-level entries of its half), so any mm's PGD will do; the per-mm LDT
 * slot lies below KERNEL_PGD_BOUNDARY and is not copied.
 */
static void pgd_copy_kernel_half(struct vml_pgtable *pt)
{
	pgd_t *src;

	preempt_disable();	/* keeps a lazy kthread's active_mm alive */
	src = current->active_mm->pgd;
	memcpy(pt->pgd + KERNEL_PGD_BOUNDARY, src + KERNEL_PGD_BOUNDARY,
	       KERNEL_PGD_PTRS * sizeof(pgd_t));
	preempt_enable();
}

int vml_pgtable_init(struct vml_pgtable *pt)
{
	int ret;

	memset(pt, 0, sizeof(*pt));
	spin_lock_init(&pt->lock);
	cpumask_clear(&pt->cpus);
	ret = pgd_alloc(pt);
	if (ret)
		return ret;
	pgd_copy_kernel_half(pt);
	return 0;
}

void vml_pgtable_destroy(struct vml_pgtable *pt)
{
	unsigned int i, user = pgd_index(vml_user_va_end() - 1) + 1;
	struct vml_page *page;

	if (!pt->pgd)
		return;
	vml_free_pgtables(pt, 0, vml_user_half_end());
	for (i = 0; i < user; i++)
		if (WARN_ON_ONCE(vml_entry_read(pt->pgd + i))) {
			pr_err("vmlab: page tables destroyed with entries left, tables leaked\n");
			return;
		}
	page = vml_virt_to_page(pt->pgd);
	vml_page_clear(page, VML_PG_pgtable);
	vml_free_pages(page, 1);
	atomic_long_dec(&vml_mmu_stats.tables);
	pt->pgd = NULL;
	pt->pgd_phys = 0;
}

/*
 * Install a fresh table in the empty slot @slot (Gorman 4.5 pmd_populate()).
 * Return: 0, or -ENOMEM when no table page could be had.
 */
static int table_populate(struct vml_pgtable *pt, void *slot, vml_gfp_t gfp)
{
	struct vml_page *table = vml_table_alloc(gfp);

	if (!table)
		return -ENOMEM;
	spin_lock(&pt->lock);
	if (!vml_entry_read(slot)) {
		/* The zeroed table must be visible before the entry is. */
		smp_wmb();
		vml_entry_write(slot, vml_page_to_phys(table) | VML_TABLE_FLAGS);
		atomic_long_inc(&pt->nr_tables);
		table = NULL;
	}
	spin_unlock(&pt->lock);
	if (table)
		vml_table_free(table);	/* somebody else was faster */
	return 0;
}

/*
 * The next table down from an intermediate slot, allocating it when the
 * slot is empty and @gfp is given. Return: the slot holds a table.
 */
static bool next_table(struct vml_pgtable *pt, void *slot, bool alloc,
		       vml_gfp_t gfp)
{
	u64 val = vml_entry_read(slot);

	if (!val && alloc) {
		if (table_populate(pt, slot, gfp))
			return false;
		val = vml_entry_read(slot);
	}
	if (!val)
		return false;
	if (unlikely(!vml_entry_is_table(val))) {
		pr_err("vmlab: bad page-table entry %#llx\n", val);
		return false;
	}
	return true;
}

/* The walk of pmd_alloc()/pmd_offset(), allocating or not. */
static pmd_t *pmd_walk(struct vml_pgtable *pt, unsigned long addr,
		       bool alloc, vml_gfp_t gfp)
{
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;

	if (addr >= vml_user_va_end() || !pt->pgd)
		return NULL;
	pgd = vml_pgd_offset(pt, addr);
	if (pgtable_l5_enabled() && !next_table(pt, pgd, alloc, gfp))
		return NULL;
	p4d = vml_p4d_offset(pgd, addr);
	if (!next_table(pt, p4d, alloc, gfp))
		return NULL;
	pud = vml_pud_offset(p4d, addr);
	if (!next_table(pt, pud, alloc, gfp))
		return NULL;
	return vml_pmd_offset(pud, addr);
}

pmd_t *vml_pmd_lookup(struct vml_pgtable *pt, unsigned long addr)
{
	return pmd_walk(pt, addr, false, 0);
}

pmd_t *vml_pmd_alloc(struct vml_pgtable *pt, unsigned long addr, vml_gfp_t gfp)
{
	return pmd_walk(pt, addr, true, gfp);
}

pte_t *vml_pte_lookup(struct vml_pgtable *pt, unsigned long addr)
{
	pmd_t *pmd = pmd_walk(pt, addr, false, 0);

	if (!pmd || !next_table(pt, pmd, false, 0))
		return NULL;
	return vml_pte_offset(pmd, addr);
}

pte_t *vml_pte_alloc(struct vml_pgtable *pt, unsigned long addr, vml_gfp_t gfp)
{
	pmd_t *pmd = pmd_walk(pt, addr, true, gfp);

	if (!pmd || !next_table(pt, pmd, true, gfp))
		return NULL;
	return vml_pte_offset(pmd, addr);
}
