// SPDX-License-Identifier: GPL-2.0
/*
 * Major-fault latency on a disk swap area (issue 14): single swap-ins of
 * a page that is not in the swap cache, from the virtio disk the bench
 * guest has as /dev/vda (tests/harness/bench.sh attaches the image the
 * host's mkswap made); one op = one fault, timed alone.
 *
 * vmlab side: an mm's 8 * n pages are written and paged out to the disk
 * area (slots handed out in order, in clusters), then 7 of every 8 are
 * dropped (MADV_DONTNEED frees their slots), so each page left is alone
 * in its aligned block of 2^page_cluster slots: its fault reads that one
 * slot through a bio and reads nothing ahead. Each sample is one read
 * access through the CR3 window that takes that major fault.
 * Host side: what the device costs at the least: a 4 KiB bio read of the
 * same slot's blocks from the same disk, through a shared read-only open
 * (submit_bio_wait(), as vmlab's swap read does). The ratio is vmlab's
 * whole fault against the bare read. A second row times the same vmlab
 * fault against the guest kernel's own (swapdisk_kernel_latency()).
 * Timing only: under make bench
 * ICOUNT=1 the wait for the device is not instructions, so these rows
 * are not for the icount gate's baseline.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/mman.h>
#include "access/access.h"
#include "buddy/vmstat.h"
#include "swap/swap.h"
#include "vma/vma.h"
#include "vmlab_compat.h"
#include "bench.h"

#define SD_BASE		0x20000000ul
#define SD_DISK		"/dev/vda"
#define SD_SPREAD	8	/* 2^page_cluster: one page per readahead block */

static struct vml_mm *dmm;
static bool swapped_on;

static void swapdisk_teardown(void)
{
	const char *why;

	if (dmm)
		vml_mm_destroy(dmm);
	dmm = NULL;
	if (swapped_on)
		vml_swapoff(SD_DISK, &why);
	swapped_on = false;
}

static int swapdisk_setup(void)
{
	const char *why;
	int ret;

	ret = vml_swapon(SD_DISK, 0, &why);
	if (ret < 0) {
		pr_info("vmlab_bench: note|swapon %s: %s (%d)\n", SD_DISK, why, ret);
		return ret;
	}
	swapped_on = true;
	dmm = vml_mm_create();
	if (IS_ERR(dmm)) {
		ret = PTR_ERR(dmm);
		dmm = NULL;
		swapdisk_teardown();
		return ret;
	}
	return 0;
}

#ifdef CONFIG_BLOCK
/* One 4 KiB bio read of slot @slot into @page. */
static int raw_read(struct block_device *bdev, struct page *page,
		    unsigned long slot)
{
	struct bio *bio = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);
	int ret;

	bio->bi_iter.bi_sector = (sector_t)slot << (PAGE_SHIFT - SECTOR_SHIFT);
	__bio_add_page(bio, page, PAGE_SIZE, 0);
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

/* Sample @i of the vmlab side: the read access that faults page @i in. */
static int vmlab_fault(unsigned int i, u64 *ns)
{
	struct vml_access_result res;
	unsigned long addr = SD_BASE + (unsigned long)i * SD_SPREAD * PAGE_SIZE;
	u64 t0 = ktime_get_ns();
	int ret = vml_access_touch(dmm, addr, 1, false, PAGE_SIZE, &res);

	*ns = ktime_get_ns() - t0;
	if (!ret && res.majflt != 1)
		ret = -EAGAIN;	/* not one major fault: the row means nothing */
	return ret;
}

static struct vml_bdev raw;
static struct page *raw_page;

/* Sample @i of the bare read: the same slot's blocks through a bio. */
static int host_read(unsigned int i, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	int ret = raw_read(raw.bdev, raw_page, 1 + (unsigned long)i * SD_SPREAD);

	*ns = ktime_get_ns() - t0;
	return ret;
}

/* Sample @i of the guest kernel's own fault, timed by the helper itself. */
static int host_kernel_fault(unsigned int i, u64 *ns)
{
	char req[VML_BENCH_REQ_LEN];
	int ret;

	snprintf(req, sizeof(req), "disk-fault %u", i);
	ret = vml_bench_helper_request(req);
	if (ret < 0)
		return ret;
	*ns = ret;
	return 0;
}

