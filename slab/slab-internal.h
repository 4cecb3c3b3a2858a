/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Inside the slab allocator
 *
 * slab-internal.h - shared between the files of slab/ (and its KUnit
 * suite) only.
 *
 * A cache (struct vml_kmem_cache, Gorman 8.1) owns three lists of slabs:
 * full, partial and free. A slab is 2^order frames from the buddy
 * allocator; its descriptor (struct vml_slab, Gorman 8.2) is at the start
 * of the slab (after the colour offset) for small objects and in a size
 * cache for large ones. Each object slot ("buffer") is @size bytes:
 *
 *   [red zone 1][object: object_size bytes][red zone 2][last user]
 *   ^buffer      ^buffer + obj_offset
 *
 * The red zones and the user word exist only in debug caches. Callers see
 * buffer + obj_offset; everything in slab/ below the API works on buffers.
 *
 * Every frame of a slab carries VML_PG_slab and points its ->private at the
 * slab descriptor, so any object leads to its slab and cache (Gorman's
 * SET_PAGE_SLAB(), today's page->slab_cache).
 *
 * Locking: cache->lock (IRQ-safe) protects the lists, the counters of the
 * lists and every slab's free list; a CPU's array cache is touched only by
 * tasks on that CPU with preemption off, never from interrupt context
 * (see cpucache.c);
 * vml_slab_mutex protects the cache chain, creation and destruction.
 */
#ifndef VMLAB_SLAB_INTERNAL_H
#define VMLAB_SLAB_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/reciprocal_div.h>
#include <linux/spinlock.h>
#include "slab/slab.h"

/*
 * kmem_bufctl_t (Gorman 8.2.3): a slab's free objects form a chain of
 * indices through its bufctl array. Values above the largest index mark
 * an object that is not on the chain: handed to a caller, or parked in a
 * per-CPU array. Recording that state is what lets a double free be
 * caught wherever the first free went.
 */
typedef u16 vml_bufctl_t;
#define VML_BUFCTL_END		((vml_bufctl_t)0xffff)	/* end of the chain */
#define VML_BUFCTL_ACTIVE	((vml_bufctl_t)0xfffe)	/* held by a caller */
#define VML_BUFCTL_CPU		((vml_bufctl_t)0xfffd)	/* in a per-CPU array */
#define VML_SLAB_OBJ_MAX	0xfff0u

/* Internal cache flags, above the VML_SLAB_* creation flags. */
#define VML_CFLGS_OFF_SLAB	0x1000ul	/* descriptor kept off-slab */
#define VML_CFLGS_KMALLOC	0x2000ul	/* a size cache */

#define VML_SLAB_CREATE_MASK	(VML_SLAB_HWCACHE_ALIGN | VML_SLAB_POISON | \
				 VML_SLAB_RED_ZONE | VML_SLAB_STORE_USER | \
				 VML_SLAB_RECLAIM_ACCOUNT | VML_SLAB_NO_REAP)
#define VML_SLAB_DEBUG_FLAGS	(VML_SLAB_POISON | VML_SLAB_RED_ZONE | \
				 VML_SLAB_STORE_USER)

/* Debug patterns, as include/linux/poison.h. */
#define VML_POISON_FREE		0x6b
#define VML_POISON_END		0xa5
#define VML_RED_INACTIVE	0x09F911029D74E35BULL
#define VML_RED_ACTIVE		0xD84156C5635688C0ULL

/**
 * struct vml_slab - slab descriptor, Gorman's slab_t.
 * @list: on the cache's full, partial or free list.
 * @cache: the cache the slab belongs to.
 * @s_mem: the first object slot.
 * @page: the first frame of the slab.
 * @colouroff: colour offset of this slab, in bytes.
 * @inuse: slots not on the free chain (held by callers or parked on CPUs).
 * @free: index of the first free slot, VML_BUFCTL_END when none.
 * @bufctl: one entry per slot (Gorman 8.2.3).
 */
struct vml_slab {
	struct list_head list;
	struct vml_kmem_cache *cache;
	void *s_mem;
	struct vml_page *page;
	unsigned int colouroff;
	unsigned int inuse;
	vml_bufctl_t free;
	vml_bufctl_t bufctl[];
};

/**
 * struct vml_array_cache - a CPU's stack of free objects (Gorman 8.5).
 * @avail: objects on the stack.
 * @limit: most objects kept; a free beyond it drains @batchcount.
 * @batchcount: objects moved to or from the slab lists at a time.
 * @touched: set by allocation, cleared by reap (today's cache_reap()).
 * @allochit: allocations served from the stack.
 * @allocmiss: allocations that had to refill it.
 * @freehit: frees that fitted on the stack.
 * @freemiss: frees that had to drain it first.
 * @entry: the objects (buffers), @limit of them.
 */
