// SPDX-License-Identifier: GPL-2.0
/*
 * vmlabfuzz - a grammar fuzzer for vmlab's ctl file, run inside the guest.
 *
 *   vmlabfuzz [-s SEED] [-n COMMANDS] [-t SECONDS] [-j WORKERS] [-q QUICK] [-b BATCH] [-p]
 *   vmlabfuzz --replay FILE [--reduce]
 *   vmlabfuzz --cost N
 *
 * The grammar is read from ctl `help` at start (one "<name> <usage>" line per
 * command), so a command is fuzzed the day it appears. Each command is
 * generated from its usage, then, one time in three, mutated: wrong types,
 * boundary numbers (0, page-1, 2^47, 2^56, 2^64-1, 2^64, negatives), a field
 * missing or extra, over-long lines, binary bytes and NULs, partial writes,
 * reads without writes, ids of destroyed mms, too many words, another
 * command's arguments.
 *
 * WORKERS processes run at once against a few shared mms (and create, fork
 * and destroy their own); one more process reads every debugfs file
 * meanwhile. After each batch of BATCH commands: ctl `check` if the grammar
 * has it, the arena census must be consistent, and no new kernel message may
 * match /etc/vmlab/dmesg-patterns. A failing batch prints its seed, the
 * command to regenerate it and the file of the commands it sent; --replay
 * FILE runs them again one at a time and --reduce shrinks them (ddmin) to
 * a short sequence that still fails. --cost N times N of each kind of
 * transaction (open and close alone, a whole one with its own open, one
 * on a kept file, a line the parser refuses, a debugfs read), to see where
 * a command's time goes.
 *
 * Exit status: 0 clean, 1 a failure was found, 2 usage or setup error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DBG		"/sys/kernel/debug/vmlab"
#define CTL		DBG "/ctl"
#define REPLY_MAX	(64 * 1024 + 16)
#define LINE_MAX_K	4096		/* the kernel's VML_CTL_MAX_LINE */
#define MAX_CMDS	256
#define MAX_TOKS	16
#define NSHARED		4
#define NPOOL		32
#define FUZZFILE	"/tmp/vmlabfuzz.file"

/* ---- the grammar --------------------------------------------------------- */

struct cmd {
	char name[48];
	char *tok[MAX_TOKS];	/* usage tokens: <x>, [x], [k=<x>], <a|b> */
	int ntok;
	int rare;		/* sent one pick in this many (0: every pick) */
};

static struct cmd cmds[MAX_CMDS];
static int ncmds;
static int have_check, have_fail;
/* The fault-injection sites, from the usage of `fail` (<a|b|c> ...). */
static char *fail_sites[16];
static int nfail_sites;

static ssize_t transact_buf(const char *line, size_t len, int how, char *reply,
			    size_t size);
/* @reply is always an array (never a pointer): the reply is cut to its size. */
#define transact(line, len, how, reply) \
	transact_buf(line, len, how, reply, sizeof(reply))
static void bad_reply(const char *line, size_t len, const char *r);

/*
 * Arm (or disarm: "off") every fault-injection site; returns the failures
 * injected so far in all.
 */
static long set_failures(const char *how)
{
	char cmd[64], reply[256];
	long total = 0;
	unsigned int i;

	for (i = 0; i < (unsigned int)nfail_sites; i++) {
		int len = snprintf(cmd, sizeof(cmd), "fail %s %s", fail_sites[i], how);
		const char *p;

		transact(cmd, len, 0, reply);
		p = strstr(reply, " injected=");
		if (p)
			total += atol(p + 10);
	}
	return total;
}

enum mut {
	M_NONE, M_TYPE, M_BOUNDARY, M_MISSING, M_EXTRA, M_LONG, M_BINARY,
	M_NUL, M_PARTIAL, M_READONLY, M_DEADMM, M_WORDS, M_SWAP, M_UNREAD, M_NR
};

static const char *const mut_names[M_NR] = {
	"none", "wrong_type", "boundary", "missing_field", "extra_field",
	"overlong", "binary", "nul", "partial_write", "read_no_write",
	"destroyed_mm", "too_many_words", "other_args", "write_unread",
};

/* Counters shared by every process (MAP_SHARED). */
struct shared {
	long cmds, ok, err, reads;
	long quick;		/* of cmds, sent by the quick workers */
	long mut[M_NR];
	long per_cmd[MAX_CMDS];
	long ns_cmd[MAX_CMDS];	/* time spent in each command's transactions */
	long worst_ns;		/* the slowest transaction, and its line */
	char worst[200];
	int mm[NSHARED];	/* shared mms; a worker may replace one */
	int dead[NPOOL];	/* ids of destroyed mms */
	int made[1024];		/* per mm id: creates minus destroys seen */
	int stop;		/* read through stopped() */
	char bad[512];		/* first malformed reply seen */
};

static struct shared *sh;

/* Count an mm id made (+1) or destroyed (-1) if the reply says ok. */
static void made(const char *reply, int id, int delta)
{
	if (!strncmp(reply, "ok", 2) && id > 0 && id < 1024)
		__atomic_add_fetch(&sh->made[id], delta, __ATOMIC_RELAXED);
}

