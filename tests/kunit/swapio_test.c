// SPDX-License-Identifier: GPL-2.0
/*
 * swapio_test.c - KUnit suite vmlab_swapio: anonymous memory to swap and
 * back through real page tables: vml_swap_out_page() and MADV_PAGEOUT,
 * the swap-in fault (swap cache, readahead, exclusive reuse), fork's
 * shared slots, munmap, mremap and mprotect of swap PTEs, swapoff, and
 * every slot and frame back at the end.
 */
#include "tests/kunit/fault_test.h"
#include "slab/slab-internal.h"
#include "swap/swap-internal.h"

#define NR	64
#define LEN	(NR * PAGE_SIZE)

static unsigned long frames_at_start;

/*
 * vma/'s caches are made with the first mm and live until the core stops:
 * make them before the count, or their descriptors (objects of slab/'s
 * "kmem_cache", which may grow a slab for them) count as this case's.
 */
static int swapio_init(struct kunit *test)
{
	int ret = fault_test_init(test);
	struct vml_mm *mm;

	if (ret)
		return ret;
	mm = vml_mm_create();
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	vml_mm_destroy(mm);
	frames_at_start = frames(test);
	return 0;
}

/* Name the frames still allocated, so a leak explains itself. */
static void show_allocated(struct kunit *test)
{
	struct vml_page *page;
	struct vml_slab *slab;
	u32 idx;

	for (idx = 0; idx < vml_arena.nr_frames; idx++) {
		page = vml_idx_to_page(idx);
		if (vml_page_count(page) <= 0 || vml_page_test(page, VML_PG_reserved))
			continue;
		slab = vml_page_test(page, VML_PG_slab) ?
		       (struct vml_slab *)page->private : NULL;
		kunit_info(test, "allocated: frame %u flags %#x ref %d map %d order %u cache %s inuse %u\n",
			   idx, atomic_read(&page->flags) & ((1u << VML_NR_PAGEFLAGS) - 1),
			   vml_page_count(page), vml_page_mapcount(page),
			   vml_page_order(page), slab ? slab->cache->name : "-",
			   slab ? slab->inuse : 0);
	}
}

static void swapio_exit(struct kunit *test)
{
	struct vml_swap_totals t;
	unsigned long now = frames(test);

	vml_swap_totals(&t);
	KUNIT_EXPECT_EQ(test, t.inuse, 0ul);
	KUNIT_EXPECT_EQ(test, now, frames_at_start);
	if (now != frames_at_start)
		show_allocated(test);
	fault_test_exit(test);
}

static unsigned long swap_inuse(void)
{
	struct vml_swap_totals t;

	vml_swap_totals(&t);
	return t.inuse;
}

static unsigned long ev(enum vml_vm_event e)
{
	return vml_vm_event_sum(e);
}

static pte_t pte_at(struct vml_mm *mm, unsigned long addr)
{
	pte_t *ptep = vml_pte_lookup(&mm->pgt, addr);

	return ptep ? *ptep : __pte(0);
}

/* Swap PTEs in [addr, addr + len) and the slot count each names. */
static unsigned long swap_ptes(struct kunit *test, struct vml_mm *mm,
			       unsigned long addr, unsigned long len, int want_count)
{
	unsigned long a, n = 0;
	pte_t pte;

	for (a = addr; a < addr + len; a += PAGE_SIZE) {
		pte = pte_at(mm, a);
		if (vml_pte_state(pte) != VML_PTE_SWAP)
			continue;
		n++;
		if (want_count >= 0)
			KUNIT_EXPECT_EQ(test, vml_swap_refs(vml_pte_to_swp_entry(pte)),
					want_count);
	}
	return n;
}

/* Bytes of [to, to + len) that differ from the pattern written at @from. */
static unsigned long moved_mismatches(struct kunit *test, struct vml_mm *mm,
				      unsigned long to, unsigned long from,
				      unsigned long len, u64 seed)
{
	struct vml_access_result res;
	unsigned long off, bad = 0;
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, vml_access_rw(mm, to, buf, len, false, &res), 0);
	for (off = 0; off < len; off++)
		bad += buf[off] != vml_pattern_byte(seed, from + off);
	return bad;
}

static void pageout(struct kunit *test, struct vml_mm *mm, unsigned long addr,
		    unsigned long len)
{
	KUNIT_EXPECT_EQ(test, vml_madvise(mm, addr, len, MADV_PAGEOUT), 0);
}

static void swapon(struct kunit *test, const char *spec, int prio)
{
	const char *why;

	KUNIT_ASSERT_GE(test, vml_swapon(spec, prio, &why), 0);
}

