// SPDX-License-Identifier: GPL-2.0
/*
 * mmu_test.c - KUnit suite for the page tables, the CR3 window and the TLB
 * shootdown: walks and allocation at every level (in whichever paging mode
 * the guest booted), PGD alignment and the copied kernel half, Accessed
 * and Dirty set by the real MMU, faults reported instead of oopsing,
 * supervisor-only leaves, exact freeing of empty tables, mremap moves,
 * a shootdown racing another CPU's windows, the dump, and the census.
 *
 * Cases run in KUnit's kthread (no mm), so they call vml_window_run()
 * directly. Each case runs on a fresh core.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "vmlab_core.h"
#include "arena/fail.h"
#include "buddy/buddy.h"
#include "buddy/vmstat.h"
#include "ctl/ctl.h"
#include "mmu/mmu-internal.h"
#include "vml_test.h"

#define NR_FRAMES	8

struct fixture {
	struct vml_pgtable pt;
	struct vml_page *frame[NR_FRAMES];
};

/* Tables below the PGD that one isolated page needs. */
static long tables_per_page(void)
{
	return pgtable_l5_enabled() ? 4 : 3;
}

static int mmu_test_init(struct kunit *test)
{
	struct vml_config cfg;
	struct fixture *f;
	int ret, i;

	vml_default_config(&cfg, 64);
	ret = vmlab_core_start(&cfg);
	if (ret)
		return ret;
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f || vml_pgtable_init(&f->pt))
		goto fail;
	for (i = 0; i < NR_FRAMES; i++) {
		f->frame[i] = vml_alloc_pages(VML_GFP_KERNEL, 0);
		if (!f->frame[i])
			goto fail;
		memset(vml_page_address(f->frame[i]), 0x10 + i, PAGE_SIZE);
	}
	test->priv = f;
	return 0;
fail:
	vmlab_core_stop();
	return -ENOMEM;
}

/* Clear every leaf of the fixture's tree (as munmap would), free tables. */
static int clear_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	vml_ptep_get_and_clear(pt, addr, ptep);
	return 0;
}

static void mmu_test_exit(struct kunit *test)
{
	struct fixture *f = test->priv;
	int i;

	vml_walk_range(&f->pt, 0, vml_user_half_end(), clear_one, NULL);
	vml_pgtable_destroy(&f->pt);
	for (i = 0; i < NR_FRAMES; i++)
		vml_free_pages(f->frame[i], 0);
	vml_test_check(test);
	vmlab_core_stop();
}

static void map(struct kunit *test, unsigned long addr, int frame,
		pgprot_t prot)
{
	struct fixture *f = test->priv;
	pte_t *ptep = vml_pte_alloc(&f->pt, addr, VML_GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ptep);
	spin_lock(&f->pt.lock);
	vml_set_pte(&f->pt, addr, ptep, vml_mk_pte(f->frame[frame], prot));
	spin_unlock(&f->pt.lock);
}

static pgprot_t user_rw(void)
{
	return vml_pgprot(true, false, true);
}

/* One access; returns bytes done. */
static unsigned long access(struct kunit *test, unsigned long addr, void *buf,
			    unsigned long len, bool write)
{
	struct fixture *f = test->priv;
	struct vml_access acc = {
		.addr = addr, .len = len, .buf = buf, .write = write,
	};

	vml_window_run(&f->pt, &acc, 1);
	return acc.done;
}

static pte_t pte_at(struct kunit *test, unsigned long addr)
{
	struct fixture *f = test->priv;
	pte_t *ptep = vml_pte_lookup(&f->pt, addr);

	return ptep ? *ptep : __pte(0);
}

