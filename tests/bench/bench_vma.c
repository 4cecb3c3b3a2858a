// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space rows:
 *  - find_vma over 10,000 VMAs (parameter vmas=): vmlab's gap-augmented
 *    rbtree against the host's maple tree holding the same ranges,
 *    searched with mt_find() exactly as 6.1's find_vma() does (the host
 *    offers no way to build a second mm_struct from a module).
 *  - mmap+munmap of 64 KiB anonymous memory, and the same with
 *    MAP_POPULATE: vml_mmap()/vml_munmap() on a sandbox mm against
 *    vm_mmap()/vm_munmap() on the insmod process's own mm (borrowed with
 *    kthread_use_mm(), the mapping gone again before the next call).
 *    With mmap_vmas=N both mms first get N one-page VMAs, the same
 *    addresses on both sides (the scaling curve of Documentation/
 *    benchmarks.rst).
 */
#include <linux/kthread.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include "vma/vma.h"
#include "bench.h"

#define MAX_VMAS	100000
#define VMA_BASE	0x10000000ul
#define MAP_LEN		(64 * 1024ul)

static struct vml_mm *bench_mm;
static struct maple_tree host_mt;
static struct mm_struct *host_mm;

static unsigned int vmas = 10000;
module_param(vmas, uint, 0444);
MODULE_PARM_DESC(vmas, "VMAs of the find_vma row (default 10000)");

static unsigned int mmap_vmas;
module_param(mmap_vmas, uint, 0444);
MODULE_PARM_DESC(mmap_vmas, "VMAs in both mms of the mmap rows (default 0)");

/* Row names carry the parameters; set in setup, before any report. */
static char find_name[40] = "find_vma, 10000 VMAs";
static char mmap_name[48] = "mmap+munmap 64K anon";
static char populate_name[64] = "mmap+munmap 64K anon, MAP_POPULATE";

/* The same pseudo-random addresses on both sides: a 64-bit LCG. */
static unsigned long next_addr(u64 *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return VMA_BASE + ((*state >> 33) % (2ul * vmas)) * PAGE_SIZE;
}

/* The address of the @i-th one-page VMA: one-page holes, so none merge. */
static unsigned long vma_addr(unsigned int i)
{
	return VMA_BASE + 2ul * i * PAGE_SIZE;
}

/* @n one-page VMAs in @mm. */
static int vmlab_populate(struct vml_mm *mm, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (IS_ERR_VALUE(vml_mmap(mm, vma_addr(i), PAGE_SIZE, PROT_READ,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0)))
			return -ENOMEM;
	return mm->map_count == n ? 0 : -EINVAL;
}

static void find_teardown(void)
{
	if (!IS_ERR_OR_NULL(bench_mm))
		vml_mm_destroy(bench_mm);
	bench_mm = NULL;
	mtree_destroy(&host_mt);
}

/* The runner tears a row down only after a good setup: undo a bad one here. */
static int find_setup(void)
{
	unsigned int i;
	int ret = 0;

	mt_init(&host_mt);
	if (!vmas || vmas > MAX_VMAS)
		return -EINVAL;
	snprintf(find_name, sizeof(find_name), "find_vma, %u VMAs", vmas);
	bench_mm = vml_mm_create();
	if (IS_ERR(bench_mm))
		ret = PTR_ERR(bench_mm);
	for (i = 0; !ret && i < vmas; i++)
		ret = mtree_store_range(&host_mt, vma_addr(i), vma_addr(i) + PAGE_SIZE - 1,
					(void *)vma_addr(i), GFP_KERNEL);
	if (!ret)
		ret = vmlab_populate(bench_mm, vmas);
	if (ret)
		find_teardown();
	return ret;
}

static void find_vmlab(unsigned int iters)
{
	u64 state = 1;

	down_read(&bench_mm->mmap_lock);
	while (iters--)
		barrier_data(vml_find_vma(bench_mm, next_addr(&state)));
	up_read(&bench_mm->mmap_lock);
}

