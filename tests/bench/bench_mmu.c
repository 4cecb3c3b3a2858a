// SPDX-License-Identifier: GPL-2.0
/*
 * bench_mmu.c - the CR3 window against the host's own way of touching
 * another address space from a kernel thread.
 *
 * The host equivalent of "load the sandbox CR3, access, restore" is
 * kthread_use_mm() + copy_from_user() + kthread_unuse_mm() on a real user
 * mm: what vhost and io_uring workers do. The mm is the insmod process's,
 * taken in setup (module init runs in that process) with vm_mmap() of a
 * populated anonymous buffer, and held with mmget() until teardown.
 *
 * Rows:
 *   window round trip: enter, one 8-byte read, leave
 *   the same against a host round trip that really reloads CR3 twice
 *   4 KiB read: one window (or one use_mm) per 4 KiB read
 *   4 KiB copy in a batch: 16 reads per window (or per use_mm), per read
 */
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/special_insns.h>
#include "mmu/mmu.h"
#include "bench.h"

#define BATCH		16
#define SANDBOX_ADDR	0x10000000ul

static struct vml_pgtable bench_pt;
static struct vml_page *bench_frames[BATCH];
static struct mm_struct *host_mm;
static unsigned long host_addr;

static void sandbox_teardown(void)
{
	pte_t *ptep;
	int i;

	for (i = 0; i < BATCH; i++) {
		ptep = vml_pte_lookup(&bench_pt, SANDBOX_ADDR + i * PAGE_SIZE);
		if (ptep) {
			spin_lock(&bench_pt.lock);
			vml_ptep_get_and_clear(&bench_pt, SANDBOX_ADDR + i * PAGE_SIZE, ptep);
			spin_unlock(&bench_pt.lock);
		}
		if (bench_frames[i])
			vml_free_pages(bench_frames[i], 0);
		bench_frames[i] = NULL;
	}
	vml_pgtable_destroy(&bench_pt);
}

/* BATCH populated user pages at SANDBOX_ADDR. */
static int sandbox_setup(void)
{
	unsigned long addr;
	pte_t *ptep;
	int i;

	if (vml_pgtable_init(&bench_pt))
		return -ENOMEM;
	for (i = 0; i < BATCH; i++) {
		addr = SANDBOX_ADDR + i * PAGE_SIZE;
		bench_frames[i] = vml_alloc_pages(VML_GFP_KERNEL | VML___GFP_ZERO, 0);
		ptep = vml_pte_alloc(&bench_pt, addr, VML_GFP_KERNEL);
		if (!bench_frames[i] || !ptep) {
			sandbox_teardown();
			return -ENOMEM;
		}
		spin_lock(&bench_pt.lock);
		vml_set_pte(&bench_pt, addr, ptep,
			    vml_mk_pte(bench_frames[i], vml_pgprot(true, false, true)));
		spin_unlock(&bench_pt.lock);
	}
	return 0;
}

static void host_teardown(void)
{
	if (!host_mm)
		return;
	if (current->mm == host_mm)	/* still in the insmod process */
		vm_munmap(host_addr, BATCH * PAGE_SIZE);
	mmput(host_mm);
	host_mm = NULL;
}

/* A populated anonymous buffer in the insmod process's mm. */
static int host_setup(void)
{
	if (!current->mm)
		return -EINVAL;
	host_addr = vm_mmap(NULL, 0, BATCH * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_ANONYMOUS | MAP_PRIVATE | MAP_POPULATE, 0);
	if (IS_ERR_VALUE(host_addr))
		return host_addr;
	mmget(current->mm);
	host_mm = current->mm;
	return 0;
}

static int mmu_setup(void)
{
	int ret = sandbox_setup();

	if (ret)
		return ret;
	ret = host_setup();
	if (ret)
		sandbox_teardown();
	return ret;
}

static void mmu_teardown(void)
{
	host_teardown();
	sandbox_teardown();
}

