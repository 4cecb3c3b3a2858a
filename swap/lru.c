// SPDX-License-Identifier: GPL-2.0
/*
 * lru.c - the LRU lists, the per-CPU add batches and the policy switch
 * (mm/swap.c lru_cache_add(), lru_add_drain(), folio_mark_accessed();
 * mm/vmscan.c isolate_lru_folios(), putback_lru_page()).
 */

/**
 * DOC: LRU lists
 *
 * Each node has one set of lists (a struct vml_lruvec): inactive and
 * active for anonymous pages, the same for file pages, and unevictable.
 * This is 6.1's layout. 2.4 had one active and one inactive list for the
 * whole machine and 2.6 one set per zone; 6.1 moved them to the node
 * (v4.8, "mm, vmscan: move LRU lists to node") because per-zone lists aged
 * pages of one workload at different speeds depending on the zone they
 * happened to land in, and kswapd reclaims per node anyway. Splitting
 * anonymous from file pages (2.6.28) lets reclaim balance the two
 * (swappiness) and scan file pages without touching anonymous ones when
 * there is no swap.
 *
 * Pages reach the lists in batches: vml_lru_cache_add() puts a page, with a
 * reference, into this CPU's batch of VML_PAGEVEC_SIZE, and a full batch
 * is moved onto the lists under one lru_lock acquisition, as 6.1's
 * lru_add pagevec. Which list a page lands on, and how pages move between
 * the evictable lists, belongs to the replacement policy (struct
 * vml_lru_policy); this file owns the unevictable list (a page with
 * VML_PG_mlocked goes there and no policy ever sees it), list membership
 * (VML_PG_lru) and the references of isolated pages.
 *
 * Locking: a batch's spinlock (so vml_lru_add_drain_all() can drain other
 * CPUs' batches without interrupting them) nests outside lru_lock. Both
 * are taken with interrupts off: 6.1 rotates pages from I/O completion.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
#include "fault/fault.h"
#include "swap/swap-internal.h"
#include "swap/swap_trace.h"

struct lru_batch {
	spinlock_t lock;	/* nr, pages */
	unsigned int nr;
	struct vml_page *pages[VML_PAGEVEC_SIZE];
};

static struct vml_lruvec *lruvecs[VML_MAX_NODES];
static struct lru_batch __percpu *batches;
static const struct vml_lru_policy *lru_policy = &vml_lru_policy_2list;
static vml_referenced_fn referenced_fn;

static const struct vml_lru_policy * const policies[] = {
	&vml_lru_policy_2list,
	&vml_lru_policy_clock,
};

struct vml_lruvec *vml_lruvec(int nid)
{
	return nid >= 0 && nid < VML_MAX_NODES ? lruvecs[nid] : NULL;
}

static struct vml_lruvec *page_lruvec(const struct vml_page *page)
{
	return lruvecs[vml_page_nid(page)];
}

/* A page enters the lists; lru_lock held. */
static void lru_add(struct vml_lruvec *lv, struct vml_page *page)
{
	if (WARN_ON_ONCE(vml_page_test(page, VML_PG_lru)))
		return;
	if (vml_page_test(page, VML_PG_mlocked)) {
		vml_page_clear(page, VML_PG_active);
		vml_page_set(page, VML_PG_unevictable);
		vml_lru_link(lv, page);
	} else {
		READ_ONCE(lru_policy)->add(lv, page);
	}
	vml_page_set(page, VML_PG_lru);
}

/* Move a batch onto the lists and drop its references; batch lock held. */
static void batch_drain(struct lru_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++) {
		struct vml_page *page = b->pages[i];
		struct vml_lruvec *lv = page_lruvec(page);

		spin_lock(&lv->lock);
		lru_add(lv, page);
		spin_unlock(&lv->lock);
		vml_put_page(page);
	}
	b->nr = 0;
}

