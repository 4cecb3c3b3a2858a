// SPDX-License-Identifier: GPL-2.0
/*
 * Start and stop the layers in the order data flows:
 * arena -> buddy -> slab -> mmu -> vma -> fault -> access -> swap, and
 * back. access/ holds no state of its own, so it has no start or stop.
 */
#include <linux/module.h>
#include "vmlab_core.h"
#include "arena/check.h"
#include "ctl/ctl.h"
#include "arena/fail.h"
#include "check/check.h"
#include "buddy/buddy.h"
#include "slab/slab.h"
#include "mmu/mmu.h"
#include "vma/vma.h"
#include "fault/fault.h"
#include "access/access.h"
#include "swap/swap.h"

void vml_default_config(struct vml_config *cfg, unsigned long arena_mb)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->arena.size_mb = arena_mb;
	cfg->arena.nodes = 1;
	/* A DMA-like zone of 1/8 of the arena, at most 16 MiB as on x86. */
	cfg->arena.dma_mb = clamp(arena_mb / 8, 1ul, 16ul);
	/* A high zone only when there is room for one worth having. */
	cfg->arena.high_mb = arena_mb >= 512 ? arena_mb / 4 : 0;
	cfg->top = VML_LAYER_ALL;
}

static void vml_buddy_exit_void(void)
{
	vml_buddy_exit();
}

/* The layers above the arena, in start order; stop runs them backwards. */
static const struct {
	int (*init)(void);
	void (*exit)(void);
	void (*check)(struct vml_check *chk);
} layers[] = {
	[VML_LAYER_BUDDY] = { vml_buddy_init, vml_buddy_exit_void, vml_buddy_check },
	[VML_LAYER_SLAB] = { vml_slab_init, vml_slab_exit, vml_slab_check },
	[VML_LAYER_MMU] = { vml_mmu_init, vml_mmu_exit, vml_mmu_check },
	[VML_LAYER_VMA] = { vml_vma_init, vml_vma_exit, vml_vma_check },
	[VML_LAYER_FAULT] = { vml_fault_init, vml_fault_exit, vml_fault_check },
	[VML_LAYER_SWAP] = { vml_swap_init, vml_swap_exit, vml_swap_check },
};

static int nr_started;

int vmlab_core_start(const struct vml_config *cfg)
{
	struct vml_config def;
	int ret, top;

	if (!cfg) {
		vml_default_config(&def, 64);
		cfg = &def;
	}
	top = min_t(int, cfg->top, ARRAY_SIZE(layers) - 1);
	ret = vml_mmu_check_host();
	if (ret)
		return ret;
	ret = vml_arena_create(&cfg->arena);
	if (ret)
		return ret;
	for (nr_started = 0; nr_started <= top; nr_started++) {
		ret = layers[nr_started].init();
		if (ret) {
			vmlab_core_stop();
			return ret;
		}
	}
	return 0;
}

void vmlab_core_stop(void)
{
	while (nr_started > 0)
		layers[--nr_started].exit();
	vml_arena_destroy();
}

int vmlab_core_check(struct vml_check *chk)
{
	int ret, i;

	ret = vml_check_begin(chk);
	if (ret)
		return ret;
	/* kswapd is the one change that does not come through ctl: pause it. */
	if (nr_started > VML_LAYER_SWAP) {
		vml_reclaim_pause();
		vml_lru_add_drain_all();	/* batches hold references */
	}
	vml_arena_check(chk);
	for (i = 0; i < nr_started; i++)
		layers[i].check(chk);
	/*
	 * The ledger is compared with the frames' live flags and counts:
	 * still paused, or kswapd unmaps and frees pages the PTE walk saw.
	 */
	vml_check_finish(chk);
	if (nr_started > VML_LAYER_SWAP)
		vml_reclaim_resume();
	return chk->violations ? -EUCLEAN : 0;
}

int vmlab_core_debugfs_init(struct dentry *root)
{
	int ret;

	ret = vml_ctl_init(root);
	if (ret)
		return ret;
	vml_check_debugfs_init();
	vml_framemap_debugfs_init(root);
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
	ret = vml_access_debugfs_init(root);
	if (ret)
		goto out_fault;
	ret = vml_swap_debugfs_init(root);
	if (ret)
		goto out_access;
	return 0;
out_access:
	vml_access_debugfs_exit();
out_fault:
	vml_fault_debugfs_exit();
out_vma:
	vml_vma_debugfs_exit();
out_mmu:
	vml_mmu_debugfs_exit();
out_slab:
	vml_slab_debugfs_exit();
out_buddy:
	vml_buddy_debugfs_exit();
out_ctl:
	vml_fail_ctl_unregister();
	vml_check_debugfs_exit();
	vml_ctl_exit();
	return ret;
}

void vmlab_core_debugfs_exit(void)
{
	vml_swap_debugfs_exit();
	vml_access_debugfs_exit();
	vml_fault_debugfs_exit();
	vml_vma_debugfs_exit();
	vml_mmu_debugfs_exit();
	vml_slab_debugfs_exit();
	vml_buddy_debugfs_exit();
	vml_fail_ctl_unregister();
	vml_check_debugfs_exit();
	vml_ctl_exit();
}

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vmlab developers");
MODULE_DESCRIPTION("vmlab: the Linux VM reimplemented on a private physical arena");
