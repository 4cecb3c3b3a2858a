// SPDX-License-Identifier: GPL-2.0
/*
 * memory.c - the fault path (Gorman 4.6, Table 9.4; mm/memory.c):
 * vml_handle_mm_fault() allocates any missing table level and dispatches
 * on the PTE to do_anonymous_page(), do_fault() (file and shared
 * anonymous memory, see filemap.c), the swap layer's hook, or
 * do_wp_page() for copy-on-write.
 *
 * Every handler prepares what it needs (frames, copies, cache pages) with
 * no lock but the mmap_lock, then takes pgt.lock, checks that the PTE is
 * still what it saw (pte_same()), and only then sets it; a loser of the
 * race gives its frame back and reports success, and the access retries.
 */
#include <linux/highmem.h>
#include <linux/mutex.h>
#include "buddy/vmstat.h"
#include "fault/fault-internal.h"

/*
 * The zero page is made on first use, so that starting the core takes no
 * frame from the arena, and freed at fault exit once no mm maps it.
 */
static struct vml_page *zero_page;
static DEFINE_MUTEX(zero_page_lock);
static const struct vml_fault_hooks *fault_hooks;

struct vml_page *vml_zero_page(void)
{
	return READ_ONCE(zero_page);
}

static struct vml_page *get_zero_page(void)
{
	struct vml_page *page = READ_ONCE(zero_page);

	if (page)
		return page;
	mutex_lock(&zero_page_lock);
	if (!zero_page) {
		page = vml_alloc_pages(VML_GFP_KERNEL | VML___GFP_ZERO | VML___GFP_NOWARN, 0);
		if (page)
			vml_page_set(page, VML_PG_zero);
		WRITE_ONCE(zero_page, page);
	}
	mutex_unlock(&zero_page_lock);
	return zero_page;
}

void vml_set_fault_hooks(const struct vml_fault_hooks *hooks)
{
	WRITE_ONCE(fault_hooks, hooks);
}

const struct vml_fault_hooks *vml_fault_hooks(void)
{
	static const struct vml_fault_hooks none;

	return READ_ONCE(fault_hooks) ?: &none;
}

/* Which rss counter a page of @vma goes to (mm_counter()), as vma/ does. */
int vml_rss_member(struct vml_vma *vma, struct vml_page *page)
{
	if (vml_page_test(page, VML_PG_anon))
		return VML_MM_ANONPAGES;
	return vma->vm_file ? VML_MM_FILEPAGES : VML_MM_SHMEMPAGES;
}

/*
 * The PTE for @page in @vma: vm_page_prot, young, and writable + dirty
 * for a write (maybe_mkwrite(pte_mkdirty())). Private mappings have a
 * read-only vm_page_prot, so their pages are only writable when made so.
 */
pte_t vml_fault_mk_pte(struct vml_vma *vma, struct vml_page *page, bool write)
{
	pte_t pte = pte_mkyoung(vml_mk_pte(page, vma->vm_page_prot));

	if (write && (vma->vm_flags & VML_VM_WRITE))
		pte = pte_mkdirty(pte_mkwrite(pte));
	return pte;
}

/* The mm-side bookkeeping of a newly mapped page (under pgt.lock). */
static void account_new(struct vml_vma *vma, struct vml_page *page)
{
	struct vml_mm *mm = vma->vm_mm;

	if (vma->vm_flags & VML_VM_LOCKED)
		vml_page_set(page, VML_PG_mlocked);
	vml_mm_add_counter(mm, vml_rss_member(vma, page), 1);
	mm->hiwater_rss = max(mm->hiwater_rss, vml_mm_rss(mm));
}

/*
 * do_anonymous_page(): a read maps the zero page read-only (one frame for
 * any number of pages); a write maps a new zeroed frame.
 */
static int do_anonymous_page(struct vml_vma *vma, unsigned long addr,
			     pte_t *ptep, bool write)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	struct vml_page *page = NULL;
	pte_t pte;

	if (!write) {
		page = get_zero_page();
		if (!page)
			return VML_FAULT_OOM;
		pte = pte_wrprotect(vml_mk_pte(page, vma->vm_page_prot));
		page = NULL;
	} else {
		if (vml_anon_vma_prepare(vma))
			return VML_FAULT_OOM;
		page = vml_alloc_pages(VML_GFP_HIGHUSER | VML___GFP_ZERO |
				       VML___GFP_NOWARN, 0);
		if (!page)
			return VML_FAULT_OOM;
		pte = vml_fault_mk_pte(vma, page, true);
	}
	spin_lock(&pt->lock);
	if (!pte_none(*ptep)) {			/* lost the race */
		spin_unlock(&pt->lock);
		if (page)
			vml_put_page(page);
		return 0;
	}
	if (page) {
		vml_page_add_new_anon_rmap(page, vma, addr);
		account_new(vma, page);
	}
	vml_set_pte(pt, addr, ptep, pte);
	spin_unlock(&pt->lock);
	vml_count_event(page ? VML_PGFAULT : VML_ZERO_PAGE_FAULT);
	return 0;
}