void vml_lru_cache_add(struct vml_page *page)
{
	struct lru_batch *b;
	unsigned long flags;

	if (WARN_ON_ONCE(vml_page_test(page, VML_PG_lru)))
		return;
	/*
	 * The list type is fixed now: VML_PG_anon ends with the last unmap,
	 * while the page may still be on a list (6.1 files a folio by
	 * PG_swapbacked, which stays until the free, for the same reason).
	 */
	if (vml_page_test(page, VML_PG_anon))
		vml_page_set(page, VML_PG_swapbacked);
	vml_get_page(page);
	b = get_cpu_ptr(batches);
	spin_lock_irqsave(&b->lock, flags);
	b->pages[b->nr++] = page;
	if (b->nr == VML_PAGEVEC_SIZE)
		batch_drain(b);
	spin_unlock_irqrestore(&b->lock, flags);
	put_cpu_ptr(batches);
}

static void drain_cpu(int cpu)
{
	struct lru_batch *b = per_cpu_ptr(batches, cpu);
	unsigned long flags;

	spin_lock_irqsave(&b->lock, flags);
	batch_drain(b);
	spin_unlock_irqrestore(&b->lock, flags);
}

void vml_lru_add_drain(void)
{
	drain_cpu(get_cpu());
	put_cpu();
}

void vml_lru_add_drain_all(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		drain_cpu(cpu);
}

void vml_mark_page_accessed(struct vml_page *page)
{
	struct vml_lruvec *lv = page_lruvec(page);
	unsigned long flags;

	spin_lock_irqsave(&lv->lock, flags);
	if (!vml_page_test(page, VML_PG_unevictable))
		READ_ONCE(lru_policy)->access(lv, page);
	spin_unlock_irqrestore(&lv->lock, flags);
}

/* Unlink @page if it is on a list; its LRU flags go. lru_lock held. */
static bool lru_unlink_clear(struct vml_lruvec *lv, struct vml_page *page)
{
	bool was_on = vml_page_test(page, VML_PG_lru);

	if (was_on) {
		vml_lru_unlink(lv, page);
		vml_page_clear(page, VML_PG_lru);
	}
	vml_page_clear(page, VML_PG_active);
	vml_page_clear(page, VML_PG_unevictable);
	vml_page_clear(page, VML_PG_referenced);
	return was_on;
}

/* Off the lists if on them; lru_lock taken here. */
static bool lru_try_del(struct vml_page *page)
{
	struct vml_lruvec *lv = page_lruvec(page);
	unsigned long flags;
	bool was_on;

	spin_lock_irqsave(&lv->lock, flags);
	was_on = vml_page_test(page, VML_PG_lru) && lru_unlink_clear(lv, page);
	spin_unlock_irqrestore(&lv->lock, flags);
	return was_on;
}

int vml_lru_del(struct vml_page *page)
{
	if (lru_try_del(page))
		return 0;
	/* Maybe still in a batch: 6.1 drains them before isolating, too. */
	vml_lru_add_drain_all();
	return lru_try_del(page) ? 0 : -ENOENT;
}

/* Back onto the lists without dropping the isolation reference. */
static void putback_locked(struct vml_lruvec *lv, struct vml_page *page)
{
	if (vml_page_test(page, VML_PG_mlocked))
		lru_add(lv, page);	/* mlocked while isolated */
	else
		READ_ONCE(lru_policy)->rotate(lv, page);
	vml_page_set(page, VML_PG_lru);
}

/*
 * folio_check_references() on the pages the policy chose, with lru_lock
 * dropped: a page that PTEs referenced since the last harvest goes back
 * with VML_PG_referenced set (the policy's next scan gives it its second
 * chance; a page referenced through two or more PTEs is activated at
 * once, as 6.1 does). Return: pages kept in @out.
 */
static unsigned long check_references(struct vml_lruvec *lv, struct vml_plist *cand,
				      struct vml_plist *out)
{
	struct vml_page *page;
	unsigned long flags, kept = 0;
	int refs;

	while ((page = vml_plist_pop(cand))) {
		refs = vml_lru_referenced(page);
		if (refs <= 0) {
			vml_plist_add_tail(out, page);
			kept++;
			continue;
		}
		vml_page_set(page, VML_PG_referenced);
		if (refs > 1 && !vml_page_test(page, VML_PG_active)) {
			vml_page_set(page, VML_PG_active);
			vml_count_event(VML_PGACTIVATE);
		}
		spin_lock_irqsave(&lv->lock, flags);
		putback_locked(lv, page);
		spin_unlock_irqrestore(&lv->lock, flags);
		vml_put_page(page);
	}
	return kept;
}

