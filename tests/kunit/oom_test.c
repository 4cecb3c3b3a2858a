// SPDX-License-Identifier: GPL-2.0
/*
 * oom_test.c - KUnit suite for the OOM killer (swap/oom.c): badness
 * ordering (resident + swapped pages, page tables), oom_score_adj (-1000
 * never chosen, ENOMEM when only such mms are left, +1000 preferred),
 * the victim's frames and swap slots all returned, an allocation that
 * ran out of memory retried and served (after two kills if one freed too
 * little), a victim whose lock is held reaped once it is let go (its
 * faults failing meanwhile), the checker waiting for a pending reap, a
 * victim destroyed while an allocation waits for its reap, ctl's refusal
 * of a killed mm, and swapoff failing rather than killing.
 *
 * Each case runs on a fresh core with a 16 MiB arena and ends with the
 * invariant checker.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sizes.h>
#include "tests/kunit/fault_test.h"
#include "buddy/vmstat.h"
#include "ctl/ctl.h"
#include "swap/swap.h"

#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS)

static int oom_test_init(struct kunit *test)
{
	struct vml_config cfg;

	vml_default_config(&cfg, 16);
	return vmlab_core_start(&cfg);
}

/* An mm with @nr pages of anonymous memory written at BASE. */
static struct vml_mm *filled_mm(struct kunit *test, unsigned long nr, u64 seed)
{
	struct vml_mm *mm = new_mm(test);

	map(test, mm, BASE, nr * PAGE_SIZE, RW, ANON, NULL);
	fill(test, mm, BASE, nr * PAGE_SIZE, seed);
	return mm;
}

static long badness(struct vml_mm *mm)
{
	return vml_oom_badness(mm, vml_oom_totalpages());
}

static unsigned long tables(struct vml_mm *mm)
{
	return atomic_long_read(&mm->pgt.nr_tables);
}

static unsigned long swap_inuse(void)
{
	struct vml_swap_totals t;

	vml_swap_totals(&t);
	return t.inuse;
}

static void area_on(struct kunit *test, const char *spec)
{
	const char *why;

	KUNIT_ASSERT_GE_MSG(test, vml_swapon(spec, VML_SWAP_PRIO_DEFAULT, &why), 0,
			    "vml_swapon(%s)", spec);
}

static void area_off(struct kunit *test, const char *spec)
{
	const char *why = "";

	KUNIT_EXPECT_EQ_MSG(test, vml_swapoff(spec, &why), 0, "vml_swapoff: %s", why);
}

/* Killed and reaped: marked, nothing resident, no swap entry, no table. */
static void expect_reaped(struct kunit *test, struct vml_mm *mm)
{
	KUNIT_EXPECT_TRUE(test, vml_mm_oom_victim(mm));
	KUNIT_EXPECT_TRUE(test, test_bit(VML_MMF_OOM_SKIP, &mm->flags));
	KUNIT_EXPECT_EQ(test, vml_mm_rss(mm), 0ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SWAPENTS), 0ul);
	KUNIT_EXPECT_EQ(test, tables(mm), 0ul);
	KUNIT_EXPECT_EQ(test, mm->map_count, 0);
	KUNIT_EXPECT_EQ(test, badness(mm), LONG_MIN);
}

/*
 * The biggest rss + swap entries wins: B has fewer resident pages than A
 * but more in all once its swapped-out half counts; badness is exactly
 * rss + swapents + page tables at oom_score_adj 0.
 */
static void oom_test_rss_and_swap(struct kunit *test)
{
	unsigned long kills = vml_vm_event_sum(VML_OOM_KILL);
	struct vml_mm *a, *b;

	area_on(test, "ram:1M");
	a = filled_mm(test, 96, 1);
	b = filled_mm(test, 128, 2);
	KUNIT_ASSERT_EQ(test, vml_madvise(b, BASE, 64 * PAGE_SIZE, MADV_PAGEOUT), 0);
	KUNIT_ASSERT_EQ(test, vml_mm_counter(b, VML_MM_SWAPENTS), 64ul);
	KUNIT_EXPECT_EQ(test, vml_mm_rss(b), 64ul);
	KUNIT_EXPECT_EQ(test, badness(a), (long)(96 + tables(a)));
	KUNIT_EXPECT_EQ(test, badness(b), (long)(64 + 64 + tables(b)));
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), b->id);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_OOM_KILL) - kills, 1ul);
	expect_reaped(test, b);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	KUNIT_EXPECT_FALSE(test, vml_mm_oom_victim(a));
	KUNIT_EXPECT_EQ(test, mismatches(test, a, BASE, 96 * PAGE_SIZE, 1), 0ul);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(b), 0);
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(a), 0);
	area_off(test, "ram:1M");
}

