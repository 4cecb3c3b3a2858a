// SPDX-License-Identifier: GPL-2.0
/*
 * anon_vma.c - anon_vmas and their chains, as Linux 6.1's mm/rmap.c
 * (anon_vma_prepare(), anon_vma_clone(), anon_vma_fork(),
 * unlink_anon_vmas()) and the anon_vma interval tree of
 * mm/interval_tree.c.
 *
 * Each VMA with anonymous memory has an anon_vma, where its new pages go,
 * and a chain of anon_vma_chains: one per anon_vma whose pages it may map
 * (its own, those of the VMAs it was forked from, newest first). Each
 * anon_vma keeps its chains in an interval tree by the VMA's page offsets,
 * so the reverse map of a page visits only the VMAs of its family that
 * cover its offset. fork chains the child's VMA to every anon_vma of the
 * parent's, then gives it a new one (or reuses one that no VMA uses any
 * more and that has a single child: the hierarchy does not grow with
 * every fork of a forking process).
 *
 * Lock order: mmap_lock -> i_mmap rwsem -> anon_vma root rwsem ->
 * pgt.lock -> page rmap lock. One rwsem, the root's, locks every tree of
 * a family. Nothing here allocates under an rwsem: an allocation may
 * reclaim, and reclaim walks these trees.
 */
#include <linux/hash.h>
#include <linux/interval_tree_generic.h>
#include "vma/vma-internal.h"

static inline unsigned long avc_start_pgoff(struct vml_anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff;
}

static inline unsigned long avc_last_pgoff(struct vml_anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff + vml_vma_pages(avc->vma) - 1;
}

INTERVAL_TREE_DEFINE(struct vml_anon_vma_chain, rb, unsigned long, rb_subtree_last,
		     avc_start_pgoff, avc_last_pgoff, static inline, avc_tree)

/* ---- the page's identity ---- */

#define PAGE_RMAP_LOCK_BITS	6
static spinlock_t page_rmap_locks[1 << PAGE_RMAP_LOCK_BITS] = {
	[0 ... (1 << PAGE_RMAP_LOCK_BITS) - 1] = __SPIN_LOCK_UNLOCKED(page_rmap_locks)
};

static spinlock_t *page_rmap_lock_of(struct vml_page *page)
{
	return &page_rmap_locks[hash_ptr(page, PAGE_RMAP_LOCK_BITS)];
}

void vml_page_rmap_lock(struct vml_page *page)
{
	spin_lock(page_rmap_lock_of(page));
}

void vml_page_rmap_unlock(struct vml_page *page)
{
	spin_unlock(page_rmap_lock_of(page));
}

void vml_page_set_rmap(struct vml_page *page, unsigned long owner, bool anon)
{
	vml_page_rmap_lock(page);
	/* A swap-in may have mapped it again since its last unmap. */
	if (owner || atomic_read(&page->_mapcount) < 0) {
		page->private = owner;
		if (anon)
			vml_page_set(page, VML_PG_anon);
		else
			vml_page_clear(page, VML_PG_anon);
	}
	vml_page_rmap_unlock(page);
}

/* ---- references ---- */

void vml_anon_vma_get(struct vml_anon_vma *av)
{
	refcount_inc(&av->refcount);
}

void vml_anon_vma_put(struct vml_anon_vma *av)
{
	struct vml_anon_vma *root = av->root;

	if (!refcount_dec_and_test(&av->refcount))
		return;
	vml_anon_vma_free(av);
	if (root != av)
		vml_anon_vma_put(root);	/* the root's last, after its children */
}

/* ---- chains ---- */

static void chain_link(struct vml_vma *vma, struct vml_anon_vma_chain *avc,
		       struct vml_anon_vma *av)
{
	avc->vma = vma;
	avc->anon_vma = av;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	avc_tree_insert(avc, &av->rb_root);
}

/* lock_anon_vma_root(): the chains of one VMA share one root. */
static struct vml_anon_vma *lock_root(struct vml_anon_vma *root,
				      struct vml_anon_vma *av)
{
	if (av->root != root) {
		if (WARN_ON_ONCE(root))
			up_write(&root->rwsem);
		root = av->root;
		down_write(&root->rwsem);
	}
	return root;
}

static void unlock_root(struct vml_anon_vma *root)
{
	if (root)
		up_write(&root->rwsem);
}

static void chains_free(struct list_head *list)
{
	struct vml_anon_vma_chain *avc, *next;

	list_for_each_entry_safe(avc, next, list, same_vma) {
		list_del(&avc->same_vma);
		vml_avc_free(avc);
	}
}

/* @n chains on @list, before any lock is taken. */
static int chains_alloc(struct list_head *list, int n)
{
	struct vml_anon_vma_chain *avc;

	while (n--) {
		avc = vml_avc_alloc();
		if (!avc) {
			chains_free(list);
			return -ENOMEM;
		}
		list_add(&avc->same_vma, list);
	}
	return 0;
}

/* ---- anon_vma_prepare() ---- */

