// SPDX-License-Identifier: GPL-2.0
/*
 * filemap.c - the page cache (Gorman 4.6.1 and ch. 10's page cache notes;
 * mm/filemap.c, mm/readahead.c, mm/shmem.c in miniature).
 *
 * A vml_mapping holds the pages of one file, found by its inode in a
 * registry, or of one shared anonymous object (MAP_SHARED|MAP_ANONYMOUS,
 * which Linux backs with a shmem file). Pages sit in an xarray by page
 * offset, as i_pages; the cache holds one reference on each, and each
 * PTE one more. The files are real files of the guest: pages are read
 * with kernel_read() and written back with kernel_write().
 *
 * Shared anonymous memory is swapped as 6.1's shmem is (shmem_writepage(),
 * shmem_swapin_folio()): reclaim replaces a page in @pages by its swap
 * entry, an xarray value entry (xa_mk_value(entry.val)) that holds one
 * reference to the slot, and a fault or swapoff that meets the value
 * reads the page back through the swap layer's hooks and puts it in its
 * place. Every walk of @pages below skips value entries but those that
 * are about swap.
 *
 * Page states: VML_PG_uptodate once read, VML_PG_dirty once a PTE's
 * hardware Dirty bit was harvested (msync, munmap, rmap unmap) until
 * written back, VML_PG_locked while being read in.
 *
 * Locking: xa_lock covers lookup + reference and removal, so a page found
 * is never one being freed; @mapping->lock (a mutex) serialises filling
 * and writing back; the registry mutex covers the list of mappings and
 * the vm_private_data pointers of VMAs.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include "arena/check.h"
#include "buddy/vmstat.h"
#include "fault/fault-internal.h"

#define RA_MIN		4	/* first readahead window, pages */
#define RA_MAX		32	/* largest window (VM_READAHEAD_PAGES) */

static LIST_HEAD(mappings);
static DEFINE_MUTEX(registry_lock);

/* ---- mappings ---- */

static struct vml_mapping *mapping_alloc(struct file *file)
{
	struct vml_mapping *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	if (file) {
		m->host = file_inode(file);
		m->file = get_file(file);
	}
	xa_init(&m->pages);
	mutex_init(&m->lock);
	vml_i_mmap_init(&m->i_mmap);
	refcount_set(&m->refs, 1);
	list_add(&m->node, &mappings);
	return m;
}

/* Out of the registry; the memory goes with the last rmap walk's reference. */
static void mapping_free(struct vml_mapping *m)
{
	list_del(&m->node);
	if (m->file)
		fput(m->file);
	m->file = NULL;
	xa_destroy(&m->pages);
	vml_mapping_put(m);
}

void vml_mapping_put(struct vml_mapping *m)
{
	if (refcount_dec_and_test(&m->refs))
		kfree(m);
}

/*
 * The mapping a cache page names, with a reference, or NULL: under the
 * page rmap lock, which the page's removal from the cache takes to clear
 * ->private, so the mapping cannot be freed in between.
 */
struct vml_mapping *vml_page_mapping_get(struct vml_page *page)
{
	struct vml_mapping *m = NULL;

	vml_page_rmap_lock(page);
	if (!vml_page_test(page, VML_PG_anon) && page->private) {
		m = (struct vml_mapping *)page->private;
		refcount_inc(&m->refs);
	}
	vml_page_rmap_unlock(page);
	return m;
}

static struct vml_mapping *find_host(struct inode *host)
{
	struct vml_mapping *m;

	list_for_each_entry(m, &mappings, node)
		if (m->host == host)
			return m;
	return NULL;
}

/*
 * The mapping of @vma, made on its first fault; a file's is shared by
 * every VMA of every mm that maps the file.
 */
struct vml_mapping *vml_vma_mapping(struct vml_vma *vma)
{
	/* Faults read it without the registry lock: see the release below. */
	struct vml_mapping *m = smp_load_acquire(&vma->vm_private_data);
	struct file *f = vma->vm_file;

