// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - exercise a private tree through the real MMU: reads and
 * writes through the CR3 window, Accessed/Dirty set by the hardware, a
 * write to a read-only page and accesses to unmapped pages coming back as
 * faults, supervisor-only leaves, SMAP/SMEP unchanged afterwards, a TLB
 * shootdown racing another CPU's write windows, every table freed. The
 * ctl command mmu_selftest runs it, so the window can be load-tested on
 * any kernel, KUnit or not: it stays in the shipped module because the
 * stock kernel vmlab is meant for (Debian's, without KUnit) is where the
 * window must be shown to work. The shootdown racer is shared with the
 * KUnit suite (vml_shootdown_race()).
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/special_insns.h>
#include "mmu/mmu-internal.h"
#include "buddy/vmstat.h"

enum { ST_RW, ST_RO, ST_SUP, ST_NR };

struct selftest {
	struct vml_mmu_selftest *res;
	struct vml_pgtable pt;
	struct vml_page *frame[ST_NR];
	unsigned long addr[ST_NR];
	u8 buf[64];
};

/* Count a check; remember the first that failed. Return: 0 or -EIO. */
static int check(struct selftest *st, bool cond, const char *what)
{
	st->res->checks++;
	if (cond)
		return 0;
	if (!st->res->failed)
		st->res->failed = what;
	return -EIO;
}

/* One access through the window. Return: it completed. */
static bool st_access(struct selftest *st, unsigned long addr, bool write,
		      unsigned long len)
{
	struct vml_access acc = {
		.addr = addr, .len = len, .buf = st->buf, .write = write,
	};
	bool ok = vml_window_run(&st->pt, &acc, 1) == 1;

	st->res->windows++;
	if (!ok)
		st->res->faults++;
	return ok;
}

static int st_map(struct selftest *st)
{
	static const bool write[ST_NR] = { true, false, true };
	static const bool user[ST_NR] = { true, true, false };
	unsigned long top = vml_user_va_end() - 2 * PAGE_SIZE;
	pte_t *ptep;
	int i;

	st->addr[ST_RW] = 0x400000;
	st->addr[ST_RO] = 0x401000;
	st->addr[ST_SUP] = top & PAGE_MASK;	/* a different top-level slot */
	for (i = 0; i < ST_NR; i++) {
		st->frame[i] = vml_alloc_pages(VML_GFP_KERNEL, 0);
		if (!st->frame[i])
			return -ENOMEM;
		memset(vml_page_address(st->frame[i]), 0x5a + i, PAGE_SIZE);
		ptep = vml_pte_alloc(&st->pt, st->addr[i], VML_GFP_KERNEL);
		if (!ptep)
			return -ENOMEM;
		spin_lock(&st->pt.lock);
		vml_set_pte(&st->pt, st->addr[i], ptep,
			    vml_mk_pte(st->frame[i], vml_pgprot(write[i], false, user[i])));
		spin_unlock(&st->pt.lock);
	}
	return 0;
}

static pte_t st_pte(struct selftest *st, int i)
{
	return *vml_pte_lookup(&st->pt, st->addr[i]);
}

/* A read of the read-write page sets Accessed, not Dirty. */
static int st_read(struct selftest *st)
{
	unsigned long a = st->addr[ST_RW];

	/* ?: runs the checks in order and stops at the first failure. */
	return check(st, !(st->pt.pgd_phys & PAGE_SIZE), "pgd 8k aligned") ?:
	       check(st, !pte_young(st_pte(st, ST_RW)), "fresh pte not young") ?:
	       check(st, st_access(st, a + 100, false, 32), "read rw page") ?:
	       check(st, st->buf[0] == 0x5a && st->buf[31] == 0x5a, "read data") ?:
	       check(st, pte_young(st_pte(st, ST_RW)), "mmu set accessed on read") ?:
	       check(st, !pte_dirty(st_pte(st, ST_RW)), "read left dirty clear");
}

/* A write lands in the frame and sets Dirty. */
static int st_write(struct selftest *st)
{
	u8 *mem = vml_page_address(st->frame[ST_RW]);

	memset(st->buf, 0xc3, 16);
	return check(st, st_access(st, st->addr[ST_RW] + 200, true, 16),
		     "write rw page") ?:
	       check(st, mem[200] == 0xc3 && mem[215] == 0xc3 && mem[216] == 0x5a,
		     "write data landed in the frame") ?:
	       check(st, pte_dirty(st_pte(st, ST_RW)), "mmu set dirty on write");
}

/* Faults: read-only, not present, no table at all; supervisor-only page. */
static int st_faults(struct selftest *st)
{
	u8 *ro = vml_page_address(st->frame[ST_RO]);
	unsigned long a = st->addr[ST_RO], sup = st->addr[ST_SUP];

	return check(st, st_access(st, a, false, 8), "read ro page") ?:
	       check(st, !st_access(st, a, true, 8), "write ro page faults") ?:
	       check(st, ro[0] == 0x5b, "ro page unchanged") ?:
	       check(st, !pte_dirty(st_pte(st, ST_RO)), "faulting write left dirty clear") ?:
	       check(st, !st_access(st, a + PAGE_SIZE, false, 8), "non-present pte faults") ?:
	       check(st, !st_access(st, 0x40000000, false, 8), "missing table faults") ?:
	       check(st, st_access(st, sup, false, 8) && st->buf[0] == 0x5c,
		     "read supervisor page") ?:
	       check(st, st_access(st, sup, true, 8), "write supervisor page");
}

static void st_teardown(struct selftest *st)
{
	pte_t *ptep;
	int i;

	for (i = 0; i < ST_NR; i++) {
		ptep = st->frame[i] ? vml_pte_lookup(&st->pt, st->addr[i]) : NULL;
		if (ptep) {
			spin_lock(&st->pt.lock);
			vml_ptep_get_and_clear(&st->pt, st->addr[i], ptep);
			spin_unlock(&st->pt.lock);
		}
		if (st->frame[i])
			vml_free_pages(st->frame[i], 0);
	}
	vml_free_pgtables(&st->pt, 0, vml_user_va_end());
	st->res->tables_left = atomic_long_read(&st->pt.nr_tables);
	vml_pgtable_destroy(&st->pt);
}

/* Many short windows in a row, alternating user and supervisor pages. */
static int st_load(struct selftest *st)
{
	unsigned long cr4 = native_read_cr4() & (X86_CR4_SMAP | X86_CR4_SMEP);
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < st->res->iterations; i++) {
		ret = check(st, st_access(st, st->addr[i % 2 ? ST_RW : ST_SUP],
					  false, sizeof(st->buf)), "load loop read");
		if (!(i % 64))
			cond_resched();
	}
	return ret ?: check(st, (native_read_cr4() & (X86_CR4_SMAP | X86_CR4_SMEP)) == cr4,
			    "smap/smep unchanged");
}

