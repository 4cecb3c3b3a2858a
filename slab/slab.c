// SPDX-License-Identifier: GPL-2.0
/* slab.c - placeholder until the slab allocator lands: init/exit only. */
#include "slab/slab.h"

int vml_slab_init(void)
{
	return 0;
}

void vml_slab_exit(void)
{
}

int vml_slab_debugfs_init(struct dentry *root)
{
	return 0;
}

void vml_slab_debugfs_exit(void)
{
}
