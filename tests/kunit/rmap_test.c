// SPDX-License-Identifier: GPL-2.0
/*
 * rmap_test.c - KUnit suite for the reverse map's objects: anon_vma
 * chains after fork (a page COWed in one child is found only through that
 * child's VMAs), splits, merges and mremap keeping every PTE findable,
 * the walk never looking at an unrelated mm (VMAs visited are counted),
 * the i_mmap tree of a file after split and mremap, an anon_vma freed
 * when its last VMA goes, a page mapped again while a zap elsewhere
 * drops its last PTE, and pages of a VMA larger than 16 TiB found past
 * the first 2^32 pages.
 *
 * Every case runs on a fresh core (a 64 MiB arena) and ends with ctl
 * check's invariant checker, which verifies chains and trees too.
 */
#include "fault/fault-internal.h"
#include "tests/kunit/fault_test.h"

#define RW	(PROT_READ | PROT_WRITE)
#define PRIV	(MAP_PRIVATE | MAP_ANONYMOUS)

static struct vml_vma *vma_at(struct vml_mm *mm, unsigned long addr)
{
	struct vml_vma *vma;

	down_read(&mm->mmap_lock);
	vma = vml_vma_lookup(mm, addr);
	up_read(&mm->mmap_lock);
	return vma;
}

/* Read [addr, addr + len): fault-around decides how many faults it takes. */
static void read_in(struct kunit *test, struct vml_mm *mm, unsigned long addr,
		    unsigned long len)
{
	struct vml_access_result res;

	KUNIT_ASSERT_EQ(test, vml_access_touch(mm, addr, len, false, PAGE_SIZE, &res), 0);
}

/* The PTEs a walk of @page finds, and the VMAs it looks at to do so. */
static int walk_count(struct vml_page *page, long *visits)
{
	long before = atomic_long_read(&vml_rmap_visits);
	int n = 0;

	vml_rmap_walk(page, count_one, &n);
	*visits = atomic_long_read(&vml_rmap_visits) - before;
	return n;
}

static int chain_length(struct vml_vma *vma)
{
	struct vml_anon_vma_chain *avc;
	int n = 0;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		n++;
	return n;
}

/*
 * Parent and two children: the children are chained to the parent's
 * anon_vma and have their own; a page one child COWs names that child's
 * anon_vma, and its walk looks at that child's VMA alone.
 */