/* Another CPU writing one page in long batches of windows. */
struct racer {
	struct vml_pgtable *pt;
	unsigned long addr;
	atomic_t stop;
	unsigned long windows;
	struct completion done;
	struct vml_access acc[256];
	u32 val[256];
};

static int racer_fn(void *arg)
{
	struct racer *r = arg;
	unsigned int i;

	while (!atomic_read(&r->stop)) {
		for (i = 0; i < ARRAY_SIZE(r->acc); i++) {
			r->val[i] = r->windows * 256 + i + 1;
			r->acc[i] = (struct vml_access){ .addr = r->addr, .len = 4,
							 .buf = &r->val[i], .write = true };
		}
		vml_window_run(r->pt, r->acc, ARRAY_SIZE(r->acc));
		r->windows++;
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

/* Unmap the page under the racer: once that returns, no write may land. */
static bool unmap_quiet(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
			struct vml_page *frame, pgprot_t prot)
{
	u32 *mem = vml_page_address(frame), snap;
	bool quiet;

	spin_lock(&pt->lock);
	vml_ptep_get_and_clear(pt, addr, ptep);
	spin_unlock(&pt->lock);
	snap = READ_ONCE(*mem);
	usleep_range(500, 1000);
	quiet = READ_ONCE(*mem) == snap;
	spin_lock(&pt->lock);
	vml_set_pte(pt, addr, ptep, vml_mk_pte(frame, prot));
	spin_unlock(&pt->lock);
	return quiet;
}

int vml_shootdown_race(struct vml_pgtable *pt, unsigned long addr,
		       struct vml_page *frame, pgprot_t prot, int rounds,
		       unsigned long *windows)
{
	pte_t *ptep = vml_pte_lookup(pt, addr);
	struct task_struct *t;
	struct racer *r;
	int stale = 0;

	if (!ptep)
		return -EINVAL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->pt = pt;
	r->addr = addr;
	init_completion(&r->done);
	t = kthread_create(racer_fn, r, "vmlab_racer");
	if (IS_ERR(t)) {
		kfree(r);
		return PTR_ERR(t);
	}
	kthread_bind(t, cpumask_any_but(cpu_online_mask, raw_smp_processor_id()));
	wake_up_process(t);
	while (rounds--) {
		usleep_range(1000, 2000);
		stale += !unmap_quiet(pt, addr, ptep, frame, prot);
	}
	atomic_set(&r->stop, 1);
	wait_for_completion(&r->done);
	*windows = r->windows;
	kfree(r);
	return stale;
}

static int st_shootdown(struct selftest *st)
{
	unsigned long ipis = vml_vm_event_sum(VML_NR_TLB_REMOTE_FLUSH);
	int stale;

	if (num_online_cpus() < 2)
		return 0;
	stale = vml_shootdown_race(&st->pt, st->addr[ST_RW], st->frame[ST_RW],
				   vml_pgprot(true, false, true), 20,
				   &st->res->racer_windows);
	if (stale < 0)
		return stale;
	st->res->shootdowns = vml_vm_event_sum(VML_NR_TLB_REMOTE_FLUSH) - ipis;
	return check(st, !stale, "old frame quiet once the shootdown returned") ?:
	       check(st, cpumask_empty(&st->pt.cpus), "no cpu left in a window");
}

static int st_run(void *arg)
{
	struct selftest *st = arg;
	int ret;

	ret = vml_pgtable_init(&st->pt);
	if (ret)
		return ret;
	ret = st_map(st);
	if (!ret)
		ret = st_read(st) ?: st_write(st);
	if (!ret)
		ret = st_faults(st);
	if (!ret)
		ret = st_load(st);
	if (!ret)
		ret = st_shootdown(st);
	st_teardown(st);
	if (!ret && st->res->tables_left)
		ret = -EIO;
	return ret;
}

int vml_mmu_selftest(struct vml_mmu_selftest *res)
{
	struct selftest *st;
	int ret;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->res = res;
	ret = vml_run_in_kthread(st_run, st);
	if (ret == -EIO && !res->failed)
		res->failed = "tables left after free_pgtables";
	kfree(st);
	return ret;
}
