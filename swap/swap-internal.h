/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Inside the swap layer
 *
 * swap-internal.h - what the files of swap/ share: list moves for the
 * replacement policies. Callers hold the lruvec's lock.
 */
#ifndef VMLAB_SWAP_INTERNAL_H
#define VMLAB_SWAP_INTERNAL_H

#include <linux/xarray.h>
#include "swap/swap.h"
#include "buddy/buddy.h"
#include "buddy/vmstat.h"
#include "fault/fault.h"
#include "vmlab_compat.h"

/* Pages moved per refill of an inactive list at least (SWAP_CLUSTER_MAX). */
#define VML_SWAP_CLUSTER_MAX	32

static inline enum vml_lru_list vml_lru_inactive(bool file)
{
	return file ? VML_LRU_INACTIVE_FILE : VML_LRU_INACTIVE_ANON;
}

/* The list a page on the LRU is on, from its flags (folio_lru_list()). */
static inline enum vml_lru_list vml_page_lru(const struct vml_page *page)
{
	if (vml_page_test(page, VML_PG_unevictable))
		return VML_LRU_UNEVICTABLE;
	return vml_lru_inactive(!vml_page_test(page, VML_PG_swapbacked)) +
	       vml_page_test(page, VML_PG_active);
}

/*
 * Put @page, on no list, at the front of the list its flags name. The
 * list sizes are also vmstat's nr_inactive_anon..nr_unevictable, kept
 * as per-CPU deltas summed on read (6.1's per-CPU node stat diffs).
 */
static inline void vml_lru_link(struct vml_lruvec *lv, struct vml_page *page)
{
	enum vml_lru_list lru = vml_page_lru(page);

	vml_plist_add(&lv->lists[lru], page);
	vml_count_event(VML_NR_INACTIVE_ANON + lru);
}

static inline void vml_lru_unlink(struct vml_lruvec *lv, struct vml_page *page)
{
	enum vml_lru_list lru = vml_page_lru(page);

	vml_plist_del(&lv->lists[lru], page);
	vml_count_events(VML_NR_INACTIVE_ANON + lru, -1);
}

/* Move @page to the front of the active (true) or inactive list. */
static inline void vml_lru_move(struct vml_lruvec *lv, struct vml_page *page,
				bool active)
{
	vml_lru_unlink(lv, page);
	if (active)
		vml_page_set(page, VML_PG_active);
	else
		vml_page_clear(page, VML_PG_active);
	vml_lru_link(lv, page);
}

/*
 * Referenced since the last look, as far as the lock holder can tell: the
 * software bit, read and cleared (folio_test_clear_referenced()). The
 * hardware Accessed bits cannot be harvested here: the harvest walks the
 * reverse map, which sleeps and takes page-table locks that nest outside
 * lru_lock. lru.c harvests them on the victims once the lock is dropped,
 * as 6.1's shrink_folio_list() calls folio_check_references() on
 * isolated folios, and hands a referenced one back through rotate with
 * VML_PG_referenced set, so the next scan sees it here.
 */
static inline bool vml_lru_test_clear_referenced(struct vml_page *page)
{
	return vml_page_test_and_clear(page, VML_PG_referenced);
}

/*
 * Take @page off its list into @out for reclaim (isolate_lru_folios()).
 * A page whose last reference is being dropped (count 0: its release
 * waits for lru_lock to unlink it) is not taken, as folio_try_get()
 * fails in 6.1; it goes to the front so the scan moves on.
 */
static inline bool vml_lru_isolate(struct vml_lruvec *lv, struct vml_page *page,
				   struct vml_plist *out)
{
	vml_lru_unlink(lv, page);
	if (!atomic_inc_not_zero(&page->_refcount)) {
		vml_lru_link(lv, page);
		return false;
	}
	vml_page_clear(page, VML_PG_lru);
	vml_plist_add_tail(out, page);
	return true;
}

/* Every active page of one type to the front of its inactive list. */
static inline void vml_lru_deactivate_all(struct vml_lruvec *lv, bool file)
{
	struct vml_plist *active = &lv->lists[vml_lru_inactive(file) + 1];
	struct vml_page *page;

	while ((page = vml_plist_last(active)))
		vml_lru_move(lv, page, false);
}

/* ---- swap areas (swapfile.c, slots.c, page_io.c) ---- */

struct file;

/**
 * struct vml_swap_area - one swap area (struct swap_info_struct).
 * @list: on the active list, by priority (highest first).
 * @type: its index in the swap type table, the entry's type.
 * @prio: priority; equal priorities share allocations round robin.
 * @spec: what swapon was given ("ram:SIZE" or the path).
 * @file: the open swap file or block device; NULL for a ram: area.
 * @bdev: the block device claimed for bios, if @file is one.
 * @ram: the ram: area's memory (vmalloc, outside the arena).
 * @swap_map: per slot: references, VML_SWAP_HAS_CACHE, or VML_SWAP_MAP_BAD.
 * @max: slots, the header's included (last_page + 1).
 * @pages: usable slots (neither header nor bad).
 * @inuse: slots in use.
 * @lowest_bit: no free slot below this (scan hint).
 * @highest_bit: no free slot above this.
 * @cluster_next: where the current cluster continues.
 * @cluster_nr: slots left to hand out from the current cluster.
 * @users: I/O in flight; swapoff waits for zero.
 * @cont: references beyond VML_SWAP_MAP_MAX of the slots marked
 *	VML_COUNT_CONTINUED: offset -> count (xarray values, nodes
 *	GFP_ATOMIC outside the arena; slots.c).
 * @nr_cont: slots marked VML_COUNT_CONTINUED.
 *
 * Everything but @file, @bdev and @ram changes under swap_lock.
 */
