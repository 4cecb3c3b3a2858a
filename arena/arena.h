/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Describing physical memory
 *
 * arena.h - vmlab's description of physical memory (Gorman ch. 2, mmzone.h).
 *
 * The arena is one physically contiguous region of host RAM that vmlab owns.
 * It is described the way Linux describes memory: a frame descriptor
 * (struct vml_page) per 4 KiB frame, grouped into zones, grouped into nodes.
 * The descriptors and node structures live inside the arena itself, placed
 * there by the boot allocator before the buddy allocator takes over.
 *
 * Arena-relative frame numbers ("idx") are used internally so lists can be
 * 32 bits wide; callers outside see struct vml_page pointers or real PFNs.
 */
#ifndef VMLAB_ARENA_H
#define VMLAB_ARENA_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/mm.h>

#define VML_MAX_ORDER		11	/* orders 0..10, as MAX_ORDER in 6.1 */
#define VML_MAX_NODES		8
#define VML_IDX_NONE		U32_MAX

enum vml_zone_type {
	VML_ZONE_DMA,
	VML_ZONE_NORMAL,
	VML_ZONE_HIGH,
	VML_NR_ZONES,
};

/*
 * Page flags, the low bits of vml_page.flags. They are changed with atomic
 * operations only, so a flag update can never lose a concurrent one.
 */
enum vml_pageflags {
	VML_PG_reserved,	/* boot-time: metadata or never freed */
	VML_PG_buddy,		/* head of a free block in a free_area */
	VML_PG_pcp,		/* on a per-CPU free list */
	VML_PG_head,		/* head of an allocated block of order > 0 */
	VML_PG_slab,
	VML_PG_pgtable,
	VML_PG_locked,
	VML_PG_uptodate,
	VML_PG_dirty,
	VML_PG_referenced,
	VML_PG_active,
	VML_PG_lru,
	VML_PG_anon,
	VML_PG_swapcache,
	VML_PG_writeback,
	VML_PG_mlocked,
	VML_PG_zero,		/* the shared zero page */
	VML_PG_unevictable,	/* on the unevictable LRU list (swap/lru.c) */
	VML_PG_swapbacked,	/* on the anonymous LRU lists (swap/lru.c) */
	VML_NR_PAGEFLAGS,
};

/* Upper bits of vml_page.flags: order (4), zone (2), node (3). */
#define VML_ORDER_SHIFT		20
#define VML_ORDER_MASK		0xfu
#define VML_ZONE_SHIFT		24
#define VML_ZONE_MASK		0x3u
#define VML_NODE_SHIFT		26
#define VML_NODE_MASK		0x7u

/**
 * struct vml_page - frame descriptor, vmlab's struct page (32 bytes).
 * @flags: VML_PG_* bits plus order, zone and node (see VML_*_SHIFT).
 * @_refcount: references; 0 for a free frame.
 * @_mapcount: page-table mappings minus one, as Linux (-1 = unmapped).
 * @index: page-cache offset, swap entry or other per-owner value.
 * @lru_next: next frame (arena index) on whichever list holds the frame.
 * @lru_prev: previous frame on that list.
 * @private: owner's pointer: slab descriptor, address space, rmap chain.
 *
 * Lists link frames by 32-bit arena index rather than by list_head, which
 * is what keeps the descriptor at half the size of Linux's struct page.
 */
struct vml_page {
	atomic_t flags;
	atomic_t _refcount;
	atomic_t _mapcount;
	u32 index;
	u32 lru_next;
	u32 lru_prev;
	unsigned long private;
};

/**
 * struct vml_plist - head of a doubly linked list of frames (by index).
 * @first: arena index of the first frame, VML_IDX_NONE when empty.
 * @nr: number of entries.
 * @last: arena index of the last frame; meaningful only when @first is
 *        not VML_IDX_NONE, so a list initialised with @first alone is valid.
 */
struct vml_plist {
	u32 first;
	u32 nr;
	u32 last;
};

struct vml_free_area {
	struct vml_plist free_list;
};

struct vml_pcp;
struct vml_node;

