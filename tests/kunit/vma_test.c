// SPDX-License-Identifier: GPL-2.0
/*
 * vma_test.c - KUnit suite for sandbox address spaces: the VMA tree and
 * its gap augmentation against brute force, the top-down free-area
 * search, merge/split invariants, the errno of mmap/munmap/mprotect/
 * mremap/mlock/madvise edge cases (the man pages' and selftests/mm's
 * cases), accesses through the CR3 window with SEGV classification and
 * fault counts, vmalloc guard pages, limits, and teardown returning
 * every frame.
 *
 * Each case runs on a fresh core (vmlab_core_start/stop).
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <linux/slab.h>
#include "vmlab_core.h"
#include "buddy/buddy.h"
#include "mmu/mmu-internal.h"
#include "vma/vma-internal.h"
#include "ctl/ctl.h"
#include "vml_test.h"
#include "access/access.h"
#include "swap/swap.h"

#define BASE		0x10000000ul
#define PRIV		(MAP_PRIVATE | MAP_ANONYMOUS)
#define FIXED		(PRIV | MAP_FIXED)
#define RW		(PROT_READ | PROT_WRITE)

static unsigned long allocated_frames(void)
{
	struct vml_frame_census c;

	vml_lru_add_drain_all();	/* an LRU add batch may hold a freed page */
	vml_quicklist_drain();
	vml_drain_all_pages();
	vml_take_census(&c);
	return c.allocated;
}

static int vma_test_init(struct kunit *test)
{
	struct vml_config cfg;

	vml_default_config(&cfg, 64);
	return vmlab_core_start(&cfg);
}

static void vma_test_exit(struct kunit *test)
{
	vml_test_check(test);
	vmlab_core_stop();
}

static struct vml_mm *mm_new(struct kunit *test)
{
	struct vml_mm *mm = vml_mm_create();

	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	return mm;
}

static unsigned long map(struct vml_mm *mm, unsigned long addr,
			 unsigned long len, unsigned long prot, unsigned long flags)
{
	return vml_mmap(mm, addr, len, prot, flags, NULL, 0);
}

/* rb_subtree_gap of every node is the max own gap of its subtree. */
static unsigned long check_subtree(struct kunit *test, struct rb_node *n)
{
	struct vml_vma *vma, *prev;
	unsigned long own, l, r, pe, want;

	if (!n)
		return 0;
	vma = rb_entry(n, struct vml_vma, vm_rb);
	l = check_subtree(test, n->rb_left);
	r = check_subtree(test, n->rb_right);
	prev = vml_vma_prev(vma);
	pe = prev ? prev->vm_end : 0;
	own = vml_vm_start_gap(vma) > pe ? vml_vm_start_gap(vma) - pe : 0;
	want = max3(own, l, r);
	KUNIT_EXPECT_EQ_MSG(test, vma->rb_subtree_gap, want,
			    "vma %lx-%lx own %lx left %lx right %lx", vma->vm_start,
			    vma->vm_end, own, l, r);
	return want;
}

/* List sorted and disjoint, tree in the same order, counts right. */
static void check_tree(struct kunit *test, struct vml_mm *mm)
{
	struct rb_node *n = rb_first(&mm->mm_rb);
	struct vml_vma *vma, *last = NULL;
	int count = 0;

	vml_for_each_vma(mm, vma) {
		KUNIT_EXPECT_LT(test, vma->vm_start, vma->vm_end);
		KUNIT_EXPECT_EQ(test, vma->vm_start & ~PAGE_MASK, 0ul);
		if (last)
			KUNIT_EXPECT_LE(test, last->vm_end, vma->vm_start);
		KUNIT_EXPECT_PTR_EQ(test, n, &vma->vm_rb);
		n = n ? rb_next(n) : NULL;
		last = vma;
		count++;
	}
	KUNIT_EXPECT_NULL(test, n);
	KUNIT_EXPECT_EQ(test, count, mm->map_count);
	KUNIT_EXPECT_EQ(test, mm->highest_vm_end, last ? last->vm_end : 0ul);
	check_subtree(test, mm->mm_rb.rb_node);
}

static struct vml_vma *brute_find_vma(struct vml_mm *mm, unsigned long addr)
{
	struct vml_vma *vma;

	vml_for_each_vma(mm, vma)
		if (vma->vm_end > addr)
			return vma;
	return NULL;
}

