// SPDX-License-Identifier: GPL-2.0
/*
 * dump.c - print a sandbox tree the way the kernel's ptdump prints its own
 * (/sys/kernel/debug/page_tables, arch/x86/mm/dump_pagetables.c):
 *
 *   0x0000000000400000-0x0000000000402000           8K USR RW                     NX pte
 *
 * A line is a run of consecutive entries at one level that print the same
 * (note_page()); holes are shown at the level where the walk found them.
 * Columns are ptdump's: USR, RW/ro, PWT, PCD, PSE, PAT, GLB, NX/x. Unlike
 * ptdump, Accessed and Dirty do not split a run (they are not printed),
 * and a non-present leaf that is not none is labelled "swap" (or
 * "protnone" for a PROT_NONE entry) instead of left blank.
 */
#include <linux/seq_file.h>
#include "mmu/mmu-internal.h"

static const char * const level_name[VML_PT_NR_LEVELS] = {
	"pgd", "p4d", "pud", "pmd", "pte"
};

/* What a run is made of: printed flags, level and kind. */
struct dump_state {
	struct seq_file *m;
	unsigned long start;
	u64 key;
	int level;
};

#define KIND_SWAP	BIT_ULL(63)
#define KIND_PROTNONE	BIT_ULL(62)
#define PRINTED_FLAGS	(_PAGE_PRESENT | _PAGE_USER | _PAGE_RW | _PAGE_PWT | \
			 _PAGE_PCD | _PAGE_PSE | _PAGE_PAT | _PAGE_GLOBAL | \
			 _PAGE_NX)

static u64 entry_key(enum vml_pt_level level, u64 val)
{
	if (level != VML_PT_PTE)
		return val & _PAGE_PRESENT ? val & PRINTED_FLAGS : 0;
	switch (vml_pte_state(__pte(val))) {
	case VML_PTE_PRESENT:
		return val & PRINTED_FLAGS;
	case VML_PTE_PROTNONE:
		return KIND_PROTNONE;
	case VML_PTE_SWAP:
		return KIND_SWAP;
	default:
		return 0;
	}
}

/* printk_prot() */
static void print_prot(struct seq_file *m, u64 key, int level)
{
	if (!(key & _PAGE_PRESENT)) {
		seq_printf(m, "%-30s", key & KIND_SWAP ? "swap" :
			   key & KIND_PROTNONE ? "protnone" : "");
	} else {
		seq_puts(m, key & _PAGE_USER ? "USR " : "    ");
		seq_puts(m, key & _PAGE_RW ? "RW " : "ro ");
		seq_puts(m, key & _PAGE_PWT ? "PWT " : "    ");
		seq_puts(m, key & _PAGE_PCD ? "PCD " : "    ");
		seq_puts(m, level <= VML_PT_PMD && (key & _PAGE_PSE) ? "PSE " : "    ");
		seq_puts(m, level == VML_PT_PTE && (key & _PAGE_PAT) ? "PAT " : "    ");
		seq_puts(m, key & _PAGE_GLOBAL ? "GLB " : "    ");
		seq_puts(m, key & _PAGE_NX ? "NX " : "x  ");
	}
	seq_printf(m, "%s\n", level_name[level]);
}

/* note_page(): extend the current run or print it and start a new one. */
static void note(struct dump_state *st, unsigned long addr, int level, u64 key)
{
	static const char units[] = "BKMGTPE";
	const char *unit = units;
	unsigned long delta;

	if (level == st->level && key == st->key)
		return;
	if (st->level >= 0) {
		seq_printf(st->m, "0x%016lx-0x%016lx   ", st->start, addr);
		delta = addr - st->start;
		while (!(delta & 1023) && unit[1]) {
			delta >>= 10;
			unit++;
		}
		seq_printf(st->m, "%9lu%c ", delta, *unit);
		print_prot(st->m, st->key, st->level);
	}
	st->start = addr;
	st->key = key;
	st->level = level;
}

static void dump_level(struct dump_state *st, u64 *table,
		       enum vml_pt_level level, unsigned long addr,
		       unsigned long end)
{
	unsigned long size = 1UL << vml_level_shift(level);
	u64 val;

	for (; addr < end; addr += size) {
		val = vml_entry_read(table + vml_level_index(level, addr));
		if (level < VML_PT_PTE && vml_entry_is_table(val))
			dump_level(st, vml_table_va(vml_entry_pfn(val)),
				   level + 1, addr, addr + size);
		else
			note(st, addr, level, entry_key(level, val));
	}
}

void vml_pgtable_dump(struct seq_file *m, struct vml_pgtable *pt)
{
	struct dump_state st = { .m = m, .level = -1 };

	seq_puts(m, "---[ User Space ]---\n");
	if (!pt->pgd)
		return;
	spin_lock(&pt->lock);
	dump_level(&st, (u64 *)pt->pgd, vml_top_level(), 0, vml_user_half_end());
	note(&st, vml_user_half_end(), -1, 0);
	spin_unlock(&pt->lock);
}
