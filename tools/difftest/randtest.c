// SPDX-License-Identifier: GPL-2.0
/*
 * randtest - the randomized differential test: a seeded generator of
 * long random sequences of memory operations, an interpreter that runs
 * one against the real kernel (this process and forked children) or
 * against vmlab (a sandbox mm and its `fork` children), and a reducer.
 *
 *   randtest gen SEED N              print a random script of N steps
 *   randtest kernel FILE SCRIPT      run SCRIPT here (FILE: scratch file)
 *   randtest vmlab FILE SCRIPT       run SCRIPT on vmlab
 *   randtest run KFILE VFILE SEEDS N generate, run both sides and compare
 *                                    each seed of SEEDS ("1-50,70"); a
 *                                    diverging seed's script is left in
 *                                    /tmp/rt-SEED.script
 *   randtest reduce SCRIPT OUT [KFILE VFILE]
 *                                    shrink a diverging SCRIPT into OUT
 *
 * Every step prints its result (ok, the relative address, the errno name,
 * the bytes read, or the fault: SEGV_MAPERR/SEGV_ACCERR/SIGBUS and its
 * address), then the acting process's VMAs inside the 64 MiB window and
 * above the heap's base (range, perms, offset, kind), then its memory
 * counters as differences from the start: every step the statm figures
 * (VmSize, resident, file+shmem resident, VmData+VmStk), and the full
 * VmSize/VmLck/VmData/VmStk/RssAnon/RssFile/RssShmem line every 16th
 * step, whenever the VMA list changed, after mlock/munlock and at the end
 * (every Vm* value is a function of the VMA list and its flags, and mlock
 * is the one flag maps does not show). After a successful msync comes a
 * hash of the file pages the range maps; at the end everything is
 * unmapped and the whole file is hashed. Two transcripts of one script
 * must be identical.
 *
 * Rss is exact on the kernel's side: 6.1 keeps per-task RSS caches
 * (SPLIT_RSS_COUNTING) that reach mm->rss_stat only every 64 faults or at
 * a zap (add_mm_rss_vec() calls sync_mm_rss()), so before reading its
 * counters the process zaps a scratch page (MADV_DONTNEED); and it first
 * faults in every page outside the window (kernel_touch()), in every
 * child too, so that what lies outside is constant and the same in all.
 *
 * Script lines: "P|C|C1|C2 op args" with offsets into the window, or into
 * the heap above its base when written "hOFF"; "fork" (P forks the lowest
 * free child C..C2), "fork C|C1|C2" (that child forks it: a grandchild),
 * "exit [N]" (child N exits; its own children live on). In kernel mode nothing
 * allocates while the script runs (a heap page could land in the window,
 * and glibc's idea of the brk is not kept in step).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "dtlib.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif

#define WINDOW		(64ul << 20)
#define CTL		"/sys/kernel/debug/vmlab/ctl"
#define LINE		512
#define BIG		(256 * 1024)
#define FILE_SIZE	(2 * 4096 + 1000)
#define PG		4096ul
#define NCHILD		3		/* children at once: C (C0), C1, C2 */
#define HEAP_PAD	(64 * PG)	/* heap base: PMD-aligned above start_brk + this */
#define FULL_EVERY	16		/* the full Vm/Rss line at least this often */
#define PMD		(2ul << 20)	/* the window and the heap start PMD-aligned */

static int vmlab, no_madvise;
static unsigned long base, hbase, heap_start;	/* heap_start: start_brk */
static const char *path;
static int filefd = -1;
static int me;				/* kernel: 0 the parent, 1 + N child N */
static int mm_id[1 + NCHILD];		/* vmlab: the parent's and children's */
static pid_t pid[NCHILD];		/* kernel: the children */
static int pidfd[NCHILD];		/* kernel: theirs, to wait for an exit */
/* Made at setup, so that a child can hand a slot's pair to a child of its own. */
static int to_child[NCHILD][2], from_child[NCHILD][2];
static int maps_fd[1 + NCHILD] = { -1, -1, -1, -1 };
static int status_fd[1 + NCHILD] = { -1, -1, -1, -1 };
static int statm_fd = -1;		/* kernel: this process's statm */
static char *scratch;			/* kernel: rw page, then the one zapped to sync RSS */
static char last_maps[1 + NCHILD][8192];	/* the last maps line printed */
static long vm_base[7], statm_base[4];	/* counters at start (both sides) */
static char out[4 * BIG];
static size_t outlen;
static char script[BIG];

/* ---- output ---- */

static void emit(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + outlen, sizeof(out) - outlen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(out) - outlen)
		outlen += n;
}

static void flush_out(void)
{
	size_t off = 0;
	ssize_t n;

	while (off < outlen) {
		n = write(1, out + off, outlen - off);
		if (n <= 0)
			break;
		off += n;
	}
	outlen = 0;
}

/* Append to @buf (size BIG) at *@len. */
static void add(char *buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, BIG - *len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < BIG - *len)
		*len += n;
}

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* "OFF" into the window or "hOFF" above the heap's base: an address. */
static unsigned long addr_of(const char *a)
{
	return *a == 'h' ? hbase + num(a + 1) : base + num(a);
}

/* An address as the transcript shows it: relative, and where. */
static void add_addr(char *o, size_t *olen, unsigned long a)
{
	if (a - base < WINDOW)
		add(o, olen, "+%#lx", a - base);
	else if (a - hbase < WINDOW)
		add(o, olen, "h+%#lx", a - hbase);
	else
		add(o, olen, "(outside)");
}

/* ---- the generator ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned long pick(unsigned long n)
{
	return rnd() % n;
}

/* A page offset in the busy part of the window, now and then unaligned. */
static unsigned long r_off(void)
{
	return pick(24) * PG + (pick(50) ? 0 : 1 + pick(PG - 1));
}

/* The first argument of an operation: the window, or one time in 12 the heap. */
static void r_at(char *l, size_t n)
{
	snprintf(l + strlen(l), n - strlen(l), pick(12) ? "%#lx" : "h%#lx", r_off());
}

static unsigned long r_len(void)
{
	unsigned long r = pick(60);

	return r == 0 ? 0 : r == 1 ? 1 + pick(PG * 3) : (1 + pick(8)) * PG;
}

static const char *r_prot(void)
{
	static const char * const p[] = { "r", "rw", "rw", "none", "rwx", "rw" };

	return p[pick(ARRAY_SIZE(p))];
}