/*
 * Map @page, whose reference the caller passes on, at @addr unless the
 * PTE changed from none meanwhile (finish_fault()). @anon: a new private
 * copy, else a page-cache page.
 */
static void map_new_page(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
			 struct vml_page *page, bool write, bool anon)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;

	spin_lock(&pt->lock);
	if (!pte_none(*ptep)) {
		spin_unlock(&pt->lock);
		vml_put_page(page);
		return;
	}
	if (anon)
		vml_page_add_new_anon_rmap(page, vma, addr);
	else
		vml_page_dup_rmap(page);
	account_new(vma, page);
	vml_set_pte(pt, addr, ptep, vml_fault_mk_pte(vma, page, write));
	spin_unlock(&pt->lock);
}

/*
 * A private copy of @src, zero-filled for the zero page (the copy half of
 * wp_page_copy()). Not yet anonymous: vml_page_add_new_anon_rmap() makes
 * it so once it is mapped.
 */
static struct vml_page *cow_copy(struct vml_vma *vma, struct vml_page *src)
{
	struct vml_page *page;

	if (vml_anon_vma_prepare(vma))
		return NULL;
	if (vml_page_test(src, VML_PG_zero))
		return vml_alloc_pages(VML_GFP_HIGHUSER | VML___GFP_ZERO |
				       VML___GFP_NOWARN, 0);
	page = vml_alloc_pages(VML_GFP_HIGHUSER | VML___GFP_NOWARN, 0);
	if (page)
		copy_page(vml_page_address(page), vml_page_address(src));
	return page;
}

/*
 * do_fault(): file-backed or shared anonymous memory comes from the page
 * cache; a write to a private mapping gets a private copy at once
 * (do_cow_fault()), anything else maps the cache page (do_read_fault()/
 * do_shared_fault()).
 */
static int do_fault(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		    bool write)
{
	bool major = false, private = !(vma->vm_flags & VML_VM_SHARED);
	struct vml_page *page, *copy;
	int err;

	page = vml_filemap_fault(vma, vml_linear_index(vma, addr), &major, &err);
	if (!page)
		return err == -EFAULT ? VML_FAULT_SIGBUS : VML_FAULT_OOM;
	if (write && private) {
		copy = cow_copy(vma, page);
		vml_put_page(page);
		if (!copy)
			return VML_FAULT_OOM;
		page = copy;
		vml_count_event(VML_COW_FAULT);
	}
	map_new_page(vma, addr, ptep, page, write, write && private);
	vml_count_event(VML_PGFAULT);
	if (major)
		vml_count_event(VML_PGMAJFAULT);
	return major ? VML_FAULT_MAJOR : 0;
}

/* wp_page_reuse(): this PTE is the page's only user; just allow writes. */
static int wp_reuse(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		    pte_t orig)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;

	spin_lock(&pt->lock);
	if (pte_same(*ptep, orig))
		vml_set_pte(pt, addr, ptep, pte_mkyoung(pte_mkdirty(pte_mkwrite(orig))));
	spin_unlock(&pt->lock);
	return 0;
}

/* wp_page_copy(): replace the shared page with a private copy. */
static int wp_copy(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		   pte_t orig, struct vml_page *old)
{
	struct vml_pgtable *pt = &vma->vm_mm->pgt;
	struct vml_mm *mm = vma->vm_mm;
	struct vml_page *page = cow_copy(vma, old);

	if (!page)
		return VML_FAULT_OOM;
	spin_lock(&pt->lock);
	if (!pte_same(*ptep, orig)) {
		spin_unlock(&pt->lock);
		vml_put_page(page);
		return 0;
	}
	vml_ptep_get_and_clear(pt, addr, ptep);
	if (!vml_page_test(old, VML_PG_zero)) {
		vml_mm_add_counter(mm, vml_rss_member(vma, old), -1);
		vml_page_remove_rmap(old);
		vml_put_page(old);
	}
	vml_page_add_new_anon_rmap(page, vma, addr);
	account_new(vma, page);
	vml_set_pte(pt, addr, ptep, vml_fault_mk_pte(vma, page, true));
	spin_unlock(&pt->lock);
	vml_count_event(VML_COW_FAULT);
	return 0;
}