	if (m)
		return m;
	mutex_lock(&registry_lock);
	m = vma->vm_private_data;
	if (!m) {
		m = f ? find_host(file_inode(f)) : NULL;
		if (!m)
			m = mapping_alloc(f);
		if (m) {
			atomic_inc(&m->users);
			/* Initialised before published, for unlocked readers. */
			smp_store_release(&vma->vm_private_data, m);
			vml_i_mmap_attach(vma, &m->i_mmap);
		}
	}
	/* Write back through a file opened for writing when there is one. */
	if (m && f && m->file != f && (f->f_mode & FMODE_WRITE) &&
	    !(m->file->f_mode & FMODE_WRITE)) {
		fput(m->file);
		m->file = get_file(f);
	}
	mutex_unlock(&registry_lock);
	return m;
}

/* ---- pages in the cache ---- */

static struct vml_page *find_get_page(struct vml_mapping *m, unsigned long pgoff)
{
	struct vml_page *page;

	xa_lock(&m->pages);
	page = xa_load(&m->pages, pgoff);
	if (xa_is_value(page))
		page = NULL;		/* swapped out: shmem_swapin() */
	else if (page)
		vml_get_page(page);
	xa_unlock(&m->pages);
	return page;
}

/* Read one page of the file; the tail past EOF stays zero. */
static int read_page(struct vml_mapping *m, struct vml_page *page,
		     unsigned long pgoff)
{
	loff_t pos = (loff_t)pgoff << PAGE_SHIFT;
	ssize_t n;

	vml_page_set(page, VML_PG_locked);
	n = kernel_read(m->file, vml_page_address(page), PAGE_SIZE, &pos);
	vml_page_clear(page, VML_PG_locked);
	if (n < 0)
		return n;
	vml_count_events(VML_PGPGIN, PAGE_SIZE / SZ_1K);
	vml_page_set(page, VML_PG_uptodate);
	return 0;
}

/* The object's size in pages: a file's i_size, a shmem object's own. */
static unsigned long size_pages(struct vml_mapping *m)
{
	if (!m->host)
		return m->size;
	return DIV_ROUND_UP(i_size_read(m->host), PAGE_SIZE);
}

/*
 * A new cache page at @pgoff, read in (add_to_page_cache_lru() +
 * filemap_read_folio()); the cache's reference only. Caller holds
 * @m->lock and checked that the slot is empty.
 */
static struct vml_page *add_page(struct vml_mapping *m, unsigned long pgoff,
				 int *err)
{
	struct vml_page *page;

	page = vml_alloc_pages(VML_GFP_HIGHUSER | VML___GFP_ZERO | VML___GFP_NOWARN, 0);
	if (!page) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = m->host ? read_page(m, page, pgoff) : 0;
	if (!m->host)
		vml_page_set(page, VML_PG_uptodate);
	if (!*err)
		*err = xa_err(xa_store(&m->pages, pgoff, page, GFP_KERNEL));
	if (*err) {
		vml_page_clear(page, VML_PG_uptodate);
		vml_put_page(page);
		return NULL;
	}
	vml_page_set_rmap(page, (unsigned long)m, false);
	page->index = pgoff;
	atomic_long_inc(&m->nrpages);
	/* add_to_page_cache_lru(); shmem pages are swap-backed, as 6.1's */
	if (!m->host)
		vml_page_set(page, VML_PG_swapbacked);
	if (vml_get_lru_hooks()->add)
		vml_get_lru_hooks()->add(page);
	return page;
}

/*
 * Readahead (page_cache_sync_ra(), much simplified): a miss right after
 * the previous one starts or doubles a window read past it.
 */
static void readahead(struct vml_mapping *m, unsigned long pgoff)
{
	unsigned long end, i;
	int err;

	if (pgoff != m->ra_next) {
		m->ra_size = 0;
		return;
	}
	m->ra_size = clamp(m->ra_size * 2, (unsigned long)RA_MIN, (unsigned long)RA_MAX);
	end = min(pgoff + 1 + m->ra_size, size_pages(m));
	for (i = pgoff + 1; i < end && i <= U32_MAX; i++) {
		if (xa_load(&m->pages, i))
			continue;
		if (!add_page(m, i, &err))
			break;
		vml_count_event(VML_PGREADAHEAD);
	}
}

/*
 * shmem_swapin_folio(): the swap entry @v at @pgoff of @m goes back to
 * being a page. The swap layer finds or reads the slot's page into the
 * swap cache (locked, a reference for us, *@major if read); it replaces
 * the value here only if the value is still there, then the hook takes
 * it out of the swap cache and drops the object's reference to the slot
 * (so the slot is free and the page dirty: it holds the only copy).
 * Caller holds @m->lock. Return: the page with a reference, or NULL with
 * *@err 0 (raced: look again) or -errno (-ENOMEM, the read's -EIO).
 */
