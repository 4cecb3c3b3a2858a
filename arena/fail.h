/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Fault injection
 *
 * fail.h - fault injection: make chosen allocations and swap I/O fail on
 * purpose.
 *
 * Linux's fault_attr (lib/fault-inject.c, failslab, fail_page_alloc) in
 * small: each site counts its calls once armed through ctl `fail`, and
 * fails the Nth (and the next times-1), or a percentage at random, so that
 * every error path above an allocation can be driven from ctl. Checked
 * with one load of a flag while nothing is armed.
 */
#ifndef VMLAB_ARENA_FAIL_H
#define VMLAB_ARENA_FAIL_H

#include <linux/compiler.h>
#include <linux/types.h>

struct dentry;

/* The allocation sites that can be made to fail. */
enum vml_fail_site {
	VML_FAIL_FRAMES,	/* vml_alloc_pages_node(): arena frames */
	VML_FAIL_SLAB,		/* vml_kmem_cache_alloc(): slab objects */
	VML_FAIL_PGTABLE,	/* vml_table_alloc(): page-table pages */
	VML_FAIL_SWAP_WRITE,	/* vml_swap_writepage(): -EIO */
	VML_FAIL_SWAP_READ,	/* vml_swap_readpage(): -EIO */
	VML_FAIL_NR,
};

extern bool vml_fail_armed;

bool __vml_should_fail(enum vml_fail_site site);

/**
 * vml_should_fail() - whether this allocation at @site is to fail.
 * @site: the allocation site.
 * Context: any (atomic included).
 * Return: true when an armed failure fires; the caller then fails the
 * allocation as if memory had run out.
 */
static inline bool vml_should_fail(enum vml_fail_site site)
{
	return unlikely(READ_ONCE(vml_fail_armed)) && __vml_should_fail(site);
}

/**
 * vml_fail_reset() - disarm every site and clear the counts.
 * Context: process; called when an arena is created.
 */
void vml_fail_reset(void);

/**
 * vml_fail_debugfs_init() - create the read-only file `fail` under @root:
 * each site's state, calls since armed and failures injected.
 * @root: vmlab's debugfs directory.
 */
void vml_fail_debugfs_init(struct dentry *root);

/**
 * vml_fail_ctl_register() - add ctl `fail` (see Documentation/debugfs.rst).
 */
void vml_fail_ctl_register(void);

/**
 * vml_fail_ctl_unregister() - remove ctl `fail`.
 */
void vml_fail_ctl_unregister(void);

#endif /* VMLAB_ARENA_FAIL_H */