/* Random mmap/munmap/mprotect; the tree must stay exact throughout. */
static void vma_test_tree_random(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long addr, len, pages = 16384;
	int i, op;

	for (i = 0; i < 3000; i++) {
		addr = BASE + ((unsigned long)get_random_u32_below(pages) << PAGE_SHIFT);
		len = (1 + get_random_u32_below(16)) << PAGE_SHIFT;
		op = get_random_u32_below(4);
		if (op < 2)
			KUNIT_EXPECT_EQ(test, map(mm, addr, len, op ? RW : PROT_READ, FIXED), addr);
		else if (op == 2)
			KUNIT_EXPECT_EQ(test, vml_munmap(mm, addr, len), 0);
		else
			vml_mprotect(mm, addr, len, PROT_READ);
		if (i < 300) {
			bool before = test->status == KUNIT_FAILURE;

			check_tree(test, mm);
			if (!before && test->status == KUNIT_FAILURE) {
				kunit_info(test, "op %d addr %lx len %lx", op, addr, len);
				return;
			}
		}
	}
	check_tree(test, mm);
	for (i = 0; i < 2000; i++) {
		addr = BASE - PAGE_SIZE + get_random_u32_below((pages + 32) << PAGE_SHIFT);
		KUNIT_EXPECT_PTR_EQ(test, vml_find_vma(mm, addr), brute_find_vma(mm, addr));
	}
	vml_mm_destroy(mm);
}

/* The top-down search returns the highest fitting gap below mmap_base. */
static void vma_test_unmapped_area(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long top = mm->mmap_base, addr, len, want, prev_end;
	struct vml_vma *vma;
	int i;

	/* Holes of 1..8 pages between 1-page VMAs just below mmap_base. */
	addr = top;
	for (i = 0; i < 200; i++) {
		addr -= (2 + i % 8) << PAGE_SHIFT;
		KUNIT_ASSERT_EQ(test, map(mm, addr, PAGE_SIZE, PROT_READ, FIXED), addr);
	}
	check_tree(test, mm);
	for (len = PAGE_SIZE; len <= 9 * PAGE_SIZE; len += PAGE_SIZE) {
		/* Brute force: scan gaps from the top. */
		want = 0;
		prev_end = 0;
		vml_for_each_vma(mm, vma) {
			if (vma->vm_start >= prev_end + len && vma->vm_start <= top)
				want = vma->vm_start - len;
			prev_end = vma->vm_end;
		}
		if (top - prev_end >= len)
			want = top - len;
		down_read(&mm->mmap_lock);
		addr = vml_get_unmapped_area(mm, 0, len, 0);
		up_read(&mm->mmap_lock);
		KUNIT_EXPECT_EQ(test, addr, want);
	}
	/* Plain mmap places the mapping where the search says. */
	addr = map(mm, 0, 3 * PAGE_SIZE, PROT_READ, PRIV);
	KUNIT_EXPECT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_EXPECT_LE(test, addr + 3 * PAGE_SIZE, top);
	vml_mm_destroy(mm);
}

/* vma_merge()/__split_vma() cases: map_count after each step. */
static void vma_test_merge_split(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long p = PAGE_SIZE, c = BASE + 256 * PAGE_SIZE;

	KUNIT_EXPECT_EQ(test, map(mm, BASE, 4 * p, RW, FIXED), BASE);
	KUNIT_EXPECT_EQ(test, map(mm, BASE + 4 * p, 4 * p, RW, FIXED), BASE + 4 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 1);	/* merged after */
	KUNIT_EXPECT_EQ(test, map(mm, BASE - 4 * p, 4 * p, RW, FIXED), BASE - 4 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 1);	/* merged before */
	KUNIT_EXPECT_EQ(test, map(mm, BASE + 12 * p, 4 * p, RW, FIXED), BASE + 12 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	KUNIT_EXPECT_EQ(test, map(mm, BASE + 8 * p, 4 * p, RW, FIXED), BASE + 8 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 1);	/* bridged both */
	KUNIT_EXPECT_EQ(test, map(mm, BASE + 16 * p, 4 * p, PROT_READ, FIXED), BASE + 16 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);	/* other prot: no merge */
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE, 2 * p, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 4);	/* split off the middle */
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE - 4 * p, 4 * p, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 3);	/* merged into the next */
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE + 4 * p, p, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 5);	/* hole punched: 3 pieces */
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE - 4 * p, 20 * p, RW), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);	/* all merged back */
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE + 2 * p, p), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 3);
	/* Read-only made writable gains VM_ACCOUNT and merges with its peer. */
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE + 16 * p, 4 * p, RW), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	KUNIT_EXPECT_EQ(test, mm->total_vm, 23ul);
	/*
	 * Writable made read-only keeps VM_ACCOUNT, so it does not merge with
	 * memory mapped read-only from the start (as in Linux).
	 */
	KUNIT_EXPECT_EQ(test, map(mm, c, p, RW, FIXED), c);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, c, p, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, map(mm, c + p, p, PROT_READ, FIXED), c + p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 4);
	check_tree(test, mm);
	vml_mm_destroy(mm);
}

