// SPDX-License-Identifier: GPL-2.0
/*
 * mm.c - sandbox address-space descriptors: creation, ids, references,
 * teardown (mm_init()/mmput()/exit_mmap(), Gorman 4.3), the object caches
 * for mms, VMAs and anon_vmas, the hooks of the upper layers, and the
 * vm accounting (vm_stat_account(), may_expand_vm()).
 *
 * Ids come from an idr under mm_ids_lock; an mm found by id is returned
 * with a reference, so a command running on it keeps it alive while
 * mm_destroy takes its id away. An mm is found by id only once published
 * (complete): a fork child under construction has an id, which keeps the
 * number from being reused, but no command can reach it by that id, so
 * no mm_destroy can free it under the fork that builds it.
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "slab/slab.h"
#include "vma/vma-internal.h"

static DEFINE_IDR(mm_ids);
static DEFINE_MUTEX(mm_ids_lock);
static struct vml_mm *kernel_mm;
static const struct vml_mm_hooks *mm_hooks;

/*
 * The descriptors come from vmlab's own slab (slab/), a cache each, as
 * Linux's mm_cachep, vm_area_cachep, anon_vma_cachep and
 * anon_vma_chain_cachep; they show in
 * vmlab's slabinfo.
 */
static struct vml_kmem_cache *mm_cachep, *vma_cachep, *anon_vma_cachep, *avc_cachep;

static void *cache_alloc(struct vml_kmem_cache *cachep, size_t size)
{
	void *obj = vml_kmem_cache_alloc(cachep, VML_GFP_KERNEL);

	if (obj)
		memset(obj, 0, size);
	return obj;
}

static void cache_free(struct vml_kmem_cache *cachep, void *obj)
{
	vml_kmem_cache_free(cachep, obj);
}

const struct vml_mm_hooks *vml_hooks(void)
{
	static const struct vml_mm_hooks none;
	const struct vml_mm_hooks *h = READ_ONCE(mm_hooks);

	return h ?: &none;
}

void vml_set_mm_hooks(const struct vml_mm_hooks *hooks)
{
	WRITE_ONCE(mm_hooks, hooks);
}

static const struct vml_lru_hooks *lru_hooks;

const struct vml_lru_hooks *vml_get_lru_hooks(void)
{
	static const struct vml_lru_hooks none;
	const struct vml_lru_hooks *h = READ_ONCE(lru_hooks);

	return h ?: &none;
}

void vml_set_lru_hooks(const struct vml_lru_hooks *hooks)
{
	WRITE_ONCE(lru_hooks, hooks);
}

/* ---- VMAs and anon_vmas ---- */

struct vml_vma *vml_vma_alloc(struct vml_mm *mm)
{
	struct vml_vma *vma = cache_alloc(vma_cachep, sizeof(struct vml_vma));

	if (vma) {
		vma->vm_mm = mm;
		RB_CLEAR_NODE(&vma->vm_rb);
		RB_CLEAR_NODE(&vma->shared.rb);
		INIT_LIST_HEAD(&vma->vm_list);
		INIT_LIST_HEAD(&vma->anon_vma_chain);
	}
	return vma;
}

/* Free a VMA that is not linked: drop what it refers to (remove_vma()). */
void vml_vma_free(struct vml_vma *vma)
{
	const struct vml_mm_hooks *h = vml_hooks();

	if (h->vma_close)
		h->vma_close(vma);
	vma->vm_i_mmap = NULL;
	if (vma->vm_file)
		fput(vma->vm_file);
	vml_unlink_anon_vmas(vma);
	cache_free(vma_cachep, vma);
}

/*
 * A copy of @src sharing its file and object, not yet chained to any
 * anon_vma (vm_area_dup()); fork chains it with vml_anon_vma_fork().
 */
struct vml_vma *vml_vma_copy(struct vml_vma *src)
{
	const struct vml_mm_hooks *h = vml_hooks();
	struct vml_vma *vma = vml_vma_alloc(src->vm_mm);

	if (!vma)
		return NULL;
	*vma = *src;
	RB_CLEAR_NODE(&vma->vm_rb);
	RB_CLEAR_NODE(&vma->shared.rb);
	INIT_LIST_HEAD(&vma->vm_list);
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	if (h->vma_dup && h->vma_dup(vma, src)) {
		cache_free(vma_cachep, vma);
		return NULL;
	}
	if (vma->vm_file)
		get_file(vma->vm_file);
	return vma;
}

/* vm_area_dup() + anon_vma_clone(): a copy in @src's anon_vmas too. */
struct vml_vma *vml_vma_dup(struct vml_vma *src)
{
	struct vml_vma *vma = vml_vma_copy(src);

