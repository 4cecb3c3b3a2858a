// SPDX-License-Identifier: GPL-2.0
/*
 * unuse.c - swapoff's try_to_unuse() (mm/swapfile.c unuse_mm(),
 * unuse_pte_range(); Gorman 11.7).
 */

/**
 * DOC: swapoff
 *
 * swapoff first takes the area off the allocation list, so no new slot
 * comes from it, then brings every page back: for every mm, every VMA,
 * it collects the swap PTEs of that area a table at a time and faults
 * each one in through the same path as a fault on it (vml_swapin(), a
 * read; pages shared by several PTEs come from the swap cache after the
 * first). Then the swap entries that shared anonymous objects hold in
 * place of their pages are read back into their objects
 * (vml_shmem_unuse(), 6.1's shmem_unuse()). Pages left in the swap
 * cache with no swap PTE (read ahead, or
 * whose write failed) are then dropped. When no slot is left in use the
 * area goes; if a page cannot come back (no memory, a read error) the
 * area goes back on the allocation list and swapoff fails (ENOMEM or
 * EIO) with every page where it was, those already back staying
 * resident, as 6.1 leaves them. 2.4 scanned every mm once per slot; 6.1
 * (and vmlab) walk the page tables once.
 */
#include <linux/xarray.h>
#include "swap/swap-internal.h"

#define UNUSE_BATCH	64
#define UNUSE_PASSES	8	/* a PTE that raced is tried again, not forever */

struct unuse_batch {
	unsigned int type, nr;
	unsigned long addrs[UNUSE_BATCH];
	unsigned long next;
};

static bool pte_of_type(pte_t pte, unsigned int type)
{
	return vml_pte_state(pte) == VML_PTE_SWAP &&
	       vml_swp_type(vml_pte_to_swp_entry(pte)) == type;
}

static int find_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		    void *arg)
{
	struct unuse_batch *b = arg;

	if (!pte_of_type(*ptep, b->type))
		return 0;
	b->addrs[b->nr++] = addr;
	if (b->nr < UNUSE_BATCH)
		return 0;
	b->next = addr + PAGE_SIZE;
	return 1;
}

/* Fault in the batch's PTEs. Return: pages still swapped, or -errno. */
static int unuse_batch(struct vml_vma *vma, struct unuse_batch *b)
{
	unsigned int i, left = 0;
	pte_t *ptep, orig;
	int ret;

	for (i = 0; i < b->nr; i++) {
		ptep = vml_pte_lookup(&vma->vm_mm->pgt, b->addrs[i]);
		if (!ptep)
			continue;
		orig = READ_ONCE(*ptep);
		if (!pte_of_type(orig, b->type))
			continue;
		ret = vml_swap_unuse_pte(vma, b->addrs[i], ptep, orig);
		if (ret & VML_FAULT_OOM)
			return -ENOMEM;
		if (ret & VML_FAULT_ERROR)
			return -EIO;
		left += pte_same(READ_ONCE(*ptep), orig);
	}
	return left;
}

static int unuse_vma(struct vml_vma *vma, unsigned int type)
{
	struct unuse_batch b = { .type = type };
	unsigned long start = vma->vm_start;
	int ret, passes = 0;

	while (start < vma->vm_end) {
		b.nr = 0;
		b.next = vma->vm_end;
		vml_walk_range(&vma->vm_mm->pgt, start, vma->vm_end, find_one, &b);
		ret = unuse_batch(vma, &b);
		if (ret < 0)
			return ret;
		if (ret && ++passes < UNUSE_PASSES)
			continue;	/* lost a race: walk the same part again */
		if (ret)
			return -EBUSY;
		passes = 0;
		start = b.next;
		cond_resched();
	}
	return 0;
}

static int unuse_mm(struct vml_mm *mm, void *arg)
{
	unsigned int type = *(unsigned int *)arg;
	struct vml_vma *vma;
	int ret = 0;

	if (mm->kernel)
		return 0;
	down_read(&mm->mmap_lock);
	vml_for_each_vma(mm, vma) {
		ret = unuse_vma(vma, type);
		if (ret)
			break;
	}
	up_read(&mm->mmap_lock);
	return ret;
}

/* Drop the cached pages of @type that no swap PTE names any more. */
static void drop_orphans(unsigned int type)
{
	struct xarray *xa = vml_swap_cache_xa(type);
	struct vml_page *page, *entry;
	unsigned long off;

	xa_for_each(xa, off, entry) {
		page = vml_lookup_swap_cache(vml_swp_entry(type, off));
		if (!page)
			continue;
		vml_lock_swap_page(page);
		vml_try_free_swap(page);
		vml_unlock_swap_page(page);
		vml_put_page(page);
	}
}

/**
 * vml_try_to_unuse() - bring back every page swapped to area @type.
 * @type: an area already off the allocation list.
 * Context: process context, may sleep; swapon_mutex held (one swapoff at
 * a time: it is the OOM origin meanwhile); takes each mm's mmap_lock,
 * then the page cache's registry lock.
 * Return: 0 when no slot of the area is in use any more, -ENOMEM, -EIO,
 * or -EBUSY (a slot still in use that no PTE or object entry names).
 */
int vml_try_to_unuse(unsigned int type)
{
	unsigned long inuse;
	int ret;

	vml_oom_set_origin(true);
	ret = vml_walk_mms(unuse_mm, &type);
	if (!ret)
		ret = vml_shmem_unuse(type);	/* shmem_unuse() */
	vml_oom_set_origin(false);
	if (ret)
		return ret;
	drop_orphans(type);
	spin_lock(&vml_swap_lock);
	inuse = vml_swap_info[type] ? vml_swap_info[type]->inuse : 0;
	spin_unlock(&vml_swap_lock);
	return inuse ? -EBUSY : 0;
}
