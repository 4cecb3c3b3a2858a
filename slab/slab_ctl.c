// SPDX-License-Identifier: GPL-2.0
/*
 * slab_ctl.c - the slab ctl commands. Parsing and printing only.
 *
 * Caches created and objects allocated through ctl are remembered by
 * slab/ (owned.c): ctl frees only what it handed out, destroys and pokes
 * only caches it created, and everything is released when the files go
 * away. A pointer ctl did not hand out is never passed to a free; it is
 * refused, reported and counted there.
 *
 * The commands run one at a time under slab_ctl_lock, which their group
 * declares: a cache is looked up by name and then used, and only
 * cache_destroy (of a cache ctl created) can free it meanwhile.
 */
#include <linux/err.h>
#include "slab/slab-internal.h"
#include "ctl/ctl.h"

static DEFINE_MUTEX(slab_ctl_lock);

static int lookup(struct vml_reply *r, const char *name,
		  struct vml_kmem_cache **cachep)
{
	*cachep = vml_kmem_cache_lookup(name);
	if (!*cachep)
		return vml_reply_err(r, -ENOENT, "no cache named '%s'", name);
	return 0;
}

static const struct vml_flag_name flag_names[] = {
	{ "hwalign", VML_SLAB_HWCACHE_ALIGN }, { "poison", VML_SLAB_POISON },
	{ "redzone", VML_SLAB_RED_ZONE }, { "user", VML_SLAB_STORE_USER },
	{ "reclaim", VML_SLAB_RECLAIM_ACCOUNT }, { "noreap", VML_SLAB_NO_REAP },
};

