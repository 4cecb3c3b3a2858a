// SPDX-License-Identifier: GPL-2.0
/*
 * Module load and unload, parameters, the debugfs root.
 *
 * Parameters are validated before anything is reserved, so a bad value
 * fails insmod with a message and leaves nothing behind.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "vmlab_core.h"

static unsigned long arena_mb = 64;
module_param(arena_mb, ulong, 0444);
MODULE_PARM_DESC(arena_mb, "Arena size in MiB (4..65536, default 64)");

static unsigned long long arena_phys;
module_param(arena_phys, ullong, 0444);
MODULE_PARM_DESC(arena_phys, "Physical base of a memmap=nn$ss region to use instead of host RAM");

static unsigned int nodes = 1;
module_param(nodes, uint, 0444);
MODULE_PARM_DESC(nodes, "Fake NUMA nodes to split the arena into (1..8)");

static long zone_dma_mb = -1;
module_param(zone_dma_mb, long, 0444);
MODULE_PARM_DESC(zone_dma_mb, "DMA zone size in MiB (default arena_mb/8, at most 16)");

static long zone_high_mb = -1;
module_param(zone_high_mb, long, 0444);
MODULE_PARM_DESC(zone_high_mb, "HighMem zone size in MiB (default arena_mb/4 when arena_mb >= 512, else 0)");

static struct dentry *vmlab_root;

static int __init vmlab_init(void)
{
	struct vml_config cfg;
	const char *why;
	int ret;

	vml_default_config(&cfg, arena_mb);
	cfg.arena.phys = arena_phys;
	cfg.arena.nodes = nodes;
	if (zone_dma_mb >= 0)
		cfg.arena.dma_mb = zone_dma_mb;
	if (zone_high_mb >= 0)
		cfg.arena.high_mb = zone_high_mb;
	ret = vml_arena_validate(&cfg.arena, &why);
	if (ret) {
		pr_err("vmlab: bad parameters: %s\n", why);
		return ret;
	}
	ret = vmlab_core_start(&cfg);
	if (ret)
		return ret;
	vmlab_root = debugfs_create_dir("vmlab", NULL);
	ret = vmlab_core_debugfs_init(vmlab_root);
	if (ret)
		goto fail;
	pr_info("vmlab: %lu MiB arena at pfn %#lx, %u node(s)\n",
		vml_arena.cfg.size_mb, vml_arena.base_pfn, vml_arena.nr_nodes);
	return 0;
fail:
	debugfs_remove_recursive(vmlab_root);
	vmlab_core_stop();
	return ret;
}

static void __exit vmlab_exit(void)
{
	/* Files first, so no command runs while the VM goes away. */
	debugfs_remove_recursive(vmlab_root);
	vmlab_core_debugfs_exit();
	vmlab_core_stop();
}

module_init(vmlab_init);
module_exit(vmlab_exit);