/*
 * anon_vma_compatible(): could @b's anonymous memory continue @a's? They
 * touch, back onto the same file, differ at most in access flags, and
 * @b's offsets follow @a's.
 */
static bool anon_vma_compatible(struct vml_vma *a, struct vml_vma *b)
{
	return a->vm_end == b->vm_start && vml_same_file(a->vm_file, b->vm_file) &&
	       !((a->vm_flags ^ b->vm_flags) & ~VML_VM_ACCESS_FLAGS) &&
	       b->vm_pgoff == a->vm_pgoff + vml_vma_pages(a);
}

/* reusable_anon_vma(): @old's anon_vma, if @a and @b are compatible. */
static struct vml_anon_vma *reusable_anon_vma(struct vml_vma *old,
					      struct vml_vma *a, struct vml_vma *b)
{
	struct vml_anon_vma *av;

	if (!old || !anon_vma_compatible(a, b))
		return NULL;
	av = READ_ONCE(old->anon_vma);
	return av && vml_anon_vma_singular(old) ? av : NULL;
}

/*
 * Give @vma an anon_vma before its first anonymous page (anon_vma_prepare()).
 * Like find_mergeable_anon_vma(), reuse the next VMA's, else the previous
 * one's, when they could merge later (reusable_anon_vma()), so that an
 * mprotect undone later merges again as in Linux. Faults run under the
 * read side of mmap_lock, so two may get here at once for one VMA: as
 * __anon_vma_prepare() does under page_table_lock, the pointer is set
 * under pgt.lock and the loser frees its allocations.
 */
int vml_anon_vma_prepare(struct vml_vma *vma)
{
	struct vml_vma *next = vml_vma_next(vma), *prev = vml_vma_prev(vma);
	struct vml_anon_vma *av, *allocated = NULL;
	spinlock_t *lock = &vma->vm_mm->pgt.lock;
	struct vml_anon_vma_chain *avc;

	if (READ_ONCE(vma->anon_vma))
		return 0;
	avc = vml_avc_alloc();
	if (!avc)
		return -ENOMEM;
	av = reusable_anon_vma(next, vma, next);
	if (!av && prev)
		av = reusable_anon_vma(prev, prev, vma);
	if (!av) {
		av = vml_anon_vma_alloc();
		if (!av) {
			vml_avc_free(avc);
			return -ENOMEM;
		}
		av->num_children++;	/* a root is its own parent */
		allocated = av;
	}
	down_write(&av->root->rwsem);
	spin_lock(lock);
	if (!vma->anon_vma) {
		/* Published initialised: the in-window fault reads it unlocked. */
		smp_store_release(&vma->anon_vma, av);
		chain_link(vma, avc, av);
		av->num_active_vmas++;
		allocated = NULL;
		avc = NULL;
	}
	spin_unlock(lock);
	up_write(&av->root->rwsem);
	if (allocated)
		vml_anon_vma_put(allocated);	/* another fault set it first */
	if (avc)
		vml_avc_free(avc);
	return 0;
}

/* ---- clone, fork, unlink ---- */

/*
 * anon_vma_clone(): chain @dst to every anon_vma @src is chained to.
 * Split and mremap copies (@dst->anon_vma already @src's) want an exact
 * copy; fork (@dst->anon_vma NULL) reuses an anon_vma that no VMA uses
 * and that has fewer than two children, as 6.1 does.
 * Return: 0, or -ENOMEM with nothing changed.
 */
int vml_anon_vma_clone(struct vml_vma *dst, struct vml_vma *src)
{
	struct vml_anon_vma_chain *avc, *pavc;
	struct vml_anon_vma *root = NULL;
	LIST_HEAD(spare);
	int n = 0;

	list_for_each_entry(pavc, &src->anon_vma_chain, same_vma)
		n++;
	if (!n)
		return 0;
	if (chains_alloc(&spare, n))
		return -ENOMEM;
	list_for_each_entry_reverse(pavc, &src->anon_vma_chain, same_vma) {
		struct vml_anon_vma *av = pavc->anon_vma;

		avc = list_first_entry(&spare, struct vml_anon_vma_chain, same_vma);
		list_del(&avc->same_vma);
		root = lock_root(root, av);
		chain_link(dst, avc, av);
		/* The root is never reused: it is its own child. */
		if (!dst->anon_vma && src->anon_vma &&
		    av->num_children < 2 && av->num_active_vmas == 0)
			dst->anon_vma = av;
	}
	if (dst->anon_vma)
		dst->anon_vma->num_active_vmas++;
	unlock_root(root);
	return 0;
}

/*
 * anon_vma_fork(): chain the child's @vma to the parent @pvma's anon_vmas,
 * so rmap finds the pages they still share, then give it its own
 * anon_vma (unless one was reused) for the pages it will COW.
 * Return: 0, or -ENOMEM with @vma unchained.
 */