/* The cache flags, and "ctor": a request for the test constructor. */
static int parse_flags(struct vml_reply *r, char *s, unsigned long *flags,
		       bool *ctor)
{
	unsigned long f;
	char *w;
	int ret = 0;

	while (!ret && (w = strsep(&s, ",")) != NULL) {
		if (!strcmp(w, "ctor")) {
			*ctor = true;
			continue;
		}
		ret = vml_parse_flag_list(r, "flag", w, flag_names,
					  ARRAY_SIZE(flag_names), &f);
		*flags |= ret ? 0 : f;
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
	cache = vml_slab_owned_create(argv[1], size, align, flags, ctor);
	if (IS_ERR(cache)) {
		ret = PTR_ERR(cache);
		return vml_reply_err(r, ret, ret == -EEXIST ? "cache '%s' exists" :
				     ret == -ENOMEM ? "out of memory creating '%s'" :
				     "bad name, size or alignment for '%s'", argv[1]);
	}
	vml_reply_add(r, " name=%s size=%u objperslab=%u order=%u", cache->name,
		      cache->size, cache->num, cache->gfporder);
	return 0;
}

static int cmd_cache_alloc(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *cache;
	void *obj;
	int ret;

	ret = lookup(r, argv[1], &cache);
	if (ret)
		return ret;
	obj = vml_slab_owned_alloc(cache, 0, VML_GFP_KERNEL | VML___GFP_NOWARN);
	if (!obj)
		return vml_reply_err(r, -ENOMEM, "cache '%s' cannot grow", argv[1]);
	vml_reply_add(r, " addr=%#lx", (unsigned long)obj);
	return 0;
}

static int parse_addr(struct vml_reply *r, const char *s, void **addr)
{
	u64 v;
	int ret = vml_parse_arg_u64(r, "addr", s, ULONG_MAX, &v);

	*addr = (void *)(unsigned long)v;
	return ret;
}

/* Free what ctl handed out; anything else is refused and counted. */
static int ctl_free(struct vml_reply *r, struct vml_kmem_cache *cache, void *addr)
{
	const char *why;
	int ret = vml_slab_owned_free(cache, addr, &why);

	if (ret == -EPERM)
		return vml_reply_err(r, ret, "%#lx was not allocated through ctl",
				     (unsigned long)addr);
	if (ret)
		return vml_reply_err(r, ret, "%s", why);
	return 0;
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
	int ret;

	ret = lookup(r, argv[1], &cache);
	if (ret)
		return ret;
	ret = vml_slab_owned_destroy(cache);
	if (ret == -EPERM)
		return vml_reply_err(r, ret, "cache '%s' was not created through ctl",
				     argv[1]);
	if (ret) {
		vml_kmem_cache_info(cache, &si);
		return vml_reply_err(r, -EBUSY, "cache '%s' has %lu live objects",
				     argv[1], si.user_objs);
	}
	return 0;
}

static int cmd_cache_info(int argc, char **argv, struct vml_reply *r)
{
	struct vml_kmem_cache *c;
	struct vml_slabinfo si;
	int ret = lookup(r, argv[1], &c);

	if (ret)
		return ret;
	vml_kmem_cache_info(c, &si);
	vml_reply_add(r, " size=%u object_size=%u align=%u obj_offset=%u order=%u objperslab=%u",
		      c->size, c->object_size, c->align, c->obj_offset, c->gfporder, c->num);
	vml_reply_add(r, " off_slab=%d colour=%u colour_off=%u limit=%u batchcount=%u",
		      !!(c->flags & VML_CFLGS_OFF_SLAB), c->colour, c->colour_off,
		      c->limit, c->batchcount);
	vml_reply_add(r, " active_objs=%lu num_objs=%lu user_objs=%lu cpu_objs=%lu",
		      si.active_objs, si.num_objs, si.user_objs, si.cpu_objs);
	vml_reply_add(r, " num_slabs=%lu free_slabs=%lu ctor_calls=%ld",
		      si.num_slabs, si.free_slabs, vml_slab_owned_ctor_calls(c));
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
	if (!vml_slab_owned_cache(cache))
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
	obj = vml_slab_owned_alloc(NULL, size, VML_GFP_KERNEL | VML___GFP_NOWARN);
	if (!obj)
		return vml_reply_err(r, -ENOMEM, "no memory for %llu bytes", size);
	vml_reply_add(r, " addr=%#lx size=%zu", (unsigned long)obj, vml_ksize(obj));
	return 0;
}

static int cmd_kfree(int argc, char **argv, struct vml_reply *r)
{
	void *addr;
	int ret = parse_addr(r, argv[1], &addr);

	return ret ?: ctl_free(r, NULL, addr);
}

static const struct vml_ctl_cmd slab_cmds[] = {
	{ "cache_create",
	  "<name> <size> [align=N] [flags=hwalign,poison,redzone,user,reclaim,noreap,ctor]",
	  2, 4, cmd_cache_create },
	{ "cache_alloc", "<name>", 1, 1, cmd_cache_alloc },
	{ "cache_free", "<name> <addr>", 2, 2, cmd_cache_free },
	{ "cache_shrink", "<name>", 1, 1, cmd_cache_shrink },
	{ "cache_destroy", "<name>", 1, 1, cmd_cache_destroy },
	{ "cache_info", "<name>", 1, 1, cmd_cache_info },
	{ "cache_reap", "", 0, 0, cmd_cache_reap },
	{ "cache_poke", "<name> <addr> <offset> <byte>", 4, 4, cmd_cache_poke },
	{ "kmalloc", "<size>", 1, 1, cmd_kmalloc },
	{ "kfree", "<addr>", 1, 1, cmd_kfree },
};

static struct vml_ctl_group slab_group = {
	.cmds = slab_cmds,
	.nr = ARRAY_SIZE(slab_cmds),
	.lock = &slab_ctl_lock,
};

/** vml_slab_ctl_init() - register the slab commands. */
void vml_slab_ctl_init(void)
{
	vml_ctl_register(&slab_group);
}

/** vml_slab_ctl_exit() - free what ctl allocated, destroy what it created. */
void vml_slab_ctl_exit(void)
{
	vml_ctl_unregister(&slab_group);
	vml_slab_owned_release();
}