/* @per_window reads of @len bytes per window, @iters reads in all. */
static void window_reads(unsigned int iters, unsigned long len,
			 unsigned int per_window)
{
	struct vml_access acc[BATCH];
	static u8 buf[BATCH][PAGE_SIZE];	/* one bench thread at a time here */
	unsigned int i, n;

	while (iters) {
		n = min(iters, per_window);
		for (i = 0; i < n; i++)
			acc[i] = (struct vml_access){
				.addr = SANDBOX_ADDR + i * PAGE_SIZE,
				.len = len, .buf = buf[i],
			};
		vml_window_run(&bench_pt, acc, n);
		iters -= n;
	}
}

static void host_reads(unsigned int iters, unsigned long len,
		       unsigned int per_use)
{
	static u8 buf[PAGE_SIZE];
	unsigned int i, n;

	while (iters) {
		n = min(iters, per_use);
		kthread_use_mm(host_mm);
		for (i = 0; i < n; i++)
			if (copy_from_user(buf, (void __user *)host_addr + i * PAGE_SIZE, len))
				pr_warn_once("vmlab_bench: host copy faulted\n");
		kthread_unuse_mm(host_mm);
		iters -= n;
	}
}

/* 8-byte reads: a stack buffer each, so all CPUs may run this at once. */
static void roundtrip_vmlab(unsigned int iters)
{
	u64 v;
	struct vml_access acc = { .addr = SANDBOX_ADDR, .len = 8, .buf = &v };

	while (iters--)
		vml_window_run(&bench_pt, &acc, 1);
}

static void roundtrip_host(unsigned int iters)
{
	u64 v;

	while (iters--) {
		kthread_use_mm(host_mm);
		if (copy_from_user(&v, (void __user *)host_addr, 8))
			pr_warn_once("vmlab_bench: host copy faulted\n");
		kthread_unuse_mm(host_mm);
	}
}

/*
 * The host round trip above never writes CR3: the kthread stays lazily on
 * host_mm between uses, so switch_mm() sees the same mm. This variant adds
 * the two CR3 reloads a real switch away and back costs (each drops every
 * non-global TLB entry, as the window's do), to show where the time goes.
 */
static void roundtrip_host_reload(unsigned int iters)
{
	unsigned long flags;
	u64 v;

	while (iters--) {
		kthread_use_mm(host_mm);
		local_irq_save(flags);
		native_write_cr3(__read_cr3());
		if (__copy_from_user_inatomic(&v, (void __user *)host_addr, 8))
			pr_warn_once("vmlab_bench: host copy faulted\n");
		native_write_cr3(__read_cr3());
		local_irq_restore(flags);
		kthread_unuse_mm(host_mm);
	}
}

static void read4k_vmlab(unsigned int iters)
{
	window_reads(iters, PAGE_SIZE, 1);
}

static void read4k_host(unsigned int iters)
{
	host_reads(iters, PAGE_SIZE, 1);
}

static void batch4k_vmlab(unsigned int iters)
{
	window_reads(iters, PAGE_SIZE, BATCH);
}

static void batch4k_host(unsigned int iters)
{
	host_reads(iters, PAGE_SIZE, BATCH);
}

const struct vml_bench vml_bench_window_roundtrip = {
	.name = "cr3 window round trip (8 B) vs use_mm+copy_from_user",
	.setup = mmu_setup,
	.vmlab = roundtrip_vmlab,
	.host = roundtrip_host,
	.teardown = mmu_teardown,
	.all_cpus = true,
};

const struct vml_bench vml_bench_window_reload = {
	.name = "cr3 window round trip vs use_mm+copy with 2 CR3 reloads",
	.setup = mmu_setup,
	.vmlab = roundtrip_vmlab,
	.host = roundtrip_host_reload,
	.teardown = mmu_teardown,
};

const struct vml_bench vml_bench_window_read4k = {
	.name = "4 KiB read, one window vs one use_mm each",
	.setup = mmu_setup,
	.vmlab = read4k_vmlab,
	.host = read4k_host,
	.teardown = mmu_teardown,
};

const struct vml_bench vml_bench_window_batch4k = {
	.name = "4 KiB read, 16 per window vs 16 per use_mm",
	.setup = mmu_setup,
	.vmlab = batch4k_vmlab,
	.host = batch4k_host,
	.teardown = mmu_teardown,
};
