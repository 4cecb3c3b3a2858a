// SPDX-License-Identifier: GPL-2.0
/*
 * vma_debugfs.c - debugfs files of the address spaces and the mm_create /
 * mm_destroy commands. Parsing and printing only.
 *
 *   mm/<id>/maps        /proc/PID/maps format
 *   mm/<id>/smaps       /proc/PID/smaps format (6.1's show_smap())
 *   mm/<id>/status      the Vm* lines of /proc/PID/status, minflt, majflt
 *   mm/<id>/pagetable   the page-table tree, ptdump style (mmu/)
 *   mm/<id>/oom_score   /proc/PID/oom_score (the OOM killer's function)
 *   mm/<id>/oom_score_adj  /proc/PID/oom_score_adj (read only here)
 *   vmallocinfo         /proc/vmallocinfo format (the kernel mm, id 0)
 *
 * An mm's directory is made when it is published (mm_create, fork) and
 * removed by mm_destroy before
 * the mm's last reference can go, so a file never outlives its mm (debugfs
 * removal waits for readers). At unload the whole tree is removed before
 * this code's exit runs, so the directories are then only forgotten.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include "arena/check.h"
#include "ctl/ctl.h"
#include "vma/vma-internal.h"
#include "vmlab_compat.h"

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
		/* Shared anonymous memory is a shmem file: its offset shows. */
		dev = MKDEV(0, 1);
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
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

/* show_smap_vma_flags(): the VmFlags mnemonics of the flags vmlab has. */
static void show_vma_flags(struct seq_file *m, unsigned long flags)
{
	static const struct { unsigned long flag; const char *name; } f[] = {
		{ VML_VM_READ, "rd" }, { VML_VM_WRITE, "wr" }, { VML_VM_EXEC, "ex" },
		{ VML_VM_SHARED, "sh" }, { VML_VM_MAYREAD, "mr" },
		{ VML_VM_MAYWRITE, "mw" }, { VML_VM_MAYEXEC, "me" },
		{ VML_VM_MAYSHARE, "ms" }, { VML_VM_GROWSDOWN, "gd" },
		{ VML_VM_LOCKED, "lo" }, { VML_VM_ACCOUNT, "ac" },
		{ VML_VM_NORESERVE, "nr" },
	};
	int i;

	seq_puts(m, "VmFlags:");
	for (i = 0; i < ARRAY_SIZE(f); i++)
		if (flags & f[i].flag)
			seq_printf(m, " %s", f[i].name);
	seq_putc(m, '\n');
}

