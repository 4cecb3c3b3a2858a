// SPDX-License-Identifier: GPL-2.0
/*
 * difftest - run one sequence of mmap/munmap/mprotect/mremap/mlock/madvise
 * calls against the real kernel (in this process) or against a vmlab
 * sandbox mm (through /sys/kernel/debug/vmlab/ctl), and print a normalised
 * transcript: each call's result (ok, the errno name, the address relative
 * to the window) and, at each "maps" line, the VMAs inside the window with
 * addresses relative to it. The two transcripts must be identical.
 *
 *   difftest kernel [SCRIPT]     the host kernel
 *   difftest vmlab [SCRIPT]      vmlab (module loaded, debugfs mounted)
 *   difftest pattern SEED ADDR N print N bytes of vmlab's fill pattern
 *
 * A kernel built without madvise(2) (CONFIG_ADVISE_SYSCALLS=n) skips the
 * madvise lines in both modes, so the transcripts stay comparable.
 *
 * SCRIPT lines use the ctl syntax with the mm id left out and addresses as
 * offsets into a 64 MiB window ("mmap 0x10000 16K rw private,anon,fixed");
 * without SCRIPT a built-in sequence runs. In kernel mode nothing may
 * allocate while the sequence runs (a malloc'd page could land in the
 * window), so output goes through a static buffer and write(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dtlib.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif

#define WINDOW		(64ul << 20)
#define VMLAB_BASE	0x100000000ul
#define CTL		"/sys/kernel/debug/vmlab/ctl"
#define MAXBUF		(256 * 1024)

static const char builtin[] =
	"# merges and splits of anonymous memory\n"
	"mmap 0x100000 64K rw private,anon,fixed\n"
	"mmap 0x110000 64K rw private,anon,fixed\n"
	"mmap 0x0f0000 64K rw private,anon,fixed\n"
	"maps\n"
	"mmap 0x130000 16K r private,anon,fixed\n"
	"mprotect 0x104000 8K r\n"
	"mprotect 0x0f0000 16K none\n"
	"maps\n"
	"mprotect 0x0f0000 256K rw\n"
	"maps\n"
	"mprotect 0x0f0000 1M r\n"
	"maps\n"
	"mprotect 0x0f0001 4K r\n"
	"mprotect 0x0f0000 4K rwq\n"
	"mprotect 0x0f0000 0 r\n"
	"# munmap: holes and spans\n"
	"munmap 0x104000 4K\n"
	"munmap 0x10c000 0x30000\n"
	"maps\n"
	"munmap 0x104000 0\n"
	"munmap 0x104001 4K\n"
	"munmap 0x300000 4K\n"
	"# mmap errors and flags\n"
	"mmap 0x200000 0 rw private,anon,fixed\n"
	"mmap 0x200000 4K rw anon,fixed\n"
	"mmap 0x200000 4K rw private,shared,anon,fixed\n"
	"mmap 0x200001 4K rw private,anon,fixed\n"
	"mmap 0x0f0000 4K rw private,anon,fixed_noreplace\n"
	"mmap 0x200000 16K rw private,anon,fixed_noreplace\n"
	"mmap 0x204000 16K rw private,anon,fixed,populate\n"
	"mmap 0x208000 16K rw private,anon,fixed\n"
	"mmap 0x220000 8K rw shared,anon,fixed\n"
	"mmap 0x222000 8K rw shared,anon,fixed\n"
	"mmap 0x240000 16K rw private,anon,fixed,growsdown\n"
	"mmap 0x260000 16K rw private,anon,fixed,noreserve\n"
	"mmap 0x264000 16K rw private,anon,fixed\n"
	"maps\n"
	"# mremap\n"
	"mmap 0x400000 64K rw private,anon,fixed\n"
	"mremap 0x400000 64K 32K\n"
	"mremap 0x400000 32K 48K\n"
	"mmap 0x40c000 4K r private,anon,fixed\n"
	"mremap 0x400000 48K 96K\n"
	"mremap 0x400000 48K 96K maymove fixed=0x500000\n"
	"maps\n"
	"mremap 0x500000 96K 96K maymove fixed=0x510000\n"
	"mremap 0x500000 16K 8K fixed=0x600000\n"
	"mremap 0x500001 16K 8K\n"
	"mremap 0x500000 16K 0\n"
	"mremap 0x700000 4K 8K\n"
	"mremap 0x40c000 8K 16K maymove\n"
	"mremap 0x500000 0 8K maymove\n"
	"mremap 0x500000 32K 16K maymove fixed=0x610000\n"
	"maps\n"
	"# mlock and madvise\n"
	"mmap 0x800000 32K rw private,anon,fixed\n"
	"mlock 0x804010 4K\n"
	"maps\n"
	"mlock 0x800000 1M\n"
	"munlock 0x800000 32K\n"
	"mmap 0x900000 4K none private,anon,fixed\n"
	"mlock 0x900000 4K\n"
	"maps\n"
	"munlock 0x900000 4K\n"
	"madvise 0x800000 8K dontneed\n"
	"madvise 0x800000 1M cold\n"
	"madvise 0x800001 4K cold\n"
	"madvise 0x800000 4K forget\n"
	"mlock 0x800000 4K\n"
	"madvise 0x800000 4K dontneed\n"
	"madvise 0x800000 0 dontneed\n"
	"maps\n"
	"# 6.1's is_mergeable_anon_vma(): a faulted range never joins a\n"
	"# neighbour that has no anon_vma\n"
	"mmap 0xb00000 12K rw private,anon,fixed\n"
	"mlock 0xb00000 8K\n"
	"munlock 0xb01000 8K\n"
	"maps\n"
	"mmap 0xb10000 8K rw private,anon,fixed\n"
	"mlock 0xb11000 4K\n"
	"munlock 0xb11000 4K\n"
	"maps\n"
	"# shared anonymous memory: the shmem offset shows; old_len 0 maps it twice\n"
	"mmap 0xc00000 12K rw shared,anon,fixed\n"
	"munmap 0xc00000 4K\n"
	"maps\n"
	"mremap 0xc01000 0 8K maymove fixed=0xd00000\n"
	"maps\n"
	"# a hint is masked down to a page, as x86 does\n"
	"mmap 0xe00123 4K rw private,anon\n"
	"munmap 0xe00000 4K\n"
	"# PROT_NONE in the middle, then everything away\n"
	"mmap 0xa00000 12K rw private,anon,fixed\n"
	"mprotect 0xa01000 4K none\n"
	"munmap 0xa00000 8K\n"
	"maps\n"
	"# mmap_region() merges with next first: a prev without an anon_vma\n"
	"# stays apart from a next that has one (found by randtest)\n"
	"mmap 0xf00000 24K rw private,anon,fixed\n"
	"mmap 0xf01000 8K rw private,anon,fixed,noreserve\n"
	"mlock 0xf05000 4K\n"
	"munlock 0xf05000 4K\n"
	"mmap 0xf01000 12K rw private,anon,fixed\n"
	"maps\n"
	"# MREMAP_DONTUNMAP: the pages move, the old range stays mapped\n"
	"mmap 0x1000000 16K rw private,anon,fixed,populate\n"
	"mremap 0x1000000 4K 8K maymove dontunmap\n"
	"mremap 0x1000000 4K 4K dontunmap\n"
	"mremap 0x1000000 4K 4K dontunmap fixed=0x1100000\n"
	"mremap 0x1000000 4K 4K maymove dontunmap hint=0x1000000\n"
	"mremap 0x1004000 4K 4K maymove dontunmap fixed=0x1100000\n"
	"mremap 0x1001000 8K 8K maymove dontunmap fixed=0x1100000\n"
	"maps\n"
	"mremap 0x1000000 16K 16K maymove dontunmap fixed=0x1200000\n"
	"maps\n"
	"# a locked range is cut out of its VMA and unlocked\n"
	"mmap 0x1300000 16K rw private,anon,fixed,locked\n"
	"mremap 0x1301000 4K 4K maymove dontunmap fixed=0x1400000\n"
	"maps\n"
	"# never faulted, moved next to itself: no self-merge\n"
	"mmap 0x1500000 8K rw private,anon,fixed\n"
	"mremap 0x1500000 8K 8K maymove dontunmap fixed=0x1502000\n"
	"maps\n"
	"mmap 0x1600000 8K rw shared,anon,fixed\n"
	"mremap 0x1600000 8K 8K maymove dontunmap hint=0x1700000\n"
	"maps\n"
	"# PROT_GROWSDOWN reaches down to the start of a growsdown VMA\n"
	"mmap 0x1800000 16K rw private,anon,fixed,growsdown\n"
	"mprotect 0x1802000 4K rg\n"
	"maps\n"
	"mprotect 0x1802000 4K ru\n"
	"mprotect 0x1802000 4K rgu\n"
	"mmap 0x1900000 16K rw private,anon,fixed\n"
	"mprotect 0x1902000 4K rg\n"
	"maps\n"
	"munmap 0 64M\n"
	"maps\n";

static int vmlab;
static int no_madvise;	/* the guest kernel lacks madvise(2): skip it on both sides */
static unsigned long base;
static int mm_id;
static char out[MAXBUF];
static size_t out_len;
static char reply[MAXBUF];
static char mapsbuf[MAXBUF];

