// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the invariant checker (vmlab_core_check(), ctl `check`).
 *
 * Each case breaks one invariant on purpose, the way a bug would, and
 * expects the checker to name it; then it puts the state back, and the
 * suite's exit check (vml_test_check()) proves the repair left nothing
 * behind. A checker that always said ok, or always complained, fails here.
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include "vmlab_core.h"
#include "arena/check.h"
#include "buddy/buddy-internal.h"
#include "mmu/mmu-internal.h"
#include "slab/slab-internal.h"
#include "vma/vma-internal.h"
#include "vml_test.h"

#define BASE	0x10000000ul

static int check_test_init(struct kunit *test)
{
	struct vml_config cfg;

	vml_default_config(&cfg, 64);
	return vmlab_core_start(&cfg);
}

static void check_test_exit(struct kunit *test)
{
	vml_test_check(test);
	vmlab_core_stop();
}

/* The checker must fail with a violation whose text contains @what. */
static void expect_violation(struct kunit *test, const char *what)
{
	struct vml_check chk;
	bool found = false;
	unsigned long i;
	int ret;

	ret = vmlab_core_check(&chk);
	KUNIT_EXPECT_EQ(test, ret, -EUCLEAN);
	for (i = 0; i < min_t(unsigned long, chk.violations, VML_CHECK_MAX_MSGS); i++)
		found |= !!strstr(chk.msgs[i], what);
	KUNIT_EXPECT_TRUE_MSG(test, found, "no violation says '%s' (first: %s)", what,
			      chk.violations ? chk.msgs[0] : "none");
	vml_check_end(&chk);
}

static unsigned long check_ok(struct kunit *test)
{
	struct vml_check chk;
	unsigned long ptes;

	KUNIT_EXPECT_EQ(test, vmlab_core_check(&chk), 0);
	KUNIT_EXPECT_EQ(test, chk.violations, 0ul);
	KUNIT_EXPECT_EQ(test, chk.nr_frames, vml_arena.nr_frames);
	ptes = chk.ptes;
	vml_check_end(&chk);
	return ptes;
}

/* An mm with @n anonymous pages written at BASE. */
static struct vml_mm *anon_mm(struct kunit *test, unsigned long n)
{
	struct vml_mm *mm = vml_mm_create();

	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_ASSERT_EQ(test, vml_mmap(mm, BASE, n * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE,
				       NULL, 0), BASE);
	return mm;
}

static pte_t *pte_of(struct kunit *test, struct vml_mm *mm, unsigned long addr)
{
	pte_t *ptep = vml_pte_lookup(&mm->pgt, addr);

	KUNIT_ASSERT_NOT_NULL(test, ptep);
	KUNIT_ASSERT_TRUE(test, pte_present(*ptep));
	return ptep;
}

/* A clean core checks clean, and the PTEs of a mapping are counted. */
static void check_test_clean(struct kunit *test)
{
	struct vml_mm *mm;

	check_ok(test);
	mm = anon_mm(test, 4);
	KUNIT_EXPECT_EQ(test, check_ok(test), 4ul);
	vml_mm_destroy(mm);
	check_ok(test);
}

/* A block on a free list twice (a double free): the list loops. */
static void check_test_double_free(struct kunit *test)
{
	struct vml_zone *zone = &vml_arena.nodes[0]->zones[VML_ZONE_NORMAL];
	struct vml_plist *list = &zone->free_area[0].free_list;
	struct vml_page *page;
	unsigned long flags;
	u32 old_first = VML_IDX_NONE;

	spin_lock_irqsave(&zone->lock, flags);
	page = __vml_rmqueue(zone, 0);
	if (page) {
		/* Freed once (unmerged, which the lists allow) ... */
		old_first = list->first;
		vml_set_page_order(page, 0);
		vml_page_set(page, VML_PG_buddy);
		vml_plist_add(list, page);
		zone->free_pages++;
		/* ... and the same frame again. */
		vml_plist_add(list, page);
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	KUNIT_ASSERT_NOT_NULL(test, page);

	expect_violation(test, "but is already buddy-free");

	spin_lock_irqsave(&zone->lock, flags);
	page->lru_next = old_first;	/* the list as one free left it */
	page->lru_prev = VML_IDX_NONE;
	if (old_first != VML_IDX_NONE)
		vml_idx_to_page(old_first)->lru_prev = vml_page_idx(page);
	list->nr--;
	spin_unlock_irqrestore(&zone->lock, flags);
	check_ok(test);
}

/* A PTE pointing at a free frame (what fork's PROT_NONE hole did). */
static void check_test_pte_to_free(struct kunit *test)
{
	struct vml_zone *zone = &vml_arena.nodes[0]->zones[VML_ZONE_NORMAL];
	struct vml_mm *mm = anon_mm(test, 1);
	pte_t *ptep = pte_of(test, mm, BASE), old = *ptep;
	unsigned long flags;
	u32 idx = VML_IDX_NONE;
	int order;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = VML_MAX_ORDER - 1; order >= 0 && idx == VML_IDX_NONE; order--)
		idx = zone->free_area[order].free_list.first;
	spin_unlock_irqrestore(&zone->lock, flags);
	KUNIT_ASSERT_NE(test, idx, VML_IDX_NONE);

	spin_lock(&mm->pgt.lock);
	WRITE_ONCE(ptep->pte, pte_val(pfn_pte(vml_arena.base_pfn + idx, pte_pgprot(old))));
	spin_unlock(&mm->pgt.lock);
	expect_violation(test, "which is buddy-free");
	expect_violation(test, "is owned by nobody");	/* the page it lost */

	spin_lock(&mm->pgt.lock);
	WRITE_ONCE(ptep->pte, pte_val(old));
	spin_unlock(&mm->pgt.lock);
	check_ok(test);
	vml_mm_destroy(mm);
}