static void mmu_test_pgd(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned int i, user = pgd_index(vml_user_va_end() - 1) + 1;
	pgd_t *ref;

	KUNIT_EXPECT_EQ(test, f->pt.pgd_phys & (2 * PAGE_SIZE - 1), 0ull);
	KUNIT_EXPECT_PTR_EQ(test, (void *)f->pt.pgd,
			    vml_page_address(vml_pfn_to_page(PHYS_PFN(f->pt.pgd_phys))));
	KUNIT_EXPECT_EQ(test, user, PTRS_PER_PGD / 2);
	for (i = 0; i < user; i++)
		KUNIT_EXPECT_EQ(test, pgd_val(f->pt.pgd[i]), 0ul);
	preempt_disable();
	ref = current->active_mm->pgd;
	for (i = KERNEL_PGD_BOUNDARY; i < PTRS_PER_PGD; i++)
		KUNIT_EXPECT_EQ(test, pgd_val(f->pt.pgd[i]), pgd_val(ref[i]));
	preempt_enable();
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), 0l);
}

/* Allocation at every level, lookups, and freeing back to an empty tree. */
static void mmu_test_walk_levels(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x400000, far = vml_user_va_end() - PAGE_SIZE;
	pte_t *p1, *p2;

	KUNIT_EXPECT_NULL(test, vml_pte_lookup(&f->pt, a));
	p1 = vml_pte_alloc(&f->pt, a, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), tables_per_page());
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_lookup(&f->pt, a), p1);
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_alloc(&f->pt, a, VML_GFP_KERNEL), p1);
	/* The next page shares every table. */
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_lookup(&f->pt, a + PAGE_SIZE), p1 + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), tables_per_page());
	/* The top of the user half needs a whole new branch. */
	p2 = vml_pte_alloc(&f->pt, far, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), 2 * tables_per_page());
	KUNIT_EXPECT_NE(test, pgd_val(f->pt.pgd[pgd_index(far)]), 0ul);
	KUNIT_EXPECT_EQ(test, pgd_val(f->pt.pgd[pgd_index(far)]) & VML_TABLE_FLAGS,
			(pgdval_t)VML_TABLE_FLAGS);
	/* Beyond the user half there is nothing to walk. */
	KUNIT_EXPECT_NULL(test, vml_pte_alloc(&f->pt, vml_user_va_end(), VML_GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, vml_pte_lookup(&f->pt, -PAGE_SIZE));
	vml_free_pgtables(&f->pt, 0, vml_user_half_end());
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), 0l);
	KUNIT_EXPECT_NULL(test, vml_pte_lookup(&f->pt, a));
	KUNIT_EXPECT_NULL(test, vml_pte_lookup(&f->pt, far));
}

/* vml_free_pgtables() frees exactly the tables that became empty. */
static void mmu_test_free_exact(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x400000, b = 0x600000;	/* two PTE tables, one PMD */
	pte_t *pb;

	map(test, a, 0, user_rw());
	map(test, b, 1, user_rw());
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), tables_per_page() + 1);
	/* Nothing is empty yet. */
	vml_free_pgtables(&f->pt, a, b + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), tables_per_page() + 1);
	pb = vml_pte_lookup(&f->pt, b);
	spin_lock(&f->pt.lock);
	vml_ptep_get_and_clear(&f->pt, a, vml_pte_lookup(&f->pt, a));
	spin_unlock(&f->pt.lock);
	vml_free_pgtables(&f->pt, a, a + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), tables_per_page());
	KUNIT_EXPECT_NULL(test, vml_pte_lookup(&f->pt, a));
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_lookup(&f->pt, b), pb);
	KUNIT_EXPECT_TRUE(test, pte_present(*pb));
	spin_lock(&f->pt.lock);
	vml_ptep_get_and_clear(&f->pt, b, pb);
	spin_unlock(&f->pt.lock);
	vml_free_pgtables(&f->pt, b, b + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pt.nr_tables), 0l);
}