	if (vma && vml_anon_vma_clone(vma, src)) {
		vma->anon_vma = NULL;
		vml_vma_free(vma);
		return NULL;
	}
	return vma;
}

struct vml_anon_vma *vml_anon_vma_alloc(void)
{
	struct vml_anon_vma *av = cache_alloc(anon_vma_cachep, sizeof(struct vml_anon_vma));

	if (av) {
		refcount_set(&av->refcount, 1);
		av->root = av;
		av->parent = av;
		init_rwsem(&av->rwsem);
		av->rb_root = RB_ROOT_CACHED;
	}
	return av;
}

void vml_anon_vma_free(struct vml_anon_vma *av)
{
	cache_free(anon_vma_cachep, av);
}

struct vml_anon_vma_chain *vml_avc_alloc(void)
{
	return cache_alloc(avc_cachep, sizeof(struct vml_anon_vma_chain));
}

void vml_avc_free(struct vml_anon_vma_chain *avc)
{
	cache_free(avc_cachep, avc);
}

/* ---- accounting ---- */

unsigned long vml_mm_rss(struct vml_mm *mm)
{
	return vml_mm_counter(mm, VML_MM_FILEPAGES) +
	       vml_mm_counter(mm, VML_MM_ANONPAGES) +
	       vml_mm_counter(mm, VML_MM_SHMEMPAGES);
}

/* vm_stat_account(): the Vm* counters of /proc/PID/status. */
void vml_vm_stat_account(struct vml_mm *mm, unsigned long flags, long npages)
{
	mm->total_vm += npages;
	if ((flags & (VML_VM_EXEC | VML_VM_WRITE | VML_VM_STACK)) == VML_VM_EXEC)
		mm->exec_vm += npages;
	else if (flags & VML_VM_STACK)
		mm->stack_vm += npages;
	else if ((flags & (VML_VM_WRITE | VML_VM_SHARED | VML_VM_STACK)) == VML_VM_WRITE)
		mm->data_vm += npages;
	mm->hiwater_vm = max(mm->hiwater_vm, mm->total_vm);
}

/* may_expand_vm(): RLIMIT_AS, then RLIMIT_DATA for private writable memory. */
bool vml_may_expand_vm(struct vml_mm *mm, unsigned long flags,
		       unsigned long npages)
{
	if (mm->total_vm + npages > mm->limits.as >> PAGE_SHIFT)
		return false;
	if ((flags & (VML_VM_WRITE | VML_VM_SHARED | VML_VM_STACK)) == VML_VM_WRITE &&
	    mm->data_vm + npages > mm->limits.data >> PAGE_SHIFT)
		return false;
	return true;
}

/* mlock_future_check(): would locking @bytes more stay under the limit? */
bool vml_mlock_ok(struct vml_mm *mm, unsigned long flags, unsigned long bytes)
{
	if (!(flags & VML_VM_LOCKED) || mm->limits.memlock == ULONG_MAX)
		return true;
	return (mm->locked_vm << PAGE_SHIFT) + bytes <= mm->limits.memlock;
}

/* ---- address spaces ---- */

static int caches_create(void);
static DEFINE_MUTEX(caches_lock);

/*
 * The caches are made with the first mm, not at core start: starting the
 * core then takes nothing from the arena, and a slab-only restart (the
 * slab suite stops and starts slab/ under a live core) finds no cache of
 * vma/ to pull from under it.
 */
static int caches_get(void)
{
	int ret = 0;

	mutex_lock(&caches_lock);
	if (!mm_cachep)
		ret = caches_create();	/* all four, or none */
	mutex_unlock(&caches_lock);
	return ret;
}

static void mm_init_limits(struct vml_mm_limits *l)
{
	l->max_map_count = VML_MAX_MAP_COUNT;
	l->as = ULONG_MAX;
	l->data = ULONG_MAX;
	l->memlock = ULONG_MAX;
	l->stack = SZ_8M;
}

/* mm_init() + the layout arch_pick_mmap_layout() gives a 64-bit task. */
static struct vml_mm *new_mm(void)
{
	struct vml_mm *mm;
	unsigned long window;