struct vml_array_cache {
	unsigned int avail, limit, batchcount, touched;
	unsigned long allochit, allocmiss, freehit, freemiss;
	void *entry[];
};

enum vml_slab_err {
	VML_SLAB_ERR_BAD_FREE,	/* foreign pointer or double free */
	VML_SLAB_ERR_POISON,	/* free object written to */
	VML_SLAB_ERR_REDZONE,	/* write past either end of an object */
	VML_SLAB_ERR_CORRUPT,	/* slab management data overwritten */
	VML_SLAB_NR_ERR,
};

/**
 * struct vml_kmem_cache - cache descriptor, Gorman's kmem_cache_t.
 * @cpu_cache: per-CPU array caches (host memory: alloc_percpu).
 * @size: bytes per slot.
 * @object_size: bytes the caller asked for.
 * @obj_offset: from the slot to the object (red zone 1).
 * @reciprocal_size: @size as a reciprocal, for slot indices.
 * @flags: VML_SLAB_* and VML_CFLGS_* flags.
 * @ctor: constructor, run once per slot when its slab is created.
 * @lock: protects the lists and list counters below.
 * @slabs_full: slabs with every slot in use.
 * @slabs_partial: slabs with some slots free.
 * @slabs_free: slabs with every slot free.
 * @num_slabs: slabs on all three lists.
 * @free_slabs: slabs on @slabs_free.
 * @free_objects: free slots on the slab lists (not counting arrays).
 * @free_limit: free slots kept before empty slabs are given back at once
 *              (today's Linux; 2.4 kept them until reaped).
 * @growing: slabs being created right now; reap and shrink leave the
 *           cache's free slabs alone while nonzero (Gorman 8.1.7).
 * @grown: a slab was added since the last reap pass (DFLGS_GROWN).
 * @colour_next: colour of the next slab.
 * @num: slots per slab.
 * @gfporder: log2 of frames per slab.
 * @colour: number of distinct colour offsets.
 * @colour_off: bytes between colour offsets.
 * @mgmt_size: bytes of descriptor plus bufctl array.
 * @align: slot alignment.
 * @slabp_cache: the size cache off-slab descriptors come from.
 * @limit: per-CPU array limit.
 * @batchcount: per-CPU array batch.
 * @name: the cache's name.
 * @list: on the cache chain.
 * @stat_grown: slabs created.
 * @stat_reaped: slabs freed by shrink or reap.
 * @stat_high: most objects ever in use.
 * @errors: debug events by kind (enum vml_slab_err).
 * @reported: kinds already reported once.
 * @dir: the cache's debugfs directory, NULL when none.
 */
struct vml_kmem_cache {
	struct vml_array_cache __percpu *cpu_cache;
	unsigned int size;
	unsigned int object_size;
	unsigned int obj_offset;
	struct reciprocal_value reciprocal_size;
	unsigned long flags;
	void (*ctor)(void *obj);

	spinlock_t lock;	/* the lists and their counters */
	struct list_head slabs_full, slabs_partial, slabs_free;
	unsigned long num_slabs, free_slabs, free_objects, free_limit;
	unsigned int growing;
	bool grown;
	unsigned int colour_next;

	unsigned int num;
	unsigned int gfporder;
	unsigned int colour;
	unsigned int colour_off;
	unsigned int mgmt_size;
	unsigned int align;
	struct vml_kmem_cache *slabp_cache;
	unsigned int limit, batchcount;

	char name[VML_CACHE_NAMELEN];
	struct list_head list;
	unsigned long stat_grown, stat_reaped, stat_high;
	atomic_long_t errors[VML_SLAB_NR_ERR];
	unsigned long reported;
	struct dentry *dir;
};

extern struct mutex vml_slab_mutex;
extern struct list_head vml_slab_caches;
extern unsigned int vml_slab_break_order;

/* ---- object helpers ---- */

/* The slab an arena address lies in, or NULL if not a slab frame. */
static inline struct vml_slab *vml_addr_to_slab(const void *addr)
{
	struct vml_page *page;

	if (!vml_virt_in_arena(addr))
		return NULL;
	page = vml_virt_to_page(addr);
	if (!vml_page_test(page, VML_PG_slab))
		return NULL;
	return (struct vml_slab *)page->private;
}

static inline void *vml_slab_buf(const struct vml_kmem_cache *cache,
				 const struct vml_slab *slab, unsigned int idx)
{
	return slab->s_mem + (size_t)idx * cache->size;
}

/* Index of a slot by its offset from s_mem (Linux obj_to_index()). */
static inline unsigned int vml_slab_index(const struct vml_kmem_cache *cache,
					  const struct vml_slab *slab,
					  const void *buf)
{
	return reciprocal_divide(buf - slab->s_mem, cache->reciprocal_size);
}