unsigned long vml_lru_select_victims(int nid, bool file, unsigned long nr,
				     struct vml_plist *out)
{
	struct vml_lruvec *lv;
	struct vml_plist cand;
	unsigned long flags, taken = 0, got, kept;
	int round;

	if (nid < 0 || nid >= vml_arena.nr_nodes || !nr)
		return 0;
	lv = lruvecs[nid];
	/*
	 * Another round only replaces pages the harvest handed back; one
	 * handed back is seen again by the next round, which activates it or
	 * gives its second chance: three rounds end the call even when every
	 * page is referenced.
	 */
	for (round = 0; round < 3 && taken < nr; round++) {
		vml_plist_init(&cand);
		spin_lock_irqsave(&lv->lock, flags);
		got = READ_ONCE(lru_policy)->select_victims(lv, file, nr - taken, &cand);
		spin_unlock_irqrestore(&lv->lock, flags);
		kept = check_references(lv, &cand, out);
		trace_vmlab_lru_isolate(nid, vml_lru_inactive(file), nr - taken,
					got, kept);
		taken += kept;
		if (kept == got)
			break;
	}
	return taken;
}

void vml_lru_putback(struct vml_page *page)
{
	struct vml_lruvec *lv = page_lruvec(page);
	unsigned long flags;

	spin_lock_irqsave(&lv->lock, flags);
	if (WARN_ON_ONCE(vml_page_test(page, VML_PG_lru))) {
		spin_unlock_irqrestore(&lv->lock, flags);
		return;
	}
	putback_locked(lv, page);
	spin_unlock_irqrestore(&lv->lock, flags);
	vml_put_page(page);
}

/*
 * The last reference to an LRU page goes (buddy/'s lru_release hook,
 * __page_cache_release()). The count drops under lru_lock, where every
 * isolation takes its reference, so either the page leaves its list here
 * with nobody else holding it, or an isolator got it first and frees it
 * later through the same path.
 */
bool vml_lru_release(struct vml_page *page)
{
	struct vml_lruvec *lv = page_lruvec(page);
	unsigned long flags;

	spin_lock_irqsave(&lv->lock, flags);
	if (!atomic_dec_and_test(&page->_refcount)) {
		spin_unlock_irqrestore(&lv->lock, flags);
		return false;
	}
	lru_unlink_clear(lv, page);
	atomic_set(&page->_refcount, 1);	/* for vml_free_pages() to drop */
	spin_unlock_irqrestore(&lv->lock, flags);
	return true;
}

/* MADV_COLD (deactivate_page()): inactive and not referenced. */
void vml_lru_deactivate(struct vml_page *page)
{
	struct vml_lruvec *lv = page_lruvec(page);
	unsigned long flags;

	spin_lock_irqsave(&lv->lock, flags);
	vml_page_clear(page, VML_PG_referenced);
	if (!vml_page_test(page, VML_PG_active) ||
	    vml_page_test(page, VML_PG_unevictable)) {
		spin_unlock_irqrestore(&lv->lock, flags);
		return;
	}
	if (vml_page_test(page, VML_PG_lru))
		vml_lru_move(lv, page, false);
	else
		vml_page_clear(page, VML_PG_active);	/* batched or isolated */
	vml_count_event(VML_PGDEACTIVATE);
	spin_unlock_irqrestore(&lv->lock, flags);
}

/*
 * The default harvest: page_referenced() through the reverse map. An
 * unmapped page has no PTE to look at, and its object pointer may name an
 * anon_vma already gone (6.1 checks folio_mapped() first too).
 */
static int harvest(struct vml_page *page)
{
	return vml_page_mapcount(page) > 0 ? vml_page_referenced(page) : 0;
}

static void update_evictable_hook(struct vml_page *page)
{
	vml_lru_update_evictable(page);	/* -ENOENT: batched or isolated */
}

/* What vma/ and fault/ call, and what buddy/ calls at the last put. */
static const struct vml_lru_hooks lru_hooks = {
	.drain = vml_lru_add_drain_all,
	.add = vml_lru_cache_add,
	.accessed = vml_mark_page_accessed,
	.deactivate = vml_lru_deactivate,
	.update_evictable = update_evictable_hook,
};

