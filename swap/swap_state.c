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
 * A cached page holds a reference owned by the cache and has
 * VML_PG_swapcache set. Its entry is kept in a table indexed by arena
 * frame: 6.1 keeps it in folio->swap, but vmlab's 32-byte page has no
 * free word while the page is also anonymous (page->private names its
 * anon_vma for the reverse map, which swap-out needs while the page is
 * cached). The table is host memory outside the arena, one word per
 * frame, in chunks of 4096 frames (32 KiB) allocated the first time a
 * page of theirs enters the cache and kept until the layer stops: a
 * second xarray did this before, whose nodes were allocated and freed
 * again with nearly every page passing through the cache: about 5,300
 * of the 17,400 instructions of a page's swap-out and swap-in
 * (Documentation/benchmarks.rst). The slot's VML_SWAP_HAS_CACHE bit is the slot owner's to set
 * and clear (vml_swap_alloc(), vml_swapcache_prepare(),
 * vml_swapcache_free()); this file keeps pages only. A page read ahead
 * and not yet used by a fault carries VML_SWAP_RA_MARK in the cache, so
 * the fault that finds it counts a swap_ra_hit (6.1's PG_readahead).
 */
#include <linux/slab.h>
#include <linux/xarray.h>
#include "swap/swap-internal.h"

static struct xarray swap_cache[VML_MAX_SWAPFILES];

#define ENTRY_CHUNK_SHIFT	12
#define ENTRY_CHUNK		BIT(ENTRY_CHUNK_SHIFT)
/* Frame index -> entry value of a cached page (0: none), in chunks. */
static unsigned long **entry_chunks;
static unsigned long nr_entry_chunks;

#define VML_SWAP_RA_MARK	XA_MARK_1

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

struct vml_swp_entry vml_page_swap_entry(struct vml_page *page)
{
	u32 idx = vml_page_idx(page);
	unsigned long *chunk = READ_ONCE(entry_chunks[idx >> ENTRY_CHUNK_SHIFT]);

	return (struct vml_swp_entry){
		chunk ? READ_ONCE(chunk[idx & (ENTRY_CHUNK - 1)]) : 0 };
}

/* Record @val as @page's entry; its chunk is allocated on first use. */
static int set_page_entry(struct vml_page *page, unsigned long val)
{
	u32 idx = vml_page_idx(page);
	unsigned long **slot = &entry_chunks[idx >> ENTRY_CHUNK_SHIFT];
	unsigned long *chunk = READ_ONCE(*slot), *new;

	if (!chunk) {
		if (!val)
			return 0;
		new = kvcalloc(ENTRY_CHUNK, sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		chunk = cmpxchg(slot, NULL, new);
		if (chunk)
			kvfree(new);	/* another CPU's came first */
		else
			chunk = new;
	}
	WRITE_ONCE(chunk[idx & (ENTRY_CHUNK - 1)], val);
	return 0;
}

int vml_add_to_swap_cache(struct vml_page *page, struct vml_swp_entry entry)
{
	struct xarray *xa = cache_of(entry);
	int ret;

	if (!xa)
		return -EINVAL;
	if (vml_page_test_and_set(page, VML_PG_swapcache))
		return -EBUSY;
	ret = set_page_entry(page, entry.val);
	if (!ret)
		ret = xa_insert(xa, vml_swp_offset(entry), page, GFP_KERNEL);
	if (ret) {
		set_page_entry(page, 0);
		vml_page_clear(page, VML_PG_swapcache);
		return ret == -EBUSY ? -EEXIST : ret;
	}
	vml_get_page(page);
	atomic_long_inc(&stats.pages);
	atomic_long_inc(&stats.add_total);
	vml_count_events(VML_NR_SWAPCACHED, 1);
	return 0;
}

/* Mark a page just read ahead (the caller added it and holds its lock). */
void vml_swap_cache_mark_ra(struct vml_swp_entry entry)
{
	struct xarray *xa = cache_of(entry);

	if (xa)
		xa_set_mark(xa, vml_swp_offset(entry), VML_SWAP_RA_MARK);
}

/*
 * The page cached for @entry with a reference, or NULL; *@ra tells whether
 * it was read ahead and this is the first look at it (the mark is cleared).
 */
struct vml_page *vml_swap_cache_get(struct vml_swp_entry entry, bool *ra)
{
	struct xarray *xa = cache_of(entry);
	unsigned long off = vml_swp_offset(entry);
	struct vml_page *page = NULL;

	atomic_long_inc(&stats.find_total);
	*ra = false;
	if (!xa)
		return NULL;
	xa_lock(xa);
	page = xa_load(xa, off);
	if (page) {
		vml_get_page(page);
		*ra = xa_get_mark(xa, off, VML_SWAP_RA_MARK);
		if (*ra)
			__xa_clear_mark(xa, off, VML_SWAP_RA_MARK);
	}
	xa_unlock(xa);
	if (page)
		atomic_long_inc(&stats.find_success);
	return page;
}

struct vml_page *vml_lookup_swap_cache(struct vml_swp_entry entry)
{
	bool ra;

	return vml_swap_cache_get(entry, &ra);
}

/* The bookkeeping of a page leaving the cache; the xarray slot is gone. */
static void cache_removed(struct vml_page *page)
{
	set_page_entry(page, 0);
	vml_page_clear(page, VML_PG_swapcache);
	atomic_long_dec(&stats.pages);
	atomic_long_inc(&stats.del_total);
	vml_count_events(VML_NR_SWAPCACHED, -1);
}

int vml_delete_from_swap_cache(struct vml_page *page)
{
	struct vml_swp_entry entry = vml_page_swap_entry(page);
	struct xarray *xa = cache_of(entry);

	if (!vml_page_test(page, VML_PG_swapcache) || !xa ||
	    xa_cmpxchg(xa, vml_swp_offset(entry), page, NULL, 0) != page)
		return -EINVAL;
	cache_removed(page);
	vml_put_page(page);
	return 0;
}

/*
 * Remove @page from the cache only if no PTE maps it and exactly @refs
 * references are held (the cache's included), checked under the xarray
 * lock that lookups take their reference under, so no lookup can slip in
 * (__remove_mapping() freezing the refcount). The cache's reference is
 * dropped; it is never the last. Return: true if removed.
 */
bool vml_swap_cache_remove_unused(struct vml_page *page, int refs)
{
	struct vml_swp_entry entry = vml_page_swap_entry(page);
	struct xarray *xa = cache_of(entry);
	bool ok;

	if (!vml_page_test(page, VML_PG_swapcache) || !xa || refs < 2)
		return false;
	xa_lock(xa);
	ok = vml_page_count(page) == refs && !vml_page_mapcount(page) &&
	     xa_load(xa, vml_swp_offset(entry)) == page;
	if (ok)
		__xa_erase(xa, vml_swp_offset(entry));
	xa_unlock(xa);
	if (!ok)
		return false;
	cache_removed(page);
	atomic_dec(&page->_refcount);
	return true;
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

	nr_entry_chunks = DIV_ROUND_UP(vml_arena.nr_frames, ENTRY_CHUNK);
	entry_chunks = kvcalloc(nr_entry_chunks, sizeof(*entry_chunks), GFP_KERNEL);
	if (!entry_chunks)
		return -ENOMEM;
	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		xa_init(&swap_cache[type]);
	memset(&stats, 0, sizeof(stats));
	return 0;
}

/* A page left in the cache was leaked by reclaim: report it, drop it. */
void vml_swap_state_exit(void)
{
	struct vml_page *page;
	unsigned long off, i;
	int type;

	for (type = 0; type < VML_MAX_SWAPFILES; type++) {
		xa_for_each(&swap_cache[type], off, page) {
			WARN_ONCE(1, "vmlab: page left in the swap cache\n");
			vml_delete_from_swap_cache(page);
		}
		xa_destroy(&swap_cache[type]);
	}
	for (i = 0; i < nr_entry_chunks; i++)
		kvfree(entry_chunks[i]);
	kvfree(entry_chunks);
	entry_chunks = NULL;
}