/* layout.c */
void vml_slab_estimate(unsigned int order, unsigned int size, unsigned int align,
		       bool off_slab, unsigned int *num, unsigned int *left_over);
unsigned int vml_slab_mgmt_size(unsigned int num, unsigned int align);
int vml_slab_layout(struct vml_kmem_cache *cache, size_t size, size_t align);

/* grow.c: the slab lists. */
int vml_slab_grow(struct vml_kmem_cache *cache, vml_gfp_t gfp);
unsigned int vml_slab_take(struct vml_kmem_cache *cache, void **bufs,
			   unsigned int max);
void vml_slab_put(struct vml_kmem_cache *cache, void **bufs, unsigned int n,
		  struct list_head *to_free);
void vml_slab_destroy_list(struct vml_kmem_cache *cache, struct list_head *list);
unsigned long vml_slab_free_free(struct vml_kmem_cache *cache,
				 unsigned long max_slabs);
void vml_slab_release_all(struct vml_kmem_cache *cache);

/* cpucache.c: per-CPU arrays. */
int vml_cpucache_init(struct vml_kmem_cache *cache);
void vml_cpucache_exit(struct vml_kmem_cache *cache);
void *vml_cpucache_alloc(struct vml_kmem_cache *cache, vml_gfp_t gfp);
void vml_cpucache_free(struct vml_kmem_cache *cache, void *buf);
void vml_cpucache_drain_all(struct vml_kmem_cache *cache);
void vml_cpucache_drain_local(struct vml_kmem_cache *cache);
unsigned long vml_cpucache_count(struct vml_kmem_cache *cache);
/* Per-CPU array hits and misses, summed over all CPUs (slabinfo). */
struct vml_cpucache_stats {
	unsigned long allochit, allocmiss, freehit, freemiss;
};

struct vml_cpucache_stats vml_cpucache_stats(struct vml_kmem_cache *cache);

/* debug.c */
void vml_slab_init_obj(struct vml_kmem_cache *cache, void *buf);
void vml_slab_debug_alloc(struct vml_kmem_cache *cache, void *buf,
			  unsigned long caller);
void vml_slab_debug_free(struct vml_kmem_cache *cache, void *buf,
			 unsigned long caller);
const char *vml_slab_check_free(struct vml_kmem_cache *cache, const void *obj,
				struct vml_slab **slabp, unsigned int *idxp);
void vml_slab_report(struct vml_kmem_cache *cache, enum vml_slab_err kind,
		     const void *obj, const char *why);
unsigned long vml_slab_errors(struct vml_kmem_cache *cache, enum vml_slab_err kind);
unsigned long vml_slab_last_user(struct vml_kmem_cache *cache, const void *buf);
void vml_slab_report_foreign(const void *obj);
void *vml_slab_slot(struct vml_kmem_cache *cache, const void *obj);

/* cache.c */
struct vml_kmem_cache *vml_kmem_cache_find(const char *name);
struct vml_kmem_cache *vml_kmem_cache_lookup(const char *name);
struct vml_kmem_cache *__vml_kmem_cache_create(const char *name, size_t size,
					       size_t align, unsigned long flags,
					       void (*ctor)(void *obj));

bool vml_slab_free_obj(const void *obj);

void vml_slab_reap_forget(struct vml_kmem_cache *cache);

/* kmalloc.c */
int vml_kmalloc_init(void);
void vml_kmalloc_exit(void);
const char *vml_kfree_check(const void *obj);
struct vml_check;
void vml_kmalloc_check(struct vml_check *chk);

/* slab_debugfs.c: per-cache directories follow the cache chain. */
void vml_slab_debugfs_add(struct vml_kmem_cache *cache);
void vml_slab_debugfs_del(struct vml_kmem_cache *cache);

/* owned.c: what the interface (ctl) handed out; see the file. */
struct vml_kmem_cache *vml_slab_owned_create(const char *name, size_t size,
					     size_t align, unsigned long flags,
					     bool test_ctor);
int vml_slab_owned_destroy(struct vml_kmem_cache *cache);
bool vml_slab_owned_cache(struct vml_kmem_cache *cache);
long vml_slab_owned_ctor_calls(struct vml_kmem_cache *cache);
void *vml_slab_owned_alloc(struct vml_kmem_cache *cache, size_t size,
			   vml_gfp_t gfp);
int vml_slab_owned_free(struct vml_kmem_cache *cache, void *addr,
			const char **why);
unsigned long vml_slab_owned_objects(void);
void vml_slab_owned_release(void);

/* slab_ctl.c */
void vml_slab_ctl_init(void);
void vml_slab_ctl_exit(void);

#endif /* VMLAB_SLAB_INTERNAL_H */