static void gen_mmap(char *l, size_t n)
{
	static const char * const kind[] = { "private,anon", "private,anon",
		"shared,anon", "private", "shared" };
	static const char * const extra[] = { ",fixed", ",fixed", ",fixed", ",fixed",
		",fixed,populate", ",fixed,locked", ",fixed_noreplace", ",fixed,noreserve",
		"" };
	int k = pick(ARRAY_SIZE(kind));
	const char *x = extra[pick(ARRAY_SIZE(extra))];

	/* MAP_GROWSDOWN: private anonymous memory, else EINVAL; now and then a hint. */
	if (!pick(k <= 1 ? 8 : 40))
		x = pick(4) ? ",fixed,growsdown" : ",growsdown";
	snprintf(l, n, "mmap ");
	r_at(l, n);
	snprintf(l + strlen(l), n - strlen(l), " %#lx %s %s%s", r_len(), r_prot(), kind[k], x);
	if (k >= 3)
		snprintf(l + strlen(l), n - strlen(l), " file@%#lx", pick(3) * PG);
}

static void gen_mremap(char *l, size_t n)
{
	unsigned long old = pick(10) ? r_len() : 0, len = r_len();
	int f = pick(4), w = pick(3);

	/* MREMAP_DONTUNMAP: equal lengths and maymove, mostly; a hint or fixed=. */
	if (f == 3 && pick(8))
		len = old;
	snprintf(l, n, "mremap ");
	r_at(l, n);
	snprintf(l + strlen(l), n - strlen(l), " %#lx %#lx%s", old, len,
		 f == 1 || f == 2 || (f == 3 && pick(10)) ? " maymove" : "");
	if (f == 3)
		snprintf(l + strlen(l), n - strlen(l), " dontunmap");
	if (f == 2 || (f == 3 && w == 1))
		snprintf(l + strlen(l), n - strlen(l), " fixed=%#lx", r_off());
	else if (f == 3 && w == 2)
		snprintf(l + strlen(l), n - strlen(l), " hint=%#lx", r_off());
}

static void gen_access(char *l, size_t n, int write)
{
	unsigned long off = pick(32) * PG + pick(PG), len = 1 + pick(12), i;
	const char *h = pick(8) ? "" : "h";

	if (!write) {
		snprintf(l, n, "read %s%#lx %lu", h, off, len);
		return;
	}
	snprintf(l, n, "write %s%#lx ", h, off);
	for (i = 0; i < len; i++)
		snprintf(l + strlen(l), n - strlen(l), "%02x", (unsigned int)pick(256));
}

/* An operation with a range: "op AT LEN" and what follows. */
static void gen_range(char *l, size_t n, const char *op, const char *rest)
{
	snprintf(l, n, "%s ", op);
	r_at(l, n);
	snprintf(l + strlen(l), n - strlen(l), " %#lx%s", r_len(), rest);
}

/* Append a line to the script being generated. */
static char *gbuf;
static size_t glen, gsize;

static void gline(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(gbuf + glen, gsize - glen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < gsize - glen)
		glen += n;
}

/* A script of @steps steps for @seed into @buf (size @size). */
static void gen(uint64_t seed, unsigned long steps, char *buf, size_t size)
{
	/* No pageout: see Documentation/testing.rst, what is not compared. */
	static const char * const adv[] = { " dontneed", " willneed", " cold", " normal" };
	int alive[NCHILD] = { 0 }, nalive = 0, r, c, k;
	char l[LINE], who[4];
	unsigned long i;

	gbuf = buf;
	gsize = size;
	glen = 0;
	buf[0] = 0;
	rng = seed;
	for (i = 0; i < steps; i++) {
		r = pick(100);
		if (r < 3 && nalive < NCHILD) {
			/* One fork in three from a live child: a grandchild. */
			k = nalive && !pick(3) ? (int)pick(NCHILD) : -1;
			while (k >= 0 && !alive[k])
				k = (k + 1) % NCHILD;
			for (c = 0; alive[c]; c++)
				;
			alive[c] = 1;
			nalive++;
			if (k < 0)
				gline("fork\n");
			else
				gline(k ? "fork C%d\n" : "fork C\n", k);
			continue;
		}
		if (r < 5 && nalive) {
			for (c = pick(NCHILD); !alive[c]; c = (c + 1) % NCHILD)
				;
			alive[c] = 0;
			nalive--;
			gline(c ? "exit %d\n" : "exit\n", c);
			continue;
		}
		r = pick(100);
		if (r < 17)
			gen_mmap(l, sizeof(l));
		else if (r < 25)
			gen_range(l, sizeof(l), "munmap", "");
		else if (r < 35)
			gen_range(l, sizeof(l), "mprotect", "");
		else if (r < 42)
			gen_mremap(l, sizeof(l));
		else if (r < 47)
			gen_range(l, sizeof(l), "mlock", "");
		else if (r < 51)
			gen_range(l, sizeof(l), "munlock", "");
		else if (r < 56)
			gen_range(l, sizeof(l), "madvise", adv[pick(ARRAY_SIZE(adv))]);
		else if (r < 61)
			gen_range(l, sizeof(l), "msync", "");
		else if (r < 64)
			snprintf(l, sizeof(l), "brk h%#lx", pick(40) * PG +
				 (pick(4) ? 0 : pick(PG)));
		else
			gen_access(l, sizeof(l), r >= 80);
		if (!strncmp(l, "mprotect", 8)) {
			const char *p = r_prot();
			int g = pick(20);	/* PROT_GROWSDOWN, PROT_GROWSUP */
			const char *gs = g < 2 ? "g" : g == 2 ? "u" : "";

			snprintf(l + strlen(l), sizeof(l) - strlen(l), " %s%s",
				 *gs && !strcmp(p, "none") ? "" : p, gs);
		}
		snprintf(who, sizeof(who), "P");
		if (nalive && pick(5) < 2) {
			for (c = pick(NCHILD), k = 0; !alive[c] && k < NCHILD; k++)
				c = (c + 1) % NCHILD;
			snprintf(who, sizeof(who), c ? "C%d" : "C", c);
		}
		gline("%s %s\n", who, l);
	}
}

/* ---- maps and counters, in one normalised form for both sides ---- */

/*
 * The VMAs inside the window and above the heap's base (cut there: the
 * heap's start lies below it, and differs), from maps text in @buf.
 */
static void norm_maps(char *buf, char *o, size_t *olen)
{
	char *line, *save;

	add(o, olen, "  maps:");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long s, e, off;
		char perms[8], name[256] = "";
		const char *kind;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %255[^\n]", &s, &e, perms, &off,
			   name) < 4)
			continue;
		kind = strstr(name, "/dev/zero") ? "shmem" : strchr(name, '/') ? "file" :
		       "anon";
		if (s >= base && e <= base + WINDOW)
			add(o, olen, " +%#lx-+%#lx %s %lx %s;", s - base, e - base, perms, off,
			    kind);
		else if (e > hbase && s < hbase + WINDOW)
			add(o, olen, " h+%#lx-h+%#lx %s %lx %s;", s > hbase ? s - hbase : 0,
			    e - hbase, perms, off, kind);
	}
	add(o, olen, "\n");
}