/*
 * Page tables count: C and D have 16 resident pages each, C's one per
 * 2 MiB (a PTE table each), D's in one table. Were tables not counted
 * they would tie and D, the newer, would go.
 */
static void oom_test_page_tables(struct kunit *test)
{
	struct vml_mm *c = new_mm(test), *d;
	unsigned long i;

	map(test, c, BASE, 16 * SZ_2M, RW, ANON, NULL);
	for (i = 0; i < 16; i++)
		fill(test, c, BASE + i * SZ_2M, PAGE_SIZE, 3);
	d = filled_mm(test, 16, 4);
	KUNIT_ASSERT_EQ(test, vml_mm_rss(c), vml_mm_rss(d));
	KUNIT_EXPECT_EQ(test, tables(c) - tables(d), 15ul);
	KUNIT_EXPECT_EQ(test, badness(c) - badness(d), 15l);
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), c->id);
	expect_reaped(test, c);
	KUNIT_EXPECT_FALSE(test, vml_mm_oom_victim(d));
	vml_test_check(test);
	vml_mm_destroy(c);
	vml_mm_destroy(d);
}

/*
 * -1000 is never chosen, however big; with only such mms left the
 * killer has nothing to kill, and an allocation that runs out of memory
 * fails with ENOMEM instead (nothing killed, the mm intact).
 */
static void oom_test_adj_min(struct kunit *test)
{
	unsigned long kills, hook;
	struct vml_access_result res;
	struct vml_mm *a, *b;

	a = filled_mm(test, 256, 5);
	b = filled_mm(test, 16, 6);
	KUNIT_ASSERT_EQ(test, vml_oom_set_score_adj(a, VML_OOM_SCORE_ADJ_MIN), 0);
	KUNIT_EXPECT_EQ(test, badness(a), LONG_MIN);
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), b->id);
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), -ESRCH);
	KUNIT_EXPECT_FALSE(test, vml_mm_oom_victim(a));
	/* No swap: 24 MiB cannot fit in a 16 MiB arena. */
	kills = vml_vm_event_sum(VML_OOM_KILL);
	hook = vml_vm_event_sum(VML_OOM_HOOK);
	map(test, a, BASE + SZ_64M, SZ_16M + SZ_8M, RW, ANON, NULL);
	KUNIT_EXPECT_EQ(test, vml_access_fill(a, BASE + SZ_64M, SZ_16M + SZ_8M, 7, &res),
			-ENOMEM);
	KUNIT_EXPECT_GT(test, vml_vm_event_sum(VML_OOM_HOOK), hook);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_OOM_KILL), kills);
	KUNIT_EXPECT_FALSE(test, vml_mm_oom_victim(a));
	KUNIT_EXPECT_EQ(test, mismatches(test, a, BASE, 256 * PAGE_SIZE, 5), 0ul);
	vml_test_check(test);
	vml_mm_destroy(a);
	vml_mm_destroy(b);
}

/* +1000 outweighs any size: the one-page mm goes first. */
static void oom_test_adj_max(struct kunit *test)
{
	struct vml_mm *a = filled_mm(test, 256, 8), *b = filled_mm(test, 1, 9);

	KUNIT_ASSERT_EQ(test, vml_oom_set_score_adj(b, VML_OOM_SCORE_ADJ_MAX), 0);
	KUNIT_EXPECT_EQ(test, vml_oom_set_score_adj(b, VML_OOM_SCORE_ADJ_MAX + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_oom_set_score_adj(b, VML_OOM_SCORE_ADJ_MIN - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(b->oom_score_adj), VML_OOM_SCORE_ADJ_MAX);
	KUNIT_EXPECT_GT(test, badness(b), badness(a));
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), b->id);
	expect_reaped(test, b);
	vml_test_check(test);
	vml_mm_destroy(a);
	vml_mm_destroy(b);
}

