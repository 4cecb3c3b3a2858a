/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark runner interface (vmlab_bench.ko = the vmlab core plus
 * the files in tests/bench/).
 *
 * A benchmark is a pair of functions doing the same work: one through vmlab,
 * one through the host kernel.  The runner (bench_main.c) runs both on the
 * same CPU, interleaved A B A B over several rounds; each round times a batch
 * of @iters calls' worth of work with ktime_get_ns().  It reports the per-op
 * median of each side and ratio = vmlab / host.  With @all_cpus the same pair
 * also runs on every online CPU at once (one kthread per CPU) and the median
 * over the CPUs is reported as a second row.
 *
 * To add a benchmark: write tests/bench/bench_<x>.c defining a
 * "const struct vml_bench vml_bench_<x>" and add it to the table in
 * tests/bench/bench_rows.c (a VML_BENCH_DECLARE(vml_bench_<x>); line and a
 * table entry).
 */
#ifndef VMLAB_BENCH_H
#define VMLAB_BENCH_H

#include <linux/types.h>

/**
 * struct vml_bench - one benchmark row.
 * @name: what is measured, e.g. "page order-0 alloc+free".
 * @setup: optional; called once after the core is up, before any timing.
 *	Return 0, VML_BENCH_SKIP (not wanted in this run: no result line) or
 *	-errno (the row is then reported as failed and skipped).
 * @vmlab: do @iters operations through vmlab.  May sleep.
 * @host: do the same @iters operations through the host kernel.
 * @teardown: optional; called once after the row, if @setup succeeded.
 * @iters: operations per timed batch; 0 means VML_BENCH_ITERS.
 * @all_cpus: also run on all online CPUs at once (functions must be safe
 *	to run concurrently on different CPUs).
 * @latency: optional, instead of @vmlab and @host: time @n single
 *	operations of each side, interleaved (vmlab, host, host, vmlab...),
 *	into @vmlab_ns and @host_ns; return how many pairs were timed or
 *	-errno. The row is reported twice, as the medians and as the 99th
 *	percentiles of the single operations ("<name>, median" / ", p99").
 */
struct vml_bench {
	const char *name;
	int (*setup)(void);
	void (*vmlab)(unsigned int iters);
	void (*host)(unsigned int iters);
	void (*teardown)(void);
	unsigned int iters;
	bool all_cpus;
	int (*latency)(u64 *vmlab_ns, u64 *host_ns, unsigned int n);
};

#define VML_BENCH_ITERS		1000
#define VML_BENCH_SKIP		1
#define VML_BENCH_ROUNDS	11

/* Declares a row defined in another file (keeps "extern" out of .c files). */
#define VML_BENCH_DECLARE(row)	extern const struct vml_bench row

/* The table, in tests/bench/bench_rows.c. */
extern const struct vml_bench *const vml_benches[];
extern const unsigned int vml_nr_benches;

void vml_bench_fail(int err);

/* The hand-off with the user-space helper, tools/bench-helper (bench_helper.c). */
#define VML_BENCH_REQ_LEN	32
void vml_bench_helper_start(void);
void vml_bench_helper_stop(void);
int vml_bench_helper_connect(void);
int vml_bench_helper_request(const char *req);
void vml_bench_helper_batch(const char *verb, unsigned int n);

#endif /* VMLAB_BENCH_H */
