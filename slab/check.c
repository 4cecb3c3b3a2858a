// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the slab allocator's part of the invariant checker: every
 * slab of every cache, its bufctl chain and its frames, the per-CPU
 * arrays, and the counters slabinfo shows. See arena/check.h.
 *
 * For each slab: it belongs to its cache, its frames carry VML_PG_slab
 * and point back at it, the chain of free slots stays inside the slab
 * and ends, every slot off the chain is marked held by a caller or
 * parked on a CPU, and the slab sits on the list its fill says. For each
 * cache: the slabs and free slots found are what num_slabs, free_slabs
 * and free_objects say, and every object on a CPU's array is a slot of
 * the cache marked as parked, no more and no fewer of them.
 *
 * Locking: vml_slab_mutex (the cache chain), then each cache->lock
 * around its lists. The per-CPU arrays are read from this CPU without
 * their owner's exclusion (preemption off on that CPU): safe because the
 * checker excludes every other ctl command (the module's only source of
 * slab traffic) and a KUnit suite runs it with nothing else going on.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include "arena/check.h"
#include "slab/slab-internal.h"

struct slab_tally {
	unsigned long slabs, free_slabs, free_objs, cpu_marked;
	unsigned long *seen;	/* slots on the chain, VML_SLAB_OBJ_MAX bits */
};

/* Are the descriptor and its bufctl array arena memory? */
static bool slab_ptr_ok(struct vml_kmem_cache *cache, struct vml_slab *slab)
{
	return vml_virt_in_arena(slab) &&
	       vml_virt_in_arena((void *)slab + cache->mgmt_size - 1);
}

static bool check_frames(struct vml_check *chk, struct vml_kmem_cache *cache,
			 struct vml_slab *slab)
{
	unsigned int i, nr = 1u << cache->gfporder;
	struct vml_page *page = slab->page;

	if (!vml_page_in_arena(page) || vml_page_idx(page) + nr > vml_arena.nr_frames) {
		vml_check_fail(chk, "%s: slab %p has frame %p, not in the arena",
			       cache->name, slab, page);
		return false;
	}
	for (i = 0; i < nr; i++)
		if (!vml_page_test(page + i, VML_PG_slab) ||
		    page[i].private != (unsigned long)slab)
			vml_check_fail(chk, "%s slab %#lx: frame %u is not marked as its own",
				       cache->name, vml_page_to_pfn(page), i);
	vml_check_claim(chk, vml_page_idx(page), nr, VML_FRAME_SLAB, cache->name);
	return true;
}

/* The free chain: inside the slab, no slot twice. Return: its length. */
static unsigned int walk_chain(struct vml_check *chk, struct vml_kmem_cache *cache,
			       struct vml_slab *slab, unsigned long *seen)
{
	unsigned int n = 0, i = slab->free;

	bitmap_zero(seen, cache->num);
	while (i != VML_BUFCTL_END) {
		if (i >= cache->num) {
			vml_check_fail(chk, "%s slab %#lx: bufctl chain leaves the slab (%#x)",
				       cache->name, vml_page_to_pfn(slab->page), i);
			break;
		}
		if (test_and_set_bit(i, seen)) {
			vml_check_fail(chk, "%s slab %#lx: bufctl chain loops at slot %u",
				       cache->name, vml_page_to_pfn(slab->page), i);
			break;
		}
		n++;
		i = slab->bufctl[i];
	}
	return n;
}

/* Slots off the chain must be held by a caller or parked on a CPU. */
static void check_slots(struct vml_check *chk, struct vml_kmem_cache *cache,
			struct vml_slab *slab, struct slab_tally *t)
{
	unsigned int i;

	for (i = 0; i < cache->num; i++) {
		if (test_bit(i, t->seen))
			continue;
		if (slab->bufctl[i] == VML_BUFCTL_CPU)
			t->cpu_marked++;
		else if (slab->bufctl[i] != VML_BUFCTL_ACTIVE)
			vml_check_fail(chk, "%s slab %#lx: slot %u neither free nor used (%#x)",
				       cache->name, vml_page_to_pfn(slab->page), i,
				       slab->bufctl[i]);
	}
}

static void check_slab(struct vml_check *chk, struct vml_kmem_cache *cache,
		       struct vml_slab *slab, int list, struct slab_tally *t)
{
	static const char * const names[] = { "full", "partial", "free" };
	unsigned int free;
	bool fits;

