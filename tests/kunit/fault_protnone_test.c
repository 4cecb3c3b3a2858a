// SPDX-License-Identifier: GPL-2.0
/*
 * fault_protnone_test.c - KUnit suite: every VMA operation over PROT_NONE
 * ranges. A PROT_NONE entry is not present to the MMU but still maps its
 * frame (mmu/pte.c, "reading a PTE"); code that tested _PAGE_PRESENT alone
 * let fork copy such entries without a reference and msync dereference
 * NULL (issue 11, holes 1 and 2).
 *
 * One case per kind of memory (private and shared anonymous, private and
 * shared file), each populated (written, or read) and not. Over the
 * PROT_NONE range it runs mlock/munlock, msync, madvise, smaps, fork, rmap,
 * mremap, page_unmap, munmap and MADV_DONTNEED in the child, mm_destroy of
 * the child, then mprotect back; after each step every frame's mapcount
 * and reference count must be what the PTEs hold, and at the end every
 * frame must be free again (and ctl check pass, as in every fault case).
 */
#include <linux/sizes.h>
#include "tests/kunit/fault_test.h"
#include "swap/swap.h"

#define NPAGES	8
#define LEN	(NPAGES * PAGE_SIZE)
#define MOVED	(BASE + SZ_16M)
#define SEED	0x5eed

enum pn_populate { PN_NONE, PN_WRITTEN, PN_READ };

struct pn_kind {
	const char *name;
	unsigned long flags;	/* MAP_* */
	bool file;
	enum pn_populate populate;
};

static const struct pn_kind pn_kinds[] = {
	{ "anon private", MAP_PRIVATE | MAP_ANONYMOUS, false, PN_NONE },
	{ "anon private, written", MAP_PRIVATE | MAP_ANONYMOUS, false, PN_WRITTEN },
	{ "anon private, read (zero page)", MAP_PRIVATE | MAP_ANONYMOUS, false, PN_READ },
	{ "anon shared", MAP_SHARED | MAP_ANONYMOUS, false, PN_NONE },
	{ "anon shared, written", MAP_SHARED | MAP_ANONYMOUS, false, PN_WRITTEN },
	{ "file private", MAP_PRIVATE, true, PN_NONE },
	{ "file private, written", MAP_PRIVATE, true, PN_WRITTEN },
	{ "file private, read", MAP_PRIVATE, true, PN_READ },
	{ "file shared", MAP_SHARED, true, PN_NONE },
	{ "file shared, written", MAP_SHARED, true, PN_WRITTEN },
};

static void pn_kind_desc(const struct pn_kind *k, char *desc)
{
	strscpy(desc, k->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pn_kind, pn_kinds, pn_kind_desc);

/* What the test expects of each page of the range. */
struct pn_state {
	struct kunit *test;
	struct vml_mm *mm, *child;
	struct vml_page *page[NPAGES];
	int mapcount[NPAGES], refcount[NPAGES];
	int copied;		/* fork copied the entries (the VMA had an anon_vma) */
	u8 *data;		/* the range's bytes before mprotect none */
};

/* The bytes of [addr, addr+LEN) of @mm, read through the window. */
static u8 *read_range(struct kunit *test, struct vml_mm *mm, unsigned long addr)
{
	u8 *buf = kunit_kzalloc(test, LEN, GFP_KERNEL);
	struct vml_access_result res;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, addr, buf, LEN, false, &res), 0);
	return buf;
}

static enum vml_pte_kind state_at(struct vml_mm *mm, unsigned long addr)
{
	pte_t *ptep = vml_pte_lookup(&mm->pgt, addr);

	return ptep ? vml_pte_state(*ptep) : VML_PTE_NONE;
}

/* Each page's counts are what @s expects, @extra more mappings than that. */
static void expect_counts(struct pn_state *s, int extra, const char *when)
{
	struct kunit *test = s->test;
	int i;

	for (i = 0; i < NPAGES; i++) {
		if (!s->page[i])
			continue;
		/* The zero page is mapped without counts (vm_normal_page()). */
		if (vml_page_test(s->page[i], VML_PG_zero))
			extra = 0;
		KUNIT_EXPECT_EQ_MSG(test, vml_page_mapcount(s->page[i]),
				    s->mapcount[i] + extra, "%s, page %d", when, i);
		KUNIT_EXPECT_EQ_MSG(test, vml_page_count(s->page[i]),
				    s->refcount[i] + extra, "%s, page %d", when, i);
	}
}

/* Every page of [addr, addr+LEN) of @mm: the recorded frame, PROT_NONE. */
static void expect_protnone(struct pn_state *s, struct vml_mm *mm,
			    unsigned long addr)
{
	struct kunit *test = s->test;
	int i;

	for (i = 0; i < NPAGES; i++, addr += PAGE_SIZE) {
		KUNIT_EXPECT_PTR_EQ(test, page_of(mm, addr), s->page[i]);
		KUNIT_EXPECT_EQ(test, state_at(mm, addr),
				s->page[i] ? VML_PTE_PROTNONE : VML_PTE_NONE);
	}
}

