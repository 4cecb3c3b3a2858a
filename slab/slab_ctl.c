// SPDX-License-Identifier: GPL-2.0
/*
 * slab_ctl.c - the slab ctl commands. Parsing and printing only.
 *
 * Caches created and objects allocated through ctl are remembered (in
 * host memory, so that the bookkeeping never shows in vmlab's own
 * slabinfo): ctl frees only what it handed out, destroys and pokes only
 * caches it created, and releases everything when the files go away. A
 * pointer ctl did not hand out is checked: if freeing it would be refused
 * anyway (double free, foreign pointer) it is passed on so that the
 * allocator reports and counts it, else the command fails with EPERM.
 * Commands run one at a time (ctl_lock).
 */
#include <linux/err.h>
#include <linux/slab.h>
#include "slab/slab-internal.h"
#include "ctl/ctl.h"

struct ctl_cache {
	struct list_head node;
	struct vml_kmem_cache *cache;
	atomic_long_t ctor_calls;
};

struct ctl_obj {
	struct list_head node;
	struct vml_kmem_cache *cache;	/* NULL: from vml_kmalloc() */
	void *addr;
};

static LIST_HEAD(ctl_caches);
static LIST_HEAD(ctl_objs);
static DEFINE_MUTEX(ctl_lock);

#define CTL_CTOR_BYTE	0xc7

static struct ctl_cache *find_ctl_cache(struct vml_kmem_cache *cache)
{
	struct ctl_cache *cc;

	list_for_each_entry(cc, &ctl_caches, node)
		if (cc->cache == cache)
			return cc;
	return NULL;
}

/* The ctor= constructor: marks the first byte and counts the call. */
static void ctl_ctor(void *obj)
{
	struct vml_slab *slab = vml_addr_to_slab(obj);
	struct ctl_cache *cc = slab ? find_ctl_cache(slab->cache) : NULL;

	*(u8 *)obj = CTL_CTOR_BYTE;
	if (cc)
		atomic_long_inc(&cc->ctor_calls);
}

static int lookup(struct vml_reply *r, const char *name,
		  struct vml_kmem_cache **cachep)
{
	mutex_lock(&vml_slab_mutex);
	*cachep = vml_kmem_cache_find(name);
	mutex_unlock(&vml_slab_mutex);
	if (!*cachep)
		return vml_reply_err(r, -ENOENT, "no cache named '%s'", name);
	return 0;
}

/* "ctor" is no cache flag: the ctl gives the cache its test constructor. */
#define CTL_CTOR	BIT(BITS_PER_LONG - 1)

static const struct vml_flag_name flag_names[] = {
	{ "hwalign", VML_SLAB_HWCACHE_ALIGN }, { "poison", VML_SLAB_POISON },
	{ "redzone", VML_SLAB_RED_ZONE }, { "user", VML_SLAB_STORE_USER },
	{ "reclaim", VML_SLAB_RECLAIM_ACCOUNT }, { "noreap", VML_SLAB_NO_REAP },
	{ "ctor", CTL_CTOR },
};

static int parse_flags(struct vml_reply *r, char *s, unsigned long *flags,
		       bool *ctor)
{
	unsigned long f;
	int ret = vml_parse_flag_list(r, "flag", s, flag_names,
				      ARRAY_SIZE(flag_names), &f);

	if (!ret) {
		*ctor |= !!(f & CTL_CTOR);
		*flags |= f & ~CTL_CTOR;
	}
	return ret;
}

/* align=N and flags=a,b,c in any order. */
static int parse_create_opts(struct vml_reply *r, int argc, char **argv,
			     u64 *align, unsigned long *flags, bool *ctor)
{
	int i, ret = 0;

	for (i = 3; i < argc && !ret; i++) {
		if (!strncmp(argv[i], "align=", 6))
			ret = vml_parse_arg_u64(r, "align", argv[i] + 6, PAGE_SIZE, align);
		else if (!strncmp(argv[i], "flags=", 6))
			ret = parse_flags(r, argv[i] + 6, flags, ctor);
		else
			ret = vml_reply_err(r, -EINVAL, "unknown option '%s'", argv[i]);
	}
	return ret;
}

