// SPDX-License-Identifier: GPL-2.0
/*
 * randtest - the randomized differential test: a seeded generator of
 * long random sequences of memory operations, an interpreter that runs
 * one against the real kernel (this process and a forked child) or
 * against vmlab (a sandbox mm and its `fork` child), and a reducer.
 *
 *   randtest gen SEED N              print a random script of N steps
 *   randtest kernel FILE SCRIPT      run SCRIPT here (FILE: scratch file)
 *   randtest vmlab FILE SCRIPT       run SCRIPT on vmlab
 *   randtest reduce SCRIPT OUT       shrink a diverging SCRIPT into OUT
 *
 * Every step prints one line: its result (ok, the relative address, the
 * errno name, the bytes read, or the fault: SEGV_MAPERR/SEGV_ACCERR/
 * SIGBUS and its address), then the acting process's VMAs inside the
 * 64 MiB window (range, perms, offset, kind) and its VmSize/VmLck/
 * VmData/VmStk (the kernel's as a difference from the start), and after
 * a successful msync a hash of the file pages the range maps. At the end
 * everything is unmapped and the whole file is hashed. Two transcripts
 * of one script must be identical. Rss* is not compared: 6.1 keeps RSS
 * in per-task caches (SPLIT_RSS_COUNTING) that /proc reads up to 64
 * events late; Documentation/testing.rst lists what else is not.
 *
 * Script lines: "P|C op args" with offsets into the window; "fork"
 * (P forks C), "exit" (C exits). In kernel mode nothing allocates while
 * the script runs (a heap page could land in the window).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "dtlib.h"

#define WINDOW		(64ul << 20)
#define CTL		"/sys/kernel/debug/vmlab/ctl"
#define LINE		512
#define BIG		(256 * 1024)
#define FILE_SIZE	(2 * 4096 + 1000)
#define PG		4096ul

static int vmlab, no_madvise;
static unsigned long base;
static const char *path;
static int filefd = -1;
static int mm_id[2], have_child;
static int to_child[2], from_child[2];
static long vm_base[4];			/* kernel: the Vm* values at start */
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

	if (k <= 1 && !pick(12))
		x = ",fixed,growsdown";
	if (k >= 3)
		snprintf(l, n, "mmap %#lx %#lx %s %s%s file@%#lx", r_off(), r_len(), r_prot(),
			 kind[k], x, pick(3) * PG);
	else
		snprintf(l, n, "mmap %#lx %#lx %s %s%s", r_off(), r_len(), r_prot(), kind[k], x);
}

static void gen_mremap(char *l, size_t n)
{
	unsigned long old = pick(10) ? r_len() : 0;
	int f = pick(3);

	snprintf(l, n, "mremap %#lx %#lx %#lx%s", r_off(), old, r_len(),
		 f == 0 ? "" : f == 1 ? " maymove" : "");
	if (f == 2)
		snprintf(l + strlen(l), n - strlen(l), " maymove fixed=%#lx", r_off());
}

static void gen_access(char *l, size_t n, int write)
{
	unsigned long off = pick(32) * PG + pick(PG), len = 1 + pick(12), i;

	if (!write) {
		snprintf(l, n, "read %#lx %lu", off, len);
		return;
	}
	snprintf(l, n, "write %#lx ", off);
	for (i = 0; i < len; i++)
		snprintf(l + strlen(l), n - strlen(l), "%02x", (unsigned int)pick(256));
}

static void gen(uint64_t seed, unsigned long steps)
{
	static const char * const adv[] = { "dontneed", "willneed", "cold", "pageout",
		"normal" };
	char l[LINE];
	unsigned long i;
	int child = 0, r;

	rng = seed;
	for (i = 0; i < steps; i++) {
		r = pick(100);
		if (r < 3 && !child) {
			printf("fork\n");
			child = 1;
			continue;
		}
		if (r < 5 && child) {
			printf("exit\n");
			child = 0;
			continue;
		}
		r = pick(100);
		if (r < 18)
			gen_mmap(l, sizeof(l));
		else if (r < 26)
			snprintf(l, sizeof(l), "munmap %#lx %#lx", r_off(), r_len());
		else if (r < 37)
			snprintf(l, sizeof(l), "mprotect %#lx %#lx %s", r_off(), r_len(), r_prot());
		else if (r < 44)
			gen_mremap(l, sizeof(l));
		else if (r < 49)
			snprintf(l, sizeof(l), "mlock %#lx %#lx", r_off(), r_len());
		else if (r < 53)
			snprintf(l, sizeof(l), "munlock %#lx %#lx", r_off(), r_len());
		else if (r < 58)
			snprintf(l, sizeof(l), "madvise %#lx %#lx %s", r_off(), r_len(),
				 adv[pick(ARRAY_SIZE(adv))]);
		else if (r < 63)
			snprintf(l, sizeof(l), "msync %#lx %#lx", r_off(), r_len());
		else
			gen_access(l, sizeof(l), r >= 80);
		printf("%s %s\n", child && pick(5) < 2 ? "C" : "P", l);
	}
}

