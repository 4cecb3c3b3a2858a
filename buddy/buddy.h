/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The page allocator
 *
 * buddy.h - vmlab's page allocator (Gorman ch. 6, mm/page_alloc.c).
 *
 * A binary buddy allocator per zone, orders 0..10, with per-CPU lists for
 * orders 0..3 as today's Linux has (buddy/pcp.c). Allocation walks a
 * zonelist chosen by the GFP zone modifiers and the calling CPU's node,
 * honours the zone watermarks, wakes kswapd at pages_low and reclaims
 * directly at pages_min through hooks that the reclaim code registers.
 *
 * Context: vml_alloc_pages() may sleep only when the GFP flags allow it
 * (VML___GFP_DIRECT_RECLAIM); vml_free_pages() may be called from any
 * context, interrupts included.
 */
#ifndef VMLAB_BUDDY_H
#define VMLAB_BUDDY_H

#include <linux/types.h>
#include "arena/arena.h"

/* Checked by sparse like gfp_t: flags only mix with flags. */
typedef unsigned int __bitwise vml_gfp_t;

/* Zone modifiers. */
#define VML___GFP_DMA		((__force vml_gfp_t)0x001u)
#define VML___GFP_HIGHMEM	((__force vml_gfp_t)0x002u)
/*
 * Action modifiers. HIGH may use half of the min reserve and ATOMIC (for
 * callers that cannot sleep) a further quarter; DIRECT_RECLAIM may sleep
 * and reclaim ("wait" in 2.4); MEMALLOC ignores watermarks (reclaim itself).
 */
#define VML___GFP_HIGH		((__force vml_gfp_t)0x004u)
#define VML___GFP_ATOMIC	((__force vml_gfp_t)0x008u)
#define VML___GFP_DIRECT_RECLAIM ((__force vml_gfp_t)0x010u)
#define VML___GFP_KSWAPD_RECLAIM ((__force vml_gfp_t)0x020u)
#define VML___GFP_IO		((__force vml_gfp_t)0x040u)
#define VML___GFP_FS		((__force vml_gfp_t)0x080u)
#define VML___GFP_ZERO		((__force vml_gfp_t)0x100u)
#define VML___GFP_NOWARN	((__force vml_gfp_t)0x200u)
#define VML___GFP_NORETRY	((__force vml_gfp_t)0x400u)
#define VML___GFP_MEMALLOC	((__force vml_gfp_t)0x800u)

#define VML___GFP_RECLAIM	(VML___GFP_DIRECT_RECLAIM | VML___GFP_KSWAPD_RECLAIM)
#define VML_GFP_ATOMIC		(VML___GFP_HIGH | VML___GFP_ATOMIC | VML___GFP_KSWAPD_RECLAIM)
#define VML_GFP_NOWAIT		(VML___GFP_KSWAPD_RECLAIM)
#define VML_GFP_NOIO		(VML___GFP_RECLAIM)
#define VML_GFP_NOFS		(VML___GFP_RECLAIM | VML___GFP_IO)
#define VML_GFP_KERNEL		(VML___GFP_RECLAIM | VML___GFP_IO | VML___GFP_FS)
#define VML_GFP_USER		VML_GFP_KERNEL
#define VML_GFP_HIGHUSER	(VML_GFP_USER | VML___GFP_HIGHMEM)
#define VML_GFP_DMA		VML___GFP_DMA

/**
 * vml_alloc_pages_node() - allocate 2^order contiguous frames.
 * @nid: preferred node, or NUMA_NO_NODE for the calling CPU's node.
 * @gfp: VML_GFP_* flags.
 * @order: 0..10.
 *
 * The frames come back with a reference count of one, unmapped; with
 * VML___GFP_ZERO their contents are zeroed.
 * Return: the first frame, or NULL.
 */
struct vml_page *vml_alloc_pages_node(int nid, vml_gfp_t gfp, unsigned int order);

/**
 * vml_alloc_pages() - allocate 2^order frames near the calling CPU.
 * @gfp: VML_GFP_* flags.
 * @order: 0..10.
 * Return: the first frame, or NULL.
 */
struct vml_page *vml_alloc_pages(vml_gfp_t gfp, unsigned int order);

