/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The core: layers in order
 *
 * Bring the whole VM up and down in layer order.
 *
 * The module (vmlab_main.c), the KUnit suites and the benchmarks all start
 * the same core; the suites start and stop it many times with different
 * configurations. Not reentrant: callers serialize start and stop.
 */
#ifndef VMLAB_CORE_H
#define VMLAB_CORE_H

#include "arena/arena.h"

struct dentry;

/* The layers, bottom up; the core starts them in this order. */
enum vml_layer {
	VML_LAYER_BUDDY,	/* arena and page allocator */
	VML_LAYER_SLAB,
	VML_LAYER_MMU,
	VML_LAYER_VMA,
	VML_LAYER_FAULT,
	VML_LAYER_SWAP,
	VML_LAYER_ALL,
};

/**
 * struct vml_config - everything a vmlab instance is built from.
 * @arena: the arena's size, base, nodes and zones.
 * @top: the highest layer to start; tests of a low layer start only the
 *       layers below, so no other layer holds frames they count.
 */
struct vml_config {
	struct vml_arena_config arena;
	enum vml_layer top;
};

/**
 * vml_default_config() - the configuration used when none is given.
 * @cfg: filled in; zone sizes follow the arena size.
 * @arena_mb: arena size in MiB.
 */
void vml_default_config(struct vml_config *cfg, unsigned long arena_mb);

/**
 * vmlab_core_start() - build the VM: arena, page allocator, and the layers
 * above it.
 * @cfg: configuration, or NULL for the defaults.
 * Return: 0, or -errno with everything undone.
 */
int vmlab_core_start(const struct vml_config *cfg);

/**
 * vmlab_core_stop() - tear the VM down in reverse order and give the arena
 * back. Reports frames a layer failed to return.
 */
void vmlab_core_stop(void);

struct vml_check;

/**
 * vmlab_core_check() - the invariant checker: every started layer's check
 * in layer order (arena, buddy, slab, mmu, vma, fault, swap), then the final
 * comparison of every frame (arena/check.h, Documentation/check.rst).
 * @chk: the run; read chk->violations and chk->msgs afterwards, then
 *	free it with vml_check_end() whatever was returned.
 *
 * Context: process context, may sleep. The caller keeps every other user
 * of the VM out for the duration: ctl `check` runs as an exclusive
 * command, a KUnit suite calls it with nothing else running.
 * Return: 0 when every invariant holds, -EUCLEAN when one does not,
 *	-ENODEV without a started core, -ENOMEM without host memory for the
 *	ledger.
 */
int vmlab_core_check(struct vml_check *chk);

/**
 * vmlab_core_debugfs_init() - every subsystem's debugfs files and commands.
 * @root: the vmlab debugfs directory.
 * Return: 0 or -errno.
 */
int vmlab_core_debugfs_init(struct dentry *root);

/** vmlab_core_debugfs_exit() - undo vmlab_core_debugfs_init(). */
void vmlab_core_debugfs_exit(void);

#endif /* VMLAB_CORE_H */