/* ---- maps and status, in one normalised form for both sides ---- */

/* The VMAs inside the window, from maps text in @buf, into @o. */
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
		if (s < base || e > base + WINDOW)
			continue;
		kind = strstr(name, "/dev/zero") ? "shmem" : strchr(name, '/') ? "file" :
		       "anon";
		add(o, olen, " +%#lx-+%#lx %s %lx %s;", s - base, e - base, perms, off, kind);
	}
	add(o, olen, "\n");
}

static const char * const vm_keys[] = { "VmSize:", "VmLck:", "VmData:", "VmStk:" };

static void norm_status(char *buf, char *o, size_t *olen, int delta)
{
	unsigned int i;
	char *p;

	add(o, olen, "  vm:");
	for (i = 0; i < ARRAY_SIZE(vm_keys); i++) {
		p = strstr(buf, vm_keys[i]);
		add(o, olen, " %s%ld", vm_keys[i],
		    p ? strtol(p + strlen(vm_keys[i]), NULL, 10) - (delta ? vm_base[i] : 0) : -1);
	}
	add(o, olen, "\n");
}

static char slurpbuf[BIG];

static int slurp(const char *p)
{
	ssize_t n, len = 0;
	int fd = open(p, O_RDONLY);

	slurpbuf[0] = 0;
	if (fd < 0)
		return -1;
	while ((n = read(fd, slurpbuf + len, sizeof(slurpbuf) - 1 - len)) > 0)
		len += n;
	close(fd);
	slurpbuf[len] = 0;
	return 0;
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
 * After an msync of [off, off+len): hash the file pages that the shared
 * file VMAs of the range map, as listed in the normalised maps line.
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
		if (!strcmp(op, "read") && d)
			add(o, olen, "%.*s", (int)strcspn(d + 5, " "), d + 5);
		else if (!strcmp(op, "mmap") || !strcmp(op, "mremap"))
			add(o, olen, reply_num("addr=") - base < WINDOW ? "ok +%#lx" :
				"ok (outside)", reply_num("addr=") - base);
		else
			add(o, olen, "ok");
	} else if (strstr(reply, "EFAULT") && (strstr(reply, " segv ") ||
					      strstr(reply, " sigbus "))) {
		add(o, olen, "%s +%#lx", strstr(reply, "code=maperr") ? "SEGV_MAPERR" :
		    strstr(reply, "code=accerr") ? "SEGV_ACCERR" : "SIGBUS",
		    reply_num("addr=") - base);
	} else {
		if (sscanf(reply, "error %31s", name) != 1)
			snprintf(name, sizeof(name), "%.31s", reply);
		add(o, olen, "%s", name);
	}
}

/* "fixed=OFF" and "file@OFF" become ctl words with absolute values. */
static void vmlab_args(char **a, int argc, char *rest, size_t n)
{
	int i;

	rest[0] = 0;
	for (i = 1; i < argc; i++) {
		size_t l = strlen(rest);

		if (!strncmp(a[i], "fixed=", 6))
			snprintf(rest + l, n - l, " fixed=%#lx", base + num(a[i] + 6));
		else if (!strncmp(a[i], "file@", 5))
			snprintf(rest + l, n - l, " file=%s offset=%lu", path, num(a[i] + 5));
		else
			snprintf(rest + l, n - l, " %s", a[i]);
	}
}

static void vmlab_step(int who, char *op, char **a, int argc, char *o, size_t *olen)
{
	char rest[LINE], p[128];
	int id = mm_id[who];

	vmlab_args(a, argc, rest, sizeof(rest));
	ctl("%s %d %#lx%s", op, id, base + num(a[0]), rest);
	vmlab_result(op, o, olen);
	add(o, olen, "\n");
	snprintf(p, sizeof(p), "/sys/kernel/debug/vmlab/mm/%d/maps", id);
	slurp(p);
	norm_maps(slurpbuf, o, olen);
	snprintf(p, sizeof(p), "/sys/kernel/debug/vmlab/mm/%d/status", id);
	slurp(p);
	norm_status(slurpbuf, o, olen, 0);
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
		add(o, olen, "%s +%#lx", sigcode == -1 ? "SIGBUS" :
		    sigcode == SEGV_MAPERR ? "SEGV_MAPERR" : "SEGV_ACCERR", sigaddr - base);
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
	unsigned long a = (unsigned long)r;

	if (r == MAP_FAILED || ret)
		add(o, olen, "%s", errname(errno));
	else if (!strcmp(op, "mmap") || !strcmp(op, "mremap"))
		add(o, olen, a - base < WINDOW ? "ok +%#lx" : "ok (outside)", a - base);
	else
		add(o, olen, "ok");
}

