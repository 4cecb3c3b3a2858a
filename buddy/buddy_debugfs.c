// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_debugfs.c - zoneinfo, buddyinfo, vmstat and extfrag files, the
 * arena file's census line, and the
 * alloc_pages / free_pages ctl commands. Parsing and printing only.
 *
 * Blocks allocated through ctl are remembered by buddy/ (owned.c), so that
 * free_pages can only free what ctl handed out (never a frame some other
 * layer owns), and so that whatever is left is freed when the files go
 * away.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "buddy/buddy-internal.h"
#include "buddy/vmstat.h"
#include "ctl/ctl.h"

static int buddyinfo_show(struct seq_file *m, void *v)
{
	unsigned long nr[VML_MAX_ORDER];
	struct vml_zone *zone;
	int order;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)) {
		vml_zone_free_counts(zone, nr);
		seq_printf(m, "Node %d, zone %8s ", zone->node->id, zone->name);
		for (order = 0; order < VML_MAX_ORDER; order++)
			seq_printf(m, "%6lu ", nr[order]);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

static int vmstat_show(struct seq_file *m, void *v)
{
	unsigned long free = 0;
	struct vml_zone *zone;
	int i;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		free += READ_ONCE(zone->free_pages);
	seq_printf(m, "nr_free_pages %lu\n", free);
	for (i = 0; i < VML_NR_VM_EVENTS; i++) {
		long v = vml_vm_event_sum(i);

		/* A level summed while CPUs change it may dip below 0 (6.1 clamps too). */
		if (i >= VML_NR_INACTIVE_ANON && i <= VML_NR_UNEVICTABLE && v < 0)
			v = 0;
		seq_printf(m, "%s %lu\n", vml_vm_event_names[i], (unsigned long)v);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmstat);

/* The arena file's last line (arena/ prints it through its hook). */
static void census_show(struct seq_file *m)
{
	struct vml_frame_census c;
	int bad = vml_take_census(&c);

	seq_printf(m, "census           reserved=%lu buddy=%lu pcp=%lu allocated=%lu total=%lu %s\n",
		   c.reserved, c.buddy, c.pcp, c.allocated, c.total,
		   bad ? "INCONSISTENT" : "consistent");
}

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
	for_each_online_cpu(cpu) {
		struct vml_pcp_info pi = vml_zone_pcp_info(zone, cpu);

		seq_printf(m, "    cpu: %d\n              count: %u\n              high:  %u\n              batch: %u\n",
			   cpu, pi.count, pi.high, pi.batch);
	}
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

static void show_index(struct seq_file *m, int (*fn)(struct vml_zone *, unsigned int))
{
	struct vml_zone *zone;
	int order, idx;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)) {
		seq_printf(m, "Node %d, zone %8s ", zone->node->id, zone->name);
		for (order = 0; order < VML_MAX_ORDER; order++) {
			idx = fn(zone, order);
			seq_printf(m, "%s%d.%03d ", idx < 0 ? "-" : "",
				   abs(idx) / 1000, abs(idx) % 1000);
		}
		seq_putc(m, '\n');
	}
}

