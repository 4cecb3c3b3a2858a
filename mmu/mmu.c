// SPDX-License-Identifier: GPL-2.0
/*
 * mmu.c - start and stop the mmu layer; its counters.
 */
#include "mmu/mmu-internal.h"

struct vml_mmu_stats vml_mmu_stats;

int vml_mmu_init(void)
{
	memset(&vml_mmu_stats, 0, sizeof(vml_mmu_stats));
	return vml_window_init();
}

void vml_mmu_exit(void)
{
	long left;

	vml_window_exit();
	vml_quicklist_drain();
	left = atomic_long_read(&vml_mmu_stats.tables);
	if (left)
		pr_err("vmlab: %ld page-table pages still in use at exit\n", left);
}
