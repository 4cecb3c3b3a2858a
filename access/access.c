// SPDX-License-Identifier: GPL-2.0
/*
 * access.c - the access commands: reads and writes of sandbox memory made
 * by the real MMU through the CR3 window (mmu/ vml_window_run()).
 *
 * Each command runs in a vmlab kthread (vml_run_in_kthread(): no user mm,
 * so nothing at NMI time touches the sandbox's user half) holding the
 * mm's mmap_lock for reading, which keeps VMAs and page tables in place.
 * The work is cut into batches of accesses; a batch runs in one window
 * (interrupts off, nothing sleeps). When an access faults, the fault
 * layer's atomic fast path gets the first try inside the window, as the
 * hardware fault path would resolve it in the faulting context (demand
 * zero, a cached file page, copy-on-write); what it cannot do without
 * sleeping stops the window, which reports how far it got; the fault is
 * then resolved outside the window, interrupts on, by vml_access_fault()
 * (which may call the fault layer and sleep), and the batch resumes at the
 * faulting byte. A fault that cannot be resolved ends the command with
 * the classification a user process would get as a signal.
 *
 * Commands over gigabytes must stay killable: the kthread checks the
 * caller's fatal_signal_pending() between pieces (a CHUNK of fill, verify
 * or rw, TOUCH_PIECE touches) and stops with -EINTR and the bytes done;
 * the caller waits for the kthread, which is then at most one piece (one
 * window and the fault it resolves) away from stopping.
 */
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "access/access.h"

static bool window_fixup = true;
module_param(window_fixup, bool, 0644);
MODULE_PARM_DESC(window_fixup,
		 "resolve simple faults inside the CR3 window (default: on)");

#define CHUNK		(16 * PAGE_SIZE)	/* bytes per window access */
/*
 * A fault "resolved" this often in a row is not. Not 3: under memory
 * pressure a fault is legitimately undone before the access retries it
 * (76-stress's swap phase, -smp 4, a 16 MiB arena: a write fault on a
 * swapped page is a swap-in mapped read-only, then a copy-on-write, and
 * reclaim on the other CPUs swapped the page out again in between; three
 * repeats gave the fill EFAULT on a writable mapping). Linux retries
 * forever; a handler that never resolves still shows after 32 tries.
 */
#define MAX_REPEAT	32
#define TOUCH_PIECE	4096	/* touches between checks for a kill */

u8 vml_pattern_byte(u64 seed, unsigned long addr)
{
	u64 z = seed ^ (addr & ~7ul);

	/* splitmix64's finaliser: every bit of seed and address matters. */
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z >> ((addr & 7) * 8);
}

static void pattern_fill(u8 *buf, u64 seed, unsigned long addr,
			 unsigned long len)
{
	unsigned long i;

	for (i = 0; i < len; i++)
		buf[i] = vml_pattern_byte(seed, addr + i);
}

struct access_cmd {
	struct vml_mm *mm;
	struct vml_access_result *res;
	unsigned long addr, len, stride;
	void *buf;		/* caller's buffer (rw) */
	u8 *scratch;		/* CHUNK bytes (fill, verify) */
	u64 seed;
	bool write;
	int (*body)(struct access_cmd *c);
	unsigned long last_fault;
	int repeats;
	struct vml_page *deferred;	/* held until a fix-up's shootdown */
	struct task_struct *owner;	/* the task whose kill stops us */
};

/* Has the command's caller been killed? Then stop with what was done. */
static int interrupted(struct access_cmd *c, unsigned long done)
{
	if (!fatal_signal_pending(c->owner))
		return 0;
	c->res->done = done;
	return -EINTR;
}

/* Resolve the fault that stopped @a, and move @a past what it did. */
static int resolve(struct access_cmd *c, struct vml_access *a)
{
	unsigned long addr = a->addr + a->done;
	unsigned int flags = VML_FAULT_FLAG_USER | (a->write ? VML_FAULT_FLAG_WRITE : 0);
	enum vml_segv_code code;
	int ret;

	c->repeats = addr == c->last_fault ? c->repeats + 1 : 0;
	c->last_fault = addr;
	if (c->repeats)		/* let reclaim on this CPU's other tasks finish */
		cond_resched();
	ret = c->repeats >= MAX_REPEAT ? -EFAULT :
	      vml_access_fault(c->mm, addr, flags, &code);
	if (c->repeats >= MAX_REPEAT) {
		pr_warn_ratelimited("vmlab: mm %d: fault at %#lx not resolved after %d tries\n",
				    c->mm->id, addr, MAX_REPEAT);
		code = VML_SEGV_ACCERR;
	}
	if (ret < 0) {
		c->res->fault_addr = addr;
		c->res->code = ret == -EFAULT ? code : VML_SEGV_NONE;
		c->res->done = addr > c->addr ? addr - c->addr : 0;
		return ret;
	}
	if (ret & VML_FAULT_MAJOR)
		c->res->majflt++;
	else
		c->res->minflt++;
	a->addr += a->done;
	if (!a->stride)
		a->buf += a->done;
	a->len -= a->done;
	a->done = 0;
	return 0;
}

/* Inside the window: the fault layer's fast path, counted as a minor fault. */
static enum vml_fixup fixup_fn(void *arg, unsigned long addr, bool write)
{
	unsigned int flags = VML_FAULT_FLAG_USER | (write ? VML_FAULT_FLAG_WRITE : 0);
	struct access_cmd *c = arg;
	enum vml_fixup fix;

	if (c->deferred)
		return VML_FIXUP_NONE;
	fix = vml_access_fault_atomic(c->mm, addr, flags, &c->deferred);
	if (fix != VML_FIXUP_NONE) {
		c->res->minflt++;
		atomic_long_inc(&c->mm->min_flt);
	}
	return fix;
}

