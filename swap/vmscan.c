// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan.c - page reclaim: shrink_node() with scan priorities, the
 * anon/file balance, shrink_folio_list(), kswapd and direct reclaim
 * (Gorman ch. 10; 6.1 mm/vmscan.c).
 */

/**
 * DOC: reclaim
 *
 * Reclaim scans a node's LRU lists in rounds of falling priority, from
 * VML_DEF_PRIORITY (12) to 0: at priority p it looks at (list size >> p)
 * pages of each type, in batches of VML_SWAP_CLUSTER_MAX (32), until the
 * target is met. How the scan splits between anonymous and file pages is
 * get_scan_count()'s: without swap (no area with a free slot, or no
 * swap-out yet) only file pages; otherwise in the ratio swappiness :
 * (200 - swappiness), default 60. A batch is chosen by the replacement
 * policy (vml_lru_select_victims(): the two-list policy refills the
 * inactive list from the active tail first when it is low, as
 * shrink_list() calls shrink_active_list()), and each chosen page goes
 * through shrink_page_list():
 *
 *  - mlocked: back, onto the unevictable list (never reclaimed);
 *  - a file page: unmapped from every PTE through the reverse map
 *    (vml_try_to_unmap(), which moves the Dirty bits into the page); if
 *    a PTE stays (mapped again meanwhile), it is kept; a dirty page is written back
 *    (kernel_write(), synchronous, so the same pass frees it); a clean
 *    one leaves the page cache and is freed;
 *  - an anonymous page (or one in the swap cache): swapped out and freed
 *    by vml_swap_out_pages() (swap_out.c: swap cache, every PTE replaced
 *    by the swap entry through the reverse map, written, freed), up to
 *    VML_SWAP_OUT_BATCH (16) gathered pages at once, each step for the
 *    batch before the next as madvise's pageout does; kept if it cannot
 *    be (no slot, mapped again, pinned). The anonymous lists are scanned
 *    only while some area has a free slot;
 *  - a shared anonymous (shmem) page (on the anonymous lists, being
 *    swap-backed, as in 6.1): unmapped from every PTE (the PTEs become
 *    none: the object holds the data), then swapped out by
 *    vml_swap_out_page() as shmem_writepage() does: the object keeps the
 *    swap entry in the page's place.
 *
 * Page tables are never on an LRU list, so never reclaimed. After the
 * lists, the slab caches are reaped (vml_kmem_cache_reap(), 2.4's
 * kmem_cache_reap(); 6.1 calls the shrinkers here).
 *
 * kswapd: one kernel thread per node, woken by the allocator when a zone
 * falls below pages_low (buddy/'s wakeup_kswapd hook); it reclaims a
 * cluster at a time, lowering the priority when a pass frees less than a
 * cluster (balance_pgdat()), until every zone that woke it is above
 * pages_high, then sleeps. Direct
 * reclaim is the allocator's try_to_free_pages hook: an allocation that
 * may sleep and found every zone below pages_min reclaims
 * VML_SWAP_CLUSTER_MAX pages itself. Never from atomic context: the hook
 * returns at once with interrupts off (inside a CR3 window) or in atomic
 * context. When it frees nothing, the allocator calls the OOM killer
 * (oom.c).
 */
#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include "fault/fault.h"
#include "slab/slab.h"
#include "swap/swap-internal.h"
#include "swap/swap_trace.h"

#define VML_DEF_PRIORITY	12
#define VML_MAX_RECLAIM_RETRIES	16	/* memory.reclaim's */

/**
 * struct scan_control - one reclaim request (6.1's struct scan_control).
 * @nr_to_reclaim: pages wanted.
 * @nr_reclaimed: pages freed so far.
 * @nr_scanned: inactive pages looked at so far.
 * @priority: the current scan priority (size >> priority per type).
 * @kswapd: counted as kswapd's (pgscan_kswapd) or direct.
 * @may_writepage: dirty file pages may be written back.
 * @may_swap: anonymous pages may be swapped out.
 */
struct scan_control {
	unsigned long nr_to_reclaim, nr_reclaimed, nr_scanned;
	int priority;
	bool kswapd, may_writepage, may_swap;
};

static int swappiness = VML_SWAPPINESS_DEFAULT;