static void rmap_test_fork_chains(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *c1, *c2;
	struct vml_page *shared, *cowed;
	struct vml_vma *pv, *v1, *v2;
	long visits;

	map(test, mm, BASE, 4 * PAGE_SIZE, RW, PRIV, NULL);
	fill(test, mm, BASE, 4 * PAGE_SIZE, 1);
	c1 = fork_mm(test, mm);
	c2 = fork_mm(test, mm);
	pv = vma_at(mm, BASE);
	v1 = vma_at(c1, BASE);
	v2 = vma_at(c2, BASE);
	KUNIT_ASSERT_TRUE(test, pv && v1 && v2);
	KUNIT_EXPECT_TRUE(test, vml_anon_vma_singular(pv));
	KUNIT_EXPECT_EQ(test, chain_length(v1), 2);
	KUNIT_EXPECT_EQ(test, chain_length(v2), 2);
	KUNIT_EXPECT_PTR_EQ(test, v1->anon_vma->root, pv->anon_vma);
	KUNIT_EXPECT_PTR_NE(test, v1->anon_vma, v2->anon_vma);
	KUNIT_EXPECT_EQ(test, pv->anon_vma->num_children, 3ul);	/* itself + 2 */
	KUNIT_EXPECT_EQ(test, refcount_read(&pv->anon_vma->refcount), 3u);

	shared = page_of(mm, BASE);
	KUNIT_EXPECT_EQ(test, walk_count(shared, &visits), 3);
	KUNIT_EXPECT_EQ(test, visits, 3);

	fill(test, c1, BASE, PAGE_SIZE, 2);		/* COW in child 1 */
	cowed = page_of(c1, BASE);
	KUNIT_ASSERT_PTR_NE(test, cowed, shared);
	KUNIT_EXPECT_EQ(test, cowed->private, (unsigned long)v1->anon_vma);
	KUNIT_EXPECT_EQ(test, walk_count(cowed, &visits), 1);
	KUNIT_EXPECT_EQ(test, visits, 1);		/* child 1's VMA only */
	KUNIT_EXPECT_EQ(test, walk_count(shared, &visits), 2);
	KUNIT_EXPECT_EQ(test, rmap_misses(c1, BASE, BASE + 4 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rmap_misses(c2, BASE, BASE + 4 * PAGE_SIZE), 0);
	vml_mm_destroy(c1);
	vml_mm_destroy(c2);
	KUNIT_EXPECT_EQ(test, walk_count(shared, &visits), 1);
	KUNIT_EXPECT_EQ(test, refcount_read(&pv->anon_vma->refcount), 1u);
	vml_mm_destroy(mm);
}

/* Split, merge and mremap in parent and child: every PTE still found. */
static void rmap_test_split_merge_mremap(struct kunit *test)
{
	unsigned long end = BASE + 16 * PAGE_SIZE;
	struct vml_mm *mm = new_mm(test), *child;

	map(test, mm, BASE, 16 * PAGE_SIZE, RW, PRIV, NULL);
	fill(test, mm, BASE, 16 * PAGE_SIZE, 3);
	child = fork_mm(test, mm);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE + 4 * PAGE_SIZE, 4 * PAGE_SIZE,
					   PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 3);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE, end), 0);
	KUNIT_EXPECT_EQ(test, rmap_misses(child, BASE, end), 0);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE + 4 * PAGE_SIZE, 4 * PAGE_SIZE, RW), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 1);	/* merged back */
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE, end), 0);
	/* The child moves half of its VMA away, then splits what stayed. */
	KUNIT_EXPECT_EQ(test, vml_mremap(child, BASE + 8 * PAGE_SIZE, 8 * PAGE_SIZE,
					 8 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
					 BASE + SZ_1G), BASE + SZ_1G);
	KUNIT_EXPECT_EQ(test, vml_mprotect(child, BASE, PAGE_SIZE, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, rmap_misses(child, BASE, BASE + 8 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rmap_misses(child, BASE + SZ_1G,
					  BASE + SZ_1G + 8 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE, end), 0);
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
}

/* 64 unrelated mms with the same layout: a walk looks at one VMA. */
static void rmap_test_unrelated_mms(struct kunit *test)
{
	struct vml_mm *mms[64];
	struct vml_page *page;
	long visits;
	int i;

	for (i = 0; i < ARRAY_SIZE(mms); i++) {
		mms[i] = new_mm(test);
		map(test, mms[i], BASE, 2 * PAGE_SIZE, RW, PRIV, NULL);
		fill(test, mms[i], BASE, 2 * PAGE_SIZE, i);
	}
	page = page_of(mms[17], BASE + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, walk_count(page, &visits), 1);
	KUNIT_EXPECT_EQ(test, visits, 1);
	vml_get_page(page);		/* ours, so the unmap does not free it */
	KUNIT_EXPECT_EQ(test, vml_try_to_unmap(page, __pte(0)), 1);
	KUNIT_EXPECT_EQ(test, vml_page_mapcount(page), 0);
	KUNIT_EXPECT_EQ(test, page->private, 0ul);	/* unmapped: names nothing */
	KUNIT_EXPECT_FALSE(test, vml_page_test(page, VML_PG_anon));
	vml_put_page(page);
	for (i = 0; i < ARRAY_SIZE(mms); i++)
		vml_mm_destroy(mms[i]);
}

/* A file's i_mmap tree after split and mremap, and in a second mm. */
static void rmap_test_file_tree(struct kunit *test)
{
	struct file *f = make_file(test, 8 * PAGE_SIZE, 'f');
	struct vml_mm *mm = new_mm(test), *other = new_mm(test);
	struct find_arg fa = { .mm = other };
	struct vml_page *page;
	long visits;

	map(test, mm, BASE, 8 * PAGE_SIZE, PROT_READ, MAP_SHARED, f);
	read_in(test, mm, BASE, 8 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE + 4 * PAGE_SIZE, 4 * PAGE_SIZE,
					 4 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
					 BASE + SZ_1G), BASE + SZ_1G);
	KUNIT_EXPECT_EQ(test, mm->map_count, 4);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE, BASE + 4 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE + SZ_1G, BASE + SZ_1G + 4 * PAGE_SIZE), 0);
	/* Page 5 of the file: one VMA covers offset 5, the moved one. */
	page = page_of(mm, BASE + SZ_1G + PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, walk_count(page, &visits), 1);
	KUNIT_EXPECT_EQ(test, visits, 1);
	/* Another mm maps the same file: the tree yields both. */
	map(test, other, BASE, 8 * PAGE_SIZE, PROT_READ, MAP_SHARED, f);
	read_in(test, other, BASE + 5 * PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, walk_count(page, &visits), 2);
	fa.addr = BASE + 5 * PAGE_SIZE;
	vml_rmap_walk(page, find_one, &fa);
	KUNIT_EXPECT_EQ(test, fa.found, 1);
	vml_mm_destroy(other);
	vml_mm_destroy(mm);
	fput(f);
}

