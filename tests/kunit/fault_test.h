/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the fault-layer suites (fault_test.c,
 * fault_protnone_test.c): address spaces, mappings, accesses, the frame
 * count, and a file to map.
 */
#ifndef VMLAB_KUNIT_FAULT_TEST_H
#define VMLAB_KUNIT_FAULT_TEST_H

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include "vmlab_core.h"
#include "access/access.h"
#include "fault/fault.h"
#include "mmu/mmu-internal.h"
#include "slab/slab.h"
#include "swap/swap.h"
#include "vma/vma-internal.h"
#include "tests/kunit/vml_test.h"

#define BASE	0x10000000ul
#define TFILE	"/vmlab-fault-test"

/* Every case runs on a fresh core with a 64 MiB arena. */
static inline int fault_test_init(struct kunit *test)
{
	struct vml_config cfg;

	vml_default_config(&cfg, 64);
	return vmlab_core_start(&cfg);
}

/* ... and ends with the invariant checker. */
static inline void fault_test_exit(struct kunit *test)
{
	vml_test_check(test);
	vmlab_core_stop();
}

static inline unsigned long frames(struct kunit *test)
{
	struct vml_frame_census c;
	size_t size;

	vml_lru_add_drain_all();	/* an LRU add batch may hold a freed page */
	vml_quicklist_drain();		/* cached table pages are not in use */
	vml_vma_shrink_caches();	/* nor are empty slabs of vma/'s descriptors */
	/* ... nor of the size caches fault/ and vma/ kmalloc from */
	for (size = VML_KMALLOC_MIN; size <= VML_KMALLOC_MAX_CACHE; size *= 2)
		vml_kmem_cache_shrink(vml_kmalloc_cache(size));
	vml_kmem_cache_shrink(vml_kmalloc_cache(96));
	vml_kmem_cache_shrink(vml_kmalloc_cache(192));
	KUNIT_EXPECT_EQ(test, vml_take_census(&c), 0);
	return c.allocated;
}

static inline struct vml_mm *new_mm(struct kunit *test)
{
	struct vml_mm *mm = vml_mm_create();

	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	return mm;
}

static inline void map(struct kunit *test, struct vml_mm *mm,
		       unsigned long addr, unsigned long len, unsigned long prot,
		       unsigned long flags, struct file *file)
{
	unsigned long ret = vml_mmap(mm, addr, len, prot, flags | MAP_FIXED, file, 0);

	KUNIT_ASSERT_EQ(test, ret, addr);
}

/* A published fork child, owned by its id as vml_mm_create()'s are. */
static inline struct vml_mm *fork_mm(struct kunit *test, struct vml_mm *mm)
{
	struct vml_mm *child = vml_fork(mm);

	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	vml_mm_publish(child);
	vml_mm_put(child);
	return child;
}

/* The frame a present or PROT_NONE PTE maps, or NULL. */
static inline struct vml_page *page_of(struct vml_mm *mm, unsigned long addr)
{
	pte_t *ptep = vml_pte_lookup(&mm->pgt, addr);

	return ptep ? vml_pte_page(*ptep) : NULL;
}

static inline bool pte_is_writable(struct vml_mm *mm, unsigned long addr)
{
	pte_t *ptep = vml_pte_lookup(&mm->pgt, addr);

	return ptep && vml_pte_state(*ptep) == VML_PTE_PRESENT && pte_write(*ptep);
}

static inline void touch(struct kunit *test, struct vml_mm *mm,
			 unsigned long addr, unsigned long len, bool write,
			 unsigned long want_minflt)
{
	struct vml_access_result res;

	KUNIT_ASSERT_EQ(test, vml_access_touch(mm, addr, len, write, PAGE_SIZE, &res), 0);
	KUNIT_EXPECT_EQ(test, res.minflt, want_minflt);
}

static inline void fill(struct kunit *test, struct vml_mm *mm,
			unsigned long addr, unsigned long len, u64 seed)
{
	struct vml_access_result res;

	KUNIT_ASSERT_EQ(test, vml_access_fill(mm, addr, len, seed, &res), 0);
}

static inline unsigned long mismatches(struct kunit *test, struct vml_mm *mm,
				       unsigned long addr, unsigned long len,
				       u64 seed)
{
	struct vml_access_result res;

	KUNIT_EXPECT_EQ(test, vml_access_verify(mm, addr, len, seed, &res), 0);
	return res.mismatches;
}

static inline int count_one(struct vml_vma *vma, unsigned long addr,
			    pte_t *ptep, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

struct find_arg {
	struct vml_mm *mm;
	unsigned long addr;
	int found;
};

static inline int find_one(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
			   void *arg)
{
	struct find_arg *f = arg;

	f->found += vma->vm_mm == f->mm && addr == f->addr;
	return 0;
}

/* Pages of @mm in [start, end) that rmap does not find where they are. */
static inline int rmap_misses(struct vml_mm *mm, unsigned long start,
			      unsigned long end)
{
	struct vml_page *page;
	unsigned long addr;
	int misses = 0;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		struct find_arg f = { .mm = mm, .addr = addr };

		page = page_of(mm, addr);
		if (!page || vml_page_test(page, VML_PG_zero))
			continue;
		vml_rmap_walk(page, find_one, &f);
		misses += f.found != 1;
	}
	return misses;
}

static inline struct file *make_file(struct kunit *test, size_t len, char c)
{
	struct file *f = filp_open(TFILE, O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE,
				   0600);
	char *buf;
	loff_t pos = 0;

	if (IS_ERR(f))
		kunit_skip(test, "no writable root file system");
	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, c, len);
	KUNIT_ASSERT_EQ(test, kernel_write(f, buf, len, &pos), (ssize_t)len);
	return f;
}

static inline char file_byte(struct file *f, loff_t pos)
{
	char c = 0;

	kernel_read(f, &c, 1, &pos);
	return c;
}

#endif /* VMLAB_KUNIT_FAULT_TEST_H */