/**
 * vml_free_pages() - drop a reference to a block and free it at zero.
 * @page: first frame of a block from vml_alloc_pages().
 * @order: the order it was allocated with.
 *
 * A free that would corrupt the allocator (a frame outside the arena, a
 * double free, the wrong order, a frame still mapped) is reported once,
 * counted in vmstat as bad_free, and refused.
 */
void vml_free_pages(struct vml_page *page, unsigned int order);

/**
 * vml_free_check() - would freeing @page at @order be accepted?
 * @page: a frame descriptor pointer (need not be valid).
 * @order: the order the caller claims.
 * Return: NULL if the free is valid, else why it would be refused.
 */
const char *vml_free_check(const struct vml_page *page, unsigned int order);

static inline void vml_get_page(struct vml_page *page)
{
	atomic_inc(&page->_refcount);
}

/**
 * vml_put_page() - drop a reference; free the block (of the order recorded
 * at allocation) when it was the last. Only the last reference goes
 * through vml_free_pages()'s checks (a mapped page may lose a reference
 * while other PTEs still map it).
 * @page: first frame of an allocated block.
 */
void vml_put_page(struct vml_page *page);

/**
 * vml_drain_all_pages() - return every per-CPU list to the buddy lists.
 *
 * Context: process context; interrupts each CPU.
 */
void vml_drain_all_pages(void);

/**
 * struct vml_reclaim_hooks - how the page allocator asks reclaim for help.
 * @wakeup_kswapd: a zone fell below pages_low; wake the daemon.
 * @try_to_free_pages: direct reclaim; return frames freed.
 * @out_of_memory: last resort, after a direct reclaim that freed nothing:
 *	the OOM killer (__alloc_pages_may_oom()); return true if memory
 *	was freed and the allocation should be tried again. Called only
 *	for allocations that may sleep and retry.
 * @lru_release: the last reference to a page with VML_PG_lru set is being
 *	dropped (__page_cache_release() in 6.1's __folio_put()): drop that
 *	reference and, if it was still the last, take the page off its LRU
 *	list and leave the count at one for the free. Returns true when
 *	the page is to be freed, false when an isolation took a reference
 *	meanwhile (the page is then theirs). Called from any context.
 *
 * Reclaim lives above the allocator, so it registers these rather than
 * being called by name. Until it does, defaults count what would happen.
 */
struct vml_reclaim_hooks {
	void (*wakeup_kswapd)(struct vml_zone *zone, unsigned int order);
	unsigned long (*try_to_free_pages)(struct vml_zonelist *zl,
					   vml_gfp_t gfp, unsigned int order);
	bool (*out_of_memory)(struct vml_zonelist *zl, vml_gfp_t gfp,
			      unsigned int order);
	bool (*lru_release)(struct vml_page *page);
};

/**
 * vml_set_reclaim_hooks() - install reclaim's hooks (NULL restores defaults).
 * @hooks: the hooks; must stay valid until replaced.
 */
void vml_set_reclaim_hooks(const struct vml_reclaim_hooks *hooks);

/**
 * vml_zone_watermark_ok() - can @zone give 2^order frames above @mark?
 * @zone: the zone.
 * @order: allocation order.
 * @mark: the watermark in frames.
 * @gfp: flags that lower the bar (VML___GFP_HIGH, VML___GFP_ATOMIC).
 * Return: true if the allocation may proceed.
 */
bool vml_zone_watermark_ok(struct vml_zone *zone, unsigned int order,
			   unsigned long mark, vml_gfp_t gfp);

/**
 * struct vml_frame_census - where every arena frame is.
 * @total: frames in the arena.
 * @reserved: kept by the boot allocator (metadata).
 * @buddy: free in the buddy lists.
 * @pcp: free on per-CPU lists.
 * @allocated: handed out.
 */
struct vml_frame_census {
	unsigned long total, reserved, buddy, pcp, allocated;
};

/**
 * vml_take_census() - walk every frame and account for it.
 * @c: filled in.
 * Return: 0 if the walk agrees with the zones' counters, -EUCLEAN if not.
 */
int vml_take_census(struct vml_frame_census *c);

struct vml_check;

