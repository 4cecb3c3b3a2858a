// SPDX-License-Identifier: GPL-2.0
/*
 * arena_test.c - KUnit suite for the arena: sizes from 4 MiB to 1 GiB, fake
 * nodes, zone layout, the boot allocator's accounting and its retirement,
 * the 32-byte frame descriptor, and configuration checks.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include "vmlab_core.h"
#include "vml_test.h"
#include "arena/bootmem.h"
#include "buddy/buddy.h"

static void arena_test_descriptor_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vml_page), (size_t)32);
}

/* Every frame is metadata, free in the buddy lists, or nothing else. */
static void check_accounting(struct kunit *test)
{
	struct vml_frame_census c;
	unsigned long managed = 0, spanned = 0, free = 0;
	struct vml_zone *zone;

	KUNIT_EXPECT_EQ(test, vml_take_census(&c), 0);
	KUNIT_EXPECT_EQ(test, c.total, vml_arena.nr_frames);
	KUNIT_EXPECT_EQ(test, c.allocated, 0ul);
	KUNIT_EXPECT_EQ(test, c.reserved, vml_arena.meta_frames);
	KUNIT_EXPECT_EQ(test, c.buddy, vml_arena.boot_freed);
	KUNIT_EXPECT_EQ(test, vml_arena.meta_frames + vml_arena.boot_freed,
			vml_arena.nr_frames);
	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)) {
		managed += zone->managed;
		spanned += zone->spanned;
		free += zone->free_pages;
		KUNIT_EXPECT_LE(test, zone->pages_min, zone->managed / 8 + 1);
	}
	KUNIT_EXPECT_EQ(test, spanned, vml_arena.nr_frames);
	KUNIT_EXPECT_EQ(test, managed, vml_arena.boot_freed);
	KUNIT_EXPECT_EQ(test, free, managed);
	/* mem_map is 32 bytes a frame; node descriptors add a page or two. */
	KUNIT_EXPECT_LE(test, vml_arena.meta_frames,
			DIV_ROUND_UP(vml_arena.nr_frames * 32, PAGE_SIZE) + 2);
	KUNIT_EXPECT_TRUE(test, vml_bootmem.retired);
}

static const unsigned long sizes_mb[] = { 4, 8, 16, 64, 256, 1024 };

static void size_desc(const unsigned long *mb, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lu MiB", *mb);
}

KUNIT_ARRAY_PARAM(arena_sizes, sizes_mb, size_desc);

static void arena_test_sizes(struct kunit *test)
{
	unsigned long mb = *(const unsigned long *)test->param_value;
	struct vml_config cfg;

	vml_default_config(&cfg, mb);
	cfg.top = VML_LAYER_BUDDY;
	KUNIT_ASSERT_EQ(test, vmlab_core_start(&cfg), 0);
	KUNIT_EXPECT_EQ(test, vml_arena.nr_frames, vml_mb_to_frames(mb));
	/* Contiguous ranges are taken on a 4 MiB boundary. */
	KUNIT_EXPECT_EQ(test, vml_arena.base_pfn & 1023, 0ul);
	check_accounting(test);
	if (mb >= 512)
		KUNIT_EXPECT_NE(test, vml_arena.nodes[0]->zones[VML_ZONE_HIGH].spanned, 0ul);
	vml_test_check(test);
	vmlab_core_stop();
	KUNIT_EXPECT_FALSE(test, vml_arena_live());
}

/* Nodes are equal slices; DMA only on the first, HighMem only on the last. */
static void arena_test_four_nodes(struct kunit *test)
{
	size_t desc = ALIGN(sizeof(struct vml_node), SMP_CACHE_BYTES);
	unsigned long per_page = 1 + (PAGE_SIZE - sizeof(struct vml_node)) / desc;
	struct vml_page *page;
	int n;

	/* 16 MiB nodes: DMA is half of node 0, HighMem half of node 3. */
	KUNIT_ASSERT_EQ(test, vml_test_start_buddy(64, 4, 8, 8), 0);
	KUNIT_EXPECT_EQ(test, vml_arena.nr_nodes, 4u);
	for (n = 0; n < 4; n++) {
		struct vml_node *node = vml_arena.nodes[n];

		KUNIT_EXPECT_EQ(test, node->spanned, vml_arena.nr_frames / 4);
		KUNIT_EXPECT_EQ(test, node->start_idx, n * (u32)(vml_arena.nr_frames / 4));
		KUNIT_EXPECT_EQ(test, !!node->zones[VML_ZONE_DMA].spanned, n == 0);
		KUNIT_EXPECT_EQ(test, !!node->zones[VML_ZONE_HIGH].spanned, n == 3);
		/* The node's own zones come first in its zonelist. */
		KUNIT_EXPECT_PTR_EQ(test, node->zonelists[VML_ZONE_NORMAL].zones[0]->node, node);
		page = vml_alloc_pages_node(n, VML_GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, vml_page_nid(page), n);
		vml_free_pages(page, 0);
	}
	/* Node descriptors share pages: the boot allocator merged them. */
	KUNIT_ASSERT_GT(test, per_page, 0ul);
	KUNIT_EXPECT_EQ(test, vml_bootmem.merged, 4 - DIV_ROUND_UP(4, per_page));
	KUNIT_EXPECT_EQ(test, vml_arena.meta_frames,
			DIV_ROUND_UP(vml_arena.nr_frames * 32, PAGE_SIZE) +
			DIV_ROUND_UP(4, per_page));
	vml_drain_all_pages();
	check_accounting(test);
	vml_test_check(test);
	vmlab_core_stop();
}

