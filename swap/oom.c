// SPDX-License-Identifier: GPL-2.0
/*
 * oom.c - the OOM killer (Gorman ch. 13; 6.1 mm/oom_kill.c and
 * __alloc_pages_may_oom()): when a sleeping allocation's direct reclaim
 * freed nothing and no swap slot is free, choose the mm with the highest
 * badness, mark it, and let the reaper free its memory.
 */

/**
 * DOC: OOM killer
 *
 * The allocator calls the out_of_memory hook of struct vml_reclaim_hooks
 * when direct reclaim freed nothing (buddy/alloc.c). vml_out_of_memory()
 * then, as __alloc_pages_may_oom() and out_of_memory() do:
 *
 *  - returns false at once inside a CR3 window or an interrupt (as direct
 *    reclaim), for orders above 3 (PAGE_ALLOC_COSTLY_ORDER), for an
 *    allocation that may not enter the file system (no __GFP_FS) and for
 *    a DMA-only one (lowmem);
 *  - returns false while any swap area has a free slot: reclaim can still
 *    swap (2.4's "enough swap space left? not OOM");
 *  - takes oom_lock, so one OOM kill runs at a time; a waiter that finds
 *    a zone above pages_high afterwards was served by a parallel kill
 *    (6.1's last get_page_from_freelist() at the high watermark);
 *  - waits for a victim still being reaped instead of choosing another
 *    (6.1's abort of select_bad_process() on an OOM victim);
 *  - chooses the mm with the highest oom_badness(): resident pages + swap
 *    entries + page-table pages, plus oom_score_adj * (totalpages / 1000),
 *    totalpages being the arena's managed frames and every swap slot; an
 *    mm at -1000, the kernel mm, one being built (a fork child) and one
 *    already killed are never chosen; on a tie the newer id wins, as the
 *    later task in 6.1's walk;
 *  - marks it (VML_MMF_OOM_VICTIM: its faults now fail, ctl refuses it),
 *    counts oom_kill, traces vmlab_oom_kill, logs 6.1's line, and hands
 *    it to the reaper; then waits for the reap and returns true, so the
 *    allocation is tried again; with no mm to choose it logs "Out of
 *    memory and no killable processes..." and returns false (ENOMEM).
 *
 * swapoff is the OOM origin while it brings pages back (6.1's
 * set_current_oom_origin()): Linux would choose the swapoff task itself
 * and try_to_unuse() would stop on its signal; vmlab's swapoff has no mm
 * to kill, so the hook returns false for the task running it, the page
 * it wanted is not allocated and swapoff fails with ENOMEM, every mm
 * untouched. Without this, a swapoff of more than memory holds would
 * kill the very mm whose pages it brings back.
 *
 * The reaper is a delayed work item, never the allocating context: that
 * one may hold the victim's mmap_lock (a fault of the victim itself). As
 * 6.1's oom_reap_task() it only trylocks the lock; after 10 tries 100 ms
 * apart it lets the waiter go (the allocation fails) and goes on trying
 * every 100 ms: the victim's commands fail fast, so its lock comes free.
 * The reap unmaps every VMA as munmap does (pages, swap slots, page
 * tables) and sets VML_MMF_OOM_SKIP. The mm stays as a dead id until
 * mm_destroy, as a killed process stays a zombie until its parent waits:
 * its files read back empty, oom_score 0, and a ctl command on it answers
 * ESRCH "killed by the OOM killer".
 */
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "swap/swap-internal.h"
#include "swap/oom_trace.h"

#define VML_PAGE_ALLOC_COSTLY_ORDER	3
#define VML_MAX_OOM_REAP_RETRIES	10	/* 6.1's, 100 ms apart */
#define VML_OOM_REAP_WAIT		(30 * HZ) /* a reap that hangs */
#define K(pages)			((pages) << (PAGE_SHIFT - 10))

