// SPDX-License-Identifier: GPL-2.0
/*
 * slots.c - swap slot allocation and use counts (mm/swapfile.c
 * scan_swap_map_slots(), get_swap_pages(), __swap_duplicate(), swap_free()).
 */

/**
 * DOC: swap slot allocation
 *
 * Each area has a swap_map: one byte per slot holding the number of
 * references to the slot (swap PTEs, up to VML_SWAP_MAP_MAX), plus
 * VML_SWAP_HAS_CACHE while the swap cache holds the slot's page; the header
 * slot and bad slots hold VML_SWAP_MAP_BAD. A slot is free when its byte
 * is 0. A new slot starts with only VML_SWAP_HAS_CACHE, as in 6.1, because
 * the page being swapped out is put in the swap cache first.
 *
 * Areas are used highest priority first; among areas of equal priority
 * the one that just gave a slot moves behind the others (6.1's
 * plist_requeue()), which spreads pages round robin.
 *
 * Within an area, slots are handed out in clusters of VML_SWAPFILE_CLUSTER
 * consecutive free slots, so pages reclaimed together are written together
 * and read back with one readahead (2.6's scan_swap_map(); 6.1 adds
 * per-CPU clusters for SSDs, which vmlab does not need yet). When no whole
 * free cluster is left it takes any free slot. lowest_bit and highest_bit
 * bound the free slots so a scan never starts below the first or runs past
 * the last.
 *
 * Count continuation (6.1's COUNT_CONTINUED): a slot's byte counts up
 * to VML_SWAP_MAP_MAX (62) references; past that the byte stays at 62
 * with VML_COUNT_CONTINUED set and the rest is kept in the area's @cont
 * xarray (offset -> extra references, an xarray value), so a slot can
 * be shared by any number of forks. 6.1 keeps the rest in extra pages
 * of swap_map digits (add_swap_count_continuation(), allocated with
 * GFP_KERNEL after dropping the page-table lock and retrying the copy);
 * vmlab allocates the xarray's nodes with GFP_ATOMIC under swap_lock,
 * kmalloc'd outside the arena: the counts are the swap layer's
 * bookkeeping, like the swap_map (kvmalloc'd), not memory of a sandbox,
 * and an arena allocation here would recurse into reclaim under
 * pgt.lock. Continued slots are accounted in the area's @nr_cont and
 * vmstat's nr_swap_cont (the checker compares both with the xarray);
 * an allocation that fails returns -ENOMEM, which fork turns into
 * ENOMEM with the child's copied part torn down.
 *
 * One spinlock, swap_lock, covers the list of areas and every swap_map;
 * 6.1 has one per area, which vmlab will need when reclaim runs on several
 * CPUs at once.
 */
#include <linux/wait.h>
#include "swap/swap-internal.h"

DEFINE_SPINLOCK(vml_swap_lock);
struct vml_swap_area *vml_swap_info[VML_MAX_SWAPFILES];
LIST_HEAD(vml_swap_active);
static DECLARE_WAIT_QUEUE_HEAD(swap_io_wait);

void vml_swap_area_reset(struct vml_swap_area *si)
{
	si->inuse = 0;
	si->lowest_bit = 1;
	si->highest_bit = si->max - 1;
	si->cluster_next = 1;
	si->cluster_nr = 0;
	atomic_set(&si->users, 0);
	si->nr_cont = 0;
}

static unsigned long scan_range(struct vml_swap_area *si, unsigned long from,
				unsigned long to)
{
	unsigned long off;

	for (off = from; off <= to; off++)
		if (!si->swap_map[off])
			return off;
	return 0;
}

static unsigned long find_free_cluster(struct vml_swap_area *si)
{
	unsigned long off, run = 0;

	for (off = si->lowest_bit; off <= si->highest_bit; off++) {
		run = si->swap_map[off] ? 0 : run + 1;
		if (run == VML_SWAPFILE_CLUSTER)
			return off + 1 - VML_SWAPFILE_CLUSTER;
	}
	return 0;
}

/*
 * A free slot of @si, taken with VML_SWAP_HAS_CACHE; 0 if none.
 *
 * As 2.6's scan_swap_map(): a search for a free cluster that finds none
 * still starts a cluster's worth of allocations (they take single slots
 * onwards from cluster_next, wrapping once), so a full, fragmented area
 * is searched once per VML_SWAPFILE_CLUSTER slots, not once per slot. It
 * was searched per slot, twice over (the cluster, then every slot from
 * lowest_bit), all under vml_swap_lock: at -smp 4 with a 64 MiB ram:
 * area, 76-stress's swap phase held the lock so long that a zap of 2,000
 * swap PTEs waiting on it stalled RCU for 26 seconds.
 */
