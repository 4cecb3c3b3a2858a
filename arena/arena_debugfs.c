// SPDX-License-Identifier: GPL-2.0
/*
 * arena_debugfs.c - the arena file. Printing only: the numbers come from
 * the arena's structures; its census line, which needs the page
 * allocator's view of each frame, comes from buddy/ through
 * vml_arena_set_census_show() (arena/ must not include buddy.h).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "arena/arena.h"
#include "arena/bootmem.h"
#include "arena/fail.h"

static const char * const how_names[] = {
	[VML_RESERVE_CONTIG] = "alloc_contig_range",
	[VML_RESERVE_MEMMAP] = "memmap (memremap)",
};

static void (*census_show)(struct seq_file *m);

void vml_arena_set_census_show(void (*show)(struct seq_file *m))
{
	WRITE_ONCE(census_show, show);
}

static void show_zone_range(struct seq_file *m, struct vml_zone *zone)
{
	unsigned long pfn = vml_arena.base_pfn + zone->start_idx;

	seq_printf(m, "  zone %-8s pfn %#010lx-%#010lx frames %lu\n",
		   zone->name, pfn, pfn + zone->spanned - 1, zone->spanned);
}

static int arena_show(struct seq_file *m, void *v)
{
	void (*census)(struct seq_file *m) = READ_ONCE(census_show);
	struct vml_arena *a = &vml_arena;
	phys_addr_t base = PFN_PHYS(a->base_pfn);
	unsigned int n;
	int t;

	seq_printf(m, "base_phys        %pa\n", &base);
	seq_printf(m, "size             %lu MiB\n", vml_frames_to_mb(a->nr_frames));
	seq_printf(m, "frames           %lu\n", a->nr_frames);
	seq_printf(m, "reserved_with    %s\n", how_names[a->how]);
	seq_printf(m, "host_node        %d\n", a->host_nid);
	seq_printf(m, "nodes            %u\n", a->nr_nodes);
	for (n = 0; n < a->nr_nodes; n++) {
		struct vml_node *node = a->nodes[n];

		seq_printf(m, "node %u frames %lu\n", n, node->spanned);
		for (t = 0; t < VML_NR_ZONES; t++)
			if (node->zones[t].spanned)
				show_zone_range(m, &node->zones[t]);
	}
	seq_printf(m, "frame_desc_bytes %zu\n", sizeof(struct vml_page));
	seq_printf(m, "meta_bytes       %lu\n", a->meta_bytes);
	seq_printf(m, "meta_frames      %lu\n", a->meta_frames);
	seq_printf(m, "meta_per_frame   %lu.%02lu bytes\n",
		   a->meta_bytes / a->nr_frames,
		   a->meta_bytes * 100 / a->nr_frames % 100);
	seq_printf(m, "bootmem_merged   %lu\n", vml_bootmem.merged);
	seq_printf(m, "bootmem_retired  %s freed=%lu\n",
		   vml_bootmem.retired ? "yes" : "no", a->boot_freed);
	if (census)
		census(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(arena);

void vml_arena_debugfs_init(struct dentry *root)
{
	debugfs_create_file("arena", 0400, root, NULL, &arena_fops);
	vml_fail_debugfs_init(root);
	vml_fail_ctl_register();
}
