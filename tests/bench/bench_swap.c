// SPDX-License-Identifier: GPL-2.0
/*
 * Swap row: a page out to a ram: swap area and back, against the bare
 * data movement; one op = one 4 KiB page.
 *
 * vmlab side: a 4 MiB private anonymous region of one mm, written once;
 * each batch takes the next @iters pages, swaps them out with
 * vml_madvise(MADV_PAGEOUT) (unmap to swap PTEs, write to the area, free)
 * and writes them again through the CR3 window (a swap-in fault each, or
 * a hit of the readahead of an earlier one; the write frees the slot, so
 * the next pageout writes again). The area is "ram:64M": host memory
 * outside the arena, so a page's I/O is a copy (swap/page_io.c).
 * Host side: what that costs at the least: two memcpy()s of 4 KiB, into
 * a 4 MiB buffer and back, in the same boot. The ratio is vmlab's swap
 * path per page in units of that copy; 4096 / (ns per op) is the round
 * trip's rate in GB/s.
 *
 * The second row times the same vmlab side against the guest kernel's
 * own swap: tools/bench-helper (bench_helper.c) has a private anonymous
 * region of the same size and, per batch, MADV_PAGEOUTs the next @iters
 * pages and writes each again (a locked add: one write fault). The
 * guest's init makes /dev/ram0 (brd, whose writes complete before
 * submit_bio() returns, as a ram: area's copy does) its swap area, so
 * both sides' "I/O" is a copy and both read ahead 2^page_cluster (8)
 * slots. The helper checks each page's byte after its round trip.
 */
#include <linux/err.h>
#include <linux/mman.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "access/access.h"
#include "swap/swap.h"
#include "vma/vma.h"
#include "bench.h"

#define SW_BASE		0x10000000ul
#define SW_LEN		(4ul << 20)
#define SW_AREA		"ram:64M"

static struct vml_mm *smm;
static unsigned long scursor;
static char *hsrc, *hswap;
static unsigned long hcursor;

static void swap_teardown(void)
{
	const char *why;

	if (smm)
		vml_mm_destroy(smm);
	smm = NULL;
	vml_swapoff(SW_AREA, &why);
	vfree(hsrc);
	vfree(hswap);
	hsrc = NULL;
	hswap = NULL;
}

static void stouch(unsigned long addr, unsigned long len)
{
	struct vml_access_result res;

	vml_access_touch(smm, addr, len, true, PAGE_SIZE, &res);
}

static int swap_setup(void)
{
	const char *why;
	unsigned long a;
	int ret;

	ret = vml_swapon(SW_AREA, 0, &why);
	if (ret < 0)
		return ret;
	hsrc = vmalloc(SW_LEN);
	hswap = vmalloc(SW_LEN);
	smm = vml_mm_create();
	if (IS_ERR(smm)) {
		ret = PTR_ERR(smm);
		smm = NULL;
		goto fail;
	}
	if (!hsrc || !hswap) {
		ret = -ENOMEM;
		goto fail;
	}
	memset(hsrc, 1, SW_LEN);
	memset(hswap, 2, SW_LEN);
	a = vml_mmap(smm, SW_BASE, SW_LEN, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	if (IS_ERR_VALUE(a)) {
		ret = (int)a;
		goto fail;
	}
	stouch(SW_BASE, SW_LEN);
	scursor = 0;
	hcursor = 0;
	return 0;
fail:
	swap_teardown();
	return ret;
}

static void swap_vmlab(unsigned int iters)
{
	unsigned long len = min_t(unsigned long, (unsigned long)iters * PAGE_SIZE, SW_LEN);
	int ret;

	if (scursor + len > SW_LEN)
		scursor = 0;
	ret = vml_madvise(smm, SW_BASE + scursor, len, MADV_PAGEOUT);
	if (ret)
		vml_bench_fail(ret);
	stouch(SW_BASE + scursor, len);
	scursor += len;
}

static void swap_host(unsigned int iters)
{
	while (iters--) {
		if (hcursor + PAGE_SIZE > SW_LEN)
			hcursor = 0;
		memcpy(hswap + hcursor, hsrc + hcursor, PAGE_SIZE);
		memcpy(hsrc + hcursor, hswap + hcursor, PAGE_SIZE);
		hcursor += PAGE_SIZE;
	}
}

const struct vml_bench vml_bench_swap = {
	.name = "swap out+in 4 KiB, ram: area vs 2 memcpy 4 KiB",
	.setup = swap_setup,
	.vmlab = swap_vmlab,
	.host = swap_host,
	.teardown = swap_teardown,
	.iters = 256,
};

static int swapk_setup(void)
{
	char req[VML_BENCH_REQ_LEN];
	int ret;

	ret = vml_bench_helper_connect();
	if (ret)
		return ret;
	snprintf(req, sizeof(req), "swap-setup %lu", SW_LEN >> PAGE_SHIFT);
	ret = vml_bench_helper_request(req);
	if (ret == -ENODEV) {
		pr_info("vmlab_bench: the guest kernel has no swap area: no brd row\n");
		return VML_BENCH_SKIP;
	}
	if (ret)
		return ret;
	ret = swap_setup();
	if (ret)
		vml_bench_helper_request("swap-teardown");
	return ret;
}

static void swapk_host(unsigned int iters)
{
	vml_bench_helper_batch("swap-run", iters);
}

#define SWAPK_NAME "swap out+in 4 KiB, ram: area vs the guest kernel's, brd"

static void swapk_teardown(void)
{
	int ret = vml_bench_helper_request("swap-teardown");

	if (ret)	/* its pages did not all come back intact */
		pr_info("vmlab_bench: failed|%s|%d\n", SWAPK_NAME, ret);
	swap_teardown();
}

const struct vml_bench vml_bench_swapk = {
	.name = SWAPK_NAME,
	.setup = swapk_setup,
	.vmlab = swap_vmlab,
	.host = swapk_host,
	.teardown = swapk_teardown,
	.iters = 256,
};