struct vml_swap_area {
	struct list_head list;
	int type, prio;
	char *spec;
	struct file *file;
	struct vml_bdev bdev;
	void *ram;
	unsigned char *swap_map;
	unsigned long max, pages, inuse;
	unsigned long lowest_bit, highest_bit;
	unsigned long cluster_next, cluster_nr;
	atomic_t users;
	struct xarray cont;
	unsigned long nr_cont;
};

extern spinlock_t vml_swap_lock;
extern struct vml_swap_area *vml_swap_info[VML_MAX_SWAPFILES];

/* slots.c: allocation state of a new area; swap_lock held. */
void vml_swap_area_reset(struct vml_swap_area *si);
/* slots.c: pin the area of an allocated slot for I/O, or NULL. */
struct vml_swap_area *vml_swap_pin(struct vml_swp_entry entry);
void vml_swap_unpin(struct vml_swap_area *si);
void vml_swap_wait_unpinned(struct vml_swap_area *si);
/* slots.c: areas in priority order, for the allocator. */
extern struct list_head vml_swap_active;

/* vmscan.c: may this context reclaim (not in a CR3 window or an interrupt)? */
bool vml_may_reclaim_here(void);
/* vmscan.c: a change of many pages the checker must not see half done. */
void vml_reclaim_enter(void);
void vml_reclaim_leave(void);
/* oom.c: buddy/'s out_of_memory hook (registered by vmscan.c). */
bool vml_out_of_memory(struct vml_zonelist *zl, vml_gfp_t gfp,
		       unsigned int order);
/*
 * oom.c: make the current task swapoff's (set_current_oom_origin()): its
 * allocations fail rather than kill; swapon_mutex held.
 */
void vml_oom_set_origin(bool on);
/* vmscan.c's pause for the checker: wait for a pending reap to end. */
void vml_oom_reaper_flush(void);
/* Start and stop the reaper and the oom_score file's function (swap.c). */
void vml_oom_init(void);
void vml_oom_exit(void);

/* lru.c: a node's lists, NULL before the layer starts. */
struct vml_lruvec *vml_lruvec(int nid);
/* lru.c: buddy/'s lru_release hook (registered by vmscan.c). */
bool vml_lru_release(struct vml_page *page);
/* swap_state.c: the swap cache of one type. */
struct xarray *vml_swap_cache_xa(int type);

/* page_io.c: the backing store. */
int vml_swap_open(struct vml_swap_area *si, unsigned long *size_pages,
		  const char **why);
void vml_swap_close(struct vml_swap_area *si);
int vml_swap_rw(struct vml_swap_area *si, unsigned long offset, void *buf,
		bool write);
bool vml_swap_is_bdev(struct vml_swap_area *si);

/* ---- swap-out and swap-in (swap_out.c, swap_in.c) ---- */

/**
 * vml_swap_out_page() - swap out one anonymous page and free it:
 * add_to_swap(), unmap every PTE to the swap entry (the slot counted once
 * per PTE), write, leave the swap cache, free (swap_out.c has the steps).
 * @page: an anonymous page, or one already in the swap cache, that the
 *	caller holds one reference to and has taken off the LRU lists.
 * Context: process context, may sleep.
 * Return: 0 when swapped out and freed (the caller's reference dropped);
 * else the page stays resident and the caller keeps its reference:
 * -EAGAIN (locked, mlocked, still mapped, pinned), -EINVAL (not
 * anonymous), -ENOSPC or -ENOMEM (no swap), -EIO (write failed; the page
 * stays dirty in the swap cache, counted in pswpout_fail).
 */
int vml_swap_out_page(struct vml_page *page);

/* Pages vml_swap_out_pages() holds locked at once (madvise's batch). */
#define VML_SWAP_OUT_BATCH	16
/**
 * vml_swap_out_pages() - vml_swap_out_page() for several pages, a batch
 * of VML_SWAP_OUT_BATCH through each step before the next (swap_out.c).
 * @pages: the pages.
 * @nr: how many.
 * @res: per page, vml_swap_out_page()'s return value.
 * Return: the pages swapped out and freed.
 */
unsigned int vml_swap_out_pages(struct vml_page **pages, unsigned int nr,
				int *res);

/* VML_PG_locked as the folio lock; the unlock frees an orphaned slot. */
bool vml_trylock_swap_page(struct vml_page *page);
void vml_lock_swap_page(struct vml_page *page);
void vml_unlock_swap_page(struct vml_page *page);
/* folio_free_swap(): leave the cache if no swap PTE names the slot; locked. */
bool vml_try_free_swap(struct vml_page *page);

/* swap_state.c */
void vml_swap_cache_mark_ra(struct vml_swp_entry entry);
struct vml_page *vml_swap_cache_get(struct vml_swp_entry entry, bool *ra);
bool vml_swap_cache_remove_unused(struct vml_page *page, int refs);

/* swap_in.c: the fault hooks, and swap-in of one PTE for swapoff */
void vml_swap_hooks_register(void);
void vml_swap_hooks_unregister(void);
int vml_swap_unuse_pte(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		       pte_t orig);
/* unuse.c */
int vml_try_to_unuse(unsigned int type);

#endif /* VMLAB_SWAP_INTERNAL_H */
