// SPDX-License-Identifier: GPL-2.0
/*
 * arena.c - build the description of the arena: nodes, zones, frames.
 *
 * Follows free_area_init_core() (Gorman 2.2-2.3): the frame descriptor
 * array (mem_map) and the node descriptors are allocated with the boot
 * allocator inside the arena, every frame starts out reserved, and the
 * buddy allocator later releases the ones the boot allocator did not use.
 *
 * Layout: nodes split the arena into equal consecutive slices (fake NUMA).
 * Zones are ranges of the whole arena: DMA at the bottom, HighMem at the
 * top, Normal in between, so as on a real machine only the first node has
 * a DMA zone and only the last one a high zone.
 *
 * Called at module load and from KUnit suites; never concurrently.
 */
#include <linux/string.h>
#include <linux/numa.h>
#include "arena/arena.h"
#include "arena/bootmem.h"
#include "arena/fail.h"
#include "arena/reserve.h"

struct vml_arena vml_arena;

const char * const vml_zone_names[VML_NR_ZONES] = {
	[VML_ZONE_DMA] = "DMA",
	[VML_ZONE_NORMAL] = "Normal",
	[VML_ZONE_HIGH] = "HighMem",
};

#define VML_ARENA_MIN_MB	4
#define VML_ARENA_MAX_MB	(64ul << 10)	/* 2^24 frames: idx fits in u32 */

int vml_arena_validate(const struct vml_arena_config *cfg, const char **why)
{
	unsigned long per_node;

	if (cfg->size_mb < VML_ARENA_MIN_MB || cfg->size_mb > VML_ARENA_MAX_MB) {
		*why = "arena_mb must be between 4 and 65536";
		return -EINVAL;
	}
	if (!cfg->nodes || cfg->nodes > VML_MAX_NODES) {
		*why = "nodes must be between 1 and 8";
		return -EINVAL;
	}
	per_node = vml_mb_to_frames(cfg->size_mb) / cfg->nodes;
	if (per_node < (1ul << (VML_MAX_ORDER - 1))) {
		*why = "each node needs at least 4 MiB (arena_mb / nodes)";
		return -EINVAL;
	}
	if (cfg->dma_mb + cfg->high_mb >= cfg->size_mb) {
		*why = "zone_dma_mb + zone_high_mb must leave room for the Normal zone";
		return -EINVAL;
	}
	/* Buddy blocks are aligned by arena index; keep that physical too. */
	if (cfg->phys & ((PAGE_SIZE << (VML_MAX_ORDER - 1)) - 1)) {
		*why = "arena_phys must be 4 MiB aligned";
		return -EINVAL;
	}
	return 0;
}

static void init_zone(struct vml_node *node, enum vml_zone_type type,
		      u32 zstart, u32 zend)
{
	struct vml_zone *zone = &node->zones[type];
	u32 start = max_t(u32, zstart, node->start_idx);
	u32 end = min_t(u32, zend, node->start_idx + node->spanned);
	int order;

	spin_lock_init(&zone->lock);
	for (order = 0; order < VML_MAX_ORDER; order++)
		vml_plist_init(&zone->free_area[order].free_list);
	zone->node = node;
	zone->type = type;
	zone->name = vml_zone_names[type];
	if (start >= end)
		return;
	zone->start_idx = start;
	zone->spanned = end - start;
	zone->present = zone->spanned;
}

/* Every frame reserved, tagged with its zone and node, on no list. */
static void init_frames(struct vml_node *node)
{
	struct vml_zone *zone;
	u32 i;

	for (zone = node->zones; zone < node->zones + VML_NR_ZONES; zone++) {
		u32 tag = BIT(VML_PG_reserved) |
			  (zone->type << VML_ZONE_SHIFT) |
			  (node->id << VML_NODE_SHIFT);

		for (i = zone->start_idx; i < zone->start_idx + zone->spanned; i++) {
			struct vml_page *page = &vml_arena.mem_map[i];

			atomic_set(&page->flags, tag);
			atomic_set(&page->_refcount, 1);
			atomic_set(&page->_mapcount, -1);
			page->lru_next = VML_IDX_NONE;
			page->lru_prev = VML_IDX_NONE;
		}
	}
}

