/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Inside the address-space layer
 *
 * vma-internal.h - what the files of vma/ share and nobody else sees.
 *
 * Unless said otherwise every function here expects mm->mmap_lock held
 * for writing (it changes VMAs) or for reading (it only looks).
 */
#ifndef VMLAB_VMA_INTERNAL_H
#define VMLAB_VMA_INTERNAL_H

#include <linux/sizes.h>
#include "vma/vma.h"

#define VML_MMAP_MIN_ADDR	SZ_64K		/* vm.mmap_min_addr */
#define VML_MAX_MAP_COUNT	65530ul		/* DEFAULT_MAX_MAP_COUNT */
#define VML_STACK_GUARD_GAP	(256ul * PAGE_SIZE)	/* stack_guard_gap */
#define VML_DEFAULT_MAP_WINDOW	BIT(47)	/* x86 DEFAULT_MAP_WINDOW */
#define VML_BRK_START		0x0000555555560000ul

/* ---- objects (mm.c) ---- */
struct vml_vma *vml_vma_alloc(struct vml_mm *mm);
void vml_vma_free(struct vml_vma *vma);
struct vml_vma *vml_vma_dup(struct vml_vma *src);
struct vml_vma *vml_vma_copy(struct vml_vma *src);
struct vml_anon_vma *vml_anon_vma_alloc(void);
void vml_anon_vma_free(struct vml_anon_vma *av);
struct vml_anon_vma_chain *vml_avc_alloc(void);
void vml_avc_free(struct vml_anon_vma_chain *avc);
const struct vml_mm_hooks *vml_hooks(void);
void vml_vma_shrink_caches(void);
void vml_vm_stat_account(struct vml_mm *mm, unsigned long flags, long npages);
bool vml_may_expand_vm(struct vml_mm *mm, unsigned long flags,
		       unsigned long npages);
bool vml_mlock_ok(struct vml_mm *mm, unsigned long flags, unsigned long bytes);

/* ---- anon_vma chains (anon_vma.c) ---- */
int vml_anon_vma_clone(struct vml_vma *dst, struct vml_vma *src);
int vml_anon_vma_fork(struct vml_vma *vma, struct vml_vma *pvma);
void vml_unlink_anon_vmas(struct vml_vma *vma);
struct vml_anon_vma *vml_vma_anon_root(struct vml_vma *vma);
void vml_anon_vma_trees_remove(struct vml_vma *vma);
void vml_anon_vma_trees_insert(struct vml_vma *vma);
bool vml_avc_in_tree(struct vml_anon_vma_chain *avc);

/* ---- object trees and their locking (i_mmap.c) ---- */
void vml_i_mmap_link(struct vml_vma *vma);
void vml_i_mmap_unlink(struct vml_vma *vma);
void vml_vma_rmap_lock(struct vml_vma *vma);
void vml_vma_rmap_unlock(struct vml_vma *vma);
void vml_vma_rmap_unhook(struct vml_vma *vma);
void vml_vma_rmap_rehook(struct vml_vma *vma);
int vml_i_mmap_count(struct vml_vma *vma);

/* ---- the tree (tree.c) ---- */
unsigned long vml_vm_start_gap(struct vml_vma *vma);
unsigned long vml_vm_end_gap(struct vml_vma *vma);
void vml_vma_link(struct vml_mm *mm, struct vml_vma *vma);
void vml_vma_unlink(struct vml_mm *mm, struct vml_vma *vma);
void vml_vma_set_range(struct vml_vma *vma, unsigned long start,
		       unsigned long end, unsigned long pgoff);

/* ---- merge and split (merge.c) ---- */
struct vml_vma *vml_vma_merge(struct vml_mm *mm, struct vml_vma *prev,
			      unsigned long addr, unsigned long end,
			      unsigned long vm_flags, struct file *file,
			      unsigned long pgoff, struct vml_anon_vma *anon,
			      void *obj);
struct vml_vma *vml_vma_merge_new(struct vml_mm *mm, struct vml_vma *prev,
				  unsigned long addr, unsigned long end,
				  unsigned long vm_flags, struct file *file,
				  unsigned long pgoff, void *obj);
int vml_split_vma(struct vml_mm *mm, struct vml_vma *vma, unsigned long addr,
		  bool new_below);
int vml_do_munmap(struct vml_mm *mm, unsigned long start, unsigned long len);
unsigned long vml_calc_vm_prot_bits(unsigned long prot);
bool vml_same_file(struct file *a, struct file *b);
struct vml_vma *vml_vma_modify(struct vml_mm *mm, struct vml_vma *vma,
			       unsigned long start, unsigned long end,
			       unsigned long newflags);

/* ---- pages (pages.c) ---- */
void vml_zap_range(struct vml_vma *vma, unsigned long start, unsigned long end);
void vml_free_pgd_range(struct vml_mm *mm, unsigned long start,
			unsigned long end);
void vml_change_protection(struct vml_vma *vma, unsigned long start,
			   unsigned long end);
void vml_mlock_pages(struct vml_vma *vma, unsigned long start,
		     unsigned long end, bool lock);
unsigned long vml_age_range(struct vml_vma *vma, unsigned long start,
			    unsigned long end);
void vml_zero_page_exit(void);

/* ---- vmalloc (vmalloc.c) ---- */
void vml_vmalloc_exit(struct vml_mm *kmm);
struct vml_check;
unsigned long vml_vmalloc_check(struct vml_check *chk, struct vml_mm *kmm);

/* ---- debugfs (vma_debugfs.c) ---- */
void vml_vma_debugfs_check(struct vml_check *chk);

/* ---- ctl (vma_ctl.c) ---- */
extern struct vml_ctl_group vml_vma_ctl_group;
struct vml_reply;
/* vml_ctl_get_mm(), and with @dead_ok an mm the OOM killer killed too. */
struct vml_mm *vml_ctl_find_mm(struct vml_reply *r, const char *arg, bool dead_ok);

#endif /* VMLAB_VMA_INTERNAL_H */