/* Two anon VMAs with different anon_vmas never merge. */
static void vma_test_anon_vma_merge(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long p = PAGE_SIZE, a, b;

	a = map(mm, BASE, 2 * p, RW, FIXED | MAP_POPULATE);
	b = map(mm, BASE + 16 * p, 2 * p, RW, FIXED | MAP_POPULATE);
	KUNIT_ASSERT_EQ(test, a, BASE);
	KUNIT_ASSERT_EQ(test, b, BASE + 16 * p);
	/* Move b right after a: offsets are kept (it was faulted in). */
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, b, 2 * p, 2 * p,
					 MREMAP_MAYMOVE | MREMAP_FIXED, BASE + 2 * p),
			BASE + 2 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	/* Never-faulted memory takes the new offset and merges. */
	KUNIT_EXPECT_EQ(test, map(mm, BASE + 32 * p, 2 * p, RW, FIXED), BASE + 32 * p);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE + 32 * p, 2 * p, 2 * p,
					 MREMAP_MAYMOVE | MREMAP_FIXED, BASE - 2 * p),
			BASE - 2 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	check_tree(test, mm);
	vml_mm_destroy(mm);
}

/* mmap(2)'s error cases, as the man page and do_mmap() give them. */
static void vma_test_mmap_errors(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);

	KUNIT_EXPECT_EQ(test, map(mm, 0, 0, RW, PRIV), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(mm, 0, PAGE_SIZE, RW, MAP_ANONYMOUS), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(mm, 0, PAGE_SIZE, RW, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mmap(mm, 0, PAGE_SIZE, RW, MAP_PRIVATE, NULL, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, vml_mmap(mm, 0, PAGE_SIZE, RW, PRIV, NULL, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(mm, BASE + 1, PAGE_SIZE, RW, FIXED), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(mm, PAGE_SIZE, PAGE_SIZE, RW, FIXED), -EPERM);
	KUNIT_EXPECT_EQ(test, map(mm, 0, -PAGE_SIZE, RW, PRIV), -ENOMEM);
	KUNIT_EXPECT_EQ(test, map(mm, 0, mm->task_size, RW, PRIV), -ENOMEM);
	KUNIT_EXPECT_EQ(test, map(mm, mm->task_size - PAGE_SIZE, 2 * PAGE_SIZE, RW, FIXED),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, map(mm, 0, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS |
				  MAP_GROWSDOWN), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(mm, BASE, 4 * PAGE_SIZE, RW, FIXED), BASE);
	KUNIT_EXPECT_EQ(test, map(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW,
				  PRIV | MAP_FIXED_NOREPLACE), -EEXIST);
	/* A hint below mmap_min_addr is rounded up, not refused. */
	KUNIT_EXPECT_GE(test, map(mm, PAGE_SIZE, PAGE_SIZE, RW, PRIV), VML_MMAP_MIN_ADDR);
	KUNIT_EXPECT_EQ(test, map(vml_kernel_mm(), 0, PAGE_SIZE, RW, PRIV), -EPERM);
	vml_mm_destroy(mm);
}

/* munmap over holes and several VMAs; errors. */
static void vma_test_munmap(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long p = PAGE_SIZE;

	map(mm, BASE, 4 * p, RW, FIXED);
	map(mm, BASE + 6 * p, 4 * p, PROT_READ, FIXED);
	map(mm, BASE + 12 * p, 4 * p, RW, FIXED);
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE + 2 * p, 12 * p), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	KUNIT_EXPECT_EQ(test, vml_vma_lookup(mm, BASE + p)->vm_end, BASE + 2 * p);
	KUNIT_EXPECT_EQ(test, vml_vma_lookup(mm, BASE + 14 * p)->vm_start, BASE + 14 * p);
	KUNIT_EXPECT_EQ(test, mm->total_vm, 4ul);
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE + 1, p), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, mm->task_size, p), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE + 100 * p, p), 0);
	/* Splitting at max_map_count is refused (do_mas_align_munmap()). */
	mm->limits.max_map_count = mm->map_count;
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE + 15 * p - p, p), 0);	/* tail: no split */
	map(mm, BASE + 20 * p, 4 * p, RW, FIXED);
	mm->limits.max_map_count = mm->map_count;
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE + 21 * p, p), -ENOMEM);
	check_tree(test, mm);
	vml_mm_destroy(mm);
}

/* mprotect(2) errors and partial application before a hole. */
static void vma_test_mprotect(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long p = PAGE_SIZE;

	map(mm, BASE, 4 * p, RW, FIXED);
	map(mm, BASE + 6 * p, 2 * p, RW, FIXED);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE + 1, p, PROT_READ), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE, 0, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE, p, 0x100), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE - p, 2 * p, PROT_READ), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE, 8 * p, PROT_READ), -ENOMEM);
	/* The part before the hole was changed, as Linux does. */
	KUNIT_EXPECT_EQ(test, vml_vma_lookup(mm, BASE)->vm_flags & VML_VM_WRITE, 0ul);
	KUNIT_EXPECT_NE(test, vml_vma_lookup(mm, BASE + 6 * p)->vm_flags & VML_VM_WRITE, 0ul);
	vml_mm_destroy(mm);
}

