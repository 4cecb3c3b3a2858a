/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The check command
 *
 * check.h - ctl `check`, the invariant checker's command.
 *
 * The checker itself is the layers' check functions run in layer order
 * by vmlab_core_check() over the ledger of arena/check.h; this folder
 * only parses the command and prints the result (Documentation/check.rst).
 */
#ifndef VMLAB_CHECK_H
#define VMLAB_CHECK_H

#define VML_CHECK_DEFAULT_LINES	20	/* violations printed by default */

/*
 * The bytes of debugfs `framemap`, one per arena frame (framemap.c;
 * Documentation/debugfs.rst; tools/vmlab-map copies them). Every frame of
 * a block has its block's code. New states take new values; existing
 * values never change meaning.
 */
enum vml_framemap_code {
	VML_FMAP_FREE_0 = 0x00,	/* buddy-free, in a block of order N: 0x00 + N */
	VML_FMAP_FREE_MAX = 0x0a,	/* ... up to order 10 */
	VML_FMAP_PCP = 0x10,		/* on a per-CPU free list */
	VML_FMAP_CTL = 0x11,		/* handed out by ctl alloc_pages */
	VML_FMAP_SLAB = 0x12,		/* a slab's frame */
	VML_FMAP_KMALLOC = 0x13,	/* a large kmalloc block */
	VML_FMAP_PGTABLE = 0x14,	/* a page-table page of a live mm */
	VML_FMAP_QUICKLIST = 0x15,	/* a free page-table page kept cached */
	VML_FMAP_ZERO = 0x16,		/* the shared zero page */
	VML_FMAP_VMALLOC = 0x17,	/* a vmalloc area's frame */
	VML_FMAP_ANON = 0x18,		/* an anonymous page */
	VML_FMAP_PAGECACHE = 0x19,	/* a page-cache page */
	VML_FMAP_META = 0x1a,		/* arena metadata: reserved by the boot allocator */
	VML_FMAP_SWAPCACHE = 0x1b,	/* swap/: a swap-cache page */
	VML_FMAP_UNOWNED = 0xff,	/* nobody's: a leak, which ctl check reports */
};

#define VML_FMAP_FREE(order)	(VML_FMAP_FREE_0 + (order))

/**
 * vml_framemap_debugfs_init() - create debugfs `framemap`.
 * @root: vmlab's debugfs directory.
 */
void vml_framemap_debugfs_init(struct dentry *root);

/** vml_check_debugfs_init() - register the `check` command. */
void vml_check_debugfs_init(void);

/** vml_check_debugfs_exit() - unregister it. */
void vml_check_debugfs_exit(void);

#endif /* VMLAB_CHECK_H */