struct local_arg {
	int nid;
	struct completion done;
};

static int alloc_on_cpu(void *data)
{
	struct local_arg *a = data;
	struct vml_page *page = vml_alloc_pages(VML_GFP_KERNEL, 0);

	a->nid = page ? vml_page_nid(page) : -1;
	if (page)
		vml_free_pages(page, 0);
	complete(&a->done);
	return 0;
}

/* Node-local allocation: CPU c allocates from node c % nodes. */
static void arena_test_local_node(struct kunit *test)
{
	struct local_arg a;
	int cpu;

	KUNIT_ASSERT_EQ(test, vml_test_start_buddy(64, 4, 0, 0), 0);
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		init_completion(&a.done);
		t = kthread_create(alloc_on_cpu, &a, "vml_local/%d", cpu);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		kthread_bind(t, cpu);
		wake_up_process(t);
		wait_for_completion(&a.done);
		KUNIT_EXPECT_EQ(test, a.nid, cpu % 4);
	}
	vml_drain_all_pages();
	vml_test_check(test);
	vmlab_core_stop();
}

/* Retirement happens once; the bitmap's own frames were freed too. */
static void arena_test_bootmem_retired_once(struct kunit *test)
{
	unsigned long freed;

	KUNIT_ASSERT_EQ(test, vml_test_start_buddy(16, 1, 2, 0), 0);
	freed = vml_arena.boot_freed;
	KUNIT_EXPECT_EQ(test, vml_arena_retire_bootmem(NULL), 0ul);
	KUNIT_EXPECT_EQ(test, vml_arena.boot_freed, freed);
	KUNIT_EXPECT_NULL(test, vml_bootmem_alloc(64, 8, 0));
	/* Frame 0 held the bitmap: it must be free now, not reserved. */
	KUNIT_EXPECT_FALSE(test, vml_page_test(vml_idx_to_page(0), VML_PG_reserved));
	check_accounting(test);
	vml_test_check(test);
	vmlab_core_stop();
}

static void arena_test_bad_config(struct kunit *test)
{
	struct vml_arena_config cfg = { .size_mb = 64, .nodes = 1 };
	const char *why;

	KUNIT_EXPECT_EQ(test, vml_arena_validate(&cfg, &why), 0);
	cfg.size_mb = 3;
	KUNIT_EXPECT_EQ(test, vml_arena_validate(&cfg, &why), -EINVAL);
	cfg.size_mb = 64;
	cfg.nodes = 0;
	KUNIT_EXPECT_EQ(test, vml_arena_validate(&cfg, &why), -EINVAL);
	cfg.nodes = 9;
	KUNIT_EXPECT_EQ(test, vml_arena_validate(&cfg, &why), -EINVAL);
	cfg.nodes = 32;		/* 2 MiB a node: too small */
	KUNIT_EXPECT_EQ(test, vml_arena_validate(&cfg, &why), -EINVAL);
	cfg.nodes = 1;
	cfg.dma_mb = 32;
	cfg.high_mb = 32;
	KUNIT_EXPECT_EQ(test, vml_arena_validate(&cfg, &why), -EINVAL);
	cfg.dma_mb = 0;
	cfg.high_mb = 0;
	cfg.phys = 0x1000;
	KUNIT_EXPECT_EQ(test, vml_arena_validate(&cfg, &why), -EINVAL);
	/* A refused configuration leaves nothing behind. */
	KUNIT_EXPECT_EQ(test, vmlab_core_start(&(struct vml_config){ .arena = cfg }),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, vml_arena_live());
}

static struct kunit_case arena_cases[] = {
	KUNIT_CASE(arena_test_descriptor_size),
	KUNIT_CASE_PARAM(arena_test_sizes, arena_sizes_gen_params),
	KUNIT_CASE(arena_test_four_nodes),
	KUNIT_CASE(arena_test_local_node),
	KUNIT_CASE(arena_test_bootmem_retired_once),
	KUNIT_CASE(arena_test_bad_config),
	{}
};

static struct kunit_suite arena_suite = {
	.name = "vmlab_arena",
	.test_cases = arena_cases,
};

kunit_test_suites(&arena_suite);