/**
 * struct vml_zone - a range of frames with one free_area (Gorman 2.2).
 * @lock: protects free_area and free_pages; IRQ-safe.
 * @free_area: buddy free lists by order.
 * @free_pages: frames in free_area (pcp frames not included).
 * @pages_min: watermark below which only emergency allocations succeed.
 * @pages_low: watermark at which kswapd is woken.
 * @pages_high: watermark at which kswapd goes back to sleep.
 * @start_idx: arena index of the first frame.
 * @spanned: frames spanned.
 * @present: frames present (equal to spanned: the arena has no holes).
 * @managed: frames handed to the buddy allocator at boot-allocator retirement.
 * @pcp: per-CPU free lists, orders 0..3 (buddy/pcp.c).
 * @node: the node this zone belongs to.
 * @type: VML_ZONE_*.
 * @name: "DMA", "Normal" or "HighMem".
 */
struct vml_zone {
	spinlock_t lock;	/* free_area, free_pages */
	struct vml_free_area free_area[VML_MAX_ORDER];
	unsigned long free_pages;
	unsigned long pages_min, pages_low, pages_high;
	u32 start_idx;
	unsigned long spanned, present, managed;
	struct vml_pcp __percpu *pcp;
	struct vml_node *node;
	enum vml_zone_type type;
	const char *name;
};

/* Zonelist: the zones an allocation may use, in fallback order. */
#define VML_MAX_ZONELIST	(VML_MAX_NODES * VML_NR_ZONES)
struct vml_zonelist {
	struct vml_zone *zones[VML_MAX_ZONELIST + 1];	/* NULL terminated */
};

/**
 * struct vml_node - a (fake) NUMA node, vmlab's pg_data_t (Gorman 2.1).
 * @id: node number.
 * @zones: this node's zones; a zone with spanned == 0 is empty.
 * @zonelists: per highest usable zone type, the fallback order.
 * @start_idx: first arena index of the node.
 * @spanned: frames in the node.
 */
struct vml_node {
	int id;
	struct vml_zone zones[VML_NR_ZONES];
	struct vml_zonelist zonelists[VML_NR_ZONES];
	u32 start_idx;
	unsigned long spanned;
};

enum vml_reserve_how {
	VML_RESERVE_CONTIG,	/* alloc_contig_range from the page allocator */
	VML_RESERVE_MEMMAP,	/* a memmap= hole, mapped with memremap */
};

/**
 * struct vml_arena_config - what the arena is to look like.
 * @size_mb: arena size in MiB (4 .. as large as the host can give).
 * @phys: physical base of a memmap= region, 0 to take memory from the host.
 * @nodes: number of fake nodes (1 .. VML_MAX_NODES).
 * @dma_mb: size of the DMA-like zone at the bottom of the arena.
 * @high_mb: size of the high zone at the top, 0 for none.
 */
struct vml_arena_config {
	unsigned long size_mb;
	phys_addr_t phys;
	unsigned int nodes;
	unsigned long dma_mb;
	unsigned long high_mb;
};

/**
 * struct vml_arena - the arena as a whole.
 * @base_pfn: host PFN of the first frame.
 * @nr_frames: frames in the arena.
 * @virt: kernel virtual address of the first frame.
 * @mem_map: the frame descriptor array, inside the arena.
 * @nodes: node descriptors, inside the arena.
 * @nr_nodes: number of nodes.
 * @how: how the memory was reserved.
 * @host_nid: the host NUMA node the memory came from (NUMA_NO_NODE: unknown).
 * @meta_frames: frames the boot allocator kept for metadata.
 * @meta_bytes: bytes of metadata the boot allocator handed out.
 * @boot_freed: frames released to the buddy allocator at retirement.
 * @cfg: the configuration it was built with.
 */
struct vml_arena {
	unsigned long base_pfn;
	unsigned long nr_frames;
	void *virt;
	struct vml_page *mem_map;
	struct vml_node *nodes[VML_MAX_NODES];
	unsigned int nr_nodes;
	enum vml_reserve_how how;
	int host_nid;
	unsigned long meta_frames;
	unsigned long meta_bytes;
	unsigned long boot_freed;
	struct vml_arena_config cfg;
};

extern struct vml_arena vml_arena;