/* mremap(2): the cases of selftests/mm/mremap_test and the man page. */
static void vma_test_mremap(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	struct vml_access_result res;
	unsigned long p = PAGE_SIZE, n;

	KUNIT_ASSERT_EQ(test, map(mm, BASE, 4 * p, RW, FIXED | MAP_POPULATE), BASE);
	KUNIT_ASSERT_EQ(test, vml_access_fill(mm, BASE, 4 * p, 99, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, 4 * p, 2 * p, 0, 0), BASE);
	KUNIT_EXPECT_EQ(test, mm->total_vm, 2ul);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, 2 * p, 6 * p, 0, 0), BASE);	/* in place */
	KUNIT_EXPECT_EQ(test, mm->map_count, 1);
	map(mm, BASE + 6 * p, p, PROT_READ, FIXED);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, 6 * p, 8 * p, 0, 0), -ENOMEM);
	n = vml_mremap(mm, BASE, 6 * p, 8 * p, MREMAP_MAYMOVE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(n));
	KUNIT_EXPECT_NE(test, n, BASE);
	KUNIT_EXPECT_NULL(test, vml_vma_lookup(mm, BASE));
	/* The frames moved with their PTEs: the pattern of BASE is at n. */
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 2ul);
	{
		u8 buf[64], want[64];
		int i;

		for (i = 0; i < 64; i++)
			want[i] = vml_pattern_byte(99, BASE + p + i);
		KUNIT_EXPECT_EQ(test, vml_access_rw(mm, n + p, buf, 64, false, &res), 0);
		KUNIT_EXPECT_EQ(test, memcmp(buf, want, 64), 0);
	}
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n, p, p, MREMAP_FIXED, BASE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n, p, p, 0x80, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n + 1, p, 2 * p, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n, p, 0, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE + 20 * p, p, 2 * p, 0, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n, 2 * p, 2 * p, MREMAP_MAYMOVE | MREMAP_FIXED,
					 n + p), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n, 9 * p, 10 * p, 0, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n, 0, p, MREMAP_MAYMOVE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n, 8 * p, 8 * p, MREMAP_MAYMOVE | MREMAP_FIXED,
					 BASE + 64 * p), BASE + 64 * p);
	KUNIT_EXPECT_EQ(test, mm->total_vm, 9ul);
	check_tree(test, mm);
	vml_mm_destroy(mm);
}

/* Do the first 64 bytes at @at hold pattern @seed as written at @from? */
static bool holds(struct kunit *test, struct vml_mm *mm, unsigned long at,
		  unsigned long from, u64 seed)
{
	struct vml_access_result res;
	u8 buf[64];
	int i;

	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, at, buf, sizeof(buf), false, &res), 0);
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != (from ? vml_pattern_byte(seed, from + i) : 0))
			return false;
	return true;
}

/*
 * MREMAP_DONTUNMAP (6.1, any mapping since 5.13): errors, the pages move
 * and the old range stays mapped and empty, a locked range is cut out and
 * unlocked with locked_vm unchanged, a whole old VMA loses its anon_vma
 * and offset, a never-faulted copy does not merge with its source, and
 * shared memory refaults the object's data at the old place.
 */