static void swapoff(struct kunit *test, const char *spec, int want)
{
	const char *why;

	KUNIT_EXPECT_EQ(test, vml_swapoff(spec, &why), want);
}

/* Private anonymous memory out and back, with the counters exact. */
static void swapio_test_private(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	unsigned long out = ev(VML_PSWPOUT), in = ev(VML_PSWPIN);
	unsigned long maj = ev(VML_PGMAJFAULT), ra = ev(VML_SWAP_RA);
	unsigned long hit = ev(VML_SWAP_RA_HIT);

	swapon(test, "ram:1M", 0);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 7);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), (unsigned long)NR);
	pageout(test, mm, BASE, LEN);
	KUNIT_EXPECT_EQ(test, ev(VML_PSWPOUT) - out, (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 0ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SWAPENTS), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, BASE, LEN, 1), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, ev(VML_NR_SWAPCACHED), 0ul);
	vml_test_check(test);

	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 7), 0ul);
	KUNIT_EXPECT_EQ(test, ev(VML_PSWPIN) - in, (unsigned long)NR);
	/*
	 * Slots 1..64 (0 is the header) in aligned blocks of 8: one major
	 * fault per block (9: 1-7, 8-15, ..., 56-63, 64), the rest read
	 * ahead (6 + 7 * 7) and each found by its fault.
	 */
	KUNIT_EXPECT_EQ(test, ev(VML_PGMAJFAULT) - maj, 9ul);
	KUNIT_EXPECT_EQ(test, ev(VML_SWAP_RA) - ra, 55ul);
	KUNIT_EXPECT_EQ(test, ev(VML_SWAP_RA_HIT) - hit, 55ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SWAPENTS), 0ul);
	/* Each page was exclusive: its slot and cache entry are gone. */
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	KUNIT_EXPECT_EQ(test, ev(VML_NR_SWAPCACHED), 0ul);
	vml_mm_destroy(mm);
	swapoff(test, "ram:1M", 0);
}

/* vml_swap_out_page()'s refusals leave everything as it was. */
static void swapio_test_refusals(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	struct vml_page *page;

	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, PAGE_SIZE, 3);
	page = page_of(mm, BASE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	vml_get_page(page);
	/* As reclaim hands it over: off the LRU (its add batch drained). */
	vml_lru_add_drain_all();
	KUNIT_EXPECT_EQ(test, vml_lru_del(page), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_out_page(page), -ENOSPC);	/* no area */
	swapon(test, "ram:64K", 0);
	vml_trylock_swap_page(page);
	KUNIT_EXPECT_EQ(test, vml_swap_out_page(page), -EAGAIN);	/* locked */
	vml_unlock_swap_page(page);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 1ul);
	/* An extra reference (a pin) keeps it resident, unmapped, cached. */
	vml_get_page(page);
	KUNIT_EXPECT_EQ(test, vml_swap_out_page(page), -EAGAIN);
	KUNIT_EXPECT_TRUE(test, vml_page_test(page, VML_PG_swapcache));
	vml_put_page(page);
	KUNIT_EXPECT_EQ(test, vml_swap_out_page(page), 0);	/* now it goes */
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, BASE, PAGE_SIZE, 1), 1ul);
	/* The zero page is not anonymous memory (and stays till the end). */
	touch(test, mm, BASE + PAGE_SIZE, PAGE_SIZE, false, 1);
	frames_at_start++;
	KUNIT_EXPECT_EQ(test, vml_swap_out_page(page_of(mm, BASE + PAGE_SIZE)), -EINVAL);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, PAGE_SIZE, 3), 0ul);
	vml_test_check(test);
	vml_mm_destroy(mm);
	swapoff(test, "ram:64K", 0);
}

/* Slots shared by fork: counts, each side's data, COW after swap-in. */
static void swapio_test_fork(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;
	struct vml_access_result res;
	char c = 0x5a;

	swapon(test, "ram:1M", 0);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 11);
	pageout(test, mm, BASE, LEN);
	child = fork_mm(test, mm);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, BASE, LEN, 2), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, child, BASE, LEN, 2), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR);	/* shared */
	vml_test_check(test);
	/* The child writes one page: a private copy, the parent unchanged. */
	KUNIT_EXPECT_EQ(test, vml_access_rw(child, BASE, &c, 1, true, &res), 0);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 11), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE + PAGE_SIZE,
					 LEN - PAGE_SIZE, 11), 0ul);
	KUNIT_EXPECT_PTR_NE(test, page_of(mm, BASE), page_of(child, BASE));
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	vml_test_check(test);
	/* Out again while shared: mapped twice, no slot count overflow. */
	pageout(test, child, BASE, LEN);	/* shared pages are skipped (6.1) */
	KUNIT_EXPECT_EQ(test, swap_ptes(test, child, BASE, LEN, -1), 1ul);
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	swapoff(test, "ram:1M", 0);
}

