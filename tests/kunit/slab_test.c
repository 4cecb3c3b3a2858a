// SPDX-License-Identifier: GPL-2.0
/*
 * slab_test.c - KUnit suite for slab/: layout arithmetic against Gorman's
 * formula, colouring, constructors, per-CPU batches, shrink and reap
 * accounting against the frame census, debugging, kmalloc size classes,
 * SMP alloc/free across CPUs, and the frame count at unload.
 *
 * Every case runs on a fresh core (a 64 MiB arena), so counts start at 0.
 */
#include <kunit/test.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/slab.h>
#include "vmlab_core.h"
#include "buddy/vmstat.h"
#include "slab/slab-internal.h"
#include "vml_test.h"

static int slab_test_init(struct kunit *test)
{
	struct vml_config cfg;

	vml_default_config(&cfg, 64);
	cfg.top = VML_LAYER_SLAB;
	return vmlab_core_start(&cfg);
}

static void slab_test_exit(struct kunit *test)
{
	vml_test_check(test);
	vmlab_core_stop();
}

static unsigned long frames_allocated(struct kunit *test)
{
	struct vml_frame_census c;

	KUNIT_EXPECT_EQ(test, vml_take_census(&c), 0);
	return c.allocated;
}

static struct vml_kmem_cache *make(struct kunit *test, const char *name,
				   size_t size, size_t align, unsigned long flags,
				   void (*ctor)(void *))
{
	struct vml_kmem_cache *c = vml_kmem_cache_create(name, size, align, flags, ctor);

	KUNIT_ASSERT_NOT_NULL_MSG(test, c, "create %s size %zu align %zu", name, size, align);
	return c;
}

static atomic_t ctor_calls;

static void test_ctor(void *obj)
{
	atomic_inc(&ctor_calls);
	memset(obj, 0x5c, 48);
}

/* ---- layout ---- */

/* Gorman 8.2.7 restated: descriptor + bufctls, aligned, then the objects. */
static unsigned int ref_mgmt(unsigned int n, unsigned int align)
{
	return ALIGN(sizeof(struct vml_slab) + n * sizeof(vml_bufctl_t), align);
}

static bool ref_fits(unsigned int n, unsigned int order, unsigned int size,
		     unsigned int align, bool off)
{
	return (size_t)n * size + (off ? 0 : ref_mgmt(n, align)) <= (PAGE_SIZE << order);
}

static unsigned int ref_num(unsigned int order, unsigned int size,
			    unsigned int align, bool off)
{
	unsigned int n = 0;

	while (n < VML_SLAB_OBJ_MAX && ref_fits(n + 1, order, size, align, off))
		n++;
	return n;
}

static void check_layout(struct kunit *test, struct vml_kmem_cache *c,
			 size_t size, size_t align)
{
	bool off = c->flags & VML_CFLGS_OFF_SLAB;
	bool off_at_choice = c->size >= PAGE_SIZE / 8;
	size_t bytes = PAGE_SIZE << c->gfporder, left;
	unsigned int o, n;

	KUNIT_EXPECT_TRUE(test, is_power_of_2(c->align));
	KUNIT_EXPECT_GE(test, c->align, max_t(size_t, align, sizeof(void *)));
	KUNIT_EXPECT_EQ(test, c->size, ALIGN(size, c->align));
	KUNIT_EXPECT_EQ(test, c->size % c->align, 0u);
	/* The count is the largest that fits, and no more than fits. */
	KUNIT_EXPECT_GE(test, c->num, 1u);
	KUNIT_EXPECT_EQ_MSG(test, c->num, ref_num(c->gfporder, c->size, c->align, off),
			    "size %zu align %zu order %u off %d", size, align,
			    c->gfporder, off);
	left = bytes - (size_t)c->num * c->size - (off ? 0 : ref_mgmt(c->num, c->align));
	KUNIT_EXPECT_EQ(test, c->colour, (unsigned int)(left / c->colour_off));
	/* An off-slab descriptor stays off only if it would not fit in the leftover. */
	if (off)
		KUNIT_EXPECT_LT(test, left, (size_t)ref_mgmt(c->num, c->align));
	/* No smaller order was acceptable (Gorman 8.1.6). */
	for (o = 0; o < c->gfporder; o++) {
		n = ref_num(o, c->size, c->align, off_at_choice);
		if (!n)
			continue;
		KUNIT_EXPECT_LT(test, o, vml_slab_break_order);
		left = (PAGE_SIZE << o) - (size_t)n * c->size -
		       (off_at_choice ? 0 : ref_mgmt(n, c->align));
		KUNIT_EXPECT_GT(test, left * 8, PAGE_SIZE << o);
	}
}

