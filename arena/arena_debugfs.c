// SPDX-License-Identifier: GPL-2.0
/*
 * arena_debugfs.c - the arena and zoneinfo files. Printing only: the
 * numbers come from the arena's structures and the buddy allocator's API.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "arena/arena.h"
#include "arena/bootmem.h"
#include "arena/fail.h"
#include "buddy/buddy.h"

static const char * const how_names[] = {
	[VML_RESERVE_CONTIG] = "alloc_contig_range",
	[VML_RESERVE_MEMMAP] = "memmap (memremap)",
};

static void show_zone_range(struct seq_file *m, struct vml_zone *zone)
{
	unsigned long pfn = vml_arena.base_pfn + zone->start_idx;

	seq_printf(m, "  zone %-8s pfn %#010lx-%#010lx frames %lu\n",
		   zone->name, pfn, pfn + zone->spanned - 1, zone->spanned);
}

static int arena_show(struct seq_file *m, void *v)
{
	struct vml_arena *a = &vml_arena;
	struct vml_frame_census c;
	phys_addr_t base = PFN_PHYS(a->base_pfn);
	unsigned int n;
	int t, ok;

	seq_printf(m, "base_phys        %pa\n", &base);
	seq_printf(m, "size             %lu MiB\n", a->nr_frames >> (20 - PAGE_SHIFT));
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
	ok = vml_frame_census(&c);
	seq_printf(m, "census           reserved=%lu buddy=%lu pcp=%lu allocated=%lu total=%lu %s\n",
		   c.reserved, c.buddy, c.pcp, c.allocated, c.total,
		   ok ? "INCONSISTENT" : "consistent");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(arena);

static void zoneinfo_zone(struct seq_file *m, struct vml_zone *zone)
{
	unsigned long nr[VML_MAX_ORDER];
	int order, cpu;

	vml_zone_free_counts(zone, nr);
	seq_printf(m, "Node %d, zone %8s\n", zone->node->id, zone->name);
	seq_printf(m, "  pages free     %lu\n", READ_ONCE(zone->free_pages));
	seq_printf(m, "        min      %lu\n", zone->pages_min);
	seq_printf(m, "        low      %lu\n", zone->pages_low);
	seq_printf(m, "        high     %lu\n", zone->pages_high);
	seq_printf(m, "        spanned  %lu\n", zone->spanned);
	seq_printf(m, "        present  %lu\n", zone->present);
	seq_printf(m, "        managed  %lu\n", zone->managed);
	seq_puts(m, "        free_area");
	for (order = 0; order < VML_MAX_ORDER; order++)
		seq_printf(m, " %lu", nr[order]);
	seq_puts(m, "\n  pagesets\n");
	for_each_online_cpu(cpu)
		seq_printf(m, "    cpu: %d\n              count: %u\n              high:  %u\n              batch: %u\n",
			   cpu, vml_pcp_info(zone, cpu, 0),
			   vml_pcp_info(zone, cpu, 1), vml_pcp_info(zone, cpu, 2));
	seq_printf(m, "  start_pfn:           %lu\n",
		   vml_arena.base_pfn + zone->start_idx);
}

static int zoneinfo_show(struct seq_file *m, void *v)
{
	struct vml_zone *zone;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		zoneinfo_zone(m, zone);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zoneinfo);

void vml_arena_debugfs_init(struct dentry *root)
{
	debugfs_create_file("arena", 0400, root, NULL, &arena_fops);
	debugfs_create_file("zoneinfo", 0400, root, NULL, &zoneinfo_fops);
	vml_fail_ctl_register();
}