/* kswapd of each node (pgdat->kswapd, kswapd_wait, kswapd_order). */
struct kswapd {
	struct task_struct *task;
	wait_queue_head_t wait;
	unsigned long zones;	/* zone types that woke it since its last pass */
	unsigned int order;	/* the largest order asked for since then */
	int failures;
};

static struct kswapd kswapds[VML_MAX_NODES];
/* kswapd holds it for reading while it works; the checker for writing. */
static DECLARE_RWSEM(reclaim_pause);

int vml_set_swappiness(unsigned long val)
{
	if (val > VML_SWAPPINESS_MAX)
		return -ERANGE;
	WRITE_ONCE(swappiness, val);
	return 0;
}

int vml_swappiness(void)
{
	return READ_ONCE(swappiness);
}

/* Anonymous pages are worth scanning only if swap can take them. */
static bool can_swap(struct scan_control *sc)
{
	struct vml_swap_totals t;

	if (!sc->may_swap)
		return false;
	vml_swap_totals(&t);
	return t.inuse < t.pages;
}

static unsigned long list_size(struct vml_lruvec *lv, enum vml_lru_list lru)
{
	return READ_ONCE(lv->lists[lru].nr);
}

/* get_scan_count(): pages of each type (anon, file) to scan at @sc's priority. */
static void get_scan_count(struct vml_lruvec *lv, struct scan_control *sc,
			   unsigned long nr[2])
{
	unsigned long anon = list_size(lv, VML_LRU_INACTIVE_ANON) +
			     list_size(lv, VML_LRU_ACTIVE_ANON);
	unsigned long file = list_size(lv, VML_LRU_INACTIVE_FILE) +
			     list_size(lv, VML_LRU_ACTIVE_FILE);
	unsigned long ap = vml_swappiness(), fp = VML_SWAPPINESS_MAX - ap;

	if (!can_swap(sc) || !ap) {
		nr[0] = 0;
		nr[1] = file >> sc->priority;
		return;
	}
	/* SCAN_FRACT; at priority 0 every page is fair game (SCAN_EQUAL). */
	if (!sc->priority) {
		nr[0] = anon;
		nr[1] = file;
		return;
	}
	nr[0] = div64_u64((u64)(anon >> sc->priority) * ap, ap + fp);
	nr[1] = div64_u64((u64)(file >> sc->priority) * fp, ap + fp);
}

/* Back onto the lists: an mlocked page lands on the unevictable one. */
static void keep(struct vml_page *page)
{
	vml_lru_putback(page);
}

/* The page is out of every owner's hands: drop the isolation reference. */
static void free_isolated(struct vml_page *page)
{
	vml_page_clear(page, VML_PG_active);
	vml_page_clear(page, VML_PG_referenced);
	vml_page_clear(page, VML_PG_swapbacked);
	vml_put_page(page);
}

static int vma_locked_one(struct vml_vma *vma, unsigned long addr,
			  pte_t *ptep, void *arg)
{
	return !!(vma->vm_flags & VML_VM_LOCKED);
}

/*
 * A page another VMA still locks lost VML_PG_mlocked to one VMA's
 * munlock: lock it again and keep it, as try_to_unmap_one() calls
 * mlock_vma_folio() on meeting a VM_LOCKED VMA.
 */
static bool locked_by_a_vma(struct vml_page *page)
{
	if (vml_page_mapcount(page) <= 0 ||
	    vml_rmap_walk(page, vma_locked_one, NULL) >= 0)
		return false;
	vml_page_set(page, VML_PG_mlocked);
	return true;
}

/*
 * A swap-backed page: anonymous, shared anonymous (shmem: page cache
 * with no file, which only swap can back) or in the swap cache. Return:
 * true if it may go to vml_swap_out_pages() (swap_out.c), which makes
 * the final checks under the page's lock.
 */
static bool anon_page_may_go(struct vml_page *page, struct scan_control *sc)
{
	return sc->may_swap && !locked_by_a_vma(page);
}

/* A file page: unmap, write back if dirty, drop from the cache. */
static bool reclaim_file_page(struct vml_page *page, struct scan_control *sc)
{
	if (locked_by_a_vma(page))
		return false;
	if (vml_page_mapcount(page) > 0) {
		vml_try_to_unmap(page, __pte(0));
		if (vml_page_mapcount(page) > 0)
			return false;		/* mapped again meanwhile */
	}
	return vml_filemap_reclaim_page(page, sc->may_writepage) == 0;
}