/**
 * vml_buddy_check() - the page allocator's part of the invariant checker:
 * claim every block on a zone free list and on every CPU's lists, and
 * every block ctl alloc_pages handed out; report lists that loop, link
 * back wrongly, hold misaligned or mis-flagged blocks, or disagree with
 * their counters (buddyinfo's per-order counts, zoneinfo's free_pages,
 * the per-CPU counts).
 * @chk: the run (arena/check.h).
 * Context: process context; takes each zone's lock and interrupts each
 * online CPU in turn.
 */
void vml_buddy_check(struct vml_check *chk);

/**
 * vml_buddy_init() - set up the allocator over a freshly created arena.
 *
 * Computes watermarks and per-CPU list sizes, then retires the boot
 * allocator into the free lists.
 * Return: 0 or -ENOMEM.
 */
int vml_buddy_init(void);

/**
 * vml_buddy_exit() - drain per-CPU lists and check every frame came back.
 * Return: frames still allocated (leaked by a caller).
 */
unsigned long vml_buddy_exit(void);

/**
 * vml_buddy_debugfs_init() - buddyinfo, vmstat, extfrag and the page ctl
 * commands.
 * @root: vmlab's debugfs directory.
 * Return: 0 or -errno.
 */
int vml_buddy_debugfs_init(struct dentry *root);

/** vml_buddy_debugfs_exit() - free what ctl allocated; remove commands. */
void vml_buddy_debugfs_exit(void);

/* Fragmentation indices (mm/vmstat.c), scaled by 1000. */
int vml_unusable_index(struct vml_zone *zone, unsigned int order);
int vml_fragmentation_index(struct vml_zone *zone, unsigned int order);

/* Free blocks of each order in @zone, under its lock. */
void vml_zone_free_counts(struct vml_zone *zone, unsigned long nr[VML_MAX_ORDER]);

/* Frames on @zone's per-CPU lists, all CPUs. */
unsigned long vml_zone_pcp_count(struct vml_zone *zone);

/**
 * struct vml_pcp_info - one CPU's per-CPU list of a zone.
 * @count: frames on it.
 * @high: the count above which a batch goes back to the buddy lists.
 * @batch: frames moved at a time.
 */
struct vml_pcp_info {
	unsigned int count, high, batch;
};

/**
 * vml_zone_pcp_info() - one CPU's per-CPU list for @zone, for display.
 * @zone: the zone.
 * @cpu: the CPU.
 * Return: its count, high and batch.
 */
struct vml_pcp_info vml_zone_pcp_info(struct vml_zone *zone, int cpu);

/* ---- blocks owned by the interface (owned.c) ---- */

/**
 * vml_owned_alloc_pages() - vml_alloc_pages() for the interface (ctl's
 * alloc_pages): the block is remembered, so that only it can be freed
 * through vml_owned_free_pages().
 * @gfp: as vml_alloc_pages().
 * @order: as vml_alloc_pages().
 * Return: the first page, or NULL (no block, or no host memory for the
 *         registry entry).
 */
struct vml_page *vml_owned_alloc_pages(vml_gfp_t gfp, unsigned int order);

/**
 * vml_owned_free_pages() - free a block vml_owned_alloc_pages() handed
 * out. The block is looked up and removed under the registry's lock
 * before it is freed; anything else is never passed to a free: it is
 * refused, reported and counted as a bad free (vmstat bad_free), and the
 * frame is left as it was.
 * @pfn: the block's first frame.
 * @order: its order.
 * @why: out: why a free was refused, NULL on success.
 * Context: may sleep.
 * Return: 0; -EINVAL (not in the arena, a free frame, an order other than
 *         the allocation's, metadata); -EPERM (an allocated frame the
 *         interface did not hand out).
 */
int vml_owned_free_pages(unsigned long pfn, unsigned int order, const char **why);

/**
 * vml_owned_order() - the order of a block the interface holds.
 * @pfn: its first frame.
 * Return: the order, or -ENOENT.
 */
int vml_owned_order(unsigned long pfn);

/**
 * vml_owned_frames() - frames the interface holds (for a census).
 * Return: the sum over its blocks of 2^order.
 */
unsigned long vml_owned_frames(void);

/** vml_owned_release_all() - free every block the interface holds. */
void vml_owned_release_all(void);

#endif /* VMLAB_BUDDY_H */