static void emit(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		out_len += (size_t)n < sizeof(out) - out_len ? (size_t)n : 0;
}

static void flush_out(void)
{
	size_t off = 0;
	ssize_t n;

	while (off < out_len) {
		n = write(1, out + off, out_len - off);
		if (n <= 0)
			break;
		off += n;
	}
	out_len = 0;
}

/* One ctl transaction: the reply in @reply; 0 or -errno. */
static int ctl(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	ssize_t n;
	int fd, err = 0;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fd = open(CTL, O_RDWR);
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		err = -errno;
	n = read(fd, reply, sizeof(reply) - 1);
	reply[n > 0 ? n : 0] = '\0';
	close(fd);
	return err;
}

/* Print a result: an address relative to the window, ok, or the errno. */
static void result(const char *op, int err, unsigned long addr, int has_addr)
{
	if (err)
		emit("%s -> %s\n", op, errname(-err));
	else if (!has_addr)
		emit("%s -> ok\n", op);
	else if (addr >= base && addr < base + WINDOW)
		emit("%s -> ok +%#lx\n", op, addr - base);
	else
		emit("%s -> ok (outside the window)\n", op);
}

/* The ctl reply's -errno, or 0 with *@addr from "addr=" if there is one. */
static int ctl_result(int err, unsigned long *addr)
{
	char name[32];
	const char *a;
	int e;

	if (!strncmp(reply, "error ", 6)) {
		if (sscanf(reply + 6, "%31s", name) == 1)
			for (e = 1; e < 134; e++)
				if (!strcmp(errname(e), name))
					return -e;
		return err ? err : -EIO;
	}
	a = strstr(reply, "addr=");
	if (a && addr)
		*addr = strtoul(a + 5, NULL, 0);
	return 0;
}