static void slab_test_layout_formula(struct kunit *test)
{
	static const unsigned int sizes[] = {
		1, 8, 13, 24, 32, 40, 64, 96, 100, 128, 192, 200, 256, 300, 500,
		511, 512, 513, 1000, 1024, 1500, 2000, 3000, 4096, 5000, 8192,
		20000, 65536, 131072, 200000,
	};
	static const unsigned int aligns[] = { 0, 8, 16, 32, 64, 128, 512 };
	unsigned int i, j, f;
	char name[32];

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(aligns); j++) {
			for (f = 0; f < 2; f++) {
				struct vml_kmem_cache *c;

				snprintf(name, sizeof(name), "t-%u-%u-%u", sizes[i], aligns[j], f);
				c = make(test, name, sizes[i], aligns[j],
					 f ? VML_SLAB_HWCACHE_ALIGN : 0, NULL);
				check_layout(test, c, sizes[i], aligns[j]);
				if (f)
					KUNIT_EXPECT_GE(test, c->align,
							min_t(unsigned int, cache_line_size(),
							      roundup_pow_of_two(sizes[i])));
				KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
			}
		}
	}
}

static void slab_test_bad_create(struct kunit *test)
{
	struct vml_kmem_cache *c;

	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("x", 0, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("x", 64, 24, 0, NULL));
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("x", 64, 8192, 0, NULL));
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("x", 8ul << 20, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("", 64, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("a b", 64, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("kmalloc-64", 64, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("x", 64, 0, VML_SLAB_POISON,
						      test_ctor));
	c = make(test, "x", 64, 0, 0, NULL);
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_create("x", 32, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

/* Debug words grow the slot as described in slab-internal.h. */
static void slab_test_debug_layout(struct kunit *test)
{
	struct vml_kmem_cache *c;

	c = make(test, "rz", 60, 0, VML_SLAB_RED_ZONE, NULL);
	KUNIT_EXPECT_EQ(test, c->obj_offset, 8u);
	KUNIT_EXPECT_EQ(test, c->size, ALIGN(8 + 60 + 8, 8));
	check_layout(test, c, c->size, 0);
	vml_kmem_cache_destroy(c);
	c = make(test, "rzu", 60, 64, VML_SLAB_RED_ZONE | VML_SLAB_STORE_USER, NULL);
	KUNIT_EXPECT_EQ(test, c->obj_offset, 64u);
	KUNIT_EXPECT_EQ(test, c->size, ALIGN(ALIGN(64 + 60 + 8, 8) + 8, 64));
	vml_kmem_cache_destroy(c);
}

/* ---- colouring ---- */

static void slab_test_colour_cycle(struct kunit *test)
{
	struct vml_kmem_cache *c = NULL;
	struct vml_slab *slab;
	unsigned int size, i = 0;

	/* Find a cache with several colours. */
	for (size = 200; size < 4000; size += 36) {
		c = make(test, "col", size, 0, 0, NULL);
		if (c->colour >= 3)
			break;
		vml_kmem_cache_destroy(c);
		c = NULL;
	}
	KUNIT_ASSERT_NOT_NULL(test, c);
	for (i = 0; i < 2 * c->colour + 1; i++)
		KUNIT_ASSERT_EQ(test, vml_slab_grow(c, VML_GFP_KERNEL), 0);
	i = 0;
	list_for_each_entry(slab, &c->slabs_free, list) {
		void *base = vml_page_address(slab->page);
		bool off = c->flags & VML_CFLGS_OFF_SLAB;

		KUNIT_EXPECT_EQ(test, slab->colouroff, (i % c->colour) * c->colour_off);
		KUNIT_EXPECT_PTR_EQ(test, slab->s_mem,
				    base + slab->colouroff + (off ? 0 : c->mgmt_size));
		KUNIT_EXPECT_LE(test, (unsigned long)(slab->s_mem + c->num * c->size),
				(unsigned long)(base + (PAGE_SIZE << c->gfporder)));
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 2 * c->colour + 1);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

/* ---- constructors ---- */

static void slab_test_ctor_once(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "ctor", 48, 0, 0, test_ctor);
	unsigned int n, i, j;
	struct vml_slabinfo si;
	void **objs;

	atomic_set(&ctor_calls, 0);
	n = 3 * c->num;
	objs = kunit_kcalloc(test, n, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (j = 0; j < 3; j++) {
		for (i = 0; i < n; i++) {
			objs[i] = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_EQ(test, ((u8 *)objs[i])[47], 0x5c);
		}
		vml_kmem_cache_info(c, &si);
		/* One call per slot of every slab ever created, not per allocation. */
		KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), (int)(si.num_slabs * c->num));
		for (i = 0; i < n; i++)
			vml_kmem_cache_free(c, objs[i]);
	}
	KUNIT_EXPECT_LE(test, atomic_read(&ctor_calls), (int)(5 * c->num));
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

/* ---- per-CPU arrays ---- */

static void slab_test_cpucache_batches(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "batch", 64, 0, 0, NULL);
	struct vml_array_cache *ac;
	unsigned int i, b, lim;
	unsigned long left;
	void **objs;

	migrate_disable();
	ac = this_cpu_ptr(c->cpu_cache);
	b = ac->batchcount;
	lim = ac->limit;
	KUNIT_EXPECT_EQ(test, b, (lim + 1) / 2);
	objs = kcalloc(lim + 1, sizeof(void *), GFP_KERNEL);
	if (!objs)
		goto out;
	objs[0] = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, ac->avail, b - 1);
	KUNIT_EXPECT_EQ(test, ac->allocmiss, 1ul);
	KUNIT_EXPECT_EQ(test, c->free_objects, (unsigned long)(c->num_slabs * c->num - b));
	for (i = 1; i < b; i++)
		objs[i] = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, ac->avail, 0u);
	KUNIT_EXPECT_EQ(test, ac->allocmiss, 1ul);
	/*
	 * The second refill takes what the slab lists hold, up to a batch,
	 * and grows the cache only when they hold nothing (cache_alloc_refill()).
	 */
	left = c->free_objects;
	objs[b] = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, ac->allocmiss, 2ul);
	KUNIT_EXPECT_EQ(test, ac->avail, (left ? min_t(unsigned long, b, left) : b) - 1);
	for (i = b + 1; i <= lim; i++)
		objs[i] = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	/* Free all: the stack fills to the limit, then drains one batch. */
	for (i = 0; i <= lim; i++)
		vml_kmem_cache_free(c, objs[i]);
	KUNIT_EXPECT_GE(test, ac->freemiss, 1ul);
	KUNIT_EXPECT_LE(test, ac->avail, lim);
	KUNIT_EXPECT_GE(test, ac->avail, lim - b);
	kfree(objs);
out:
	migrate_enable();
	vml_cpucache_drain_all(c);
	KUNIT_EXPECT_EQ(test, vml_cpucache_count(c), 0ul);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

/* ---- shrink, destroy, reap ---- */

static void slab_test_shrink_exact(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "shrink", 700, 0, 0, NULL);
	unsigned long before, freed, free_slabs;
	struct vml_frame_census c0, c1;
	unsigned int i, n, keep;
	struct vml_slabinfo si;
	void **objs;

	n = 5 * c->num + 1;
	objs = kunit_kcalloc(test, n, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++)
		objs[i] = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	keep = c->num + 1;	/* live objects pin up to two slabs */
	for (i = keep; i < n; i++)
		vml_kmem_cache_free(c, objs[i]);
	vml_cpucache_drain_all(c);
	vml_kmem_cache_info(c, &si);
	free_slabs = si.free_slabs;
	KUNIT_EXPECT_GE(test, free_slabs, 1ul);
	KUNIT_EXPECT_EQ(test, si.user_objs, (unsigned long)keep);
	vml_take_census(&c0);
	before = c0.allocated;
	freed = vml_kmem_cache_shrink(c);
	vml_take_census(&c1);
	KUNIT_EXPECT_EQ(test, freed, free_slabs << c->gfporder);
	KUNIT_EXPECT_EQ(test, before - c1.allocated, freed);
	KUNIT_EXPECT_EQ(test, (c1.buddy + c1.pcp) - (c0.buddy + c0.pcp), freed);
	vml_kmem_cache_info(c, &si);
	KUNIT_EXPECT_EQ(test, si.free_slabs, 0ul);
	KUNIT_EXPECT_EQ(test, si.active_objs, (unsigned long)keep);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_shrink(c), 0ul);
	/* Destroy is refused while objects are live, and changes nothing. */
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), -EBUSY);
	vml_kmem_cache_info(c, &si);
	KUNIT_EXPECT_EQ(test, si.user_objs, (unsigned long)keep);
	objs[keep] = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, objs[keep]);
	for (i = 0; i <= keep; i++)
		vml_kmem_cache_free(c, objs[i]);
	before = frames_allocated(test);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, before - frames_allocated(test),
			(unsigned long)(si.num_slabs << c->gfporder));
}