/**
 * vml_arena_create() - reserve the arena and describe it.
 * @cfg: the requested configuration; validated here.
 *
 * Reserves the memory, runs the boot allocator to place the frame
 * descriptors and node structures in the arena, and builds zones and
 * zonelists. Every frame starts reserved; the buddy allocator then retires
 * the boot allocator with vml_arena_retire_bootmem().
 * Return: 0, or -errno with nothing left behind.
 */
int vml_arena_create(const struct vml_arena_config *cfg);

/**
 * vml_arena_destroy() - give the arena back to the host.
 *
 * Every frame must have been returned to the buddy allocator; frames that
 * were not are reported, and the memory is given back regardless.
 */
void vml_arena_destroy(void);

/**
 * vml_arena_retire_bootmem() - release every frame the boot allocator did
 * not hand out.
 * @release: the page allocator's hook, called once per free aligned block.
 * Return: frames released (0 if the boot allocator was already retired).
 */
unsigned long vml_arena_retire_bootmem(void (*release)(u32 idx, unsigned int order));

/**
 * vml_arena_validate() - check a configuration without applying it.
 * @cfg: configuration to check.
 * @why: set to a message explaining a refusal.
 * Return: 0 or -EINVAL.
 */
int vml_arena_validate(const struct vml_arena_config *cfg, const char **why);

/**
 * vml_arena_debugfs_init() - create the arena file.
 * @root: vmlab's debugfs directory.
 */
void vml_arena_debugfs_init(struct dentry *root);

struct seq_file;

/**
 * vml_arena_set_census_show() - a hook for the page allocator above: the
 * line it prints at the end of the arena file (the frame census).
 * @show: the printer, or NULL to print none.
 */
void vml_arena_set_census_show(void (*show)(struct seq_file *m));

/* Frames in @mb MiB, and whole MiB in @frames frames. */
static inline unsigned long vml_mb_to_frames(unsigned long mb)
{
	return mb << (20 - PAGE_SHIFT);
}

static inline unsigned long vml_frames_to_mb(unsigned long frames)
{
	return frames >> (20 - PAGE_SHIFT);
}

static inline bool vml_arena_live(void)
{
	return !!vml_arena.mem_map;
}

static inline u32 vml_page_idx(const struct vml_page *page)
{
	return page - vml_arena.mem_map;
}

static inline struct vml_page *vml_idx_to_page(u32 idx)
{
	return &vml_arena.mem_map[idx];
}

static inline unsigned long vml_page_to_pfn(const struct vml_page *page)
{
	return vml_arena.base_pfn + vml_page_idx(page);
}

static inline bool vml_pfn_valid(unsigned long pfn)
{
	return pfn >= vml_arena.base_pfn &&
	       pfn - vml_arena.base_pfn < vml_arena.nr_frames;
}

/* Caller guarantees vml_pfn_valid(pfn). */
static inline struct vml_page *vml_pfn_to_page(unsigned long pfn)
{
	return &vml_arena.mem_map[pfn - vml_arena.base_pfn];
}

static inline phys_addr_t vml_page_to_phys(const struct vml_page *page)
{
	return PFN_PHYS(vml_page_to_pfn(page));
}

/*
 * The arena keeps its own phys-to-virt translation: a memmap= region is not
 * in the host's direct map, so __va()/page_address() cannot be used.
 */
static inline void *vml_page_address(const struct vml_page *page)
{
	return vml_arena.virt + ((unsigned long)vml_page_idx(page) << PAGE_SHIFT);
}

static inline bool vml_virt_in_arena(const void *addr)
{
	return addr >= vml_arena.virt &&
	       addr < vml_arena.virt + (vml_arena.nr_frames << PAGE_SHIFT);
}

/* Caller guarantees vml_virt_in_arena(addr). */
static inline struct vml_page *vml_virt_to_page(const void *addr)
{
	return vml_idx_to_page((addr - vml_arena.virt) >> PAGE_SHIFT);
}

/* True when @page points at a descriptor of the live arena. */
static inline bool vml_page_in_arena(const struct vml_page *page)
{
	unsigned long off = (unsigned long)page - (unsigned long)vml_arena.mem_map;

	return vml_arena.mem_map && off < vml_arena.nr_frames * sizeof(*page) &&
	       off % sizeof(*page) == 0;
}

