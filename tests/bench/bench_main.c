// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark runner: module init starts the vmlab core with the default
 * configuration, runs every row of vml_benches[] and prints one result line
 * per row (and per all-CPUs variant) to the kernel log, then stops the core.
 * The module stays loaded until rmmod.
 *
 * Result lines, '|' separated so names may contain spaces:
 *   vmlab_bench: result|<name>|<cpus>|<vmlab ns/op>|<host ns/op>|<ratio>
 *   vmlab_bench: failed|<name>|<errno>
 * ns/op (medians over the rounds) have one decimal; ratio = vmlab / host
 * with two decimals, the median of the rounds' own ratios: each round
 * times both sides back to back, the first side alternating from round to
 * round, so a machine whose speed drifts (TCG on a shared host) and the
 * order within a round bias neither side.
 *
 * Parameters: only=<substring>[+<substring>...] runs rows whose name
 * contains any of them, iters=<n> overrides the
 * batch size, rounds=<n> the number of rounds (odd; default 11),
 * arena_mb=<n> the arena (default 256 MiB, room for the 64 MiB fault rows),
 * trace=<name>: for the row of that name ('~' for each space, as module
 * parameters in the guest's command line cannot hold spaces), one extra
 * untimed batch of each side runs with the kernel's tracing switched on
 * (tracing_on()/tracing_off()), the vmlab batch after a call of
 * bench_trace_mark_vmlab(), the host's after bench_trace_mark_host(): with
 * the function_graph tracer set up (make bench TRACE=<row>, bench.sh
 * --trace) the guest counts each side's function calls per op.
 *
 * First comes a memory row: the arena's metadata (frame descriptors and
 * everything else the boot allocator handed out) per frame, against the
 * host's struct page, in the ns/op columns.
 */
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/mm_types.h>
#include "arena/arena.h"
#include "vmlab_core.h"
#include "bench.h"

#define MAX_ROUNDS	51

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only, "Run only benchmarks whose name contains one of these '+'-separated strings");

static unsigned int iters;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "Operations per timed batch (default: per benchmark)");

static unsigned int arena_mb = 256;
module_param(arena_mb, uint, 0444);
MODULE_PARM_DESC(arena_mb, "Arena size in MiB (default 256)");

static char *trace;
module_param(trace, charp, 0444);
MODULE_PARM_DESC(trace, "Trace one untimed batch of each side of this row ('~' for spaces)");

static unsigned int rounds = VML_BENCH_ROUNDS;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Timed rounds per side (default 11)");

/* One measurement on one CPU. */
struct bench_run {
	const struct vml_bench *b;
	unsigned int iters;
	unsigned int rounds;
	atomic_t *ready;	/* all-CPUs start line, or NULL */
	unsigned int nr_threads;
	u64 vmlab_ps;		/* median per-op time, picoseconds */
	u64 host_ps;
	u64 ratio;		/* median of per-round vmlab/host, x10000 */
	struct completion done;
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/*
 * Markers in a function-graph trace: the side whose calls follow. Their
 * bodies differ so that the compiler cannot fold them into one function.
 */
static noinline void bench_trace_mark_vmlab(void)
{
	asm volatile("nop");
}

static noinline void bench_trace_mark_host(void)
{
	asm volatile("nop; nop");
}

/* One untimed batch of each side with tracing on, when trace= asks. */
static void bench_trace(const struct bench_run *run)
{
	char name[96];

	if (!trace || !*trace || run->ready)
		return;
	strscpy(name, trace, sizeof(name));
	strreplace(name, '~', ' ');
	if (strcmp(run->b->name, name))
		return;
	tracing_on();
	bench_trace_mark_vmlab();
	run->b->vmlab(run->iters);
	bench_trace_mark_host();
	run->b->host(run->iters);
	tracing_off();
	pr_info("vmlab_bench: traced|%s|%u\n", run->b->name, run->iters);
}

static int bench_thread(void *data)
{
	struct bench_run *run = data;
	const struct vml_bench *b = run->b;
	u64 a[MAX_ROUNDS], h[MAX_ROUNDS], q[MAX_ROUNDS];
	unsigned int r;
	u64 t0, t1, t2;

	if (run->ready) {
		atomic_inc(run->ready);
		while (atomic_read(run->ready) < run->nr_threads)
			cpu_relax();
	}
	/* Warm up both sides once, untimed. */
	b->vmlab(run->iters);
	b->host(run->iters);
	bench_trace(run);
	for (r = 0; r < run->rounds; r++) {
		t0 = ktime_get_ns();
		if (r & 1)
			b->host(run->iters);
		else
			b->vmlab(run->iters);
		t1 = ktime_get_ns();
		if (r & 1)
			b->vmlab(run->iters);
		else
			b->host(run->iters);
		t2 = ktime_get_ns();
		a[r] = ((r & 1) ? t2 - t1 : t1 - t0) * 1000 / run->iters;
		h[r] = ((r & 1) ? t1 - t0 : t2 - t1) * 1000 / run->iters;
		q[r] = h[r] ? div64_u64(a[r] * 10000, h[r]) : 0;
		cond_resched();
	}
	run->vmlab_ps = median(a, run->rounds);
	run->host_ps = median(h, run->rounds);
	run->ratio = median(q, run->rounds);
	complete(&run->done);
	return 0;
}

/* Run @b on each CPU of @cpus at once; medians over CPUs into @out. */
static int bench_on(const struct vml_bench *b, const struct cpumask *cpus,
		    struct bench_run *out)
{
	unsigned int n = cpumask_weight(cpus), i = 0, cpu;
	struct bench_run *runs;
	struct task_struct *t;
	atomic_t ready = ATOMIC_INIT(0);
	u64 *a, *h, *q;
	int ret = 0;

