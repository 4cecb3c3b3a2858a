// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocator rows: order-3 alloc+free pairs, vmlab's buddy allocator
 * against the host's alloc_pages()/__free_pages() (order-0 is the runner's
 * own row in bench_rows.c). Order 3 skips the per-CPU lists on both sides
 * (the host's pcp lists hold order 3 too since 5.14; vmlab's only order 0),
 * so this row measures the zone lock, split and coalesce.
 */
#include <linux/gfp.h>
#include "buddy/buddy.h"
#include "bench.h"

static void page3_vmlab(unsigned int iters)
{
	struct vml_page *page;

	while (iters--) {
		page = vml_alloc_pages(VML_GFP_KERNEL, 3);
		if (page)
			vml_free_pages(page, 3);
	}
}

static void page3_host(unsigned int iters)
{
	struct page *page;

	while (iters--) {
		page = alloc_pages(GFP_KERNEL, 3);
		if (page)
			__free_pages(page, 3);
	}
}

const struct vml_bench vml_bench_page3 = {
	.name = "page order-3 alloc+free",
	.vmlab = page3_vmlab,
	.host = page3_host,
	.all_cpus = true,
};