/*
 * Swap out the gathered swap-backed pages together, as madvise's pageout
 * does: vml_swap_out_pages() takes each step for the whole batch, so
 * their slots and swap-cache entries come from one cluster and one
 * xarray node. A page it freed has lost our reference; the rest go back.
 */
static unsigned long swap_out_gathered(struct vml_page **pages, unsigned int nr)
{
	int res[VML_SWAP_OUT_BATCH];
	unsigned long freed;
	unsigned int i;

	if (!nr)
		return 0;
	freed = vml_swap_out_pages(pages, nr, res);
	for (i = 0; i < nr; i++)
		if (res[i])
			keep(pages[i]);
	return freed;
}

/* shrink_folio_list(): try to free each isolated page. Return: pages freed. */
static unsigned long shrink_page_list(struct vml_plist *list,
				      struct scan_control *sc)
{
	struct vml_page *anon[VML_SWAP_OUT_BATCH], *page;
	unsigned long freed = 0;
	unsigned int nr_anon = 0;

	while ((page = vml_plist_pop(list))) {
		if (vml_page_test(page, VML_PG_mlocked)) {
			keep(page);
		} else if (vml_page_test(page, VML_PG_swapbacked)) {
			if (!anon_page_may_go(page, sc)) {
				keep(page);
				continue;
			}
			anon[nr_anon++] = page;
			if (nr_anon == VML_SWAP_OUT_BATCH) {
				freed += swap_out_gathered(anon, nr_anon);
				nr_anon = 0;
			}
		} else if (reclaim_file_page(page, sc)) {
			free_isolated(page);
			freed++;
		} else {
			keep(page);
		}
	}
	return freed + swap_out_gathered(anon, nr_anon);
}

/* shrink_inactive_list(): @nr pages of one type, a cluster at a time. */
static void shrink_inactive(int nid, bool file, unsigned long nr,
			    struct scan_control *sc)
{
	unsigned long batch, taken, freed;
	struct vml_plist list;

	while (nr && sc->nr_reclaimed < sc->nr_to_reclaim) {
		batch = min_t(unsigned long, nr, VML_SWAP_CLUSTER_MAX);
		nr -= batch;
		vml_plist_init(&list);
		taken = vml_lru_select_victims(nid, file, batch, &list);
		if (!taken)
			break;
		sc->nr_scanned += taken;
		vml_count_events(sc->kswapd ? VML_PGSCAN_KSWAPD : VML_PGSCAN_DIRECT, taken);
		freed = shrink_page_list(&list, sc);
		vml_count_events(sc->kswapd ? VML_PGSTEAL_KSWAPD : VML_PGSTEAL_DIRECT, freed);
		trace_vmlab_shrink_inactive(nid, taken, freed, sc->priority, file);
		sc->nr_reclaimed += freed;
		cond_resched();
	}
}

/* shrink_node() at @sc->priority. Return: pages freed by this call. */
static unsigned long vml_shrink_node(int nid, struct scan_control *sc)
{
	struct vml_lruvec *lv = vml_lruvec(nid);
	unsigned long before = sc->nr_reclaimed, nr[2];

	if (!lv)
		return 0;
	get_scan_count(lv, sc, nr);
	/* Interleave the types a cluster at a time, as shrink_lruvec(). */
	while ((nr[0] || nr[1]) && sc->nr_reclaimed < sc->nr_to_reclaim) {
		unsigned long a = min_t(unsigned long, nr[0], VML_SWAP_CLUSTER_MAX);
		unsigned long f = min_t(unsigned long, nr[1], VML_SWAP_CLUSTER_MAX);

		nr[0] -= a;
		nr[1] -= f;
		if (f)
			shrink_inactive(nid, true, f, sc);
		if (a)
			shrink_inactive(nid, false, a, sc);
	}
	return sc->nr_reclaimed - before;
}

/* Reap the slab caches; without blocking on their mutex. */
static void vml_shrink_slab(struct scan_control *sc)
{
	unsigned long pages = vml_kmem_cache_reap(VML_GFP_NOWAIT);

	if (pages)
		vml_count_event(VML_SLABS_SCANNED);
	sc->nr_reclaimed += pages;
}

/*
 * do_try_to_free_pages(): every node of @nodes (a bit per node) at
 * falling priority until @sc's target is met or priority 0 is done.
 */
