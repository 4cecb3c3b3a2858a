// SPDX-License-Identifier: GPL-2.0
/*
 * framemap.c - debugfs `framemap`: one byte per arena frame saying what
 * holds it (the codes are enum vml_framemap_code in check.h and
 * Documentation/debugfs.rst), for pictures of the arena (tools/vmlab-map).
 *
 * The snapshot is taken at open(): the invariant checker's claim pass
 * (vmlab_core_check()) fills its frame ledger, with ctl held off as for
 * the exclusive `check` command, so the picture is a still one, consistent
 * with buddyinfo and zoneinfo read while no command runs. Reads then copy
 * from the snapshot, so any read size and offset works and every read of
 * one open file sees the same picture. A violation the checker finds does
 * not stop the map: a frame nobody owns shows as VML_FMAP_UNOWNED.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "arena/check.h"
#include "check/check.h"
#include "ctl/ctl.h"
#include "vmlab_core.h"

struct framemap {
	size_t size;
	u8 map[];
};

static u8 frame_code(const struct vml_check_frame *f)
{
	static const u8 codes[VML_NR_FRAME_STATES] = {
		[VML_FRAME_UNSEEN] = VML_FMAP_UNOWNED,
		[VML_FRAME_META] = VML_FMAP_META,
		[VML_FRAME_PCP] = VML_FMAP_PCP,
		[VML_FRAME_CTL] = VML_FMAP_CTL,
		[VML_FRAME_SLAB] = VML_FMAP_SLAB,
		[VML_FRAME_KMALLOC] = VML_FMAP_KMALLOC,
		[VML_FRAME_PGTABLE] = VML_FMAP_PGTABLE,
		[VML_FRAME_QUICKLIST] = VML_FMAP_QUICKLIST,
		[VML_FRAME_ZERO] = VML_FMAP_ZERO,
		[VML_FRAME_VMALLOC] = VML_FMAP_VMALLOC,
		[VML_FRAME_ANON] = VML_FMAP_ANON,
		[VML_FRAME_PAGECACHE] = VML_FMAP_PAGECACHE,
		[VML_FRAME_SWAPCACHE] = VML_FMAP_SWAPCACHE,
	};

	if (f->state == VML_FRAME_BUDDY)
		return VML_FMAP_FREE(f->order);
	return f->state < VML_NR_FRAME_STATES ? codes[f->state] : VML_FMAP_UNOWNED;
}

static int framemap_open(struct inode *inode, struct file *file)
{
	struct vml_check chk;
	struct framemap *fm;
	unsigned long i;
	int ret;

	ret = vml_ctl_exclusive_begin();
	if (ret)
		return ret;
	ret = vmlab_core_check(&chk);
	if (ret && ret != -EUCLEAN) {
		vml_ctl_exclusive_end();
		vml_check_end(&chk);
		return ret;
	}
	fm = kvmalloc(struct_size(fm, map, chk.nr_frames), GFP_KERNEL);
	if (fm) {
		fm->size = chk.nr_frames;
		for (i = 0; i < chk.nr_frames; i++)
			fm->map[i] = frame_code(&chk.frames[i]);
	}
	vml_ctl_exclusive_end();
	vml_check_end(&chk);
	if (!fm)
		return -ENOMEM;
	file->private_data = fm;
	return 0;
}

static ssize_t framemap_read(struct file *file, char __user *buf, size_t len,
			     loff_t *ppos)
{
	struct framemap *fm = file->private_data;

	return simple_read_from_buffer(buf, len, ppos, fm->map, fm->size);
}

static int framemap_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

static const struct file_operations framemap_fops = {
	.owner = THIS_MODULE,
	.open = framemap_open,
	.read = framemap_read,
	.llseek = default_llseek,
	.release = framemap_release,
};

void vml_framemap_debugfs_init(struct dentry *root)
{
	debugfs_create_file("framemap", 0400, root, NULL, &framemap_fops);
}