static int stopped(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* ---- small helpers ------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void seed_rng(uint64_t s)
{
	rng_state = s * 0x9E3779B97F4A7C15ULL + 1;
	if (!rng_state)
		rng_state = 1;
	rnd();
}

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "vmlabfuzz: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ---- one ctl transaction ------------------------------------------------- */

enum how { H_WRITE, H_PARTIAL, H_READONLY, H_UNREAD };

/*
 * ctl's next-command rule: once a reply was read to its end, a pwrite() at
 * offset 0 starts the next command on the same open file (debugfs.rst).
 * Each process keeps one such file (opened after fork: a shared one would
 * mix two processes' transactions); reuse_ok says the module has the rule.
 * One command in FRESH_EVERY still opens and closes ctl, so open and
 * release keep racing the rest.
 */
#define FRESH_EVERY	16

static int reuse_ok, ctl_fd = -1;
static long fresh_opens;

static int read_reply(int fd, char *reply, size_t size, int reuse)
{
	ssize_t n, got = 0;

	while (got < (ssize_t)size - 1) {
		n = reuse ? pread(fd, reply + got, size - 1 - got, got) :
			    read(fd, reply + got, size - 1 - got);
		if (n <= 0)
			break;
		got += n;
		/* A whole reply ends in a newline: spare the read of EOF. */
		if (reply[got - 1] == '\n')
			break;
	}
	reply[got] = '\0';
	/* Cut short: read the rest, so the kept file takes the next command. */
	if (got == (ssize_t)size - 1 && reply[got - 1] != '\n') {
		char rest[4096];
		off_t off = got;

		while ((n = reuse ? pread(fd, rest, sizeof(rest), off) :
				    read(fd, rest, sizeof(rest))) > 0)
			off += n;
	}
	return got;
}

/*
 * Send @len bytes as one command and read the reply into @reply (NUL
 * terminated). Returns the reply length, or -1 if the file cannot be opened.
 */
static ssize_t transact_buf(const char *line, size_t len, int how, char *reply,
			    size_t size)
{
	ssize_t n;
	int fd;

	reply[0] = '\0';
	if ((how == H_WRITE && reuse_ok && (fresh_opens++ % FRESH_EVERY)) ||
	    (how == H_UNREAD && reuse_ok)) {
		if (ctl_fd < 0)
			ctl_fd = open(CTL, O_RDWR);
		if (ctl_fd < 0)
			return -1;
		n = pwrite(ctl_fd, line, len, 0);
		/*
		 * Every write leaves a reply, an error's too (a line refused
		 * unread, EFBIG or EFAULT, says why in its reply as well).
		 * The next command before this reply was read must be refused
		 * (EBUSY) and leave the reply as it was.
		 */
		if (how == H_UNREAD && n >= 0 &&
		    (pwrite(ctl_fd, "version", 7, 0) >= 0 || errno != EBUSY))
			bad_reply(line, len, "a write before the reply was read was not refused");
		return read_reply(ctl_fd, reply, size, 1);
	}
	fd = open(CTL, O_RDWR);
	if (fd < 0)
		return -1;
	if (how == H_WRITE) {
		n = write(fd, line, len);
	} else if (how == H_PARTIAL || how == H_UNREAD) {
		size_t half = len / 2;

		n = write(fd, line, half);
		n = write(fd, line + half, len - half);	/* EBUSY: one per open */
	}
	(void)n;
	n = read_reply(fd, reply, size, 0);
	close(fd);
	return n;
}

/*
 * Does ctl take a second command on one open file (pwrite at 0 after the
 * reply was read), and still refuse a write before the reply was read?
 */
static void probe_reuse(void)
{
	char reply[256];
	int fd = open(CTL, O_RDWR);

	if (fd < 0)
		return;
	if (pwrite(fd, "version", 7, 0) == 7 && read_reply(fd, reply, sizeof(reply), 1) > 0 &&
	    pwrite(fd, "version", 7, 0) == 7 && read_reply(fd, reply, sizeof(reply), 1) > 0 &&
	    !strncmp(reply, "ok version=", 11))
		reuse_ok = 1;
	close(fd);
}

/* A reply is "ok..." or "error EXXX ...", whole, newline-terminated. */
static int reply_well_formed(const char *r, ssize_t len)
{
	if (len == 0)
		return 1;	/* refused write (EFBIG, EBUSY) or no write */
	if (r[len - 1] != '\n')
		return 0;
	if (!strncmp(r, "ok", 2) && (r[2] == ' ' || r[2] == '\n'))
		return 1;
	return !strncmp(r, "error E", 7);
}

static long field_num(const char *r, const char *key, int *found)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(r, pat);
	*found = !!p;
	return p ? strtol(p + strlen(pat), NULL, 0) : 0;
}