/* Leave @slabs free slabs in @c (and nothing parked on any CPU). */
static void make_free_slabs(struct kunit *test, struct vml_kmem_cache *c,
			    unsigned int slabs)
{
	unsigned int i;

	for (i = 0; i < slabs; i++)
		KUNIT_ASSERT_EQ(test, vml_slab_grow(c, VML_GFP_KERNEL), 0);
}

/* Run reap passes until one frees something (the clock hand moves on). */
static unsigned long reap_until(struct kunit *test)
{
	unsigned long got = 0;
	int pass;

	for (pass = 0; pass < 10 && !got; pass++)
		got = vml_kmem_cache_reap(VML_GFP_KERNEL);
	return got;
}

static void slab_test_reap(struct kunit *test)
{
	struct vml_kmem_cache *a = make(test, "reap-a", 256, 0, 0, NULL);
	struct vml_kmem_cache *b = make(test, "reap-b", 256, 0, 0, NULL);
	struct vml_kmem_cache *n = make(test, "reap-n", 256, 0, VML_SLAB_NO_REAP, NULL);
	unsigned long got, before;

	make_free_slabs(test, a, 4);
	make_free_slabs(test, b, 8);
	make_free_slabs(test, n, 20);
	before = frames_allocated(test);
	/*
	 * Passes that see a cache that just grew only clear its flag; the
	 * first pass that frees anything sees a and b both and picks b, the
	 * one giving most pages, and frees half its free slabs.
	 */
	got = reap_until(test);
	KUNIT_EXPECT_EQ(test, got, 4ul << b->gfporder);
	KUNIT_EXPECT_EQ(test, before - frames_allocated(test), got);
	KUNIT_EXPECT_EQ(test, b->free_slabs, 4ul);
	KUNIT_EXPECT_EQ(test, a->free_slabs, 4ul);
	KUNIT_EXPECT_EQ(test, n->free_slabs, 20ul);
	/* a and b tie at 4: the first one scanned, a, loses half. */
	got = reap_until(test);
	KUNIT_EXPECT_EQ(test, got, 2ul << a->gfporder);
	KUNIT_EXPECT_EQ(test, a->free_slabs, 2ul);
	KUNIT_EXPECT_EQ(test, n->free_slabs, 20ul);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(a), 0);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(b), 0);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(n), 0);
}

