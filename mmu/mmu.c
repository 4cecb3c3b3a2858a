// SPDX-License-Identifier: GPL-2.0
/* mmu.c - placeholder until the page-table code lands: init/exit only. */
#include "mmu/mmu.h"

int vml_mmu_init(void)
{
	return 0;
}

void vml_mmu_exit(void)
{
}

int vml_mmu_debugfs_init(struct dentry *root)
{
	return 0;
}

void vml_mmu_debugfs_exit(void)
{
}