static const char * const vm_keys[] = { "VmSize:", "VmLck:", "VmData:", "VmStk:",
	"RssAnon:", "RssFile:", "RssShmem:" };

/* The status values of vm_keys[] (kB) in @v. */
static void parse_status(const char *buf, long *v)
{
	unsigned int i;
	const char *p;

	for (i = 0; i < ARRAY_SIZE(vm_keys); i++) {
		p = strstr(buf, vm_keys[i]);
		v[i] = p ? strtol(p + strlen(vm_keys[i]), NULL, 10) : -1;
	}
}

static void add_full(char *o, size_t *olen, const long *v)
{
	unsigned int i;

	add(o, olen, "  vm:");
	for (i = 0; i < ARRAY_SIZE(vm_keys); i++)
		add(o, olen, " %s%ld", vm_keys[i], v[i] - vm_base[i]);
	add(o, olen, "\n");
}

/* statm's fields in kB: size, resident, shared (file + shmem), data + stack. */
static void add_statm(char *o, size_t *olen, const long *m)
{
	add(o, olen, "  statm: %ld %ld %ld %ld\n", m[0] - statm_base[0],
	    m[1] - statm_base[1], m[2] - statm_base[2], m[3] - statm_base[3]);
}

/* vmlab has no statm: the same four figures from its status values. */
static void statm_of(const long *v, long *m)
{
	m[0] = v[0];
	m[1] = v[4] + v[5] + v[6];
	m[2] = v[5] + v[6];
	m[3] = v[2] + v[3];
}

static char slurpbuf[BIG];

/* Read a file from its start through an fd kept open (seq_file restarts at 0). */
static int pslurp(int fd)
{
	ssize_t n, len = 0;

	slurpbuf[0] = 0;
	if (fd < 0)
		return -1;
	while ((n = pread(fd, slurpbuf + len, sizeof(slurpbuf) - 1 - len, len)) > 0)
		len += n;
	slurpbuf[len] = 0;
	return 0;
}

static int slurp(const char *p)
{
	int fd = open(p, O_RDONLY), ret;

	ret = pslurp(fd);
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * The maps line into @o; returns whether the full counters line is due:
 * every FULL_EVERY steps, after mlock/munlock, or when slot @who's VMA
 * list changed (see the top of the file).
 */
static int add_maps(int who, const char *op, unsigned long nr, char *maps_text,
		    char *o, size_t *olen)
{
	size_t mark = *olen, n;
	int full;

	norm_maps(maps_text, o, olen);
	n = *olen - mark;
	full = !(nr % FULL_EVERY) || !strcmp(op, "mlock") || !strcmp(op, "munlock") ||
	       strlen(last_maps[who]) != n || memcmp(last_maps[who], o + mark, n);
	if (n >= sizeof(last_maps[who]))
		n = 0;		/* too long to keep: the next step prints all */
	memcpy(last_maps[who], o + mark, n);
	last_maps[who][n] = 0;
	return full;
}

/* A hash of the file pages [first, last] (both sides read the file). */
static void file_hash(char *o, size_t *olen, unsigned long first, unsigned long last)
{
	static unsigned char buf[FILE_SIZE];
	ssize_t n = pread(filefd, buf, sizeof(buf), 0);
	unsigned long s = first * PG, e = (last + 1) * PG;

	if (n < 0)
		n = 0;
	if (e > (unsigned long)n)
		e = n;
	if (s >= e)
		return;
	add(o, olen, "  file[%lu-%lu]: %016llx\n", first, last,
	    (unsigned long long)fnv(buf + s, e - s));
}

/*
 * After an msync of [off, off+len) in the window: hash the file pages that
 * the shared file VMAs of the range map, as listed in the normalised maps.
 */
static void msync_hash(const char *maps, unsigned long off, unsigned long len,
		       char *o, size_t *olen)
{
	const char *p = strstr(maps, "maps:");
	unsigned long s, e, pgoff, a, b;
	char perms[8], kind[8];
	int n;

	while (p && (p = strstr(p, " +"))) {
		if (sscanf(p, " +%lx-+%lx %7s %lx %7[a-z];%n", &s, &e, perms, &pgoff, kind,
			   &n) < 5)
			break;
		p += n;
		a = s > off ? s : off;
		b = e < off + len ? e : off + len;
		if (perms[3] != 's' || strcmp(kind, "file") || a >= b)
			continue;
		file_hash(o, olen, pgoff / PG + (a - s) / PG, pgoff / PG + (b - s - 1) / PG);
	}
}

/* ---- vmlab ---- */

static char reply[BIG];

static int ctl(const char *fmt, ...)
{
	char cmd[LINE * 2];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fd = open(CTL, O_RDWR);
	if (fd < 0)
		return -1;
	n = write(fd, cmd, strlen(cmd));	/* a refused command still replies */
	n = read(fd, reply, sizeof(reply) - 1);
	close(fd);
	reply[n > 0 ? n : 0] = 0;
	if (n > 0 && reply[n - 1] == '\n')
		reply[n - 1] = 0;
	return 0;
}

static unsigned long reply_num(const char *key)
{
	const char *p = strstr(reply, key);

	return p ? strtoul(p + strlen(key), NULL, 0) : 0;
}

/* A vmlab reply as a transcript result. */
static void vmlab_result(const char *op, char *o, size_t *olen)
{
	const char *d = strstr(reply, "data=");
	char name[32] = "";

	if (!strncmp(reply, "ok", 2)) {
		if (!strcmp(op, "read") && d) {
			add(o, olen, "%.*s", (int)strcspn(d + 5, " "), d + 5);
		} else if (!strcmp(op, "mmap") || !strcmp(op, "mremap") || !strcmp(op, "brk")) {
			add(o, olen, "ok ");
			add_addr(o, olen, reply_num(*op == 'b' ? "brk=" : "addr="));
		} else {
			add(o, olen, "ok");
		}
	} else if (strstr(reply, "EFAULT") && (strstr(reply, " segv ") ||
					      strstr(reply, " sigbus "))) {
		add(o, olen, "%s ", strstr(reply, "code=maperr") ? "SEGV_MAPERR" :
		    strstr(reply, "code=accerr") ? "SEGV_ACCERR" : "SIGBUS");
		add_addr(o, olen, reply_num("addr="));
	} else {
		if (sscanf(reply, "error %31s", name) != 1)
			snprintf(name, sizeof(name), "%.31s", reply);
		add(o, olen, "%s", name);
	}
}

/* "fixed=OFF", "hint=OFF" and "file@OFF" become ctl words with absolute values. */
static void vmlab_args(char **a, int argc, char *rest, size_t n)
{
	int i;

	rest[0] = 0;
	for (i = 1; i < argc; i++) {
		size_t l = strlen(rest);

		if (!strncmp(a[i], "fixed=", 6))
			snprintf(rest + l, n - l, " fixed=%#lx", base + num(a[i] + 6));
		else if (!strncmp(a[i], "hint=", 5))
			snprintf(rest + l, n - l, " hint=%#lx", base + num(a[i] + 5));
		else if (!strncmp(a[i], "file@", 5))
			snprintf(rest + l, n - l, " file=%s offset=%lu", path, num(a[i] + 5));
		else
			snprintf(rest + l, n - l, " %s", a[i]);
	}
}

/* Open mm @id's maps and status for slot @who. */
static void vmlab_open(int who, int id)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/kernel/debug/vmlab/mm/%d/maps", id);
	maps_fd[who] = open(p, O_RDONLY);
	snprintf(p, sizeof(p), "/sys/kernel/debug/vmlab/mm/%d/status", id);
	status_fd[who] = open(p, O_RDONLY);
	last_maps[who][0] = 0;
}