static void vma_test_mremap_dontunmap(struct kunit *test)
{
	const unsigned long du = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
	struct vml_mm *mm = mm_new(test);
	struct vml_access_result res;
	unsigned long p = PAGE_SIZE, n;
	struct vml_vma *vma;

	KUNIT_ASSERT_EQ(test, map(mm, BASE, 4 * p, RW, FIXED | MAP_POPULATE), BASE);
	KUNIT_ASSERT_EQ(test, vml_access_fill(mm, BASE, 4 * p, 7, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, p, p, MREMAP_DONTUNMAP, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, p, 2 * p, du, 0), -EINVAL);
	/* The lengths are compared before they are rounded up. */
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, p - 1, p, du, 0), -EINVAL);
	/* A hint is still checked against the old range. */
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, p, p, du, BASE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, p, p, du, BASE + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, 8 * p, 8 * p, du, 0), -EFAULT);

	/* Two pages out of the middle: the old VMA stays whole. */
	n = vml_mremap(mm, BASE + p, 2 * p, 2 * p, du, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(n));
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	KUNIT_EXPECT_EQ(test, mm->total_vm, 6ul);
	KUNIT_EXPECT_EQ(test, mm->data_vm, 6ul);
	vma = vml_vma_lookup(mm, BASE);
	KUNIT_EXPECT_EQ(test, vma->vm_end, BASE + 4 * p);
	KUNIT_EXPECT_NOT_NULL(test, vma->anon_vma);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 4ul);
	KUNIT_EXPECT_TRUE(test, holds(test, mm, n + p, BASE + 2 * p, 7));
	KUNIT_EXPECT_TRUE(test, holds(test, mm, BASE + p, 0, 0));	/* zero-filled */
	KUNIT_EXPECT_TRUE(test, holds(test, mm, BASE + 3 * p, BASE + 3 * p, 7));
	/* Back where it was, fixed: the copy replaces the zero-filled range. */
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, n, 2 * p, 2 * p, du | MREMAP_FIXED, BASE + p),
			BASE + p);
	KUNIT_EXPECT_EQ(test, vml_access_verify(mm, BASE, 4 * p, 7, &res), 0);
	KUNIT_EXPECT_EQ(test, res.mismatches, 0ul);
	KUNIT_EXPECT_TRUE(test, holds(test, mm, n, 0, 0));
	vml_munmap(mm, n, 2 * p);

	/* A whole VMA: its anon_vma goes, its offset is a fresh one's. */
	n = vml_mremap(mm, BASE, 4 * p, 4 * p, du | MREMAP_FIXED, BASE + 64 * p);
	KUNIT_EXPECT_EQ(test, n, BASE + 64 * p);
	vma = vml_vma_lookup(mm, BASE);
	KUNIT_EXPECT_NULL(test, vma->anon_vma);
	KUNIT_EXPECT_EQ(test, vma->vm_pgoff, BASE >> PAGE_SHIFT);
	KUNIT_EXPECT_TRUE(test, holds(test, mm, n + 3 * p, BASE + 3 * p, 7));
	vml_munmap(mm, BASE, 128 * p);

	/* Locked: the range is cut out and unlocked, locked_vm stays. */
	KUNIT_ASSERT_EQ(test, map(mm, BASE, 4 * p, RW, FIXED | MAP_LOCKED), BASE);
	KUNIT_EXPECT_EQ(test, mm->locked_vm, 4ul);
	n = vml_mremap(mm, BASE + p, p, p, du | MREMAP_FIXED, BASE + 64 * p);
	KUNIT_EXPECT_EQ(test, n, BASE + 64 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 4);
	KUNIT_EXPECT_EQ(test, mm->locked_vm, 4ul);
	KUNIT_EXPECT_EQ(test, vml_vma_lookup(mm, BASE + p)->vm_flags & VML_VM_LOCKED, 0ul);
	KUNIT_EXPECT_NE(test, vml_vma_lookup(mm, n)->vm_flags & VML_VM_LOCKED, 0ul);
	KUNIT_EXPECT_NE(test, vml_vma_lookup(mm, BASE)->vm_flags & VML_VM_LOCKED, 0ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 4ul);
	vml_munmap(mm, BASE, 128 * p);
	KUNIT_EXPECT_EQ(test, mm->locked_vm, 0ul);

	/* Never faulted, moved next to itself: no self-merge. */
	KUNIT_ASSERT_EQ(test, map(mm, BASE, 2 * p, RW, FIXED), BASE);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, 2 * p, 2 * p, du | MREMAP_FIXED,
					 BASE + 2 * p), BASE + 2 * p);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	vml_munmap(mm, BASE, 4 * p);

	/* Shared: the old range refaults the object's pages. */
	KUNIT_ASSERT_EQ(test, map(mm, BASE, 2 * p, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED),
			BASE);
	KUNIT_ASSERT_EQ(test, vml_access_fill(mm, BASE, 2 * p, 3, &res), 0);
	n = vml_mremap(mm, BASE, 2 * p, 2 * p, du, BASE + 64 * p);
	KUNIT_EXPECT_EQ(test, n, BASE + 64 * p);	/* the hint was free */
	KUNIT_EXPECT_TRUE(test, holds(test, mm, n + p, BASE + p, 3));
	KUNIT_EXPECT_EQ(test, vml_access_verify(mm, BASE, 2 * p, 3, &res), 0);
	KUNIT_EXPECT_EQ(test, res.mismatches, 0ul);

	/* RLIMIT_AS counts the pages it adds. */
	mm->limits.as = (mm->total_vm + 1) << PAGE_SHIFT;
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, 2 * p, 2 * p, du, 0), -ENOMEM);
	check_tree(test, mm);
	vml_mm_destroy(mm);
}

/* mlock/munlock: counters, population, PROT_NONE and limits. */
static void vma_test_mlock(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long p = PAGE_SIZE;

	map(mm, BASE, 8 * p, RW, FIXED);
	KUNIT_EXPECT_EQ(test, vml_mlock(mm, BASE + 10, 2 * p), 0);
	KUNIT_EXPECT_EQ(test, mm->locked_vm, 3ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 3ul);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	KUNIT_EXPECT_EQ(test, vml_munlock(mm, BASE, 8 * p), 0);
	KUNIT_EXPECT_EQ(test, mm->locked_vm, 0ul);
	/* The faulted part has an anon_vma, the rest none: no merge (6.1). */
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	KUNIT_EXPECT_EQ(test, vml_mlock(mm, BASE, 16 * p), -ENOMEM);
	map(mm, BASE + 32 * p, p, PROT_NONE, FIXED);
	KUNIT_EXPECT_EQ(test, vml_mlock(mm, BASE + 32 * p, p), -ENOMEM);
	mm->limits.memlock = 2 * p;
	KUNIT_EXPECT_EQ(test, vml_munlock(mm, BASE, 8 * p), 0);
	KUNIT_EXPECT_EQ(test, vml_mlock(mm, BASE, 4 * p), -ENOMEM);
	KUNIT_EXPECT_EQ(test, map(mm, BASE + 40 * p, 4 * p, RW, FIXED | MAP_LOCKED), -EAGAIN);
	vml_mm_destroy(mm);
}