/* show_smap(): the maps line, the sizes, the fault layer's counts, flags. */
static int smaps_show(struct seq_file *m, void *v)
{
	void (*counts)(struct seq_file *m, struct vml_vma *vma) = vml_hooks()->smaps_show;
	struct vml_mm *mm = m->private;
	struct vml_vma *vma;

	down_read(&mm->mmap_lock);
	vml_for_each_vma(mm, vma) {
		show_map_vma(m, vma);
		seq_printf(m, "Size:           %8lu kB\n", (vma->vm_end - vma->vm_start) >> 10);
		seq_printf(m, "KernelPageSize: %8lu kB\n", PAGE_SIZE >> 10);
		seq_printf(m, "MMUPageSize:    %8lu kB\n", PAGE_SIZE >> 10);
		if (counts)
			counts(m, vma);
		seq_puts(m, "THPeligible:    0\n");
		show_vma_flags(m, vma->vm_flags);
	}
	up_read(&mm->mmap_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smaps);

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

static vml_oom_score_fn oom_score_fn;

void vml_set_oom_score_fn(vml_oom_score_fn fn)
{
	WRITE_ONCE(oom_score_fn, fn);
}

static int oom_score_show(struct seq_file *m, void *v)
{
	vml_oom_score_fn fn = READ_ONCE(oom_score_fn);

	seq_printf(m, "%lu\n", fn ? fn(m->private) : 0);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(oom_score);

static int oom_score_adj_show(struct seq_file *m, void *v)
{
	struct vml_mm *mm = m->private;

	seq_printf(m, "%d\n", READ_ONCE(mm->oom_score_adj));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(oom_score_adj);

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
	debugfs_create_file("smaps", 0400, mm->debugfs_dir, mm, &smaps_fops);
	debugfs_create_file("status", 0400, mm->debugfs_dir, mm, &status_fops);
	debugfs_create_file("pagetable", 0400, mm->debugfs_dir, mm, &pagetable_fops);
	debugfs_create_file("oom_score", 0400, mm->debugfs_dir, mm, &oom_score_fops);
	debugfs_create_file("oom_score_adj", 0400, mm->debugfs_dir, mm,
			    &oom_score_adj_fops);
}

/* mm_create -> ok mm=N */
static int cmd_mm_create(int argc, char **argv, struct vml_reply *r)
{
	struct vml_mm *mm = vml_mm_alloc();

	if (IS_ERR(mm))
		return vml_reply_err(r, PTR_ERR(mm), "cannot create an mm");
	vml_mm_debugfs_publish(mm);
	vml_reply_add(r, " mm=%d", mm->id);
	vml_mm_put(mm);
	return 0;
}

/* mm_destroy <mm> */
static int cmd_mm_destroy(int argc, char **argv, struct vml_reply *r)
{
	struct vml_mm *mm;
	int ret = 0;

	mutex_lock(&mm_dirs_lock);
	mm = vml_ctl_find_mm(r, argv[1], true);	/* a killed mm too */
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

/*
 * mm_destroy finds an mm by id and removes its directory under
 * mm_dirs_lock: made under the same lock before the mm can be found, the
 * directory exists exactly while the id does.
 */
void vml_mm_debugfs_publish(struct vml_mm *mm)
{
	mutex_lock(&mm_dirs_lock);
	if (mm_root && !mm->debugfs_dir)
		mm_dir_create(mm);
	vml_mm_publish(mm);
	mutex_unlock(&mm_dirs_lock);
}

/* ---- the checker's view: one directory per mm id, and no other ---- */

struct dir_check {
	struct vml_check *chk;
	struct vml_check_refs dirs;	/* the live mms' directories */
};

static int collect_dir(struct vml_mm *mm, void *arg)
{
	struct dir_check *d = arg;
	char name[16];

	/* A fork child being built has its id but no directory yet. */
	if (!mm->published)
		return 0;
	snprintf(name, sizeof(name), "%d", mm->id);
	if (IS_ERR_OR_NULL(mm->debugfs_dir) || mm->debugfs_dir->d_parent != mm_root ||
	    strcmp(mm->debugfs_dir->d_name.name, name)) {
		vml_check_fail(d->chk, "mm %d has no debugfs directory of its own", mm->id);
		return 0;
	}
	vml_check_refs_add(&d->dirs, mm->debugfs_dir);
	return 0;
}

/* Every directory under mm/ must be one live mm's own. */
static void check_children(struct dir_check *d)
{
	struct dentry *child;

	spin_lock(&mm_root->d_lock);
	vml_for_each_child_dentry(child, mm_root)
		if (simple_positive(child) && vml_check_refs_count(&d->dirs, child) != 1)
			vml_check_fail(d->chk, "debugfs mm/%s belongs to no live mm",
				       child->d_name.name);
	spin_unlock(&mm_root->d_lock);
}

static int count_mm(struct vml_mm *mm, void *arg)
{
	(*(unsigned long *)arg)++;
	return 0;
}

void vml_vma_debugfs_check(struct vml_check *chk)
{
	struct dir_check d = { .chk = chk };
	unsigned long n = 0;

	mutex_lock(&mm_dirs_lock);
	if (!mm_root)
		goto out;	/* no debugfs (KUnit): nothing to compare */
	vml_walk_mms(count_mm, &n);
	if (vml_check_refs_init(&d.dirs, n)) {
		vml_check_fail(chk, "vma: no host memory to check the mm directories");
		goto out;
	}
	vml_walk_mms(collect_dir, &d);
	if (vml_check_refs_sort(&d.dirs))
		check_children(&d);
	else
		vml_check_fail(chk, "mms appeared during the check");
	vml_check_refs_free(&d.dirs);
out:
	mutex_unlock(&mm_dirs_lock);
}