static struct vml_page *shmem_swapin(struct vml_mapping *m, unsigned long pgoff,
				     void *v, bool *major, int *err)
{
	const struct vml_fault_hooks *h = vml_fault_hooks();
	struct vml_swp_entry entry = { xa_to_value(v) };
	struct vml_page *page;
	bool ok;

	*err = -EIO;
	if (!h->shmem_swapin || !h->shmem_swapin_done)
		return NULL;
	*err = 0;
	page = h->shmem_swapin(entry, major, err);
	if (!page)
		return NULL;
	xa_lock(&m->pages);
	ok = __xa_cmpxchg(&m->pages, pgoff, v, page, GFP_NOWAIT) == v;
	if (ok) {
		vml_get_page(page);	/* the object's */
		vml_page_set_rmap(page, (unsigned long)m, false);
		page->index = pgoff;
		vml_page_set(page, VML_PG_uptodate);
		atomic_long_inc(&m->nrpages);
		atomic_long_dec(&m->swapped);
	}
	xa_unlock(&m->pages);
	h->shmem_swapin_done(page, ok);
	if (ok)
		return page;
	vml_put_page(page);
	return NULL;
}

/*
 * The page at @pgoff of @m, found, swapped back in or added, with a
 * reference; @m->lock held. NULL with *@err as vml_filemap_fault().
 */
static struct vml_page *get_locked(struct vml_mapping *m, unsigned long pgoff,
				   bool *major, int *err)
{
	struct vml_page *page;
	void *v;

	for (;;) {
		page = find_get_page(m, pgoff);
		if (page)
			return page;
		v = xa_load(&m->pages, pgoff);
		if (!xa_is_value(v))
			break;
		page = shmem_swapin(m, pgoff, v, major, err);
		if (page || *err)
			return page;
		cond_resched();		/* raced with reclaim of a read-ahead page */
	}
	page = add_page(m, pgoff, err);
	if (page) {
		vml_get_page(page);
		*major = !!m->host;
		if (m->host)
			readahead(m, pgoff);
		m->ra_next = pgoff + 1;
	}
	return page;
}

/*
 * filemap_fault() / shmem_fault(): the page at @pgoff of @vma's object
 * with a reference for the caller. *@major when it had to be read (from
 * the file, or from swap).
 * NULL with *@err: -EFAULT past EOF (SIGBUS), -ENOMEM, or an I/O error.
 */
struct vml_page *vml_filemap_fault(struct vml_vma *vma, unsigned long pgoff,
				   bool *major, int *err)
{
	struct vml_mapping *m = vml_vma_mapping(vma);
	struct vml_page *page;

	*err = -ENOMEM;
	if (!m)
		return NULL;
	*err = -EFAULT;
	if (pgoff > U32_MAX || pgoff >= size_pages(m))
		return NULL;
	page = find_get_page(m, pgoff);
	if (page)
		return page;
	mutex_lock(&m->lock);
	page = get_locked(m, pgoff, major, err);
	mutex_unlock(&m->lock);
	return page;
}

/*
 * The cached pages of @vma's object at [@pgoff, @pgoff + @n), each with a
 * reference, into @pages (NULL where there is none), under one hold of
 * the xarray lock: fault-around's batch lookup (filemap_map_pages() walks
 * the range the same way) and the in-window fault's. Nothing is read in;
 * nothing is found past EOF, or when the lock is busy and @atomic.
 */
void vml_filemap_find_range(struct vml_vma *vma, unsigned long pgoff,
			    unsigned int n, struct vml_page **pages, bool atomic)
{
	/* Pairs with the release in vml_vma_mapping(): @m is initialised. */
	struct vml_mapping *m = smp_load_acquire(&vma->vm_private_data);
	XA_STATE(xas, m ? &m->pages : NULL, pgoff);
	struct vml_page *page;
	unsigned long last;

	memset(pages, 0, n * sizeof(*pages));
	if (!m || !n || pgoff > U32_MAX)
		return;
	last = min(pgoff + n - 1, (unsigned long)U32_MAX);
	if (pgoff >= size_pages(m))
		return;
	last = min(last, size_pages(m) - 1);
	if (atomic) {
		if (!xa_trylock(&m->pages))
			return;
	} else {
		xa_lock(&m->pages);
	}
	xas_for_each(&xas, page, last) {
		if (xa_is_value(page))
			continue;	/* swapped out: only a fault reads it */
		vml_get_page(page);
		pages[xas.xa_index - pgoff] = page;
	}
	xa_unlock(&m->pages);
}