static unsigned long scan_swap_map(struct vml_swap_area *si)
{
	unsigned long off = 0;

	if (si->cluster_nr) {
		si->cluster_nr--;
	} else {
		off = find_free_cluster(si);
		si->cluster_nr = VML_SWAPFILE_CLUSTER - 1;
	}
	if (!off)
		off = scan_range(si, max(si->cluster_next, si->lowest_bit),
				 si->highest_bit);
	if (!off)
		off = scan_range(si, si->lowest_bit, si->highest_bit);
	if (!off) {
		si->cluster_nr = 0;
		return 0;
	}
	si->swap_map[off] = VML_SWAP_HAS_CACHE;
	si->inuse++;
	si->cluster_next = off + 1;
	if (off == si->lowest_bit)
		si->lowest_bit++;
	if (off == si->highest_bit)
		si->highest_bit--;
	return off;
}

/* Move @si behind the other areas of its priority (plist_requeue()). */
static void requeue(struct vml_swap_area *si)
{
	struct vml_swap_area *next = si;

	list_for_each_entry_continue(next, &vml_swap_active, list)
		if (next->prio != si->prio)
			break;
	list_move_tail(&si->list, &next->list);
}

int vml_swap_alloc(struct vml_swp_entry *entry)
{
	struct vml_swap_area *si;
	unsigned long off;

	spin_lock(&vml_swap_lock);
	list_for_each_entry(si, &vml_swap_active, list) {
		if (si->inuse >= si->pages)
			continue;
		off = scan_swap_map(si);
		if (WARN_ON_ONCE(!off))
			continue;
		*entry = vml_swp_entry(si->type, off);
		requeue(si);
		spin_unlock(&vml_swap_lock);
		return 0;
	}
	spin_unlock(&vml_swap_lock);
	return -ENOSPC;
}

/* The area and slot byte of @entry, or NULL; swap_lock held. */
static unsigned char *slot_of(struct vml_swp_entry entry, struct vml_swap_area **sip)
{
	unsigned int type = vml_swp_type(entry);
	unsigned long off = vml_swp_offset(entry);
	struct vml_swap_area *si;

	if (type >= VML_MAX_SWAPFILES)
		return NULL;
	si = vml_swap_info[type];
	if (!si || !off || off >= si->max ||
	    si->swap_map[off] == VML_SWAP_MAP_BAD)
		return NULL;
	*sip = si;
	return &si->swap_map[off];
}

/* The slot's byte became 0: it is free again; swap_lock held. */
static void slot_freed(struct vml_swap_area *si, unsigned long off)
{
	si->inuse--;
	if (off < si->lowest_bit)
		si->lowest_bit = off;
	if (off > si->highest_bit)
		si->highest_bit = off;
}

/* Change a slot's byte by @fn; report bad entries once. */
static int slot_update(struct vml_swp_entry entry,
		       int (*fn)(struct vml_swap_area *si, unsigned long off),
		       const char *what)
{
	struct vml_swap_area *si;
	unsigned char *map;
	int ret = -EINVAL;

	spin_lock(&vml_swap_lock);
	map = slot_of(entry, &si);
	if (map && *map)
		ret = fn(si, vml_swp_offset(entry));
	if (!ret && !*map)
		slot_freed(si, vml_swp_offset(entry));
	spin_unlock(&vml_swap_lock);
	if (ret == -EINVAL)
		pr_warn_once("vmlab: %s of a free or bad swap entry %#lx\n",
			     what, entry.val);
	return ret;
}

/* The references counted beyond the byte; swap_lock held. */
static unsigned long cont_count(struct vml_swap_area *si, unsigned long off)
{
	void *v;

	if (!(si->swap_map[off] & VML_COUNT_CONTINUED))
		return 0;
	v = xa_load(&si->cont, off);
	return xa_is_value(v) ? xa_to_value(v) : 0;
}

/* __swap_duplicate(): one more reference, continued past the byte. */
static int map_dup(struct vml_swap_area *si, unsigned long off)
{
	unsigned char *map = &si->swap_map[off];
	unsigned long extra;

	if ((*map & VML_SWAP_COUNT_MASK) < VML_SWAP_MAP_MAX) {
		(*map)++;
		return 0;
	}
	extra = cont_count(si, off) + 1;
	if (extra > VML_SWAP_CONT_MAX)
		return -EOVERFLOW;
	if (xa_err(xa_store(&si->cont, off, xa_mk_value(extra),
			    GFP_ATOMIC | __GFP_NOWARN)))
		return -ENOMEM;
	if (!(*map & VML_COUNT_CONTINUED)) {
		*map |= VML_COUNT_CONTINUED;
		si->nr_cont++;
		vml_count_event(VML_NR_SWAP_CONT);
	}
	return 0;
}