static void vmlab_close(int who)
{
	close(maps_fd[who]);
	close(status_fd[who]);
	maps_fd[who] = -1;
	status_fd[who] = -1;
}

/* Slot @who's counters: the status values and the statm figures. */
static void vmlab_counters(int who, long *v, long *m)
{
	pslurp(status_fd[who]);
	parse_status(slurpbuf, v);
	statm_of(v, m);
}

static void vmlab_step(int who, unsigned long nr, char *op, char **a, int argc,
		       char *o, size_t *olen)
{
	long v[ARRAY_SIZE(vm_keys)], m[4];
	char rest[LINE];

	vmlab_args(a, argc, rest, sizeof(rest));
	ctl("%s %d %#lx%s", op, mm_id[who], addr_of(a[0]), rest);
	vmlab_result(op, o, olen);
	add(o, olen, "\n");
	vmlab_counters(who, v, m);
	pslurp(maps_fd[who]);
	if (add_maps(who, op, nr, slurpbuf, o, olen))
		add_full(o, olen, v);
	else
		add_statm(o, olen, m);
}

/* ---- the kernel ---- */

/* A compiler barrier: the byte loops below must stay byte loops. */
#define barrier()	asm("" : : : "memory")

static sigjmp_buf jb;
static int sigcode;		/* set by the handler just before siglongjmp() */
static unsigned long sigaddr;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	sigcode = sig == SIGBUS ? -1 : si->si_code;
	sigaddr = (unsigned long)si->si_addr;
	siglongjmp(jb, 1);
}

/* One access, a byte at a time, so a fault stops at its exact byte. */
static void kernel_access(unsigned char *p, const char *arg, int is_read,
			  char *o, size_t *olen)
{
	static unsigned char buf[64];
	size_t i, n = is_read ? strtoul(arg, NULL, 0) : strlen(arg) / 2;

	if (n > sizeof(buf))
		n = sizeof(buf);
	if (sigsetjmp(jb, 1)) {
		add(o, olen, "%s ", sigcode == -1 ? "SIGBUS" :
		    sigcode == SEGV_MAPERR ? "SEGV_MAPERR" : "SEGV_ACCERR");
		add_addr(o, olen, sigaddr);
		return;
	}
	for (i = 0; i < n; i++) {
		if (is_read)
			buf[i] = p[i];
		else
			p[i] = hexval(arg[2 * i]) << 4 | hexval(arg[2 * i + 1]);
		barrier();
	}
	if (!is_read) {
		add(o, olen, "ok");
		return;
	}
	for (i = 0; i < n; i++)
		add(o, olen, "%02x", buf[i]);
}

static void kernel_result(const char *op, void *r, int ret, char *o, size_t *olen)
{
	if (r == MAP_FAILED || ret) {
		add(o, olen, "%s", errname(errno));
	} else if (!strcmp(op, "mmap") || !strcmp(op, "mremap") || !strcmp(op, "brk")) {
		add(o, olen, "ok ");
		add_addr(o, olen, (unsigned long)r);
	} else {
		add(o, olen, "ok");
	}
}

static void kernel_op(char *op, char **a, int argc, char *o, size_t *olen)
{
	unsigned char *p = (unsigned char *)addr_of(a[0]);
	unsigned long len = argc > 1 ? num(a[1]) : 0, to = 0;
	void *r = NULL;
	int ret = 0, flags = 0, i, fd = -1;
	off_t off = 0;

	errno = 0;
	if (!strcmp(op, "read") || !strcmp(op, "write")) {
		kernel_access(p, a[1], !strcmp(op, "read"), o, olen);
		return;
	}
	if (!strcmp(op, "mmap")) {
		if (argc > 4 && !strncmp(a[4], "file@", 5)) {
			fd = filefd;
			off = num(a[4] + 5);
		}
		r = mmap(p, len, prot_bits(a[2]), map_flags(a[3]), fd, off);
	} else if (!strcmp(op, "mremap")) {
		for (i = 3; i < argc; i++) {
			if (!strcmp(a[i], "maymove")) {
				flags |= MREMAP_MAYMOVE;
			} else if (!strcmp(a[i], "dontunmap")) {
				flags |= MREMAP_DONTUNMAP;
			} else if (!strncmp(a[i], "fixed=", 6)) {
				flags |= MREMAP_FIXED;
				to = base + num(a[i] + 6);
			} else if (!strncmp(a[i], "hint=", 5)) {
				to = base + num(a[i] + 5);
			}
		}
		r = mremap(p, len, num(a[2]), flags, (void *)to);
	} else if (!strcmp(op, "brk")) {
		/* The system call: glibc's brk() would also move its own idea. */
		r = (void *)syscall(SYS_brk, p);
	} else if (!strcmp(op, "munmap")) {
		ret = munmap(p, len);
	} else if (!strcmp(op, "mprotect")) {
		ret = mprotect(p, len, prot_bits(a[2]));
	} else if (!strcmp(op, "mlock")) {
		ret = mlock(p, len);
	} else if (!strcmp(op, "munlock")) {
		ret = munlock(p, len);
	} else if (!strcmp(op, "madvise")) {
		ret = madvise(p, len, advice(a[2]));
	} else if (!strcmp(op, "msync")) {
		ret = msync(p, len, MS_SYNC);
	}
	kernel_result(op, r, ret, o, olen);
}

/*
 * A zap of the scratch page's PROT_NONE half: zap_pte_range() brings the
 * per-task RSS cache into the mm (the rw half keeps the page table). A
 * kernel without madvise (our test kernels) gets munmap and mmap again.
 */