/*
 * Every frame and swap slot of the victim comes back: the census after
 * the kill equals the census of the same mm before it mapped anything.
 */
static void oom_test_frames_returned(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	unsigned long empty;

	area_on(test, "ram:1M");
	empty = frames(test);
	map(test, mm, BASE, 512 * PAGE_SIZE, RW, ANON, NULL);
	fill(test, mm, BASE, 512 * PAGE_SIZE, 10);
	KUNIT_ASSERT_EQ(test, vml_madvise(mm, BASE, 128 * PAGE_SIZE, MADV_PAGEOUT), 0);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 128ul);
	KUNIT_EXPECT_GE(test, frames(test), empty + 384);
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), mm->id);
	expect_reaped(test, mm);
	KUNIT_EXPECT_EQ(test, frames(test), empty);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	vml_test_check(test);
	vml_mm_destroy(mm);
	area_off(test, "ram:1M");
}

/*
 * The allocator's path: B (at -1000) writes more than memory and swap
 * hold; its fault's allocation finds reclaim freeing nothing and swap
 * full, the killer takes A, and the retried allocation is served: B's
 * fill completes and reads back intact.
 */
#define B_LEN	(SZ_8M + SZ_4M + SZ_2M)	/* with A's 4 MiB: above arena + swap */

/*
 * B's fill, with @decoy: D, empty at +1000, is chosen first and its reap
 * frees nothing, so the same fault of B's goes round again and the next
 * kill (A) serves it, as 6.1 retries while the killer makes progress
 * (killing only once, B's fill failed).
 */
static void run_retry(struct kunit *test, bool decoy, u64 seed)
{
	unsigned long kills = vml_vm_event_sum(VML_OOM_KILL);
	struct vml_mm *a, *b, *d = NULL;

	area_on(test, "ram:1M");
	a = filled_mm(test, SZ_4M / PAGE_SIZE, seed);
	if (decoy) {
		d = new_mm(test);
		KUNIT_ASSERT_EQ(test, vml_oom_set_score_adj(d, VML_OOM_SCORE_ADJ_MAX), 0);
	}
	b = new_mm(test);
	KUNIT_ASSERT_EQ(test, vml_oom_set_score_adj(b, VML_OOM_SCORE_ADJ_MIN), 0);
	map(test, b, BASE, B_LEN, RW, ANON, NULL);
	fill(test, b, BASE, B_LEN, seed + 1);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_OOM_KILL) - kills, decoy ? 2ul : 1ul);
	if (d)
		expect_reaped(test, d);
	expect_reaped(test, a);
	KUNIT_EXPECT_EQ(test, mismatches(test, b, BASE, B_LEN, seed + 1), 0ul);
	vml_test_check(test);
	vml_mm_destroy(a);
	vml_mm_destroy(b);
	if (d)
		vml_mm_destroy(d);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	area_off(test, "ram:1M");
}

static void oom_test_retry(struct kunit *test)
{
	run_retry(test, false, 11);
}

/* One allocation waits for as many kills as it needs. */
static void oom_test_retry_rounds(struct kunit *test)
{
	run_retry(test, true, 15);
}

/* A reader of an mm's mmap_lock in a thread of its own (a busy command). */
struct reader {
	struct vml_mm *mm;
	struct completion held, release, done;
};

static int reader_fn(void *arg)
{
	struct reader *rd = arg;

	down_read(&rd->mm->mmap_lock);
	complete(&rd->held);
	wait_for_completion(&rd->release);
	up_read(&rd->mm->mmap_lock);
	complete(&rd->done);
	return 0;
}

/* Hold @rd->mm's mmap_lock in a reader, then kill it: the reap waits. */
static void kill_locked(struct kunit *test, struct reader *rd)
{
	struct task_struct *t;

	init_completion(&rd->held);
	init_completion(&rd->release);
	init_completion(&rd->done);
	t = kthread_run(reader_fn, rd, "vmlab_oom_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&rd->held);
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), rd->mm->id);
	KUNIT_EXPECT_FALSE(test, test_bit(VML_MMF_OOM_SKIP, &rd->mm->flags));
}