	runs = kcalloc(n, sizeof(*runs), GFP_KERNEL);
	a = kcalloc(n, sizeof(*a), GFP_KERNEL);
	h = kcalloc(n, sizeof(*h), GFP_KERNEL);
	q = kcalloc(n, sizeof(*q), GFP_KERNEL);
	if (!runs || !a || !h || !q) {
		ret = -ENOMEM;
		goto out;
	}
	for_each_cpu(cpu, cpus) {
		struct bench_run *run = &runs[i];

		run->b = b;
		run->iters = iters ?: (b->iters ?: VML_BENCH_ITERS);
		run->rounds = rounds;
		run->ready = n > 1 ? &ready : NULL;
		run->nr_threads = n;
		init_completion(&run->done);
		t = kthread_create_on_cpu(bench_thread, run, cpu, "vml_bench/%u");
		if (IS_ERR(t)) {
			/* Threads already created wait at the start line. */
			ret = PTR_ERR(t);
			atomic_set(&ready, n);
			break;
		}
		wake_up_process(t);
		i++;
	}
	n = i;
	for (i = 0; i < n; i++) {
		wait_for_completion(&runs[i].done);
		a[i] = runs[i].vmlab_ps;
		h[i] = runs[i].host_ps;
		q[i] = runs[i].ratio;
	}
	if (!ret) {
		out->vmlab_ps = median(a, n);
		out->host_ps = median(h, n);
		out->ratio = median(q, n);
	}
out:
	kfree(q);
	kfree(h);
	kfree(a);
	kfree(runs);
	return ret;
}

static void report_as(const char *name, const char *suffix, unsigned int cpus,
		      const struct bench_run *r)
{
	u64 ratio = DIV_ROUND_CLOSEST_ULL(r->ratio, 100);

	pr_info("vmlab_bench: result|%s%s|%u|%llu.%llu|%llu.%llu|%llu.%02llu\n",
		name, suffix, cpus, r->vmlab_ps / 1000, r->vmlab_ps % 1000 / 100,
		r->host_ps / 1000, r->host_ps % 1000 / 100,
		ratio / 100, ratio % 100);
}

static void report(const struct vml_bench *b, unsigned int cpus,
		   const struct bench_run *r)
{
	report_as(b->name, "", cpus, r);
}

/* Does @name contain one of only='s '+'-separated strings? */
static bool wanted(const char *name)
{
	const char *p = only, *end;
	char want[64];

	for (; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, '+');
		if (end == p || end - p >= sizeof(want))
			continue;
		strscpy(want, p, end - p + 1);
		if (strstr(name, want))
			return true;
	}
	return false;
}

static void report_meta(void)
{
	unsigned long v = vml_arena.meta_bytes * 10 / vml_arena.nr_frames;
	unsigned long h = sizeof(struct page);

	pr_info("vmlab_bench: result|mem: metadata bytes per frame, arena %u MiB|1|%lu.%lu|%lu.0|%lu.%02lu\n",
		arena_mb, v / 10, v % 10, h, v * 10 / h / 100, v * 10 / h % 100);
}

/* The @pct-th percentile of @n sorted values (nearest rank). */
static u64 percentile(const u64 *v, unsigned int n, unsigned int pct)
{
	return v[min(n - 1, DIV_ROUND_UP(n * pct, 100) - 1)];
}