static void find_host(unsigned int iters)
{
	unsigned long index;
	u64 state = 1;

	while (iters--) {
		index = next_addr(&state);
		barrier_data(mt_find(&host_mt, &index, ULONG_MAX));
	}
}

const struct vml_bench vml_bench_find_vma = {
	.name = find_name,
	.setup = find_setup,
	.vmlab = find_vmlab,
	.host = find_host,
	.teardown = find_teardown,
};

/* mmap_vmas one-page VMAs in the insmod process's mm (current's). */
static int host_populate(void)
{
	unsigned long addr;
	unsigned int i;

	for (i = 0; i < mmap_vmas; i++) {
		addr = vm_mmap(NULL, vma_addr(i), PAGE_SIZE, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0);
		if (IS_ERR_VALUE(addr))
			return addr;
	}
	return 0;
}

static void mmap_teardown(void)
{
	if (!IS_ERR_OR_NULL(bench_mm))
		vml_mm_destroy(bench_mm);
	bench_mm = NULL;
	if (mmap_vmas && current->mm == host_mm)
		vm_munmap(VMA_BASE, 2ul * mmap_vmas * PAGE_SIZE);
	mmput(host_mm);
	host_mm = NULL;
}

/* setup runs in insmod's context: borrow its mm for the host side. */
static int mmap_setup(void)
{
	int ret;

	if (mmap_vmas > MAX_VMAS)
		return -EINVAL;
	if (mmap_vmas) {
		snprintf(mmap_name, sizeof(mmap_name), "mmap+munmap 64K anon, %u VMAs",
			 mmap_vmas);
		snprintf(populate_name, sizeof(populate_name),
			 "mmap+munmap 64K anon, MAP_POPULATE, %u VMAs", mmap_vmas);
	}
	host_mm = get_task_mm(current);
	if (!host_mm)
		return -EINVAL;
	bench_mm = vml_mm_create();
	ret = IS_ERR(bench_mm) ? PTR_ERR(bench_mm) : 0;
	if (!ret)
		ret = vmlab_populate(bench_mm, mmap_vmas) ?: host_populate();
	if (ret)
		mmap_teardown();
	return ret;
}

static void mmap_vmlab_flags(unsigned int iters, unsigned long flags)
{
	unsigned long addr;

	while (iters--) {
		addr = vml_mmap(bench_mm, 0, MAP_LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | flags, NULL, 0);
		if (!IS_ERR_VALUE(addr))
			vml_munmap(bench_mm, addr, MAP_LEN);
	}
}

static void mmap_host_flags(unsigned int iters, unsigned long flags)
{
	unsigned long addr;

	kthread_use_mm(host_mm);
	while (iters--) {
		addr = vm_mmap(NULL, 0, MAP_LEN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | flags, 0);
		if (!IS_ERR_VALUE(addr))
			vm_munmap(addr, MAP_LEN);
	}
	kthread_unuse_mm(host_mm);
}

static void mmap_vmlab(unsigned int iters)
{
	mmap_vmlab_flags(iters, 0);
}

static void mmap_host(unsigned int iters)
{
	mmap_host_flags(iters, 0);
}

static void populate_vmlab(unsigned int iters)
{
	mmap_vmlab_flags(iters, MAP_POPULATE);
}

static void populate_host(unsigned int iters)
{
	mmap_host_flags(iters, MAP_POPULATE);
}

const struct vml_bench vml_bench_mmap = {
	.name = mmap_name,
	.setup = mmap_setup,
	.vmlab = mmap_vmlab,
	.host = mmap_host,
	.teardown = mmap_teardown,
};

const struct vml_bench vml_bench_mmap_populate = {
	.name = populate_name,
	.setup = mmap_setup,
	.vmlab = populate_vmlab,
	.host = populate_host,
	.teardown = mmap_teardown,
	.iters = 100,
};