static void rss_sync(void)
{
	if (!no_madvise) {
		madvise(scratch + PG, PG, MADV_DONTNEED);
		return;
	}
	munmap(scratch + PG, PG);
	mmap(scratch + PG, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/*
 * This process's counters, exact: zap the scratch page first (a zap syncs
 * the per-task RSS cache into the mm), then read statm, and status too
 * when @full.
 */
static void kernel_counters(long *v, long *m, int full)
{
	unsigned int i;

	rss_sync();
	pslurp(statm_fd);
	if (sscanf(slurpbuf, "%ld %ld %ld %*d %*d %ld", &m[0], &m[1], &m[2], &m[3]) != 4)
		memset(m, 0xff, 4 * sizeof(*m));	/* -1: a difference shows */
	for (i = 0; i < 4; i++)
		m[i] *= PG / 1024;
	if (full) {
		pslurp(status_fd[0]);
		parse_status(slurpbuf, v);
	}
}

/* Run step @nr in this process, with its maps and counters, into @o. */
static void kernel_step(unsigned long nr, char *op, char **a, int argc, char *o,
			size_t *olen)
{
	long v[ARRAY_SIZE(vm_keys)], m[4];
	int full;

	kernel_op(op, a, argc, o, olen);
	add(o, olen, "\n");
	pslurp(maps_fd[0]);
	full = add_maps(me, op, nr, slurpbuf, o, olen);
	kernel_counters(v, m, full);
	if (full)
		add_full(o, olen, v);
	else
		add_statm(o, olen, m);
}

/*
 * Fault in every page outside the window and the heap above its base,
 * writing to each writable one when @write (a private page becomes
 * anonymous), and leave the scratch page's table in place: after this
 * the process's resident set outside is constant. A fork child reads
 * alone: fork copied its anonymous pages, and it faults back the file
 * pages fork did not copy (writing would only COW-copy them all).
 */
static void kernel_touch(int write)
{
	/* What was outside at the start: a child touches that, not later VMAs. */
	static unsigned long range[64][2];
	static char perm[64];
	static int nr;
	static char maps[BIG];
	char *line, *save;
	int i;

	if (write) {
		slurp("/proc/self/maps");
		memcpy(maps, slurpbuf, strlen(slurpbuf) + 1);
		for (line = strtok_r(maps, "\n", &save); line && nr < 64;
		     line = strtok_r(NULL, "\n", &save)) {
			unsigned long s, e;
			char perms[8], name[256] = "";

			if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &s, &e, perms,
				   name) < 3)
				continue;
			/* vvar's pages are PFN mappings that no RSS counts. */
			if (perms[0] != 'r' || strstr(name, "[vvar") ||
			    strstr(name, "[vsyscall]") || (s < base + WINDOW && e > base))
				continue;
			/* Not the heap: glibc's TLS block is in, the rest stays out. */
			if (e > heap_start && s < hbase + WINDOW)
				e = heap_start > s ? heap_start : s;
			range[nr][0] = s;
			range[nr][1] = e;
			perm[nr++] = perms[1];
		}
	}
	for (i = 0; i < nr; i++) {
		unsigned long a;

		if (sigsetjmp(jb, 1))
			continue;	/* a page that cannot be read ends its VMA */
		for (a = range[i][0]; a < range[i][1]; a += PG) {
			char v = *(char *)a;

			asm("" : "+r"(v));	/* the load happens */
			if (write && perm[i] == 'w')
				*(char *)a = v;
		}
	}
	rss_sync();
}

/* After a fork: this process's own maps, status and statm. */
static void kernel_open(void)
{
	int i;

	for (i = 0; i < 1 + NCHILD; i++) {
		if (maps_fd[i] >= 0)
			close(maps_fd[i]);
		if (status_fd[i] >= 0)
			close(status_fd[i]);
		maps_fd[i] = -1;
		status_fd[i] = -1;
	}
	if (statm_fd >= 0)
		close(statm_fd);
	maps_fd[0] = open("/proc/self/maps", O_RDONLY);
	status_fd[0] = open("/proc/self/status", O_RDONLY);
	statm_fd = open("/proc/self/statm", O_RDONLY);
}

static char child_out[BIG];
static void child_loop(int k);

/* "fork K" sent to a child: fork child K (a grandchild), send back its pid. */
static void child_fork(int me_k, int k)
{
	pid_t p = fork();
	size_t len = sizeof(p);

	if (p == 0)
		child_loop(k);
	if (write(from_child[me_k][1], &len, sizeof(len)) != sizeof(len) ||
	    write(from_child[me_k][1], &p, sizeof(p)) != sizeof(p))
		_exit(1);
}

/*
 * Child @k: run steps ("NR op args") from its pipe, send back each piece.
 * Every pipe stays open in every child: a child's child takes a slot's.
 */
static void child_loop(int k)
{
	char cmd[LINE], *a[8], *op, *sp, *nr;
	size_t len;
	ssize_t n;
	int argc;

	me = 1 + k;
	kernel_open();
	kernel_touch(0);
	last_maps[me][0] = 0;
	for (;;) {
		n = read(to_child[k][0], cmd, sizeof(cmd) - 1);
		if (n <= 0 || !strncmp(cmd, "exit", 4))
			_exit(0);
		cmd[n] = 0;
		nr = strtok_r(cmd, " ", &sp);
		op = strtok_r(NULL, " ", &sp);
		for (argc = 0; argc < 8 && (a[argc] = strtok_r(NULL, " ", &sp)); argc++)
			;
		if (op && !strcmp(op, "fork") && argc == 1) {
			child_fork(k, atoi(a[0]));
			continue;
		}
		len = 0;
		kernel_step(strtoul(nr, NULL, 10), op, a, argc, child_out, &len);
		if (write(from_child[k][1], &len, sizeof(len)) != sizeof(len) ||
		    write(from_child[k][1], child_out, len) != (ssize_t)len)
			_exit(1);
	}
}

static void kernel_child_step(int k, unsigned long nr, const char *line, char *o,
			      size_t *olen)
{
	size_t len = 0, got = 0;
	char cmd[LINE];
	ssize_t n;

	snprintf(cmd, sizeof(cmd), "%lu %s", nr, line);
	if (write(to_child[k][1], cmd, strlen(cmd)) < 0 ||
	    read(from_child[k][0], &len, sizeof(len)) != sizeof(len))
		return;
	while (got < len && (n = read(from_child[k][0], o + *olen + got, len - got)) > 0)
		got += n;
	*olen += got;
	/*
	 * Terminated, as add() leaves it: msync_hash() reads the step's text
	 * with strstr(), and past the end lay an earlier, longer step's maps
	 * (a child's msync hashed the parent's file VMA; found by seed 237).
	 */
	o[*olen] = 0;
}

/* Child @j forks child @k: its pid, or -1. */
static pid_t kernel_child_fork(int j, int k)
{
	char cmd[32];
	size_t len = 0;
	pid_t p = -1;

	snprintf(cmd, sizeof(cmd), "0 fork %d", k);
	if (write(to_child[j][1], cmd, strlen(cmd)) < 0 ||
	    read(from_child[j][0], &len, sizeof(len)) != sizeof(len) || len != sizeof(p) ||
	    read(from_child[j][0], &p, sizeof(p)) != sizeof(p))
		return -1;
	return p;
}

