// SPDX-License-Identifier: GPL-2.0
/*
 * pages.c - what the VMA operations do to pages and PTEs: populate a range
 * (__mm_populate() / populate_vma_page_range()), zap it (zap_pte_range()),
 * change the protection of present PTEs (change_pte_range()), mark pages
 * mlocked, and age them (madvise_cold). Gorman 4.6 and 4.7.
 *
 * Until a fault layer registers its hook, populating installs the frames
 * itself, as do_anonymous_page() would: a zeroed frame for anonymous
 * memory that is written (MAP_POPULATE of a private writable mapping
 * breaks COW up front, as Linux's FOLL_WRITE does), the shared zero page
 * for anonymous memory that is only read, and a copy of the file's bytes
 * for a file mapping (the stand-in for the page cache, which the fault
 * layer brings). Pages are counted in the mm's rss counters and carry a
 * _mapcount for the one PTE that maps them.
 */
#include <linux/fs.h>
#include <linux/mutex.h>
#include "vma/vma-internal.h"
#include "vmlab_compat.h"

/*
 * The shared zero page (ZERO_PAGE()), made on first use so that starting
 * the core takes no frame from the arena.
 */
static struct vml_page *zero_page;
static DEFINE_MUTEX(zero_page_lock);

struct vml_page *vml_zero_page(void)
{
	return READ_ONCE(zero_page);
}

struct vml_page *vml_get_zero_page(void)
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

void vml_zero_page_exit(void)
{
	if (!zero_page)
		return;
	vml_page_clear(zero_page, VML_PG_zero);
	vml_put_page(zero_page);
	zero_page = NULL;
}

/* The PTE for @page in @vma (mk_pte() + maybe_mkwrite()). */
static pte_t make_pte(struct vml_vma *vma, struct vml_page *page, bool write)
{
	pte_t pte = pfn_pte(vml_page_to_pfn(page), vma->vm_page_prot);

	if (page == zero_page)
		return pte_wrprotect(pte);
	pte = pte_mkyoung(pte);
	if ((vma->vm_flags & VML_VM_WRITE) &&
	    (write || (vma->vm_flags & VML_VM_SHARED) ||
	     vml_page_test(page, VML_PG_anon)))
		pte = pte_mkdirty(vml_pte_mkwrite(pte));
	return pte;
}

/* Copy the file's bytes for the page at @addr; -EFAULT past EOF (SIGBUS). */
static int read_file_page(struct vml_vma *vma, unsigned long addr,
			  struct vml_page *page)
{
	loff_t pos = (loff_t)(vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT))
		     << PAGE_SHIFT;
	ssize_t n;

	if (pos >= i_size_read(file_inode(vma->vm_file)))
		return -EFAULT;
	n = kernel_read(vma->vm_file, vml_page_address(page), PAGE_SIZE, &pos);
	return n < 0 ? n : 0;
}

/* A new frame for @addr: zero-filled, or the file's bytes. */
static struct vml_page *new_page(struct vml_vma *vma, unsigned long addr,
				 bool write, int *err)
{
	bool private = !(vma->vm_flags & VML_VM_SHARED);
	struct vml_page *page;

	*err = 0;
	if (!vma->vm_file && private && !write) {
		page = vml_get_zero_page();
		if (!page)
			*err = -ENOMEM;
		return page;
	}
	if (private && (write || !vma->vm_file)) {
		*err = vml_anon_vma_prepare(vma);
		if (*err)
			return NULL;
	}
	page = vml_alloc_pages(VML_GFP_HIGHUSER | VML___GFP_ZERO | VML___GFP_NOWARN, 0);
	if (!page) {
		*err = -ENOMEM;
		return NULL;
	}
	if (vma->vm_file)
		*err = read_file_page(vma, addr, page);
	if (*err) {
		vml_put_page(page);
		return NULL;
	}
	if (private && (write || !vma->vm_file))
		vml_page_set(page, VML_PG_anon);
	return page;
}

/* Drop the mapping @pte had of its page (zap_pte_range() for one entry). */
static void unmap_page(struct vml_vma *vma, pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);
	struct vml_page *page;

	if (WARN_ON_ONCE(!vml_pfn_valid(pfn)))
		return;
	page = vml_pfn_to_page(pfn);
	if (vml_page_test(page, VML_PG_zero))
		return;
	vml_mm_add_counter(vma->vm_mm, vml_mm_counter_of(vma, page), -1);
	if (pte_dirty(pte) && !vml_page_test(page, VML_PG_anon))
		vml_page_set(page, VML_PG_dirty);	/* set_page_dirty() */
	if (atomic_add_negative(-1, &page->_mapcount)) {
		vml_page_clear(page, VML_PG_anon);
		vml_page_clear(page, VML_PG_mlocked);
	}
	vml_put_page(page);
}

