// SPDX-License-Identifier: GPL-2.0
/*
 * swap.c - start and stop the swap layer: LRU, swap areas, swap cache,
 * swap-in/out hooks, the OOM killer, reclaim and kswapd.
 */
#include "swap/swap-internal.h"

int vml_swap_init(void)
{
	int ret;

	ret = vml_lru_init();
	if (ret)
		return ret;
	ret = vml_swapfile_init();
	if (ret)
		goto out_lru;
	ret = vml_swap_state_init();
	if (ret)
		goto out_swapfile;
	vml_swap_hooks_register();
	vml_oom_init();
	ret = vml_vmscan_init();
	if (ret)
		goto out_hooks;
	return 0;
out_hooks:
	vml_oom_exit();
	vml_swap_hooks_unregister();
	vml_swap_state_exit();
out_swapfile:
	vml_swapfile_exit();
out_lru:
	vml_lru_exit();
	return ret;
}

/*
 * Every mm is unmapped first, while the hooks still free its slots and
 * its pages still leave the LRU with their last reference; then kswapd
 * stops and the allocator's hooks go, and the lists are emptied last.
 */
void vml_swap_exit(void)
{
	/*
	 * A page whose owner let go while it sat in a per-CPU add batch is
	 * freed by the drain, through the lru_release hook: drain while that
	 * hook is there, or the page reaches the allocator still PG_lru and
	 * is refused (a leak at unload with mms alive, seen in 76-stress).
	 */
	vml_lru_add_drain_all();
	/* A victim still pending is reaped while its swap slots can be freed. */
	vml_oom_exit();
	vml_swap_hooks_unregister();
	vml_vmscan_exit();
	vml_swap_state_exit();
	vml_swapfile_exit();
	vml_lru_exit();
}