int vml_anon_vma_fork(struct vml_vma *vma, struct vml_vma *pvma)
{
	struct vml_anon_vma_chain *avc;
	struct vml_anon_vma *av;

	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;
	if (vml_anon_vma_clone(vma, pvma))
		return -ENOMEM;
	if (vma->anon_vma)
		return 0;
	av = vml_anon_vma_alloc();
	avc = av ? vml_avc_alloc() : NULL;
	if (!avc) {
		if (av)
			vml_anon_vma_put(av);
		vml_unlink_anon_vmas(vma);
		return -ENOMEM;
	}
	av->num_active_vmas++;
	av->root = pvma->anon_vma->root;
	av->parent = pvma->anon_vma;
	/* The lock lives in the root: it must outlive this anon_vma. */
	vml_anon_vma_get(av->root);
	vma->anon_vma = av;
	down_write(&av->root->rwsem);
	chain_link(vma, avc, av);
	av->parent->num_children++;
	up_write(&av->root->rwsem);
	return 0;
}

/*
 * unlink_anon_vmas(): take @vma out of every tree it is chained into. An
 * anon_vma whose tree empties loses its in-use reference (after the lock
 * is dropped: the root may go with it); newest first, so the root last.
 */
void vml_unlink_anon_vmas(struct vml_vma *vma)
{
	struct vml_anon_vma_chain *avc, *next;
	struct vml_anon_vma *root = NULL;

	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct vml_anon_vma *av = avc->anon_vma;

		root = lock_root(root, av);
		avc_tree_remove(avc, &av->rb_root);
		if (RB_EMPTY_ROOT(&av->rb_root.rb_root)) {
			av->parent->num_children--;
			continue;	/* put below, unlocked */
		}
		list_del(&avc->same_vma);
		vml_avc_free(avc);
	}
	if (vma->anon_vma) {
		vma->anon_vma->num_active_vmas--;
		vma->anon_vma = NULL;
	}
	unlock_root(root);
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		vml_anon_vma_put(avc->anon_vma);
		list_del(&avc->same_vma);
		vml_avc_free(avc);
	}
}

/* ---- offsets changing (vma_prepare()/vma_complete()) ---- */

/* The root locking @vma's chains, or NULL when it has none. */
struct vml_anon_vma *vml_vma_anon_root(struct vml_vma *vma)
{
	struct vml_anon_vma_chain *avc;

	avc = list_first_entry_or_null(&vma->anon_vma_chain,
				       struct vml_anon_vma_chain, same_vma);
	return avc ? avc->anon_vma->root : NULL;
}

/* anon_vma_interval_tree_pre_update_vma(); the root is write-locked. */
void vml_anon_vma_trees_remove(struct vml_vma *vma)
{
	struct vml_anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		avc_tree_remove(avc, &avc->anon_vma->rb_root);
}

/* anon_vma_interval_tree_post_update_vma(): back with the new offsets. */
void vml_anon_vma_trees_insert(struct vml_vma *vma)
{
	struct vml_anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		avc_tree_insert(avc, &avc->anon_vma->rb_root);
}

/* ---- the walk ---- */

int vml_anon_vma_walk(struct vml_anon_vma *av, u32 index, vml_vma_visit_fn fn,
		      void *arg)
{
	struct vml_anon_vma *root = av->root;
	struct vml_anon_vma_chain *avc;
	unsigned long first, last, hi, pgoff;
	int ret = 0;

	down_read(&root->rwsem);
	if (RB_EMPTY_ROOT(&av->rb_root.rb_root))
		goto out;
	avc = rb_entry(rb_first_cached(&av->rb_root), struct vml_anon_vma_chain, rb);
	first = avc_start_pgoff(avc);
	last = rb_entry(av->rb_root.rb_root.rb_node, struct vml_anon_vma_chain,
			rb)->rb_subtree_last;
	/* Usually one slice: a family's offsets rarely straddle 2^32 pages. */
	for (hi = first >> 32; hi <= last >> 32 && !ret; hi++) {
		pgoff = (hi << 32) | index;
		for (avc = avc_tree_iter_first(&av->rb_root, pgoff, pgoff);
		     avc && !ret; avc = avc_tree_iter_next(avc, pgoff, pgoff))
			ret = fn(avc->vma, pgoff, arg);
	}
out:
	up_read(&root->rwsem);
	return ret;
}

/* ---- the checker's view ---- */

bool vml_vma_in_anon_vma(struct vml_vma *vma, struct vml_anon_vma *av)
{
	struct vml_anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		if (avc->anon_vma == av)
			return true;
	return false;
}

/*
 * Is @avc in its anon_vma's tree where @vma's offsets say it should be?
 * The root is held (the checker's caller holds @vma's mmap_lock).
 */
bool vml_avc_in_tree(struct vml_anon_vma_chain *avc)
{
	struct vml_anon_vma_chain *it;
	unsigned long first = avc_start_pgoff(avc), last = avc_last_pgoff(avc);

	for (it = avc_tree_iter_first(&avc->anon_vma->rb_root, first, last); it;
	     it = avc_tree_iter_next(it, first, last))
		if (it == avc)
			return true;
	return false;
}
