// SPDX-License-Identifier: GPL-2.0
/*
 * dup.c - the VMA half of fork: copy every VMA of an address space into a
 * new one (dup_mmap() in kernel/fork.c). The pages and page tables are the
 * fault layer's business: it passes a callback that copies them for each
 * new VMA (copy_page_range()), so vma/ never calls fault/ by name.
 */
#include "vma/vma-internal.h"

/* The mm-wide fields a child inherits (dup_mm() copies the whole struct). */
static void dup_mm_fields(struct vml_mm *dst, struct vml_mm *src)
{
	dst->mmap_base = src->mmap_base;
	dst->start_brk = src->start_brk;
	dst->brk = src->brk;
	dst->start_stack = src->start_stack;
	dst->limits = src->limits;
}

/* One VMA: copy, unlock (VM_LOCKED is not inherited), link, copy pages. */
static int dup_one(struct vml_mm *dst, struct vml_vma *src, vml_dup_fn copy)
{
	struct vml_vma *vma = vml_vma_copy(src);

	if (!vma)
		return -ENOMEM;
	vma->vm_mm = dst;
	vma->vm_flags &= ~VML_VM_LOCKED;
	if (vml_anon_vma_fork(vma, src)) {
		vml_vma_free(vma);
		return -ENOMEM;
	}
	vml_vma_link(dst, vma);
	vml_vm_stat_account(dst, vma->vm_flags, vml_vma_pages(vma));
	return copy ? copy(vma, src) : 0;
}

int vml_dup_mmap(struct vml_mm *dst, struct vml_mm *src, vml_dup_fn copy)
{
	struct vml_vma *vma;
	int ret = 0;

	if (src->kernel || dst->kernel || dst == src)
		return -EINVAL;
	down_write(&src->mmap_lock);
	down_write_nested(&dst->mmap_lock, SINGLE_DEPTH_NESTING);
	if (!list_empty(&dst->mmap)) {
		ret = -EINVAL;
		goto out;
	}
	dup_mm_fields(dst, src);
	vml_for_each_vma(src, vma) {
		ret = dup_one(dst, vma, copy);
		if (ret)
			break;
	}
	dst->hiwater_rss = vml_mm_rss(dst);
out:
	up_write(&dst->mmap_lock);
	up_write(&src->mmap_lock);
	return ret;
}