/* Accesses through the window: data, SEGV codes, fault counts. */
static void vma_test_access(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	struct vml_access_result res;
	unsigned long p = PAGE_SIZE;
	u8 buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];

	map(mm, BASE, 4 * p, RW, FIXED | MAP_POPULATE);
	map(mm, BASE + 4 * p, p, PROT_READ, FIXED | MAP_POPULATE);
	KUNIT_EXPECT_EQ(test, vml_access_fill(mm, BASE, 4 * p, 5, &res), 0);
	KUNIT_EXPECT_EQ(test, res.done, 4 * p);
	KUNIT_EXPECT_EQ(test, vml_access_verify(mm, BASE, 4 * p, 5, &res), 0);
	KUNIT_EXPECT_EQ(test, res.mismatches, 0ul);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + p - 4, buf, 8, true, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + p - 4, back, 8, false, &res), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, back, 8), 0);
	KUNIT_EXPECT_EQ(test, vml_access_verify(mm, BASE, 4 * p, 5, &res), 0);
	KUNIT_EXPECT_LE(test, res.mismatches, 8ul);
	KUNIT_EXPECT_GT(test, res.mismatches, 0ul);
	/* Read-only page: reads work, writes are SEGV_ACCERR. */
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + 4 * p, back, 8, false, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + 4 * p + 8, buf, 8, true, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_ACCERR);
	KUNIT_EXPECT_EQ(test, res.fault_addr, BASE + 4 * p + 8);
	/* Past the end: SEGV_MAPERR at the first unmapped byte, after the rest. */
	KUNIT_EXPECT_EQ(test, vml_access_fill(mm, BASE + 4 * p, 2 * p, 1, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_ACCERR);
	KUNIT_EXPECT_EQ(test, vml_access_touch(mm, BASE, 8 * p, false, p, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_MAPERR);
	KUNIT_EXPECT_EQ(test, res.fault_addr, BASE + 5 * p);
	KUNIT_EXPECT_EQ(test, res.done, 5 * p);
	/* PROT_NONE: accerr; the mm stays usable. */
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE, p, PROT_NONE), 0);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE, back, 1, false, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_ACCERR);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE, p, RW), 0);
	KUNIT_EXPECT_EQ(test, vml_access_verify(mm, BASE, p - 4, 5, &res), 0);
	KUNIT_EXPECT_EQ(test, res.mismatches, 0ul);
	KUNIT_EXPECT_EQ(test, res.minflt + res.majflt, 0ul);
	/* A kernel-half address is never reached. */
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, -PAGE_SIZE, back, 1, false, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_MAPERR);
	vml_mm_destroy(mm);
}

/*
 * Faults go through the access layer to the one fault handler, are
 * counted and retried; a stack grows down on an access below it, but not
 * into the guard gap above the VMA below it.
 */
static void vma_test_faults(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	struct vml_access_result res;
	unsigned long p = PAGE_SIZE, stack = BASE + 1024 * PAGE_SIZE;

	map(mm, BASE, 8 * p, RW, FIXED);
	KUNIT_EXPECT_EQ(test, vml_access_fill(mm, BASE, 8 * p, 3, &res), 0);
	KUNIT_EXPECT_EQ(test, res.minflt, 8ul);
	KUNIT_EXPECT_EQ(test, res.majflt, 0ul);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mm->min_flt), 8l);
	KUNIT_EXPECT_EQ(test, vml_access_verify(mm, BASE, 8 * p, 3, &res), 0);
	KUNIT_EXPECT_EQ(test, res.mismatches, 0ul);
	KUNIT_EXPECT_EQ(test, res.minflt + res.majflt, 0ul);
	KUNIT_ASSERT_EQ(test, map(mm, stack, 2 * p, RW, FIXED | MAP_GROWSDOWN), stack);
	KUNIT_EXPECT_EQ(test, vml_access_touch(mm, stack - 2 * p, p, false, p, &res), 0);
	KUNIT_ASSERT_NOT_NULL(test, vml_vma_lookup(mm, stack - 2 * p));
	KUNIT_EXPECT_EQ(test, vml_vma_lookup(mm, stack - 2 * p)->vm_start, stack - 2 * p);
	KUNIT_EXPECT_EQ(test, vml_access_touch(mm, BASE + 16 * p, p, false, p, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_MAPERR);
	vml_mm_destroy(mm);
}

