/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Page replacement and swap
 *
 * swap.h - page replacement and swap (Gorman ch. 10 and 11; mm/swap.c,
 * mm/vmscan.c, mm/swapfile.c, mm/swap_state.c, mm/page_io.c).
 *
 * CONTRACT (implemented in the files of swap/).
 *
 * swap/ is the top layer. It holds:
 *
 *  - LRU lists and a pluggable replacement policy (lru.c, policy_*.c),
 *    fed by vma/ and fault/ through the struct vml_lru_hooks registered
 *    here (pages first mapped or cached; aged, locked, unlocked), and
 *    left by a page with its last reference (buddy/'s lru_release hook);
 *  - reclaim: shrink_node(), kswapd, direct reclaim (vmscan.c), reached
 *    by the allocator through struct vml_reclaim_hooks;
 *  - swap areas: slot allocation, use counts and page I/O (swapfile.c,
 *    page_io.c);
 *  - the swap cache: pages keyed by swap entry (swap_state.c);
 *  - the OOM killer and its reaper, reached by the allocator through the
 *    out_of_memory hook of struct vml_reclaim_hooks (oom.c).
 *
 * Locking: each node's LRU has a spinlock (lru_lock, IRQ-safe); each CPU's
 * add batch a spinlock taken before it. Swap areas: swapon/swapoff are
 * serialised by a mutex; the list of areas and every swap_map by one
 * spinlock (swap_lock); an area in use for I/O is pinned until the I/O ends.
 */
#ifndef VMLAB_SWAP_H
#define VMLAB_SWAP_H

#include <linux/types.h>
#include "arena/arena.h"
#include "mmu/mmu.h"

struct seq_file;
struct dentry;

/* ---- LRU lists and replacement policies (lru.c, policy_*.c) ---- */

/* The lists of a node, in 6.1's order (enum lru_list). */
enum vml_lru_list {
	VML_LRU_INACTIVE_ANON,
	VML_LRU_ACTIVE_ANON,
	VML_LRU_INACTIVE_FILE,
	VML_LRU_ACTIVE_FILE,
	VML_LRU_UNEVICTABLE,
	VML_NR_LRU_LISTS,
};

/* Pages a per-CPU add batch holds before it drains (PAGEVEC_SIZE). */
#define VML_PAGEVEC_SIZE	15

/**
 * struct vml_lruvec - one node's LRU lists (struct lruvec).
 * @lock: lru_lock; protects the lists and the LRU page flags of their
 *        pages (lru, active, unevictable, referenced while on a list).
 * @lists: the lists; new pages at the front, the oldest at the back.
 * @nid: the node.
 */
struct vml_lruvec {
	spinlock_t lock;	/* lru_lock: the lists, LRU page flags */
	struct vml_plist lists[VML_NR_LRU_LISTS];
	int nid;
};

/**
 * typedef vml_referenced_fn - how many PTEs have referenced @page since the
 * last call (page_referenced()); the harvest clears what it counts.
 * @page: a page isolated from or locked on an LRU list.
 */
typedef int (*vml_referenced_fn)(struct vml_page *page);

/**
 * struct vml_lru_policy - a page replacement policy.
 * @name: what `lru_policy` selects it by.
 * @add: put a page that is on no list onto the lists (drain of a batch).
 * @access: the page was used (mark_page_accessed()).
 * @select_victims: take up to @nr pages that should be reclaimed off the
 *	@file or anonymous lists into @out, in victim order (the first in
 *	@out goes first), moving the pages it keeps as it sees fit; it must
 *	end after a bounded scan even if every page is referenced. Returns
 *	the number taken.
 * @rotate: put back a page @select_victims gave that was not freed.
 *
 * Every operation runs under @lv->lock, may not sleep, and sees only
 * evictable pages: unevictable ones never reach a policy. A page a policy
 * hands out in @out has VML_PG_lru clear and one more reference. The
 * referenced state comes from vml_lru_referenced() (the hardware Accessed
 * bits once reclaim is wired) together with VML_PG_referenced.
 */
struct vml_lru_policy {
	const char *name;
	void (*add)(struct vml_lruvec *lv, struct vml_page *page);
	void (*access)(struct vml_lruvec *lv, struct vml_page *page);
	unsigned long (*select_victims)(struct vml_lruvec *lv, bool file,
					unsigned long nr, struct vml_plist *out);
	void (*rotate)(struct vml_lruvec *lv, struct vml_page *page);
};

extern const struct vml_lru_policy vml_lru_policy_2list;
extern const struct vml_lru_policy vml_lru_policy_clock;

/**
 * vml_lru_cache_add() - queue a page for the LRU (lru_cache_add()).
 * @page: an allocated page on no list; VML_PG_anon says anon or file,
 *        VML_PG_mlocked sends it to the unevictable list.
 *
 * The page goes into this CPU's batch, which holds a reference, and reaches
 * the lists when the batch is full or drained.
 * Context: any context that may take a spinlock; does not sleep.
 */
void vml_lru_cache_add(struct vml_page *page);

/** vml_lru_add_drain() - move this CPU's batch onto the lists. */
void vml_lru_add_drain(void);

/** vml_lru_add_drain_all() - drain every CPU's batch. */
void vml_lru_add_drain_all(void);

/**
 * vml_mark_page_accessed() - the page was used (mark_page_accessed()):
 * what that means is the policy's.
 * @page: a page on the LRU or in a batch.
 */
void vml_mark_page_accessed(struct vml_page *page);

/**
 * vml_lru_del() - take a page off the LRU before it is freed
 * (__page_cache_release()); drains the batches if it is still in one.
 * @page: a page given to vml_lru_cache_add().
 * Context: process context (may drain every CPU's batch).
 * Return: 0, or -ENOENT if the page is not on the LRU (it is isolated).
 */
int vml_lru_del(struct vml_page *page);

/**
 * vml_lru_select_victims() - isolate pages to reclaim from one node
 * (isolate_lru_folios() with the policy's choice, then
 * folio_check_references()).
 * @nid: the node.
 * @file: file lists (true) or anonymous lists.
 * @nr: most pages to take.
 * @out: receives the pages, VML_PG_lru clear and a reference held each;
 *       the caller frees them or gives them to vml_lru_putback().
 *
 * The policy chooses under lru_lock from the software state; then, with
 * the lock dropped, the harvest (vml_lru_referenced()) is asked about
 * each choice, and a page PTEs used goes back with VML_PG_referenced set.
 * Context: process context, may sleep (the harvest walks the rmap).
 * Return: pages taken.
 */
unsigned long vml_lru_select_victims(int nid, bool file, unsigned long nr,
				     struct vml_plist *out);

/**
 * vml_lru_putback() - return an isolated page to the LRU and drop the
 * isolation reference (putback_lru_page()); the policy's rotate.
 * @page: from vml_lru_select_victims().
 */
void vml_lru_putback(struct vml_page *page);

/**
 * vml_lru_deactivate() - MADV_COLD (deactivate_page()): an active page
 * moves to the front of its inactive list; the referenced bit is cleared.
 * @page: a page on the LRU, batched or isolated.
 * Context: any context that may take a spinlock.
 */
void vml_lru_deactivate(struct vml_page *page);

/**
 * vml_lru_update_evictable() - move a page on the LRU to or from the
 * unevictable list after VML_PG_mlocked changed
 * (check_move_unevictable_folios()).
 * @page: the page.
 * Return: 0, or -ENOENT if it is not on the LRU.
 */
int vml_lru_update_evictable(struct vml_page *page);

/**
 * vml_lru_set_policy() - choose the replacement policy by name. Pages on
 * the lists stay; those on active lists move to the front of the inactive
 * ones, which every policy accepts.
 * @name: "2list" or "clock".
 * Return: 0 or -EINVAL for an unknown name.
 */
int vml_lru_set_policy(const char *name);

/** vml_lru_policy_name() - the current policy. Return: its name. */
const char *vml_lru_policy_name(void);

/**
 * vml_lru_set_referenced_fn() - replace the Accessed-bit harvest, which
 * is vml_page_referenced() (fault/, through the reverse map) for mapped
 * pages from the layer's start; for tests.
 * @fn: the function, or NULL for none (only VML_PG_referenced counts).
 */
void vml_lru_set_referenced_fn(vml_referenced_fn fn);

/**
 * vml_lru_referenced() - the harvest's count for @page; called by
 * vml_lru_select_victims() without lru_lock (the harvest may sleep).
 * @page: an isolated page.
 * Return: references found, 0 with no harvest plugged in.
 */
int vml_lru_referenced(struct vml_page *page);

/**
 * vml_lru_sizes() - list sizes of one node.
 * @nid: the node.
 * @nr: filled with each list's size.
 */
void vml_lru_sizes(int nid, unsigned long nr[VML_NR_LRU_LISTS]);

/**
 * vml_lru_pages() - pages on every node's lists.
 * Return: the total (batched pages not included).
 */
unsigned long vml_lru_pages(void);

int vml_lru_init(void);
void vml_lru_exit(void);

/* ---- reclaim and kswapd (vmscan.c) ---- */

#define VML_SWAPPINESS_DEFAULT	60	/* vm.swappiness */
#define VML_SWAPPINESS_MAX	200

/**
 * vml_reclaim_pages() - reclaim @nr pages from every node, as a write
 * of @nr pages to memory.reclaim does: batches at falling priority,
 * retried up to 16 times while short.
 * @nr: pages wanted (at least one).
 * Context: process context, may sleep (I/O, the reverse map).
 * Return: pages freed; may be more than @nr (whole batches) or fewer.
 */
unsigned long vml_reclaim_pages(unsigned long nr);

/**
 * vml_set_swappiness() - the anon/file balance (vm.swappiness).
 * @val: 0 (file pages only while they last) .. VML_SWAPPINESS_MAX.
 * Return: 0 or -ERANGE.
 */
int vml_set_swappiness(unsigned long val);

/** vml_swappiness() - the current value. Return: 0..VML_SWAPPINESS_MAX. */
int vml_swappiness(void);

/**
 * vml_reclaim_pause() - wait for a pending OOM reap to end and for every
 * kswapd to finish its pass, and keep them asleep until
 * vml_reclaim_resume(), so the invariant checker sees no page in a
 * kswapd's hands and no mm the reaper alone keeps alive.
 * Context: process context, may sleep.
 */
void vml_reclaim_pause(void);

/** vml_reclaim_resume() - undo vml_reclaim_pause(). */
void vml_reclaim_resume(void);

/* Start kswapd and register the allocator's hooks; undo. */
int vml_vmscan_init(void);
void vml_vmscan_exit(void);

/* ---- swap areas (swapfile.c, page_io.c) ---- */

/*
 * Swap types 0..15 are areas; the types above are left for non-swap
 * entries (migration, markers), as Linux keeps them below MAX_SWAPFILES.
 */
#define VML_MAX_SWAPFILES	16
/* Slots per cluster for sequential allocation (SWAPFILE_CLUSTER). */
#define VML_SWAPFILE_CLUSTER	256
/* swap_map values (include/linux/swap.h). */
#define VML_SWAP_HAS_CACHE	0x40	/* the slot's page is in the swap cache */
#define VML_COUNT_CONTINUED	0x80	/* more references in the area's cont */
#define VML_SWAP_COUNT_MASK	0x3f	/* the references counted in the byte */
#define VML_SWAP_MAP_MAX	0x3e	/* most references counted in the byte */
#define VML_SWAP_CONT_MAX	BIT(30)	/* most beyond it (continued) */
#define VML_SWAP_MAP_BAD	0x3f	/* never used: header or bad block */
#define VML_SWAP_PRIO_MAX	32767	/* SWAP_FLAG_PRIO_MASK */
#define VML_SWAP_PRIO_DEFAULT	(-1)	/* sentinel: pick the next negative */

/**
 * vml_swapon() - add a swap area (sys_swapon()).
 * @spec: a path to a swap file or block device with a mkswap header
 *        (SWAPSPACE2, version 1), or "ram:SIZE" for an area in host memory
 *        outside the arena (SIZE with K/M/G, a whole number of pages).
 * @prio: 0..VML_SWAP_PRIO_MAX, or VML_SWAP_PRIO_DEFAULT for one below every
 *        area added without a priority (-2, -3, ... as Linux).
 * @why: set to a message when refused.
 * Context: process context, may sleep.
 * Return: the area's type (>= 0) or -errno: -EINVAL bad header or size,
 * -EBUSY already in use, -EPERM all VML_MAX_SWAPFILES types used,
 * -ENOENT/-EACCES... from opening the path.
 */
int vml_swapon(const char *spec, int prio, const char **why);

/**
 * vml_swapoff() - remove the area named @spec (sys_swapoff()).
 * @spec: as given to vml_swapon().
 * @why: set to a message when refused.
 * Context: process context, may sleep.
 * Return: 0, -EINVAL if no such area, or -EBUSY while slots are in use
 * (try_to_unuse() is not written yet: nothing is swapped out, see
 * Documentation/swap.rst). An area with no slot in use always goes.
 */
int vml_swapoff(const char *spec, const char **why);

/**
 * vml_swap_alloc() - allocate a slot (get_swap_page()): highest priority
 * area first, round robin among areas of equal priority, sequential
 * within a cluster.
 * @entry: the slot; its swap_map holds VML_SWAP_HAS_CACHE.
 * Return: 0 or -ENOSPC.
 */
int vml_swap_alloc(struct vml_swp_entry *entry);

/**
 * vml_swap_duplicate() - one more reference to a slot, for a PTE copied
 * at fork (swap_duplicate()).
 * @entry: an allocated slot.
 * Past VML_SWAP_MAP_MAX references the count continues in the area's
 * continuation xarray (COUNT_CONTINUED; slots.c).
 * Context: any; takes swap_lock (allocates with GFP_ATOMIC past 62).
 * Return: 0, -EINVAL for a slot not in use, -ENOMEM when a continuation
 * cannot be allocated, -EOVERFLOW past VML_SWAP_CONT_MAX more.
 */
int vml_swap_duplicate(struct vml_swp_entry entry);

/**
 * vml_swap_free() - drop one reference (swap_free()); the slot is free when
 * no reference and no cache is left.
 * @entry: a slot with a reference.
 * Return: 0 or -EINVAL (reported once) for a slot with none.
 */
int vml_swap_free(struct vml_swp_entry entry);

/**
 * vml_swapcache_free() - the swap cache no longer holds the slot's page:
 * clear VML_SWAP_HAS_CACHE (put_swap_folio()).
 * @entry: a slot with the cache bit.
 * Return: 0 or -EINVAL.
 */
int vml_swapcache_free(struct vml_swp_entry entry);

/**
 * vml_swapcache_prepare() - take a slot's cache bit before reading its
 * page into the swap cache (swapcache_prepare()).
 * @entry: a slot with references.
 * Return: 0, -EEXIST if the bit is already taken (a page is cached or
 * being read), -ENOENT if the slot has no reference.
 */
int vml_swapcache_prepare(struct vml_swp_entry entry);

/**
 * vml_swap_refs() - a slot's references without the cache bit, its
 * continuation included (swp_swapcount()): the swap PTEs that name it
 * and a shared anonymous object's entry.
 * @entry: the slot.
 * Return: the count; 0 for a free, bad or unknown slot.
 */
int vml_swap_refs(struct vml_swp_entry entry);

/**
 * vml_swap_count() - a slot's swap_map value (the byte: references up
 * to VML_SWAP_MAP_MAX, VML_SWAP_HAS_CACHE, VML_COUNT_CONTINUED).
 * @entry: the slot.
 * Return: the value (0 free), or -EINVAL for a type or offset out of range.
 */
int vml_swap_count(struct vml_swp_entry entry);

/**
 * vml_swap_writepage() - write a page to its slot (swap_writepage()).
 * @entry: an allocated slot.
 * @page: the page.
 * Context: process context, may sleep.
 * Return: 0 or -errno (-EIO from the device, -EINVAL for a free slot).
 */
int vml_swap_writepage(struct vml_swp_entry entry, struct vml_page *page);

/**
 * vml_swap_readpage() - read a slot into a page (swap_readpage()).
 * @entry: an allocated slot.
 * @page: the page to fill.
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int vml_swap_readpage(struct vml_swp_entry entry, struct vml_page *page);

/**
 * struct vml_swap_totals - all areas together (si_swapinfo()).
 * @areas: active areas.
 * @pages: usable slots.
 * @inuse: slots in use.
 * @cont: slots whose count is continued past VML_SWAP_MAP_MAX.
 */
struct vml_swap_totals {
	unsigned int areas;
	unsigned long pages, inuse, cont;
};

/* Most pages vml_swap_selftest() moves in one call. */
#define VML_SWAP_SELFTEST_MAX	4096

/**
 * vml_swap_selftest() - write a pattern to @nr new slots, read it back,
 * compare, free the slots (selftest.c).
 * @nr: 1..VML_SWAP_SELFTEST_MAX.
 * @why: set to what failed.
 * Context: process context, may sleep.
 * Return: 0, -ENOSPC, -ENOMEM, an I/O error, or -EUCLEAN for a mismatch.
 */
int vml_swap_selftest(unsigned long nr, const char **why);

/** vml_swap_totals() - @t filled in for every area. */
void vml_swap_totals(struct vml_swap_totals *t);

/**
 * vml_swaps_show() - the areas in /proc/swaps' exact format.
 * @m: the seq_file.
 */
void vml_swaps_show(struct seq_file *m);

int vml_swapfile_init(void);
void vml_swapfile_exit(void);

/* ---- swap cache (swap_state.c) ---- */

/**
 * vml_add_to_swap_cache() - make @page the cached copy of @entry
 * (add_to_swap_cache()). Takes a reference, sets VML_PG_swapcache and
 * records the entry (vml_page_swap_entry()); page->private is left to
 * the page's owner (the anon_vma of an anonymous page).
 * @page: a locked page not in the swap cache.
 * @entry: a slot with VML_SWAP_HAS_CACHE.
 * Context: process context; may sleep (the xarray allocates nodes).
 * Return: 0, -EEXIST if the entry already has a page, -EBUSY if the page
 * is in the cache already, -EINVAL for a bad type, -ENOMEM.
 */
int vml_add_to_swap_cache(struct vml_page *page, struct vml_swp_entry entry);

/**
 * vml_page_swap_entry() - the entry a swap-cache page is cached under
 * (folio->swap).
 * @page: the page.
 * Return: the entry; val 0 if the page is not in the swap cache.
 */
struct vml_swp_entry vml_page_swap_entry(struct vml_page *page);

/**
 * vml_lookup_swap_cache() - the page cached for @entry, with a reference
 * (lookup_swap_cache()).
 * @entry: the slot.
 * Return: the page or NULL.
 */
struct vml_page *vml_lookup_swap_cache(struct vml_swp_entry entry);

/**
 * vml_delete_from_swap_cache() - remove @page from the cache and drop the
 * cache's reference (delete_from_swap_cache()); the slot's cache bit is
 * the caller's to clear (vml_swapcache_free()).
 * @page: a page in the swap cache.
 * Return: 0 or -EINVAL if it is not in the cache.
 */
int vml_delete_from_swap_cache(struct vml_page *page);

/**
 * struct vml_swap_cache_info - the cache's counters (swap_cache_info).
 * @pages: pages in the cache now (nr_swapcached).
 * @add_total: pages ever added.
 * @del_total: pages ever removed.
 * @find_success: lookups that found a page.
 * @find_total: lookups.
 */
struct vml_swap_cache_info {
	unsigned long pages, add_total, del_total, find_success, find_total;
};

/** vml_swap_cache_info() - @info filled in. */
void vml_swap_cache_info(struct vml_swap_cache_info *info);

int vml_swap_state_init(void);
void vml_swap_state_exit(void);

/* ---- the OOM killer (oom.c) ---- */

struct vml_mm;

/**
 * vml_oom_totalpages() - what badness is weighed against
 * (totalram_pages() + total_swap_pages): the arena's managed frames and
 * every swap slot.
 * Return: pages.
 */
unsigned long vml_oom_totalpages(void);

/**
 * vml_oom_badness() - how good a victim @mm is (oom_badness()): resident
 * pages + swap entries + page-table pages, plus oom_score_adj *
 * (@totalpages / 1000).
 * @mm: the mm.
 * @totalpages: from vml_oom_totalpages().
 * Return: the points, or LONG_MIN for an mm never chosen: at
 * VML_OOM_SCORE_ADJ_MIN, the kernel mm, a fork child being built, or one
 * already killed.
 */
long vml_oom_badness(struct vml_mm *mm, unsigned long totalpages);

/**
 * vml_oom_set_score_adj() - set @mm's oom_score_adj (a write to
 * /proc/PID/oom_score_adj).
 * @mm: a user mm.
 * @adj: VML_OOM_SCORE_ADJ_MIN..VML_OOM_SCORE_ADJ_MAX.
 * Return: 0, -EINVAL out of range, -EPERM for the kernel mm.
 */
int vml_oom_set_score_adj(struct vml_mm *mm, long adj);

/**
 * vml_oom_kill() - run the OOM killer once whatever the free memory, as
 * sysrq-f (moom_callback()): wait for a victim still being reaped, then
 * kill the mm of the highest badness and wait for its reap.
 * Context: process context, may sleep; holds no mmap_lock.
 * Return: the killed mm's id (> 0), -ESRCH when no mm can be chosen,
 * -EAGAIN when a victim's reap could not start (its mmap_lock is held),
 * -EINTR on a fatal signal.
 */
int vml_oom_kill(void);

/* ---- the layer (swap.c, check.c) ---- */

struct vml_check;

/**
 * vml_swap_check() - the swap layer's part of the invariant checker: LRU
 * lists, swap_map counters and hints, swap-cache entries (check.c).
 * @chk: the run (arena/check.h).
 * Context: process context, nothing else running in the VM.
 */
void vml_swap_check(struct vml_check *chk);

/**
 * vml_swap_init() - start the LRU, swap areas and the swap cache.
 * Return: 0 or -errno.
 */
int vml_swap_init(void);

/**
 * vml_swap_exit() - swapoff every area (none may have a slot in use),
 * empty the LRU batches and check the lists and the cache are empty.
 */
void vml_swap_exit(void);

/**
 * vml_swap_debugfs_init() - the "swaps" and "lru" files and the swapon,
 * swapoff and lru_policy commands.
 * @root: vmlab's debugfs directory.
 * Return: 0 or -errno.
 */
int vml_swap_debugfs_init(struct dentry *root);

/** vml_swap_debugfs_exit() - undo vml_swap_debugfs_init(). */
void vml_swap_debugfs_exit(void);

#endif /* VMLAB_SWAP_H */