static void vml_do_try_to_free_pages(unsigned long nodes, struct scan_control *sc)
{
	int nid;

	vml_lru_add_drain_all();
	for (sc->priority = VML_DEF_PRIORITY; sc->priority >= 0; sc->priority--) {
		for (nid = 0; nid < vml_arena.nr_nodes; nid++)
			if (nodes & BIT(nid) && vml_shrink_node(nid, sc))
				WRITE_ONCE(kswapds[nid].failures, 0);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			return;
	}
	vml_shrink_slab(sc);
}

/*
 * May this context sleep and reclaim? The allocator already said
 * might_sleep() for VML___GFP_DIRECT_RECLAIM; this refuses the cases a
 * wrong flag would make fatal: inside a CR3 window (interrupts off) or in
 * an interrupt.
 */
bool vml_may_reclaim_here(void)
{
	return !irqs_disabled() && !in_interrupt();
}

/* buddy/'s try_to_free_pages hook: direct reclaim for a sleeping allocation. */
static unsigned long vml_try_to_free_pages(struct vml_zonelist *zl,
					   vml_gfp_t gfp, unsigned int order)
{
	struct scan_control sc = {
		.nr_to_reclaim = VML_SWAP_CLUSTER_MAX,
		.may_writepage = !!(gfp & VML___GFP_FS),
		.may_swap = !!(gfp & VML___GFP_IO),
	};
	unsigned long nodes = 0;
	struct vml_zone **z;

	/* One begin per allocstall, the refusals below included. */
	trace_vmlab_direct_reclaim_begin(order, (__force unsigned long)gfp);
	if ((gfp & VML___GFP_DIRECT_RECLAIM) && vml_may_reclaim_here()) {
		for (z = zl->zones; *z; z++)
			nodes |= BIT((*z)->node->id);
		vml_do_try_to_free_pages(nodes, &sc);
	}
	trace_vmlab_direct_reclaim_end(sc.nr_reclaimed);
	return sc.nr_reclaimed;
}

unsigned long vml_reclaim_pages(unsigned long nr)
{
	unsigned long reclaimed = 0;
	int retries = VML_MAX_RECLAIM_RETRIES;

	/* memory.reclaim: batches of the missing part, a bounded number of tries. */
	while (reclaimed < nr && retries--) {
		struct scan_control sc = {
			.nr_to_reclaim = max_t(unsigned long, nr - reclaimed,
					       VML_SWAP_CLUSTER_MAX),
			.may_writepage = true,
			.may_swap = true,
		};

		vml_do_try_to_free_pages(BIT(vml_arena.nr_nodes) - 1, &sc);
		reclaimed += sc.nr_reclaimed;
		if (signal_pending(current))
			break;
	}
	return reclaimed;
}

/* ---- kswapd ---- */

static bool zone_balanced(struct vml_zone *zone)
{
	return !zone->managed ||
	       vml_zone_watermark_ok(zone, 0, zone->pages_high, (__force vml_gfp_t)0);
}

/*
 * pgdat_balanced(): every zone that woke kswapd (@zones, a bit per zone
 * type) above pages_high. 6.1 asks the same of the zones the waking
 * allocation could use, with lowmem_reserve keeping a lower zone's
 * plenty from counting for a higher one; vmlab has no lowmem_reserve, so
 * it asks it of the zones that fell below pages_low themselves.
 */
static bool node_balanced(int nid, unsigned long zones)
{
	struct vml_node *node = vml_arena.nodes[nid];
	int i;

	for (i = 0; i < VML_NR_ZONES; i++)
		if ((zones & BIT(i)) && !zone_balanced(&node->zones[i]))
			return false;
	return true;
}

/*
 * balance_pgdat(): reclaim a cluster at a time; the priority falls when a
 * pass frees less than its cluster (6.1's raise_priority), so easy
 * reclaim stays gentle and a node that cannot be balanced ends the pass
 * after priority 0. The checker may pause kswapd between clusters.
 */