static void kernel_op(char *op, char **a, int argc, char *o, size_t *olen)
{
	unsigned char *p = (unsigned char *)(base + num(a[0]));
	unsigned long len = num(a[1]), to = 0;
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
			} else if (!strncmp(a[i], "fixed=", 6)) {
				flags |= MREMAP_FIXED;
				to = base + num(a[i] + 6);
			}
		}
		r = mremap(p, len, num(a[2]), flags, (void *)to);
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

/* Run one step in this process, with its maps and status, into @o. */
static void kernel_step(char *op, char **a, int argc, char *o, size_t *olen)
{
	kernel_op(op, a, argc, o, olen);
	add(o, olen, "\n");
	slurp("/proc/self/maps");
	norm_maps(slurpbuf, o, olen);
	slurp("/proc/self/status");
	norm_status(slurpbuf, o, olen, 1);
}

static char child_out[BIG];

/* The child: run steps from the pipe, send back each transcript piece. */
static void child_loop(void)
{
	char cmd[LINE], *a[8], *op, *sp;
	size_t len;
	ssize_t n;
	int argc;

	for (;;) {
		n = read(to_child[0], cmd, sizeof(cmd) - 1);
		if (n <= 0 || !strncmp(cmd, "exit", 4))
			_exit(0);
		cmd[n] = 0;
		op = strtok_r(cmd, " ", &sp);
		for (argc = 0; argc < 8 && (a[argc] = strtok_r(NULL, " ", &sp)); argc++)
			;
		len = 0;
		kernel_step(op, a, argc, child_out, &len);
		if (write(from_child[1], &len, sizeof(len)) != sizeof(len) ||
		    write(from_child[1], child_out, len) != (ssize_t)len)
			_exit(1);
	}
}

static void kernel_child_step(const char *line, char *o, size_t *olen)
{
	size_t len = 0, got = 0;
	ssize_t n;

	if (write(to_child[1], line, strlen(line)) < 0 ||
	    read(from_child[0], &len, sizeof(len)) != sizeof(len))
		return;
	while (got < len && (n = read(from_child[0], o + *olen + got, len - got)) > 0)
		got += n;
	*olen += got;
}

/* ---- both ---- */

static void do_fork(char *o, size_t *olen)
{
	pid_t pid;

	if (have_child) {
		add(o, olen, "child exists\n");
		return;
	}
	if (vmlab) {
		ctl("fork %d", mm_id[0]);
		mm_id[1] = reply_num("mm=");
		add(o, olen, "%s\n", mm_id[1] > 0 ? "ok" : reply);
		have_child = mm_id[1] > 0;
		return;
	}
	if (pipe(to_child) || pipe(from_child))
		exit(1);
	pid = fork();
	if (pid == 0)
		child_loop();
	have_child = pid > 0;
	add(o, olen, "%s\n", pid > 0 ? "ok" : "fork failed");
}

static void do_exit(char *o, size_t *olen)
{
	if (!have_child) {
		add(o, olen, "no child\n");
		return;
	}
	if (vmlab) {
		ctl("mm_destroy %d", mm_id[1]);
	} else {
		if (write(to_child[1], "exit", 4) < 0)
			return;
		wait(NULL);
		close(to_child[1]);
		close(from_child[0]);
		close(to_child[0]);
		close(from_child[1]);
	}
	have_child = 0;
	add(o, olen, "ok\n");
}

static char step_out[BIG];

static void run_line(char *line, unsigned long nr)
{
	char copy[LINE], *a[8], *who, *op, *sp;
	size_t len = 0, mark;
	int argc, c;

	snprintf(copy, sizeof(copy), "%s", line);
	who = strtok_r(copy, " ", &sp);
	if (!who)
		return;
	add(step_out, &len, "%lu %s -> ", nr, line);
	if (!strcmp(who, "fork") || !strcmp(who, "exit")) {
		(*who == 'f' ? do_fork : do_exit)(step_out, &len);
		goto done;
	}
	op = strtok_r(NULL, " ", &sp);
	for (argc = 0; argc < 8 && (a[argc] = strtok_r(NULL, " ", &sp)); argc++)
		;
	c = *who == 'C';
	if (!op || argc < 2 || (c && !have_child)) {
		add(step_out, &len, "skipped\n");
		goto done;
	}
	if (!strcmp(op, "madvise") && no_madvise) {
		add(step_out, &len, "skipped (no madvise)\n");
		goto done;
	}
	mark = len;
	if (vmlab)
		vmlab_step(c, op, a, argc, step_out, &len);
	else if (c)
		kernel_child_step(line + 2, step_out, &len);
	else
		kernel_step(op, a, argc, step_out, &len);
	if (!strcmp(op, "msync") && !strncmp(step_out + mark, "ok", 2))
		msync_hash(step_out + mark, num(a[0]), num(a[1]), step_out, &len);
done:
	emit("%.*s", (int)len, step_out);
	flush_out();
}

