/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vma.h - sandbox address spaces: mm descriptors, VMAs, mmap and friends,
 * vmalloc, and the access commands (Gorman ch. 4 and 7; mm/mmap.c).
 *
 * CONTRACT: the full API is defined by the address-space work; the core
 * only needs init/exit and the debugfs hooks below.
 */
#ifndef VMLAB_VMA_H
#define VMLAB_VMA_H

struct dentry;

int vml_vma_init(void);
void vml_vma_exit(void);
int vml_vma_debugfs_init(struct dentry *root);
void vml_vma_debugfs_exit(void);

#endif /* VMLAB_VMA_H */