/* Map, populate, record the counts, mprotect none. */
static void pn_setup(struct pn_state *s, const struct pn_kind *k,
		     struct file *f)
{
	struct kunit *test = s->test;
	unsigned long rss;
	int i;

	map(test, s->mm, BASE, LEN, PROT_READ | PROT_WRITE, k->flags, f);
	if (k->populate == PN_WRITTEN)
		fill(test, s->mm, BASE, LEN, SEED);
	if (k->populate) {
		s->data = read_range(test, s->mm, BASE);
	} else {		/* what a fault will find: zeroes or the file */
		s->data = kunit_kzalloc(test, LEN, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->data);
		if (k->file)
			memset(s->data, 'p', LEN);
	}
	vml_lru_add_drain_all();	/* no LRU add batch reference in the counts */
	for (i = 0; i < NPAGES; i++) {
		s->page[i] = page_of(s->mm, BASE + i * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, !!s->page[i], k->populate != PN_NONE);
		if (!s->page[i])
			continue;
		s->mapcount[i] = vml_page_mapcount(s->page[i]);
		s->refcount[i] = vml_page_count(s->page[i]);
	}
	rss = vml_mm_rss(s->mm);
	KUNIT_ASSERT_EQ(test, vml_mprotect(s->mm, BASE, LEN, PROT_NONE), 0);
	expect_protnone(s, s->mm, BASE);
	expect_counts(s, 0, "mprotect none");
	KUNIT_EXPECT_EQ(test, vml_mm_rss(s->mm), rss);
}

/* mlock, msync and smaps change no count. */
static void pn_in_place(struct pn_state *s, const struct pn_kind *k)
{
	struct kunit *test = s->test;
	struct vml_smaps sm;
	int i;

	/*
	 * As Linux: the VMA is locked and so are the pages its entries hold,
	 * but PROT_NONE cannot be populated, which mlock reports as ENOMEM.
	 */
	KUNIT_EXPECT_EQ(test, vml_mlock(s->mm, BASE, LEN), -ENOMEM);
	for (i = 0; i < NPAGES; i++)
		if (s->page[i] && !vml_page_test(s->page[i], VML_PG_zero))
			KUNIT_EXPECT_TRUE(test, vml_page_test(s->page[i], VML_PG_mlocked));
	KUNIT_EXPECT_EQ(test, vml_munlock(s->mm, BASE, LEN), 0);
	for (i = 0; i < NPAGES; i++)
		if (s->page[i])
			KUNIT_EXPECT_FALSE(test, vml_page_test(s->page[i], VML_PG_mlocked));
	/* The shared file's pages are dirty under PROT_NONE: written back. */
	KUNIT_EXPECT_EQ(test, vml_msync(s->mm, BASE, LEN),
			k->file && k->populate == PN_WRITTEN &&
			(k->flags & MAP_SHARED) ? NPAGES : 0l);
	KUNIT_EXPECT_EQ(test, vml_madvise(s->mm, BASE, LEN, MADV_COLD), 0);
	KUNIT_EXPECT_EQ(test, vml_madvise(s->mm, BASE, LEN, MADV_WILLNEED), 0);
	KUNIT_EXPECT_EQ(test, vml_smaps_rollup(s->mm, &sm), 0);
	KUNIT_EXPECT_EQ(test, sm.rss + sm.zero,
			k->populate ? (unsigned long)NPAGES : 0ul);
	KUNIT_EXPECT_EQ(test, sm.swap, 0ul);
	expect_counts(s, 0, "mlock, msync, smaps");
}

/*
 * fork: when the VMA has an anon_vma the child's entries are PROT_NONE too
 * and hold their own counts; without one (shared, or never written) the
 * child gets no entries at all, as 6.1's vma_needs_copy() decides.
 */
static void pn_fork(struct pn_state *s, const struct pn_kind *k)
{
	struct vml_vma *vma = vml_find_vma(s->mm, BASE);
	struct kunit *test = s->test;
	int i, n;

	s->copied = vma && vma->anon_vma;
	s->child = fork_mm(test, s->mm);
	if (!s->copied) {
		for (i = 0; i < NPAGES; i++)
			KUNIT_EXPECT_EQ(test, state_at(s->child, BASE + i * PAGE_SIZE),
					VML_PTE_NONE);
		expect_counts(s, 0, "fork without an anon_vma");
		KUNIT_EXPECT_EQ(test, vml_mm_rss(s->child), 0ul);
		return;
	}
	expect_protnone(s, s->child, BASE);
	expect_counts(s, 1, "fork");
	KUNIT_EXPECT_EQ(test, vml_mm_rss(s->child), vml_mm_rss(s->mm));
	for (i = 0; i < NPAGES; i++) {
		if (!s->page[i] || vml_page_test(s->page[i], VML_PG_zero))
			continue;
		n = 0;
		KUNIT_EXPECT_GE(test, vml_rmap_walk(s->page[i], count_one, &n), 0);
		KUNIT_EXPECT_EQ_MSG(test, n, 2, "rmap, page %d", i);
	}
}