/* Install @page at @addr unless the slot got filled meanwhile. */
static int install_page(struct vml_vma *vma, unsigned long addr,
			pte_t *ptep, struct vml_page *page, bool write)
{
	struct vml_mm *mm = vma->vm_mm;
	pte_t old;

	spin_lock(&mm->pgt.lock);
	old = *ptep;
	if (pte_present(old) && !(write && !pte_write(old) && zero_page &&
				  pte_pfn(old) == vml_page_to_pfn(zero_page))) {
		spin_unlock(&mm->pgt.lock);
		if (page != zero_page)
			vml_put_page(page);
		return 0;
	}
	if (pte_present(old))
		vml_ptep_get_and_clear(&mm->pgt, addr, ptep);	/* the zero page */
	if (page != zero_page) {
		atomic_inc(&page->_mapcount);
		if (vma->vm_flags & VML_VM_LOCKED)
			vml_page_set(page, VML_PG_mlocked);
		vml_mm_add_counter(mm, vml_mm_counter_of(vma, page), 1);
		mm->hiwater_rss = max(mm->hiwater_rss, vml_mm_rss(mm));
	}
	vml_set_pte(&mm->pgt, addr, ptep, make_pte(vma, page, write));
	spin_unlock(&mm->pgt.lock);
	return 1;
}

/*
 * vml_populate_page() - the built-in fault: make @addr of @vma present
 * (and writable if @write). Caller holds mmap_lock.
 * Return: 1 installed, 0 already there, -ENOMEM, -EFAULT (past EOF).
 */
int vml_populate_page(struct vml_vma *vma, unsigned long addr, bool write)
{
	struct vml_page *page;
	pte_t *ptep;
	int err;

	ptep = vml_pte_alloc(&vma->vm_mm->pgt, addr, VML_GFP_KERNEL);
	if (!ptep)
		return -ENOMEM;
	if (pte_present(*ptep) && (!write || pte_write(*ptep)))
		return 0;
	if (!pte_none(*ptep) && !pte_present(*ptep))
		return -EFAULT;		/* swapped out: needs the fault layer */
	page = new_page(vma, addr, write, &err);
	if (!page)
		return err;
	return install_page(vma, addr, ptep, page, write);
}

/* Fault one page in, through the hook when there is one (faultin_page()). */
static int fault_in(struct vml_vma *vma, unsigned long addr, bool write)
{
	vml_fault_fn fault;
	struct vml_mm *mm = vma->vm_mm;
	pte_t *ptep;
	int ret;

	fault = vml_hooks()->handle_fault;
	if (!fault) {
		ret = vml_populate_page(vma, addr, write);
		if (ret > 0)
			atomic_long_inc(&mm->min_flt);
		return ret < 0 ? ret : 0;
	}
	ptep = vml_pte_lookup(&mm->pgt, addr);
	if (ptep && pte_present(*ptep) && (!write || pte_write(*ptep)))
		return 0;
	ret = fault(mm, addr, VML_FAULT_FLAG_REMOTE | (write ? VML_FAULT_FLAG_WRITE : 0));
	if (ret & VML_FAULT_OOM)
		return -ENOMEM;
	if (ret & VML_FAULT_ERROR)
		return -EFAULT;
	atomic_long_inc(ret & VML_FAULT_MAJOR ? &mm->maj_flt : &mm->min_flt);
	return 0;
}

/* populate_vma_page_range(): PROT_NONE cannot be populated (-EFAULT). */
static int populate_vma_range(struct vml_vma *vma, unsigned long start,
			      unsigned long end)
{
	bool write = (vma->vm_flags & (VML_VM_WRITE | VML_VM_SHARED)) == VML_VM_WRITE;
	unsigned long addr;
	int ret;

	if (!(vma->vm_flags & VML_VM_ACCESS_FLAGS))
		return -EFAULT;
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		ret = fault_in(vma, addr, write);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

int vml_mm_populate(struct vml_mm *mm, unsigned long start, unsigned long len,
		    bool ignore_errors)
{
	unsigned long end = start + len, nstart, nend;
	struct vml_vma *vma;
	int ret = 0;

	for (nstart = start; nstart < end; nstart = nend) {
		vma = vml_find_vma_intersection(mm, nstart, end);
		if (!vma)
			break;
		nend = min(end, vma->vm_end);
		nstart = max(nstart, vma->vm_start);
		ret = populate_vma_range(vma, nstart, nend);
		if (ret && !ignore_errors)
			break;
		ret = 0;
	}
	return ret;
}

/* ---- walks over present PTEs ---- */

static int zap_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		   void *arg)
{
	struct vml_vma *vma = arg;
	const struct vml_mm_hooks *h = vml_hooks();
	pte_t pte = vml_ptep_get_and_clear(pt, addr, ptep);

	if (pte_present(pte)) {
		unmap_page(vma, pte);
	} else if (!pte_none(pte)) {
		vml_mm_add_counter(vma->vm_mm, VML_MM_SWAPENTS, -1);
		if (h->zap_nonpresent)
			h->zap_nonpresent(vma->vm_mm, addr, pte);
	}
	return 0;
}

