// SPDX-License-Identifier: GPL-2.0
/*
 * i_mmap.c - the VMAs of a file or shared anonymous object, in an
 * interval tree by page offset (Linux 6.1: address_space.i_mmap and its
 * rwsem, mm/interval_tree.c's vma_interval_tree), and the locking that
 * keeps a VMA's place in its trees right while its offsets change (the
 * rmap half of 6.1's vma_prepare()/vma_complete()).
 *
 * The object's owner (fault/'s page cache) embeds a struct vml_i_mmap and
 * names it in each VMA of the object (vml_i_mmap_attach()); vma/ puts a
 * VMA in the tree when it is linked into its mm, takes it out when it is
 * unlinked, and moves it when a split, merge, expansion or mremap changes
 * its offsets. Lock order: mmap_lock -> i_mmap rwsem -> anon_vma root
 * rwsem -> pgt.lock.
 */
#include <linux/interval_tree_generic.h>
#include "vma/vma-internal.h"

static inline unsigned long vma_start_pgoff(struct vml_vma *v)
{
	return v->vm_pgoff;
}

static inline unsigned long vma_last_pgoff(struct vml_vma *v)
{
	return v->vm_pgoff + vml_vma_pages(v) - 1;
}

INTERVAL_TREE_DEFINE(struct vml_vma, shared.rb, unsigned long, shared.rb_subtree_last,
		     vma_start_pgoff, vma_last_pgoff, static inline, vma_tree)

void vml_i_mmap_init(struct vml_i_mmap *im)
{
	init_rwsem(&im->rwsem);
	im->root = RB_ROOT_CACHED;
}

static bool vma_linked(struct vml_vma *vma)
{
	return !RB_EMPTY_NODE(&vma->vm_rb);
}

static void tree_insert(struct vml_vma *vma)
{
	vma_tree_insert(vma, &vma->vm_i_mmap->root);
}

static void tree_remove(struct vml_vma *vma)
{
	vma_tree_remove(vma, &vma->vm_i_mmap->root);
	RB_CLEAR_NODE(&vma->shared.rb);
}

void vml_i_mmap_attach(struct vml_vma *vma, struct vml_i_mmap *im)
{
	if (WARN_ON_ONCE(vma->vm_i_mmap))
		return;
	if (!vma_linked(vma)) {
		vma->vm_i_mmap = im;	/* vml_vma_link() inserts it */
		return;
	}
	down_write(&im->rwsem);
	vma->vm_i_mmap = im;
	tree_insert(vma);
	up_write(&im->rwsem);
}

/* vma_link()'s __vma_link_file(): @vma was just linked in its mm. */
void vml_i_mmap_link(struct vml_vma *vma)
{
	struct vml_i_mmap *im = vma->vm_i_mmap;

	if (!im)
		return;
	down_write(&im->rwsem);
	tree_insert(vma);
	up_write(&im->rwsem);
}

/* unlink_file_vma(): @vma leaves its mm. */
void vml_i_mmap_unlink(struct vml_vma *vma)
{
	struct vml_i_mmap *im = vma->vm_i_mmap;

	if (!im || RB_EMPTY_NODE(&vma->shared.rb))
		return;
	down_write(&im->rwsem);
	tree_remove(vma);
	up_write(&im->rwsem);
}

int vml_i_mmap_walk(struct vml_i_mmap *im, unsigned long first,
		    unsigned long last, vml_vma_visit_fn fn, void *arg)
{
	struct vml_vma *vma;
	int ret = 0;

	down_read(&im->rwsem);
	for (vma = vma_tree_iter_first(&im->root, first, last); vma && !ret;
	     vma = vma_tree_iter_next(vma, first, last))
		ret = fn(vma, first, arg);
	up_read(&im->rwsem);
	return ret;
}

/*
 * Hold every reverse-map lock of @vma for writing (take_rmap_locks()):
 * walkers of its trees wait while its PTEs or offsets move.
 */
void vml_vma_rmap_lock(struct vml_vma *vma)
{
	struct vml_anon_vma *root = vml_vma_anon_root(vma);

	if (vma->vm_i_mmap)
		down_write(&vma->vm_i_mmap->rwsem);
	if (root)
		down_write(&root->rwsem);
}

void vml_vma_rmap_unlock(struct vml_vma *vma)
{
	struct vml_anon_vma *root = vml_vma_anon_root(vma);

	if (root)
		up_write(&root->rwsem);
	if (vma->vm_i_mmap)
		up_write(&vma->vm_i_mmap->rwsem);
}

/* vma_prepare(): lock @vma's trees and take it out before its offsets change. */
void vml_vma_rmap_unhook(struct vml_vma *vma)
{
	vml_vma_rmap_lock(vma);
	vml_anon_vma_trees_remove(vma);
	if (vma->vm_i_mmap && !RB_EMPTY_NODE(&vma->shared.rb))
		tree_remove(vma);
}

/* vma_complete(): back in with the new offsets, then unlock. */
void vml_vma_rmap_rehook(struct vml_vma *vma)
{
	vml_anon_vma_trees_insert(vma);
	if (vma->vm_i_mmap && vma_linked(vma))
		tree_insert(vma);
	vml_vma_rmap_unlock(vma);
}

/* The checker: how many times is @vma in its object's tree? */
int vml_i_mmap_count(struct vml_vma *vma)
{
	unsigned long first = vma_start_pgoff(vma), last = vma_last_pgoff(vma);
	struct vml_vma *it;
	int n = 0;

	for (it = vma_tree_iter_first(&vma->vm_i_mmap->root, first, last); it;
	     it = vma_tree_iter_next(it, first, last))
		n += it == vma;
	return n;
}