	if (caches_get())
		return NULL;
	mm = cache_alloc(mm_cachep, sizeof(struct vml_mm));
	if (!mm)
		return NULL;
	if (vml_pgtable_init(&mm->pgt)) {
		cache_free(mm_cachep, mm);
		return NULL;
	}
	refcount_set(&mm->users, 1);
	init_rwsem(&mm->mmap_lock);
	mm->mm_rb = RB_ROOT;
	INIT_LIST_HEAD(&mm->mmap);
	mm->task_size = vml_user_va_end();
	window = min(mm->task_size, VML_DEFAULT_MAP_WINDOW);
	/* mmap_base(): below the stack gap, MIN_GAP = 128 MiB. */
	mm->mmap_base = PAGE_ALIGN(window - SZ_128M);
	mm->start_brk = VML_BRK_START;
	mm->brk = VML_BRK_START;
	mm_init_limits(&mm->limits);
	return mm;
}

/* exit_mmap(): unmap everything, free every VMA, then the tables. */
static void unmap_all(struct vml_mm *mm)
{
	struct vml_vma *vma, *tmp;

	down_write(&mm->mmap_lock);
	list_for_each_entry_safe(vma, tmp, &mm->mmap, vm_list) {
		if (vma->vm_flags & VML_VM_LOCKED)
			vml_mlock_pages(vma, vma->vm_start, vma->vm_end, false);
		vml_zap_range(vma, vma->vm_start, vma->vm_end);
		vml_vma_unlink(mm, vma);
		vml_vma_free(vma);
	}
	vml_free_pgd_range(mm, 0, mm->task_size);
	up_write(&mm->mmap_lock);
}

/*
 * As munmap of the whole address space, so that the Vm* counters of the
 * dead mm read back as empty: the mm stays (a zombie) after the reap.
 */
int vml_mm_reap(struct vml_mm *mm)
{
	int ret;

	if (mm->kernel)
		return -EPERM;
	if (!down_write_trylock(&mm->mmap_lock))
		return -EBUSY;
	ret = vml_do_munmap(mm, 0, mm->task_size);
	up_write(&mm->mmap_lock);
	return ret;
}

static void mm_free(struct vml_mm *mm)
{
	if (!mm->kernel)
		unmap_all(mm);
	else
		vml_vmalloc_exit(mm);
	vml_pgtable_destroy(&mm->pgt);
	cache_free(mm_cachep, mm);
}

static int mm_assign_id(struct vml_mm *mm, int start, int end)
{
	int id;

	mutex_lock(&mm_ids_lock);
	id = idr_alloc(&mm_ids, mm, start, end, GFP_KERNEL);
	mutex_unlock(&mm_ids_lock);
	if (id < 0)
		return id;
	mm->id = id;
	return 0;
}

struct vml_mm *vml_mm_alloc(void)
{
	struct vml_mm *mm = new_mm();
	int ret;

	if (!mm)
		return ERR_PTR(-ENOMEM);
	refcount_inc(&mm->users);	/* the caller's; the first is the id's */
	ret = mm_assign_id(mm, 1, 0);
	if (ret) {
		mm_free(mm);
		return ERR_PTR(ret);
	}
	return mm;
}

void vml_mm_publish(struct vml_mm *mm)
{
	mutex_lock(&mm_ids_lock);
	mm->published = true;
	mutex_unlock(&mm_ids_lock);
}

struct vml_mm *vml_mm_create(void)
{
	struct vml_mm *mm = vml_mm_alloc();

	if (IS_ERR(mm))
		return mm;
	vml_mm_publish(mm);
	vml_mm_put(mm);		/* the id keeps it */
	return mm;
}

struct vml_mm *vml_mm_find(int id)
{
	struct vml_mm *mm;

	if (id == 0)
		vml_kernel_mm();

	mutex_lock(&mm_ids_lock);
	mm = idr_find(&mm_ids, id);
	if (mm && mm->published)
		refcount_inc(&mm->users);
	else
		mm = NULL;
	mutex_unlock(&mm_ids_lock);
	return mm;
}

void vml_mm_get(struct vml_mm *mm)
{
	refcount_inc(&mm->users);
}

void vml_mm_put(struct vml_mm *mm)
{
	if (refcount_dec_and_test(&mm->users))
		mm_free(mm);
}

static LLIST_HEAD(async_puts);

static void async_put_work_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&async_puts);
	struct vml_mm *mm, *next;

	llist_for_each_entry_safe(mm, next, list, async_put)
		mm_free(mm);
}

static DECLARE_WORK(async_put_work, async_put_work_fn);

void vml_mm_put_async(struct vml_mm *mm)
{
	if (refcount_dec_and_test(&mm->users) && llist_add(&mm->async_put, &async_puts))
		schedule_work(&async_put_work);
}

void vml_mm_flush_async_puts(void)
{
	flush_work(&async_put_work);
}

