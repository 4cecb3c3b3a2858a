// SPDX-License-Identifier: GPL-2.0
/*
 * Start and stop the layers in the order data flows:
 * arena -> buddy -> slab -> mmu/vma -> fault -> swap, and back.
 */
#include <linux/module.h>
#include "vmlab_core.h"
#include "ctl/ctl.h"
#include "buddy/buddy.h"
#include "slab/slab.h"
#include "mmu/mmu.h"
#include "vma/vma.h"
#include "fault/fault.h"

void vml_default_config(struct vml_config *cfg, unsigned long arena_mb)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->arena.size_mb = arena_mb;
	cfg->arena.nodes = 1;
	/* A DMA-like zone of 1/8 of the arena, at most 16 MiB as on x86. */
	cfg->arena.dma_mb = clamp(arena_mb / 8, 1ul, 16ul);
	/* A high zone only when there is room for one worth having. */
	cfg->arena.high_mb = arena_mb >= 512 ? arena_mb / 4 : 0;
}

int vmlab_core_start(const struct vml_config *cfg)
{
	struct vml_config def;
	int ret;

	if (!cfg) {
		vml_default_config(&def, 64);
		cfg = &def;
	}
	ret = vml_arena_create(&cfg->arena);
	if (ret)
		return ret;
	ret = vml_buddy_init();
	if (ret)
		goto out_arena;
	ret = vml_slab_init();
	if (ret)
		goto out_buddy;
	ret = vml_mmu_init();
	if (ret)
		goto out_slab;
	ret = vml_vma_init();
	if (ret)
		goto out_mmu;
	ret = vml_fault_init();
	if (ret)
		goto out_vma;
	return 0;
out_vma:
	vml_vma_exit();
out_mmu:
	vml_mmu_exit();
out_slab:
	vml_slab_exit();
out_buddy:
	vml_buddy_exit();
out_arena:
	vml_arena_destroy();
	return ret;
}

void vmlab_core_stop(void)
{
	vml_fault_exit();
	vml_vma_exit();
	vml_mmu_exit();
	vml_slab_exit();
	vml_buddy_exit();
	vml_arena_destroy();
}

int vmlab_core_debugfs_init(struct dentry *root)
{
	int ret;

	ret = vml_ctl_init(root);
	if (ret)
		return ret;
	vml_arena_debugfs_init(root);
	ret = vml_buddy_debugfs_init(root);
	if (ret)
		goto out_ctl;
	ret = vml_slab_debugfs_init(root);
	if (ret)
		goto out_buddy;
	ret = vml_mmu_debugfs_init(root);
	if (ret)
		goto out_slab;
	ret = vml_vma_debugfs_init(root);
	if (ret)
		goto out_mmu;
	ret = vml_fault_debugfs_init(root);
	if (ret)
		goto out_vma;
	return 0;
out_vma:
	vml_vma_debugfs_exit();
out_mmu:
	vml_mmu_debugfs_exit();
out_slab:
	vml_slab_debugfs_exit();
out_buddy:
	vml_buddy_debugfs_exit();
out_ctl:
	vml_ctl_exit();
	return ret;
}

void vmlab_core_debugfs_exit(void)
{
	vml_fault_debugfs_exit();
	vml_vma_debugfs_exit();
	vml_mmu_debugfs_exit();
	vml_slab_debugfs_exit();
	vml_buddy_debugfs_exit();
	vml_ctl_exit();
}

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vmlab developers");
MODULE_DESCRIPTION("vmlab: the Linux VM reimplemented on a private physical arena");