/* A cache whose free slabs exceed the per-pass cap gives only the cap. */
static void slab_test_reap_cap(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "reap-cap", 256, 0, 0, NULL);

	make_free_slabs(test, c, 2 * VML_REAP_MAX_PAGES + 10);
	KUNIT_EXPECT_EQ(test, reap_until(test), (unsigned long)VML_REAP_MAX_PAGES);
	KUNIT_EXPECT_EQ(test, c->free_slabs, VML_REAP_MAX_PAGES + 10ul);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

/* ---- debugging ---- */

static void slab_test_poison(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "poison", 100, 0, VML_SLAB_POISON, NULL);
	unsigned long ev = vml_vm_event_sum(VML_EV_SLAB_POISON);
	u8 *obj, *again;

	migrate_disable();
	obj = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	vml_kmem_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, obj[0], VML_POISON_FREE);
	KUNIT_EXPECT_EQ(test, obj[99], VML_POISON_END);
	/* A clean reuse is not reported. */
	again = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, again, obj);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_POISON), 0ul);
	vml_kmem_cache_free(c, again);
	obj[42] = 1;		/* use after free */
	again = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);	/* LIFO: the same object */
	migrate_enable();
	KUNIT_EXPECT_PTR_EQ(test, again, obj);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_POISON), 1ul);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_EV_SLAB_POISON) - ev, 1ul);
	vml_kmem_cache_free(c, again);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

