// SPDX-License-Identifier: GPL-2.0
/*
 * Fault rows: demand-zero write faults, copy-on-write faults, and read
 * faults on a file already in the page cache; one op = one page touched.
 *
 * vmlab side: vml_access_touch() through the CR3 window; a fault whose
 * tables and anon_vma exist is fixed inside the window (fault/'s atomic
 * path), the first of a region goes window exit -> vma/ -> fault/.
 * Loading vmlab_bench.ko with window_fixup=0 measures the exit path.
 * Host side: the same touches on a mapping in the address space of the
 * process that loaded the module (the bench kthread borrows it with
 * kthread_use_mm()), made with fault_in_writeable()/fault_in_readable(),
 * so each first touch is a real #PF through the host's do_user_addr_fault()
 * and handle_mm_fault(). Transparent huge pages are turned off on the host
 * mappings (VM_NOHUGEPAGE) so both sides fault 4 KiB pages.
 *
 * Each side maps a region once in setup and every batch consumes fresh
 * pages of it; when it runs out the region is remapped inside a batch,
 * an outlier the median drops. The regions are 64 MiB (demand zero),
 * 32 MiB (COW: parent + copies take 64) and 16 MiB (file), in the bench's
 * 256 MiB arena.
 * COW on the host is wp_page_copy() of a read-mapped MAP_PRIVATE page of
 * a tmpfs file (a kernel module cannot fork a process); in vmlab it is
 * the child's write to a page shared with its parent after vml_fork().
 * File read faults on both sides map up to 16 cached pages at once
 * (fault-around).
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include "access/access.h"
#include "arena/arena.h"
#include "bench.h"
#include "vmlab_compat.h"

#define DZ_PAGES	16384	/* 64 MiB */
#define COW_PAGES	8192	/* 32 MiB */
#define FILE_PAGES	4096	/* 16 MiB */
#define VBASE		0x10000000ul
#define BFILE		"/tmp/vmlab-bench-fault"

/* One side's region: where it is, how long, how much is used. */
struct region {
	unsigned long base, len, cursor;
};

static struct mm_struct *host_mm;
static struct vml_mm *vmm, *vchild;
static struct file *bfile;
static struct region vr, hr;

/* ---- host helpers (current->mm is host_mm) ---- */

static unsigned long host_map(unsigned long len, unsigned long prot,
			      unsigned long flags, struct file *file)
{
	struct vm_area_struct *vma;
	unsigned long addr = vm_mmap(file, 0, len, prot, flags, 0);

	if (IS_ERR_VALUE(addr))
		return addr;
	mmap_write_lock(current->mm);
	vma = find_vma(current->mm, addr);
	if (vma)
		vml_vm_flags_set(vma, VM_NOHUGEPAGE);
	mmap_write_unlock(current->mm);
	return addr;
}

static void host_begin(void)
{
	if (!current->mm)
		kthread_use_mm(host_mm);
}

static void host_end(void)
{
	if (current->mm == host_mm && (current->flags & PF_KTHREAD))
		kthread_unuse_mm(host_mm);
}

static int host_setup(void)
{
	host_mm = get_task_mm(current);
	return host_mm ? 0 : -EINVAL;
}

static void host_teardown(void)
{
	if (hr.base)
		vm_munmap(hr.base, hr.len);
	hr = (struct region){ };
	mmput(host_mm);
	host_mm = NULL;
}

/* ---- vmlab helpers ---- */

static int vmlab_map(struct vml_mm *mm, unsigned long len, unsigned long prot,
		     unsigned long flags, struct file *file)
{
	unsigned long a = vml_mmap(mm, VBASE, len, prot, flags | MAP_FIXED, file, 0);

	return IS_ERR_VALUE(a) ? (int)a : 0;
}

static void vmlab_teardown(void)
{
	if (vchild)
		vml_mm_destroy(vchild);
	if (vmm)
		vml_mm_destroy(vmm);
	vchild = NULL;
	vmm = NULL;
	vr = (struct region){ };
	vml_drop_caches();
}

static void vtouch(struct vml_mm *mm, unsigned long addr, unsigned long len,
		   bool write)
{
	struct vml_access_result res;

	vml_access_touch(mm, addr, len, write, PAGE_SIZE, &res);
}