/*
 * do_wp_page(): a write to a present read-only PTE in a writable VMA.
 * Shared mappings are made writable (the page goes dirty through the
 * hardware D bit). A private anonymous page only this PTE uses
 * (_mapcount 0, one reference) is reused without a copy, as 6.1's
 * wp_can_reuse_anon_page() decides by refcount; the zero page and
 * page-cache pages of a private mapping are always copied.
 */
static int do_wp_page(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		      pte_t orig)
{
	struct vml_page *page = vml_pte_page(orig);
	int ret;

	if (!page)
		return VML_FAULT_SIGBUS;
	if (vma->vm_flags & VML_VM_SHARED)
		return wp_reuse(vma, addr, ptep, orig);
	if (vml_page_test(page, VML_PG_anon) && vml_page_mapcount(page) == 1 &&
	    vml_page_count(page) == 1) {
		vml_count_event(VML_PGREUSE);
		return wp_reuse(vma, addr, ptep, orig);
	}
	/* Hold the old page while copying; a racing unmap may drop its PTE. */
	vml_get_page(page);
	ret = wp_copy(vma, addr, ptep, orig, page);
	vml_put_page(page);
	return ret;
}

/* A present PTE that already allows the access: a spurious fault. */
static int do_spurious(struct vml_vma *vma, unsigned long addr, pte_t *ptep)
{
	vml_flush_tlb_page(&vma->vm_mm->pgt, addr);
	return 0;
}

/* access_error() again: populate reaches here without vma/'s check. */
static bool bad_access(struct vml_vma *vma, bool write)
{
	if (write)
		return !(vma->vm_flags & VML_VM_WRITE);
	return !(vma->vm_flags & VML_VM_ACCESS_FLAGS);
}

int vml_handle_mm_fault(struct vml_mm *mm, unsigned long addr,
			unsigned int flags)
{
	bool write = flags & VML_FAULT_FLAG_WRITE;
	const struct vml_fault_hooks *h;
	struct vml_vma *vma;
	pte_t *ptep, pte;

	addr &= PAGE_MASK;
	vma = vml_vma_lookup(mm, addr);
	if (!vma || bad_access(vma, write))
		return VML_FAULT_SIGSEGV;
	ptep = vml_pte_alloc(&mm->pgt, addr, VML_GFP_KERNEL);
	if (!ptep)
		return VML_FAULT_OOM;
	pte = READ_ONCE(*ptep);
	if (pte_none(pte)) {
		if (!vma->vm_file && !(vma->vm_flags & VML_VM_SHARED))
			return do_anonymous_page(vma, addr, ptep, write);
		return do_fault(vma, addr, ptep, write);
	}
	if (!pte_present(pte)) {
		h = vml_fault_hooks();
		return h->swapin ? h->swapin(vma, addr, ptep, pte, flags) :
				   VML_FAULT_SIGBUS;
	}
	if (write && !pte_write(pte))
		return do_wp_page(vma, addr, ptep, pte);
	return do_spurious(vma, addr, ptep);
}

/* The hooks vma/ calls: faults, splits/copies and closes of VMAs. */
static int fault_hook(struct vml_mm *mm, unsigned long addr, unsigned int flags)
{
	return vml_handle_mm_fault(mm, addr, flags);
}

static const struct vml_mm_hooks mm_hooks = {
	.handle_fault = fault_hook,
	.vma_dup = vml_filemap_vma_dup,
	.vma_close = vml_filemap_vma_close,
};

/* Unmap everything of every user mm while the hooks still run. */
static int unmap_mm(struct vml_mm *mm, void *arg)
{
	if (!mm->kernel)
		vml_munmap(mm, 0, mm->task_size);
	return 0;
}

int vml_fault_init(void)
{
	vml_set_mm_hooks(&mm_hooks);
	return 0;
}

void vml_fault_exit(void)
{
	vml_walk_mms(unmap_mm, NULL);
	vml_set_mm_hooks(NULL);
	vml_filemap_exit();
	if (zero_page) {
		vml_page_clear(zero_page, VML_PG_zero);
		vml_put_page(zero_page);
		WRITE_ONCE(zero_page, NULL);
	}
}
