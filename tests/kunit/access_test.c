// SPDX-License-Identifier: GPL-2.0
/*
 * access_test.c - KUnit suite for access/: a fault looks its VMA up
 * exactly once (vml_vma_lookups, compiled only into this module), in the
 * full path and in the in-window fix-up alike; the VMA it found is the
 * one the fault layer works on.
 */
#include <kunit/test.h>
#include "vmlab_core.h"
#include "access/access.h"
#include "mmu/mmu-internal.h"
#include "vml_test.h"

#define BASE	0x10000000ul

static int access_test_init(struct kunit *test)
{
	struct vml_config cfg;

	vml_default_config(&cfg, 64);
	return vmlab_core_start(&cfg);
}

static void access_test_exit(struct kunit *test)
{
	vml_test_check(test);
	vmlab_core_stop();
}

static bool pte_allows(struct vml_mm *mm, unsigned long addr, bool write)
{
	pte_t *ptep = vml_pte_lookup(&mm->pgt, addr);

	return ptep && pte_present(*ptep) && (!write || pte_write(*ptep));
}

/* One vml_access_fault() at @addr: how many VMA lookups it made. */
static long lookups_of_fault(struct kunit *test, struct vml_mm *mm,
			     unsigned long addr, unsigned int flags)
{
	enum vml_segv_code code;
	long before;
	int ret;

	down_read(&mm->mmap_lock);
	before = atomic_long_read(&vml_vma_lookups);
	ret = vml_access_fault(mm, addr, flags, &code);
	before = atomic_long_read(&vml_vma_lookups) - before;
	up_read(&mm->mmap_lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, pte_allows(mm, addr, flags & VML_FAULT_FLAG_WRITE));
	return before;
}

static void access_test_one_lookup(struct kunit *test)
{
	unsigned int w = VML_FAULT_FLAG_USER | VML_FAULT_FLAG_WRITE;
	struct vml_access_result res;
	struct vml_mm *mm = vml_mm_create();
	long before;

	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_ASSERT_EQ(test, vml_mmap(mm, BASE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			BASE);
	/* Demand zero for a write, the zero page for a read, then its COW. */
	KUNIT_EXPECT_EQ(test, lookups_of_fault(test, mm, BASE, w), 1);
	KUNIT_EXPECT_EQ(test, lookups_of_fault(test, mm, BASE + PAGE_SIZE,
					       VML_FAULT_FLAG_USER), 1);
	KUNIT_EXPECT_EQ(test, lookups_of_fault(test, mm, BASE + PAGE_SIZE, w), 1);
	/*
	 * In the window: table, anon_vma and zero page exist, so the fix-up
	 * resolves the write at once; one fault, one lookup.
	 */
	before = atomic_long_read(&vml_vma_lookups);
	KUNIT_ASSERT_EQ(test, vml_access_touch(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, true,
					       PAGE_SIZE, &res), 0);
	KUNIT_EXPECT_EQ(test, res.minflt, 1ul);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&vml_vma_lookups) - before, 1l);
	KUNIT_EXPECT_TRUE(test, pte_allows(mm, BASE + 2 * PAGE_SIZE, true));
	vml_mm_destroy(mm);
}

static struct kunit_case access_test_cases[] = {
	KUNIT_CASE(access_test_one_lookup),
	{}
};

static struct kunit_suite access_test_suite = {
	.name = "vmlab_access",
	.init = access_test_init,
	.exit = access_test_exit,
	.test_cases = access_test_cases,
};

kunit_test_suite(access_test_suite);
