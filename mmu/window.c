// SPDX-License-Identifier: GPL-2.0
/*
 * window.c - the CR3 window: run accesses on a sandbox tree with the real
 * MMU, and the kernel thread windows run in.
 *
 * Entering: interrupts off (local_irq_save) and page faults disabled;
 * mark this CPU in @pt->cpus; save CR3 exactly (__read_cr3(): PGD and
 * PCID); load the sandbox PGD with PCID 0 and without the NOFLUSH bit.
 * Linux never runs a PCID-0 context once PCIDs are on (kern_pcid() is
 * asid + 1 precisely so PCID-unaware code like this can borrow PCID 0),
 * and the CR3 write without NOFLUSH drops whatever an earlier window left
 * tagged PCID 0; without PCIDs it drops every non-global entry.
 *
 * Inside: the kernel's user-access copy routines (AC set with STAC, so
 * SMAP stays on and sandbox pages need no special treatment) under
 * pagefault_disable(). A #PF on a user-half address then reaches
 * do_user_addr_fault(), which sees faulthandler_disabled() (and no mm:
 * windows run in kernel threads) and goes straight to the exception-table
 * fixup: the copy returns the bytes it could not do. Without AC the same
 * fault would oops before any fixup (the SMAP check), and a reserved bit
 * in a PTE would oops in pgtable_bad(): pte.c never writes one.
 *
 * Leaving: restore the saved CR3 value exactly, drop PCID 0 with INVPCID
 * when the CPU has it, clear the cpumask bit, then faults and interrupts
 * back on. NMIs inside the window are safe: the PGD is 8 KiB aligned so
 * the PTI NMI entry finds CR3 bit 12 clear and leaves CR3 alone, and
 * nmi_uaccess_okay() refuses NMI-time user accesses because a kernel
 * thread's current->mm (NULL) is not the loaded mm.
 *
 * A window copies at most VML_WINDOW_BUDGET bytes (a fault fixed in it
 * counts as a page, any access as a cache line at least) before it is
 * left and re-entered, so interrupts are never off for long: 256 KiB of
 * copying, 4096 one-byte touches or 64 faults are some tens of
 * microseconds on current hardware. Nothing inside a window sleeps; the
 * only allocations and locks are a fix-up's (see struct vml_window_fixup).
 */
#include <linux/cache.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/invpcid.h>
#include <asm/tlbflush.h>
#include "mmu/mmu-internal.h"
#include "mmu/mmu_trace.h"
#include "vmlab_compat.h"

#define VML_WINDOW_BUDGET	(256 * 1024)

struct window {
	struct vml_pgtable *pt;
	unsigned long flags;
	unsigned long saved_cr3;
	int cpu;
};

static void window_enter(struct window *w, struct vml_pgtable *pt)
{
	w->pt = pt;
	local_irq_save(w->flags);
	pagefault_disable();
	w->cpu = smp_processor_id();
	cpumask_set_cpu(w->cpu, &pt->cpus);
	smp_mb__after_atomic();	/* pairs with vml_tlb_shootdown() */
	w->saved_cr3 = __read_cr3();
	native_write_cr3(pt->pgd_phys);
}

static void window_leave(struct window *w)
{
	native_write_cr3(w->saved_cr3);
	if (vml_cpu_has_invpcid_single())
		invpcid_flush_single_context(0);
	cpumask_clear_cpu(w->cpu, &w->pt->cpus);
	pagefault_enable();
	local_irq_restore(w->flags);
	atomic_long_inc(&vml_mmu_stats.windows);
}

/*
 * A strided access: one byte every a->stride, loaded or set to zero, as
 * fault_in_readable()/fault_in_writeable() do, in one user-access section
 * with no call inside it. Each touch is charged a cache line.
 */
static bool touch_piece(struct vml_access *a, long *budget)
{
	/*
	 * Everything is read before the user-access section: a sanitizer's
	 * check of a field (UBSAN's bool load) would be a call with AC set.
	 */
	unsigned long off = a->done, len = a->len, stride = a->stride;
	unsigned long addr = a->addr;
	bool write = a->write;
	long left = *budget;
	char __user *p;
	char c __maybe_unused;

	__uaccess_begin();
	while (off < len && left > 0) {
		p = (char __user *)(addr + off);
		if (write)
			unsafe_put_user((char)0, p, fault);
		else
			unsafe_get_user(c, p, fault);
		off += stride;
		left -= L1_CACHE_BYTES;
	}
	user_access_end();
	*budget = left;
	a->done = min(off, len);
	return true;
fault:
	user_access_end();
	*budget = left;
	a->done = off;
	return false;
}

/*
 * One piece of an access inside a window, as much as @budget allows;
 * @budget and @copied are updated.
 * Return: false when it faulted, at a->addr + a->done.
 */
static bool access_piece(struct vml_access *a, long *budget,
			 unsigned long *copied)
{
	unsigned long n, left;
	void __user *uaddr;
	void *kbuf;

	if (a->stride)
		return touch_piece(a, budget);
	n = min_t(unsigned long, a->len - a->done, *budget);
	uaddr = (void __user *)(a->addr + a->done);
	kbuf = a->buf + a->done;
	if (a->write)
		left = __copy_to_user_inatomic(uaddr, kbuf, n);
	else
		left = __copy_from_user_inatomic(kbuf, uaddr, n);
	a->done += n - left;
	*copied += n - left;
	/* A tiny access still costs a walk: a line at least. */
	*budget -= max_t(long, n - left, L1_CACHE_BYTES);
	return !left;
}

