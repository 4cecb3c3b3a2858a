// SPDX-License-Identifier: GPL-2.0
/* vma.c - placeholder until the address-space code lands: init/exit only. */
#include "vma/vma.h"

int vml_vma_init(void)
{
	return 0;
}

void vml_vma_exit(void)
{
}

int vml_vma_debugfs_init(struct dentry *root)
{
	return 0;
}

void vml_vma_debugfs_exit(void)
{
}