/* The MMU itself sets Accessed on a read and Dirty on a write. */
static void mmu_test_accessed_dirty(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x400000;
	u8 buf[16], *mem = vml_page_address(f->frame[0]);
	pte_t *ptep;

	map(test, a, 0, user_rw());
	KUNIT_EXPECT_FALSE(test, pte_young(pte_at(test, a)));
	KUNIT_EXPECT_FALSE(test, pte_dirty(pte_at(test, a)));
	KUNIT_EXPECT_EQ(test, access(test, a + 8, buf, 16, false), 16ul);
	KUNIT_EXPECT_EQ(test, buf[0], 0x10);
	KUNIT_EXPECT_TRUE(test, pte_young(pte_at(test, a)));
	KUNIT_EXPECT_FALSE(test, pte_dirty(pte_at(test, a)));
	ptep = vml_pte_lookup(&f->pt, a);
	KUNIT_EXPECT_TRUE(test, vml_ptep_test_and_clear_young(&f->pt, a, ptep));
	KUNIT_EXPECT_FALSE(test, vml_ptep_test_and_clear_young(&f->pt, a, ptep));
	memset(buf, 0xee, sizeof(buf));
	KUNIT_EXPECT_EQ(test, access(test, a + 100, buf, 16, true), 16ul);
	KUNIT_EXPECT_EQ(test, mem[100], 0xee);
	KUNIT_EXPECT_EQ(test, mem[116], 0x10);
	KUNIT_EXPECT_TRUE(test, pte_dirty(pte_at(test, a)));
	KUNIT_EXPECT_TRUE(test, pte_young(pte_at(test, a)));
}

/* Faults come back as short accesses, never as an oops. */
static void mmu_test_faults(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x400000;
	u8 *buf = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	u8 *ro = vml_page_address(f->frame[1]);
	struct vml_access acc[2];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	map(test, a, 0, user_rw());
	map(test, a + PAGE_SIZE, 1, vml_pgprot(false, false, true));
	/* Write to a read-only page. */
	KUNIT_EXPECT_EQ(test, access(test, a + PAGE_SIZE, buf, 8, true), 0ul);
	KUNIT_EXPECT_EQ(test, ro[0], 0x11);
	KUNIT_EXPECT_FALSE(test, pte_dirty(pte_at(test, a + PAGE_SIZE)));
	/* A write across rw -> ro stops exactly at the boundary. */
	KUNIT_EXPECT_EQ(test, access(test, a + PAGE_SIZE - 100, buf, 200, true), 100ul);
	/* Non-present PTE in an existing table, and no table at all. */
	KUNIT_EXPECT_EQ(test, access(test, a + 2 * PAGE_SIZE, buf, 8, false), 0ul);
	KUNIT_EXPECT_EQ(test, access(test, 0x40000000, buf, 8, false), 0ul);
	/* A read across ro -> not present: one page then the fault. */
	KUNIT_EXPECT_EQ(test, access(test, a + PAGE_SIZE, buf, 2 * PAGE_SIZE, false),
			PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, buf[0], 0x11);
	/* A batch stops at the faulting access and says which. */
	acc[0] = (struct vml_access){ .addr = a, .len = 8, .buf = buf };
	acc[1] = (struct vml_access){ .addr = a + 3 * PAGE_SIZE, .len = 8, .buf = buf };
	KUNIT_EXPECT_EQ(test, vml_window_run(&f->pt, acc, 2), 1u);
	KUNIT_EXPECT_EQ(test, acc[0].done, 8ul);
	KUNIT_EXPECT_EQ(test, acc[1].done, 0ul);
	/* Outside the user half: refused before any window. */
	acc[0].addr = vml_user_va_end() - 4;
	KUNIT_EXPECT_EQ(test, vml_window_run(&f->pt, acc, 1), 0u);
}

/*
 * A strided access touches one byte per stride: a store writes zeros there
 * and nowhere else, a fault stops it with done at the faulting touch.
 */