/* mremap's optional words: maymove, dontunmap, fixed=<offset>, hint=<offset>. */
static int mremap_flags(int argc, char **argv, unsigned long *to)
{
	int flags = 0, i;

	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "maymove")) {
			flags |= MREMAP_MAYMOVE;
		} else if (!strcmp(argv[i], "dontunmap")) {
			flags |= MREMAP_DONTUNMAP;
		} else if (!strncmp(argv[i], "fixed=", 6)) {
			flags |= MREMAP_FIXED;
			*to = base + num(argv[i] + 6);
		} else if (!strncmp(argv[i], "hint=", 5)) {
			*to = base + num(argv[i] + 5);
		}
	}
	return flags;
}

/* One call on this process: 0 or -errno. */
static int do_kernel(int argc, char **argv, unsigned long *addr)
{
	const char *op = argv[0];
	void *a = (void *)(base + num(argv[1]));
	unsigned long len = num(argv[2]), to = 0;
	void *p = NULL;
	int ret = 0;

	if (!strcmp(op, "mmap")) {
		p = mmap(a, len, prot_bits(argv[3]), map_flags(argv[4]), -1, 0);
	} else if (!strcmp(op, "mremap")) {
		ret = mremap_flags(argc, argv, &to);
		p = mremap(a, len, num(argv[3]), ret, (void *)to);
		ret = 0;
	} else if (!strcmp(op, "munmap")) {
		ret = munmap(a, len);
	} else if (!strcmp(op, "mprotect")) {
		ret = mprotect(a, len, prot_bits(argv[3]));
	} else if (!strcmp(op, "mlock")) {
		ret = mlock(a, len);
	} else if (!strcmp(op, "munlock")) {
		ret = munlock(a, len);
	} else if (!strcmp(op, "madvise")) {
		ret = madvise(a, len, advice(argv[3]));
	} else {
		return -EINVAL;
	}
	*addr = (unsigned long)p;
	return ret || p == MAP_FAILED ? -errno : 0;
}

static int do_vmlab(int argc, char **argv, unsigned long *addr)
{
	char rest[256] = "";
	int i, err;

	for (i = 2; i < argc; i++) {
		size_t l = strlen(rest);

		if (!strncmp(argv[i], "fixed=", 6))
			snprintf(rest + l, sizeof(rest) - l, " fixed=%#lx",
				 base + num(argv[i] + 6));
		else if (!strncmp(argv[i], "hint=", 5))
			snprintf(rest + l, sizeof(rest) - l, " hint=%#lx",
				 base + num(argv[i] + 5));
		else
			snprintf(rest + l, sizeof(rest) - l, " %s", argv[i]);
	}
	err = ctl("%s %d %#lx%s", argv[0], mm_id, base + num(argv[1]), rest);
	return ctl_result(err, addr);
}

