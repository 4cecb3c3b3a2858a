// SPDX-License-Identifier: GPL-2.0
/*
 * vma_debugfs.c - debugfs files of the address spaces and the mm_create /
 * mm_destroy commands. Parsing and printing only.
 *
 *   mm/<id>/maps        /proc/PID/maps format
 *   mm/<id>/status      the Vm* lines of /proc/PID/status, minflt, majflt
 *   mm/<id>/pagetable   the page-table tree, ptdump style (mmu/)
 *   vmallocinfo         /proc/vmallocinfo format (the kernel mm, id 0)
 *
 * An mm's directory is made by mm_create and removed by mm_destroy before
 * the mm's last reference can go, so a file never outlives its mm (debugfs
 * removal waits for readers). At unload the whole tree is removed before
 * this code's exit runs, so the directories are then only forgotten.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/bsearch.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "arena/check.h"
#include "ctl/ctl.h"
#include "vma/vma-internal.h"

static struct dentry *mm_root;
static DEFINE_MUTEX(mm_dirs_lock);	/* create/destroy against each other */

/* show_map_vma(): one line, the name column padded as seq_pad() does. */
static void show_map_vma(struct seq_file *m, struct vml_vma *vma)
{
	struct vml_mm *mm = vma->vm_mm;
	unsigned long flags = vma->vm_flags, ino = 0;
	unsigned long long pgoff = 0;
	dev_t dev = 0;
	const char *name = NULL;

	if (vma->vm_file) {
		struct inode *inode = file_inode(vma->vm_file);

		dev = inode->i_sb->s_dev;
		ino = inode->i_ino;
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
	} else if (flags & VML_VM_MAYSHARE) {
		dev = MKDEV(0, 1);	/* shared anonymous memory is shmem */
		name = "/dev/zero (deleted)";
	} else if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk) {
		name = "[heap]";
	} else if (mm->start_stack && vma->vm_start <= mm->start_stack &&
		   vma->vm_end >= mm->start_stack) {
		name = "[stack]";
	}
	seq_setwidth(m, 25 + sizeof(void *) * 6 - 1);
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		   vma->vm_start, vma->vm_end,
		   flags & VML_VM_READ ? 'r' : '-', flags & VML_VM_WRITE ? 'w' : '-',
		   flags & VML_VM_EXEC ? 'x' : '-', flags & VML_VM_MAYSHARE ? 's' : 'p',
		   pgoff, MAJOR(dev), MINOR(dev), ino);
	if (vma->vm_file) {
		seq_pad(m, ' ');
		seq_file_path(m, vma->vm_file, "\n");
	} else if (name) {
		seq_pad(m, ' ');
		seq_puts(m, name);
	}
	seq_putc(m, '\n');
}