/* n pages of vmlab's, each alone in its block of slots, paged out. */
static int vmlab_prepare(unsigned int n)
{
	unsigned long len = (unsigned long)n * SD_SPREAD * PAGE_SIZE, a;
	struct vml_access_result res;
	unsigned int i;
	int ret;

	a = vml_mmap(dmm, SD_BASE, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	if (IS_ERR_VALUE(a))
		return (int)a;
	ret = vml_access_touch(dmm, SD_BASE, len, true, PAGE_SIZE, &res) ?:
	      vml_madvise(dmm, SD_BASE, len, MADV_PAGEOUT);
	for (i = 0; !ret && i < n; i++)
		ret = vml_madvise(dmm, SD_BASE + ((unsigned long)i * SD_SPREAD + 1) * PAGE_SIZE,
				  (SD_SPREAD - 1) * PAGE_SIZE, MADV_DONTNEED);
	return ret;
}

/* @n pairs, interleaved, the first side alternating: vmlab first, then host first... */
static int sample_pairs(int (*host)(unsigned int i, u64 *ns), u64 *vmlab_ns,
			u64 *host_ns, unsigned int n)
{
	unsigned long ra0 = vml_vm_event_sum(VML_SWAP_RA);
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < n; i++) {
		if (i & 1)
			ret = host(i, &host_ns[i]) ?: vmlab_fault(i, &vmlab_ns[i]);
		else
			ret = vmlab_fault(i, &vmlab_ns[i]) ?: host(i, &host_ns[i]);
		cond_resched();
	}
	if (!ret && vml_vm_event_sum(VML_SWAP_RA) != ra0)
		pr_info("vmlab_bench: note|%s: %lu pages read ahead\n", SD_DISK,
			vml_vm_event_sum(VML_SWAP_RA) - ra0);
	return ret;
}

static int swapdisk_latency(u64 *vmlab_ns, u64 *host_ns, unsigned int n)
{
	int ret = vmlab_prepare(n);

	if (ret)
		goto out;
	raw_page = alloc_page(GFP_KERNEL);
	ret = raw_page ? vml_bdev_open_read(&raw, SD_DISK) : -ENOMEM;
	if (!ret) {
		ret = sample_pairs(host_read, vmlab_ns, host_ns, n);
		vml_bdev_close_read(&raw);
	}
	if (raw_page)
		__free_page(raw_page);
	raw_page = NULL;
out:
	vml_munmap(dmm, SD_BASE, (unsigned long)n * SD_SPREAD * PAGE_SIZE);
	return ret ?: n;
}

/*
 * The guest kernel's own swap-in fault on the same kind of disk: the
 * helper swapons /dev/vdb (the same image, its own overlay) at the top
 * priority with page-cluster 0, pages out n pages of its own and makes
 * sure none is left in the swap cache; each of its samples is one read
 * of one page, checked to be one major fault.
 */
static int swapdisk_kernel_latency(u64 *vmlab_ns, u64 *host_ns, unsigned int n)
{
	char req[VML_BENCH_REQ_LEN];
	int ret;

	snprintf(req, sizeof(req), "disk-setup %u", n);
	ret = vml_bench_helper_request(req) ?: vmlab_prepare(n);
	if (!ret)
		ret = sample_pairs(host_kernel_fault, vmlab_ns, host_ns, n);
	vml_bench_helper_request("disk-teardown");
	vml_munmap(dmm, SD_BASE, (unsigned long)n * SD_SPREAD * PAGE_SIZE);
	return ret ?: n;
}
#else
static int swapdisk_latency(u64 *vmlab_ns, u64 *host_ns, unsigned int n)
{
	return -EOPNOTSUPP;
}

static int swapdisk_kernel_latency(u64 *vmlab_ns, u64 *host_ns, unsigned int n)
{
	return -EOPNOTSUPP;
}
#endif

const struct vml_bench vml_bench_swapdisk = {
	.name = "swap-in major fault 4 KiB, virtio disk vs bio read 4 KiB",
	.setup = swapdisk_setup,
	.latency = swapdisk_latency,
	.teardown = swapdisk_teardown,
	.iters = 256,
};

/* The helper, and a kernel with swap and a second disk, or no row. */
static int swapdisk_kernel_setup(void)
{
	int ret = vml_bench_helper_connect() ?: vml_bench_helper_request("disk-probe");

	if (ret == -ENODEV) {
		pr_info("vmlab_bench: the guest kernel has no swap or no %s: no row\n", "/dev/vdb");
		return VML_BENCH_SKIP;
	}
	return ret ?: swapdisk_setup();
}

const struct vml_bench vml_bench_swapdisk_kernel = {
	.name = "swap-in major fault 4 KiB, virtio disk vs the guest kernel's",
	.setup = swapdisk_kernel_setup,
	.latency = swapdisk_kernel_latency,
	.teardown = swapdisk_teardown,
	.iters = 256,
};
