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
 * whole fault against the bare read. Timing only: under make bench
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

static int host_read(struct block_device *bdev, struct page *page,
		     unsigned int i, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	int ret = raw_read(bdev, page, 1 + (unsigned long)i * SD_SPREAD);

	*ns = ktime_get_ns() - t0;
	return ret;
}

static int swapdisk_latency(u64 *vmlab_ns, u64 *host_ns, unsigned int n)
{
	unsigned long len = (unsigned long)n * SD_SPREAD * PAGE_SIZE, a;
	unsigned long ra0 = vml_vm_event_sum(VML_SWAP_RA);
	struct vml_access_result res;
	struct vml_bdev raw;
	struct page *page;
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
	if (ret)
		return ret;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	ret = vml_bdev_open_read(&raw, SD_DISK);
	if (ret) {
		__free_page(page);
		return ret;
	}
	/* Interleaved, the first side alternating: vmlab first, then host first... */
	for (i = 0; !ret && i < n; i++) {
		if (i & 1)
			ret = host_read(raw.bdev, page, i, &host_ns[i]) ?:
			      vmlab_fault(i, &vmlab_ns[i]);
		else
			ret = vmlab_fault(i, &vmlab_ns[i]) ?:
			      host_read(raw.bdev, page, i, &host_ns[i]);
		cond_resched();
	}
	vml_bdev_close_read(&raw);
	__free_page(page);
	if (!ret && vml_vm_event_sum(VML_SWAP_RA) != ra0)
		pr_info("vmlab_bench: note|%s: %lu pages read ahead\n", SD_DISK,
			vml_vm_event_sum(VML_SWAP_RA) - ra0);
	vml_munmap(dmm, SD_BASE, len);
	return ret ?: n;
}
#else
static int swapdisk_latency(u64 *vmlab_ns, u64 *host_ns, unsigned int n)
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