int vml_lru_update_evictable(struct vml_page *page)
{
	struct vml_lruvec *lv = page_lruvec(page);
	bool mlocked = vml_page_test(page, VML_PG_mlocked);
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&lv->lock, flags);
	if (!vml_page_test(page, VML_PG_lru)) {
		ret = -ENOENT;
	} else if (mlocked != vml_page_test(page, VML_PG_unevictable)) {
		vml_lru_unlink(lv, page);
		vml_page_clear(page, VML_PG_lru);
		vml_page_clear(page, VML_PG_unevictable);
		lru_add(lv, page);
	}
	spin_unlock_irqrestore(&lv->lock, flags);
	return ret;
}

int vml_lru_set_policy(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(policies); i++) {
		if (!strcmp(name, policies[i]->name)) {
			WRITE_ONCE(lru_policy, policies[i]);
			return 0;
		}
	}
	return -EINVAL;
}

const char *vml_lru_policy_name(void)
{
	return READ_ONCE(lru_policy)->name;
}

void vml_lru_set_referenced_fn(vml_referenced_fn fn)
{
	WRITE_ONCE(referenced_fn, fn);
}

int vml_lru_referenced(struct vml_page *page)
{
	vml_referenced_fn fn = READ_ONCE(referenced_fn);

	return fn ? fn(page) : 0;
}

void vml_lru_sizes(int nid, unsigned long nr[VML_NR_LRU_LISTS])
{
	struct vml_lruvec *lv = lruvecs[nid];
	unsigned long flags;
	int i;

	if (!lv) {
		memset(nr, 0, sizeof(unsigned long) * VML_NR_LRU_LISTS);
		return;
	}
	spin_lock_irqsave(&lv->lock, flags);
	for (i = 0; i < VML_NR_LRU_LISTS; i++)
		nr[i] = lv->lists[i].nr;
	spin_unlock_irqrestore(&lv->lock, flags);
}

unsigned long vml_lru_pages(void)
{
	unsigned long nr[VML_NR_LRU_LISTS], sum = 0;
	int nid, i;

	for (nid = 0; nid < vml_arena.nr_nodes; nid++) {
		vml_lru_sizes(nid, nr);
		for (i = 0; i < VML_NR_LRU_LISTS; i++)
			sum += nr[i];
	}
	return sum;
}

int vml_lru_init(void)
{
	int nid, cpu, i;

	batches = alloc_percpu(struct lru_batch);
	if (!batches)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		spin_lock_init(&per_cpu_ptr(batches, cpu)->lock);
	for (nid = 0; nid < vml_arena.nr_nodes; nid++) {
		lruvecs[nid] = kzalloc(sizeof(*lruvecs[nid]), GFP_KERNEL);
		if (!lruvecs[nid]) {
			vml_lru_exit();
			return -ENOMEM;
		}
		spin_lock_init(&lruvecs[nid]->lock);
		for (i = 0; i < VML_NR_LRU_LISTS; i++)
			vml_plist_init(&lruvecs[nid]->lists[i]);
		lruvecs[nid]->nid = nid;
	}
	lru_policy = &vml_lru_policy_2list;
	referenced_fn = harvest;
	vml_set_lru_hooks(&lru_hooks);
	return 0;
}

/* Unlink every page of @lv; their owners, still running, free them. */
static void lru_forget(struct vml_lruvec *lv)
{
	struct vml_page *page;
	unsigned long flags;
	int i;

	spin_lock_irqsave(&lv->lock, flags);
	for (i = 0; i < VML_NR_LRU_LISTS; i++) {
		while ((page = vml_plist_last(&lv->lists[i])))
			lru_unlink_clear(lv, page);
	}
	spin_unlock_irqrestore(&lv->lock, flags);
}

/*
 * The layer stops before fault/ (layers stop top down), while mapped and
 * cached pages are still on the lists: they leave the lists here and are
 * freed by their owners as plain pages. The caller has unregistered the
 * lru_release hook, and kswapd is stopped.
 */
void vml_lru_exit(void)
{
	int nid;

	vml_set_lru_hooks(NULL);
	if (batches)
		vml_lru_add_drain_all();
	for (nid = 0; nid < VML_MAX_NODES; nid++) {
		if (!lruvecs[nid])
			continue;
		lru_forget(lruvecs[nid]);
		kfree(lruvecs[nid]);
		lruvecs[nid] = NULL;
	}
	free_percpu(batches);
	batches = NULL;
}
