// SPDX-License-Identifier: GPL-2.0
/*
 * slab_debugfs.c - the slabinfo file, in /proc/slabinfo's version 2.1
 * format so existing parsers (slabtop, scripts) read it, and a directory
 * slab/<cache>/ per cache with its layout, counters and slabs. Printing
 * only; the ctl commands are in slab_ctl.c.
 *
 * Files are removed with the vmlab directory, which the module does
 * before calling vml_slab_debugfs_exit(); so exit only forgets them.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "slab/slab-internal.h"

static struct dentry *slab_dir;

/* print_slabinfo_header() and cache_show() of mm/slab_common.c. */
static int slabinfo_show(struct seq_file *m, void *v)
{
	struct vml_kmem_cache *cache;
	struct vml_slabinfo si;

	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	mutex_lock(&vml_slab_mutex);
	/* Newest first, as Linux lists slab_caches. */
	list_for_each_entry_reverse(cache, &vml_slab_caches, list) {
		vml_kmem_cache_info(cache, &si);
		seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", si.name,
			   si.active_objs, si.num_objs, si.objsize,
			   si.objperslab, si.pagesperslab);
		seq_printf(m, " : tunables %4u %4u %4u", si.limit, si.batchcount, 0);
		seq_printf(m, " : slabdata %6lu %6lu %6lu\n", si.active_slabs,
			   si.num_slabs, 0ul);
	}
	mutex_unlock(&vml_slab_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(slabinfo);

static void show_flags(struct seq_file *m, unsigned long flags)
{
	static const struct { unsigned long flag; const char *name; } names[] = {
		{ VML_SLAB_HWCACHE_ALIGN, "hwalign" }, { VML_SLAB_POISON, "poison" },
		{ VML_SLAB_RED_ZONE, "redzone" }, { VML_SLAB_STORE_USER, "user" },
		{ VML_SLAB_RECLAIM_ACCOUNT, "reclaim" }, { VML_SLAB_NO_REAP, "noreap" },
		{ VML_CFLGS_OFF_SLAB, "offslab" }, { VML_CFLGS_KMALLOC, "kmalloc" },
	};
	const char *sep = "";
	int i;

	seq_puts(m, "flags ");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (flags & names[i].flag) {
			seq_printf(m, "%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	seq_printf(m, "%s\n", *sep ? "" : "none");
}

static int info_show(struct seq_file *m, void *v)
{
	struct vml_kmem_cache *c = m->private;
	struct vml_slabinfo si;
	struct vml_cpucache_stats st;

	vml_kmem_cache_info(c, &si);
	st = vml_cpucache_stats(c);
	seq_printf(m, "name %s\nobject_size %u\nsize %u\nalign %u\nobj_offset %u\n",
		   c->name, c->object_size, c->size, c->align, c->obj_offset);
	show_flags(m, c->flags);
	seq_printf(m, "order %u\nobjperslab %u\nmgmt_size %u\ncolour %u\ncolour_off %u\n",
		   c->gfporder, c->num, c->mgmt_size, c->colour, c->colour_off);
	seq_printf(m, "limit %u\nbatchcount %u\nfree_limit %lu\nctor %ps\n",
		   c->limit, c->batchcount, c->free_limit, c->ctor);
	seq_printf(m, "active_objs %lu\nnum_objs %lu\ncpu_objs %lu\nuser_objs %lu\n",
		   si.active_objs, si.num_objs, si.cpu_objs, si.user_objs);
	seq_printf(m, "num_slabs %lu\nactive_slabs %lu\nfree_slabs %lu\n",
		   si.num_slabs, si.active_slabs, si.free_slabs);
	seq_printf(m, "grown %lu\nreaped %lu\nhigh_mark %lu\n",
		   READ_ONCE(c->stat_grown), READ_ONCE(c->stat_reaped),
		   READ_ONCE(c->stat_high));
	seq_printf(m, "allochit %lu\nallocmiss %lu\nfreehit %lu\nfreemiss %lu\n",
		   st.allochit, st.allocmiss, st.freehit, st.freemiss);
	seq_printf(m, "bad_free %lu\npoison %lu\nredzone %lu\ncorrupt %lu\n",
		   vml_slab_errors(c, VML_SLAB_ERR_BAD_FREE),
		   vml_slab_errors(c, VML_SLAB_ERR_POISON),
		   vml_slab_errors(c, VML_SLAB_ERR_REDZONE),
		   vml_slab_errors(c, VML_SLAB_ERR_CORRUPT));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

static void show_list(struct seq_file *m, struct vml_kmem_cache *c,
		      struct list_head *list, const char *name)
{
	struct vml_slab *slab;

	list_for_each_entry(slab, list, list)
		seq_printf(m, "%-7s pfn=%#lx colouroff=%u inuse=%u free=%d\n", name,
			   vml_page_to_pfn(slab->page), slab->colouroff, slab->inuse,
			   slab->free == VML_BUFCTL_END ? -1 : slab->free);
}

/* One line per slab, oldest first within each list. */
static int slabs_show(struct seq_file *m, void *v)
{
	struct vml_kmem_cache *c = m->private;

	spin_lock_irq(&c->lock);
	show_list(m, c, &c->slabs_full, "full");
	show_list(m, c, &c->slabs_partial, "partial");
	show_list(m, c, &c->slabs_free, "free");
	spin_unlock_irq(&c->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(slabs);

/**
 * vml_slab_debugfs_add() - give a new cache its slab/<name>/ directory.
 * @cache: the cache; vml_slab_mutex held.
 */
void vml_slab_debugfs_add(struct vml_kmem_cache *cache)
{
	lockdep_assert_held(&vml_slab_mutex);
	if (!slab_dir)
		return;
	cache->dir = debugfs_create_dir(cache->name, slab_dir);
	debugfs_create_file("info", 0400, cache->dir, cache, &info_fops);
	debugfs_create_file("slabs", 0400, cache->dir, cache, &slabs_fops);
}

/**
 * vml_slab_debugfs_del() - remove a cache's directory; waits for readers.
 * @cache: the cache; vml_slab_mutex held.
 */
void vml_slab_debugfs_del(struct vml_kmem_cache *cache)
{
	lockdep_assert_held(&vml_slab_mutex);
	debugfs_remove_recursive(cache->dir);
	cache->dir = NULL;
}

int vml_slab_debugfs_init(struct dentry *root)
{
	struct vml_kmem_cache *cache;

	debugfs_create_file("slabinfo", 0400, root, NULL, &slabinfo_fops);
	mutex_lock(&vml_slab_mutex);
	slab_dir = debugfs_create_dir("slab", root);
	list_for_each_entry(cache, &vml_slab_caches, list)
		vml_slab_debugfs_add(cache);
	mutex_unlock(&vml_slab_mutex);
	vml_slab_ctl_init();
	return 0;
}

void vml_slab_debugfs_exit(void)
{
	struct vml_kmem_cache *cache;

	/*
	 * The files went with the vmlab directory: forget them first, so
	 * that destroying ctl's caches below touches no stale dentry.
	 */
	mutex_lock(&vml_slab_mutex);
	slab_dir = NULL;
	list_for_each_entry(cache, &vml_slab_caches, list)
		cache->dir = NULL;
	mutex_unlock(&vml_slab_mutex);
	vml_slab_ctl_exit();
}