static int unusable_index_show(struct seq_file *m, void *v)
{
	show_index(m, vml_unusable_index);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(unusable_index);

static int extfrag_index_show(struct seq_file *m, void *v)
{
	show_index(m, vml_fragmentation_index);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(extfrag_index);

static const struct {
	const char *name;
	vml_gfp_t gfp;
	bool replace;		/* a base mask rather than a modifier */
} gfp_names[] = {
	{ "kernel", VML_GFP_KERNEL, true },
	{ "atomic", VML_GFP_ATOMIC, true },
	{ "nowait", VML_GFP_NOWAIT, true },
	{ "noio", VML_GFP_NOIO, true },
	{ "nofs", VML_GFP_NOFS, true },
	{ "dma", VML___GFP_DMA },
	{ "highmem", VML___GFP_HIGHMEM },
	{ "high", VML___GFP_HIGH },
	{ "zero", VML___GFP_ZERO },
	{ "nowarn", VML___GFP_NOWARN },
	{ "noretry", VML___GFP_NORETRY },
};

static int parse_gfp(struct vml_reply *r, char *s, vml_gfp_t *gfp)
{
	vml_gfp_t base = VML_GFP_KERNEL, mods = 0;
	char *w;
	int i;

	while ((w = strsep(&s, ",")) != NULL) {
		for (i = 0; i < ARRAY_SIZE(gfp_names); i++)
			if (!strcmp(w, gfp_names[i].name))
				break;
		if (i == ARRAY_SIZE(gfp_names))
			return vml_reply_err(r, -EINVAL, "unknown gfp flag '%s'", w);
		if (gfp_names[i].replace)
			base = gfp_names[i].gfp;
		else
			mods |= gfp_names[i].gfp;
	}
	if ((mods & VML___GFP_DMA) && (mods & VML___GFP_HIGHMEM))
		return vml_reply_err(r, -EINVAL, "dma and highmem exclude each other");
	*gfp = base | mods;
	return 0;
}

static int cmd_alloc_pages(int argc, char **argv, struct vml_reply *r)
{
	struct vml_page *page;
	vml_gfp_t gfp = VML_GFP_KERNEL;
	u64 order;
	int ret;

	ret = vml_parse_arg_u64(r, "order", argv[1], VML_MAX_ORDER - 1, &order);
	if (!ret && argc > 2)
		ret = parse_gfp(r, argv[2], &gfp);
	if (ret)
		return ret;
	page = vml_owned_alloc_pages(gfp | VML___GFP_NOWARN, order);
	if (!page)
		return vml_reply_err(r, -ENOMEM, "no free block of order %llu", order);
	vml_reply_add(r, " pfn=%#lx order=%llu zone=%s node=%d", vml_page_to_pfn(page),
		      order, vml_page_zone(page)->name, vml_page_nid(page));
	return 0;
}

static int cmd_free_pages(int argc, char **argv, struct vml_reply *r)
{
	const char *why;
	u64 pfn, order;
	int ret;

	ret = vml_parse_arg_u64(r, "pfn", argv[1], ULONG_MAX, &pfn);
	if (!ret)
		ret = vml_parse_arg_u64(r, "order", argv[2], 63, &order);
	if (ret)
		return ret;
	ret = vml_owned_free_pages(pfn, order, &why);
	if (ret == -EPERM)
		return vml_reply_err(r, ret, "pfn %#llx was not allocated through ctl", pfn);
	if (ret)
		return vml_reply_err(r, ret, "pfn %#llx order %llu: %s", pfn, order, why);
	return 0;
}

static const struct vml_ctl_cmd buddy_cmds[] = {
	{ "alloc_pages",
	  "<order> [kernel|atomic|nowait|noio|nofs,dma|highmem,high,zero,nowarn,noretry]",
	  1, 2, cmd_alloc_pages },
	{ "free_pages", "<pfn> <order>", 2, 2, cmd_free_pages },
};

static struct vml_ctl_group buddy_group = {
	.cmds = buddy_cmds,
	.nr = ARRAY_SIZE(buddy_cmds),
};

int vml_buddy_debugfs_init(struct dentry *root)
{
	struct dentry *dir;

	vml_arena_set_census_show(census_show);
	debugfs_create_file("zoneinfo", 0400, root, NULL, &zoneinfo_fops);
	debugfs_create_file("buddyinfo", 0400, root, NULL, &buddyinfo_fops);
	debugfs_create_file("vmstat", 0400, root, NULL, &vmstat_fops);
	dir = debugfs_create_dir("extfrag", root);
	debugfs_create_file("unusable_index", 0400, dir, NULL, &unusable_index_fops);
	debugfs_create_file("extfrag_index", 0400, dir, NULL, &extfrag_index_fops);
	vml_ctl_register(&buddy_group);
	return 0;
}

void vml_buddy_debugfs_exit(void)
{
	vml_ctl_unregister(&buddy_group);
	vml_arena_set_census_show(NULL);
	vml_owned_release_all();
}
