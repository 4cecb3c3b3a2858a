// SPDX-License-Identifier: GPL-2.0
/*
 * swap_state.c - the swap cache (Gorman 11.4; mm/swap_state.c
 * add_to_swap_cache(), __delete_from_swap_cache(), swap_cache_get_folio()).
 */

/**
 * DOC: swap cache
 *
 * A page being written to swap, or read back, is found by its swap entry
 * in the swap cache, so that several PTEs sharing one slot (after fork)
 * share one page, and a fault on a page still being written finds it
 * rather than reading a half-written slot. As in 6.1 the cache is an
 * xarray per swap type indexed by slot offset (6.1 splits each type into
 * 64 MiB address_spaces to spread the lock; one per type is enough here).
 * A cached page holds a reference owned by the cache, has
 * VML_PG_swapcache set and its entry in page->private. The slot's
 * VML_SWAP_HAS_CACHE bit is the slot owner's to set and clear
 * (vml_swap_alloc(), vml_swapcache_free()); this file keeps pages only.
 */
#include <linux/xarray.h>
#include "swap/swap-internal.h"

static struct xarray swap_cache[VML_MAX_SWAPFILES];

static struct {
	atomic_long_t pages, add_total, del_total, find_success, find_total;
} stats;

struct xarray *vml_swap_cache_xa(int type)
{
	return &swap_cache[type];
}

static struct xarray *cache_of(struct vml_swp_entry entry)
{
	unsigned int type = vml_swp_type(entry);

	return type < VML_MAX_SWAPFILES ? &swap_cache[type] : NULL;
}

int vml_add_to_swap_cache(struct vml_page *page, struct vml_swp_entry entry)
{
	struct xarray *xa = cache_of(entry);
	int ret;

	if (!xa)
		return -EINVAL;
	if (vml_page_test_and_set(page, VML_PG_swapcache))
		return -EBUSY;
	page->private = entry.val;
	vml_get_page(page);
	ret = xa_insert(xa, vml_swp_offset(entry), page, GFP_KERNEL);
	if (ret) {
		vml_page_clear(page, VML_PG_swapcache);
		page->private = 0;
		vml_put_page(page);
		return ret == -EBUSY ? -EEXIST : ret;
	}
	atomic_long_inc(&stats.pages);
	atomic_long_inc(&stats.add_total);
	return 0;
}

struct vml_page *vml_lookup_swap_cache(struct vml_swp_entry entry)
{
	struct xarray *xa = cache_of(entry);
	struct vml_page *page = NULL;

	atomic_long_inc(&stats.find_total);
	if (!xa)
		return NULL;
	xa_lock(xa);
	page = xa_load(xa, vml_swp_offset(entry));
	if (page)
		vml_get_page(page);
	xa_unlock(xa);
	if (page)
		atomic_long_inc(&stats.find_success);
	return page;
}

int vml_delete_from_swap_cache(struct vml_page *page)
{
	struct vml_swp_entry entry = { page->private };
	struct xarray *xa = cache_of(entry);

	if (!vml_page_test(page, VML_PG_swapcache) || !xa ||
	    xa_cmpxchg(xa, vml_swp_offset(entry), page, NULL, 0) != page)
		return -EINVAL;
	vml_page_clear(page, VML_PG_swapcache);
	page->private = 0;
	atomic_long_dec(&stats.pages);
	atomic_long_inc(&stats.del_total);
	vml_put_page(page);
	return 0;
}

void vml_swap_cache_info(struct vml_swap_cache_info *info)
{
	info->pages = atomic_long_read(&stats.pages);
	info->add_total = atomic_long_read(&stats.add_total);
	info->del_total = atomic_long_read(&stats.del_total);
	info->find_success = atomic_long_read(&stats.find_success);
	info->find_total = atomic_long_read(&stats.find_total);
}

int vml_swap_state_init(void)
{
	int type;

	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		xa_init(&swap_cache[type]);
	memset(&stats, 0, sizeof(stats));
	return 0;
}

/* A page left in the cache was leaked by reclaim: report it, drop it. */
void vml_swap_state_exit(void)
{
	struct vml_page *page;
	unsigned long off;
	int type;

	for (type = 0; type < VML_MAX_SWAPFILES; type++) {
		xa_for_each(&swap_cache[type], off, page) {
			WARN_ONCE(1, "vmlab: page left in the swap cache\n");
			vml_delete_from_swap_cache(page);
		}
		xa_destroy(&swap_cache[type]);
	}
}
