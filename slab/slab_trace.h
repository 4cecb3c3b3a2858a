/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Slab tracepoints
 *
 * slab_trace.h - tracepoints of the slab allocator (TRACE_SYSTEM vmlab).
 * vmlab_kmem_cache_alloc and vmlab_kmem_cache_free are kmem.h's
 * kmem_cache_alloc and kmem_cache_free with the cache's name on both
 * (vmlab's kmalloc is a size cache, so a kmalloc shows as its
 * kmalloc-N cache; a large kmalloc is a vmlab_page_alloc). slab/trace.c
 * defines CREATE_TRACE_POINTS.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmlab

#if !defined(VMLAB_SLAB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMLAB_SLAB_TRACE_H

#include <linux/tracepoint.h>
#include "vmlab_compat.h"

TRACE_EVENT(vmlab_kmem_cache_alloc,
	TP_PROTO(unsigned long call_site, const void *ptr, const char *name,
		 unsigned int bytes_req, unsigned int bytes_alloc,
		 unsigned int gfp_flags),
	TP_ARGS(call_site, ptr, name, bytes_req, bytes_alloc, gfp_flags),
	TP_STRUCT__entry(
		__field(unsigned long, call_site)
		__field(const void *, ptr)
		__string(name, name)
		__field(size_t, bytes_req)
		__field(size_t, bytes_alloc)
		__field(unsigned long, gfp_flags)
	),
	TP_fast_assign(
		__entry->call_site = call_site;
		__entry->ptr = ptr;
		vml_assign_str(name, name);
		__entry->bytes_req = bytes_req;
		__entry->bytes_alloc = bytes_alloc;
		__entry->gfp_flags = gfp_flags;
	),
	TP_printk("call_site=%pS ptr=%p name=%s bytes_req=%zu bytes_alloc=%zu gfp_flags=%#lx",
		  (void *)__entry->call_site, __entry->ptr, __get_str(name),
		  __entry->bytes_req, __entry->bytes_alloc, __entry->gfp_flags)
);

TRACE_EVENT(vmlab_kmem_cache_free,
	TP_PROTO(unsigned long call_site, const void *ptr, const char *name),
	TP_ARGS(call_site, ptr, name),
	TP_STRUCT__entry(
		__field(unsigned long, call_site)
		__field(const void *, ptr)
		__string(name, name)
	),
	TP_fast_assign(
		__entry->call_site = call_site;
		__entry->ptr = ptr;
		vml_assign_str(name, name);
	),
	TP_printk("call_site=%pS ptr=%p name=%s",
		  (void *)__entry->call_site, __entry->ptr, __get_str(name))
);

#endif /* VMLAB_SLAB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH slab
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE slab_trace
#include <trace/define_trace.h>
