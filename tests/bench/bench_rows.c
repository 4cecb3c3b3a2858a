// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark table.  Add a row: define "const struct vml_bench
 * vml_bench_<x>" in tests/bench/bench_<x>.c, then add an extern line and a
 * table entry below.  Rows run in table order.
 *
 * The first row lives here: it proves the runner.
 */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include "buddy/buddy.h"
#include "bench.h"

static void page0_vmlab(unsigned int iters)
{
	struct vml_page *page;

	while (iters--) {
		page = vml_alloc_pages(VML_GFP_KERNEL, 0);
		if (page)
			vml_free_pages(page, 0);
	}
}

static void page0_host(unsigned int iters)
{
	struct page *page;

	while (iters--) {
		page = alloc_pages(GFP_KERNEL, 0);
		if (page)
			__free_pages(page, 0);
	}
}

static const struct vml_bench vml_bench_page0 = {
	.name = "page order-0 alloc+free",
	.vmlab = page0_vmlab,
	.host = page0_host,
	.all_cpus = true,
};

/* Rows defined in other files: one extern line each. */
extern const struct vml_bench vml_bench_page3;
extern const struct vml_bench vml_bench_find_vma;
extern const struct vml_bench vml_bench_mmap;
extern const struct vml_bench vml_bench_mmap_populate;
extern const struct vml_bench vml_bench_fault_zero;
extern const struct vml_bench vml_bench_fault_cow;
extern const struct vml_bench vml_bench_fault_file;

const struct vml_bench *const vml_benches[] = {
	&vml_bench_page0,
	&vml_bench_page3,
	&vml_bench_find_vma,
	&vml_bench_mmap,
	&vml_bench_mmap_populate,
	&vml_bench_fault_zero,
	&vml_bench_fault_cow,
	&vml_bench_fault_file,
};

const unsigned int vml_nr_benches = ARRAY_SIZE(vml_benches);