/* vmalloc: data through the kernel mm, guard pages, refused frees. */
static void vma_test_vmalloc(struct kunit *test)
{
	struct vml_mm *kmm = vml_kernel_mm();
	struct vml_access_result res;
	unsigned long a, b;
	u8 x = 0x5a, y = 0;
	pte_t *ptep;

	a = vml_vmalloc(3 * PAGE_SIZE);
	b = vml_vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NE(test, a, 0ul);
	KUNIT_ASSERT_NE(test, b, 0ul);
	KUNIT_EXPECT_EQ(test, a, VML_VMALLOC_START);
	KUNIT_EXPECT_EQ(test, b, a + 4 * PAGE_SIZE);	/* after the guard */
	ptep = vml_pte_lookup(&kmm->pgt, a);
	KUNIT_ASSERT_NOT_NULL(test, ptep);
	KUNIT_EXPECT_TRUE(test, pte_present(*ptep));
	KUNIT_EXPECT_FALSE(test, pte_val(*ptep) & _PAGE_USER);
	KUNIT_EXPECT_FALSE(test, pte_val(*ptep) & _PAGE_GLOBAL);
	KUNIT_EXPECT_EQ(test, vml_access_rw(kmm, a + 3 * PAGE_SIZE - 1, &x, 1, true, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_access_rw(kmm, a + 3 * PAGE_SIZE - 1, &y, 1, false, &res), 0);
	KUNIT_EXPECT_EQ(test, y, x);
	KUNIT_EXPECT_EQ(test, vml_access_rw(kmm, a + 3 * PAGE_SIZE, &y, 1, false, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_MAPERR);
	KUNIT_EXPECT_EQ(test, vml_vfree(a + PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_vfree(a), 0);
	KUNIT_EXPECT_EQ(test, vml_vfree(a), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_vmalloc(0), 0ul);
	KUNIT_EXPECT_EQ(test, vml_vmalloc(2 * PAGE_SIZE), a);	/* first fit */
	KUNIT_EXPECT_EQ(test, vml_vfree(b), 0);
}

/* Limits: max_map_count, RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK. */
static void vma_test_limits(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long p = PAGE_SIZE;
	int i;

	mm->limits.max_map_count = 10;
	for (i = 0; i < 11; i++)	/* map_count > max is checked first */
		KUNIT_EXPECT_EQ(test, map(mm, BASE + 4 * i * p, 2 * p, PROT_READ, FIXED),
				BASE + 4 * i * p);
	KUNIT_EXPECT_EQ(test, map(mm, BASE + 60 * p, p, PROT_READ, FIXED), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE, p, RW), -ENOMEM);	/* no split */
	mm->limits.max_map_count = VML_MAX_MAP_COUNT;
	mm->limits.as = (mm->total_vm + 4) * p;
	KUNIT_EXPECT_EQ(test, map(mm, 0, 6 * p, PROT_READ, PRIV), -ENOMEM);
	KUNIT_EXPECT_EQ(test, map(mm, BASE, 6 * p, PROT_READ, FIXED), BASE); /* replaces */
	mm->limits.as = ULONG_MAX;
	mm->limits.data = 4 * p;
	KUNIT_EXPECT_EQ(test, map(mm, 0, 8 * p, RW, PRIV), -ENOMEM);
	KUNIT_EXPECT_FALSE(test, IS_ERR_VALUE(map(mm, 0, 8 * p, RW, MAP_SHARED | MAP_ANONYMOUS)));
	KUNIT_EXPECT_EQ(test, vml_brk(mm, mm->start_brk + 8 * p), mm->start_brk);
	mm->limits.data = ULONG_MAX;
	KUNIT_EXPECT_EQ(test, vml_brk(mm, mm->start_brk + 8 * p), mm->start_brk + 8 * p);
	vml_mm_destroy(mm);
}

/* madvise: DONTNEED frees, locked refuses, holes give -ENOMEM. */
static void vma_test_madvise(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long p = PAGE_SIZE;

	map(mm, BASE, 4 * p, RW, FIXED | MAP_POPULATE);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 4ul);
	KUNIT_EXPECT_EQ(test, vml_madvise(mm, BASE, 2 * p, MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 2ul);
	KUNIT_EXPECT_EQ(test, vml_madvise(mm, BASE, 8 * p, MADV_COLD), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vml_madvise(mm, BASE, p, 12345), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_madvise(mm, BASE + 1, p, MADV_COLD), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_madvise(mm, BASE, 0, MADV_COLD), 0);
	KUNIT_EXPECT_EQ(test, vml_mlock(mm, BASE + 3 * p, p), 0);
	KUNIT_EXPECT_EQ(test, vml_madvise(mm, BASE + 3 * p, p, MADV_DONTNEED), -EINVAL);
	vml_mm_destroy(mm);
}

/* Frames in use once vma/'s caches gave their free slabs back. */
static unsigned long frames_in_use(void)
{
	vml_vma_shrink_caches();
	return allocated_frames();
}

/* Destroying an mm gives back every frame: pages and page tables. */
static void vma_test_teardown(struct kunit *test)
{
	struct vml_mm *mm = mm_new(test);
	unsigned long a, base;

	/*
	 * Warm up: the caches' descriptors and the shared zero page stay
	 * until the core stops, so they belong in the baseline.
	 */
	KUNIT_EXPECT_EQ(test, map(mm, BASE, PAGE_SIZE, PROT_READ, FIXED | MAP_POPULATE), BASE);
	vml_mm_destroy(mm);
	base = frames_in_use();
	mm = mm_new(test);

	a = map(mm, 0, 1 << 20, RW, PRIV | MAP_POPULATE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(a));
	KUNIT_EXPECT_EQ(test, map(mm, BASE, 1 << 20, PROT_READ, FIXED | MAP_POPULATE), BASE);
	KUNIT_EXPECT_EQ(test, vml_mlock(mm, a, 1 << 16), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&mm->pgt.nr_tables), 0l);
	KUNIT_EXPECT_GT(test, allocated_frames(), base + 256);
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, a, 1 << 20), 0);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_EQ(test, frames_in_use(), base);
}