static void slab_test_redzone(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "redzone", 61, 0,
					VML_SLAB_RED_ZONE | VML_SLAB_STORE_USER, NULL);
	u8 *obj;

	obj = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_NE(test, vml_slab_last_user(c, obj - c->obj_offset), 0ul);
	memset(obj, 0xff, 61);		/* the whole object is fine */
	vml_kmem_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_REDZONE), 0ul);

	obj = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	obj[61] = 0;			/* one byte past the end */
	vml_kmem_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_REDZONE), 1ul);

	obj = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	obj[-1] = 0;			/* one byte before the start */
	vml_kmem_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_REDZONE), 2ul);
	/* The zones were repaired: a correct round trip stays clean. */
	obj = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	vml_kmem_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_REDZONE), 2ul);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

static void slab_test_bad_free(struct kunit *test)
{
	struct vml_kmem_cache *a = make(test, "bf-a", 64, 0, 0, NULL);
	struct vml_kmem_cache *b = make(test, "bf-b", 64, 0, 0, NULL);
	unsigned long ev = vml_vm_event_sum(VML_EV_SLAB_BAD_FREE);
	void *host = kmalloc(64, GFP_KERNEL);
	struct vml_slabinfo si;
	struct vml_page *page;
	u8 *x, *y, *k;
	int stackvar;

	x = vml_kmem_cache_alloc(a, VML_GFP_KERNEL);
	y = vml_kmem_cache_alloc(b, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_NOT_NULL(test, y);
	vml_kmem_cache_free(a, x);
	vml_kmem_cache_free(a, x);		/* double free, first went to the CPU array */
	KUNIT_EXPECT_EQ(test, vml_slab_errors(a, VML_SLAB_ERR_BAD_FREE), 1ul);
	vml_kmem_cache_shrink(a);
	vml_kmem_cache_free(a, y);		/* another cache's object */
	vml_kmem_cache_free(a, y + 1);		/* not an object start */
	vml_kmem_cache_free(a, host);		/* not arena memory */
	vml_kmem_cache_free(a, &stackvar);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(a, VML_SLAB_ERR_BAD_FREE), 5ul);
	x = vml_kmem_cache_alloc(a, VML_GFP_KERNEL);
	vml_kmem_cache_free(a, x);
	vml_kmem_cache_shrink(a);
	vml_kmem_cache_free(a, x);		/* double free after the slab went */
	KUNIT_EXPECT_EQ(test, vml_slab_errors(a, VML_SLAB_ERR_BAD_FREE), 6ul);
	k = vml_kmalloc(100, VML_GFP_KERNEL);
	vml_kfree(k);
	vml_kfree(k);
	vml_kfree(host);
	page = vml_alloc_pages(VML_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	vml_kfree(vml_page_address(page) + 8);	/* a page that is no slab */
	vml_free_pages(page, 0);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_EV_SLAB_BAD_FREE) - ev, 9ul);
	kfree(host);
	/* Nothing was corrupted: counts are right and the caches destroy. */
	vml_kmem_cache_info(b, &si);
	KUNIT_EXPECT_EQ(test, si.user_objs, 1ul);
	vml_kmem_cache_free(b, y);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(b, VML_SLAB_ERR_BAD_FREE), 0ul);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(a), 0);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(b), 0);
}

/* ---- kmalloc ---- */

/*
 * Shrink every size cache, largest first: freeing a large cache's slabs
 * frees their off-slab descriptors into the small ones. Then every size
 * cache must be empty.
 */
static void shrink_size_caches(struct kunit *test)
{
	struct vml_kmem_cache *k;
	struct vml_slabinfo si;
	int i;

	for (i = 17; i >= 5; i--)
		if (vml_kmalloc_cache(1u << i))
			vml_kmem_cache_shrink(vml_kmalloc_cache(1u << i));
	vml_kmem_cache_shrink(vml_kmalloc_cache(192));
	vml_kmem_cache_shrink(vml_kmalloc_cache(96));
	mutex_lock(&vml_slab_mutex);
	list_for_each_entry(k, &vml_slab_caches, list) {
		if (!(k->flags & VML_CFLGS_KMALLOC))
			continue;
		vml_kmem_cache_info(k, &si);
		KUNIT_EXPECT_EQ_MSG(test, si.num_slabs, 0ul, "%s", k->name);
	}
	mutex_unlock(&vml_slab_mutex);
}

