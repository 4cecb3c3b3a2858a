/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Inside the fault layer
 *
 * fault-internal.h - what the files of fault/ share and nobody else sees.
 */
#ifndef VMLAB_FAULT_INTERNAL_H
#define VMLAB_FAULT_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include "buddy/vmstat.h"
#include "fault/fault.h"

/*
 * struct vml_mapping - vmlab's address_space: the cached pages of one
 * file (by inode), or of one shared anonymous object (@host NULL).
 * @host: the inode, the registry's key; NULL for shared anonymous memory.
 * @file: the open file used for I/O (a reference is held); the first
 *	writable one seen replaces a read-only one.
 * @pages: page offset -> struct vml_page (xarray, as Linux's i_pages).
 * @lock: serialises filling the cache and writing it back.
 * @users: VMAs pointing at it through vm_private_data.
 * @nrpages: pages in @pages.
 * @swapped: swap entries in @pages (shmem's info->swapped).
 * @ra_next: where a sequential reader is expected next (readahead).
 * @ra_size: the current readahead window in pages.
 * @size: shared anonymous memory: the object's size in pages, fixed at
 *	mmap as shmem_zero_setup() fixes the shmem file's (mremap grows
 *	the VMA, never the object: a fault past it is SIGBUS).
 * @node: entry in the registry.
 * @i_mmap: the VMAs mapping it, by page offset (i_mmap), for rmap.
 * @refs: one while it is in the registry, one per rmap walk using it:
 *	the last frees the memory (vml_mapping_put()).
 */
struct vml_mapping {
	struct inode *host;
	struct file *file;
	struct xarray pages;
	struct mutex lock;	/* fills and writeback */
	atomic_t users;
	atomic_long_t nrpages, swapped;
	unsigned long ra_next, ra_size;
	unsigned long size;
	struct list_head node;
	struct vml_i_mmap i_mmap;
	refcount_t refs;
};

/* ---- memory.c ---- */
pte_t vml_fault_mk_pte(struct vml_vma *vma, struct vml_page *page, bool write);

/* ---- rmap.c ---- */
unsigned long vml_linear_index(struct vml_vma *vma, unsigned long addr);
void vml_page_add_new_anon_rmap(struct vml_page *page, struct vml_vma *vma,
				unsigned long addr);
void vml_page_add_anon_rmap(struct vml_page *page, struct vml_vma *vma,
			    unsigned long addr);
void vml_page_dup_rmap(struct vml_page *page);
void vml_page_remove_rmap(struct vml_page *page);

/* ---- filemap.c ---- */
struct vml_mapping *vml_vma_mapping(struct vml_vma *vma);
struct vml_mapping *vml_page_mapping_get(struct vml_page *page);
void vml_mapping_put(struct vml_mapping *m);
struct vml_page *vml_filemap_fault(struct vml_vma *vma, unsigned long pgoff,
				   bool *major, int *err);
void vml_filemap_find_range(struct vml_vma *vma, unsigned long pgoff,
			    unsigned int n, struct vml_page **pages, bool atomic);
int vml_filemap_vma_open(struct vml_vma *vma);
int vml_filemap_vma_dup(struct vml_vma *dst, struct vml_vma *src);
void vml_filemap_vma_close(struct vml_vma *vma);
unsigned long vml_shmem_swapped(struct vml_vma *vma);
void vml_filemap_exit(void);
struct vml_check;
struct vml_check_refs;
void vml_filemap_check(struct vml_check *chk, const struct vml_check_refs *users,
		       const struct vml_check_refs *vmas);

/* ---- gup.c ---- */
int vml_populate(struct vml_mm *mm, unsigned long start, unsigned long len,
		 bool ignore_errors);

/* ---- fork.c ---- */
int vml_copy_page_range(struct vml_vma *dst, struct vml_vma *src);

/* ---- hooks (memory.c) ---- */
const struct vml_fault_hooks *vml_fault_hooks(void);

#endif /* VMLAB_FAULT_INTERNAL_H */