/* A page with a reference nobody accounts for (a leaked get_page()). */
static void check_test_refcount(struct kunit *test)
{
	struct vml_mm *mm = anon_mm(test, 1);
	struct vml_page *page = vml_pte_page(*pte_of(test, mm, BASE));

	KUNIT_ASSERT_NOT_NULL(test, page);
	vml_get_page(page);
	expect_violation(test, "refcount 2, owners account for 1");
	atomic_dec(&page->_refcount);
	atomic_inc(&page->_mapcount);
	expect_violation(test, "mapcount 2, PTEs found 1");
	atomic_dec(&page->_mapcount);
	check_ok(test);
	vml_mm_destroy(mm);
}

/* An anon_vma with a reference no VMA holds (a leak a merge could make). */
static void check_test_anon_vma(struct kunit *test)
{
	struct vml_mm *mm = anon_mm(test, 1);
	struct vml_vma *vma;

	down_read(&mm->mmap_lock);
	vma = vml_vma_lookup(mm, BASE);
	up_read(&mm->mmap_lock);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_ASSERT_NOT_NULL(test, vma->anon_vma);
	refcount_inc(&vma->anon_vma->refcount);
	expect_violation(test, "refcount 2, users found 1");
	refcount_dec(&vma->anon_vma->refcount);
	check_ok(test);
	vml_mm_destroy(mm);
}

/* A bufctl chain that loops back on itself. */
static void check_test_slab_loop(struct kunit *test)
{
	struct vml_kmem_cache *cache = vml_kmem_cache_create("check_test", 64, 0, 0, NULL);
	struct vml_slab *slab;
	unsigned long flags;
	vml_bufctl_t saved;
	void *obj;

	KUNIT_ASSERT_NOT_NULL(test, cache);
	obj = vml_kmem_cache_alloc(cache, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab = vml_addr_to_slab(obj);
	KUNIT_ASSERT_NOT_NULL(test, slab);
	spin_lock_irqsave(&cache->lock, flags);
	KUNIT_ASSERT_LT(test, (unsigned int)slab->free, cache->num);
	saved = slab->bufctl[slab->free];
	slab->bufctl[slab->free] = slab->free;
	spin_unlock_irqrestore(&cache->lock, flags);

	expect_violation(test, "bufctl chain loops at slot");

	spin_lock_irqsave(&cache->lock, flags);
	slab->bufctl[slab->free] = saved;
	spin_unlock_irqrestore(&cache->lock, flags);
	check_ok(test);
	vml_kmem_cache_free(cache, obj);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(cache), 0);
}

/* An object both on the free chain and parked on a CPU. */
static void check_test_slab_both(struct kunit *test)
{
	struct vml_kmem_cache *cache = vml_kmem_cache_create("check_test", 64, 0, 0, NULL);
	struct vml_slab *slab;
	unsigned long flags;
	unsigned int idx;
	void *obj;

	KUNIT_ASSERT_NOT_NULL(test, cache);
	obj = vml_kmem_cache_alloc(cache, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab = vml_addr_to_slab(obj);
	idx = vml_slab_index(cache, slab, vml_slab_slot(cache, obj));
	spin_lock_irqsave(&cache->lock, flags);
	KUNIT_ASSERT_EQ(test, slab->bufctl[idx], VML_BUFCTL_ACTIVE);
	slab->bufctl[idx] = VML_BUFCTL_CPU;	/* in use, but said parked */
	spin_unlock_irqrestore(&cache->lock, flags);

	expect_violation(test, "objects on the per-CPU arrays");

	spin_lock_irqsave(&cache->lock, flags);
	slab->bufctl[idx] = VML_BUFCTL_ACTIVE;
	spin_unlock_irqrestore(&cache->lock, flags);
	check_ok(test);
	vml_kmem_cache_free(cache, obj);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(cache), 0);
}

/* A frame allocated and never given back, and a table nobody links. */
static void check_test_leaks(struct kunit *test)
{
	struct vml_page *page = vml_alloc_pages(VML_GFP_KERNEL, 2);
	struct vml_page *table = vml_table_alloc(VML_GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NOT_NULL(test, table);
	expect_violation(test, "(4 frames) is owned by nobody");
	expect_violation(test, "the mmu counts");
	vml_free_pages(page, 2);
	vml_table_free(table);
	check_ok(test);
}

static struct kunit_case check_cases[] = {
	KUNIT_CASE(check_test_clean),
	KUNIT_CASE(check_test_double_free),
	KUNIT_CASE(check_test_pte_to_free),
	KUNIT_CASE(check_test_refcount),
	KUNIT_CASE(check_test_anon_vma),
	KUNIT_CASE(check_test_slab_loop),
	KUNIT_CASE(check_test_slab_both),
	KUNIT_CASE(check_test_leaks),
	{}
};

static struct kunit_suite check_suite = {
	.name = "vmlab_check",
	.init = check_test_init,
	.exit = check_test_exit,
	.test_cases = check_cases,
};

kunit_test_suites(&check_suite);