/* munmap, mremap and mprotect of swapped ranges. */
static void swapio_test_vma_ops(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	unsigned long to = BASE + 16 * LEN;

	swapon(test, "ram:1M", 0);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 5);
	pageout(test, mm, BASE, LEN);
	/* munmap of the first quarter frees its slots at once. */
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE, LEN / 4), 0);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR * 3 / 4);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SWAPENTS), (unsigned long)NR * 3 / 4);
	/* mremap moves the swap PTEs; mprotect keeps them. */
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE + LEN / 4, LEN * 3 / 4, LEN * 3 / 4,
					 MREMAP_MAYMOVE | MREMAP_FIXED, to), to);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, to, LEN * 3 / 4, 1), (unsigned long)NR * 3 / 4);
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, to, LEN * 3 / 4, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, to, LEN * 3 / 4, 1), (unsigned long)NR * 3 / 4);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, moved_mismatches(test, mm, to, BASE + LEN / 4, LEN * 3 / 4, 5), 0ul);
	KUNIT_EXPECT_FALSE(test, pte_is_writable(mm, to));
	KUNIT_EXPECT_EQ(test, vml_mprotect(mm, to, LEN * 3 / 4, PROT_READ | PROT_WRITE), 0);
	fill(test, mm, to, PAGE_SIZE, 9);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	swapoff(test, "ram:1M", 0);
}

/* swapoff brings every page back; two areas used by priority. */
static void swapio_test_swapoff(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;

	swapon(test, "ram:128K", 5);	/* 31 slots, used first */
	swapon(test, "ram:1M", 1);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 13);
	pageout(test, mm, BASE, LEN);
	child = fork_mm(test, mm);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_swp_type(vml_pte_to_swp_entry(pte_at(mm, BASE))), 0u);
	KUNIT_EXPECT_EQ(test,
			vml_swp_type(vml_pte_to_swp_entry(pte_at(mm, BASE + LEN - PAGE_SIZE))), 1u);
	swapoff(test, "ram:128K", 0);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR - 31);
	vml_test_check(test);
	swapoff(test, "ram:1M", 0);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, BASE, LEN, -1), 0ul);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, child, BASE, LEN, -1), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 13), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE, LEN, 13), 0ul);
	/* Shared after swapoff as before: one frame for both. */
	KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE), page_of(child, BASE));
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
}

static unsigned long shmem_swapped(void)
{
	struct vml_cache_stats cs;

	vml_cache_get_stats(&cs);
	return cs.swapped;
}

static unsigned long rollup_swap(struct vml_mm *mm, unsigned long *swap_pss)
{
	struct vml_smaps s;

	vml_smaps_rollup(mm, &s);
	if (swap_pss)
		*swap_pss = s.swap_pss;
	return s.swap;
}

/*
 * Shared anonymous memory (shmem) out by MADV_PAGEOUT and back through
 * another mm's mapping: PTEs none, the object holding the swap entries,
 * smaps Swap, a major fault per read block, the slot freed at swap-in.
 */