/*
 * A victim whose mmap_lock is held (as by a command of its own): the
 * reaper cannot start, the killer lets its caller go after the reaper's
 * tries, a second kill is refused, the victim's faults fail (SIGBUS),
 * and the reap happens once the lock is let go.
 */
static void oom_test_locked_victim(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	struct reader rd = { .mm = mm };
	struct vml_access_result res;
	int i;

	map(test, mm, BASE, 128 * PAGE_SIZE, RW, ANON, NULL);
	fill(test, mm, BASE, 64 * PAGE_SIZE, 13);
	kill_locked(test, &rd);
	KUNIT_EXPECT_TRUE(test, vml_mm_oom_victim(mm));
	KUNIT_EXPECT_EQ(test, vml_mm_rss(mm), 64ul);
	/* No other victim while this one is pending. */
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), -EAGAIN);
	/* A fault in the victim fails (check_stable_address_space()). */
	KUNIT_EXPECT_EQ(test, vml_access_touch(mm, BASE + 100 * PAGE_SIZE, PAGE_SIZE,
					       true, PAGE_SIZE, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SIGBUS);
	KUNIT_EXPECT_EQ(test, vml_mm_rss(mm), 64ul);
	complete(&rd.release);
	wait_for_completion(&rd.done);
	for (i = 0; i < 100 && !test_bit(VML_MMF_OOM_SKIP, &mm->flags); i++)
		msleep(50);
	expect_reaped(test, mm);
	vml_test_check(test);
	vml_mm_destroy(mm);
}

/*
 * The checker waits for a pending reap. A victim destroyed while the
 * reaper still waits for its lock is alive with no id, held only by the
 * reaper; a check run as soon as the lock is let go (before the reaper's
 * next try, 100 ms later) must find it reaped and freed, not frames that
 * nothing claims (the fuzzer's batches, ending with a check after kills
 * and destroys from other workers, can meet this).
 */
static void oom_test_check_waits_for_reap(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	struct reader rd = { .mm = mm };
	unsigned long empty;

	empty = frames(test);
	map(test, mm, BASE, 64 * PAGE_SIZE, RW, ANON, NULL);
	fill(test, mm, BASE, 64 * PAGE_SIZE, 14);
	kill_locked(test, &rd);
	/* Its id goes; the reaper's reference keeps it (do not touch it now). */
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(mm), 0);
	complete(&rd.release);
	wait_for_completion(&rd.done);
	vml_test_check(test);
	KUNIT_EXPECT_LE(test, frames(test), empty);
}

/* B's fill in a thread of its own: its allocation waits in the killer. */
struct filler {
	struct vml_mm *mm;
	int ret;
	struct completion done;
};

static int filler_fn(void *arg)
{
	struct filler *f = arg;
	struct vml_access_result res;

	f->ret = vml_access_fill(f->mm, BASE, B_LEN, 16, &res);
	complete(&f->done);
	return 0;
}

/*
 * A victim destroyed while an allocation waits for its reap: the
 * allocation (a fault of B's, B's mmap_lock held) may hold the last
 * reference when the wait ends, and the victim's teardown takes the
 * victim's mmap_lock. It must run in a work item (vml_mm_put_async()),
 * not under B's lock: lockdep reported that nesting when the fuzzer
 * destroyed a victim of a vmalloc's OOM kill. The test kernel's lockdep
 * fails the run if it comes back; B's fill must complete intact and
 * every frame of A come back.
 */