static void slab_test_kmalloc_classes(struct kunit *test)
{
	static const struct { size_t req, cls; } t[] = {
		{ 1, 32 }, { 32, 32 }, { 33, 64 }, { 64, 64 }, { 65, 96 },
		{ 96, 96 }, { 97, 128 }, { 129, 192 }, { 192, 192 }, { 193, 256 },
		{ 257, 512 }, { 1000, 1024 }, { 1025, 2048 }, { 4096, 4096 },
		{ 4097, 8192 }, { 70000, 131072 }, { 131072, 131072 },
		{ 131073, 262144 }, { 1 << 20, 1 << 20 }, { (4 << 20) - 5, 4 << 20 },
	};
	unsigned long before = frames_allocated(test);
	unsigned int i;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		p = vml_kzalloc(t[i].req, VML_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kmalloc(%zu)", t[i].req);
		KUNIT_EXPECT_TRUE(test, vml_virt_in_arena(p));
		KUNIT_EXPECT_EQ_MSG(test, vml_ksize(p), t[i].cls, "ksize(kmalloc(%zu))", t[i].req);
		KUNIT_EXPECT_EQ(test, p[t[i].req - 1], 0);
		KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, t[i].req));
		memset(p, 0xaa, vml_ksize(p));
		vml_kfree(p);
	}
	KUNIT_EXPECT_NULL(test, vml_kmalloc((4 << 20) + 1, VML_GFP_KERNEL | VML___GFP_NOWARN));
	KUNIT_EXPECT_PTR_EQ(test, vml_kmalloc(0, VML_GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, vml_ksize(ZERO_SIZE_PTR), 0ul);
	vml_kfree(NULL);
	vml_kfree(ZERO_SIZE_PTR);
	/* Large blocks went straight back; size caches' slabs on shrink. */
	shrink_size_caches(test);
	KUNIT_EXPECT_EQ(test, frames_allocated(test), before);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_EV_SLAB_BAD_FREE), 0ul);
}

/* Large caches keep descriptors off-slab, in a size cache (Gorman 8.2.1). */
static void slab_test_off_slab(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "off", 2048, 0, 0, NULL);
	struct vml_slab *slab, *dslab;
	unsigned int idx;
	void *obj, *base;

	KUNIT_ASSERT_TRUE(test, c->flags & VML_CFLGS_OFF_SLAB);
	KUNIT_ASSERT_NOT_NULL(test, c->slabp_cache);
	KUNIT_EXPECT_TRUE(test, c->slabp_cache->flags & VML_CFLGS_KMALLOC);
	obj = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab = vml_addr_to_slab(obj);
	base = vml_page_address(slab->page);
	KUNIT_EXPECT_TRUE(test, (void *)slab < base ||
			  (void *)slab >= base + (PAGE_SIZE << c->gfporder));
	KUNIT_EXPECT_PTR_EQ(test, slab->s_mem, base);
	/* The descriptor is a live object of the size cache. */
	KUNIT_EXPECT_NULL(test, vml_slab_check_free(c->slabp_cache, slab, &dslab, &idx));
	vml_kmem_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
	/* Small objects keep it on the slab. */
	c = make(test, "on", 64, 0, 0, NULL);
	KUNIT_EXPECT_FALSE(test, c->flags & VML_CFLGS_OFF_SLAB);
	vml_kmem_cache_destroy(c);
}

/* ---- SMP ---- */

#define RING	512

struct xfer {
	struct vml_kmem_cache *cache;
	void *ring[RING];
	unsigned int head, tail;	/* head: producer, tail: consumer */
	spinlock_t lock;
	unsigned long total, freed;
	bool done;
	struct completion finished;
};

/* Free on this CPU what another CPU allocated. */
static int consumer(void *arg)
{
	struct xfer *x = arg;
	void *obj;

	for (;;) {
		obj = NULL;
		spin_lock(&x->lock);
		if (x->tail != x->head)
			obj = x->ring[x->tail++ % RING];
		spin_unlock(&x->lock);
		if (!obj) {
			if (READ_ONCE(x->done))
				break;
			cond_resched();
			continue;
		}
		if (x->cache)
			vml_kmem_cache_free(x->cache, obj);
		else
			vml_kfree(obj);
		x->freed++;
	}
	complete(&x->finished);
	return 0;
}

