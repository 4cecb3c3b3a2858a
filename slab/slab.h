/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slab.h - vmlab's slab allocator (Gorman ch. 8): object caches carved
 * from pages of vmlab's own buddy allocator, and kmalloc-style size caches.
 *
 * CONTRACT (implemented in the files of slab/). Context: vml_kmem_cache_alloc() and
 * vml_kmalloc() may sleep only if @gfp allows (VML___GFP_DIRECT_RECLAIM);
 * the free functions may be called from any context.
 */
#ifndef VMLAB_SLAB_H
#define VMLAB_SLAB_H

#include <linux/types.h>
#include "buddy/buddy.h"

struct dentry;
struct vml_kmem_cache;

/* Cache flags (vml_kmem_cache_create()). */
#define VML_SLAB_HWCACHE_ALIGN	0x01ul	/* align objects to cache lines */
#define VML_SLAB_POISON		0x02ul	/* poison free objects, check on alloc */
#define VML_SLAB_RED_ZONE	0x04ul	/* guard words around each object */
#define VML_SLAB_STORE_USER	0x08ul	/* remember the last caller */
#define VML_SLAB_RECLAIM_ACCOUNT 0x10ul	/* objects are reclaimable */

/**
 * vml_kmem_cache_create() - create an object cache.
 * @name: name shown in slabinfo; copied.
 * @size: object size in bytes.
 * @align: minimum alignment, 0 for the default.
 * @flags: VML_SLAB_* flags.
 * @ctor: constructor run once per object when its slab is created, or NULL.
 * Return: the cache, or NULL (bad arguments, duplicate name, no memory).
 */
struct vml_kmem_cache *vml_kmem_cache_create(const char *name, size_t size,
					     size_t align, unsigned long flags,
					     void (*ctor)(void *obj));

/**
 * vml_kmem_cache_destroy() - destroy an empty cache.
 * @cache: the cache.
 * Return: 0, or -EBUSY (nothing changed) while objects are live.
 */
int vml_kmem_cache_destroy(struct vml_kmem_cache *cache);

/**
 * vml_kmem_cache_alloc() - allocate an object.
 * @cache: the cache.
 * @gfp: VML_GFP_* flags for any page the cache must grow by.
 * Return: the object, or NULL.
 */
void *vml_kmem_cache_alloc(struct vml_kmem_cache *cache, vml_gfp_t gfp);

/**
 * vml_kmem_cache_free() - free an object.
 * @cache: the cache it came from.
 * @obj: the object; a foreign pointer or double free is reported, counted
 *       and refused.
 */
void vml_kmem_cache_free(struct vml_kmem_cache *cache, void *obj);

/**
 * vml_kmalloc() - allocate from the size caches (32 B .. 128 KiB), or
 * directly from the buddy allocator beyond that.
 * @size: bytes.
 * @gfp: VML_GFP_* flags.
 * Return: the memory, or NULL.
 */
void *vml_kmalloc(size_t size, vml_gfp_t gfp);

/**
 * vml_kzalloc() - vml_kmalloc() and zero.
 * @size: bytes.
 * @gfp: VML_GFP_* flags.
 * Return: the memory, or NULL.
 */
void *vml_kzalloc(size_t size, vml_gfp_t gfp);

/**
 * vml_kfree() - free what vml_kmalloc() returned; NULL is ignored.
 * @obj: the memory.
 */
void vml_kfree(const void *obj);

/**
 * vml_ksize() - usable size of a vml_kmalloc() allocation.
 * @obj: the memory.
 * Return: bytes.
 */
size_t vml_ksize(const void *obj);

/**
 * vml_kmem_cache_reap() - shrink caches under memory pressure (Gorman 8.1.7).
 * @gfp: the allocation that is short of memory.
 * Return: pages freed.
 */
unsigned long vml_kmem_cache_reap(vml_gfp_t gfp);

int vml_slab_init(void);
void vml_slab_exit(void);
int vml_slab_debugfs_init(struct dentry *root);
void vml_slab_debugfs_exit(void);

#endif /* VMLAB_SLAB_H */
