// SPDX-License-Identifier: GPL-2.0
/*
 * owned.c - the caches and objects the interface (ctl's cache_create,
 * cache_alloc and kmalloc) handed out, so that its frees, destroys and
 * pokes reach those and nothing else.
 *
 * A free through the interface looks the object up and removes it from
 * the registry under the registry's lock, and only then frees it. A
 * pointer that is not in the registry is never passed to a free, not even
 * "to have it refused": between a check and that free another CPU may
 * allocate the object, and the free would then be real. Such a free is
 * reported and counted here (vml_slab_report(), as the allocator would
 * have) and the object is left as it was.
 *
 * Objects: an xarray from address to the cache (kmalloc_owner for
 * vml_kmalloc()); caches: an xarray from the cache to its test
 * constructor's call count, read locklessly by that constructor. Both in
 * host memory, so the bookkeeping never shows in vmlab's slabinfo.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include "slab/slab-internal.h"

struct owned_cache {
	atomic_long_t ctor_calls;
};

static DEFINE_XARRAY(owned_objs);
static DEFINE_XARRAY(owned_caches);
static DEFINE_MUTEX(owned_lock);	/* lookup + removal, as one */
static struct owned_cache kmalloc_owner;	/* the owner of kmalloc objects */

#define OWNED_CTOR_BYTE	0xc7

/* The test constructor: marks the first byte and counts the call. */
static void owned_ctor(void *obj)
{
	struct vml_slab *slab = vml_addr_to_slab(obj);
	struct owned_cache *oc = slab ? xa_load(&owned_caches, (unsigned long)slab->cache) : NULL;

	*(u8 *)obj = OWNED_CTOR_BYTE;
	if (oc)
		atomic_long_inc(&oc->ctor_calls);
}

struct vml_kmem_cache *vml_slab_owned_create(const char *name, size_t size,
					     size_t align, unsigned long flags,
					     bool test_ctor)
{
	struct vml_kmem_cache *cache;
	struct owned_cache *oc;
	int err;

	oc = kzalloc(sizeof(*oc), GFP_KERNEL);
	if (!oc)
		return ERR_PTR(-ENOMEM);
	cache = __vml_kmem_cache_create(name, size, align, flags,
					test_ctor ? owned_ctor : NULL);
	if (IS_ERR(cache)) {
		kfree(oc);
		return cache;
	}
	/* Constructors run only when the cache grows, after this store. */
	err = xa_err(xa_store(&owned_caches, (unsigned long)cache, oc, GFP_KERNEL));
	if (err) {
		vml_kmem_cache_destroy(cache);
		kfree(oc);
		return ERR_PTR(err);
	}
	return cache;
}

bool vml_slab_owned_cache(struct vml_kmem_cache *cache)
{
	return xa_load(&owned_caches, (unsigned long)cache);
}

long vml_slab_owned_ctor_calls(struct vml_kmem_cache *cache)
{
	struct owned_cache *oc = xa_load(&owned_caches, (unsigned long)cache);

	return oc ? atomic_long_read(&oc->ctor_calls) : 0;
}

int vml_slab_owned_destroy(struct vml_kmem_cache *cache)
{
	struct owned_cache *oc;
	int ret;

	mutex_lock(&owned_lock);
	oc = xa_load(&owned_caches, (unsigned long)cache);
	ret = oc ? vml_kmem_cache_destroy(cache) : -EPERM;
	if (!ret)
		xa_erase(&owned_caches, (unsigned long)cache);
	mutex_unlock(&owned_lock);
	if (!ret)
		kfree(oc);
	return ret;
}

void *vml_slab_owned_alloc(struct vml_kmem_cache *cache, size_t size,
			   vml_gfp_t gfp)
{
	void *owner = cache ? (void *)cache : &kmalloc_owner;
	void *obj = cache ? vml_kmem_cache_alloc(cache, gfp) : vml_kmalloc(size, gfp);
	int err;

	if (!obj)
		return NULL;
	mutex_lock(&owned_lock);
	err = xa_err(xa_store(&owned_objs, (unsigned long)obj, owner, GFP_KERNEL));
	mutex_unlock(&owned_lock);
	if (!err)
		return obj;
	if (cache)
		vml_kmem_cache_free(cache, obj);
	else
		vml_kfree(obj);
	return NULL;
}

/* A free of something the registry does not hold: report and count it. */
static int refuse(struct vml_kmem_cache *cache, void *addr, const char **why)
{
	struct vml_slab *slab, *s = vml_addr_to_slab(addr);
	unsigned int idx;
	int ret = -EINVAL;

	/* Only the message depends on this racy look; nothing is freed. */
	*why = cache ? vml_slab_check_free(cache, addr, &slab, &idx) :
		       vml_kfree_check(addr);
	if (!*why) {
		*why = "object was not allocated through the interface";
		ret = -EPERM;
	}
	if (cache)
		vml_slab_report(cache, VML_SLAB_ERR_BAD_FREE, addr, *why);
	else if (s)
		vml_slab_report(s->cache, VML_SLAB_ERR_BAD_FREE, addr, *why);
	else
		vml_slab_report_foreign(addr);
	return ret;
}

int vml_slab_owned_free(struct vml_kmem_cache *cache, void *addr,
			const char **why)
{
	void *owner = cache ? (void *)cache : &kmalloc_owner;
	void *entry;
	int ret = 0;

	*why = NULL;
	mutex_lock(&owned_lock);
	entry = xa_load(&owned_objs, (unsigned long)addr);
	if (entry == owner) {
		xa_erase(&owned_objs, (unsigned long)addr);
	} else if (entry && cache) {
		*why = "object belongs to another cache";
		vml_slab_report(cache, VML_SLAB_ERR_BAD_FREE, addr, *why);
		ret = -EINVAL;
	} else {
		ret = refuse(cache, addr, why);
	}
	mutex_unlock(&owned_lock);
	if (ret)
		return ret;
	/* Removed from the registry: no other free through it can find it. */
	if (cache)
		vml_kmem_cache_free(cache, addr);
	else
		vml_kfree(addr);
	return 0;
}

unsigned long vml_slab_owned_objects(void)
{
	unsigned long addr, n = 0;
	void *entry;

	mutex_lock(&owned_lock);
	xa_for_each(&owned_objs, addr, entry)
		n++;
	mutex_unlock(&owned_lock);
	return n;
}

void vml_slab_owned_release(void)
{
	struct owned_cache *oc;
	unsigned long key;
	void *entry;

	mutex_lock(&owned_lock);
	xa_for_each(&owned_objs, key, entry) {
		xa_erase(&owned_objs, key);
		if (entry == &kmalloc_owner)
			vml_kfree((void *)key);
		else
			vml_kmem_cache_free(entry, (void *)key);
	}
	xa_for_each(&owned_caches, key, oc) {
		xa_erase(&owned_caches, key);
		vml_kmem_cache_destroy((struct vml_kmem_cache *)key);
		kfree(oc);
	}
	mutex_unlock(&owned_lock);
}