static int cmd_cache_create(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *cache;
	unsigned long flags = 0;
	struct ctl_cache *cc;
	u64 size, align = 0;
	bool ctor = false;
	int ret;

	ret = vml_parse_arg_size(r, "size", argv[2], PAGE_SIZE << (VML_MAX_ORDER - 1), &size);
	if (!ret)
		ret = parse_create_opts(r, argc, argv, &align, &flags, &ctor);
	if (ret)
		return ret;
	if (!size)
		return vml_reply_err(r, -EINVAL, "size must be at least 1");
	if (align & (align - 1))
		return vml_reply_err(r, -EINVAL, "align must be a power of two");
	if (ctor && (flags & VML_SLAB_POISON))
		return vml_reply_err(r, -EINVAL, "poison and ctor exclude each other");
	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	if (!cc)
		return vml_reply_err(r, -ENOMEM, "out of host memory");
	list_add(&cc->node, &ctl_caches);	/* before any ctor can run */
	cache = __vml_kmem_cache_create(argv[1], size, align, flags,
					ctor ? ctl_ctor : NULL);
	if (IS_ERR(cache)) {
		list_del(&cc->node);
		kfree(cc);
		ret = PTR_ERR(cache);
		return vml_reply_err(r, ret, ret == -EEXIST ? "cache '%s' exists" :
				     ret == -ENOMEM ? "out of memory creating '%s'" :
				     "bad name, size or alignment for '%s'", argv[1]);
	}
	cc->cache = cache;
	vml_reply_add(r, " name=%s size=%u objperslab=%u order=%u", cache->name,
		      cache->size, cache->num, cache->gfporder);
	return 0;
}

static int track(struct vml_reply *r, struct vml_kmem_cache *cache, void *addr)
{
	struct ctl_obj *o = kmalloc(sizeof(*o), GFP_KERNEL);

	if (!o) {
		if (cache)
			vml_kmem_cache_free(cache, addr);
		else
			vml_kfree(addr);
		return vml_reply_err(r, -ENOMEM, "out of host memory");
	}
	o->cache = cache;
	o->addr = addr;
	list_add(&o->node, &ctl_objs);
	return 0;
}

static struct ctl_obj *find_obj(struct vml_kmem_cache *cache, void *addr)
{
	struct ctl_obj *o;

	list_for_each_entry(o, &ctl_objs, node)
		if (o->cache == cache && o->addr == addr)
			return o;
	return NULL;
}

static int cmd_cache_alloc(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *cache;
	void *obj;
	int ret;

	ret = lookup(r, argv[1], &cache);
	if (ret)
		return ret;
	obj = vml_kmem_cache_alloc(cache, VML_GFP_KERNEL | VML___GFP_NOWARN);
	if (!obj)
		return vml_reply_err(r, -ENOMEM, "cache '%s' cannot grow", argv[1]);
	ret = track(r, cache, obj);
	if (!ret)
		vml_reply_add(r, " addr=%#lx", (unsigned long)obj);
	return ret;
}

static int parse_addr(struct vml_reply *r, const char *s, void **addr)
{
	u64 v;
	int ret = vml_parse_arg_u64(r, "addr", s, ULONG_MAX, &v);

	*addr = (void *)(unsigned long)v;
	return ret;
}

/* Free a tracked object, or let the allocator refuse and count a bad one. */
static int ctl_free(struct vml_reply *r, struct vml_kmem_cache *cache, void *addr)
{
	struct ctl_obj *o = find_obj(cache, addr);
	struct vml_slab *slab;
	const char *why;
	unsigned int idx;

	if (o) {
		list_del(&o->node);
		kfree(o);
		if (cache)
			vml_kmem_cache_free(cache, addr);
		else
			vml_kfree(addr);
		return 0;
	}
	why = cache ? vml_slab_check_free(cache, addr, &slab, &idx) :
		      vml_kfree_check(addr);
	if (!why)
		return vml_reply_err(r, -EPERM, "%#lx was not allocated through ctl",
				     (unsigned long)addr);
	if (cache)
		vml_kmem_cache_free(cache, addr);	/* refused and counted */
	else
		vml_kfree(addr);
	return vml_reply_err(r, -EINVAL, "%s", why);
}

static int cmd_cache_free(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *cache;
	void *addr;
	int ret;

	ret = lookup(r, argv[1], &cache);
	if (!ret)
		ret = parse_addr(r, argv[2], &addr);
	return ret ?: ctl_free(r, cache, addr);
}

