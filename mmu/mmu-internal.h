/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Page-table level helpers
 *
 * mmu-internal.h - shared between the files of mmu/ only.
 *
 * The level helpers of Gorman 4.3-4.5 (pgd_offset(), pmd_none(), ...)
 * rewritten for tables that live in the arena: the kernel's own
 * p?d_offset() helpers reach the next table through __va(), which is wrong
 * for an arena outside the direct map, so vmlab translates every table
 * address with the arena (vml_pfn_to_page() + vml_page_address()). The
 * kernel's pure bit tests (pud_none(), pmd_bad(), ...) are used as they are.
 *
 * With 4-level paging the P4D level is folded at run time exactly as the
 * kernel folds it: a "P4D entry" is the PGD entry itself, pgd_none() is
 * always false and the PGD index already selects bits 39-47.
 */
#ifndef VMLAB_MMU_INTERNAL_H
#define VMLAB_MMU_INTERNAL_H

#include "mmu/mmu.h"

/* Levels, numbered as the hardware walk goes down (ptdump order). */
enum vml_pt_level {
	VML_PT_PGD,
	VML_PT_P4D,
	VML_PT_PUD,
	VML_PT_PMD,
	VML_PT_PTE,
	VML_PT_NR_LEVELS,
};

/* Flags of every intermediate user-half entry: Linux's _PAGE_TABLE. */
#define VML_TABLE_FLAGS		_PAGE_TABLE

/* ---- arena translation of table addresses ---- */

/* Kernel virtual address of the table in frame @pfn; NULL if not arena. */
static inline void *vml_table_va(unsigned long pfn)
{
	if (unlikely(!vml_pfn_valid(pfn)))
		return NULL;
	return vml_page_address(vml_pfn_to_page(pfn));
}

/* Raw value of an entry of any level; tables are arrays of u64. */
static inline u64 vml_entry_read(const void *slot)
{
	return READ_ONCE(*(const u64 *)slot);
}

/* Store an entry with one plain write: no set_pgd() PTI side effects. */
static inline void vml_entry_write(void *slot, u64 val)
{
	WRITE_ONCE(*(u64 *)slot, val);
}

/* PFN of the table an intermediate entry points to. */
static inline unsigned long vml_entry_pfn(u64 val)
{
	return (val & PTE_PFN_MASK) >> PAGE_SHIFT;
}

/* Is @val a usable table pointer (present, no PSE, inside the arena)? */
static inline bool vml_entry_is_table(u64 val)
{
	return (val & _PAGE_PRESENT) && !(val & _PAGE_PSE) &&
	       vml_pfn_valid(vml_entry_pfn(val));
}

/* ---- Gorman 4.3: the offset helpers, one per level ---- */

static inline pgd_t *vml_pgd_offset(struct vml_pgtable *pt, unsigned long addr)
{
	return pt->pgd + pgd_index(addr);
}

/* Folded with 4-level paging: the PGD slot is the P4D slot. */
static inline p4d_t *vml_p4d_offset(pgd_t *pgd, unsigned long addr)
{
	p4d_t *table;

	if (!pgtable_l5_enabled())
		return (p4d_t *)pgd;
	table = vml_table_va(vml_entry_pfn(vml_entry_read(pgd)));
	return table ? table + p4d_index(addr) : NULL;
}

static inline pud_t *vml_pud_offset(p4d_t *p4d, unsigned long addr)
{
	pud_t *table = vml_table_va(vml_entry_pfn(vml_entry_read(p4d)));

	return table ? table + pud_index(addr) : NULL;
}

static inline pmd_t *vml_pmd_offset(pud_t *pud, unsigned long addr)
{
	pmd_t *table = vml_table_va(vml_entry_pfn(vml_entry_read(pud)));

	return table ? table + pmd_index(addr) : NULL;
}

static inline pte_t *vml_pte_offset(pmd_t *pmd, unsigned long addr)
{
	pte_t *table = vml_table_va(vml_entry_pfn(vml_entry_read(pmd)));

	return table ? table + pte_index(addr) : NULL;
}

/* ---- level geometry, for the range walkers ---- */

/* Highest level actually walked: the PGD with 5 levels, else the P4D. */
static inline enum vml_pt_level vml_top_level(void)
{
	return pgtable_l5_enabled() ? VML_PT_PGD : VML_PT_P4D;
}

/* log2 of the bytes one entry of @level maps. */
static inline unsigned int vml_level_shift(enum vml_pt_level level)
{
	return PAGE_SHIFT + 9 * (VML_PT_PTE - level);
}