/* ---- writeback ---- */

/* Write one dirty page back (writepage()), not past EOF. */
static int write_page(struct vml_mapping *m, struct file *file,
		      struct vml_page *page)
{
	loff_t pos = (loff_t)page->index << PAGE_SHIFT;
	loff_t size = i_size_read(m->host);
	ssize_t n;

	if (!vml_page_test_and_clear(page, VML_PG_dirty))
		return 0;
	if (pos >= size)
		return 0;
	vml_page_set(page, VML_PG_writeback);
	n = kernel_write(file, vml_page_address(page), min_t(loff_t, PAGE_SIZE, size - pos),
			 &pos);
	vml_page_clear(page, VML_PG_writeback);
	if (n < 0) {
		vml_page_set(page, VML_PG_dirty);
		return n;
	}
	vml_count_events(VML_PGPGOUT, PAGE_SIZE / SZ_1K);
	return 1;
}

/*
 * Write back the dirty pages of [first, last] (filemap_write_and_wait_range()).
 * Return: pages written or the first error.
 */
static long writeback_range(struct vml_mapping *m, struct file *file,
			    unsigned long first, unsigned long last)
{
	struct vml_page *page;
	unsigned long i;
	long nr = 0;
	int ret = 0;

	if (!m->host || !file || !(file->f_mode & FMODE_WRITE))
		return 0;
	mutex_lock(&m->lock);
	xa_for_each_range(&m->pages, i, page, first, last) {
		ret = write_page(m, file, page);
		if (ret < 0)
			break;
		nr += ret;
	}
	mutex_unlock(&m->lock);
	return ret < 0 ? ret : nr;
}

/*
 * Move a PTE's Dirty bit into the page (page_mkclean_one()); a PROT_NONE
 * entry keeps the Dirty bit it had when it was made so, and is harvested
 * too. pgt.lock is held: the frame cannot change under us.
 */
static int harvest_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		       void *arg)
{
	struct vml_page *page = vml_normal_page(*ptep);
	pte_t old;

	if (!page || !pte_dirty(*ptep))
		return 0;
	old = vml_ptep_get_and_clear(pt, addr, ptep);
	vml_page_set(page, VML_PG_dirty);
	vml_set_pte(pt, addr, ptep, pte_mkclean(old));
	return 0;
}

/* A range [@first, @last] of one object. */
struct file_range {
	struct vml_mapping *m;
	unsigned long first, last;
};

/* Harvest the part of @vma that maps the range, if it is shared. */
static int harvest_vma(struct vml_vma *vma, unsigned long pgoff, void *arg)
{
	struct file_range *r = arg;
	unsigned long first = max(r->first, vma->vm_pgoff);
	unsigned long last = min(r->last, vma->vm_pgoff + vml_vma_pages(vma) - 1);

	if (!(vma->vm_flags & VML_VM_SHARED) || first > last)
		return 0;
	vml_walk_range(&vma->vm_mm->pgt,
		       vma->vm_start + ((first - vma->vm_pgoff) << PAGE_SHIFT),
		       vma->vm_start + ((last + 1 - vma->vm_pgoff) << PAGE_SHIFT),
		       harvest_one, NULL);
	return 0;
}

/*
 * msync() syncs a range of the file, not the PTEs of one VMA: Linux
 * calls vfs_fsync_range(), and its pages are dirty however they were
 * written (write-notify faults, page_mkclean() through i_mmap). vmlab
 * keeps the Dirty bit in the PTEs until harvested, so it first moves the
 * bits of every shared PTE mapping the range, in every mm (another
 * mapping, a fork child), into the pages, through the mapping's i_mmap
 * tree (under its rwsem, after the caller's mmap_lock), then writes the
 * range back.
 */
