// SPDX-License-Identifier: GPL-2.0
/*
 * quicklist.c - a cache of free page-table pages (Gorman 3.6).
 *
 * Linux 2.4 kept freed page tables on per-CPU quicklists
 * (pgd_quicklist, pte_quicklist) and trimmed them in check_pgt_cache()
 * once they grew past the high watermark of pgt_cache_water[], down to
 * the low one. vmlab keeps one such list for every table page below the
 * PGD. A table is only ever freed once all its entries are none, so the
 * pages on the list are already zero and can be handed out again without
 * clearing: the point of the cache in 2.4.
 *
 * Pages on the list stay allocated from the buddy allocator's point of
 * view and keep VML_PG_pgtable; vml_quicklist_drain() gives them back
 * (at exit, and when a caller wants an exact frame census).
 *
 * Locking: quicklist_lock, a spinlock; never held across an allocation.
 */
#include <linux/string.h>
#include "arena/check.h"
#include "mmu/mmu-internal.h"
#include "arena/fail.h"

/* pgt_cache_water[] of 2.4: trim above HIGH, down to LOW. */
#define VML_QUICKLIST_LOW	25
#define VML_QUICKLIST_HIGH	50

static DEFINE_SPINLOCK(quicklist_lock);
static struct vml_plist quicklist = { .first = VML_IDX_NONE };

static struct vml_page *quicklist_pop(void)
{
	struct vml_page *page;

	spin_lock(&quicklist_lock);
	page = vml_plist_pop(&quicklist);
	spin_unlock(&quicklist_lock);
	return page;
}

/* Return a table page to the buddy allocator. */
static void table_release(struct vml_page *page)
{
	vml_page_clear(page, VML_PG_pgtable);
	vml_free_pages(page, 0);
}

/*
 * vml_table_alloc() - one zeroed table page, from the quicklist when it
 * has one (check_pgt_cache()'s other half, get_pgd_fast()/pte_alloc_one_fast()).
 * Context: may sleep when @gfp allows it.
 */
struct vml_page *vml_table_alloc(vml_gfp_t gfp)
{
	struct vml_page *page;

	if (vml_should_fail(VML_FAIL_PGTABLE))
		return NULL;
	page = quicklist_pop();
	if (page) {
		atomic_long_inc(&vml_mmu_stats.quicklist_hits);
	} else {
		page = vml_alloc_pages(gfp | VML___GFP_ZERO, 0);
		if (!page)
			return NULL;
		vml_page_set(page, VML_PG_pgtable);
	}
	atomic_long_inc(&vml_mmu_stats.table_allocs);
	atomic_long_inc(&vml_mmu_stats.tables);
	return page;
}

/* Trim the list to the low watermark once it passes the high one. */
static void quicklist_trim(void)
{
	struct vml_plist victims;
	struct vml_page *page;

	vml_plist_init(&victims);
	spin_lock(&quicklist_lock);
	if (quicklist.nr > VML_QUICKLIST_HIGH)
		while (quicklist.nr > VML_QUICKLIST_LOW)
			vml_plist_add(&victims, vml_plist_pop(&quicklist));
	spin_unlock(&quicklist_lock);
	while ((page = vml_plist_pop(&victims)))
		table_release(page);
}

/*
 * vml_table_free() - put an empty table page on the quicklist.
 * The MMU may have set Accessed/Dirty in entries that are otherwise none
 * (the KNL erratum pte_none() allows for), so the page is cleared unless
 * it is already all zero.
 */
void vml_table_free(struct vml_page *table)
{
	void *va = vml_page_address(table);

	if (memchr_inv(va, 0, PAGE_SIZE))
		clear_page(va);
	atomic_long_dec(&vml_mmu_stats.tables);
	spin_lock(&quicklist_lock);
	vml_plist_add(&quicklist, table);
	spin_unlock(&quicklist_lock);
	quicklist_trim();
}

unsigned long vml_quicklist_count(void)
{
	return READ_ONCE(quicklist.nr);
}

void vml_quicklist_watermarks(unsigned long *low, unsigned long *high)
{
	*low = VML_QUICKLIST_LOW;
	*high = VML_QUICKLIST_HIGH;
}

/* Give every cached table page back to the buddy allocator. */
void vml_quicklist_drain(void)
{
	struct vml_page *page;

	while ((page = quicklist_pop()))
		table_release(page);
}

/* The checker's view: cached pages are zeroed, flagged table pages. */
void vml_quicklist_check(struct vml_check *chk)
{
	u32 idx, n = 0;

	spin_lock(&quicklist_lock);
	for (idx = quicklist.first; idx != VML_IDX_NONE;
	     idx = vml_idx_to_page(idx)->lru_next) {
		if (idx >= vml_arena.nr_frames || ++n > quicklist.nr) {
			vml_check_fail(chk, "quicklist: bad link %#x after %u pages", idx, n);
			break;
		}
		if (!vml_check_claim(chk, idx, 1, VML_FRAME_QUICKLIST, "the quicklist"))
			break;
		if (memchr_inv(vml_page_address(vml_idx_to_page(idx)), 0, PAGE_SIZE))
			vml_check_fail(chk, "quicklist: pfn %#lx is not zero",
				       vml_arena.base_pfn + idx);
	}
	if (n != quicklist.nr)
		vml_check_fail(chk, "quicklist: %u pages on the list, %u counted", n,
			       quicklist.nr);
	spin_unlock(&quicklist_lock);
}