static void swapio_test_shmem(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;
	unsigned long out = ev(VML_PSWPOUT), in = ev(VML_PSWPIN);
	unsigned long maj = ev(VML_PGMAJFAULT), pss;

	swapon(test, "ram:1M", 0);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 21);
	child = fork_mm(test, mm);	/* maps the object, no PTE yet (6.1) */
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SHMEMPAGES), (unsigned long)NR);
	pageout(test, mm, BASE, LEN);
	KUNIT_EXPECT_EQ(test, ev(VML_PSWPOUT) - out, (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SHMEMPAGES), 0ul);
	/* The PTEs are none: the object, not the mm, names the slots. */
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, BASE, LEN, -1), 0ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SWAPENTS), 0ul);
	KUNIT_EXPECT_EQ(test, pte_val(pte_at(mm, BASE)), 0ul);
	KUNIT_EXPECT_EQ(test, shmem_swapped(), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, ev(VML_NR_SWAPCACHED), 0ul);
	/* 6.1's smaps: shmem swap is the mapping's Swap, not its SwapPss. */
	KUNIT_EXPECT_EQ(test, rollup_swap(mm, &pss), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, pss, 0ul);
	KUNIT_EXPECT_EQ(test, rollup_swap(child, NULL), (unsigned long)NR);
	vml_test_check(test);

	/* Back through the child's mapping; the parent finds the pages. */
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE, LEN, 21), 0ul);
	KUNIT_EXPECT_EQ(test, ev(VML_PSWPIN) - in, (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, ev(VML_PGMAJFAULT) - maj, 9ul);	/* as private */
	KUNIT_EXPECT_EQ(test, shmem_swapped(), 0ul);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);	/* freed at swap-in */
	KUNIT_EXPECT_EQ(test, ev(VML_NR_SWAPCACHED), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 21), 0ul);
	KUNIT_EXPECT_EQ(test, ev(VML_PGMAJFAULT) - maj, 9ul);
	KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE), page_of(child, BASE));
	vml_test_check(test);

	/* Mapped by both: pageout skips them (6.1), reclaim does not. */
	pageout(test, mm, BASE, LEN);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	KUNIT_EXPECT_GE(test, vml_reclaim_pages(4 * NR), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, shmem_swapped(), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(child, VML_MM_SHMEMPAGES), 0ul);
	vml_test_check(test);
	/* swapoff reads them back into the object; nobody faults. */
	swapoff(test, "ram:1M", 0);
	KUNIT_EXPECT_EQ(test, shmem_swapped(), 0ul);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 21), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE, LEN, 21), 0ul);
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
}

/* The object's swap entries go with it, and with nothing else. */
static void swapio_test_shmem_destroy(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;

	swapon(test, "ram:1M", 0);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 23);
	pageout(test, mm, BASE, LEN);
	child = fork_mm(test, mm);
	/* Unmapping part of the object, or all of one mm, keeps it (6.1). */
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE, LEN / 2), 0);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR);
	/* A shrinking mremap of the last mapping: still the whole object. */
	KUNIT_EXPECT_EQ(test, vml_mremap(child, BASE, LEN, LEN / 4, 0, 0), BASE);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, rollup_swap(child, NULL), (unsigned long)NR / 4);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE, LEN / 8, 23), 0ul);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR - NR / 8);
	vml_test_check(test);
	vml_mm_destroy(child);	/* the last mapping: the object goes */
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	KUNIT_EXPECT_EQ(test, ev(VML_NR_SWAPCACHED), 0ul);
	swapoff(test, "ram:1M", 0);
}

/* SwapPss and a slot shared by more forks than a swap_map byte counts. */
static void swapio_test_many_forks(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *kids[100];
	unsigned long pss;
	struct vml_swap_totals t;
	int i;

	swapon(test, "ram:1M", 0);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 29);
	pageout(test, mm, BASE, LEN);
	KUNIT_EXPECT_EQ(test, rollup_swap(mm, &pss), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, pss, (unsigned long)NR);
	kids[0] = fork_mm(test, mm);
	KUNIT_EXPECT_EQ(test, rollup_swap(mm, &pss), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, pss, (unsigned long)NR / 2);	/* 1/2 each */
	for (i = 1; i < ARRAY_SIZE(kids); i++)
		kids[i] = fork_mm(test, mm);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, BASE, LEN, 101), (unsigned long)NR);
	vml_swap_totals(&t);
	KUNIT_EXPECT_EQ(test, t.cont, (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, ev(VML_NR_SWAP_CONT), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, swap_inuse(), (unsigned long)NR);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, mismatches(test, kids[99], BASE, LEN, 29), 0ul);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, BASE, LEN, 100), (unsigned long)NR);
	for (i = 0; i < ARRAY_SIZE(kids); i++)
		vml_mm_destroy(kids[i]);
	vml_swap_totals(&t);
	KUNIT_EXPECT_EQ(test, t.cont, 0ul);
	KUNIT_EXPECT_EQ(test, swap_ptes(test, mm, BASE, LEN, 1), (unsigned long)NR);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 29), 0ul);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	swapoff(test, "ram:1M", 0);
}

static struct kunit_case swapio_cases[] = {
	KUNIT_CASE(swapio_test_private),
	KUNIT_CASE(swapio_test_refusals),
	KUNIT_CASE(swapio_test_fork),
	KUNIT_CASE(swapio_test_vma_ops),
	KUNIT_CASE(swapio_test_swapoff),
	KUNIT_CASE(swapio_test_shmem),
	KUNIT_CASE(swapio_test_shmem_destroy),
	KUNIT_CASE(swapio_test_many_forks),
	{}
};

static struct kunit_suite swapio_suite = {
	.name = "vmlab_swapio",
	.init = swapio_init,
	.exit = swapio_exit,
	.test_cases = swapio_cases,
};

kunit_test_suites(&swapio_suite);