static long sync_vma(struct vml_vma *vma, unsigned long start, unsigned long end)
{
	/* Pairs with the release in vml_vma_mapping(). */
	struct vml_mapping *m = smp_load_acquire(&vma->vm_private_data);
	struct file_range r = {
		.m = m,
		.first = vml_linear_index(vma, start),
		.last = vml_linear_index(vma, end - 1),
	};

	if (!m || !vma->vm_file || !(vma->vm_flags & VML_VM_SHARED))
		return 0;
	vml_i_mmap_walk(&m->i_mmap, r.first, r.last, harvest_vma, &r);
	return writeback_range(m, vma->vm_file, r.first, r.last);
}

long vml_msync(struct vml_mm *mm, unsigned long addr, unsigned long len)
{
	unsigned long end = addr + PAGE_ALIGN(len), start = addr;
	struct vml_vma *vma;
	long nr = 0, ret = 0;
	bool hole = false;

	if (offset_in_page(addr) || end < addr || mm->kernel)
		return -EINVAL;
	down_read(&mm->mmap_lock);
	while (start < end && ret >= 0) {
		vma = vml_find_vma(mm, start);
		if (!vma || vma->vm_start >= end) {
			hole = true;
			break;
		}
		hole |= vma->vm_start > start;
		start = max(start, vma->vm_start);
		ret = sync_vma(vma, start, min(end, vma->vm_end));
		nr += max(ret, 0l);
		start = vma->vm_end;
	}
	up_read(&mm->mmap_lock);
	if (ret < 0)
		return ret;
	return hole ? -ENOMEM : nr;
}

/* ---- VMA hooks ---- */

/*
 * mmap made @vma: a file VMA names its file's mapping, a shared anonymous
 * one a new object of its size (shmem_zero_setup()). Done at birth, not
 * at the first fault, so that every piece split or merged from it names
 * the same object: msync, munmap writeback and rmap look there.
 */
int vml_filemap_vma_open(struct vml_vma *vma)
{
	struct vml_mapping *m;

	if (!vma->vm_file && !(vma->vm_flags & VML_VM_SHARED))
		return 0;
	m = vml_vma_mapping(vma);
	if (!m)
		return -ENOMEM;
	if (!m->host)
		m->size = vma->vm_pgoff + vml_vma_pages(vma);
	return 0;
}

int vml_filemap_vma_dup(struct vml_vma *dst, struct vml_vma *src)
{
	struct vml_mapping *m = src->vm_private_data;

	/*
	 * The pieces of a shared anonymous VMA are one object (Linux: one
	 * shmem file): make it now, or each piece would get its own at
	 * its first fault.
	 */
	if (!m && !src->vm_file && (src->vm_flags & VML_VM_SHARED)) {
		if (vml_filemap_vma_open(src))
			return -ENOMEM;
		m = src->vm_private_data;
		dst->vm_private_data = m;
		dst->vm_i_mmap = &m->i_mmap;
	}
	if (m)
		atomic_inc(&m->users);
	return 0;
}

/* Drop the cache's reference on @page, which is out of the xarray. */
static void release_page(struct vml_page *page)
{
	vml_page_clear(page, VML_PG_uptodate);
	vml_page_clear(page, VML_PG_dirty);
	vml_page_set_rmap(page, 0, false);	/* rmap walkers see it gone */
	vml_put_page(page);
}

/*
 * shmem_free_swap(): a swap entry of the object goes with it; the slot
 * loses the object's reference (free_swap_and_cache(), through the swap
 * layer's swap_zap hook).
 */
static void free_swap_entry(struct vml_mapping *m, void *v)
{
	const struct vml_fault_hooks *h = vml_fault_hooks();
	struct vml_swp_entry entry = { xa_to_value(v) };

	atomic_long_dec(&m->swapped);
	if (!WARN_ON_ONCE(!h->swap_zap))
		h->swap_zap(vml_swp_entry_to_pte(entry));
}

/*
 * Empty a mapping and free it (truncate_inode_pages() + evict; for
 * shmem, shmem_undo_range() also frees the swap entries).
 */
static void mapping_destroy(struct vml_mapping *m)
{
	struct vml_page *page;
	unsigned long i;

	xa_for_each(&m->pages, i, page) {
		xa_erase(&m->pages, i);
		if (xa_is_value(page))
			free_swap_entry(m, page);
		else
			release_page(page);
	}
	mapping_free(m);
}