/* An anon_vma outlives its VMAs only by a reference someone holds. */
static void rmap_test_anon_vma_freed(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;
	struct vml_anon_vma *av;

	map(test, mm, BASE, 4 * PAGE_SIZE, RW, PRIV, NULL);
	fill(test, mm, BASE, 4 * PAGE_SIZE, 4);
	av = vma_at(mm, BASE)->anon_vma;
	KUNIT_ASSERT_NOT_NULL(test, av);
	vml_anon_vma_get(av);			/* keep it to look at */
	child = fork_mm(test, mm);
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE, 4 * PAGE_SIZE), 0);
	/* The child's VMA is still chained to it: in use. */
	KUNIT_EXPECT_FALSE(test, RB_EMPTY_ROOT(&av->rb_root.rb_root));
	KUNIT_EXPECT_EQ(test, av->num_active_vmas, 0ul);
	vml_mm_destroy(child);
	/* Gone from every tree: only our reference is left. */
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&av->rb_root.rb_root));
	KUNIT_EXPECT_EQ(test, refcount_read(&av->refcount), 1u);
	KUNIT_EXPECT_EQ(test, av->num_children, 0ul);
	vml_anon_vma_put(av);
	vml_mm_destroy(mm);
}

/*
 * A swap-cache page mapped again (vml_page_add_anon_rmap()) while a zap
 * in another mm drops the page's last PTE without the page lock: the
 * zap's decrement (atomic_add_negative()) and its clearing of ->private
 * (vml_page_set_rmap() with 0) are two steps, and the new mapping may
 * come between them or after both. Either way the page, mapped once,
 * must name the family's root and be found by a walk.
 */