static void balance_node(int nid, unsigned long zones)
{
	int priority = VML_DEF_PRIORITY;
	struct kswapd *k = &kswapds[nid];

	while (priority >= 0 && !kthread_should_stop()) {
		struct scan_control sc = {
			.nr_to_reclaim = VML_SWAP_CLUSTER_MAX,
			.priority = priority,
			.kswapd = true,
			.may_writepage = true,
			.may_swap = true,
		};

		down_read(&reclaim_pause);
		if (node_balanced(nid, zones)) {
			up_read(&reclaim_pause);
			break;
		}
		vml_lru_add_drain_all();
		if (vml_shrink_node(nid, &sc) < sc.nr_to_reclaim)
			vml_shrink_slab(&sc);
		up_read(&reclaim_pause);
		if (sc.nr_reclaimed < sc.nr_to_reclaim)
			priority--;
		cond_resched();
	}
	/* pgdat->kswapd_failures: a node nothing can be freed from. */
	if (priority < 0)
		WRITE_ONCE(k->failures, k->failures + 1);
	else
		WRITE_ONCE(k->failures, 0);
}

static int vml_kswapd(void *arg)
{
	struct kswapd *k = arg;
	int nid = k - kswapds;

	unsigned long zones;
	unsigned int order;

	set_freezable();
	while (!kthread_should_stop()) {
		if (!READ_ONCE(k->zones))
			trace_vmlab_kswapd_sleep(nid);
		wait_event_freezable(k->wait, READ_ONCE(k->zones) ||
				     kthread_should_stop());
		if (kthread_should_stop())
			break;
		zones = xchg(&k->zones, 0);
		order = xchg(&k->order, 0);
		trace_vmlab_kswapd_wake(nid, fls_long(zones) - 1, order);
		balance_node(nid, zones);
	}
	return 0;
}

/* buddy/'s wakeup_kswapd hook; any context. */
static void vml_wakeup_kswapd(struct vml_zone *zone, unsigned int order)
{
	struct kswapd *k = &kswapds[zone->node->id];

	/* One per kswapd_wakeup, which the allocator counted. */
	trace_vmlab_wakeup_kswapd(zone->node->id, zone->type, order);
	/* After 16 fruitless passes only a freeing reclaim wakes it again. */
	if (!k->task || zone_balanced(zone) ||
	    READ_ONCE(k->failures) >= VML_MAX_RECLAIM_RETRIES)
		return;
	if (order > READ_ONCE(k->order))
		WRITE_ONCE(k->order, order);
	set_bit(zone->type, &k->zones);
	wake_up_interruptible(&k->wait);
}

void vml_reclaim_pause(void)
{
	vml_oom_reaper_flush();
	/* An mm whose last reference went async holds frames and no id. */
	vml_mm_flush_async_puts();
	down_write(&reclaim_pause);
}

void vml_reclaim_resume(void)
{
	up_write(&reclaim_pause);
}

/* The OOM reaper holds the pause's read side as kswapd does. */
void vml_reclaim_enter(void)
{
	down_read(&reclaim_pause);
}

void vml_reclaim_leave(void)
{
	up_read(&reclaim_pause);
}

static const struct vml_reclaim_hooks reclaim_hooks = {
	.wakeup_kswapd = vml_wakeup_kswapd,
	.try_to_free_pages = vml_try_to_free_pages,
	.out_of_memory = vml_out_of_memory,
	.lru_release = vml_lru_release,
};

/* kswapd_run() for every node, then the allocator's hooks. */
int vml_vmscan_init(void)
{
	struct task_struct *t;
	int nid;

	swappiness = VML_SWAPPINESS_DEFAULT;
	for (nid = 0; nid < vml_arena.nr_nodes; nid++) {
		init_waitqueue_head(&kswapds[nid].wait);
		kswapds[nid].zones = 0;
		kswapds[nid].order = 0;
		kswapds[nid].failures = 0;
		t = kthread_run(vml_kswapd, &kswapds[nid], "vmlab_kswapd%d", nid);
		if (IS_ERR(t)) {
			vml_vmscan_exit();
			return PTR_ERR(t);
		}
		kswapds[nid].task = t;
	}
	vml_set_reclaim_hooks(&reclaim_hooks);
	return 0;
}

/*
 * Stop every kswapd, then give the allocator its defaults back; the LRU
 * is emptied afterwards (lru.c), with no release hook left to call.
 */
void vml_vmscan_exit(void)
{
	int nid;

	for (nid = 0; nid < VML_MAX_NODES; nid++) {
		if (kswapds[nid].task)
			kthread_stop(kswapds[nid].task);
		kswapds[nid].task = NULL;
	}
	vml_set_reclaim_hooks(NULL);
}