/* ---- both ---- */

static int child_alive(int k)
{
	return vmlab ? mm_id[1 + k] > 0 : pid[k] > 0;
}

/* Slot @from (0 the parent, 1 + N child N) forks the lowest free child slot. */
static void do_fork(int from, char *o, size_t *olen)
{
	pid_t p;
	int k;

	for (k = 0; k < NCHILD && child_alive(k); k++)
		;
	if (k == NCHILD || from > NCHILD || (from && !child_alive(from - 1))) {
		add(o, olen, k == NCHILD ? "no free child\n" : "no child\n");
		return;
	}
	if (vmlab) {
		ctl("fork %d", mm_id[from]);
		mm_id[1 + k] = reply_num("mm=");
		if (mm_id[1 + k] > 0)
			vmlab_open(1 + k, mm_id[1 + k]);
		add(o, olen, mm_id[1 + k] > 0 ? "ok C%d\n" : "%s\n",
		    mm_id[1 + k] > 0 ? (void *)(long)k : (void *)reply);
		return;
	}
	p = from ? kernel_child_fork(from - 1, k) : fork();
	if (p == 0)
		child_loop(k);
	pid[k] = p > 0 ? p : 0;
	pidfd[k] = p > 0 ? syscall(SYS_pidfd_open, p, 0) : -1;
	if (p > 0)
		add(o, olen, "ok C%d\n", k);
	else
		add(o, olen, "fork failed\n");
}

