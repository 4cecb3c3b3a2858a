// SPDX-License-Identifier: GPL-2.0
/*
 * debug.c - catching the caller's bugs (CONFIG_DEBUG_SLAB of 2.4 and
 * today's mm/slab.c, Gorman 8.1.2): poisoned free objects checked on
 * allocation, red zones checked on free, the last user recorded, and for
 * every cache the checks that refuse a double free or a foreign pointer.
 *
 * A bug is reported once per cache and kind with a plain pr_err (never a
 * WARN: the bug is the caller's, and is survived), counted per cache and
 * in vmstat every time, and never followed: a bad free is refused, a
 * damaged object is repaired before it is handed out again.
 */
#include <linux/printk.h>
#include <linux/string.h>
#include "slab/slab-internal.h"
#include "vmlab_compat.h"
#include "buddy/vmstat.h"

static const char * const err_names[VML_SLAB_NR_ERR] = {
	[VML_SLAB_ERR_BAD_FREE] = "bad free",
	[VML_SLAB_ERR_POISON] = "poison overwritten",
	[VML_SLAB_ERR_REDZONE] = "red zone overwritten",
	[VML_SLAB_ERR_CORRUPT] = "slab corrupted",
};

static const enum vml_vm_event err_events[VML_SLAB_NR_ERR] = {
	[VML_SLAB_ERR_BAD_FREE] = VML_EV_SLAB_BAD_FREE,
	[VML_SLAB_ERR_POISON] = VML_EV_SLAB_POISON,
	[VML_SLAB_ERR_REDZONE] = VML_EV_SLAB_REDZONE,
	[VML_SLAB_ERR_CORRUPT] = VML_EV_SLAB_CORRUPT,
};

static u64 *redzone1(struct vml_kmem_cache *cache, void *buf)
{
	return buf + cache->obj_offset - sizeof(u64);
}

/*
 * Red zone 2 starts right at the object's end, so that even a one-byte
 * overrun of an odd-sized object lands in it; it may be unaligned.
 */
static void *redzone2(struct vml_kmem_cache *cache, void *buf)
{
	return buf + cache->obj_offset + cache->object_size;
}

static unsigned long *user_word(struct vml_kmem_cache *cache, void *buf)
{
	size_t off = cache->obj_offset + cache->object_size;

	if (cache->flags & VML_SLAB_RED_ZONE)
		off += sizeof(u64);
	return buf + ALIGN(off, sizeof(unsigned long));
}

/**
 * vml_slab_report() - count a caller's bug; print it the first time.
 * @cache: the cache it happened in.
 * @kind: what happened.
 * @obj: the object (or pointer) involved.
 * @why: the detail.
 */
void vml_slab_report(struct vml_kmem_cache *cache, enum vml_slab_err kind,
		     const void *obj, const char *why)
{
	struct vml_slab *slab = vml_addr_to_slab(obj);
	unsigned long off = slab ? obj - vml_page_address(slab->page) :
			    offset_in_page(obj);

	atomic_long_inc(&cache->errors[kind]);
	vml_count_event(err_events[kind]);
	if (test_and_set_bit(kind, &cache->reported))
		return;
	pr_err("vmlab: slab %s: %s: %s, object %#lx at offset %#lx in its slab (reported once per cache)\n",
	       cache->name, err_names[kind], why, (unsigned long)obj, off);
}

/**
 * vml_slab_errors() - how often a kind of bug was seen in a cache.
 * @cache: the cache.
 * @kind: the kind.
 * Return: the count.
 */
unsigned long vml_slab_errors(struct vml_kmem_cache *cache, enum vml_slab_err kind)
{
	return atomic_long_read(&cache->errors[kind]);
}

static void poison_obj(struct vml_kmem_cache *cache, void *obj)
{
	memset(obj, VML_POISON_FREE, cache->object_size - 1);
	((u8 *)obj)[cache->object_size - 1] = VML_POISON_END;
}

/* check_poison_obj(): the first byte written since the object was freed. */
static void check_poison(struct vml_kmem_cache *cache, void *obj)
{
	u8 *bad = memchr_inv(obj, VML_POISON_FREE, cache->object_size - 1);
	char why[64];

	if (!bad && ((u8 *)obj)[cache->object_size - 1] == VML_POISON_END)
		return;
	if (!bad)
		bad = obj + cache->object_size - 1;
	snprintf(why, sizeof(why), "write after free at byte %ld (now %#04x)",
		 (long)(bad - (u8 *)obj), *bad);
	vml_slab_report(cache, VML_SLAB_ERR_POISON, obj, why);
}

/**
 * vml_slab_init_obj() - prepare a slot of a new slab: debug words, poison
 * and the constructor (kmem_cache_init_objs()).
 * @cache: the cache.
 * @buf: the slot.
 */