static int cmd_cache_shrink(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *cache;
	int ret = lookup(r, argv[1], &cache);

	if (!ret)
		vml_reply_add(r, " freed_pages=%lu", vml_kmem_cache_shrink(cache));
	return ret;
}

static int cmd_cache_destroy(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *cache;
	struct vml_slabinfo si;
	struct ctl_cache *cc;
	int ret;

	ret = lookup(r, argv[1], &cache);
	if (ret)
		return ret;
	cc = find_ctl_cache(cache);
	if (!cc)
		return vml_reply_err(r, -EPERM, "cache '%s' was not created through ctl",
				     argv[1]);
	if (vml_kmem_cache_destroy(cache)) {
		vml_kmem_cache_info(cache, &si);
		return vml_reply_err(r, -EBUSY, "cache '%s' has %lu live objects",
				     argv[1], si.user_objs);
	}
	list_del(&cc->node);
	kfree(cc);
	return 0;
}

static int cmd_cache_info(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *c;
	struct vml_slabinfo si;
	struct ctl_cache *cc;
	int ret = lookup(r, argv[1], &c);

	if (ret)
		return ret;
	vml_kmem_cache_info(c, &si);
	cc = find_ctl_cache(c);
	vml_reply_add(r, " size=%u object_size=%u align=%u obj_offset=%u order=%u objperslab=%u",
		      c->size, c->object_size, c->align, c->obj_offset, c->gfporder, c->num);
	vml_reply_add(r, " off_slab=%d colour=%u colour_off=%u limit=%u batchcount=%u",
		      !!(c->flags & VML_CFLGS_OFF_SLAB), c->colour, c->colour_off,
		      c->limit, c->batchcount);
	vml_reply_add(r, " active_objs=%lu num_objs=%lu user_objs=%lu cpu_objs=%lu",
		      si.active_objs, si.num_objs, si.user_objs, si.cpu_objs);
	vml_reply_add(r, " num_slabs=%lu free_slabs=%lu ctor_calls=%ld",
		      si.num_slabs, si.free_slabs,
		      cc ? atomic_long_read(&cc->ctor_calls) : 0);
	vml_reply_add(r, " bad_free=%lu poison=%lu redzone=%lu corrupt=%lu",
		      vml_slab_errors(c, VML_SLAB_ERR_BAD_FREE),
		      vml_slab_errors(c, VML_SLAB_ERR_POISON),
		      vml_slab_errors(c, VML_SLAB_ERR_REDZONE),
		      vml_slab_errors(c, VML_SLAB_ERR_CORRUPT));
	return 0;
}

static int cmd_cache_reap(int argc, char **argv, struct vml_reply *r)
{
	vml_reply_add(r, " freed_pages=%lu", vml_kmem_cache_reap(VML_GFP_KERNEL));
	return 0;
}

/* A signed byte offset: "-8", "16", "0x10". */
static int parse_offset(struct vml_reply *r, const char *s, long *off)
{
	bool neg = *s == '-';
	u64 v;
	int ret = vml_parse_arg_u64(r, "offset", s + neg, PAGE_SIZE << VML_MAX_ORDER, &v);

	*off = neg ? -(long)v : (long)v;
	return ret;
}

/*
 * Write a byte anywhere inside an object's slot (red zones included) of a
 * cache ctl created: how the debug checks are shown to work. The slot is
 * never left, so the allocator's own data cannot be reached.
 */
static int cmd_cache_poke(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *cache;
	u64 byte;
	void *addr, *slot;
	long off;
	int ret;

	ret = lookup(r, argv[1], &cache);
	if (!ret)
		ret = parse_addr(r, argv[2], &addr);
	if (!ret)
		ret = parse_offset(r, argv[3], &off);
	if (!ret)
		ret = vml_parse_arg_u64(r, "byte", argv[4], 0xff, &byte);
	if (ret)
		return ret;
	if (!find_ctl_cache(cache))
		return vml_reply_err(r, -EPERM, "cache '%s' was not created through ctl", argv[1]);
	slot = vml_slab_slot(cache, addr);
	if (!slot)
		return vml_reply_err(r, -EINVAL, "%#lx is not an object of '%s'",
				     (unsigned long)addr, argv[1]);
	if (off < -(long)cache->obj_offset || off >= (long)(cache->size - cache->obj_offset))
		return vml_reply_err(r, -ERANGE, "offset %ld is outside the slot [%ld, %u)",
				     off, -(long)cache->obj_offset,
				     cache->size - cache->obj_offset);
	*(u8 *)(addr + off) = byte;
	return 0;
}