static void fixup_flushed(void *arg)
{
	struct access_cmd *c = arg;

	if (c->deferred)
		vml_put_page(c->deferred);
	c->deferred = NULL;
}

/* Run @n accesses to the end, resolving faults in or between windows. */
static int run_accesses(struct access_cmd *c, struct vml_access *acc,
			unsigned int n)
{
	struct vml_window_fixup fx = { fixup_fn, fixup_flushed, c };
	unsigned int k = 0;
	int ret;

	while (k < n) {
		k += vml_window_run_fixup(&c->mm->pgt, acc + k, n - k,
					  READ_ONCE(window_fixup) ? &fx : NULL);
		if (k == n)
			break;
		ret = resolve(c, &acc[k]);
		if (ret)
			return ret;
	}
	return 0;
}

static int run_one(struct access_cmd *c, unsigned long addr, void *buf,
		   unsigned long len, bool write)
{
	struct vml_access a = { .addr = addr, .len = len, .buf = buf, .write = write };

	return run_accesses(c, &a, 1);
}

static int body_rw(struct access_cmd *c)
{
	unsigned long off, n;
	int ret;

	for (off = 0; off < c->len; off += n) {
		n = min(c->len - off, CHUNK);
		ret = interrupted(c, off) ?:
		      run_one(c, c->addr + off, c->buf + off, n, c->write);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

static int body_fill(struct access_cmd *c)
{
	unsigned long off, n;
	int ret;

	for (off = 0; off < c->len; off += n) {
		n = min(c->len - off, CHUNK);
		pattern_fill(c->scratch, c->seed, c->addr + off, n);
		ret = interrupted(c, off) ?:
		      run_one(c, c->addr + off, c->scratch, n, true);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

static int body_verify(struct access_cmd *c)
{
	unsigned long off, n, i;
	int ret;

	for (off = 0; off < c->len; off += n) {
		n = min(c->len - off, CHUNK);
		ret = interrupted(c, off) ?:
		      run_one(c, c->addr + off, c->scratch, n, false);
		if (ret)
			return ret;
		for (i = 0; i < n; i++)
			if (c->scratch[i] != vml_pattern_byte(c->seed, c->addr + off + i))
				c->res->mismatches++;
		cond_resched();
	}
	return 0;
}

/*
 * Strided accesses, TOUCH_PIECE touches each: the window touches a byte
 * per stride itself. A piece starts on a touch, so the touches are those
 * of one access over the whole range.
 */
static int body_touch(struct access_cmd *c)
{
	unsigned long off, n, piece = c->stride * TOUCH_PIECE;
	struct vml_access a = { .write = c->write, .stride = c->stride };
	int ret;

	if (piece / TOUCH_PIECE != c->stride)	/* overflow: one piece */
		piece = c->len;
	for (off = 0; off < c->len; off += n) {
		n = min(c->len - off, piece);
		a.addr = c->addr + off;
		a.len = n;
		ret = interrupted(c, off) ?: run_accesses(c, &a, 1);
		if (ret)
			return ret;
	}
	return 0;
}

/* The kthread side: hold the read lock around the whole command. */
static int access_thread(void *arg)
{
	struct access_cmd *c = arg;
	int ret;

	down_read(&c->mm->mmap_lock);
	ret = c->body(c);
	up_read(&c->mm->mmap_lock);
	if (!ret)
		c->res->done = c->len;
	return ret;
}

static int run_cmd(struct access_cmd *c)
{
	int ret;

	memset(c->res, 0, sizeof(*c->res));
	if (!c->len)
		return 0;
	if (c->addr >= c->mm->task_size || c->len > c->mm->task_size - c->addr) {
		c->res->fault_addr = max(c->addr, c->mm->task_size);
		c->res->code = VML_SEGV_MAPERR;
		return -EFAULT;
	}
	if (c->body == body_fill || c->body == body_verify) {
		c->scratch = kmalloc(CHUNK, GFP_KERNEL);
		if (!c->scratch)
			return -ENOMEM;
	}
	c->last_fault = -1ul;
	c->owner = current;
	ret = vml_run_in_kthread(access_thread, c);
	kfree(c->scratch);
	return ret;
}

int vml_access_rw(struct vml_mm *mm, unsigned long addr, void *buf,
		  unsigned long len, bool write, struct vml_access_result *res)
{
	struct access_cmd c = { .mm = mm, .res = res, .addr = addr, .len = len,
				.buf = buf, .write = write, .body = body_rw };

	return run_cmd(&c);
}

int vml_access_fill(struct vml_mm *mm, unsigned long addr, unsigned long len,
		    u64 seed, struct vml_access_result *res)
{
	struct access_cmd c = { .mm = mm, .res = res, .addr = addr, .len = len,
				.seed = seed, .body = body_fill };

	return run_cmd(&c);
}

int vml_access_verify(struct vml_mm *mm, unsigned long addr, unsigned long len,
		      u64 seed, struct vml_access_result *res)
{
	struct access_cmd c = { .mm = mm, .res = res, .addr = addr, .len = len,
				.seed = seed, .body = body_verify };

	return run_cmd(&c);
}

int vml_access_touch(struct vml_mm *mm, unsigned long addr, unsigned long len,
		     bool write, unsigned long stride, struct vml_access_result *res)
{
	struct access_cmd c = { .mm = mm, .res = res, .addr = addr, .len = len,
				.write = write, .stride = stride ?: PAGE_SIZE,
				.body = body_touch };

	return run_cmd(&c);
}