/*
 * A VMA goes (after its pages were zapped): a shared file mapping writes
 * its dirty pages back (munmap/exit writeback); the last VMA of a shared
 * anonymous object frees it, a file's stays as cache.
 */
void vml_filemap_vma_close(struct vml_vma *vma)
{
	struct vml_mapping *m = vma->vm_private_data;

	if (!m)
		return;
	if (vma->vm_file && (vma->vm_flags & VML_VM_SHARED))
		writeback_range(m, vma->vm_file, vma->vm_pgoff,
				vma->vm_pgoff + vml_vma_pages(vma) - 1);
	mutex_lock(&registry_lock);
	if (atomic_dec_and_test(&m->users) && !m->host)
		mapping_destroy(m);
	vma->vm_private_data = NULL;
	mutex_unlock(&registry_lock);
}

/* ---- drop_caches and statistics ---- */

/* Take @page out of the cache if nobody but the cache uses it. */
static bool try_remove(struct vml_mapping *m, struct vml_page *page,
		       unsigned long i)
{
	bool gone = false;

	xa_lock(&m->pages);
	if (vml_page_count(page) == 1 && vml_page_mapcount(page) == 0 &&
	    !vml_page_test(page, VML_PG_dirty)) {
		__xa_erase(&m->pages, i);
		gone = true;
	}
	xa_unlock(&m->pages);
	if (gone) {
		atomic_long_dec(&m->nrpages);
		release_page(page);
	}
	return gone;
}

unsigned long vml_drop_caches(void)
{
	struct vml_mapping *m, *tmp;
	struct vml_page *page;
	unsigned long i, nr = 0;

	/* A page in an LRU add batch has the batch's reference too. */
	if (vml_get_lru_hooks()->drain)
		vml_get_lru_hooks()->drain();
	mutex_lock(&registry_lock);
	list_for_each_entry_safe(m, tmp, &mappings, node) {
		if (!m->host)
			continue;
		mutex_lock(&m->lock);
		xa_for_each(&m->pages, i, page)
			nr += try_remove(m, page, i);
		mutex_unlock(&m->lock);
		if (!atomic_read(&m->users) && !atomic_long_read(&m->nrpages))
			mapping_free(m);
	}
	mutex_unlock(&registry_lock);
	return nr;
}

/* ---- reclaim ---- */

/*
 * __remove_mapping(), with pageout() before it for a dirty page: the
 * cache lets go of @page if nothing but the cache and the caller holds
 * it. Under the registry lock page->private names a live mapping (it is
 * zeroed, under that lock, before a mapping is freed), and m->file stays.
 * The mapping's own lock is not taken: a direct reclaimer may be filling
 * this very mapping, and writing one unmapped page needs no more than
 * write_page()'s test-and-clear of its Dirty bit (as pageout() needs only
 * the folio lock).
 */
int vml_filemap_reclaim_page(struct vml_page *page, bool may_write)
{
	struct vml_mapping *m;
	bool gone = false;
	int ret = -EBUSY;

	if (!mutex_trylock(&registry_lock))
		return -EBUSY;
	m = (struct vml_mapping *)page->private;
	if (!m) {
		ret = 0;		/* the cache let go meanwhile */
		goto out;
	}
	if (!m->host) {
		ret = -EPERM;		/* shmem: swap, not the file, backs it */
		goto out;
	}
	if (vml_page_mapcount(page) > 0 || vml_page_test(page, VML_PG_locked))
		goto out;
	if (vml_page_test(page, VML_PG_dirty)) {
		ret = -EAGAIN;
		if (!may_write || !m->file || !(m->file->f_mode & FMODE_WRITE))
			goto out;
		ret = write_page(m, m->file, page) < 0 ? -EAGAIN : -EBUSY;
	}
	xa_lock(&m->pages);
	if (xa_load(&m->pages, page->index) == page && vml_page_count(page) == 2 &&
	    vml_page_mapcount(page) == 0 && !vml_page_test(page, VML_PG_dirty)) {
		__xa_erase(&m->pages, page->index);
		gone = true;
	}
	xa_unlock(&m->pages);
	if (gone) {
		atomic_long_dec(&m->nrpages);
		release_page(page);	/* the cache's reference */
		ret = 0;
	}
out:
	mutex_unlock(&registry_lock);
	return ret;
}