static int cmd_kmalloc(int argc, char **argv, struct vml_reply *r)
{
	u64 size;
	void *obj;
	int ret;

	ret = vml_parse_arg_size(r, "size", argv[1], PAGE_SIZE << (VML_MAX_ORDER - 1), &size);
	if (ret)
		return ret;
	if (!size)
		return vml_reply_err(r, -EINVAL, "size must be at least 1");
	obj = vml_kmalloc(size, VML_GFP_KERNEL | VML___GFP_NOWARN);
	if (!obj)
		return vml_reply_err(r, -ENOMEM, "no memory for %llu bytes", size);
	ret = track(r, NULL, obj);
	if (!ret)
		vml_reply_add(r, " addr=%#lx size=%zu", (unsigned long)obj, vml_ksize(obj));
	return ret;
}

static int cmd_kfree(int argc, char **argv, struct vml_reply *r)
{
	void *addr;
	int ret = parse_addr(r, argv[1], &addr);

	return ret ?: ctl_free(r, NULL, addr);
}

static int slab_cmd(int argc, char **argv, struct vml_reply *r);

static const struct vml_ctl_cmd slab_cmds[] = {
	{ "cache_create",
	  "<name> <size> [align=N] [flags=hwalign,poison,redzone,user,reclaim,noreap,ctor]",
	  2, 4, slab_cmd },
	{ "cache_alloc", "<name>", 1, 1, slab_cmd },
	{ "cache_free", "<name> <addr>", 2, 2, slab_cmd },
	{ "cache_shrink", "<name>", 1, 1, slab_cmd },
	{ "cache_destroy", "<name>", 1, 1, slab_cmd },
	{ "cache_info", "<name>", 1, 1, slab_cmd },
	{ "cache_reap", "", 0, 0, slab_cmd },
	{ "cache_poke", "<name> <addr> <offset> <byte>", 4, 4, slab_cmd },
	{ "kmalloc", "<size>", 1, 1, slab_cmd },
	{ "kfree", "<addr>", 1, 1, slab_cmd },
};

/* The handlers, in the order of slab_cmds. */
static int (* const slab_handlers[])(int argc, char **argv, struct vml_reply *r) = {
	cmd_cache_create, cmd_cache_alloc, cmd_cache_free, cmd_cache_shrink,
	cmd_cache_destroy, cmd_cache_info, cmd_cache_reap, cmd_cache_poke,
	cmd_kmalloc, cmd_kfree,
};

/* Every command runs under ctl_lock, so the lists above need no more. */
static int slab_cmd(int argc, char **argv, struct vml_reply *r)
{
	int i, ret = -EINVAL;

	BUILD_BUG_ON(ARRAY_SIZE(slab_cmds) != ARRAY_SIZE(slab_handlers));
	mutex_lock(&ctl_lock);
	for (i = 0; i < ARRAY_SIZE(slab_cmds); i++) {
		if (!strcmp(argv[0], slab_cmds[i].name)) {
			ret = slab_handlers[i](argc, argv, r);
			break;
		}
	}
	mutex_unlock(&ctl_lock);
	return ret;
}

static struct vml_ctl_group slab_group = {
	.cmds = slab_cmds,
	.nr = ARRAY_SIZE(slab_cmds),
};

/** vml_slab_ctl_init() - register the slab commands. */
void vml_slab_ctl_init(void)
{
	vml_ctl_register(&slab_group);
}

/** vml_slab_ctl_exit() - free what ctl allocated, destroy what it created. */
void vml_slab_ctl_exit(void)
{
	struct ctl_cache *cc, *tc;
	struct ctl_obj *o, *to;

	vml_ctl_unregister(&slab_group);
	mutex_lock(&ctl_lock);
	list_for_each_entry_safe(o, to, &ctl_objs, node) {
		if (o->cache)
			vml_kmem_cache_free(o->cache, o->addr);
		else
			vml_kfree(o->addr);
		list_del(&o->node);
		kfree(o);
	}
	list_for_each_entry_safe(cc, tc, &ctl_caches, node) {
		vml_kmem_cache_destroy(cc->cache);
		list_del(&cc->node);
		kfree(cc);
	}
	mutex_unlock(&ctl_lock);
}