/*
 * One timed batch: touch @iters fresh pages of the region, after @remap
 * made a fresh region if this one ran out (an outlier the median drops).
 */
static void vmlab_step(struct vml_mm **mm, unsigned int iters, bool write,
		       int (*remap)(void))
{
	unsigned long len = (unsigned long)iters * PAGE_SIZE;

	if (vr.cursor + len > vr.len && remap())
		return;
	vtouch(*mm, vr.base + vr.cursor, len, write);
	vr.cursor += len;
}

static void host_step(unsigned int iters, bool write, void (*remap)(void))
{
	unsigned long len = (unsigned long)iters * PAGE_SIZE;
	char __user *p;

	host_begin();
	if (hr.cursor + len > hr.len) {
		vm_munmap(hr.base, hr.len);
		remap();
	}
	p = (char __user *)(hr.base + hr.cursor);
	if (!IS_ERR_VALUE(hr.base)) {
		if (write)
			fault_in_writeable(p, len);
		else
			fault_in_readable(p, len);
	}
	hr.cursor += len;
	host_end();
}

/* ---- demand-zero write faults ---- */

static int dz_setup(void)
{
	int ret = host_setup();

	if (ret)
		return ret;
	hr.len = DZ_PAGES * PAGE_SIZE;
	hr.base = host_map(hr.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	if (IS_ERR_VALUE(hr.base)) {
		ret = hr.base;
		hr.base = 0;
		host_teardown();
		return ret;
	}
	vmm = vml_mm_create();
	if (IS_ERR(vmm)) {
		ret = PTR_ERR(vmm);
		vmm = NULL;
		host_teardown();
		return ret;
	}
	/* A quarter of a smaller arena (the arena-size curve goes to 16 MiB). */
	vr.len = min_t(unsigned long, DZ_PAGES, vml_arena.nr_frames / 4) * PAGE_SIZE;
	vr.base = VBASE;
	return vmlab_map(vmm, vr.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
}

static int dz_vmlab_remap(void)
{
	vml_munmap(vmm, vr.base, vr.len);
	vr.cursor = 0;
	return vmlab_map(vmm, vr.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
}

static void dz_vmlab(unsigned int iters)
{
	vmlab_step(&vmm, iters, true, dz_vmlab_remap);
}

static void dz_host_remap(void)
{
	hr.base = host_map(hr.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	hr.cursor = 0;
}

static void dz_host(unsigned int iters)
{
	host_step(iters, true, dz_host_remap);
}

static void dz_teardown(void)
{
	vmlab_teardown();
	host_teardown();
}

const struct vml_bench vml_bench_fault_zero = {
	.name = "fault demand-zero write",
	.setup = dz_setup,
	.vmlab = dz_vmlab,
	.host = dz_host,
	.teardown = dz_teardown,
	.iters = 512,
};

/* ---- copy-on-write faults ---- */

/* A tmpfs file of @pages pages, every page written (so in the page cache). */
static int make_file(unsigned long pages)
{
	static const char buf[PAGE_SIZE] = { 'v', 'm', 'l' };
	unsigned long i;
	loff_t pos = 0;

	bfile = filp_open(BFILE, O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE, 0600);
	if (IS_ERR(bfile)) {
		int ret = PTR_ERR(bfile);

		bfile = NULL;
		return ret;
	}
	for (i = 0; i < pages; i++)
		if (kernel_write(bfile, buf, PAGE_SIZE, &pos) != PAGE_SIZE)
			return -EIO;
	return 0;
}

static void drop_file(void)
{
	if (bfile)
		fput(bfile);
	bfile = NULL;
}

/* Host: map the file privately and read every page (mapped read-only). */
static int host_cow_map(void)
{
	hr.len = COW_PAGES * PAGE_SIZE;
	hr.base = host_map(hr.len, PROT_READ | PROT_WRITE, MAP_PRIVATE, bfile);
	if (IS_ERR_VALUE(hr.base))
		return hr.base;
	hr.cursor = 0;
	return fault_in_readable((char __user *)hr.base, hr.len) ? -EFAULT : 0;
}

/* vmlab: a parent with every page written, and a fresh child sharing them. */
static int vmlab_cow_fork(void)
{
	if (vchild)
		vml_mm_destroy(vchild);
	vchild = vml_fork(vmm);
	if (IS_ERR(vchild)) {
		int ret = PTR_ERR(vchild);

		vchild = NULL;
		return ret;
	}
	vml_mm_publish(vchild);
	vml_mm_put(vchild);	/* fork's own; the id keeps it */
	vr.cursor = 0;
	return 0;
}

static int cow_setup(void)
{
	int ret = host_setup() ?: make_file(COW_PAGES) ?: host_cow_map();

	if (ret)
		goto fail;
	vmm = vml_mm_create();
	if (IS_ERR(vmm)) {
		ret = PTR_ERR(vmm);
		vmm = NULL;
		goto fail;
	}
	vr.len = COW_PAGES * PAGE_SIZE;
	vr.base = VBASE;
	ret = vmlab_map(vmm, vr.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	if (ret)
		goto fail;
	vtouch(vmm, vr.base, vr.len, true);
	ret = vmlab_cow_fork();
	if (!ret)
		return 0;
fail:
	vmlab_teardown();
	if (host_mm)
		host_teardown();
	drop_file();
	return ret;
}

static void cow_vmlab(unsigned int iters)
{
	vmlab_step(&vchild, iters, true, vmlab_cow_fork);
}

static void cow_host_remap(void)
{
	host_cow_map();
}

static void cow_host(unsigned int iters)
{
	host_step(iters, true, cow_host_remap);
}

static void cow_teardown(void)
{
	vmlab_teardown();
	host_teardown();
	drop_file();
}

const struct vml_bench vml_bench_fault_cow = {
	.name = "fault COW write",
	.setup = cow_setup,
	.vmlab = cow_vmlab,
	.host = cow_host,
	.teardown = cow_teardown,
	.iters = 256,
};

/* ---- read faults on a cached file ---- */

static int file_setup(void)
{
	int ret = host_setup() ?: make_file(FILE_PAGES);

	if (ret)
		goto fail;
	hr.len = FILE_PAGES * PAGE_SIZE;
	hr.base = host_map(hr.len, PROT_READ, MAP_SHARED, bfile);
	if (IS_ERR_VALUE(hr.base)) {
		ret = hr.base;
		hr.base = 0;
		goto fail;
	}
	vmm = vml_mm_create();
	if (IS_ERR(vmm)) {
		ret = PTR_ERR(vmm);
		vmm = NULL;
		goto fail;
	}
	vr.len = FILE_PAGES * PAGE_SIZE;
	vr.base = VBASE;
	ret = vmlab_map(vmm, vr.len, PROT_READ, MAP_SHARED, bfile);
	if (ret)
		goto fail;
	/* Fill vmlab's page cache, then start from unmapped pages again. */
	vtouch(vmm, vr.base, vr.len, false);
	vml_munmap(vmm, vr.base, vr.len);
	ret = vmlab_map(vmm, vr.len, PROT_READ, MAP_SHARED, bfile);
	if (!ret)
		return 0;
fail:
	vmlab_teardown();
	if (host_mm)
		host_teardown();
	drop_file();
	return ret;
}

static int file_vmlab_remap(void)
{
	vml_munmap(vmm, vr.base, vr.len);
	vr.cursor = 0;
	return vmlab_map(vmm, vr.len, PROT_READ, MAP_SHARED, bfile);
}

static void file_vmlab(unsigned int iters)
{
	vmlab_step(&vmm, iters, false, file_vmlab_remap);
}

static void file_host_remap(void)
{
	hr.base = host_map(hr.len, PROT_READ, MAP_SHARED, bfile);
	hr.cursor = 0;
}

static void file_host(unsigned int iters)
{
	host_step(iters, false, file_host_remap);
}

const struct vml_bench vml_bench_fault_file = {
	.name = "fault file read (cached)",
	.setup = file_setup,
	.vmlab = file_vmlab,
	.host = file_host,
	.teardown = cow_teardown,
	.iters = 512,
};
