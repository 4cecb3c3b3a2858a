// SPDX-License-Identifier: GPL-2.0
/*
 * Slab allocator rows: object alloc+free pairs from a 64-byte and a
 * 256-byte cache (vml_kmem_cache_* against the host's kmem_cache_*),
 * kmalloc+kfree cycling through 32..4096 bytes, and a mixed workload.
 *
 * The mixed row also reports memory efficiency: the same sequence of
 * 16..2048-byte requests is kept live on both sides and the slab pages it
 * took are divided by the bytes requested. vmlab's pages come from its
 * slabinfo figures, the host's from its slab page counter, read before and
 * after. It is printed as an extra result line whose columns hold page
 * bytes per live byte x1000 instead of ns/op.
 */
#include <linux/mm.h>
#include <linux/vmstat.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "slab/slab.h"
#include "bench.h"

static struct vml_kmem_cache *vcache64, *vcache256;
static struct kmem_cache *hcache64, *hcache256;

static int cache_setup(void)
{
	vcache64 = vml_kmem_cache_create("bench-64", 64, 0, 0, NULL);
	vcache256 = vml_kmem_cache_create("bench-256", 256, 0, 0, NULL);
	hcache64 = kmem_cache_create("vml_bench_64", 64, 0, 0, NULL);
	hcache256 = kmem_cache_create("vml_bench_256", 256, 0, 0, NULL);
	if (vcache64 && vcache256 && hcache64 && hcache256)
		return 0;
	return -ENOMEM;
}

static void cache_teardown(void)
{
	vml_kmem_cache_destroy(vcache64);
	vml_kmem_cache_destroy(vcache256);
	kmem_cache_destroy(hcache64);
	kmem_cache_destroy(hcache256);
	vcache64 = NULL;
	vcache256 = NULL;
	hcache64 = NULL;
	hcache256 = NULL;
}

static void v64(unsigned int iters)
{
	void *p;

	while (iters--) {
		p = vml_kmem_cache_alloc(vcache64, VML_GFP_KERNEL);
		if (p)
			vml_kmem_cache_free(vcache64, p);
	}
}

static void h64(unsigned int iters)
{
	void *p;

	while (iters--) {
		p = kmem_cache_alloc(hcache64, GFP_KERNEL);
		if (p)
			kmem_cache_free(hcache64, p);
	}
}

static void v256(unsigned int iters)
{
	void *p;

	while (iters--) {
		p = vml_kmem_cache_alloc(vcache256, VML_GFP_KERNEL);
		if (p)
			vml_kmem_cache_free(vcache256, p);
	}
}

static void h256(unsigned int iters)
{
	void *p;

	while (iters--) {
		p = kmem_cache_alloc(hcache256, GFP_KERNEL);
		if (p)
			kmem_cache_free(hcache256, p);
	}
}

const struct vml_bench vml_bench_slab64 = {
	.name = "slab 64B cache alloc+free",
	.setup = cache_setup,
	.vmlab = v64,
	.host = h64,
	.teardown = cache_teardown,
	.all_cpus = true,
};

const struct vml_bench vml_bench_slab256 = {
	.name = "slab 256B cache alloc+free",
	.setup = cache_setup,
	.vmlab = v256,
	.host = h256,
	.teardown = cache_teardown,
	.all_cpus = true,
};

/* 32, 64, ..., 4096: one pair per size, in turn. */
static void vkm(unsigned int iters)
{
	unsigned int size = 32;
	void *p;

	while (iters--) {
		p = vml_kmalloc(size, VML_GFP_KERNEL);
		vml_kfree(p);
		size = size < 4096 ? size * 2 : 32;
	}
}

static void hkm(unsigned int iters)
{
	unsigned int size = 32;
	void *p;

	while (iters--) {
		p = kmalloc(size, GFP_KERNEL);
		kfree(p);
		size = size < 4096 ? size * 2 : 32;
	}
}

const struct vml_bench vml_bench_kmalloc = {
	.name = "kmalloc 32..4096 alloc+free",
	.vmlab = vkm,
	.host = hkm,
	.all_cpus = true,
};

/* ---- mixed workload ---- */

#define MIX_N		4096
#define MIX_LIVE	20000

/* A fixed pseudo-random size: mostly small, some up to 2 KiB. */
static unsigned int mix_size(u32 *seed)
{
	*seed = *seed * 1103515245 + 12345;
	switch ((*seed >> 16) % 8) {
	case 0 ... 3:
		return 16 + (*seed >> 8) % 112;		/* 16..127 */
	case 4 ... 6:
		return 128 + (*seed >> 8) % 384;	/* 128..511 */
	default:
		return 512 + (*seed >> 8) % 1536;	/* 512..2047 */
	}
}