static void produce(struct xfer *x)
{
	unsigned long i;
	void *obj;

	for (i = 0; i < x->total; i++) {
		obj = x->cache ? vml_kmem_cache_alloc(x->cache, VML_GFP_KERNEL) :
		      vml_kmalloc(1 + (get_random_u32() % 3000), VML_GFP_KERNEL);
		if (!obj)
			break;
		memset(obj, 0x11, x->cache ? 64 : 1);
		for (;;) {
			spin_lock(&x->lock);
			if (x->head - x->tail < RING) {
				x->ring[x->head++ % RING] = obj;
				spin_unlock(&x->lock);
				break;
			}
			spin_unlock(&x->lock);
			cond_resched();
		}
	}
	WRITE_ONCE(x->done, true);
}

static void run_cross_cpu(struct kunit *test, struct vml_kmem_cache *cache)
{
	struct xfer *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, x);
	x->cache = cache;
	x->total = 20000;
	spin_lock_init(&x->lock);
	init_completion(&x->finished);
	t = kthread_create(consumer, x, "vml-slab-free");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, 1);
	wake_up_process(t);
	set_cpus_allowed_ptr(current, cpumask_of(0));
	produce(x);
	wait_for_completion(&x->finished);
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	KUNIT_EXPECT_EQ(test, x->freed, x->total);
}

static void slab_test_smp_cross_free(struct kunit *test)
{
	struct vml_kmem_cache *c;
	struct vml_slabinfo si;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	c = make(test, "smp", 64, 0, VML_SLAB_RED_ZONE, NULL);
	run_cross_cpu(test, c);
	run_cross_cpu(test, NULL);	/* kmalloc of mixed sizes */
	vml_cpucache_drain_all(c);
	vml_kmem_cache_info(c, &si);
	KUNIT_EXPECT_EQ(test, si.active_objs, 0ul);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_BAD_FREE), 0ul);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_REDZONE), 0ul);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_EV_SLAB_BAD_FREE), 0ul);
	/* Every kmalloc'd object came back, whichever CPU freed it. */
	shrink_size_caches(test);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

/* Both CPUs allocate and free the same caches at once. */
struct hammer_arg {
	struct vml_kmem_cache *cache;
	struct completion done;
};

static int hammer(void *arg)
{
	struct hammer_arg *h = arg;
	struct vml_kmem_cache *c = h->cache;
	void *objs[64];
	int round, i;

	for (round = 0; round < 300; round++) {
		for (i = 0; i < 64; i++)
			objs[i] = i & 1 ? vml_kmem_cache_alloc(c, VML_GFP_KERNEL) :
				  vml_kmalloc(8 << (i % 10), VML_GFP_KERNEL);
		for (i = 0; i < 64; i++) {
			if (i & 1)
				vml_kmem_cache_free(c, objs[i]);
			else
				vml_kfree(objs[i]);
		}
		if (!(round % 50))
			vml_kmem_cache_shrink(c);
	}
	complete(&h->done);
	return 0;
}

static void slab_test_smp_hammer(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "hammer", 128, 0, VML_SLAB_POISON, NULL);
	struct hammer_arg *h = kunit_kcalloc(test, 2, sizeof(*h), GFP_KERNEL);
	struct task_struct *t;
	struct vml_slabinfo si;
	int cpu;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	KUNIT_ASSERT_NOT_NULL(test, h);
	for (cpu = 0; cpu < 2; cpu++) {
		h[cpu].cache = c;
		init_completion(&h[cpu].done);
		t = kthread_create(hammer, &h[cpu], "vml-slab-hammer/%d", cpu);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		kthread_bind(t, cpu);
		wake_up_process(t);
	}
	for (cpu = 0; cpu < 2; cpu++)
		wait_for_completion(&h[cpu].done);
	vml_cpucache_drain_all(c);
	vml_kmem_cache_info(c, &si);
	KUNIT_EXPECT_EQ(test, si.active_objs, 0ul);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_POISON), 0ul);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_EV_SLAB_BAD_FREE), 0ul);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
}

/* ---- unload ---- */

static void slab_test_unload_returns_all(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "unload", 300, 0, 0, NULL);
	struct vml_kmem_cache *d = make(test, "unload-off", 3000, 0, 0, NULL);
	struct vml_frame_census census;
	int i;

	for (i = 0; i < 500; i++) {
		vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
		vml_kmem_cache_alloc(d, VML_GFP_KERNEL);
		vml_kmalloc(1 + i * 37, VML_GFP_KERNEL);
	}
	KUNIT_EXPECT_GT(test, frames_allocated(test), 500ul);
	/* Leaked objects are reported, and their pages come back anyway. */
	vml_slab_exit();
	KUNIT_EXPECT_EQ(test, vml_take_census(&census), 0);
	KUNIT_EXPECT_EQ(test, census.allocated, 0ul);
	/* Bring slab back up so the core's own teardown has something to stop. */
	KUNIT_EXPECT_EQ(test, vml_slab_init(), 0);
}

