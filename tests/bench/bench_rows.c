// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark table.  Add a row: define "const struct vml_bench
 * vml_bench_<x>" in tests/bench/bench_<x>.c, then add a
 * VML_BENCH_DECLARE(vml_bench_<x>); line and a table entry below.  Rows run
 * in table order.
 *
 * The first two rows live here: they prove the runner. The calibration
 * row runs the same 50-turn dec/jnz loop (100 instructions) on both
 * sides: under make bench ICOUNT=1 it must read about 100 + the loop's
 * own few instructions per op (guest ns == instructions), and a ratio
 * of exactly 1.00; on the wall clock it shows what TCG takes for 100
 * simple instructions on this machine.
 */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include "buddy/buddy.h"
#include "bench.h"

static void calibration(unsigned int iters)
{
	unsigned long n;

	while (iters--) {
		n = 50;
		asm volatile("1: dec %0\n\tjnz 1b" : "+r" (n));
	}
}

static const struct vml_bench vml_bench_calibration = {
	.name = "calibration: 100-instruction loop, both sides",
	.vmlab = calibration,
	.host = calibration,
};

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

/* Rows defined in other files: one line each. */
VML_BENCH_DECLARE(vml_bench_page3);
VML_BENCH_DECLARE(vml_bench_window_roundtrip);
VML_BENCH_DECLARE(vml_bench_window_reload);
VML_BENCH_DECLARE(vml_bench_window_read4k);
VML_BENCH_DECLARE(vml_bench_window_batch4k);
VML_BENCH_DECLARE(vml_bench_slab64);
VML_BENCH_DECLARE(vml_bench_slab256);
VML_BENCH_DECLARE(vml_bench_kmalloc);
VML_BENCH_DECLARE(vml_bench_kmalloc_mixed);
VML_BENCH_DECLARE(vml_bench_find_vma);
VML_BENCH_DECLARE(vml_bench_mmap);
VML_BENCH_DECLARE(vml_bench_mmap_populate);
VML_BENCH_DECLARE(vml_bench_fault_zero);
VML_BENCH_DECLARE(vml_bench_fault_cow);
VML_BENCH_DECLARE(vml_bench_fault_file);
VML_BENCH_DECLARE(vml_bench_swap);
VML_BENCH_DECLARE(vml_bench_swapk);
VML_BENCH_DECLARE(vml_bench_swapdisk);
VML_BENCH_DECLARE(vml_bench_swapdisk_kernel);
VML_BENCH_DECLARE(vml_bench_fork_1);
VML_BENCH_DECLARE(vml_bench_fork_2);
VML_BENCH_DECLARE(vml_bench_fork_4);
VML_BENCH_DECLARE(vml_bench_fork_8);
VML_BENCH_DECLARE(vml_bench_fork_16);
VML_BENCH_DECLARE(vml_bench_fork_32);
VML_BENCH_DECLARE(vml_bench_fork_64);
VML_BENCH_DECLARE(vml_bench_rmap_1);
VML_BENCH_DECLARE(vml_bench_rmap_10);
VML_BENCH_DECLARE(vml_bench_rmap_100);
VML_BENCH_DECLARE(vml_bench_rmap_1000);

const struct vml_bench *const vml_benches[] = {
	&vml_bench_calibration,
	&vml_bench_page0,
	&vml_bench_page3,
	&vml_bench_window_roundtrip,
	&vml_bench_window_reload,
	&vml_bench_window_read4k,
	&vml_bench_window_batch4k,
	&vml_bench_slab64,
	&vml_bench_slab256,
	&vml_bench_kmalloc,
	&vml_bench_kmalloc_mixed,
	&vml_bench_find_vma,
	&vml_bench_mmap,
	&vml_bench_mmap_populate,
	&vml_bench_fault_zero,
	&vml_bench_fault_cow,
	&vml_bench_fault_file,
	&vml_bench_swap,
	&vml_bench_swapk,
	&vml_bench_swapdisk,
	&vml_bench_swapdisk_kernel,
	&vml_bench_fork_1,
	&vml_bench_fork_2,
	&vml_bench_fork_4,
	&vml_bench_fork_8,
	&vml_bench_fork_16,
	&vml_bench_fork_32,
	&vml_bench_fork_64,
	&vml_bench_rmap_1,
	&vml_bench_rmap_10,
	&vml_bench_rmap_100,
	&vml_bench_rmap_1000,
};

const unsigned int vml_nr_benches = ARRAY_SIZE(vml_benches);