static void run(void)
{
	char *line, *save;
	unsigned long nr = 0;
	size_t len = 0;

	for (line = strtok_r(script, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (*line && *line != '#')
			run_line(line, ++nr);
	if (have_child)
		run_line("exit", ++nr);
	run_line("P munmap 0 64M", ++nr);
	file_hash(step_out, &len, 0, FILE_SIZE / PG);
	emit("end:\n%.*s", (int)len, step_out);
	flush_out();
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

static int setup_kernel(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK };
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	unsigned int i;
	char *p;
	void *w;

	grow_stack();
	/*
	 * The window is where the top-down search puts 64 MiB: right under
	 * the lowest library, as vmlab's is right under its mmap_base, so
	 * that a mapping whose hint is taken lands at the window's top on
	 * both sides.
	 */
	memset(out, 0, sizeof(out));		/* fault the buffers in now */
	memset(step_out, 0, sizeof(step_out));
	memset(slurpbuf, 0, sizeof(slurpbuf));
	memset(child_out, 0, sizeof(child_out));
	sigaltstack(&ss, NULL);
	w = mmap(NULL, WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return 1;
	munmap(w, WINDOW);
	base = (unsigned long)w;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	slurp("/proc/self/status");
	for (i = 0; i < ARRAY_SIZE(vm_keys); i++) {
		p = strstr(slurpbuf, vm_keys[i]);
		vm_base[i] = p ? strtol(p + strlen(vm_keys[i]), NULL, 10) : 0;
	}
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

/* ---- the reducer ---- */

static char *lines[8192];
static int nlines;

/* Run @self in @mode on the kept lines; its transcript into @res. */
static int run_side(const char *self, const char *mode, const char *scr,
		    const char *res)
{
	pid_t pid = fork();
	int st = 0, fd;

	if (pid == 0) {
		fd = open(res, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(1);
		execl(self, self, mode, !strcmp(mode, "vmlab") ? "/tmp/randtest.rv" :
		      "/tmp/randtest.rk", scr, (char *)NULL);
		_exit(1);
	}
	waitpid(pid, &st, 0);
	return st;
}

static int same(const char *a, const char *b)
{
	static char x[4 * BIG], y[4 * BIG];
	ssize_t nx, ny;
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);

	nx = fa < 0 ? -1 : read(fa, x, sizeof(x));
	ny = fb < 0 ? -1 : read(fb, y, sizeof(y));
	close(fa);
	close(fb);
	return nx == ny && !memcmp(x, y, nx > 0 ? nx : 0);
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

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "gen")) {
		gen(strtoull(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "reduce")) {
		if (read_script(argv[2]))
			return 1;
		return reduce("/proc/self/exe", argv[3]);
	}
	if (argc != 4 || (strcmp(argv[1], "kernel") && strcmp(argv[1], "vmlab"))) {
		fputs("usage: randtest gen SEED N\n", stderr);
		fputs("       randtest kernel|vmlab FILE SCRIPT\n", stderr);
		fputs("       randtest reduce SCRIPT OUT\n", stderr);
		return 2;
	}
	vmlab = !strcmp(argv[1], "vmlab");
	path = argv[2];
	if (read_script(argv[3]) || make_file())
		return 1;
	no_madvise = madvise(NULL, 0, MADV_NORMAL) != 0;
	if (vmlab) {
		/* The window where the top-down search puts it, as below. */
		ctl("mm_create");
		mm_id[0] = reply_num("mm=");
		if (mm_id[0] <= 0)
			return 1;
		ctl("mmap %d 0 %lu none private,anon", mm_id[0], WINDOW);
		base = reply_num("addr=");
		ctl("munmap %d %#lx %lu", mm_id[0], base, WINDOW);
		if (!base)
			return 1;
	} else if (setup_kernel()) {
		return 1;
	}
	run();
	if (vmlab)
		ctl("mm_destroy %d", mm_id[0]);
	close(filefd);
	return 0;
}