/* ---- flags ---- */

static inline bool vml_page_test(const struct vml_page *page, int bit)
{
	return atomic_read(&page->flags) & BIT(bit);
}

static inline void vml_page_set(struct vml_page *page, int bit)
{
	atomic_or(BIT(bit), &page->flags);
}

static inline void vml_page_clear(struct vml_page *page, int bit)
{
	atomic_andnot(BIT(bit), &page->flags);
}

static inline bool vml_page_test_and_set(struct vml_page *page, int bit)
{
	return atomic_fetch_or(BIT(bit), &page->flags) & BIT(bit);
}

static inline bool vml_page_test_and_clear(struct vml_page *page, int bit)
{
	return atomic_fetch_andnot(BIT(bit), &page->flags) & BIT(bit);
}

static inline unsigned int vml_page_order(const struct vml_page *page)
{
	return (atomic_read(&page->flags) >> VML_ORDER_SHIFT) & VML_ORDER_MASK;
}

static inline void vml_set_page_order(struct vml_page *page, unsigned int order)
{
	int old = atomic_read(&page->flags), new;

	do {
		new = (old & ~(VML_ORDER_MASK << VML_ORDER_SHIFT)) |
		      (order << VML_ORDER_SHIFT);
	} while (!atomic_try_cmpxchg(&page->flags, &old, new));
}

static inline enum vml_zone_type vml_page_zonenum(const struct vml_page *page)
{
	return (atomic_read(&page->flags) >> VML_ZONE_SHIFT) & VML_ZONE_MASK;
}

static inline int vml_page_nid(const struct vml_page *page)
{
	return (atomic_read(&page->flags) >> VML_NODE_SHIFT) & VML_NODE_MASK;
}

static inline struct vml_zone *vml_page_zone(const struct vml_page *page)
{
	return &vml_arena.nodes[vml_page_nid(page)]->zones[vml_page_zonenum(page)];
}

static inline int vml_page_count(const struct vml_page *page)
{
	return atomic_read(&page->_refcount);
}

static inline int vml_page_mapcount(const struct vml_page *page)
{
	return atomic_read(&page->_mapcount) + 1;
}

/* ---- frame lists (arena/plist.c) ---- */

static inline void vml_plist_init(struct vml_plist *list)
{
	list->first = VML_IDX_NONE;
	list->nr = 0;
}

static inline bool vml_plist_empty(const struct vml_plist *list)
{
	return list->first == VML_IDX_NONE;
}

/**
 * vml_plist_add() - push a frame on the front of a list.
 * @list: the list.
 * @page: a frame on no list.
 */
void vml_plist_add(struct vml_plist *list, struct vml_page *page);

/**
 * vml_plist_add_tail() - append a frame to a list.
 * @list: the list.
 * @page: a frame on no list.
 */
void vml_plist_add_tail(struct vml_plist *list, struct vml_page *page);

/**
 * vml_plist_del() - unlink a frame from the list that holds it.
 * @list: the list holding @page.
 * @page: the frame.
 */
void vml_plist_del(struct vml_plist *list, struct vml_page *page);

/**
 * vml_plist_pop() - unlink and return the first frame.
 * @list: the list.
 * Return: the frame, or NULL if the list is empty.
 */
struct vml_page *vml_plist_pop(struct vml_plist *list);

/**
 * vml_plist_last() - the last frame, without unlinking it.
 * @list: the list.
 * Return: the frame, or NULL if the list is empty.
 */
static inline struct vml_page *vml_plist_last(const struct vml_plist *list)
{
	return vml_plist_empty(list) ? NULL : vml_idx_to_page(list->last);
}

/**
 * vml_next_zone() - walk the populated zones, node by node, low type first.
 * @zone: the previous zone, or NULL to start.
 * Return: the next populated zone, or NULL after the last.
 *
 * Use: for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)).
 */
struct vml_zone *vml_next_zone(struct vml_zone *zone);

extern const char * const vml_zone_names[VML_NR_ZONES];

#endif /* VMLAB_ARENA_H */