void vml_cache_get_stats(struct vml_cache_stats *s)
{
	struct vml_mapping *m;
	struct vml_page *page;
	unsigned long i;

	memset(s, 0, sizeof(*s));
	mutex_lock(&registry_lock);
	list_for_each_entry(m, &mappings, node) {
		s->mappings++;
		xa_lock(&m->pages);
		xa_for_each(&m->pages, i, page) {
			if (xa_is_value(page)) {
				s->swapped++;
				continue;
			}
			s->pages++;
			s->shmem += !m->host;
			s->dirty += vml_page_test(page, VML_PG_dirty);
			s->mapped += vml_page_mapcount(page) > 0;
		}
		xa_unlock(&m->pages);
	}
	mutex_unlock(&registry_lock);
}

/* Unload: every mm is unmapped already; write back, then free all. */
void vml_filemap_exit(void)
{
	struct vml_mapping *m, *tmp;

	mutex_lock(&registry_lock);
	list_for_each_entry_safe(m, tmp, &mappings, node) {
		writeback_range(m, m->file, 0, ULONG_MAX);
		mapping_destroy(m);
	}
	mutex_unlock(&registry_lock);
}

struct tree_check {
	struct vml_check *chk;
	struct vml_mapping *m;
	const struct vml_check_refs *vmas;
	unsigned long n;
};

/* A VMA in @m's i_mmap tree: live, and naming @m. */
static int check_tree_vma(struct vml_vma *vma, unsigned long pgoff, void *arg)
{
	struct tree_check *t = arg;

	t->n++;
	if (!vml_check_refs_count(t->vmas, vma))
		vml_check_fail(t->chk, "page cache %p: i_mmap holds %p, no live VMA",
			       t->m, vma);
	else if (vma->vm_private_data != t->m)
		vml_check_fail(t->chk, "page cache %p: i_mmap holds VMA %#lx of %p",
			       t->m, vma->vm_start, vma->vm_private_data);
	return 0;
}

/*
 * The checker's view of the page cache: every page of every mapping is
 * an arena frame naming its mapping and offset, claimed as a cache page,
 * and the mapping's counts agree (pages; users: the VMAs in @users, which
 * are also what its i_mmap tree holds, each a live VMA of @vmas).
 */
void vml_filemap_check(struct vml_check *chk, const struct vml_check_refs *users,
		       const struct vml_check_refs *vmas)
{
	struct tree_check t = { .chk = chk, .vmas = vmas };
	struct vml_mapping *m;
	struct vml_page *page;
	unsigned long i, n;

	mutex_lock(&registry_lock);
	list_for_each_entry(m, &mappings, node) {
		unsigned long swapped = 0;

		n = vml_check_refs_count(users, m);
		if (n != atomic_read(&m->users))
			vml_check_fail(chk, "page cache %p: %d users, VMAs using it %lu",
				       m, atomic_read(&m->users), n);
		t.m = m;
		t.n = 0;
		vml_i_mmap_walk(&m->i_mmap, 0, ULONG_MAX, check_tree_vma, &t);
		if (t.n != n)
			vml_check_fail(chk, "page cache %p: %lu VMAs in i_mmap, %lu use it",
				       m, t.n, n);
		n = 0;
		xa_lock(&m->pages);
		xa_for_each(&m->pages, i, page) {
			if (xa_is_value(page)) {
				swapped++;	/* its slot: swap/'s check */
				continue;
			}
			n++;
			if (!vml_page_in_arena(page)) {
				vml_check_fail(chk, "page cache %p:%lu holds %p, no arena frame",
					       m, i, page);
				continue;
			}
			if (page->private != (unsigned long)m || page->index != (u32)i)
				vml_check_fail(chk, "page cache %p:%lu: pfn %#lx names %#lx:%u",
					       m, i, vml_page_to_pfn(page), page->private,
					       page->index);
			vml_check_claim(chk, vml_page_idx(page), 1, VML_FRAME_PAGECACHE,
					"the page cache");
		}
		xa_unlock(&m->pages);
		if (n != atomic_long_read(&m->nrpages))
			vml_check_fail(chk, "page cache %p: %lu pages, nrpages says %ld",
				       m, n, atomic_long_read(&m->nrpages));
		if (swapped != atomic_long_read(&m->swapped) || (swapped && m->host))
			vml_check_fail(chk, "page cache %p: %lu swap entries, swapped says %ld%s",
				       m, swapped, atomic_long_read(&m->swapped),
				       m->host ? " (a file's)" : "");
	}
	mutex_unlock(&registry_lock);
}

