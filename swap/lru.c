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
#include "swap/swap-internal.h"

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

/* Off the lists if on them; lru_lock taken here. */
static bool lru_try_del(struct vml_page *page)
{
	struct vml_lruvec *lv = page_lruvec(page);
	unsigned long flags;
	bool was_on = false;

	spin_lock_irqsave(&lv->lock, flags);
	if (vml_page_test(page, VML_PG_lru)) {
		vml_lru_unlink(lv, page);
		vml_page_clear(page, VML_PG_lru);
		vml_page_clear(page, VML_PG_active);
		vml_page_clear(page, VML_PG_unevictable);
		vml_page_clear(page, VML_PG_referenced);
		was_on = true;
	}
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

unsigned long vml_lru_select_victims(int nid, bool file, unsigned long nr,
				     struct vml_plist *out)
{
	struct vml_lruvec *lv;
	unsigned long flags, taken;

	if (nid < 0 || nid >= vml_arena.nr_nodes || !nr)
		return 0;
	lv = lruvecs[nid];
	spin_lock_irqsave(&lv->lock, flags);
	taken = READ_ONCE(lru_policy)->select_victims(lv, file, nr, out);
	spin_unlock_irqrestore(&lv->lock, flags);
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
	if (vml_page_test(page, VML_PG_mlocked))
		lru_add(lv, page);	/* mlocked while isolated */
	else
		READ_ONCE(lru_policy)->rotate(lv, page);
	vml_page_set(page, VML_PG_lru);
	spin_unlock_irqrestore(&lv->lock, flags);
	vml_put_page(page);
}

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
	referenced_fn = NULL;
	return 0;
}

/* Pages still on a list were leaked by their owner: say so. */
void vml_lru_exit(void)
{
	unsigned long nr[VML_NR_LRU_LISTS];
	int nid, i;

	if (batches)
		vml_lru_add_drain_all();
	for (nid = 0; nid < VML_MAX_NODES; nid++) {
		if (!lruvecs[nid])
			continue;
		vml_lru_sizes(nid, nr);
		for (i = 0; i < VML_NR_LRU_LISTS; i++)
			WARN(nr[i], "vmlab: node %d LRU list %d has %lu pages left\n",
			     nid, i, nr[i]);
		kfree(lruvecs[nid]);
		lruvecs[nid] = NULL;
	}
	free_percpu(batches);
	batches = NULL;
}