/*
 * ctl's mremap: fixed= and hint= name the one new_addr, so a second one
 * is refused with a message and nothing moves (fixed=A hint=B used to
 * move the range to B, MREMAP_FIXED).
 */
static void vma_test_ctl_mremap_addr_twice(struct kunit *test)
{
	static const char * const opts[][2] = {
		{ "fixed", "hint" }, { "hint", "fixed" }, { "fixed", "fixed" },
	};
	struct vml_reply r = { .buf = kunit_kzalloc(test, VML_REPLY_SIZE, GFP_KERNEL) };
	struct vml_mm *mm = mm_new(test);
	char line[160];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r.buf);
	KUNIT_ASSERT_EQ(test, map(mm, BASE, PAGE_SIZE, RW, FIXED | MAP_POPULATE), BASE);
	vml_ctl_register(&vml_vma_ctl_group);	/* the module's debugfs does it */
	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		snprintf(line, sizeof(line), "mremap %d %#lx 4096 4096 maymove %s=%#lx %s=%#lx",
			 mm->id, BASE, opts[i][0], BASE + SZ_1M, opts[i][1], BASE + SZ_2M);
		KUNIT_EXPECT_EQ_MSG(test, vml_ctl_exec(line, &r), -EINVAL, "%s= then %s=",
				    opts[i][0], opts[i][1]);
		KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf, "give one of fixed= and hint="));
		KUNIT_EXPECT_NOT_NULL(test, vml_vma_lookup(mm, BASE));
		KUNIT_EXPECT_NULL(test, vml_vma_lookup(mm, BASE + SZ_1M));
		KUNIT_EXPECT_NULL(test, vml_vma_lookup(mm, BASE + SZ_2M));
	}
	/* One of them is still taken. */
	snprintf(line, sizeof(line), "mremap %d %#lx 4096 4096 maymove fixed=%#lx",
		 mm->id, BASE, BASE + SZ_2M);
	KUNIT_EXPECT_EQ(test, vml_ctl_exec(line, &r), 0);
	KUNIT_EXPECT_NOT_NULL(test, vml_vma_lookup(mm, BASE + SZ_2M));
	vml_ctl_unregister(&vml_vma_ctl_group);
	vml_mm_destroy(mm);
}

static struct kunit_case vma_cases[] = {
	KUNIT_CASE(vma_test_tree_random),
	KUNIT_CASE(vma_test_unmapped_area),
	KUNIT_CASE(vma_test_merge_split),
	KUNIT_CASE(vma_test_anon_vma_merge),
	KUNIT_CASE(vma_test_mmap_errors),
	KUNIT_CASE(vma_test_munmap),
	KUNIT_CASE(vma_test_mprotect),
	KUNIT_CASE(vma_test_mremap),
	KUNIT_CASE(vma_test_mremap_dontunmap),
	KUNIT_CASE(vma_test_ctl_mremap_addr_twice),
	KUNIT_CASE(vma_test_mlock),
	KUNIT_CASE(vma_test_access),
	KUNIT_CASE(vma_test_faults),
	KUNIT_CASE(vma_test_vmalloc),
	KUNIT_CASE(vma_test_limits),
	KUNIT_CASE(vma_test_madvise),
	KUNIT_CASE(vma_test_teardown),
	{}
};

static struct kunit_suite vma_suite = {
	.name = "vmlab_vma",
	.init = vma_test_init,
	.exit = vma_test_exit,
	.test_cases = vma_cases,
};

kunit_test_suites(&vma_suite);