/* Take @mm's id away if it still has it. Return: true if it did. */
static bool mm_remove_id(struct vml_mm *mm)
{
	bool had;

	mutex_lock(&mm_ids_lock);
	had = idr_find(&mm_ids, mm->id) == mm;
	if (had)
		idr_remove(&mm_ids, mm->id);
	mutex_unlock(&mm_ids_lock);
	return had;
}

int vml_mm_destroy(struct vml_mm *mm)
{
	if (mm->kernel)
		return -EPERM;
	if (!mm_remove_id(mm))
		return -ESRCH;
	vml_mm_put(mm);		/* the id's reference */
	return 0;
}

static int kernel_mm_create(void);
static DEFINE_MUTEX(kernel_mm_lock);

/* Made on first use, so starting the core takes no frame from the arena. */
struct vml_mm *vml_kernel_mm(void)
{
	if (!READ_ONCE(kernel_mm)) {
		mutex_lock(&kernel_mm_lock);
		if (!kernel_mm)
			kernel_mm_create();
		mutex_unlock(&kernel_mm_lock);
	}
	return READ_ONCE(kernel_mm);
}

int vml_walk_mms(vml_mm_iter_fn fn, void *arg)
{
	struct vml_mm *mm;
	int id = 0, ret = 0;

	while (!ret) {
		mutex_lock(&mm_ids_lock);
		mm = idr_get_next(&mm_ids, &id);
		if (mm)
			refcount_inc(&mm->users);
		mutex_unlock(&mm_ids_lock);
		if (!mm)
			break;
		ret = fn(mm, arg);
		vml_mm_put_async(mm);
		id++;
	}
	return ret;
}

/* Give the free slabs of vma/'s caches back (for tests). */
void vml_vma_shrink_caches(void)
{
	mutex_lock(&caches_lock);
	if (mm_cachep) {
		vml_kmem_cache_shrink(mm_cachep);
		vml_kmem_cache_shrink(vma_cachep);
		vml_kmem_cache_shrink(anon_vma_cachep);
		vml_kmem_cache_shrink(avc_cachep);
	}
	mutex_unlock(&caches_lock);
}

/* ---- init and exit ---- */

static void caches_destroy(void)
{
	vml_kmem_cache_destroy(avc_cachep);
	vml_kmem_cache_destroy(anon_vma_cachep);
	vml_kmem_cache_destroy(vma_cachep);
	vml_kmem_cache_destroy(mm_cachep);
	avc_cachep = NULL;
	anon_vma_cachep = NULL;
	vma_cachep = NULL;
	mm_cachep = NULL;
}

static int caches_create(void)
{
	mm_cachep = vml_kmem_cache_create("vml_mm_struct", sizeof(struct vml_mm), 0,
					  VML_SLAB_HWCACHE_ALIGN, NULL);
	vma_cachep = vml_kmem_cache_create("vml_vm_area_struct", sizeof(struct vml_vma),
					   0, 0, NULL);
	anon_vma_cachep = vml_kmem_cache_create("vml_anon_vma",
						sizeof(struct vml_anon_vma), 0, 0, NULL);
	avc_cachep = vml_kmem_cache_create("vml_anon_vma_chain",
					   sizeof(struct vml_anon_vma_chain), 0, 0, NULL);
	if (mm_cachep && vma_cachep && anon_vma_cachep && avc_cachep)
		return 0;
	caches_destroy();
	return -ENOMEM;
}

/* The kernel mm: id 0, no VMAs, only the vmalloc area. */
static int kernel_mm_create(void)
{
	struct vml_mm *mm = new_mm();
	int ret;

	if (!mm)
		return -ENOMEM;
	mm->kernel = true;
	mm->published = true;
	ret = mm_assign_id(mm, 0, 1);
	if (ret) {
		mm_free(mm);
		return ret;
	}
	WRITE_ONCE(kernel_mm, mm);
	return 0;
}

static int put_one(struct vml_mm *mm, void *arg)
{
	if (mm_remove_id(mm))
		vml_mm_put(mm);	/* the id's reference; the walk holds another */
	return 0;
}

int vml_vma_init(void)
{
	/* The caches, the kernel mm and the zero page come on first use. */
	return 0;
}

/* Every mm, the kernel mm last, so unloading returns every frame. */
void vml_vma_exit(void)
{
	struct vml_mm *kmm = kernel_mm;

	mutex_lock(&mm_ids_lock);
	idr_remove(&mm_ids, 0);
	mutex_unlock(&mm_ids_lock);
	vml_walk_mms(put_one, NULL);
	vml_mm_flush_async_puts();	/* the walk's references were the last */
	kernel_mm = NULL;
	if (kmm)
		vml_mm_put(kmm);
	idr_destroy(&mm_ids);
	vml_zero_page_exit();
	caches_destroy();
}