/* A caller we cannot run for: say so (rate-limited), count, refuse. */
static bool window_context_ok(void)
{
	const char *why = NULL;

	if (current->mm || !(current->flags & PF_KTHREAD))
		why = "a task with a user mm (use vml_run_in_kthread())";
	else if (in_interrupt() || irqs_disabled() ||
		 (IS_ENABLED(CONFIG_PREEMPT_COUNT) && preempt_count()))
		why = "atomic context";
	if (!why)
		return true;
	atomic_long_inc(&vml_mmu_stats.window_refused);
	pr_warn_ratelimited("vmlab: CR3 window refused: called from %s\n", why);
	return false;
}

/* Reject accesses that do not lie in the user half. */
static bool access_ok_all(struct vml_access *acc, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (acc[i].addr >= vml_user_va_end() ||
		    acc[i].len > vml_user_va_end() - acc[i].addr)
			return false;
	return true;
}

/* A fix-up zeroes or copies at most a page: charge it as a page copied. */
#define VML_FIXUP_COST	PAGE_SIZE

unsigned int vml_window_run_fixup(struct vml_pgtable *pt, struct vml_access *acc,
				  unsigned int n, const struct vml_window_fixup *fx)
{
	unsigned long fixed_at = -1ul, copied, addr;
	enum vml_fixup fix = VML_FIXUP_NONE;
	unsigned int i = 0, j, fixups;
	struct window w;
	bool fault = false;
	long budget;

	if (!window_context_ok() || !pt->pgd || !access_ok_all(acc, n))
		return 0;
	for (j = 0; j < n; j++)
		acc[j].done = 0;
	while (i < n && !fault) {
		budget = VML_WINDOW_BUDGET;
		copied = 0;
		fixups = 0;
		trace_vmlab_window_enter(pt->pgd_phys);
		window_enter(&w, pt);
		while (i < n && budget > 0) {
			if (access_piece(&acc[i], &budget, &copied)) {
				if (acc[i].done == acc[i].len)
					i++;
				continue;
			}
			/* One try per address: a fix-up that did not cure it ends here. */
			addr = acc[i].addr + acc[i].done;
			fix = fx && addr != fixed_at ?
			      fx->fn(fx->arg, addr, acc[i].write) : VML_FIXUP_NONE;
			if (fix == VML_FIXUP_NONE) {
				fault = true;
				break;
			}
			fixed_at = addr;
			fixups++;
			atomic_long_inc(&vml_mmu_stats.window_fixups);
			budget -= VML_FIXUP_COST;
			if (fix == VML_FIXUP_FLUSH)
				break;
		}
		window_leave(&w);
		trace_vmlab_window_leave(pt->pgd_phys, copied, fixups,
					 fix == VML_FIXUP_FLUSH, fault);
		atomic_long_add(copied, &vml_mmu_stats.window_bytes);
		if (fix == VML_FIXUP_FLUSH) {
			atomic_long_inc(&vml_mmu_stats.window_fixup_flushes);
			vml_tlb_shootdown(pt);
			if (fx->flushed)
				fx->flushed(fx->arg);
			fix = VML_FIXUP_NONE;
		}
		if (i < n && !fault)
			cond_resched();
	}
	if (fault)
		atomic_long_inc(&vml_mmu_stats.window_faults);
	return i;
}

unsigned int vml_window_run(struct vml_pgtable *pt, struct vml_access *acc,
			    unsigned int n)
{
	return vml_window_run_fixup(pt, acc, n, NULL);
}

/*
 * ---- the kernel threads windows run in ----
 *
 * One kthread_worker per CPU online at init (not bound to it), chosen by
 * the calling CPU, so that ctl commands on different CPUs run their
 * windows concurrently while each stays a cheap queue-and-wait.
 */
static struct kthread_worker **window_workers;
static unsigned int nr_window_workers;

struct run_req {
	struct kthread_work work;
	int (*fn)(void *arg);
	void *arg;
	int ret;
};

static void run_req_fn(struct kthread_work *work)
{
	struct run_req *req = container_of(work, struct run_req, work);

	req->ret = req->fn(req->arg);
}

int vml_run_in_kthread(int (*fn)(void *arg), void *arg)
{
	struct run_req req = { .fn = fn, .arg = arg };
	struct kthread_worker *worker;

	might_sleep();
	/* Already a kernel thread without an mm (a KUnit case, a worker). */
	if (!current->mm && (current->flags & PF_KTHREAD))
		return fn(arg);
	if (WARN_ON_ONCE(!nr_window_workers))
		return -ENODEV;
	worker = window_workers[raw_smp_processor_id() % nr_window_workers];
	kthread_init_work(&req.work, run_req_fn);
	kthread_queue_work(worker, &req.work);
	kthread_flush_work(&req.work);
	return req.ret;
}

void vml_window_exit(void)
{
	while (nr_window_workers)
		kthread_destroy_worker(window_workers[--nr_window_workers]);
	kfree(window_workers);
	window_workers = NULL;
}

int vml_window_init(void)
{
	unsigned int i, n = num_online_cpus();
	struct kthread_worker *w;

	window_workers = kcalloc(n, sizeof(*window_workers), GFP_KERNEL);
	if (!window_workers)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		w = kthread_create_worker(0, "vmlab_window/%u", i);
		if (IS_ERR(w)) {
			vml_window_exit();
			return PTR_ERR(w);
		}
		window_workers[nr_window_workers++] = w;
	}
	return 0;
}