static int field_str(const char *r, const char *key, char *out, size_t size)
{
	char pat[40];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(r, pat);
	if (!p)
		return 0;
	p += strlen(pat);
	n = strcspn(p, "\n ");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

/* ---- reading the grammar from help --------------------------------------- */

static void load_grammar(void)
{
	static char reply[REPLY_MAX];
	char *line, *save, *w, *s2;

	if (transact("help", 4, H_WRITE, reply) <= 0 || strncmp(reply, "ok", 2))
		die("ctl help failed: is vmlab loaded? (%s)", reply);
	line = strtok_r(reply, "\n", &save);	/* "ok commands=N" */
	while ((line = strtok_r(NULL, "\n", &save)) && ncmds < MAX_CMDS) {
		struct cmd *c = &cmds[ncmds];

		w = strtok_r(line, " ", &s2);
		if (!w)
			continue;
		snprintf(c->name, sizeof(c->name), "%s", w);
		while ((w = strtok_r(NULL, " ", &s2)) && c->ntok < MAX_TOKS)
			c->tok[c->ntok++] = strdup(w);
		/*
		 * check stops every other command while it walks the arena
		 * (about 100 ms under TCG) and the selftests run thousands of
		 * operations: at one pick in 45 they took most of the run.
		 * One pick in 32 of theirs keeps them racing the others.
		 */
		if (!strcmp(c->name, "check") || strstr(c->name, "selftest"))
			c->rare = 32;
		/*
		 * These drain every CPU's slab stack through work items: 50-80
		 * ms each under TCG while holding the slab group's mutex that
		 * every other slab command waits for (measured, vmlabfuzz -p).
		 */
		if (!strcmp(c->name, "cache_shrink") || !strcmp(c->name, "cache_destroy"))
			c->rare = 8;
		if (!strcmp(c->name, "check"))
			have_check = 1;
		if (!strcmp(c->name, "fail") && c->ntok && c->tok[0][0] == '<') {
			char *t = strdup(c->tok[0] + 1), *p;

			t[strcspn(t, ">")] = '\0';
			for (p = strtok(t, "|"); p && nfail_sites < 16; p = strtok(NULL, "|"))
				fail_sites[nfail_sites++] = p;
			have_fail = nfail_sites > 0;
		}
		ncmds++;
	}
	if (!ncmds)
		die("help listed no commands");
}

/* ---- values for each kind of placeholder --------------------------------- */

struct worker {
	int id;
	int own[8], nown;		/* mms this worker created */
	char pfn[NPOOL][96];		/* "pfn order" from alloc_pages */
	int npfn;
	char obj[NPOOL][128];		/* "cache addr" from cache_alloc */
	int nobj;
	char kaddr[NPOOL][64];		/* kmalloc */
	int nk;
	char vaddr[NPOOL][64];		/* vmalloc */
	int nv;
	const char *cur;		/* command being generated */
	int quick;			/* a quick worker (-q): refusals mostly */
	FILE *log;
};

static const char *const boundary[] = {
	"0", "1", "4095", "4096", "4097", "-1", "-4096", "0x7ffffffff000",
	"0x800000000000", "0x100000000000000", "0xfffffffffffff000",
	"0xffffffffffffffff", "18446744073709551615", "18446744073709551616",
	"9223372036854775807", "-9223372036854775808", "0x1p3", "2147483648",
};

static const char *const wrong[] = {
	"abc", "-", "0x", "0xg", "--1", "1e9", "nan", "%s%n", "../..", "K",
	"1KK", "0b101", "+", "=", "a=b", "4K4", "0x-1", "\xff\xfe", "rwxrwx",
};

static const char *const lens[] = { "4K", "8K", "16K", "64K", "4096", "12288", "1", "0" };

static int pick_mm(struct worker *w)
{
	unsigned int r = below(10);

	if (r < 6)
		return sh->mm[below(NSHARED)];
	if (r < 9 && w->nown)
		return w->own[below(w->nown)];
	return r == 9 ? 0 : sh->mm[0];	/* 0: the kernel mm */
}

static void gen_addr(struct worker *w, char *out, size_t n)
{
	unsigned long a = 0x10000000UL + below(16) * 0x10000UL + below(16) * 4096UL;

	/* The vmalloc/kfree/cache_free family frees what it was given. */
	if (!strcmp(w->cur, "vfree") && w->nv && below(4)) {
		snprintf(out, n, "%s", w->vaddr[--w->nv]);
		return;
	}
	if (!strncmp(w->cur, "cache_", 6) && w->nobj && below(4)) {
		const char *o = w->obj[below(w->nobj)];

		snprintf(out, n, "%s", strchr(o, ' ') ? strchr(o, ' ') + 1 : o);
		return;
	}
	if (!strcmp(w->cur, "kfree") && w->nk && below(4)) {
		snprintf(out, n, "%s", w->kaddr[--w->nk]);
		return;
	}
	if (below(20) == 0)
		a += below(4096);		/* unaligned */
	snprintf(out, n, "%#lx", a);
}

static void gen_flags(char *out, size_t n)
{
	static const char *const extra[] = {
		"fixed", "populate", "locked", "noreserve", "growsdown",
		"fixed_noreplace",
	};
	int i;

	snprintf(out, n, "%s", below(4) ? "private" : "shared");
	if (below(8))
		strncat(out, ",anon", n - strlen(out) - 1);
	for (i = 0; i < 6; i++)
		if (below(4) == 0) {
			strncat(out, ",", n - strlen(out) - 1);
			strncat(out, extra[i], n - strlen(out) - 1);
		}
}

/* A value for placeholder @ph (the text inside <...>, or after "="). */
static void gen_value(struct worker *w, const char *ph, char *out, size_t n)
{
	static const char *const prots[] = { "r", "rw", "rwx", "none", "w", "x", "rx" };
	static const char *const sizes[] = { "1", "32", "100", "4096", "5000", "65536", "300000" };

	if (!strcmp(ph, "mm")) {
		snprintf(out, n, "%d", pick_mm(w));
	} else if (!strcmp(ph, "addr")) {
		gen_addr(w, out, n);
	} else if (strstr(ph, "len")) {
		snprintf(out, n, "%s", lens[below(8)]);
	} else if (!strcmp(ph, "prot")) {
		snprintf(out, n, "%s", prots[below(7)]);
	} else if (!strcmp(ph, "flags")) {
		gen_flags(out, n);
	} else if (!strcmp(ph, "path")) {
		snprintf(out, n, "%s", below(8) ? FUZZFILE : "/tmp");
	} else if (!strcmp(ph, "pfn")) {
		if (w->npfn && below(2))
			snprintf(out, n, "%.*s", (int)strcspn(w->pfn[0], " "), w->pfn[0]);
		else
			snprintf(out, n, "%#x", (unsigned int)rnd() & 0xfffff);
	} else if (!strcmp(ph, "order")) {
		snprintf(out, n, "%u", below(4) ? below(4) : below(12));
	} else if (!strcmp(ph, "size")) {
		snprintf(out, n, "%s", sizes[below(7)]);
	} else if (!strcmp(ph, "name")) {
		const char *o = w->nobj ? w->obj[below(w->nobj)] : NULL;

		if (o && below(2))
			snprintf(out, n, "%.*s", (int)strcspn(o, " "), o);
		else
			snprintf(out, n, below(4) ? "fz%u" : "kmalloc-64", below(4));
	} else if (!strcmp(ph, "hex")) {
		unsigned int i, k = 1 + below(8);

		out[0] = '\0';
		for (i = 0; i < k && 2 * i + 3 < n; i++)
			sprintf(out + 2 * i, "%02x", (unsigned int)below(256));
	} else if (!strcmp(ph, "iterations")) {
		snprintf(out, n, "%u", below(50));	/* 1000 by default: slow */
	} else if (!strcmp(ph, "nth")) {
		snprintf(out, n, "%u", below(4) ? 1 + below(20) : (unsigned int)rnd());
	} else if (!strcmp(ph, "pct")) {
		snprintf(out, n, "%u", below(4) ? 1 + below(10) : below(200));
	} else if (!strcmp(ph, "byte")) {
		snprintf(out, n, "%u", below(256));
	} else if (!strcmp(ph, "value") || !strcmp(ph, "N") || !strcmp(ph, "seed") ||
		   !strcmp(ph, "offset")) {
		snprintf(out, n, "%u", below(3) ? below(64) * 4096 : below(1000));
	} else {
		/* A placeholder this fuzzer does not know yet: numbers, words. */
		if (below(2))
			snprintf(out, n, "%u", below(2) ? below(16) : (unsigned int)rnd());
		else
			snprintf(out, n, "%s", wrong[below(sizeof(wrong) / sizeof(*wrong))]);
	}
}

/* One usage token: <x>, <a|b|c>, [x], [k=<x>], [k=N], a literal word. */
static int gen_token(struct worker *w, const char *tok, char *out, size_t n)
{
	char t[128], *p, *eq, *alt[16];
	int opt = tok[0] == '[', nalt = 0;
	size_t l;

	snprintf(t, sizeof(t), "%s", tok + (tok[0] == '[' || tok[0] == '<'));
	l = strlen(t);
	if (l && (t[l - 1] == ']' || t[l - 1] == '>'))
		t[--l] = '\0';
	if (opt && below(2))
		return 0;
	p = strchr(t, '|');
	eq = strchr(t, '=');
	if (p && !strchr(t, ',') && (!eq || p < eq)) {	/* <a|b|k=v> */
		for (p = strtok(t, "|"); p && nalt < 16; p = strtok(NULL, "|"))
			alt[nalt++] = p;
		p = alt[below(nalt)];
		eq = strchr(p, '=');
		if (eq) {
			l = snprintf(out, n, "%.*s=", (int)(eq - p), p);
			gen_value(w, eq + 1, out + l, n - l);
		} else if (!strcmp(p, "value") || !strcmp(p, "addr") || !strcmp(p, "nth")) {
			gen_value(w, p, out, n);
		} else {
			snprintf(out, n, "%s", p);
		}
		return 1;
	}
	if (eq) {		/* key=<value> or key=N */
		char ph[64];

		*eq = '\0';
		snprintf(ph, sizeof(ph), "%s", eq + 1);
		p = ph;
		if (*p == '<')
			p++;
		p[strcspn(p, ">")] = '\0';
		l = snprintf(out, n, "%s=", t);
		if (strchr(p, ',')) {	/* flags=a,b,c: any few of them */
			char *a[16], *q;
			int na = 0, k = 1 + below(3);

			for (q = strtok(p, ","); q && na < 16; q = strtok(NULL, ","))
				a[na++] = q;
			while (k--) {
				strncat(out, a[below(na)], n - strlen(out) - 2);
				if (k)
					strcat(out, ",");
			}
			return 1;
		}
		gen_value(w, p, out + l, n - l);
		return 1;
	}
	if (t[0] == '<')	/* [<x>] */
		memmove(t, t + 1, strlen(t)), t[strcspn(t, ">")] = '\0';
	if (strchr(t, ',')) {	/* a list: any few of its words */
		int k = 1 + below(3);

		for (p = strtok(t, ",|"); p && nalt < 16; p = strtok(NULL, ",|"))
			alt[nalt++] = p;
		out[0] = '\0';
		while (k--) {
			strncat(out, alt[below(nalt)], n - strlen(out) - 2);
			if (k)
				strcat(out, ",");
		}
		return 1;
	}
	if (strchr(t, '|')) {
		for (p = strtok(t, "|"); p && nalt < 16; p = strtok(NULL, "|"))
			alt[nalt++] = p;
		p = alt[below(nalt)];
		if (!strcmp(p, "value") || !strcmp(p, "addr"))
			gen_value(w, p, out, n);
		else
			snprintf(out, n, "%s", p);
		return 1;
	}
	if (tok[0] == '[' && tok[1] != '<') {	/* [maymove]: a literal */
		snprintf(out, n, "%s", t);
		return 1;
	}
	gen_value(w, t, out, n);
	return 1;
}

/* ---- generate, mutate, send ---------------------------------------------- */

#define MAXW	24

/* Build a command line in @line; returns its length and the mutation used. */
static size_t gen_line(struct worker *w, int ci, char *line, size_t size,
		       enum mut *m, enum how *how)
{
	char words[MAXW][160];
	int nw = 0, i, k;
	struct cmd *c = &cmds[ci];
	size_t len = 0;

	w->cur = c->name;
	snprintf(words[nw++], sizeof(words[0]), "%s", c->name);
	for (i = 0; i < c->ntok && nw < MAXW; i++)
		if (gen_token(w, c->tok[i], words[nw], sizeof(words[0])))
			nw++;
	/* Keep frees matched with their allocation's order/cache. */
	if (!strcmp(c->name, "free_pages") && nw == 3 && w->npfn >= 0) {
		/* order already random; 1 in 2 uses a harvested pair whole */
		if (w->npfn && below(2)) {
			char *sp = strchr(w->pfn[--w->npfn], ' ');

			if (sp) {
				*sp = '\0';
				snprintf(words[1], sizeof(words[0]), "%s", w->pfn[w->npfn]);
				snprintf(words[2], sizeof(words[0]), "%s", sp + 1);
			}
		}
	}
	if (!strcmp(c->name, "cache_free") && w->nobj && below(2)) {
		char *o = w->obj[--w->nobj], *sp = strchr(o, ' ');

		if (sp) {
			*sp = '\0';
			snprintf(words[1], sizeof(words[0]), "%s", o);
			snprintf(words[2], sizeof(words[0]), "%s", sp + 1);
		}
	}

	*m = below(3) ? M_NONE : 1 + below(M_NR - 1);
	if (w->quick) {
		/*
		 * The mutations a handler's parser (or the dispatcher) should
		 * refuse before doing any work: bad types and counts, junk
		 * bytes, lines too long or with too many words, destroyed mms.
		 * A line that still parses runs, as in the full mix.
		 */
		static const enum mut refused[] = {
			M_TYPE, M_MISSING, M_EXTRA, M_LONG, M_BINARY, M_WORDS, M_DEADMM,
		};

		*m = refused[below(sizeof(refused) / sizeof(*refused))];
		if (*m == M_DEADMM && !strstr(c->ntok ? c->tok[0] : "", "<mm>"))
			*m = M_WORDS;
	}
	*how = H_WRITE;
	switch (*m) {
	case M_TYPE:
		if (nw > 1)
			snprintf(words[1 + below(nw - 1)], sizeof(words[0]), "%s",
				 wrong[below(sizeof(wrong) / sizeof(*wrong))]);
		break;
	case M_BOUNDARY:
		k = nw > 1 ? 1 + below(nw - 1) : 0;
		if (k)
			snprintf(words[k], sizeof(words[0]), "%s",
				 boundary[below(sizeof(boundary) / sizeof(*boundary))]);
		break;
	case M_MISSING:
		if (nw > 1)
			nw--;
		break;
	case M_EXTRA:
		if (nw < MAXW)
			gen_value(w, "x", words[nw++], sizeof(words[0]));
		break;
	case M_DEADMM:
		for (i = 1; i < nw; i++)
			if (i - 1 < c->ntok && strstr(c->tok[i - 1], "<mm>"))
				snprintf(words[i], sizeof(words[0]), "%d",
					 sh->dead[below(NPOOL)]);
		break;
	case M_WORDS:
		while (nw < MAXW)
			snprintf(words[nw++], sizeof(words[0]), "w");
		break;
	case M_SWAP:
		c = &cmds[below(ncmds)];
		snprintf(words[0], sizeof(words[0]), "%s", c->name);
		break;
	case M_PARTIAL:
		*how = H_PARTIAL;
		break;
	case M_READONLY:
		*how = H_READONLY;
		break;
	case M_UNREAD:
		*how = H_UNREAD;
		break;
	default:
		break;
	}
	for (i = 0; i < nw; i++) {
		k = snprintf(line + len, size - len, "%s%s", i ? " " : "", words[i]);
		if (k < 0 || (size_t)k >= size - len)
			break;
		len += k;
	}
	if (*m == M_LONG) {
		size_t target = below(2) ? LINE_MAX_K - 1 : LINE_MAX_K + below(64);

		while (len < target && len < size - 1)
			line[len++] = below(4) ? ' ' : 'a';
	} else if (*m == M_BINARY) {
		for (i = 0; i < 8 && len; i++)
			line[below(len)] = (char)(1 + below(255));
	} else if (*m == M_NUL && len) {
		line[below(len)] = '\0';
	}
	return len;
}

/* Put @new in @slot if it still holds @old. */
static int slot_swap(int *slot, int old, int new)
{
	return __atomic_compare_exchange_n(slot, &old, new, 0, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* Remember what a reply handed out, to use (and free) it later. */
static void harvest(struct worker *w, const char *raw, size_t len, const char *r)
{
	char v[64], name[48], line[LINE_MAX_K + 1], *p, *q, *word;
	int found, id;

	if (strncmp(r, "ok", 2) || len >= sizeof(line))
		return;
	/*
	 * Read the line as ctl does: up to a NUL, words split at spaces, tabs
	 * and newlines, empty ones skipped. A mutation that turned a space
	 * into a tab still forks, and the child must not go unnoticed (it
	 * was left for the sweep at the end).
	 */
	memcpy(line + 1, raw, len);
	line[len + 1] = '\0';
	p = line + 1;
	q = line;
	while ((word = strsep(&p, " \t\n"))) {
		size_t n = strlen(word);

		if (!n)
			continue;
		if (q > line)
			*q++ = ' ';
		memmove(q, word, n);
		q += n;
	}
	*q = '\0';
	if (!strncmp(line, "alloc_pages ", 12) && w->npfn == NPOOL / 4 &&
	    field_str(r, "pfn", v, sizeof(v))) {	/* pool full: give it back */
		char cmd[80], rep[256];
		int len = snprintf(cmd, sizeof(cmd), "free_pages %s %ld", v,
				   field_num(r, "order", &found));

		transact(cmd, len, H_WRITE, rep);
		return;
	}
	if (!strncmp(line, "mm_create", 9) || !strncmp(line, "fork ", 5)) {
		id = field_num(r, "mm", &found);
		if (found && id > 0 && id < 1024)
			__atomic_add_fetch(&sh->made[id], 1, __ATOMIC_RELAXED);
		if (found && w->nown < 8) {
			w->own[w->nown++] = id;
		} else if (found) {	/* too many: destroy it at once */
			char cmd[32], rep[256];
			int len = snprintf(cmd, sizeof(cmd), "mm_destroy %d", id);

			transact(cmd, len, H_WRITE, rep);
			made(rep, id, -1);
			sh->dead[below(NPOOL)] = id;
		}
	} else if (!strncmp(line, "alloc_pages ", 12) && field_str(r, "pfn", v, sizeof(v)) &&
		   w->npfn < NPOOL) {
		int order = (int)field_num(r, "order", &found);

		snprintf(w->pfn[w->npfn++], sizeof(w->pfn[0]), "%s %d", v, order);
	} else if (!strncmp(line, "cache_alloc ", 12) && field_str(r, "addr", v, sizeof(v)) &&
		   w->nobj < NPOOL) {
		if (sscanf(line + 12, "%47s", name) != 1)
			return;
		snprintf(w->obj[w->nobj++], sizeof(w->obj[0]), "%s %s", name, v);
	} else if (!strncmp(line, "kmalloc ", 8) && field_str(r, "addr", v, sizeof(v)) &&
		   w->nk < NPOOL) {
		snprintf(w->kaddr[w->nk++], sizeof(w->kaddr[0]), "%s", v);
	} else if (!strncmp(line, "vmalloc ", 8) && field_str(r, "addr", v, sizeof(v)) &&
		   w->nv < NPOOL) {
		snprintf(w->vaddr[w->nv++], sizeof(w->vaddr[0]), "%s", v);
	} else if (!strncmp(line, "mm_destroy ", 11)) {
		id = atoi(line + 11);
		if (id > 0 && id < 1024)
			__atomic_sub_fetch(&sh->made[id], 1, __ATOMIC_RELAXED);
		sh->dead[below(NPOOL)] = id;
		for (int i = 0; i < w->nown; i++)
			if (w->own[i] == id)
				w->own[i] = w->own[--w->nown];
		for (int i = 0; i < NSHARED; i++)	/* replace a shared mm */
			if (sh->mm[i] == id) {
				char rep[256];

				int nid = 0;

				if (transact("mm_create", 9, H_WRITE, rep) > 0)
					nid = (int)field_num(rep, "mm", &found);
				made(rep, nid, 1);
				/*
				 * Else keep the dead id. Two workers can replace
				 * one slot at once (its id destroyed twice, made
				 * again in between): the loser's mm goes, or it
				 * would be known to no one.
				 */
				if (nid > 0 && !slot_swap(&sh->mm[i], id, nid)) {
					char cmd[32];
					int len = snprintf(cmd, sizeof(cmd), "mm_destroy %d", nid);

					transact(cmd, len, H_WRITE, rep);
					made(rep, nid, -1);
				}
			}
	}
}

/* Log a line as replay input: "W|P|R <escaped bytes>". */
static void log_line(FILE *f, const char *line, size_t len, enum how how)
{
	size_t i;

	if (!f)
		return;
	fputc("WPRU"[how], f);
	fputc(' ', f);
	for (i = 0; i < len; i++) {
		unsigned char ch = line[i];

		if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('\n', f);
}

static void bad_reply(const char *line, size_t len, const char *r)
{
	if (sh->bad[0])
		return;
	snprintf(sh->bad, sizeof(sh->bad), "malformed reply to '%.*s': '%.200s'",
		 (int)(len < 120 ? len : 120), line, r);
}

/* Undo what a worker still holds, so the arena does not run dry. */
static void worker_cleanup(struct worker *w)
{
	char cmd[128], rep[512];
	int len;

	while (w->nown) {
		len = snprintf(cmd, sizeof(cmd), "mm_destroy %d", w->own[--w->nown]);
		transact(cmd, len, H_WRITE, rep);
		made(rep, w->own[w->nown], -1);
		sh->dead[below(NPOOL)] = w->own[w->nown];
	}
	while (w->npfn) {
		len = snprintf(cmd, sizeof(cmd), "free_pages %s", w->pfn[--w->npfn]);
		transact(cmd, len, H_WRITE, rep);
	}
	while (w->nobj) {
		len = snprintf(cmd, sizeof(cmd), "cache_free %s", w->obj[--w->nobj]);
		transact(cmd, len, H_WRITE, rep);
	}
	while (w->nk) {
		len = snprintf(cmd, sizeof(cmd), "kfree %s", w->kaddr[--w->nk]);
		transact(cmd, len, H_WRITE, rep);
	}
	while (w->nv) {
		len = snprintf(cmd, sizeof(cmd), "vfree %s", w->vaddr[--w->nv]);
		transact(cmd, len, H_WRITE, rep);
	}
}

static void run_worker(int id, uint64_t seed, long count, time_t deadline,
		       const char *logpath, int quick)
{
	static char line[LINE_MAX_K + 256], reply[REPLY_MAX];
	struct worker w = { .id = id, .quick = quick };
	enum mut m;
	enum how how;
	long i, t;

	seed_rng(seed);
	if (ctl_fd >= 0)	/* the parent's: open this worker's own */
		close(ctl_fd);
	ctl_fd = -1;
	w.log = logpath ? fopen(logpath, "w") : NULL;
	for (i = 0; i < count && !stopped(); i++) {
		int ci = below(ncmds);
		size_t len;
		ssize_t r;

		if ((i & 255) == 0 && time(NULL) >= deadline)
			break;
		/*
		 * A rare command still goes out once early, whatever the odds;
		 * the quick workers leave them to the full mix.
		 */
		if (cmds[ci].rare && quick)
			continue;
		if (cmds[ci].rare && below(cmds[ci].rare) &&
		    __atomic_load_n(&sh->per_cmd[ci], __ATOMIC_RELAXED))
			continue;
		len = gen_line(&w, ci, line, sizeof(line), &m, &how);
		log_line(w.log, line, len, how);
		t = now_ns();
		r = transact(line, len, how, reply);
		t = now_ns() - t;
		__atomic_add_fetch(&sh->ns_cmd[ci], t, __ATOMIC_RELAXED);
		if (t > sh->worst_ns) {	/* racy, but only a hint for the profile */
			sh->worst_ns = t;
			snprintf(sh->worst, sizeof(sh->worst), "%.*s", (int)(len < 150 ? len : 150),
				 line);
		}
		__atomic_add_fetch(&sh->cmds, 1, __ATOMIC_RELAXED);
		if (quick)
			__atomic_add_fetch(&sh->quick, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&sh->mut[m], 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&sh->per_cmd[ci], 1, __ATOMIC_RELAXED);
		if (r < 0) {
			bad_reply(line, len, "ctl cannot be opened");
			break;
		}
		if (!reply_well_formed(reply, r))
			bad_reply(line, len, reply);
		else if (!strncmp(reply, "ok", 2))
			__atomic_add_fetch(&sh->ok, 1, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&sh->err, 1, __ATOMIC_RELAXED);
		/*
		 * A split write runs its first half (the second is EBUSY):
		 * "fork 3" of "fork 3 x" makes an mm, which the sweep at the
		 * end found unknown when this was not read.
		 */
		if (how == H_PARTIAL || (how == H_UNREAD && !reuse_ok))
			harvest(&w, line, len / 2, reply);
		else if (how == H_WRITE || how == H_UNREAD)
			harvest(&w, line, len, reply);
	}
	worker_cleanup(&w);
	if (w.log)
		fclose(w.log);
	_exit(0);
}

/* Read every debugfs file but ctl, over and over, until told to stop. */
static void read_tree(const char *dir, char *buf, size_t size)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	char path[512];

	if (!dp)
		return;
	while ((d = readdir(dp)) && !stopped()) {
		struct stat st;
		int fd;

		if (d->d_name[0] == '.' || !strcmp(d->d_name, "ctl"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			read_tree(path, buf, size);
			continue;
		}
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		while (read(fd, buf, size) > 0)
			;
		close(fd);
		__atomic_add_fetch(&sh->reads, 1, __ATOMIC_RELAXED);
	}
	closedir(dp);
}

/*
 * One pass over the tree per READ_EVERY commands the workers send: reading
 * flat out took a vCPU from them, and what races a command is that a read
 * runs beside it, not how many.
 */
#define READ_EVERY	200

/* Commands the full-mix workers sent (not the quick ones). */
static long full_mix(void)
{
	return __atomic_load_n(&sh->cmds, __ATOMIC_RELAXED) -
	       __atomic_load_n(&sh->quick, __ATOMIC_RELAXED);
}

static void run_reader(void)
{
	static char buf[65536];
	long mark;

	while (!stopped()) {
		mark = full_mix();
		read_tree(DBG, buf, sizeof(buf));
		while (!stopped() &&
		       full_mix() - mark < READ_EVERY)
			usleep(2000);
	}
	_exit(0);
}

/* ---- checks after a batch ------------------------------------------------ */

static const char *patterns[256], *ignores[64];
static int npat, nign;
static int kmsg = -1;

static int load_list(const char *path, const char **out, int max)
{
	char buf[256];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (n < max && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0])
			out[n++] = strdup(buf);
	}
	fclose(f);
	return n;
}

static void checks_init(void)
{
	static const char *const builtin[] = { "Oops", "BUG:", "WARNING:", "KASAN", "UBSAN",
				   "lockdep", "general protection fault",
				   "still allocated", "leaked", "census inconsistent",
				   "refusing a PTE", "bad page-table entry" };
	unsigned int i;

	npat = load_list("/etc/vmlab/dmesg-patterns", patterns, 256);
	if (!npat)
		for (i = 0; i < sizeof(builtin) / sizeof(*builtin); i++)
			patterns[npat++] = builtin[i];
	nign = load_list("/etc/vmlab/dmesg-ignore", ignores, 64);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
}

/* New kernel messages that match a failure pattern; 1 if any. */
static int kmsg_bad(char *why, size_t n)
{
	char rec[8192];
	ssize_t r;
	int bad = 0, i, j;

	if (kmsg < 0)
		return 0;
	while ((r = read(kmsg, rec, sizeof(rec) - 1)) != 0) {
		if (r < 0) {
			if (errno == EPIPE)	/* overwritten: go on */
				continue;
			break;
		}
		rec[r] = '\0';
		for (i = 0; i < npat && !bad; i++) {
			if (!strstr(rec, patterns[i]))
				continue;
			for (j = 0; j < nign; j++)
				if (strstr(rec, ignores[j]))
					break;
			if (j == nign) {
				char *msg = strchr(rec, ';');

				snprintf(why, n, "kernel: %.500s", msg ? msg + 1 : rec);
				why[strcspn(why, "\n")] = '\0';
				bad = 1;
			}
		}
	}
	return bad;
}

static int batch_bad(char *why, size_t n)
{
	static char reply[REPLY_MAX];
	ssize_t r;

	if (sh->bad[0]) {
		snprintf(why, n, "%s", sh->bad);
		return 1;
	}
	if (kmsg_bad(why, n))
		return 1;
	if (have_check) {
		r = transact("check", 5, H_WRITE, reply);
		if (r <= 0 || strncmp(reply, "ok", 2)) {
			snprintf(why, n, "ctl check: %.300s", reply);
			return 1;
		}
	}
	{
		int fd = open(DBG "/arena", O_RDONLY);

		if (fd >= 0) {
			r = read(fd, reply, REPLY_MAX - 1);
			close(fd);
			reply[r > 0 ? r : 0] = '\0';
			if (strstr(reply, "inconsistent")) {
				snprintf(why, n, "arena census inconsistent");
				return 1;
			}
		}
	}
	return 0;
}

/* ---- replay and reduce --------------------------------------------------- */

struct rline {
	enum how mode;
	char *buf;
	size_t len;
};

static int unescape(const char *s, char *out)
{
	int n = 0;

	while (*s && *s != '\n') {
		unsigned int v;

		if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1) {
			out[n++] = (char)v;
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

static struct rline *read_replay(const char *path, int *nr)
{
	static char in[LINE_MAX_K * 4 + 64];
	struct rline *v = NULL;
	int n = 0, cap = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		die("cannot open %s", path);
	while (fgets(in, sizeof(in), f)) {
		if (strlen(in) < 2 || !strchr("WPRU", in[0]))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			v = realloc(v, cap * sizeof(*v));
		}
		v[n].mode = strchr("WPRU", in[0]) - "WPRU";
		v[n].buf = malloc(strlen(in));
		v[n].len = unescape(in + 2, v[n].buf);
		n++;
	}
	fclose(f);
	*nr = n;
	return v;
}

/*
 * Run the lines whose @keep is set; 1 if the failure shows. mm ids from
 * the original run are kept as they are: the module is fresh for a replay,
 * so ids come out the same as long as the mm_create lines are kept.
 */
static int replay_fails(struct rline *v, const char *keep, int n, char *why,
			size_t wn)
{
	static char reply[REPLY_MAX];
	int i, ids[256], nid = 0, found;
	ssize_t r;

	sh->bad[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		r = transact(v[i].buf, v[i].len, v[i].mode, reply);
		if (r < 0 || !reply_well_formed(reply, r))
			bad_reply(v[i].buf, v[i].len, r < 0 ? "ctl gone" : reply);
		if (!strncmp(reply, "ok", 2) && nid < 256 &&
		    (!strncmp(v[i].buf, "mm_create", 9) || !strncmp(v[i].buf, "fork ", 5))) {
			ids[nid] = (int)field_num(reply, "mm", &found);
			nid += found;
		}
	}
	for (i = 0; i < nid; i++) {	/* leave no mm behind for the next try */
		char cmd[32];
		int len = snprintf(cmd, sizeof(cmd), "mm_destroy %d", ids[i]);

		transact(cmd, len, H_WRITE, reply);
	}
	return batch_bad(why, wn);
}

static int do_replay(const char *path, int reduce)
{
	char why[600];
	struct rline *v;
	int n, i, chunk, live, start;
	char *keep;

	v = read_replay(path, &n);
	keep = malloc(n + 1);
	memset(keep, 1, n);
	printf("vmlabfuzz: replaying %d commands from %s\n", n, path);
	if (!replay_fails(v, keep, n, why, sizeof(why))) {
		printf("vmlabfuzz: replay did not fail %s\n",
		       "(a race may need workers: rerun the seed)");
		return 0;
	}
	printf("vmlabfuzz: replay fails: %s\n", why);
	if (!reduce)
		return 1;
	/* ddmin: drop chunks while the failure still shows. */
	live = n;
	for (chunk = n / 2; chunk >= 1; chunk /= 2) {
		for (start = 0; start < n; ) {
			char *trial = malloc(n);
			int k = 0;

			memcpy(trial, keep, n);
			for (i = start; i < n && k < chunk; i++)
				if (trial[i]) {
					trial[i] = 0;
					k++;
				}
			if (k && replay_fails(v, trial, n, why, sizeof(why))) {
				memcpy(keep, trial, n);
				live -= k;
			} else {
				start = i;
			}
			free(trial);
			if (!k)
				break;
		}
	}
	printf("vmlabfuzz: reduced to %d of %d commands (%s):\n", live, n, why);
	for (i = 0; i < n; i++)
		if (keep[i]) {
			printf("  ");
			log_line(stdout, v[i].buf, v[i].len, v[i].mode);
		}
	return 1;
}

/*
 * Destroy every mm still listed in debugfs (the kernel mm 0 aside): the
 * workers' bookkeeping can lose an mm (a mutated line that still forked),
 * but each must be destroyable. Returns how many there were.
 */
static int sweep_mms(void)
{
	static char reply[REPLY_MAX];
	struct dirent *d;
	DIR *dp = opendir(DBG "/mm");
	int n = 0;

	while (dp && (d = readdir(dp))) {
		char cmd[64];
		int len, id = atoi(d->d_name);

		if (id <= 0)
			continue;
		len = snprintf(cmd, sizeof(cmd), "mm_destroy %d", id);
		transact(cmd, len, H_WRITE, reply);
		/* made: creates minus destroys the workers saw for this id */
		printf("vmlabfuzz: left over: mm %d (made %d): %s", id,
		       id < 1024 ? sh->made[id] : -1, reply);
		n++;
	}
	if (dp)
		closedir(dp);
	return n;
}

/* ---- main ---------------------------------------------------------------- */

static void print_usage(void)
{
	fprintf(stderr,
		"usage: vmlabfuzz [-s SEED] [-n COMMANDS] [-t SECONDS] [-j WORKERS] [-q QUICK]\n"
		"                 [-b BATCH] [-p]\n"
		"       vmlabfuzz --replay FILE [--reduce]\n"
		"       vmlabfuzz --cost N\n");
	exit(2);
}

/* The time of one kind of transaction, N times, in microseconds each. */
static void cost_of(const char *what, long n, int kind, const char *line)
{
	static char reply[REPLY_MAX];
	long i, t = now_ns();
	int fd;

	for (i = 0; i < n; i++) {
		switch (kind) {
		case 0:		/* open and close */
			fd = open(CTL, O_RDWR);
			close(fd);
			break;
		case 1:		/* a whole transaction, own open */
			fd = reuse_ok;
			reuse_ok = 0;
			transact(line, strlen(line), H_WRITE, reply);
			reuse_ok = fd;
			break;
		case 2:		/* on the kept file */
			fresh_opens = 1;
			transact(line, strlen(line), H_WRITE, reply);
			break;
		default:	/* a debugfs file read whole */
			fd = open(line, O_RDONLY);
			while (read(fd, reply, REPLY_MAX) > 0)
				;
			close(fd);
			break;
		}
	}
	t = now_ns() - t;
	if (kind == 3)
		snprintf(reply, 64, "%s", line);
	else if (!kind)
		reply[0] = '\0';
	printf("vmlabfuzz: cost: %-34s %6ld us (%.*s)\n", what, t / n / 1000,
	       (int)strcspn(reply, "\n"), reply);
}

static int run_costs(long n)
{
	static char reply[REPLY_MAX];
	char line[64];
	int mm, found;

	if (!reuse_ok)
		printf("vmlabfuzz: cost: ctl takes one command per open here\n");
	cost_of("open+close", n, 0, NULL);
	cost_of("version, own open", n, 1, "version");
	cost_of("version, kept file", n, 2, "version");
	cost_of("unknown command, kept file", n, 2, "nosuchcommand 1 2");
	cost_of("bad number, kept file", n, 2, "munmap 1 0xzz 4K");
	transact("mm_create", 9, H_WRITE, reply);
	mm = (int)field_num(reply, "mm", &found);
	snprintf(line, sizeof(line), "munmap %d 0x10000000 4K", mm);
	cost_of("munmap of nothing, kept file", n, 2, line);
	snprintf(line, sizeof(line), "mmap %d 0x10000000 4K rw private,anon,fixed", mm);
	cost_of("mmap 4K (replacing), kept file", n, 2, line);
	snprintf(line, sizeof(line), "touch %d 0x10000000 4K w", mm);
	cost_of("touch 4K, kept file", n, 2, line);
	snprintf(line, sizeof(line), "mm_destroy %d", mm);
	transact(line, strlen(line), H_WRITE, reply);
	cost_of("read vmstat", n, 3, DBG "/vmstat");
	cost_of("read buddyinfo", n, 3, DBG "/buddyinfo");
	cost_of("read framemap", n / 10 + 1, 3, DBG "/framemap");
	return 0;
}

static void setup_shared(void)
{
	static char reply[REPLY_MAX];
	int i, found, fd;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (i = 0; i < NSHARED; i++) {
		if (transact("mm_create", 9, H_WRITE, reply) <= 0)
			die("mm_create: %s", reply);
		sh->mm[i] = (int)field_num(reply, "mm", &found);
		made(reply, sh->mm[i], 1);
	}
	for (i = 0; i < NPOOL; i++)
		sh->dead[i] = 9999 + i;
	fd = open(FUZZFILE, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd >= 0) {
		char page[4096];

		memset(page, 'f', sizeof(page));
		for (i = 0; i < 16; i++)
			if (write(fd, page, sizeof(page)) < 0)
				break;
		close(fd);
	}
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL);
	long total = 100000, batch = 5000, done = 0;
	int workers = 4, quick = 0, seconds = 0, b, i, failed = 0, reduce = 0, used = 0, orphans;
	long injected = 0, tc, ns_check = 0, secs;
	const char *replay = NULL;
	long costn = 0;
	int bad, profile = 0;
	char why[600];
	time_t t0 = time(NULL), deadline;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--reduce")) {
			reduce = 1;
			continue;
		}
		if (!strcmp(a, "-p")) {
			profile = 1;
			continue;
		}
		if (!v)
			print_usage();
		if (!strcmp(a, "-s"))
			seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "-n"))
			total = strtol(v, NULL, 0);
		else if (!strcmp(a, "-t"))
			seconds = atoi(v);
		else if (!strcmp(a, "-q"))
			quick = atoi(v);
		else if (!strcmp(a, "-j"))
			workers = atoi(v);
		else if (!strcmp(a, "-b"))
			batch = strtol(v, NULL, 0);
		else if (!strcmp(a, "--replay"))
			replay = v;
		else if (!strcmp(a, "--cost"))
			costn = strtol(v, NULL, 0);
		else
			print_usage();
		i++;
	}
	if (workers < 1 || workers > 16 || quick < 0 || quick > 16 || batch < 1 || total < 0)
		print_usage();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	probe_reuse();
	load_grammar();
	checks_init();
	setup_shared();
	if (replay)
		return do_replay(replay, reduce);
	if (costn > 0)
		return run_costs(costn);
	if (!total)
		total = -1UL >> 1;	/* -n 0: until -t runs out */
	deadline = seconds ? t0 + seconds : (time_t)1 << 62;
	printf("vmlabfuzz: seed=%llu commands=%ld workers=%d quick=%d %s=%ld grammar=%d %s\n",
	       (unsigned long long)seed, total, workers, quick, "batch", batch, ncmds,
	       have_check ? "commands (with check)" : "commands");
	for (b = 0; done < total && time(NULL) < deadline; b++) {
		long each = (total - done < batch ? total - done : batch) / workers + 1;
		pid_t pids[33];
		char logs[32][64];
		int st;

		sh->stop = 0;
		if (have_fail && (b & 1))	/* every other batch: with failures */
			set_failures("random=2");
		for (i = 0; i < workers + quick; i++) {
			snprintf(logs[i], sizeof(logs[i]), "/tmp/vmlabfuzz.w%d.log", i);
			pids[i] = fork();
			if (!pids[i])
				run_worker(i, seed * 1000003 + b * 64 + i,
					   i < workers ? each : LONG_MAX, deadline, logs[i],
					   i >= workers);
		}
		pids[workers + quick] = fork();
		if (!pids[workers + quick])
			run_reader();
		/* The batch is the full mix's; the quick workers run beside it. */
		for (i = 0; i < workers + quick + 1; i++) {
			if (i == workers)
				sh->stop = 1;
			waitpid(pids[i], &st, 0);
			if (i < workers + quick && (!WIFEXITED(st) || WEXITSTATUS(st)))
				snprintf(sh->bad, sizeof(sh->bad), "worker %d died (status %#x)",
					 i, st);
		}
		done = sh->cmds - sh->quick;
		if (have_fail)
			injected = set_failures("off");
		tc = now_ns();
		bad = batch_bad(why, sizeof(why));
		ns_check += now_ns() - tc;
		if (bad) {
			FILE *out = fopen("/tmp/vmlabfuzz.fail", "w");

			for (i = 0; i < workers && out; i++) {
				FILE *in = fopen(logs[i], "r");
				char l[LINE_MAX_K * 4 + 64];

				while (in && fgets(l, sizeof(l), in))
					fputs(l, out);
				if (in)
					fclose(in);
			}
			if (out)
				fclose(out);
			printf("vmlabfuzz: FAIL batch %d: %s\n", b, why);
			printf("vmlabfuzz: regenerate: vmlabfuzz -s %llu -j %d -b %ld -n %ld\n",
			       (unsigned long long)seed, workers, batch, (b + 1) * batch);
			printf("vmlabfuzz: replay and reduce (fresh module): %s\n",
			       "vmlabfuzz --replay /tmp/vmlabfuzz.fail --reduce");
			failed = 1;
			break;
		}
	}
	for (i = 0; i < NSHARED; i++) {
		char cmd[32], rep[256];
		int len = snprintf(cmd, sizeof(cmd), "mm_destroy %d", sh->mm[i]);

		transact(cmd, len, H_WRITE, rep);
		made(rep, sh->mm[i], -1);
	}
	orphans = sweep_mms();
	for (i = 0; i < ncmds; i++)
		used += sh->per_cmd[i] > 0;
	secs = time(NULL) - t0;
	printf("vmlabfuzz: %ld commands (%ld ok, %ld errors) in %lds (%ld/s), %d of %d %s",
	       sh->cmds, sh->ok, sh->err, secs, sh->cmds / (secs ? secs : 1), used, ncmds,
	       "grammar commands");
	printf(", %ld debugfs reads\n", sh->reads);
	printf("vmlabfuzz: full mix: %ld commands (%ld/s) by %d %s: %ld (%ld/s) by %d\n",
	       sh->cmds - sh->quick, (sh->cmds - sh->quick) / (secs ? secs : 1), workers,
	       "workers; quick", sh->quick, sh->quick / (secs ? secs : 1), quick);
	if (have_fail)
		printf("vmlabfuzz: %ld injected allocation failures survived\n", injected);
	if (orphans)
		printf("vmlabfuzz: %d mm(s) were left that no worker knew of (destroyed now)\n",
		       orphans);
	{	/* where the time went: the checks, the costliest commands */
		int top[MAX_CMDS], k, j;

		printf("vmlabfuzz: profile: batches=%d checks=%ldms;", b, ns_check / 1000000);
		for (k = 0; k < (profile ? ncmds : 8); k++) {
			top[k] = -1;
			for (j = 0; j < ncmds; j++) {
				int taken = 0;

				for (i = 0; i < k; i++)
					taken |= top[i] == j;
				if (!taken && (top[k] < 0 || sh->ns_cmd[j] > sh->ns_cmd[top[k]]))
					top[k] = j;
			}
			if (top[k] >= 0 && sh->per_cmd[top[k]])
				printf(" %s=%ldms/%ld", cmds[top[k]].name,
				       sh->ns_cmd[top[k]] / 1000000, sh->per_cmd[top[k]]);
		}
		printf("\nvmlabfuzz: slowest: %ldms '%s'\n", sh->worst_ns / 1000000, sh->worst);
	}
	printf("vmlabfuzz: mutations:");
	for (i = 0; i < M_NR; i++)
		printf(" %s=%ld", mut_names[i], sh->mut[i]);
	printf("\n");
	printf("vmlabfuzz: %s\n", failed ? "FAILED" : "clean");
	return failed;
}