/* ---- shared anonymous memory and swap ---- */

/*
 * Is @m a live shmem object? (page->private of a page being reclaimed
 * may be stale: an anonymous page whose last PTE just went keeps its
 * anon_vma there.) Registry lock held.
 */
static bool live_shmem(struct vml_mapping *m)
{
	struct vml_mapping *p;

	list_for_each_entry(p, &mappings, node)
		if (p == m)
			return !m->host;
	return false;
}

int vml_shmem_writeout(struct vml_page *page, struct vml_swp_entry entry)
{
	struct vml_mapping *m;
	int ret = -EBUSY;

	if (vml_page_test(page, VML_PG_anon) || !vml_page_test(page, VML_PG_swapbacked))
		return -EINVAL;
	/* Only tried: a direct reclaimer may hold it (vml_filemap_reclaim_page()). */
	if (!mutex_trylock(&registry_lock))
		return -EBUSY;
	m = (struct vml_mapping *)page->private;
	if (!m || !live_shmem(m)) {
		ret = -EINVAL;
		goto out;
	}
	xa_lock(&m->pages);
	/* The object's, the caller's and the swap cache's references only. */
	if (xa_load(&m->pages, page->index) == page && vml_page_count(page) == 3 &&
	    !vml_page_mapcount(page)) {
		__xa_store(&m->pages, page->index, xa_mk_value(entry.val), GFP_NOWAIT);
		atomic_long_dec(&m->nrpages);
		atomic_long_inc(&m->swapped);
		ret = 0;
	}
	xa_unlock(&m->pages);
	if (!ret) {
		vml_page_clear(page, VML_PG_uptodate);
		vml_page_set_rmap(page, 0, false);	/* rmap walkers see it gone */
		vml_put_page(page);	/* the object's; the swap cache holds it now */
	}
out:
	mutex_unlock(&registry_lock);
	return ret;
}

int vml_shmem_unuse(unsigned int type)
{
	struct vml_swp_entry e;
	struct vml_mapping *m;
	struct vml_page *page;
	unsigned long i;
	bool major;
	int err = 0;
	void *v;

	mutex_lock(&registry_lock);
	list_for_each_entry(m, &mappings, node) {
		if (m->host || !atomic_long_read(&m->swapped))
			continue;
		mutex_lock(&m->lock);
		xa_for_each(&m->pages, i, v) {
			if (!xa_is_value(v))
				continue;
			e.val = xa_to_value(v);
			if (vml_swp_type(e) != type)
				continue;
			page = get_locked(m, i, &major, &err);
			if (!page)
				break;
			vml_put_page(page);
			cond_resched();
		}
		mutex_unlock(&m->lock);
		if (err)
			break;
	}
	mutex_unlock(&registry_lock);
	return err;
}

void vml_shmem_walk_swap(vml_shmem_swap_fn fn, void *arg)
{
	struct vml_swp_entry e;
	struct vml_mapping *m;
	unsigned long i;
	void *v;

	mutex_lock(&registry_lock);
	list_for_each_entry(m, &mappings, node) {
		xa_lock(&m->pages);
		xa_for_each(&m->pages, i, v) {
			if (!xa_is_value(v))
				continue;
			e.val = xa_to_value(v);
			fn(e, arg);
		}
		xa_unlock(&m->pages);
	}
	mutex_unlock(&registry_lock);
}

/*
 * shmem_swap_usage(): swap entries of @vma's object in the part @vma maps
 * (6.1 counts them in the VMA's smaps Swap:). mmap_lock held.
 */
unsigned long vml_shmem_swapped(struct vml_vma *vma)
{
	/* Pairs with the release in vml_vma_mapping(). */
	struct vml_mapping *m = smp_load_acquire(&vma->vm_private_data);
	unsigned long i, n = 0;
	void *v;

	if (!m || m->host || !atomic_long_read(&m->swapped))
		return 0;
	xa_lock(&m->pages);
	xa_for_each_range(&m->pages, i, v, vma->vm_pgoff,
			  vma->vm_pgoff + vml_vma_pages(vma) - 1)
		n += xa_is_value(v);
	xa_unlock(&m->pages);
	return n;
}
