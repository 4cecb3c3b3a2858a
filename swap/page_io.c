// SPDX-License-Identifier: GPL-2.0
/*
 * page_io.c - reading and writing swap slots (mm/page_io.c
 * swap_writepage(), swap_readpage(); the backing store of mm/swapfile.c).
 *
 * Three kinds of area, one page per I/O, synchronous:
 *  - a regular file: kernel_read()/kernel_write() at offset * PAGE_SIZE,
 *    as 6.1 does for swap files on filesystems with ->swap_rw (NFS); the
 *    file's own page cache sits in between, which a benchmark must know;
 *  - a block device: a bio of one page submitted to the device claimed
 *    exclusively (blkdev_get_by_path() on 6.1, vml_bdev_open() in
 *    vmlab_compat.h; needs CONFIG_BLOCK);
 *    the bio carries a bounce page, because an arena frame taken from a
 *    memmap= region has no struct page a bio could point at;
 *  - "ram:SIZE": vmalloc'ed host memory outside the arena, so a benchmark
 *    measures the swap path rather than a device.
 */
#include <linux/fs.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include "swap/swap-internal.h"
#include "arena/fail.h"
#include "ctl/ctl.h"
#include "vmlab_compat.h"

/* Largest ram: area: a quarter of the host's RAM. */
static unsigned long ram_max_pages(void)
{
	return totalram_pages() / 4;
}

static int open_ram(struct vml_swap_area *si, unsigned long *size_pages,
		    const char **why)
{
	u64 bytes;
	int ret;

	ret = vml_parse_size(si->spec + 4, &bytes);
	if (ret || !bytes || !PAGE_ALIGNED(bytes)) {
		*why = "ram:SIZE needs a size in whole pages (K, M or G)";
		return ret ?: -EINVAL;
	}
	if (bytes >> PAGE_SHIFT < 2 || bytes >> PAGE_SHIFT > ram_max_pages()) {
		*why = "ram:SIZE must be 2 pages .. a quarter of host RAM";
		return -ERANGE;
	}
	si->ram = __vmalloc(bytes, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!si->ram) {
		*why = "no host memory for the ram: area";
		return -ENOMEM;
	}
	*size_pages = bytes >> PAGE_SHIFT;
	return 0;
}

#ifdef CONFIG_BLOCK
static int open_bdev(struct vml_swap_area *si, unsigned long *size_pages,
		     const char **why)
{
	int ret = vml_bdev_open(&si->bdev, si->spec, si);

	if (ret) {
		*why = "cannot claim the block device (in use?)";
		return ret;
	}
	if (bdev_logical_block_size(si->bdev.bdev) > PAGE_SIZE) {
		vml_bdev_close(&si->bdev, si);
		si->bdev.bdev = NULL;
		*why = "block device sectors larger than a page";
		return -EINVAL;
	}
	*size_pages = bdev_nr_bytes(si->bdev.bdev) >> PAGE_SHIFT;
	return 0;
}

/* One page through a bounce page; submit_bio_wait() submits and waits. */
static int bdev_rw(struct vml_swap_area *si, unsigned long offset, void *buf,
		   bool write)
{
	struct page *bounce = alloc_page(GFP_KERNEL);
	struct bio *bio;
	int ret;

	if (!bounce)
		return -ENOMEM;
	if (write)
		memcpy(page_address(bounce), buf, PAGE_SIZE);
	bio = bio_alloc(si->bdev.bdev, 1,
			write ? REQ_OP_WRITE | REQ_SYNC : REQ_OP_READ, GFP_KERNEL);
	bio->bi_iter.bi_sector = (sector_t)offset << (PAGE_SHIFT - SECTOR_SHIFT);
	__bio_add_page(bio, bounce, PAGE_SIZE, 0);
	ret = submit_bio_wait(bio);
	bio_put(bio);
	if (!ret && !write)
		memcpy(buf, page_address(bounce), PAGE_SIZE);
	__free_page(bounce);
	return ret;
}
#else
static int open_bdev(struct vml_swap_area *si, unsigned long *size_pages,
		     const char **why)
{
	*why = "this kernel has no block layer (CONFIG_BLOCK)";
	return -EOPNOTSUPP;
}