/* A latency row: single operations, their medians and 99th percentiles. */
static int run_latency(const struct vml_bench *b)
{
	unsigned int n = iters ?: (b->iters ?: VML_BENCH_ITERS);
	u64 *a = kvcalloc(n, sizeof(*a), GFP_KERNEL);
	u64 *h = kvcalloc(n, sizeof(*h), GFP_KERNEL);
	struct bench_run r = { };
	int ret = -ENOMEM;

	if (!a || !h)
		goto out;
	ret = b->latency(a, h, n);
	if (ret <= 0) {
		ret = ret ?: -ENODATA;
		goto out;
	}
	n = ret;
	sort(a, n, sizeof(*a), cmp_u64, NULL);
	sort(h, n, sizeof(*h), cmp_u64, NULL);
	pr_info("vmlab_bench: latency|%s|%u samples|vmlab min %llu max %llu|host min %llu max %llu\n",
		b->name, n, a[0], a[n - 1], h[0], h[n - 1]);
	r.vmlab_ps = a[n / 2] * 1000;
	r.host_ps = h[n / 2] * 1000;
	r.ratio = r.host_ps ? div64_u64(r.vmlab_ps * 10000, r.host_ps) : 0;
	report_as(b->name, ", median", 1, &r);
	r.vmlab_ps = percentile(a, n, 99) * 1000;
	r.host_ps = percentile(h, n, 99) * 1000;
	r.ratio = r.host_ps ? div64_u64(r.vmlab_ps * 10000, r.host_ps) : 0;
	report_as(b->name, ", p99", 1, &r);
	ret = 0;
out:
	kvfree(a);
	kvfree(h);
	return ret;
}

/* The first error a row's callbacks reported (vml_bench_fail()). */
static atomic_t row_error = ATOMIC_INIT(0);

/**
 * vml_bench_fail() - report that a row's operation did not do its work.
 * @err: a negative errno.
 *
 * For the @vmlab and @host callbacks, which return nothing: the row is
 * then reported as failed with the first such error, not with figures
 * that timed something else.
 */
void vml_bench_fail(int err)
{
	atomic_cmpxchg(&row_error, 0, err);
}

static void run_one(const struct vml_bench *b)
{
	struct bench_run r = { };
	int ret;

	atomic_set(&row_error, 0);
	if (b->setup) {
		ret = b->setup();
		if (ret == VML_BENCH_SKIP)
			return;
		if (ret) {
			pr_info("vmlab_bench: failed|%s|%d\n", b->name, ret);
			return;
		}
	}
	if (b->latency) {
		ret = run_latency(b);
		if (ret)
			pr_info("vmlab_bench: failed|%s|%d\n", b->name, ret);
		if (b->teardown)
			b->teardown();
		return;
	}
	cpus_read_lock();
	ret = bench_on(b, cpumask_of(cpumask_first(cpu_online_mask)), &r) ?:
	      atomic_read(&row_error);
	if (!ret)
		report(b, 1, &r);
	if (!ret && b->all_cpus && num_online_cpus() > 1) {
		ret = bench_on(b, cpu_online_mask, &r) ?: atomic_read(&row_error);
		if (!ret)
			report(b, num_online_cpus(), &r);
	}
	cpus_read_unlock();
	if (ret)
		pr_info("vmlab_bench: failed|%s|%d\n", b->name, ret);
	if (b->teardown)
		b->teardown();
}

static int __init vmlab_bench_init(void)
{
	struct vml_config cfg;
	unsigned int i;
	int ret;

	if (!rounds || rounds > MAX_ROUNDS || !(rounds & 1)) {
		pr_err("vmlab_bench: rounds must be odd and 1..%d\n", MAX_ROUNDS);
		return -EINVAL;
	}
	vml_default_config(&cfg, arena_mb);
	ret = vmlab_core_start(&cfg);
	if (ret) {
		pr_err("vmlab_bench: vmlab_core_start failed: %d\n", ret);
		return ret;
	}
	pr_info("vmlab_bench: start %u benchmark(s), %u rounds, %u online CPU(s)\n",
		vml_nr_benches, rounds, num_online_cpus());
	report_meta();
	vml_bench_helper_start();
	for (i = 0; i < vml_nr_benches; i++) {
		const struct vml_bench *b = vml_benches[i];

		if (only && *only && !wanted(b->name))
			continue;
		run_one(b);
	}
	vml_bench_helper_stop();
	vmlab_core_stop();
	pr_info("vmlab_bench: done\n");
	return 0;
}

static void __exit vmlab_bench_exit(void)
{
}

module_init(vmlab_bench_init);
module_exit(vmlab_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmlab benchmarks: vmlab operations against the host kernel's");
