// SPDX-License-Identifier: GPL-2.0
/*
 * rmap.c - reverse mapping: from a page to the PTEs that map it
 * (mm/rmap.c of Linux 6.1; Gorman 9.5.3 and 11.8 on why 2.4 had none).
 *
 * 2.4 could only unmap a shared page by scanning the page tables of every
 * process (swap_out() walking mm after mm). vmlab follows 6.1's
 * object-based rmap: a page records its object and its offset in it,
 * and each object keeps a tree of the VMAs that may map its pages:
 *
 *  - anonymous: @private is the anon_vma of the VMA that made the page
 *    (not the family's root, as 6.1's page->mapping; the root for a page
 *    swapped back in, which other mms may share), @index the low 32
 *    bits of the linear page offset (vm_pgoff + page within the VMA,
 *    which mremap keeps). The anon_vma's interval tree of anon_vma_chains
 *    (vma/anon_vma.c) yields the VMAs whose offsets cover it: the VMA
 *    itself, its split and moved pieces, and fork children's copies that
 *    still share the page, never another family's;
 *  - page cache: @private is the vml_mapping, @index the file offset; the
 *    mapping's i_mmap tree (vma/i_mmap.c) yields the VMAs of the file or
 *    shared object covering it, in every mm.
 *
 * A walk checks, in each VMA it is given, the single PTE the page could
 * have there. It takes the object's lock only: the anon_vma root's rwsem
 * or the i_mmap rwsem for reading, never an mmap_lock, and skips nothing.
 * VMAs cannot leave the tree, nor change their offsets, nor have their
 * page tables freed or moved (mremap) while it is held.
 *
 * Lock order (as 6.1's mm/rmap.c):
 *   mmap_lock
 *     -> i_mmap rwsem (vml_i_mmap)
 *       -> anon_vma root rwsem
 *         -> pgt.lock
 *           -> page rmap lock (the hashed spinlock over ->private)
 * A page's object is kept alive during a walk by a reference taken under
 * the page rmap lock: an anonymous page names an anon_vma only while
 * mapped (its last unmap clears ->private under that lock), so the
 * anon_vma still has the mapping VMA's chain; a cache page names its
 * mapping until it leaves the cache, which happens under that lock too.
 * Documentation/fault.rst has more.
 */
#include "buddy/vmstat.h"
#include "fault/fault-internal.h"