static void mmu_test_strided(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x600000;
	u8 *p0 = vml_page_address(f->frame[2]), *p1 = vml_page_address(f->frame[3]);
	struct vml_access acc = { .addr = a + 16, .len = 2 * PAGE_SIZE, .write = true,
				  .stride = 1024 };

	map(test, a, 2, user_rw());
	map(test, a + PAGE_SIZE, 3, vml_pgprot(false, false, true));
	/* Writes: four touches in the first page, then the read-only one. */
	KUNIT_EXPECT_EQ(test, vml_window_run(&f->pt, &acc, 1), 0u);
	KUNIT_EXPECT_EQ(test, acc.done, 4 * 1024ul);
	KUNIT_EXPECT_EQ(test, p0[16], 0);
	KUNIT_EXPECT_EQ(test, p0[16 + 3 * 1024], 0);
	KUNIT_EXPECT_EQ(test, p0[17], 0x12);
	KUNIT_EXPECT_EQ(test, p0[15], 0x12);
	KUNIT_EXPECT_EQ(test, p1[16], 0x13);
	/* Reads go through both pages, and change nothing. */
	acc = (struct vml_access){ .addr = a + 16, .len = 2 * PAGE_SIZE - 16, .stride = 1024 };
	KUNIT_EXPECT_EQ(test, vml_window_run(&f->pt, &acc, 1), 1u);
	KUNIT_EXPECT_EQ(test, acc.done, 2 * PAGE_SIZE - 16);
	KUNIT_EXPECT_EQ(test, p1[16], 0x13);
	/* A read past the mapping faults at the first unmapped touch. */
	acc = (struct vml_access){ .addr = a, .len = 3 * PAGE_SIZE, .stride = PAGE_SIZE };
	KUNIT_EXPECT_EQ(test, vml_window_run(&f->pt, &acc, 1), 0u);
	KUNIT_EXPECT_EQ(test, acc.done, 2 * PAGE_SIZE);
}

/* Supervisor-only leaves (vmalloc-style) work for reads and writes. */
static void mmu_test_supervisor_leaf(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x7f0000000000ul;
	u8 buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, *mem = vml_page_address(f->frame[2]);

	map(test, a, 2, vml_pgprot(true, false, false));
	KUNIT_EXPECT_FALSE(test, pte_flags(pte_at(test, a)) & _PAGE_USER);
	KUNIT_EXPECT_EQ(test, access(test, a + 40, buf, 8, true), 8ul);
	KUNIT_EXPECT_EQ(test, mem[47], 8);
	KUNIT_EXPECT_EQ(test, access(test, a, buf, 8, false), 8ul);
	KUNIT_EXPECT_EQ(test, buf[0], 0x12);
}

/* Entries that would be unsafe are refused or cleaned. */
static void mmu_test_pte_sanitize(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x400000;
	pte_t *ptep = vml_pte_alloc(&f->pt, a, VML_GFP_KERNEL);
	unsigned long bad_pfn = vml_arena.base_pfn + vml_arena.nr_frames;

	KUNIT_ASSERT_NOT_NULL(test, ptep);
	spin_lock(&f->pt.lock);
	vml_set_pte(&f->pt, a, ptep, pfn_pte(bad_pfn, vml_pgprot(true, false, true)));
	spin_unlock(&f->pt.lock);
	KUNIT_EXPECT_TRUE(test, pte_none(*ptep));
	spin_lock(&f->pt.lock);
	vml_set_pte(&f->pt, a, ptep, vml_mk_pte(f->frame[0], PAGE_KERNEL));
	spin_unlock(&f->pt.lock);
	KUNIT_EXPECT_TRUE(test, pte_present(*ptep));
	KUNIT_EXPECT_FALSE(test, pte_flags(*ptep) & _PAGE_GLOBAL);
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_page(*ptep), f->frame[0]);
	KUNIT_EXPECT_NULL(test, vml_pte_page(__pte(0)));
	/* Write-protect, then a write faults. */
	spin_lock(&f->pt.lock);
	vml_ptep_set_wrprotect(&f->pt, a, ptep);
	spin_unlock(&f->pt.lock);
	KUNIT_EXPECT_FALSE(test, pte_write(*ptep));
}

