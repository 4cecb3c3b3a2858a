/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dtlib.h - what the differential tests (difftest, faulttest, randtest)
 * parse alike: lengths with K/M/G, prot and flag words in ctl syntax,
 * madvise advice, hex bytes, errno names. Static functions in a header,
 * since each tool is one static program built from one .c file.
 */
#ifndef DTLIB_H
#define DTLIB_H

#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static inline const char *errname(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

/* A number (decimal or 0x hex) with an optional K, M or G suffix. */
static inline unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s ? s : "0", &end, 0);

	if (*end == 'K')
		v <<= 10;
	else if (*end == 'M')
		v <<= 20;
	else if (*end == 'G')
		v <<= 30;
	return v;
}

/*
 * "none" or letters of "rwx", and "g"/"u" for PROT_GROWSDOWN/PROT_GROWSUP;
 * anything else gives an invalid bit.
 */
static inline int prot_bits(const char *s)
{
	int p = 0;

	if (!strcmp(s, "none"))
		return PROT_NONE;
	for (; *s; s++)
		p |= *s == 'r' ? PROT_READ : *s == 'w' ? PROT_WRITE :
		     *s == 'x' ? PROT_EXEC : *s == 'g' ? PROT_GROWSDOWN :
		     *s == 'u' ? PROT_GROWSUP : 0x1000;
	return p;
}

/* A comma-separated list of ctl's mmap flag words. */
static inline int map_flags(const char *s)
{
	static const struct { const char *n; int f; } t[] = {
		{ "private", MAP_PRIVATE }, { "shared", MAP_SHARED },
		{ "anon", MAP_ANONYMOUS }, { "fixed", MAP_FIXED },
		{ "fixed_noreplace", MAP_FIXED_NOREPLACE },
		{ "growsdown", MAP_GROWSDOWN }, { "locked", MAP_LOCKED },
		{ "populate", MAP_POPULATE }, { "noreserve", MAP_NORESERVE },
	};
	char w[64];
	int f = 0, len;
	size_t i;

	while (*s) {
		len = strcspn(s, ",");
		snprintf(w, sizeof(w), "%.*s", len, s);
		for (i = 0; i < ARRAY_SIZE(t); i++)
			if (!strcmp(w, t[i].n))
				f |= t[i].f;
		s += len + (s[len] == ',');
	}
	return f;
}

/* ctl's madvise words; an unknown one gives an invalid advice. */
static inline int advice(const char *s)
{
	static const struct { const char *n; int a; } t[] = {
		{ "normal", MADV_NORMAL }, { "dontneed", MADV_DONTNEED },
		{ "willneed", MADV_WILLNEED }, { "cold", MADV_COLD },
		{ "pageout", MADV_PAGEOUT },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		if (!strcmp(s, t[i].n))
			return t[i].a;
	return 12345;
}

static inline int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

#endif /* DTLIB_H */
