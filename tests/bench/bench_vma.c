// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space rows:
 *  - find_vma over 10,000 VMAs: vmlab's gap-augmented rbtree against the
 *    host's maple tree holding the same 10,000 ranges, searched with
 *    mt_find() exactly as 6.1's find_vma() does (the host offers no way
 *    to build a second mm_struct from a module).
 *  - mmap+munmap of 64 KiB anonymous memory, and the same with
 *    MAP_POPULATE: vml_mmap()/vml_munmap() on a sandbox mm against
 *    vm_mmap()/vm_munmap() on the insmod process's own mm (borrowed with
 *    kthread_use_mm(), the mapping gone again before the next call).
 */
#include <linux/kthread.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include "vma/vma.h"
#include "bench.h"

#define NR_VMAS		10000
#define VMA_BASE	0x10000000ul
#define MAP_LEN		(64 * 1024ul)

static struct vml_mm *bench_mm;
static struct maple_tree host_mt;
static struct mm_struct *host_mm;

/* The same pseudo-random addresses on both sides: a 64-bit LCG. */
static unsigned long next_addr(u64 *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return VMA_BASE + ((*state >> 33) % (2ul * NR_VMAS)) * PAGE_SIZE;
}

/* 10,000 one-page VMAs with one-page holes, so none merge. */
static int find_setup(void)
{
	unsigned long addr;
	int i, ret;

	bench_mm = vml_mm_create();
	if (IS_ERR(bench_mm))
		return PTR_ERR(bench_mm);
	mt_init(&host_mt);
	for (i = 0; i < NR_VMAS; i++) {
		addr = VMA_BASE + 2ul * i * PAGE_SIZE;
		if (IS_ERR_VALUE(vml_mmap(bench_mm, addr, PAGE_SIZE, PROT_READ,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0)))
			return -ENOMEM;
		ret = mtree_store_range(&host_mt, addr, addr + PAGE_SIZE - 1,
					(void *)addr, GFP_KERNEL);
		if (ret)
			return ret;
	}
	return bench_mm->map_count == NR_VMAS ? 0 : -EINVAL;
}

static void find_teardown(void)
{
	if (!IS_ERR_OR_NULL(bench_mm))
		vml_mm_destroy(bench_mm);
	bench_mm = NULL;
	mtree_destroy(&host_mt);
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
	.name = "find_vma, 10000 VMAs",
	.setup = find_setup,
	.vmlab = find_vmlab,
	.host = find_host,
	.teardown = find_teardown,
};

/* setup runs in insmod's context: borrow its mm for the host side. */
static int mmap_setup(void)
{
	host_mm = get_task_mm(current);
	if (!host_mm)
		return -EINVAL;
	bench_mm = vml_mm_create();
	if (IS_ERR(bench_mm)) {
		mmput(host_mm);
		return PTR_ERR(bench_mm);
	}
	return 0;
}

static void mmap_teardown(void)
{
	vml_mm_destroy(bench_mm);
	bench_mm = NULL;
	mmput(host_mm);
	host_mm = NULL;
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
	.name = "mmap+munmap 64K anon",
	.setup = mmap_setup,
	.vmlab = mmap_vmlab,
	.host = mmap_host,
	.teardown = mmap_teardown,
};

const struct vml_bench vml_bench_mmap_populate = {
	.name = "mmap+munmap 64K anon, MAP_POPULATE",
	.setup = mmap_setup,
	.vmlab = populate_vmlab,
	.host = populate_host,
	.teardown = mmap_teardown,
	.iters = 100,
};
