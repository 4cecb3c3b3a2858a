// SPDX-License-Identifier: GPL-2.0
/*
 * swap.c - start and stop the swap layer: LRU, swap areas, swap cache.
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
	return 0;
out_swapfile:
	vml_swapfile_exit();
out_lru:
	vml_lru_exit();
	return ret;
}

/* Every mm is unmapped first, while the hooks still free its slots. */
void vml_swap_exit(void)
{
	vml_swap_hooks_unregister();
	vml_swap_state_exit();
	vml_swapfile_exit();
	vml_lru_exit();
}