static inline unsigned int vml_level_index(enum vml_pt_level level,
					   unsigned long addr)
{
	return (addr >> vml_level_shift(level)) & (PTRS_PER_PTE - 1);
}

/* ---- pgtable.c ---- */

pmd_t *vml_pmd_lookup(struct vml_pgtable *pt, unsigned long addr);
pmd_t *vml_pmd_alloc(struct vml_pgtable *pt, unsigned long addr, vml_gfp_t gfp);

/* End of the user half of the address space: PGD entries 0..255. */
static inline unsigned long vml_user_half_end(void)
{
	return (PTRS_PER_PGD / 2UL) << PGDIR_SHIFT;
}

/* Is a table of any level empty? pte_none() ignores stray A/D bits. */
static inline bool vml_table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PTE; i++)
		if (READ_ONCE(table[i]) & ~(u64)_PAGE_KNL_ERRATUM_MASK)
			return false;
	return true;
}

/* ---- quicklist.c: the table page cache (Gorman 3.6) ---- */

struct vml_page *vml_table_alloc(vml_gfp_t gfp);
void vml_table_free(struct vml_page *table);
unsigned long vml_quicklist_count(void);
void vml_quicklist_drain(void);
void vml_quicklist_watermarks(unsigned long *low, unsigned long *high);
struct vml_check;
void vml_quicklist_check(struct vml_check *chk);

/* ---- tlb.c ---- */

void vml_tlb_shootdown(struct vml_pgtable *pt);

/* ---- window.c ---- */

int vml_window_init(void);
void vml_window_exit(void);

/* ---- selftest.c ---- */

/**
 * struct vml_mmu_selftest - what vml_mmu_selftest() did.
 * @iterations: in: extra windows to run in the load loop.
 * @windows: windows run.
 * @faults: of those, stopped by a fault (all expected ones).
 * @checks: checks passed.
 * @tables_left: table pages still counted after the teardown (0).
 * @racer_windows: windows the other CPU ran during the shootdown phase.
 * @shootdowns: shootdown IPIs sent in that phase.
 * @failed: the check that failed, or NULL.
 */
struct vml_mmu_selftest {
	unsigned int iterations;
	unsigned long windows, faults, checks, tables_left;
	unsigned long racer_windows, shootdowns;
	const char *failed;
};

int vml_mmu_selftest(struct vml_mmu_selftest *res);

/**
 * vml_shootdown_race() - TLB shootdowns against a racer: a kthread on
 * another CPU writes @addr of @pt in long batches of windows while this
 * CPU, @rounds times, clears the PTE (vml_ptep_get_and_clear(), which
 * shoots every CPU's entry down), checks that @frame stays quiet from
 * then on, and maps it again with @prot.
 * @pt: the tree; @addr must be mapped to @frame.
 * @addr: the page the racer writes.
 * @frame: the frame mapped there.
 * @prot: its protection.
 * @rounds: clears to try.
 * @windows: out: windows the racer ran.
 * Context: process context, two CPUs online.
 * Return: the rounds in which @frame was written after the clear
 *         returned (0 when shootdowns work), or -errno.
 */
int vml_shootdown_race(struct vml_pgtable *pt, unsigned long addr,
		       struct vml_page *frame, pgprot_t prot, int rounds,
		       unsigned long *windows);

/* ---- mmu.c: statistics for the debugfs "mmu" file ---- */

/**
 * struct vml_mmu_stats - counters of the mmu layer.
 * @tables: table pages in use by all trees, PGDs included.
 * @table_allocs: table pages taken from the quicklist or the buddy.
 * @quicklist_hits: of those, taken from the quicklist.
 * @windows: CR3 windows entered.
 * @window_faults: windows that stopped on a fault.
 * @window_fixups: faults resolved inside a window (vml_window_run_fixup()).
 * @window_fixup_flushes: of those, ones that needed a shootdown first.
 * @window_refused: vml_window_run() calls refused for their context.
 * @window_bytes: bytes copied through windows.
 */
struct vml_mmu_stats {
	atomic_long_t tables;
	atomic_long_t table_allocs;
	atomic_long_t quicklist_hits;
	atomic_long_t windows;
	atomic_long_t window_faults;
	atomic_long_t window_fixups;
	atomic_long_t window_fixup_flushes;
	atomic_long_t window_refused;
	atomic_long_t window_bytes;
};

extern struct vml_mmu_stats vml_mmu_stats;

#endif /* VMLAB_MMU_INTERNAL_H */