/* Read all of @path into mapsbuf. */
static int slurp(const char *path)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, mapsbuf + len, sizeof(mapsbuf) - 1 - len)) > 0)
		len += n;
	close(fd);
	mapsbuf[len] = '\0';
	return 0;
}

/* The VMAs inside the window: relative range, perms, offset (files). */
static void print_maps(void)
{
	char path[128], *line, *save;

	if (vmlab)
		snprintf(path, sizeof(path), "/sys/kernel/debug/vmlab/mm/%d/maps", mm_id);
	else
		snprintf(path, sizeof(path), "/proc/self/maps");
	if (slurp(path)) {
		emit("maps: cannot read %s\n", path);
		return;
	}
	emit("maps:\n");
	for (line = strtok_r(mapsbuf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long s, e, off;
		char perms[8], name[256] = "";

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %255[^\n]",
			   &s, &e, perms, &off, name) < 4)
			continue;
		if (s < base || e > base + WINDOW)
			continue;
		emit("  +%#lx-+%#lx %s %08lx %s\n", s - base, e - base, perms, off,
		     strchr(name, '/') ? strchr(name, '/') : "");
	}
}

static int split(char *line, char **argv, int max)
{
	int argc = 0;
	char *w, *save;

	for (w = strtok_r(line, " \t", &save); w && argc < max; w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	return argc;
}

static void run(char *script)
{
	char *line, *save, *argv[12], copy[256];
	unsigned long addr;
	int argc, err;

	for (line = strtok_r(script, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!*line || *line == '#')
			continue;
		snprintf(copy, sizeof(copy), "%s", line);
		argc = split(line, argv, 12);
		if (!strcmp(argv[0], "maps")) {
			print_maps();
			continue;
		}
		if (!strcmp(argv[0], "madvise") && no_madvise) {
			emit("%s -> skipped (no madvise(2) in this kernel)\n", copy);
			continue;
		}
		if (argc < 3) {
			emit("%s -> bad script line\n", copy);
			continue;
		}
		addr = 0;
		err = vmlab ? do_vmlab(argc, argv, &addr) : do_kernel(argc, argv, &addr);
		result(copy, err, addr,
		       !strcmp(argv[0], "mmap") || !strcmp(argv[0], "mremap"));
		flush_out();
	}
	flush_out();
}

/* splitmix64 byte: the same function as vml_pattern_byte(). */
static unsigned char pattern_byte(uint64_t seed, unsigned long addr)
{
	uint64_t z = seed ^ (addr & ~7ul);

	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z >> ((addr & 7) * 8);
}

static char script_buf[MAXBUF];

int main(int argc, char **argv)
{
	unsigned long i, n;
	void *p;
	int fd;

	if (argc >= 2 && !strcmp(argv[1], "pattern") && argc == 5) {
		n = num(argv[4]);
		for (i = 0; i < n; i++)
			printf("%02x", pattern_byte(strtoull(argv[2], NULL, 0), num(argv[3]) + i));
		printf("\n");
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "kernel") && strcmp(argv[1], "vmlab"))) {
		fprintf(stderr, "usage: difftest kernel|vmlab [SCRIPT] | pattern SEED ADDR N\n");
		return 2;
	}
	vmlab = !strcmp(argv[1], "vmlab");
	no_madvise = madvise(NULL, 0, MADV_NORMAL) != 0;	/* 0 wherever it exists */
	if (argc > 2) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0 || read(fd, script_buf, sizeof(script_buf) - 1) < 0) {
			perror(argv[2]);
			return 1;
		}
		close(fd);
	} else {
		snprintf(script_buf, sizeof(script_buf), "%s", builtin);
	}
	if (vmlab) {
		if (ctl("mm_create") || sscanf(reply, "ok mm=%d", &mm_id) != 1) {
			fprintf(stderr, "difftest: mm_create failed: %s\n", reply);
			return 1;
		}
		base = VMLAB_BASE;
	} else {
		/* Let the kernel pick a free window, then give it back. */
		p = mmap(NULL, WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap window");
			return 1;
		}
		base = (unsigned long)p;
		munmap(p, WINDOW);
	}
	run(script_buf);
	if (vmlab)
		ctl("mm_destroy %d", mm_id);
	return 0;
}