/*
 * vml_zap_range() - unmap every page of [start, end) inside @vma, dropping
 * the page references (unmap_page_range()). Tables are kept; see
 * vml_free_pgd_range().
 */
void vml_zap_range(struct vml_vma *vma, unsigned long start, unsigned long end)
{
	vml_walk_range(&vma->vm_mm->pgt, start, end, zap_one, vma);
}

/* free_pgtables() over a hole: only tables wholly inside it go. */
void vml_free_pgd_range(struct vml_mm *mm, unsigned long start,
			unsigned long end)
{
	if (start < end)
		vml_free_pgtables(&mm->pgt, start, end);
}

static int protect_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		       void *arg)
{
	struct vml_vma *vma = arg;
	struct vml_page *page;
	pte_t pte, old;

	if (!pte_present(*ptep))
		return 0;
	old = vml_ptep_get_and_clear(pt, addr, ptep);
	page = vml_pfn_to_page(pte_pfn(old));
	/*
	 * pte_modify() by hand: its _PAGE_CHG_MASK names cc_mask, which the
	 * kernel does not export to modules. Keep frame, Accessed and Dirty.
	 */
	pte = pfn_pte(pte_pfn(old), vma->vm_page_prot);
	if (pte_young(old))
		pte = pte_mkyoung(pte);
	if (pte_dirty(old))
		pte = pte_mkdirty(pte);
	/*
	 * change_pte_range() with MM_CP_TRY_CHANGE_WRITABLE: a page only
	 * this PTE maps needs no COW, so it may stay writable.
	 */
	if ((vma->vm_flags & VML_VM_WRITE) && !vml_page_test(page, VML_PG_zero) &&
	    ((vma->vm_flags & VML_VM_SHARED) ||
	     (vml_page_test(page, VML_PG_anon) && vml_page_mapcount(page) == 1)))
		pte = vml_pte_mkwrite(pte);
	vml_set_pte(pt, addr, ptep, pte);
	return 0;
}

/* vml_change_protection() - apply @vma->vm_page_prot to its present PTEs. */
void vml_change_protection(struct vml_vma *vma, unsigned long start,
			   unsigned long end)
{
	vml_walk_range(&vma->vm_mm->pgt, start, end, protect_one, vma);
	vml_flush_tlb_range(&vma->vm_mm->pgt, start, end);
}

static int mlock_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct vml_page *page;

	if (!pte_present(*ptep))
		return 0;
	page = vml_pfn_to_page(pte_pfn(*ptep));
	if (vml_page_test(page, VML_PG_zero))
		return 0;
	if (arg)
		vml_page_set(page, VML_PG_mlocked);
	else
		vml_page_clear(page, VML_PG_mlocked);
	return 0;
}

/* Set or clear PG_mlocked on the present pages of a range. */
void vml_mlock_pages(struct vml_vma *vma, unsigned long start,
		     unsigned long end, bool lock)
{
	vml_walk_range(&vma->vm_mm->pgt, start, end, mlock_one,
		       lock ? vma : NULL);
}

static int age_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		   void *arg)
{
	unsigned long *nr = arg;
	struct vml_page *page;

	if (!pte_present(*ptep))
		return 0;
	page = vml_pfn_to_page(pte_pfn(*ptep));
	if (vml_page_test(page, VML_PG_zero))
		return 0;
	vml_ptep_test_and_clear_young(pt, addr, ptep);
	vml_page_clear(page, VML_PG_active);
	vml_page_clear(page, VML_PG_referenced);
	(*nr)++;
	return 0;
}

/* madvise_cold_or_pageout_pte_range(): clear Accessed, deactivate. */
unsigned long vml_age_range(struct vml_vma *vma, unsigned long start,
			    unsigned long end)
{
	unsigned long nr = 0;

	vml_walk_range(&vma->vm_mm->pgt, start, end, age_one, &nr);
	return nr;
}