/* Allocate a burst of MIX_N mixed sizes, then free them. */
static void vmix(unsigned int iters)
{
	void *p[64];
	u32 seed = 1;
	unsigned int i;

	while (iters) {
		unsigned int n = min(iters, 64u);

		for (i = 0; i < n; i++)
			p[i] = vml_kmalloc(mix_size(&seed), VML_GFP_KERNEL);
		for (i = 0; i < n; i++)
			vml_kfree(p[i]);
		iters -= n;
	}
}

static void hmix(unsigned int iters)
{
	void *p[64];
	u32 seed = 1;
	unsigned int i;

	while (iters) {
		unsigned int n = min(iters, 64u);

		for (i = 0; i < n; i++)
			p[i] = kmalloc(mix_size(&seed), GFP_KERNEL);
		for (i = 0; i < n; i++)
			kfree(p[i]);
		iters -= n;
	}
}

/* vmlab's slab pages in size caches: the slabinfo figures of each class. */
static unsigned long vml_kmalloc_pages(void)
{
	unsigned long pages = 0;
	struct vml_slabinfo si;
	unsigned int size;

	for (size = 32; size <= VML_KMALLOC_MAX_CACHE; size *= 2) {
		vml_kmem_cache_info(vml_kmalloc_cache(size), &si);
		pages += si.num_slabs * si.pagesperslab;
	}
	vml_kmem_cache_info(vml_kmalloc_cache(96), &si);
	pages += si.num_slabs * si.pagesperslab;
	vml_kmem_cache_info(vml_kmalloc_cache(192), &si);
	pages += si.num_slabs * si.pagesperslab;
	return pages;
}

/*
 * The host's slab pages: the counter behind SUnreclaim and slabinfo's
 * totals (/proc/slabinfo cannot be read from a module: its proc file has
 * no read_iter). Per-CPU deltas not yet folded make it exact only to a few
 * pages; the workload is thousands.
 */
static long host_slab_pages(void)
{
	return global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
}

static int mix_setup(void)
{
	void **v = vmalloc(MIX_LIVE * sizeof(void *));
	void **h = vmalloc(MIX_LIVE * sizeof(void *));
	unsigned long vbefore, live = 0, vpages, ve, he;
	long hbefore, hafter;
	u32 seed = 7;
	unsigned int i, size;
	int ret = -ENOMEM;

	if (!v || !h)
		goto out;
	/* Start vmlab from no cached free slabs (the host's cannot be shrunk). */
	for (size = VML_KMALLOC_MAX_CACHE; size >= 32; size /= 2)
		vml_kmem_cache_shrink(vml_kmalloc_cache(size));
	vml_kmem_cache_shrink(vml_kmalloc_cache(192));
	vml_kmem_cache_shrink(vml_kmalloc_cache(96));
	vbefore = vml_kmalloc_pages();
	hbefore = host_slab_pages();
	for (i = 0; i < MIX_LIVE; i++) {
		size = mix_size(&seed);
		live += size;
		v[i] = vml_kmalloc(size, VML_GFP_KERNEL);
		h[i] = kmalloc(size, GFP_KERNEL);
	}
	vpages = vml_kmalloc_pages() - vbefore;
	hafter = host_slab_pages();
	for (i = 0; i < MIX_LIVE; i++) {
		vml_kfree(v[i]);
		kfree(h[i]);
	}
	ret = 0;
	ve = vpages * PAGE_SIZE * 1000 / live;
	he = (hafter - hbefore) * PAGE_SIZE * 1000 / live;
	/* Page bytes per live byte, x1000, in the ns/op columns. */
	pr_info("vmlab_bench: result|mem: page bytes/live byte x1000 (mixed)|1|%lu.0|%lu.0|%lu.%02lu\n",
		ve, he, he ? ve * 100 / he / 100 : 0, he ? ve * 100 / he % 100 : 0);
out:
	vfree(v);
	vfree(h);
	return ret;
}

const struct vml_bench vml_bench_kmalloc_mixed = {
	.name = "kmalloc mixed 16..2047 alloc+free",
	.setup = mix_setup,
	.vmlab = vmix,
	.host = hmix,
	.iters = MIX_N,
	.all_cpus = true,
};