static int maps_show(struct seq_file *m, void *v)
{
	struct vml_mm *mm = m->private;
	struct vml_vma *vma;

	down_read(&mm->mmap_lock);
	vml_for_each_vma(mm, vma)
		show_map_vma(m, vma);
	up_read(&mm->mmap_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(maps);

static void show_kb(struct seq_file *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%s:\t%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

/* task_mem(): the Vm* lines, then the fault counters. */
static int status_show(struct seq_file *m, void *v)
{
	struct vml_mm *mm = m->private;
	unsigned long anon = vml_mm_counter(mm, VML_MM_ANONPAGES);
	unsigned long file = vml_mm_counter(mm, VML_MM_FILEPAGES);
	unsigned long shmem = vml_mm_counter(mm, VML_MM_SHMEMPAGES);
	unsigned long rss = anon + file + shmem;

	down_read(&mm->mmap_lock);
	show_kb(m, "VmPeak", max(mm->hiwater_vm, mm->total_vm));
	show_kb(m, "VmSize", mm->total_vm);
	show_kb(m, "VmLck", mm->locked_vm);
	show_kb(m, "VmPin", mm->pinned_vm);
	show_kb(m, "VmHWM", max(mm->hiwater_rss, rss));
	show_kb(m, "VmRSS", rss);
	show_kb(m, "RssAnon", anon);
	show_kb(m, "RssFile", file);
	show_kb(m, "RssShmem", shmem);
	show_kb(m, "VmData", mm->data_vm);
	show_kb(m, "VmStk", mm->stack_vm);
	show_kb(m, "VmExe", mm->exec_vm);
	show_kb(m, "VmLib", 0);
	show_kb(m, "VmPTE", atomic_long_read(&mm->pgt.nr_tables));
	show_kb(m, "VmSwap", vml_mm_counter(mm, VML_MM_SWAPENTS));
	seq_printf(m, "VmaCount:\t%d\n", mm->map_count);
	seq_printf(m, "minflt:\t%ld\nmajflt:\t%ld\n",
		   atomic_long_read(&mm->min_flt), atomic_long_read(&mm->maj_flt));
	up_read(&mm->mmap_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

static int pagetable_show(struct seq_file *m, void *v)
{
	struct vml_mm *mm = m->private;

	down_read(&mm->mmap_lock);
	vml_pgtable_dump(m, &mm->pgt);
	up_read(&mm->mmap_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pagetable);

static int vmallocinfo_show(struct seq_file *m, void *v)
{
	vml_vmallocinfo_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmallocinfo);

static void mm_dir_create(struct vml_mm *mm)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", mm->id);
	mm->debugfs_dir = debugfs_create_dir(name, mm_root);
	debugfs_create_file("maps", 0400, mm->debugfs_dir, mm, &maps_fops);
	debugfs_create_file("status", 0400, mm->debugfs_dir, mm, &status_fops);
	debugfs_create_file("pagetable", 0400, mm->debugfs_dir, mm, &pagetable_fops);
}

/* mm_create -> ok mm=N */
static int cmd_mm_create(int argc, char **argv, struct vml_reply *r)
{
	struct vml_mm *mm;

	mutex_lock(&mm_dirs_lock);
	mm = vml_mm_create();
	if (!IS_ERR(mm))
		mm_dir_create(mm);
	mutex_unlock(&mm_dirs_lock);
	if (IS_ERR(mm))
		return vml_reply_err(r, PTR_ERR(mm), "cannot create an mm");
	vml_reply_add(r, " mm=%d", mm->id);
	return 0;
}

/* mm_destroy <mm> */
static int cmd_mm_destroy(int argc, char **argv, struct vml_reply *r)
{
	struct vml_mm *mm;
	int ret = 0;

	mutex_lock(&mm_dirs_lock);
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm) {
		ret = r->err;
	} else if (mm->kernel) {
		ret = vml_reply_err(r, -EPERM, "mm 0 is the kernel mm");
	} else {
		debugfs_remove_recursive(mm->debugfs_dir);
		mm->debugfs_dir = NULL;
		vml_mm_destroy(mm);
	}
	mutex_unlock(&mm_dirs_lock);
	if (mm)
		vml_mm_put(mm);
	return ret;
}

static const struct vml_ctl_cmd mm_cmds[] = {
	{ "mm_create", "", 0, 0, cmd_mm_create },
	{ "mm_destroy", "<mm>", 1, 1, cmd_mm_destroy },
};

static struct vml_ctl_group mm_group = {
	.cmds = mm_cmds,
	.nr = ARRAY_SIZE(mm_cmds),
};

int vml_vma_debugfs_init(struct dentry *root)
{
	mm_root = debugfs_create_dir("mm", root);
	debugfs_create_file("vmallocinfo", 0400, root, NULL, &vmallocinfo_fops);
	if (vml_kernel_mm())
		mm_dir_create(vml_kernel_mm());
	vml_ctl_register(&mm_group);
	vml_ctl_register(&vml_vma_ctl_group);
	return 0;
}

static int forget_dir(struct vml_mm *mm, void *arg)
{
	mm->debugfs_dir = NULL;
	return 0;
}

void vml_vma_debugfs_exit(void)
{
	vml_ctl_unregister(&vml_vma_ctl_group);
	vml_ctl_unregister(&mm_group);
	/* The debugfs tree is already gone (vmlab_main.c removes it first). */
	vml_walk_mms(forget_dir, NULL);
	mm_root = NULL;
}

/* For mms made elsewhere (fork): give @mm its debugfs directory. */
void vml_mm_debugfs_create(struct vml_mm *mm)
{
	mutex_lock(&mm_dirs_lock);
	if (mm_root && !mm->debugfs_dir)
		mm_dir_create(mm);
	mutex_unlock(&mm_dirs_lock);
}

/* ---- the checker's view: one directory per mm id, and no other ---- */

struct dir_check {
	struct vml_check *chk;
	struct dentry **dirs;	/* the live mms' directories, sorted */
	unsigned int n, max;
};

static int collect_dir(struct vml_mm *mm, void *arg)
{
	struct dir_check *d = arg;
	char name[16];

	snprintf(name, sizeof(name), "%d", mm->id);
	if (!mm->debugfs_dir || mm->debugfs_dir->d_parent != mm_root ||
	    strcmp(mm->debugfs_dir->d_name.name, name)) {
		vml_check_fail(d->chk, "mm %d has no debugfs directory of its own", mm->id);
		return 0;
	}
	if (d->n < d->max)
		d->dirs[d->n++] = mm->debugfs_dir;
	return 0;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(uintptr_t *)a, y = *(uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* Every directory under mm/ must be one of the live mms' own. */
static void check_children(struct dir_check *d)
{
	struct dentry *child;

	spin_lock(&mm_root->d_lock);
	list_for_each_entry(child, &mm_root->d_subdirs, d_child) {
		if (!simple_positive(child))
			continue;
		if (!bsearch(&child, d->dirs, d->n, sizeof(*d->dirs), cmp_ptr))
			vml_check_fail(d->chk, "debugfs mm/%s belongs to no live mm",
				       child->d_name.name);
	}
	spin_unlock(&mm_root->d_lock);
}

static int count_mm(struct vml_mm *mm, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

void vml_vma_debugfs_check(struct vml_check *chk)
{
	struct dir_check d = { .chk = chk };

	mutex_lock(&mm_dirs_lock);
	if (!mm_root)
		goto out;	/* no debugfs (KUnit): nothing to compare */
	vml_walk_mms(count_mm, &d.max);
	d.dirs = kvcalloc(d.max + 1, sizeof(*d.dirs), GFP_KERNEL);
	if (!d.dirs) {
		vml_check_fail(chk, "no host memory to check the mm directories");
		goto out;
	}
	vml_walk_mms(collect_dir, &d);
	sort(d.dirs, d.n, sizeof(*d.dirs), cmp_ptr, NULL);
	check_children(&d);
	kvfree(d.dirs);
out:
	mutex_unlock(&mm_dirs_lock);
}