unsigned long vml_linear_index(struct vml_vma *vma, unsigned long addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/* page_add_new_anon_rmap(): first mapping of a new private page. */
void vml_page_add_new_anon_rmap(struct vml_page *page, struct vml_vma *vma,
				unsigned long addr)
{
	page->index = (u32)vml_linear_index(vma, addr);
	atomic_set(&page->_mapcount, 0);
	vml_page_set_rmap(page, (unsigned long)vma->anon_vma, true);
}

/*
 * page_add_anon_rmap() of a swap-cache page (vml_swapin_map()): one PTE
 * more maps it. The first one again (nothing maps it) names the family's
 * root, as __page_set_anon_rmap() does for a page that is not exclusive:
 * other mms may still share it through swap entries, and the root's tree
 * holds every VMA of the family; the VMA's own anon_vma would go with
 * this mm and leave the others' PTEs out of reach.
 *
 * Which of the two it is, and the increment, are one step under the page
 * rmap lock. The swap-in holds the page lock, but a zap in another mm
 * drops its PTE without it: decided on a mapcount read before that zap's
 * decrement (one mapping: just add one), the increment could follow the
 * zap's clearing of ->private, and the page would be mapped naming
 * nothing, never again found by reclaim (nor its rss counted as anon).
 * The zap's clearing re-reads the mapcount under that lock, so whichever
 * comes first, the page stays named while mapped.
 */
void vml_page_add_anon_rmap(struct vml_page *page, struct vml_vma *vma,
			    unsigned long addr)
{
	vml_page_rmap_lock(page);
	if (atomic_inc_and_test(&page->_mapcount)) {
		page->index = (u32)vml_linear_index(vma, addr);
		page->private = (unsigned long)vma->anon_vma->root;
		vml_page_set(page, VML_PG_anon);
	}
	vml_page_rmap_unlock(page);
}

/* page_dup_rmap()/page_add_file_rmap(): one more PTE maps the page. */
void vml_page_dup_rmap(struct vml_page *page)
{
	atomic_inc(&page->_mapcount);
}

/* page_remove_rmap(): as vma/'s zap does, the last unmap ends anon-ness. */
void vml_page_remove_rmap(struct vml_page *page)
{
	if (atomic_add_negative(-1, &page->_mapcount)) {
		if (vml_page_test(page, VML_PG_anon))
			vml_page_set_rmap(page, 0, false);
		vml_page_clear(page, VML_PG_mlocked);
	}
}

/*
 * vma_address(): where page offset @pgoff is in @vma, or 0. The walks
 * hand over the whole offset (an anonymous page keeps only its low 32
 * bits; the anon_vma walk tries each 2^32-page slice), so a VMA larger
 * than 16 TiB is visited once per slice, each time at its own address.
 */
static unsigned long vma_address(struct vml_vma *vma, unsigned long pgoff)
{
	unsigned long delta = pgoff - vma->vm_pgoff;	/* huge if below */

	if (delta >= vml_vma_pages(vma))
		return 0;
	return vma->vm_start + (delta << PAGE_SHIFT);
}

#ifdef VMLAB_FLAVOR_kunit
atomic_long_t vml_rmap_visits;
#endif

struct walk {
	struct vml_page *page;
	vml_rmap_fn fn;
	void *arg;
};

/* page_vma_mapped_walk() for the one address the page can have. */
static int walk_vma(struct vml_vma *vma, unsigned long pgoff, void *arg)
{
	struct walk *w = arg;
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	unsigned long addr = vma_address(vma, pgoff);
	pte_t *ptep;
	int ret = 0;

#ifdef VMLAB_FLAVOR_kunit
	atomic_long_inc(&vml_rmap_visits);
#endif
	if (!addr)
		return 0;
	ptep = vml_pte_lookup(pt, addr);
	if (!ptep)
		return 0;
	spin_lock(&pt->lock);
	if (vml_pte_page(*ptep) == w->page)
		ret = w->fn(vma, addr, ptep, w->arg);
	spin_unlock(&pt->lock);
	return ret;
}

/* The page's anon_vma with a reference, or NULL when nothing maps it. */
static struct vml_anon_vma *page_anon_vma_get(struct vml_page *page)
{
	struct vml_anon_vma *av = NULL;

	vml_page_rmap_lock(page);
	if (vml_page_test(page, VML_PG_anon) && page->private) {
		av = (struct vml_anon_vma *)page->private;
		vml_anon_vma_get(av);
	}
	vml_page_rmap_unlock(page);
	return av;
}

int vml_rmap_walk(struct vml_page *page, vml_rmap_fn fn, void *arg)
{
	struct walk w = { .page = page, .fn = fn, .arg = arg };
	struct vml_anon_vma *av;
	struct vml_mapping *m;
	int ret;

	if (vml_page_test(page, VML_PG_zero))
		return 0;
	av = page_anon_vma_get(page);
	if (av) {
		ret = vml_anon_vma_walk(av, page->index, walk_vma, &w);
		vml_anon_vma_put(av);
	} else {
		m = vml_page_mapping_get(page);
		if (!m)
			return 0;
		ret = vml_i_mmap_walk(&m->i_mmap, page->index, page->index,
				      walk_vma, &w);
		vml_mapping_put(m);
	}
	return ret ? -abs(ret) : 0;
}

static int referenced_one(struct vml_vma *vma, unsigned long addr,
			  pte_t *ptep, void *arg)
{
	int *nr = arg;

	if (vml_ptep_test_and_clear_young(&vma->vm_mm->pgt, addr, ptep))
		(*nr)++;
	return 0;
}

int vml_page_referenced(struct vml_page *page)
{
	int nr = 0;

	vml_rmap_walk(page, referenced_one, &nr);
	return nr;
}

struct unmap_arg {
	pte_t entry;
	int nr;
};

/* try_to_unmap_one(): clear the PTE, keep its D bit, drop the mapping. */
static int unmap_one(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	struct unmap_arg *u = arg;
	const struct vml_fault_hooks *h;
	struct vml_page *page;
	pte_t old;

	/*
	 * The slot gains a reference for each swap PTE before the PTE is
	 * written, under pgt.lock (swap_duplicate() in try_to_unmap_one());
	 * if it cannot, this PTE stays and the walk stops.
	 */
	if (vml_pte_state(u->entry) == VML_PTE_SWAP) {
		h = vml_fault_hooks();
		if (!h->swap_dup || h->swap_dup(u->entry))
			return 1;
	}
	old = vml_ptep_get_and_clear(pt, addr, ptep);
	page = vml_pte_page(old);
	if (pte_dirty(old))
		vml_page_set(page, VML_PG_dirty);
	vml_mm_add_counter(vma->vm_mm, vml_mm_counter_of(vma, page), -1);
	if (vml_pte_state(u->entry) != VML_PTE_NONE) {
		vml_set_pte(pt, addr, ptep, u->entry);
		vml_mm_add_counter(vma->vm_mm, VML_MM_SWAPENTS, 1);
	}
	vml_page_remove_rmap(page);
	vml_put_page(page);
	u->nr++;
	return 0;
}

int vml_try_to_unmap(struct vml_page *page, pte_t entry)
{
	struct unmap_arg u = { .entry = entry };

	if (vml_page_test(page, VML_PG_mlocked))
		return 0;		/* mlocked pages stay (TTU without IGNORE_MLOCK) */
	/* The page must outlive the walk that drops its last PTE reference. */
	vml_get_page(page);
	vml_rmap_walk(page, unmap_one, &u);
	vml_put_page(page);
	return u.nr;
}