static void rmap_test_remap_vs_zap(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;
	struct vml_page *page;
	struct vml_vma *vma;
	int between;
	long visits;

	map(test, mm, BASE, 2 * PAGE_SIZE, RW, PRIV, NULL);
	fill(test, mm, BASE, 2 * PAGE_SIZE, 6);
	child = fork_mm(test, mm);
	fill(test, child, BASE, 2 * PAGE_SIZE, 7);	/* the child's own pages */
	vma = vma_at(child, BASE);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_ASSERT_PTR_NE(test, vma->anon_vma, vma->anon_vma->root);
	for (between = 0; between < 2; between++) {
		unsigned long addr = BASE + between * PAGE_SIZE;

		page = page_of(child, addr);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_ASSERT_EQ(test, page->private, (unsigned long)vma->anon_vma);
		KUNIT_ASSERT_TRUE(test, atomic_add_negative(-1, &page->_mapcount));
		if (between) {
			vml_page_add_anon_rmap(page, vma, addr);
			vml_page_set_rmap(page, 0, false);
		} else {
			vml_page_set_rmap(page, 0, false);
			vml_page_add_anon_rmap(page, vma, addr);
		}
		KUNIT_EXPECT_EQ(test, vml_page_mapcount(page), 1);
		KUNIT_EXPECT_TRUE(test, vml_page_test(page, VML_PG_anon));
		KUNIT_EXPECT_EQ(test, page->private, (unsigned long)vma->anon_vma->root);
		KUNIT_EXPECT_EQ(test, walk_count(page, &visits), 1);
	}
	vml_test_check(test);
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
}

/*
 * A VMA larger than 16 TiB: an anonymous page keeps only the low 32 bits
 * of its linear offset, so a page 2^32 pages in has the same ->index as
 * one at the start. Each must still be found at its own address (the
 * anon_vma walk tries each slice, and hands the visitor that slice's
 * offset), so reclaim can harvest and unmap pages past the first slice.
 */
static void rmap_test_vma_over_16t(struct kunit *test)
{
	const unsigned long slice = 1ul << (32 + PAGE_SHIFT), base = 1ul << 44;
	unsigned long lo = base + 3 * PAGE_SIZE, hi = lo + slice;
	struct vml_mm *mm = new_mm(test);
	struct find_arg flo = { .mm = mm, .addr = lo }, fhi = { .mm = mm, .addr = hi };
	struct vml_page *plo, *phi;

	map(test, mm, base, slice + 16 * PAGE_SIZE, RW, PRIV, NULL);
	fill(test, mm, lo, PAGE_SIZE, 1);
	fill(test, mm, hi, PAGE_SIZE, 2);
	plo = page_of(mm, lo);
	phi = page_of(mm, hi);
	KUNIT_ASSERT_TRUE(test, plo && phi && plo != phi);
	KUNIT_EXPECT_EQ(test, plo->index, phi->index);	/* aliases in 32 bits */
	KUNIT_EXPECT_EQ(test, vml_rmap_walk(phi, find_one, &fhi), 0);
	KUNIT_EXPECT_EQ(test, vml_rmap_walk(plo, find_one, &flo), 0);
	KUNIT_EXPECT_EQ(test, fhi.found, 1);
	KUNIT_EXPECT_EQ(test, flo.found, 1);
	/* The hardware Accessed bit of each is harvested once. */
	KUNIT_EXPECT_EQ(test, vml_page_referenced(phi), 1);
	KUNIT_EXPECT_EQ(test, vml_page_referenced(phi), 0);
	KUNIT_EXPECT_EQ(test, vml_page_referenced(plo), 1);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, hi - PAGE_SIZE, hi + 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, hi, PAGE_SIZE, 2), 0);
}

static struct kunit_case rmap_test_cases[] = {
	KUNIT_CASE(rmap_test_fork_chains),
	KUNIT_CASE(rmap_test_split_merge_mremap),
	KUNIT_CASE(rmap_test_unrelated_mms),
	KUNIT_CASE(rmap_test_file_tree),
	KUNIT_CASE(rmap_test_anon_vma_freed),
	KUNIT_CASE(rmap_test_remap_vs_zap),
	KUNIT_CASE(rmap_test_vma_over_16t),
	{}
};

static struct kunit_suite rmap_test_suite = {
	.name = "vmlab_rmap",
	.init = fault_test_init,
	.exit = fault_test_exit,
	.test_cases = rmap_test_cases,
};

kunit_test_suite(rmap_test_suite);