void vml_slab_init_obj(struct vml_kmem_cache *cache, void *buf)
{
	void *obj = buf + cache->obj_offset;

	if (cache->flags & VML_SLAB_RED_ZONE) {
		*redzone1(cache, buf) = VML_RED_INACTIVE;
		put_unaligned(VML_RED_INACTIVE, (u64 *)redzone2(cache, buf));
	}
	if (cache->flags & VML_SLAB_STORE_USER)
		*user_word(cache, buf) = 0;
	if (cache->flags & VML_SLAB_POISON)
		poison_obj(cache, obj);
	if (cache->ctor)
		cache->ctor(obj);
}

/* Both red zones must read @want; report either that does not. */
static void check_redzones(struct vml_kmem_cache *cache, void *buf, u64 want,
			   const char *when)
{
	u64 rz1 = *redzone1(cache, buf);
	u64 rz2 = get_unaligned((u64 *)redzone2(cache, buf));
	char why[96];

	if (likely(rz1 == want && rz2 == want))
		return;
	snprintf(why, sizeof(why), "%s: %s zone is %#llx", when,
		 rz1 != want ? "leading" : "trailing", rz1 != want ? rz1 : rz2);
	vml_slab_report(cache, VML_SLAB_ERR_REDZONE, buf + cache->obj_offset, why);
}

/**
 * vml_slab_debug_alloc() - check and arm a slot being handed out.
 * @cache: a cache with debug flags.
 * @buf: the slot.
 * @caller: return address of the allocating function.
 */
void vml_slab_debug_alloc(struct vml_kmem_cache *cache, void *buf,
			  unsigned long caller)
{
	if (cache->flags & VML_SLAB_POISON)
		check_poison(cache, buf + cache->obj_offset);
	if (cache->flags & VML_SLAB_RED_ZONE) {
		check_redzones(cache, buf, VML_RED_INACTIVE, "while free");
		*redzone1(cache, buf) = VML_RED_ACTIVE;
		put_unaligned(VML_RED_ACTIVE, (u64 *)redzone2(cache, buf));
	}
	if (cache->flags & VML_SLAB_STORE_USER)
		*user_word(cache, buf) = caller;
}

/**
 * vml_slab_debug_free() - check a slot being freed, then disarm and poison.
 * @cache: a cache with debug flags.
 * @buf: the slot (already known to be a live object of @cache).
 * @caller: return address of the freeing function.
 */
void vml_slab_debug_free(struct vml_kmem_cache *cache, void *buf,
			 unsigned long caller)
{
	if (cache->flags & VML_SLAB_RED_ZONE) {
		check_redzones(cache, buf, VML_RED_ACTIVE, "at free");
		*redzone1(cache, buf) = VML_RED_INACTIVE;
		put_unaligned(VML_RED_INACTIVE, (u64 *)redzone2(cache, buf));
	}
	if (cache->flags & VML_SLAB_STORE_USER)
		*user_word(cache, buf) = caller;
	if (cache->flags & VML_SLAB_POISON)
		poison_obj(cache, buf + cache->obj_offset);
}

/**
 * vml_slab_last_user() - the recorded last allocator or freer of a slot.
 * @cache: the cache.
 * @buf: the slot.
 * Return: a code address, or 0 when the cache does not store users.
 */
unsigned long vml_slab_last_user(struct vml_kmem_cache *cache, const void *buf)
{
	if (!(cache->flags & VML_SLAB_STORE_USER))
		return 0;
	return *user_word(cache, (void *)buf);
}

/**
 * vml_slab_report_foreign() - count a vml_kfree() of a pointer that is in
 * no slab and no large kmalloc block; print it the first time.
 * @obj: the pointer.
 */
void vml_slab_report_foreign(const void *obj)
{
	static unsigned long reported;

	vml_count_event(VML_EV_SLAB_BAD_FREE);
	if (test_and_set_bit(0, &reported))
		return;
	pr_err("vmlab: kfree of foreign pointer %#lx (offset %#lx in its page) refused (reported once)\n",
	       (unsigned long)obj, offset_in_page(obj));
}

/**
 * vml_slab_slot() - the slot of @obj if it is an object position of
 * @cache, in use or free.
 * @cache: the cache.
 * @obj: the pointer.
 * Return: the slot, or NULL.
 */
void *vml_slab_slot(struct vml_kmem_cache *cache, const void *obj)
{
	const void *buf = obj - cache->obj_offset;
	struct vml_slab *slab = vml_addr_to_slab(buf);
	unsigned int idx;

	if (!slab || slab->cache != cache || buf < slab->s_mem)
		return NULL;
	idx = vml_slab_index(cache, slab, buf);
	if (idx >= cache->num || vml_slab_buf(cache, slab, idx) != buf)
		return NULL;
	return (void *)buf;
}