static void do_exit(int k, char *o, size_t *olen)
{
	struct pollfd pfd;

	if (k < 0 || k >= NCHILD || !child_alive(k)) {
		add(o, olen, "no child\n");
		return;
	}
	if (vmlab) {
		vmlab_close(1 + k);
		ctl("mm_destroy %d", mm_id[1 + k]);
		mm_id[1 + k] = 0;
	} else {
		if (write(to_child[k][1], "exit", 4) < 0)
			return;
		/*
		 * Its mm is gone once the pidfd is readable (SIGCHLD is
		 * ignored: nobody waits, a grandchild's parent may be gone).
		 */
		pfd.fd = pidfd[k];
		pfd.events = POLLIN;
		while (pidfd[k] >= 0 && poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
		close(pidfd[k]);
		pid[k] = 0;
	}
	add(o, olen, "ok\n");
}

static char step_out[BIG];

static void run_line(char *line, unsigned long nr)
{
	char copy[LINE], *a[8], *who, *op, *sp, *arg;
	size_t len = 0, mark;
	int argc, c;

	snprintf(copy, sizeof(copy), "%s", line);
	who = strtok_r(copy, " ", &sp);
	if (!who)
		return;
	add(step_out, &len, "%lu %s -> ", nr, line);
	if (!strcmp(who, "fork")) {
		arg = strtok_r(NULL, " ", &sp);
		do_fork(arg && *arg == 'C' ? 1 + atoi(arg + 1) : 0, step_out, &len);
		goto done;
	}
	if (!strcmp(who, "exit")) {
		arg = strtok_r(NULL, " ", &sp);
		do_exit(arg ? atoi(arg) : 0, step_out, &len);
		goto done;
	}
	op = strtok_r(NULL, " ", &sp);
	for (argc = 0; argc < 8 && (a[argc] = strtok_r(NULL, " ", &sp)); argc++)
		;
	c = *who == 'C' ? 1 + atoi(who + 1) : 0;
	if (!op || argc < 1 || (argc < 2 && strcmp(op, "brk")) || c > NCHILD ||
	    (c && !child_alive(c - 1))) {
		add(step_out, &len, "skipped\n");
		goto done;
	}
	if (!strcmp(op, "madvise") && no_madvise) {
		add(step_out, &len, "skipped (no madvise)\n");
		goto done;
	}
	mark = len;
	if (vmlab)
		vmlab_step(c, nr, op, a, argc, step_out, &len);
	else if (c)
		kernel_child_step(c - 1, nr, line + strlen(who) + 1, step_out, &len);
	else
		kernel_step(nr, op, a, argc, step_out, &len);
	if (!strcmp(op, "msync") && !strncmp(step_out + mark, "ok", 2) && *a[0] != 'h')
		msync_hash(step_out + mark, num(a[0]), num(a[1]), step_out, &len);
done:
	emit("%.*s", (int)len, step_out);
	if (outlen > sizeof(out) / 2)	/* one write per many steps */
		flush_out();
}

/* Run the script; return the number of steps. */
static unsigned long run(void)
{
	char *line, *save, end[64];
	unsigned long nr = 0;
	size_t len = 0;
	int k;

	for (line = strtok_r(script, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (*line && *line != '#')
			run_line(line, ++nr);
	for (k = 0; k < NCHILD; k++) {
		if (!child_alive(k))
			continue;
		snprintf(end, sizeof(end), "exit %d", k);
		run_line(end, ++nr);
	}
	snprintf(end, sizeof(end), "P munmap 0 64M");
	run_line(end, ++nr);
	snprintf(end, sizeof(end), "P munmap h0 64M");
	run_line(end, ++nr);
	snprintf(end, sizeof(end), "P brk h0");
	run_line(end, ++nr);
	file_hash(step_out, &len, 0, FILE_SIZE / PG);
	emit("end:\n%.*s", (int)len, step_out);
	flush_out();
	return nr;
}

/* ---- setup ---- */

static int make_file(void)
{
	static unsigned char buf[FILE_SIZE];
	unsigned long i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = 'a' + i % 23;
	/*
	 * A new inode each run: vmlab's page cache is its own copy of the
	 * file's pages and keeps them after the last munmap, so rewriting
	 * the same inode would leave it stale pages (Documentation/fault.rst).
	 */
	unlink(path);
	filefd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	return filefd < 0 || write(filefd, buf, sizeof(buf)) != sizeof(buf);
}

/* Grow the stack now, so that VmStk does not move while the script runs. */
static void grow_stack(void)
{
	char pad[512 * 1024];

	memset(pad, 0, sizeof(pad));
	asm("" : : "r"(pad) : "memory");
}

/*
 * The window ends at the PMD boundary under @top, where the top-down
 * search puts things: fault-around's 64 KiB blocks and the PTE tables
 * then fall alike on both sides. What lies between, up to @top, is
 * filled with a shared anonymous PROT_NONE mapping (it merges with
 * nothing), so that a mapping whose hint is taken still lands at the
 * window's top on both sides.
 */
static unsigned long window_base(unsigned long top)
{
	return (top & ~(PMD - 1)) - WINDOW;
}

/* start_brk, field 47 of /proc/self/stat. */
static unsigned long start_brk(void)
{
	unsigned long v = 0;
	char *p;
	int i;

	slurp("/proc/self/stat");
	p = strrchr(slurpbuf, ')');
	for (i = 2; p && i < 47; i++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtoul(p + 1, NULL, 10);
	return v;
}

static int setup_kernel(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK };
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	unsigned long sb;
	void *w;
	int k;

	grow_stack();
	/*
	 * The window is where the top-down search puts 64 MiB: right under
	 * the lowest library, as vmlab's is right under its mmap_base, so
	 * that a mapping whose hint is taken lands at the window's top on
	 * both sides.
	 */
	sigaltstack(&ss, NULL);
	w = mmap(NULL, WINDOW + PMD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return 1;
	munmap(w, WINDOW + PMD);
	base = window_base((unsigned long)w + WINDOW + PMD);
	if (base + WINDOW < (unsigned long)w + WINDOW + PMD &&
	    mmap((void *)(base + WINDOW), (unsigned long)w + PMD - base, PROT_NONE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return 1;
	/* The scratch page far below the window: nothing may merge with it. */
	scratch = mmap((void *)(base - 4 * WINDOW), 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (scratch == MAP_FAILED || mprotect(scratch + PG, PG, PROT_NONE))
		return 1;
	/* The heap: [start_brk, its base) holds glibc's TLS block. */
	sb = start_brk();
	heap_start = sb;
	hbase = (sb + HEAP_PAD + PMD - 1) & ~(PMD - 1);
	if (!sb || (unsigned long)sbrk(0) > hbase ||
	    (unsigned long)syscall(SYS_brk, hbase) != hbase)
		return 1;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGCHLD, SIG_IGN);
	for (k = 0; k < NCHILD; k++)
		if (pipe(to_child[k]) || pipe(from_child[k]))
			return 1;
	kernel_open();
	kernel_touch(1);
	kernel_counters(vm_base, statm_base, 1);
	return 0;
}

/* vmlab: the window and the heap as the kernel's side has them. */
static int setup_vmlab(void)
{
	unsigned long top, sb;
	long m[4];

	ctl("mm_create");
	mm_id[0] = reply_num("mm=");
	if (mm_id[0] <= 0)
		return 1;
	/* The window where the top-down search puts it, as above. */
	ctl("mmap %d 0 %lu none private,anon", mm_id[0], WINDOW + PMD);
	top = reply_num("addr=") + WINDOW + PMD;
	ctl("munmap %d %#lx %lu", mm_id[0], top - WINDOW - PMD, WINDOW + PMD);
	if (top == WINDOW + PMD)
		return 1;
	base = window_base(top);
	if (base + WINDOW < top)
		ctl("mmap %d %#lx %lu none shared,anon,fixed", mm_id[0], base + WINDOW,
		    top - base - WINDOW);
	/*
	 * The file's pages into vmlab's own cache, as the kernel's holds
	 * them since write(): fault-around maps only what is cached.
	 */
	ctl("mmap %d 0 %d r shared,populate file=%s offset=0", mm_id[0], FILE_SIZE, path);
	ctl("munmap %d %#lx %d", mm_id[0], reply_num("addr="), FILE_SIZE);
	/* The heap below its base, one page in (the kernel's TLS block). */
	ctl("brk %d 0", mm_id[0]);
	sb = reply_num("brk=");
	hbase = (sb + HEAP_PAD + PMD - 1) & ~(PMD - 1);
	ctl("brk %d %#lx", mm_id[0], hbase);
	if (reply_num("brk=") != hbase)
		return 1;
	ctl("write %d %#lx 00", mm_id[0], sb);	/* its anon_vma, as the TLS's */
	vmlab_open(0, mm_id[0]);
	vmlab_counters(0, vm_base, m);
	statm_of(vm_base, statm_base);
	return 0;
}

static int read_script(const char *p)
{
	ssize_t n, len = 0;
	int fd = open(p, O_RDONLY);

	if (fd < 0)
		return 1;
	while ((n = read(fd, script + len, sizeof(script) - 1 - len)) > 0)
		len += n;
	close(fd);
	script[len] = 0;
	return 0;
}

/* Run the script in script[] on one side, transcript to stdout. */
static int run_mode(int is_vmlab, const char *file)
{
	vmlab = is_vmlab;
	path = file;
	if (make_file())
		return 1;
	no_madvise = madvise(NULL, 0, MADV_NORMAL) != 0;
	if (vmlab ? setup_vmlab() : setup_kernel()) {
		emit("setup failed\n");
		flush_out();
		return 1;
	}
	run();
	if (vmlab)
		ctl("mm_destroy %d", mm_id[0]);
	close(filefd);
	return 0;
}

/* ---- the reducer ---- */

static char *lines[8192];
static int nlines;
static const char *red_kfile = "/tmp/randtest.rk", *red_vfile = "/tmp/randtest.rv";

/* Run @self in @mode on the kept lines; its transcript into @res. */
static int run_side(const char *self, const char *mode, const char *scr,
		    const char *res)
{
	pid_t p = fork();
	int st = 0, fd;

	if (p == 0) {
		fd = open(res, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(1);
		execl(self, self, mode, !strcmp(mode, "vmlab") ? red_vfile : red_kfile, scr,
		      (char *)NULL);
		_exit(1);
	}
	waitpid(p, &st, 0);
	return st;
}

static char cmp_x[4 * BIG], cmp_y[4 * BIG];

static int same(const char *a, const char *b)
{
	ssize_t nx, ny;
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);

	nx = fa < 0 ? -1 : read(fa, cmp_x, sizeof(cmp_x) - 1);
	ny = fb < 0 ? -1 : read(fb, cmp_y, sizeof(cmp_y) - 1);
	close(fa);
	close(fb);
	cmp_x[nx > 0 ? nx : 0] = 0;
	cmp_y[ny > 0 ? ny : 0] = 0;
	return nx == ny && !memcmp(cmp_x, cmp_y, nx > 0 ? nx : 0);
}

/* Do the kept lines (@keep[i] != 0) still diverge? */
static int diverges(const char *self, const char *outp, const char *keep)
{
	FILE *f = fopen(outp, "w");
	int i;

	if (!f)
		return 0;
	for (i = 0; i < nlines; i++)
		if (keep[i])
			fprintf(f, "%s\n", lines[i]);
	fclose(f);
	run_side(self, "kernel", outp, "/tmp/randtest.k");
	run_side(self, "vmlab", outp, "/tmp/randtest.v");
	return !same("/tmp/randtest.k", "/tmp/randtest.v");
}

/* ddmin over lines: drop chunks while the divergence stays. */
static int reduce(const char *self, const char *outp)
{
	static char keep[8192];
	char *line, *save;
	int chunk, i, j, progress;

	for (line = strtok_r(script, "\n", &save); line && nlines < 8192;
	     line = strtok_r(NULL, "\n", &save))
		if (*line && *line != '#')
			lines[nlines++] = line;
	memset(keep, 1, sizeof(keep));
	if (!diverges(self, outp, keep)) {
		fprintf(stderr, "randtest: the script does not diverge\n");
		return 1;
	}
	for (chunk = nlines / 2; chunk >= 1; chunk = progress ? chunk : chunk / 2) {
		progress = 0;
		for (i = 0; i < nlines; i += chunk) {
			char saved[8192];

			memcpy(saved, keep, nlines);
			for (j = i; j < i + chunk && j < nlines; j++)
				keep[j] = 0;
			if (!memcmp(saved, keep, nlines))
				continue;
			if (diverges(self, outp, keep))
				progress = 1;
			else
				memcpy(keep, saved, nlines);
		}
	}
	diverges(self, outp, keep);	/* leave the minimal script in @outp */
	for (i = 0, j = 0; i < nlines; i++)
		j += keep[i];
	fprintf(stderr, "randtest: %d of %d lines kept in %s\n", j, nlines, outp);
	return 0;
}

/* ---- many seeds in one process ---- */

/*
 * Start one side of the script @scr in a new program (as replay and the
 * reducer do: a process forked from this one would inherit its heap VMA,
 * whose anon_vma chain fork made non-singular), stdout into @res.
 */
static pid_t run_exec(const char *mode, const char *file, const char *scr, const char *res)
{
	pid_t p = fork();
	int fd;

	if (p == 0) {
		fd = open(res, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(1);
		close(fd);
		execl("/proc/self/exe", "randtest", mode, file, scr, (char *)NULL);
		_exit(1);
	}
	return p;
}

/* Write @len bytes of @buf to the file @p. */
static int put_file(const char *p, const char *buf, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600), ret;

	if (fd < 0)
		return 1;
	ret = write(fd, buf, len) != (ssize_t)len;
	close(fd);
	return ret;
}

/* printf without stdio: the driver must not allocate (its children's heap). */
static void say(const char *fmt, ...)
{
	char l[LINE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l, sizeof(l), fmt, ap);
	va_end(ap);
	if (n > 0 && write(1, l, strlen(l)) < 0)
		exit(2);
}

/* The steps in a transcript file: its " -> " lines. */
static unsigned long count_steps(const char *p)
{
	unsigned long k = 0;
	ssize_t n;
	char *t;
	int fd = open(p, O_RDONLY);

	n = fd < 0 ? -1 : read(fd, cmp_x, sizeof(cmp_x) - 1);
	if (fd >= 0)
		close(fd);
	cmp_x[n > 0 ? n : 0] = 0;
	for (t = cmp_x; (t = strstr(t, " -> ")); t += 4)
		k++;
	return k;
}

/* The first line where the transcripts same() read differ, both ways. */
static void first_diff(void)
{
	const char *x = cmp_x, *y = cmp_y, *lx = cmp_x, *step = cmp_x;

	while (*x && *x == *y) {
		if (*x == '\n') {
			lx = x + 1;
			if (isdigit((unsigned char)x[1]))
				step = x + 1;
		}
		x++;
		y++;
	}
	say("  at: %.*s\n", (int)strcspn(step, "\n"), step);
	say("  kernel: %.*s\n", (int)strcspn(lx, "\n"), lx);
	say("  vmlab:  %.*s\n", (int)strcspn(cmp_y + (lx - cmp_x), "\n"),
	    cmp_y + (lx - cmp_x));
}

/*
 * randtest run: every seed of @seeds, both sides, compared; then ctl
 * check. One program for all seeds instead of a shell loop starting gen,
 * both sides, cmp and vmlabctl for each. Prints one line per diverging seed and a total;
 * exits 1 when any seed diverged or the checker complained. A diverging
 * seed's script stays in /tmp/rt-SEED.script for the reducer.
 */
static int run_seeds(const char *kfile, const char *vfile, const char *seeds,
		     unsigned long steps)
{
	unsigned long a, b, s, n = 0, ops = 0, bad = 0, k;
	char scr[64], sets[LINE], *tok, *sp, *end;
	int ret = 0;
	pid_t pk, pv;

	snprintf(sets, sizeof(sets), "%s", seeds);
	for (tok = strtok_r(sets, ",", &sp); tok; tok = strtok_r(NULL, ",", &sp)) {
		a = strtoul(tok, &end, 10);
		b = *end == '-' ? strtoul(end + 1, NULL, 10) : a;
		for (s = a; s <= b; s++) {
			gen(s, steps, script, sizeof(script));
			snprintf(scr, sizeof(scr), "/tmp/rt-%lu.script", s);
			if (put_file(scr, script, strlen(script)))
				return 2;
			/*
			 * Both sides at once: they share nothing (own mm,
			 * own file), and the guest has two vCPUs.
			 */
			pk = run_exec("kernel", kfile, scr, "/tmp/rt.kernel");
			pv = run_exec("vmlab", vfile, scr, "/tmp/rt.vmlab");
			if (pk > 0)
				waitpid(pk, NULL, 0);
			if (pv > 0)
				waitpid(pv, NULL, 0);
			k = count_steps("/tmp/rt.kernel");
			n++;
			ops += k;
			if (!same("/tmp/rt.kernel", "/tmp/rt.vmlab") || k < steps) {
				bad++;
				ret = 1;
				say("seed %lu: %lu steps, DIVERGES (script %s)\n", s, k, scr);
				first_diff();
			} else {
				unlink(scr);
			}
			ctl("check");
			if (strncmp(reply, "ok", 2)) {
				ret = 1;
				say("seed %lu: check after the run: %.200s\n", s, reply);
			}
		}
	}
	say("randtest: %lu seeds, %lu operations compared, %lu diverging\n", n, ops, bad);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "gen")) {
		gen(strtoull(argv[2], NULL, 0), strtoul(argv[3], NULL, 0), script,
		    sizeof(script));
		fputs(script, stdout);
		return 0;
	}
	if ((argc == 4 || argc == 6) && !strcmp(argv[1], "reduce")) {
		if (read_script(argv[2]))
			return 1;
		if (argc == 6) {
			red_kfile = argv[4];
			red_vfile = argv[5];
		}
		return reduce("/proc/self/exe", argv[3]);
	}
	if (argc == 6 && !strcmp(argv[1], "run"))
		return run_seeds(argv[2], argv[3], argv[4], strtoul(argv[5], NULL, 0));
	if (argc != 4 || (strcmp(argv[1], "kernel") && strcmp(argv[1], "vmlab"))) {
		fputs("usage: randtest gen SEED N\n", stderr);
		fputs("       randtest kernel|vmlab FILE SCRIPT\n", stderr);
		fputs("       randtest run KFILE VFILE SEEDS N\n", stderr);
		fputs("       randtest reduce SCRIPT OUT [KFILE VFILE]\n", stderr);
		return 2;
	}
	if (read_script(argv[3]))
		return 1;
	return run_mode(!strcmp(argv[1], "vmlab"), argv[2]);
}