/* swap_entry_free(): one reference less, from the continuation first. */
static int map_put(struct vml_swap_area *si, unsigned long off)
{
	unsigned char *map = &si->swap_map[off];
	unsigned long extra;

	if (!(*map & VML_SWAP_COUNT_MASK))
		return -EINVAL;
	extra = cont_count(si, off);
	if (!extra) {
		(*map)--;
		return 0;
	}
	if (--extra) {
		/* Replacing a value entry allocates nothing. */
		xa_store(&si->cont, off, xa_mk_value(extra), GFP_ATOMIC);
		return 0;
	}
	xa_erase(&si->cont, off);
	*map &= ~VML_COUNT_CONTINUED;
	si->nr_cont--;
	vml_count_events(VML_NR_SWAP_CONT, -1);
	return 0;
}

static int map_uncache(struct vml_swap_area *si, unsigned long off)
{
	if (!(si->swap_map[off] & VML_SWAP_HAS_CACHE))
		return -EINVAL;
	si->swap_map[off] &= ~VML_SWAP_HAS_CACHE;
	return 0;
}

int vml_swap_duplicate(struct vml_swp_entry entry)
{
	return slot_update(entry, map_dup, "swap_duplicate");
}

int vml_swap_free(struct vml_swp_entry entry)
{
	return slot_update(entry, map_put, "swap_free");
}

int vml_swapcache_free(struct vml_swp_entry entry)
{
	return slot_update(entry, map_uncache, "swapcache_free");
}

/* swapcache_prepare(): take the cache bit of a slot in use without it. */
static int map_prepare(unsigned char *map)
{
	if (*map & VML_SWAP_HAS_CACHE)
		return -EEXIST;
	*map |= VML_SWAP_HAS_CACHE;
	return 0;
}

/**
 * vml_swapcache_prepare() - claim the right to add a page for @entry to
 * the swap cache (swapcache_prepare()), before reading it in.
 * @entry: a slot with references.
 * Return: 0, -EEXIST if another page is cached or being read for it,
 * -ENOENT if the slot has no reference (freed meanwhile).
 */
int vml_swapcache_prepare(struct vml_swp_entry entry)
{
	struct vml_swap_area *si;
	unsigned char *map;
	int ret = -ENOENT;

	spin_lock(&vml_swap_lock);
	map = slot_of(entry, &si);
	if (map && (*map & VML_SWAP_COUNT_MASK))
		ret = map_prepare(map);
	spin_unlock(&vml_swap_lock);
	return ret;
}

/**
 * vml_swap_refs() - references to a slot other than the cache's
 * (__swap_count()).
 * @entry: the slot.
 * Return: the count, 0 for a free or bad slot.
 */
int vml_swap_refs(struct vml_swp_entry entry)
{
	struct vml_swap_area *si;
	unsigned char *map;
	int ret = 0;

	spin_lock(&vml_swap_lock);
	map = slot_of(entry, &si);
	if (map)
		ret = (*map & VML_SWAP_COUNT_MASK) +
		      cont_count(si, vml_swp_offset(entry));
	spin_unlock(&vml_swap_lock);
	return ret;
}

int vml_swap_count(struct vml_swp_entry entry)
{
	struct vml_swap_area *si;
	unsigned char *map;
	int ret;

	spin_lock(&vml_swap_lock);
	map = slot_of(entry, &si);
	ret = map ? *map : -EINVAL;
	spin_unlock(&vml_swap_lock);
	return ret;
}

/**
 * vml_swap_pin() - keep the area of an allocated slot for an I/O
 * (get_swap_device()).
 * @entry: the slot.
 * Return: the area, or NULL if the slot is not in use.
 */
struct vml_swap_area *vml_swap_pin(struct vml_swp_entry entry)
{
	struct vml_swap_area *si = NULL;
	unsigned char *map;

	spin_lock(&vml_swap_lock);
	map = slot_of(entry, &si);
	if (map && *map)
		atomic_inc(&si->users);
	else
		si = NULL;
	spin_unlock(&vml_swap_lock);
	return si;
}

/** vml_swap_unpin() - the I/O is over. @si: from vml_swap_pin(). */
void vml_swap_unpin(struct vml_swap_area *si)
{
	/* Full barrier, then the waiter check: only swapoff ever waits. */
	if (atomic_dec_and_test(&si->users) && wq_has_sleeper(&swap_io_wait))
		wake_up_all(&swap_io_wait);
}

/**
 * vml_swap_wait_unpinned() - wait until no I/O pins @si.
 * @si: an area already unreachable for new pins.
 */
void vml_swap_wait_unpinned(struct vml_swap_area *si)
{
	wait_event(swap_io_wait, !atomic_read(&si->users));
}