static void oom_test_victim_destroyed_in_wait(struct kunit *test)
{
	unsigned long kills = vml_vm_event_sum(VML_OOM_KILL);
	struct filler f = { };
	struct reader rd = { };
	struct task_struct *t;
	struct vml_mm *a, *b;
	int i;

	area_on(test, "ram:1M");
	a = filled_mm(test, SZ_4M / PAGE_SIZE, 16);
	b = new_mm(test);
	KUNIT_ASSERT_EQ(test, vml_oom_set_score_adj(b, VML_OOM_SCORE_ADJ_MIN), 0);
	map(test, b, BASE, B_LEN, RW, ANON, NULL);
	rd.mm = a;
	init_completion(&rd.held);
	init_completion(&rd.release);
	init_completion(&rd.done);
	t = kthread_run(reader_fn, &rd, "vmlab_oom_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&rd.held);
	f.mm = b;
	init_completion(&f.done);
	t = kthread_run(filler_fn, &f, "vmlab_oom_filler");
	if (IS_ERR(t)) {
		complete(&rd.release);
		wait_for_completion(&rd.done);
		KUNIT_FAIL(test, "no filler thread");
		return;
	}
	/* Until B's allocation has killed A (the reaper then waits for A's lock). */
	for (i = 0; i < 250 && !vml_mm_oom_victim(a); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, vml_mm_oom_victim(a));
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(a), 0);	/* its id's reference */
	complete(&rd.release);
	wait_for_completion(&rd.done);
	wait_for_completion(&f.done);
	KUNIT_EXPECT_EQ(test, f.ret, 0);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_OOM_KILL) - kills, 1ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, b, BASE, B_LEN, 16), 0ul);
	vml_test_check(test);
	vml_mm_destroy(b);
	KUNIT_EXPECT_EQ(test, swap_inuse(), 0ul);
	area_off(test, "ram:1M");
}

/* ctl refuses a killed mm with a clear error; mm_destroy still takes it. */
static void oom_test_killed_ctl(struct kunit *test)
{
	struct vml_mm *mm = filled_mm(test, 16, 14);
	struct vml_reply r = { .buf = kunit_kzalloc(test, VML_REPLY_SIZE, GFP_KERNEL) };
	struct vml_access_result res;
	char id[16];

	KUNIT_ASSERT_NOT_NULL(test, r.buf);
	snprintf(id, sizeof(id), "%d", mm->id);
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), mm->id);
	KUNIT_EXPECT_NULL(test, vml_ctl_get_mm(&r, id));
	KUNIT_EXPECT_EQ(test, r.err, -ESRCH);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r.buf, "killed by the OOM killer"));
	/* The API on the dead id: nothing mapped, nothing to fault. */
	KUNIT_EXPECT_EQ(test, vml_access_touch(mm, BASE, PAGE_SIZE, false, PAGE_SIZE, &res),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, mm->total_vm, 0ul);
	KUNIT_EXPECT_EQ(test, vml_oom_kill(), -ESRCH);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(mm), 0);
}

/*
 * swapoff is the OOM origin: bringing 20 MiB back into a 16 MiB arena
 * fails with ENOMEM and kills nobody (6.1 would pick the swapoff task
 * itself, which vmlab has not); the mm stays whole, the area stays on.
 */
static void oom_test_swapoff_origin(struct kunit *test)
{
	unsigned long kills = vml_vm_event_sum(VML_OOM_KILL);
	const char *why = "";
	struct vml_mm *mm;

	area_on(test, "ram:16M");
	mm = filled_mm(test, SZ_16M / PAGE_SIZE + SZ_4M / PAGE_SIZE, 15);
	KUNIT_ASSERT_GT(test, swap_inuse(), 0ul);
	KUNIT_EXPECT_EQ(test, vml_swapoff("ram:16M", &why), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_OOM_KILL) - kills, 0ul);
	KUNIT_EXPECT_FALSE(test, vml_mm_oom_victim(mm));
	KUNIT_EXPECT_GT(test, swap_inuse(), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, SZ_16M + SZ_4M, 15), 0ul);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, vml_mm_destroy(mm), 0);
	area_off(test, "ram:16M");
}

static struct kunit_case oom_test_cases[] = {
	KUNIT_CASE(oom_test_rss_and_swap),
	KUNIT_CASE(oom_test_page_tables),
	KUNIT_CASE(oom_test_adj_min),
	KUNIT_CASE(oom_test_adj_max),
	KUNIT_CASE(oom_test_frames_returned),
	KUNIT_CASE(oom_test_retry),
	KUNIT_CASE(oom_test_retry_rounds),
	KUNIT_CASE(oom_test_locked_victim),
	KUNIT_CASE(oom_test_check_waits_for_reap),
	KUNIT_CASE(oom_test_victim_destroyed_in_wait),
	KUNIT_CASE(oom_test_killed_ctl),
	KUNIT_CASE(oom_test_swapoff_origin),
	{}
};

static struct kunit_suite oom_test_suite = {
	.name = "vmlab_oom",
	.init = oom_test_init,
	.exit = fault_test_exit,
	.test_cases = oom_test_cases,
};

kunit_test_suite(oom_test_suite);