/* mremap: single entries and whole PTE tables move, with their bits. */
static void mmu_test_move(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x400000, b = 0x10000000, c = 0x20001000;
	struct vml_page *pte_table;
	u8 buf[4];

	map(test, a, 0, user_rw());
	map(test, a + 5 * PAGE_SIZE, 1, user_rw());
	KUNIT_EXPECT_EQ(test, access(test, a, buf, 4, true), 4ul);	/* dirty */
	pte_table = vml_virt_to_page(vml_pte_lookup(&f->pt, a));
	/* Whole 2 MiB, both aligned: the PTE table itself moves. */
	KUNIT_EXPECT_EQ(test, vml_move_pte_range(&f->pt, a, b, PMD_SIZE), 0);
	KUNIT_EXPECT_TRUE(test, pte_none(pte_at(test, a)));
	KUNIT_EXPECT_PTR_EQ(test, vml_virt_to_page(vml_pte_lookup(&f->pt, b)), pte_table);
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_page(pte_at(test, b)), f->frame[0]);
	KUNIT_EXPECT_TRUE(test, pte_dirty(pte_at(test, b)));
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_page(pte_at(test, b + 5 * PAGE_SIZE)), f->frame[1]);
	KUNIT_EXPECT_EQ(test, access(test, b + 5 * PAGE_SIZE, buf, 4, false), 4ul);
	KUNIT_EXPECT_EQ(test, buf[0], 0x11);
	KUNIT_EXPECT_EQ(test, access(test, a, buf, 4, false), 0ul);
	/* Unaligned: entry by entry, across a PMD boundary of the target. */
	KUNIT_EXPECT_EQ(test, vml_move_pte_range(&f->pt, b, c - 2 * PAGE_SIZE, 8 * PAGE_SIZE), 0);
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_page(pte_at(test, c - 2 * PAGE_SIZE)), f->frame[0]);
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_page(pte_at(test, c + 3 * PAGE_SIZE)), f->frame[1]);
	KUNIT_EXPECT_TRUE(test, pte_none(pte_at(test, b)));
	KUNIT_EXPECT_TRUE(test, pte_dirty(pte_at(test, c - 2 * PAGE_SIZE)));
	/* Bad requests change nothing. */
	KUNIT_EXPECT_EQ(test, vml_move_pte_range(&f->pt, c, c + PAGE_SIZE, 4 * PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_move_pte_range(&f->pt, c + 1, b, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_move_pte_range(&f->pt, c, vml_user_va_end(), PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_page(pte_at(test, c + 3 * PAGE_SIZE)), f->frame[1]);
}

/* Arm ctl `fail` for page-table pages: the @nth allocation from now fails. */
static int fail_pgtable(struct kunit *test, const char *nth)
{
	struct vml_reply r = { .buf = kunit_kzalloc(test, VML_REPLY_SIZE, GFP_KERNEL) };
	char cmd[32];

	if (!r.buf)
		return -ENOMEM;
	snprintf(cmd, sizeof(cmd), "fail pgtable %s", nth);
	return vml_ctl_exec(cmd, &r);
}

/*
 * mremap's prepare that runs out of memory keeps the destination tables
 * it made: the new VMA is in its reverse-map trees already, and a walk
 * looks its tables up without pgt.lock, so freeing them here could be a
 * use after free. vml_move_pte_range(), whose caller excludes every
 * walker, still frees them.
 */
static void mmu_test_move_prepare_enomem(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long a = 0x400000, b = 0x10000000;

	map(test, a, 0, user_rw());
	map(test, a + PMD_SIZE, 1, user_rw());
	/* The destination's upper tables: only its PTE tables are left to make. */
	KUNIT_ASSERT_NOT_NULL(test, vml_pte_alloc(&f->pt, b - PAGE_SIZE, VML_GFP_KERNEL));
	vml_fail_ctl_register();	/* the module's debugfs does it */
	/* To b + 4K: the table of [b, b + 2M) is made, that of [b + 2M, ..) fails. */
	KUNIT_EXPECT_EQ(test, fail_pgtable(test, "2"), 0);
	KUNIT_EXPECT_EQ(test, vml_move_pte_prepare(&f->pt, a, b + PAGE_SIZE, 2 * PMD_SIZE),
			-ENOMEM);
	KUNIT_EXPECT_NOT_NULL(test, vml_pte_lookup(&f->pt, b + PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, vml_pte_lookup(&f->pt, b + PMD_SIZE));
	KUNIT_EXPECT_EQ(test, fail_pgtable(test, "1"), 0);
	KUNIT_EXPECT_EQ(test, vml_move_pte_range(&f->pt, a, b + PAGE_SIZE, 2 * PMD_SIZE),
			-ENOMEM);
	KUNIT_EXPECT_NULL(test, vml_pte_lookup(&f->pt, b + PAGE_SIZE));
	/* Nothing moved either time. */
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_page(pte_at(test, a)), f->frame[0]);
	KUNIT_EXPECT_PTR_EQ(test, vml_pte_page(pte_at(test, a + PMD_SIZE)), f->frame[1]);
	KUNIT_EXPECT_EQ(test, fail_pgtable(test, "off"), 0);
	vml_fail_ctl_unregister();
}

static int count_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	(*(int *)arg)++;
	return addr == 0x402000 ? 7 : 0;
}

static void mmu_test_walk_range(struct kunit *test)
{
	struct fixture *f = test->priv;
	int n = 0;

	map(test, 0x400000, 0, user_rw());
	map(test, 0x402000, 1, user_rw());
	map(test, 0x40000000, 2, user_rw());
	KUNIT_EXPECT_EQ(test, vml_walk_range(&f->pt, 0x401000, 0x40001000, count_one, &n), 7);
	KUNIT_EXPECT_EQ(test, n, 1);
	n = 0;
	KUNIT_EXPECT_EQ(test, vml_walk_range(&f->pt, 0x403000, vml_user_half_end(),
					     count_one, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 1);
}

/* Expected dump lines: range, then size and flags as ptdump prints them. */
static const struct {
	unsigned long start, end;
	const char *tail;
} dump_lines[] = {
	{ 0x000000, 0x400000, "       4M                               pmd" },
	{ 0x400000, 0x402000, "       8K USR RW                     NX pte" },
	{ 0x402000, 0x403000, "       4K USR ro                     x  pte" },
	{ 0x403000, 0x404000, "       4K swap                          pte" },
	{ 0x404000, 0x600000, "    2032K                               pte" },
};

/* The ptdump-style dump shows ranges, sizes, flags and levels. */
static void mmu_test_dump(struct kunit *test)
{
	struct fixture *f = test->priv;
	struct seq_file m = { .size = 16384 };
	char line[128];
	pte_t *ptep;
	int i;

	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	map(test, 0x400000, 0, user_rw());
	map(test, 0x401000, 1, user_rw());
	map(test, 0x402000, 2, vml_pgprot(false, true, true));
	ptep = vml_pte_alloc(&f->pt, 0x403000, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ptep);
	vml_entry_write(ptep, 0x2000 | 0x4000);	/* a non-present swap-like entry */
	vml_pgtable_dump(&m, &f->pt);
	KUNIT_EXPECT_LT(test, m.count, m.size);
	kunit_info(test, "dump:\n%.*s", (int)m.count, m.buf);
	KUNIT_EXPECT_NOT_NULL(test, strstr(m.buf, "---[ User Space ]---\n"));
	for (i = 0; i < ARRAY_SIZE(dump_lines); i++) {
		snprintf(line, sizeof(line), "0x%016lx-0x%016lx    %s\n",
			 dump_lines[i].start, dump_lines[i].end, dump_lines[i].tail);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(m.buf, line), "missing: %s", line);
	}
	vml_entry_write(ptep, 0);
}

/* Wrong contexts are refused and counted, never run. */
static void mmu_test_window_refused(struct kunit *test)
{
	struct fixture *f = test->priv;
	long before = atomic_long_read(&vml_mmu_stats.window_refused);
	struct vml_access acc = { .addr = 0x400000, .len = 1 };
	unsigned long flags;
	unsigned int n;
	u8 c;

	acc.buf = &c;
	map(test, 0x400000, 0, user_rw());
	local_irq_save(flags);
	n = vml_window_run(&f->pt, &acc, 1);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, n, 0u);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&vml_mmu_stats.window_refused), before + 1);
	KUNIT_EXPECT_EQ(test, vml_window_run(&f->pt, &acc, 1), 1u);
}