/* mremap the parent's range; page_unmap a page-cache page from both. */
static void pn_move_and_unmap(struct pn_state *s)
{
	struct kunit *test = s->test;
	struct vml_page *p = s->page[0];

	KUNIT_ASSERT_EQ(test, vml_mremap(s->mm, BASE, LEN, LEN,
					 MREMAP_MAYMOVE | MREMAP_FIXED, MOVED), MOVED);
	expect_protnone(s, s->mm, MOVED);
	KUNIT_EXPECT_NULL(test, page_of(s->mm, BASE));
	expect_counts(s, s->copied, "mremap");
	if (!p || vml_page_test(p, VML_PG_anon) || vml_page_test(p, VML_PG_zero))
		return;		/* page_unmap takes page-cache pages only */
	KUNIT_EXPECT_EQ(test, vml_try_to_unmap(p, __pte(0)), 1 + s->copied);
	KUNIT_EXPECT_NULL(test, page_of(s->mm, MOVED));
	KUNIT_EXPECT_NULL(test, page_of(s->child, BASE));
	KUNIT_EXPECT_EQ(test, vml_page_mapcount(p), s->mapcount[0] - 1);
	KUNIT_EXPECT_EQ(test, vml_page_count(p), s->refcount[0] - 1);
	s->page[0] = NULL;	/* still cached; refaults below */
}

/*
 * The child unmaps its low half and drops its high half (MADV_DONTNEED):
 * the parent's counts are back; the child's mm_destroy changes nothing.
 */
static void pn_child_goes(struct pn_state *s)
{
	struct kunit *test = s->test;
	struct vml_page *hi[NPAGES / 2];
	int i;

	KUNIT_EXPECT_EQ(test, vml_munmap(s->child, BASE, LEN / 2), 0);
	for (i = 0; i < NPAGES / 2; i++) {
		hi[i] = s->page[NPAGES / 2 + i];
		s->page[NPAGES / 2 + i] = NULL;
	}
	expect_counts(s, 0, "the child's munmap of its low half");
	for (i = 0; i < NPAGES / 2; i++)
		s->page[NPAGES / 2 + i] = hi[i];
	KUNIT_EXPECT_EQ(test, vml_madvise(s->child, BASE + LEN / 2, LEN / 2,
					  MADV_DONTNEED), 0);
	expect_counts(s, 0, "the child's MADV_DONTNEED of its high half");
	KUNIT_EXPECT_EQ(test, vml_mm_rss(s->child), 0ul);
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(s->child), 0);
	expect_counts(s, 0, "the child's mm_destroy");
}

static void pn_test_ops(struct kunit *test)
{
	const struct pn_kind *k = test->param_value;
	struct pn_state s = { .test = test };
	struct file *f = NULL;
	unsigned long before;

	if (k->file)
		f = make_file(test, LEN, 'p');
	/* Once over, so that caches and objects made on first use exist. */
	s.mm = new_mm(test);
	map(test, s.mm, BASE, LEN, PROT_READ | PROT_WRITE, k->flags, f);
	fill(test, s.mm, BASE, LEN, SEED);
	vml_mm_destroy(s.mm);
	vml_drop_caches();
	if (f) {	/* a shared mapping wrote its fill back: start over */
		fput(f);
		f = make_file(test, LEN, 'p');
	}
	KUNIT_ASSERT_NOT_NULL(test, vml_get_zero_page());	/* made on first use */
	before = frames(test);
	s.mm = new_mm(test);
	pn_setup(&s, k, f);
	pn_in_place(&s, k);
	pn_fork(&s, k);
	pn_move_and_unmap(&s);
	pn_child_goes(&s);
	/* Back to read-write: the data moved along (page 0 may refault). */
	KUNIT_EXPECT_EQ(test, vml_mprotect(s.mm, MOVED, LEN, PROT_READ | PROT_WRITE), 0);
	KUNIT_EXPECT_EQ(test, memcmp(read_range(test, s.mm, MOVED), s.data, LEN), 0);
	fill(test, s.mm, MOVED, LEN, SEED);
	vml_mm_get(s.mm);
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(s.mm), 0);
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(s.mm), -ESRCH);	/* no second put */
	vml_mm_put(s.mm);
	vml_drop_caches();
	KUNIT_EXPECT_EQ(test, frames(test), before);
	if (f)
		fput(f);
}

static struct kunit_case pn_test_cases[] = {
	KUNIT_CASE_PARAM(pn_test_ops, pn_kind_gen_params),
	{}
};

static struct kunit_suite pn_test_suite = {
	.name = "vmlab_fault_protnone",
	.init = fault_test_init,
	.exit = fault_test_exit,
	.test_cases = pn_test_cases,
};

kunit_test_suite(pn_test_suite);