/* One OOM kill at a time (6.1's oom_lock). */
static DEFINE_MUTEX(oom_lock);
/* The task running swapoff (one at a time: swapon_mutex), or NULL. */
static struct task_struct *oom_origin;
/* The summary before a kill, as 6.1's oom_rs: the kill line is never limited. */
static DEFINE_RATELIMIT_STATE(oom_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

/*
 * The oom_reaper: one victim at a time, since no other is chosen while
 * one is pending. @victim holds a reference; @stalled says the reaper
 * could not take its mmap_lock in VML_MAX_OOM_REAP_RETRIES tries.
 */
static struct {
	spinlock_t lock;	/* @victim */
	struct vml_mm *victim;
	struct delayed_work work;
	wait_queue_head_t wait;
	int attempts;
	bool stalled;
} reaper;

/* totalram_pages() + total_swap_pages. */
unsigned long vml_oom_totalpages(void)
{
	struct vml_swap_totals t;
	unsigned long pages = 0;
	int nid, i;

	for (nid = 0; nid < vml_arena.nr_nodes; nid++)
		for (i = 0; i < VML_NR_ZONES; i++)
			pages += vml_arena.nodes[nid]->zones[i].managed;
	vml_swap_totals(&t);
	return pages + t.pages;
}

long vml_oom_badness(struct vml_mm *mm, unsigned long totalpages)
{
	long adj = READ_ONCE(mm->oom_score_adj);
	long points;

	if (mm->kernel || !READ_ONCE(mm->published) ||
	    adj == VML_OOM_SCORE_ADJ_MIN || vml_mm_oom_victim(mm))
		return LONG_MIN;
	points = vml_mm_rss(mm) + vml_mm_counter(mm, VML_MM_SWAPENTS) +
		 atomic_long_read(&mm->pgt.nr_tables);
	/* Normalise to oom_score_adj units: 6.1 divides first. */
	adj *= totalpages / 1000;
	return points + adj;
}

/* proc_oom_score(): badness scaled into 0..2000 (clamped). */
static unsigned long oom_score(struct vml_mm *mm)
{
	unsigned long totalpages = vml_oom_totalpages();
	long badness = vml_oom_badness(mm, totalpages);

	if (badness == LONG_MIN || !totalpages)
		return 0;
	return clamp((1000 + badness * 1000 / (long)totalpages) * 2 / 3, 0L, 2000L);
}

/* ---- the reaper ---- */

/* The pending victim with a reference, or NULL. */
static struct vml_mm *pending_victim(void)
{
	struct vml_mm *mm;

	spin_lock(&reaper.lock);
	mm = reaper.victim;
	if (mm)
		vml_mm_get(mm);
	spin_unlock(&reaper.lock);
	return mm;
}

/* Unmap the victim if its lock is free. Return: true when done. */
static bool reap(struct vml_mm *mm)
{
	int ret;

	vml_reclaim_enter();		/* the checker sees no half-reaped mm */
	ret = vml_mm_reap(mm);
	vml_reclaim_leave();
	if (ret == -EBUSY)
		return false;
	pr_info("vmlab: oom_reaper: reaped process %d (mm%d), now anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB\n",
		mm->id, mm->id, K(vml_mm_counter(mm, VML_MM_ANONPAGES)),
		K(vml_mm_counter(mm, VML_MM_FILEPAGES)),
		K(vml_mm_counter(mm, VML_MM_SHMEMPAGES)));
	set_bit(VML_MMF_OOM_SKIP, &mm->flags);
	spin_lock(&reaper.lock);
	reaper.victim = NULL;
	spin_unlock(&reaper.lock);
	wake_up_all(&reaper.wait);
	vml_mm_put(mm);			/* the reaper's reference */
	return true;
}

/* oom_reap_task(): trylock, and again 100 ms later. */
static void oom_reap_work(struct work_struct *work)
{
	struct vml_mm *mm = pending_victim();

	if (!mm)
		return;
	if (!reap(mm)) {
		if (++reaper.attempts == VML_MAX_OOM_REAP_RETRIES) {
			pr_info("vmlab: oom_reaper: unable to reap mm%d yet (mmap_lock held)\n",
				mm->id);
			WRITE_ONCE(reaper.stalled, true);
			wake_up_all(&reaper.wait);
		}
		queue_delayed_work(system_unbound_wq, &reaper.work, HZ / 10);
	}
	vml_mm_put(mm);
}

/*
 * The checker's pause: let a pending reap run to its end first. Until it
 * has, the victim may be half reaped outside the pause (the reaper's last
 * vml_mm_put() frees it), or, after its mm_destroy, alive with no id, so
 * that no layer claims its frames. With ctl held off no command holds the
 * victim's mmap_lock, so the first try normally succeeds.
 */
void vml_oom_reaper_flush(void)
{
	int i;

	for (i = 0; i < VML_MAX_OOM_REAP_RETRIES; i++) {
		flush_delayed_work(&reaper.work);
		if (!READ_ONCE(reaper.victim))
			return;
		msleep(20);
	}
}

/* Queue @mm (a reference is passed) for the reaper. */
static void queue_oom_reaper(struct vml_mm *mm)
{
	spin_lock(&reaper.lock);
	reaper.victim = mm;
	reaper.attempts = 0;
	WRITE_ONCE(reaper.stalled, false);
	spin_unlock(&reaper.lock);
	queue_delayed_work(system_unbound_wq, &reaper.work, 0);
}

/* Wait until @mm is reaped, or the reaper stalled. Return: reaped. */
static bool wait_for_reap(struct vml_mm *mm)
{
	wait_event_killable_timeout(reaper.wait,
				    test_bit(VML_MMF_OOM_SKIP, &mm->flags) ||
				    READ_ONCE(reaper.stalled),
				    VML_OOM_REAP_WAIT);
	return test_bit(VML_MMF_OOM_SKIP, &mm->flags);
}

/* ---- choosing and killing ---- */

/**
 * struct oom_control - one OOM kill (6.1's struct oom_control).
 * @totalpages: what badness is weighed against.
 * @chosen: the mm with the highest badness so far; no reference is taken
 *	while the walk runs (the walk holds one on the mm it visits), only
 *	by oom_pin() once the choice is made.
 * @chosen_id: its id: an mm freed and another allocated at the same
 *	address between the two walks is not the one chosen.
 * @chosen_points: its badness.
 * @pinned: oom_pin() took its reference.
 */
struct oom_control {
	unsigned long totalpages;
	struct vml_mm *chosen;
	int chosen_id;
	long chosen_points;
	bool pinned;
};

/* oom_evaluate_task(): ties go to the later mm, as in 6.1's walk. */
static int oom_evaluate(struct vml_mm *mm, void *arg)
{
	struct oom_control *oc = arg;
	long points = vml_oom_badness(mm, oc->totalpages);

	if (points == LONG_MIN || points < oc->chosen_points)
		return 0;
	oc->chosen = mm;
	oc->chosen_id = mm->id;
	oc->chosen_points = points;
	return 0;
}

/*
 * Pin the chosen mm while the walk holds it, if it still exists and is
 * still killable. No reference is dropped under oom_lock anywhere in the
 * killer: the last one tears the mm down under its mmap_lock, and an
 * allocation that holds an mmap_lock waits for oom_lock (lockdep found
 * the cycle through ctl `oom` racing `mm_destroy` and vmalloc).
 */
static int oom_pin(struct vml_mm *mm, void *arg)
{
	struct oom_control *oc = arg;

	if (oc->pinned || mm != oc->chosen || mm->id != oc->chosen_id ||
	    vml_oom_badness(mm, oc->totalpages) == LONG_MIN)
		return 0;
	vml_mm_get(mm);
	oc->pinned = true;
	return 0;
}

/* dump_tasks(): every mm the killer could see, in 6.1's columns. */
static int dump_one(struct vml_mm *mm, void *arg)
{
	if (mm->kernel || !READ_ONCE(mm->published) || vml_mm_oom_victim(mm))
		return 0;
	pr_info("[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5d mm%d\n",
		mm->id, 0, mm->id, READ_ONCE(mm->total_vm), vml_mm_rss(mm),
		atomic_long_read(&mm->pgt.nr_tables) * PAGE_SIZE,
		vml_mm_counter(mm, VML_MM_SWAPENTS),
		READ_ONCE(mm->oom_score_adj), mm->id);
	return 0;
}

/* dump_header(), without the stack (a "Call Trace" fails the tests). */
static void dump_header(vml_gfp_t gfp, int order)
{
	pr_warn("vmlab: %s invoked oom-killer: gfp_mask=%#x, order=%d, oom_score_adj=0\n",
		current->comm, (__force unsigned int)gfp, order);
	pr_info("vmlab: Tasks state (memory values in pages):\n");
	pr_info("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n");
	vml_walk_mms(dump_one, NULL);
}

/* oom_kill_process(): mark, count, trace, log, reap. */
static void oom_kill_mm(struct oom_control *oc, const char *message)
{
	struct vml_mm *mm = oc->chosen;

	set_bit(VML_MMF_OOM_VICTIM, &mm->flags);
	vml_count_event(VML_OOM_KILL);
	trace_vmlab_oom_kill(mm->id, oc->chosen_points, oc->totalpages,
			     vml_mm_rss(mm), vml_mm_counter(mm, VML_MM_SWAPENTS));
	pr_err("vmlab: %s: Killed process %d (mm%d) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%d\n",
	       message, mm->id, mm->id, K(READ_ONCE(mm->total_vm)),
	       K(vml_mm_counter(mm, VML_MM_ANONPAGES)),
	       K(vml_mm_counter(mm, VML_MM_FILEPAGES)),
	       K(vml_mm_counter(mm, VML_MM_SHMEMPAGES)), 0,
	       K(atomic_long_read(&mm->pgt.nr_tables)),
	       READ_ONCE(mm->oom_score_adj));
	vml_mm_get(mm);
	queue_oom_reaper(mm);
}

/*
 * select_bad_process() + oom_kill_process(), oom_lock held. A pending
 * victim is waited for first (6.1's abort of the selection); for an
 * allocation (!@sysrq) its reap is the progress, and no other is chosen.
 * @reaped: out: memory came back.
 * @drop: out: up to two mm references the caller drops after oom_lock.
 * Return: the killed mm's id, 0 when only a pending victim was waited
 * for, -EAGAIN when that one is not reaped yet (its lock is held),
 * -ESRCH when no mm can be chosen.
 */
static int oom_kill_one(vml_gfp_t gfp, int order, bool sysrq, bool *reaped,
			struct vml_mm **drop)
{
	struct oom_control oc = { .chosen_points = LONG_MIN };
	struct vml_mm *mm = pending_victim();
	int id;

	*reaped = false;
	if (mm) {
		*reaped = wait_for_reap(mm);
		drop[0] = mm;
		if (!*reaped)
			return -EAGAIN;
		if (!sysrq)
			return 0;
	}
	oc.totalpages = vml_oom_totalpages();
	if (__ratelimit(&oom_rs))
		dump_header(gfp, order);
	vml_walk_mms(oom_evaluate, &oc);
	if (oc.chosen)
		vml_walk_mms(oom_pin, &oc);
	if (!oc.pinned) {
		/* Each failing allocation comes here: limited, unlike 6.1's panic. */
		pr_warn_ratelimited("vmlab: Out of memory and no killable processes...\n");
		return -ESRCH;
	}
	oom_kill_mm(&oc, "Out of memory");
	*reaped = wait_for_reap(oc.chosen);
	id = oc.chosen->id;
	drop[1] = oc.chosen;
	return id;
}

/*
 * The references oom_kill_one() handed back, oom_lock released. An
 * allocation may hold another mm's mmap_lock, and the victim's last
 * reference tears it down under its own (ctl mm_destroy may have dropped
 * the id's meanwhile): that teardown goes to a work item, as 6.1's
 * mmput_async(). Lockdep found it: vmalloc (the kernel mm's lock held)
 * -> OOM -> mm_free() of a destroyed victim.
 */
static void oom_drop(struct vml_mm **drop)
{
	if (drop[0])
		vml_mm_put_async(drop[0]);
	if (drop[1])
		vml_mm_put_async(drop[1]);
}

/* Is a zone of @zl above pages_high (a parallel kill freed memory)? */
static bool zonelist_high_ok(struct vml_zonelist *zl, unsigned int order)
{
	struct vml_zone **z;

	for (z = zl->zones; *z; z++)
		if (vml_zone_watermark_ok(*z, order, (*z)->pages_high,
					  (__force vml_gfp_t)0))
			return true;
	return false;
}

void vml_oom_set_origin(bool on)
{
	WRITE_ONCE(oom_origin, on ? current : NULL);
}

/* buddy/'s out_of_memory hook (__alloc_pages_may_oom() + out_of_memory()). */
bool vml_out_of_memory(struct vml_zonelist *zl, vml_gfp_t gfp,
		       unsigned int order)
{
	struct vml_mm *drop[2] = { NULL, NULL };
	struct vml_swap_totals t;
	bool reaped;

	if (!vml_may_reclaim_here() || order > VML_PAGE_ALLOC_COSTLY_ORDER ||
	    !(gfp & VML___GFP_FS) || (gfp & VML___GFP_DMA))
		return false;
	vml_swap_totals(&t);
	if (t.inuse < t.pages)
		return false;		/* swap can still take pages */
	if (READ_ONCE(oom_origin) == current)
		return false;		/* swapoff fails instead (oom_task_origin()) */
	if (mutex_lock_killable(&oom_lock))
		return false;
	/* A parallel kill may have freed enough meanwhile. */
	reaped = zonelist_high_ok(zl, order);
	if (!reaped)
		oom_kill_one(gfp, order, false, &reaped, drop);
	mutex_unlock(&oom_lock);
	oom_drop(drop);
	return reaped;
}

int vml_oom_kill(void)
{
	struct vml_mm *drop[2] = { NULL, NULL };
	bool reaped;
	int ret;

	if (mutex_lock_killable(&oom_lock))
		return -EINTR;
	ret = oom_kill_one((__force vml_gfp_t)0, -1, true, &reaped, drop);
	mutex_unlock(&oom_lock);
	oom_drop(drop);
	return ret;
}

int vml_oom_set_score_adj(struct vml_mm *mm, long adj)
{
	if (adj < VML_OOM_SCORE_ADJ_MIN || adj > VML_OOM_SCORE_ADJ_MAX)
		return -EINVAL;
	if (mm->kernel)
		return -EPERM;
	WRITE_ONCE(mm->oom_score_adj, adj);
	return 0;
}

void vml_oom_init(void)
{
	spin_lock_init(&reaper.lock);
	reaper.victim = NULL;
	INIT_DELAYED_WORK(&reaper.work, oom_reap_work);
	init_waitqueue_head(&reaper.wait);
	vml_set_oom_score_fn(oom_score);
}

/* At unload nothing holds the victim's lock: reap it now. */
void vml_oom_exit(void)
{
	struct vml_mm *mm;

	vml_set_oom_score_fn(NULL);
	cancel_delayed_work_sync(&reaper.work);
	mm = pending_victim();
	if (mm) {
		if (!reap(mm)) {
			pr_err("vmlab: oom_reaper: mm%d still locked at exit\n", mm->id);
			spin_lock(&reaper.lock);
			reaper.victim = NULL;
			spin_unlock(&reaper.lock);
			vml_mm_put(mm);		/* the reaper's reference */
		}
		vml_mm_put(mm);
	}
	/* mms vml_mm_put_async() let go, while their slots can be freed */
	vml_mm_flush_async_puts();
}