/* ---- shootdown: another CPU keeps writing through its windows ---- */

static void mmu_test_shootdown(struct kunit *test)
{
	struct fixture *f = test->priv;
	unsigned long sent = vml_vm_event_sum(VML_NR_TLB_REMOTE_FLUSH), windows = 0;
	unsigned long addr = 0x400000;
	int stale;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	map(test, addr, 0, user_rw());
	stale = vml_shootdown_race(&f->pt, addr, f->frame[0], user_rw(), 50, &windows);
	kunit_info(test, "racer windows %lu, shootdown IPIs %lu\n", windows,
		   vml_vm_event_sum(VML_NR_TLB_REMOTE_FLUSH) - sent);
	KUNIT_EXPECT_EQ(test, stale, 0);
	KUNIT_EXPECT_GT(test, windows, 0ul);
	KUNIT_EXPECT_GT(test, vml_vm_event_sum(VML_NR_TLB_REMOTE_FLUSH), sent);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(&f->pt.cpus));
}

/* Quicklist watermarks, and every frame back in the buddy at the end. */
static void mmu_test_quicklist_census(struct kunit *test)
{
	struct fixture *f = test->priv;
	struct vml_frame_census c;
	unsigned long low, high, i, allocated;

	vml_quicklist_watermarks(&low, &high);
	vml_drain_all_pages();
	KUNIT_ASSERT_EQ(test, vml_take_census(&c), 0);
	allocated = c.allocated;
	/* 64 PTE tables, then all freed: the list is trimmed to low. */
	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_NOT_NULL(test, vml_pte_alloc(&f->pt, i * PMD_SIZE,
							  VML_GFP_KERNEL));
	vml_free_pgtables(&f->pt, 0, vml_user_half_end());
	KUNIT_EXPECT_LE(test, vml_quicklist_count(), high);
	KUNIT_EXPECT_GE(test, vml_quicklist_count(), low);
	/* Served from the list again. */
	i = atomic_long_read(&vml_mmu_stats.quicklist_hits);
	KUNIT_ASSERT_NOT_NULL(test, vml_pte_alloc(&f->pt, 0, VML_GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&vml_mmu_stats.quicklist_hits),
			(long)i + tables_per_page());
	vml_free_pgtables(&f->pt, 0, vml_user_half_end());
	vml_quicklist_drain();
	KUNIT_EXPECT_EQ(test, vml_quicklist_count(), 0ul);
	vml_drain_all_pages();
	KUNIT_ASSERT_EQ(test, vml_take_census(&c), 0);
	KUNIT_EXPECT_EQ(test, c.allocated, allocated);
	/* Destroying the tree gives back the PGD's two frames as well. */
	vml_pgtable_destroy(&f->pt);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&vml_mmu_stats.tables), 0l);
	vml_drain_all_pages();
	KUNIT_ASSERT_EQ(test, vml_take_census(&c), 0);
	KUNIT_EXPECT_EQ(test, c.allocated, allocated - 2);
}

static struct kunit_case mmu_cases[] = {
	KUNIT_CASE(mmu_test_pgd),
	KUNIT_CASE(mmu_test_walk_levels),
	KUNIT_CASE(mmu_test_free_exact),
	KUNIT_CASE(mmu_test_accessed_dirty),
	KUNIT_CASE(mmu_test_faults),
	KUNIT_CASE(mmu_test_strided),
	KUNIT_CASE(mmu_test_supervisor_leaf),
	KUNIT_CASE(mmu_test_pte_sanitize),
	KUNIT_CASE(mmu_test_move),
	KUNIT_CASE(mmu_test_move_prepare_enomem),
	KUNIT_CASE(mmu_test_walk_range),
	KUNIT_CASE(mmu_test_dump),
	KUNIT_CASE(mmu_test_window_refused),
	KUNIT_CASE(mmu_test_shootdown),
	KUNIT_CASE(mmu_test_quicklist_census),
	{}
};

static struct kunit_suite mmu_suite = {
	.name = "vmlab_mmu",
	.init = mmu_test_init,
	.exit = mmu_test_exit,
	.test_cases = mmu_cases,
};

kunit_test_suites(&mmu_suite);