static void slab_test_clean_exit(struct kunit *test)
{
	struct vml_kmem_cache *c = make(test, "clean", 64, 0, 0, NULL);
	void *p = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);

	vml_kmem_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, vml_kmem_cache_destroy(c), 0);
	vml_slab_exit();
	KUNIT_EXPECT_EQ(test, frames_allocated(test), 0ul);
	KUNIT_EXPECT_EQ(test, vml_slab_init(), 0);
}

/*
 * The interface's registry (owned.c): only what it handed out is freed or
 * destroyed through it; anything else is refused, counted in the cache's
 * bad_free, and left live.
 */
static void slab_test_owned(struct kunit *test)
{
	struct vml_kmem_cache *c = vml_slab_owned_create("owned", 64, 0, 0, true);
	struct vml_kmem_cache *k64 = vml_kmem_cache_lookup("kmalloc-64");
	struct vml_slab *slab;
	void *mine, *other, *k;
	unsigned int idx;
	const char *why;

	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_ASSERT_NOT_NULL(test, k64);
	KUNIT_EXPECT_TRUE(test, vml_slab_owned_cache(c));
	KUNIT_EXPECT_FALSE(test, vml_slab_owned_cache(k64));
	mine = vml_slab_owned_alloc(c, 0, VML_GFP_KERNEL);
	other = vml_kmem_cache_alloc(c, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mine);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_EQ(test, *(u8 *)mine, 0xc7);	/* the test constructor */
	KUNIT_EXPECT_GT(test, vml_slab_owned_ctor_calls(c), 0l);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_objects(), 1ul);
	/* Live, but not the interface's: refused, counted, still live. */
	KUNIT_EXPECT_EQ(test, vml_slab_owned_free(c, other, &why), -EPERM);
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_BAD_FREE), 1ul);
	KUNIT_EXPECT_NULL(test, vml_slab_check_free(c, other, &slab, &idx));
	KUNIT_EXPECT_EQ(test, vml_slab_owned_destroy(c), -EBUSY);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_free(c, mine, &why), 0);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_free(c, mine, &why), -EINVAL);	/* double */
	KUNIT_EXPECT_EQ(test, vml_slab_errors(c, VML_SLAB_ERR_BAD_FREE), 2ul);
	/* kmalloc objects: through the right call only. */
	k = vml_slab_owned_alloc(NULL, 50, VML_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_free(c, k, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_free(NULL, k, &why), 0);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_free(NULL, k, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_destroy(k64), -EPERM);
	vml_kmem_cache_free(c, other);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_objects(), 0ul);
	KUNIT_EXPECT_EQ(test, vml_slab_owned_destroy(c), 0);
	KUNIT_EXPECT_NULL(test, vml_kmem_cache_lookup("owned"));
}

static struct kunit_case slab_test_cases[] = {
	KUNIT_CASE(slab_test_layout_formula),
	KUNIT_CASE(slab_test_bad_create),
	KUNIT_CASE(slab_test_debug_layout),
	KUNIT_CASE(slab_test_colour_cycle),
	KUNIT_CASE(slab_test_ctor_once),
	KUNIT_CASE(slab_test_cpucache_batches),
	KUNIT_CASE(slab_test_shrink_exact),
	KUNIT_CASE(slab_test_reap),
	KUNIT_CASE(slab_test_reap_cap),
	KUNIT_CASE(slab_test_poison),
	KUNIT_CASE(slab_test_redzone),
	KUNIT_CASE(slab_test_bad_free),
	KUNIT_CASE(slab_test_kmalloc_classes),
	KUNIT_CASE(slab_test_off_slab),
	KUNIT_CASE(slab_test_smp_cross_free),
	KUNIT_CASE(slab_test_smp_hammer),
	KUNIT_CASE(slab_test_unload_returns_all),
	KUNIT_CASE(slab_test_owned),
	KUNIT_CASE(slab_test_clean_exit),
	{}
};

static struct kunit_suite slab_test_suite = {
	.name = "vmlab_slab",
	.init = slab_test_init,
	.exit = slab_test_exit,
	.test_cases = slab_test_cases,
};

kunit_test_suite(slab_test_suite);