	if (slab->cache != cache)
		vml_check_fail(chk, "%s: slab %p on its lists names cache %p",
			       cache->name, slab, slab->cache);
	if (!check_frames(chk, cache, slab))
		return;
	free = walk_chain(chk, cache, slab, t->seen);
	check_slots(chk, cache, slab, t);
	if (slab->inuse + free != cache->num)
		vml_check_fail(chk, "%s slab %#lx: inuse %u + %u free != %u slots",
			       cache->name, vml_page_to_pfn(slab->page), slab->inuse,
			       free, cache->num);
	fits = list == 0 ? !free : list == 2 ? free == cache->num :
	       free && free < cache->num;
	if (!fits)
		vml_check_fail(chk, "%s slab %#lx: %u of %u slots free on the %s list",
			       cache->name, vml_page_to_pfn(slab->page), free,
			       cache->num, names[list]);
	t->slabs++;
	t->free_slabs += list == 2;
	t->free_objs += free;
}

/* One list, bounded by the cache's slab count (a loop is reported). */
static void walk_list(struct vml_check *chk, struct vml_kmem_cache *cache,
		      struct list_head *head, int list, struct slab_tally *t)
{
	unsigned long n = 0;
	struct list_head *pos;

	for (pos = head->next; pos != head; pos = pos->next) {
		struct vml_slab *slab = list_entry(pos, struct vml_slab, list);

		if (!slab_ptr_ok(cache, slab) || ++n > cache->num_slabs) {
			vml_check_fail(chk, "%s: slab list %d is corrupt or loops at %p",
				       cache->name, list, slab);
			return;
		}
		check_slab(chk, cache, slab, list, t);
	}
}

/* Every parked object is a slot of this cache marked as parked. */
static unsigned long check_arrays(struct vml_check *chk, struct vml_kmem_cache *cache)
{
	unsigned long n = 0;
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vml_array_cache *ac = per_cpu_ptr(cache->cpu_cache, cpu);
		unsigned int avail = READ_ONCE(ac->avail);

		if (avail > ac->limit) {
			vml_check_fail(chk, "%s: cpu %d array holds %u objects, limit %u",
				       cache->name, cpu, avail, ac->limit);
			avail = ac->limit;
		}
		for (i = 0; i < avail; i++) {
			struct vml_slab *slab = vml_addr_to_slab(ac->entry[i]);
			unsigned int idx;

			if (!slab || slab->cache != cache) {
				vml_check_fail(chk, "%s: cpu %d array holds %p, not the cache's",
					       cache->name, cpu, ac->entry[i]);
				continue;
			}
			idx = vml_slab_index(cache, slab, ac->entry[i]);
			if (idx >= cache->num || vml_slab_buf(cache, slab, idx) != ac->entry[i] ||
			    slab->bufctl[idx] != VML_BUFCTL_CPU)
				vml_check_fail(chk, "%s: cpu %d array holds %p, not a parked slot",
					       cache->name, cpu, ac->entry[i]);
			n++;
		}
	}
	return n;
}

static void check_cache(struct vml_check *chk, struct vml_kmem_cache *cache,
			struct slab_tally *t)
{
	unsigned long flags, parked;

	t->slabs = 0;
	t->free_slabs = 0;
	t->free_objs = 0;
	t->cpu_marked = 0;
	spin_lock_irqsave(&cache->lock, flags);
	walk_list(chk, cache, &cache->slabs_full, 0, t);
	walk_list(chk, cache, &cache->slabs_partial, 1, t);
	walk_list(chk, cache, &cache->slabs_free, 2, t);
	if (t->slabs != cache->num_slabs || t->free_slabs != cache->free_slabs ||
	    t->free_objs != cache->free_objects)
		vml_check_fail(chk, "%s: %lu slabs %lu free %lu free slots; slabinfo %lu %lu %lu",
			       cache->name, t->slabs, t->free_slabs, t->free_objs,
			       cache->num_slabs, cache->free_slabs, cache->free_objects);
	spin_unlock_irqrestore(&cache->lock, flags);
	if (!cache->cpu_cache)
		return;
	parked = check_arrays(chk, cache);
	if (parked != t->cpu_marked)
		vml_check_fail(chk, "%s: %lu objects on the per-CPU arrays, %lu slots parked",
			       cache->name, parked, t->cpu_marked);
}

void vml_slab_check(struct vml_check *chk)
{
	struct vml_kmem_cache *cache;
	struct slab_tally t;

	t.seen = bitmap_zalloc(VML_SLAB_OBJ_MAX, GFP_KERNEL);
	if (!t.seen) {
		vml_check_fail(chk, "slab: no host memory to check the caches");
		return;
	}
	mutex_lock(&vml_slab_mutex);
	list_for_each_entry(cache, &vml_slab_caches, list)
		check_cache(chk, cache, &t);
	mutex_unlock(&vml_slab_mutex);
	bitmap_free(t.seen);
	vml_kmalloc_check(chk);
}