static int bdev_rw(struct vml_swap_area *si, unsigned long offset, void *buf,
		   bool write)
{
	return -EOPNOTSUPP;
}
#endif

/**
 * vml_swap_open() - open what @si->spec names.
 * @si: the area being built; @file, @bdev or @ram set on success.
 * @size_pages: the store's size in pages.
 * @why: the reason for a refusal.
 * Return: 0 or -errno, with nothing left open.
 */
int vml_swap_open(struct vml_swap_area *si, unsigned long *size_pages,
		  const char **why)
{
	struct file *file;
	umode_t mode;
	int ret;

	if (!strncmp(si->spec, "ram:", 4))
		return open_ram(si, size_pages, why);
	file = filp_open(si->spec, O_RDWR | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		*why = "cannot open the swap file or device";
		return PTR_ERR(file);
	}
	mode = file_inode(file)->i_mode;
	si->file = file;
	if (S_ISREG(mode)) {
		*size_pages = i_size_read(file_inode(file)) >> PAGE_SHIFT;
		return 0;
	}
	if (S_ISBLK(mode)) {
		ret = open_bdev(si, size_pages, why);
	} else {
		*why = "not a regular file or a block device";
		ret = -EINVAL;
	}
	if (ret) {
		filp_close(file, NULL);
		si->file = NULL;
	}
	return ret;
}

/** vml_swap_close() - undo vml_swap_open(). @si: the area. */
void vml_swap_close(struct vml_swap_area *si)
{
#ifdef CONFIG_BLOCK
	if (si->bdev.bdev)
		vml_bdev_close(&si->bdev, si);
#endif
	si->bdev.bdev = NULL;
	if (si->file)
		filp_close(si->file, NULL);
	si->file = NULL;
	vfree(si->ram);
	si->ram = NULL;
}

bool vml_swap_is_bdev(struct vml_swap_area *si)
{
	return si->bdev.bdev;
}

static int file_rw(struct file *file, unsigned long offset, void *buf,
		   bool write)
{
	loff_t pos = (loff_t)offset << PAGE_SHIFT;
	ssize_t n;

	if (write)
		n = kernel_write(file, buf, PAGE_SIZE, &pos);
	else
		n = kernel_read(file, buf, PAGE_SIZE, &pos);
	if (n == PAGE_SIZE)
		return 0;
	return n < 0 ? n : -EIO;
}

/**
 * vml_swap_rw() - one page between @buf and slot @offset of @si.
 * @si: an open area.
 * @offset: the slot (0 is the header).
 * @buf: a page-sized kernel buffer.
 * @write: write (true) or read.
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int vml_swap_rw(struct vml_swap_area *si, unsigned long offset, void *buf,
		bool write)
{
	void *slot;

	if (si->ram) {
		slot = si->ram + (offset << PAGE_SHIFT);
		if (write)
			memcpy(slot, buf, PAGE_SIZE);
		else
			memcpy(buf, slot, PAGE_SIZE);
		return 0;
	}
	if (si->bdev.bdev)
		return bdev_rw(si, offset, buf, write);
	return file_rw(si->file, offset, buf, write);
}

/*
 * Pin the slot's area, move one page, count it. ctl `fail swap_write` or
 * `fail swap_read` makes the Nth I/O fail with -EIO before it starts, as
 * a device error would.
 */
static int swap_page_io(struct vml_swp_entry entry, struct vml_page *page,
			bool write)
{
	struct vml_swap_area *si = vml_swap_pin(entry);
	int ret;

	if (!si)
		return -EINVAL;
	if (vml_should_fail(write ? VML_FAIL_SWAP_WRITE : VML_FAIL_SWAP_READ))
		ret = -EIO;
	else
		ret = vml_swap_rw(si, vml_swp_offset(entry), vml_page_address(page), write);
	vml_swap_unpin(si);
	if (!ret)
		vml_count_event(write ? VML_PSWPOUT : VML_PSWPIN);
	else
		vml_count_event(write ? VML_PSWPOUT_FAIL : VML_PSWPIN_FAIL);
	return ret;
}

int vml_swap_writepage(struct vml_swp_entry entry, struct vml_page *page)
{
	return swap_page_io(entry, page, true);
}

int vml_swap_readpage(struct vml_swp_entry entry, struct vml_page *page)
{
	return swap_page_io(entry, page, false);
}