/*
 * Node order, as Linux's default: the node's own zones from the highest
 * allowed type down, then the same for every other node in turn.
 */
static void build_zonelists(struct vml_node *node)
{
	int top, n, k, type;

	for (top = 0; top < VML_NR_ZONES; top++) {
		struct vml_zonelist *zl = &node->zonelists[top];

		k = 0;
		for (n = 0; n < vml_arena.nr_nodes; n++) {
			struct vml_node *other =
				vml_arena.nodes[(node->id + n) % vml_arena.nr_nodes];

			for (type = top; type >= 0; type--)
				if (other->zones[type].spanned)
					zl->zones[k++] = &other->zones[type];
		}
		zl->zones[k] = NULL;
	}
}

static int build_nodes(void)
{
	const struct vml_arena_config *cfg = &vml_arena.cfg;
	unsigned long nr = vml_arena.nr_frames;
	u32 per_node = nr / cfg->nodes;
	u32 dma_end = vml_mb_to_frames(cfg->dma_mb);
	u32 high_start = nr - vml_mb_to_frames(cfg->high_mb);
	unsigned int n;

	vml_arena.nr_nodes = cfg->nodes;
	for (n = 0; n < cfg->nodes; n++) {
		struct vml_node *node;

		/* No goal: consecutive node descriptors share pages. */
		node = vml_bootmem_alloc(sizeof(*node), SMP_CACHE_BYTES, 0);
		if (!node)
			return -ENOMEM;
		node->id = n;
		node->start_idx = n * per_node;
		node->spanned = n == cfg->nodes - 1 ? nr - node->start_idx : per_node;
		vml_arena.nodes[n] = node;
		init_zone(node, VML_ZONE_DMA, 0, dma_end);
		init_zone(node, VML_ZONE_NORMAL, dma_end, high_start);
		init_zone(node, VML_ZONE_HIGH, high_start, nr);
	}
	for (n = 0; n < cfg->nodes; n++) {
		init_frames(vml_arena.nodes[n]);
		build_zonelists(vml_arena.nodes[n]);
	}
	return 0;
}

int vml_arena_create(const struct vml_arena_config *cfg)
{
	const char *why;
	int ret;

	if (vml_arena.virt)
		return -EBUSY;
	ret = vml_arena_validate(cfg, &why);
	if (ret) {
		pr_err("vmlab: %s\n", why);
		return ret;
	}
	vml_fail_reset();
	memset(&vml_arena, 0, sizeof(vml_arena));
	vml_arena.cfg = *cfg;
	ret = vml_reserve(cfg);
	if (ret)
		return ret;
	ret = vml_bootmem_init();
	if (ret)
		goto fail;
	ret = -ENOMEM;
	vml_arena.mem_map = vml_bootmem_alloc(vml_arena.nr_frames *
					      sizeof(struct vml_page),
					      PAGE_SIZE, 0);
	if (!vml_arena.mem_map)
		goto fail;
	ret = build_nodes();
	if (ret)
		goto fail;
	/* What the boot allocator hands out stays reserved for good. */
	vml_arena.meta_frames = vml_bootmem.alloc_frames;
	vml_arena.meta_bytes = vml_bootmem.alloc_bytes;
	return 0;
fail:
	pr_err("vmlab: arena of %lu MiB too small for its own metadata\n",
	       cfg->size_mb);
	vml_arena.mem_map = NULL;
	vml_unreserve();
	return ret;
}

struct vml_zone *vml_next_zone(struct vml_zone *zone)
{
	unsigned int nid = zone ? zone->node->id : 0;
	int type = zone ? zone->type + 1 : 0;

	for (; nid < vml_arena.nr_nodes; nid++, type = 0)
		for (; type < VML_NR_ZONES; type++)
			if (vml_arena.nodes[nid]->zones[type].spanned)
				return &vml_arena.nodes[nid]->zones[type];
	return NULL;
}

unsigned long vml_arena_retire_bootmem(void (*release)(u32 idx, unsigned int order))
{
	unsigned long n = vml_bootmem_retire(release);

	vml_arena.boot_freed += n;
	return n;
}

void vml_arena_destroy(void)
{
	if (!vml_arena.virt)
		return;
	vml_arena.mem_map = NULL;
	vml_unreserve();
	memset(&vml_arena, 0, sizeof(vml_arena));
}
