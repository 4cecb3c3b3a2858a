// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-map - render vmlab's debugfs `framemap` (one byte per arena frame,
 * Documentation/debugfs.rst) as a PNG: one square per frame, coloured by
 * what holds it, in rows of a fixed number of frames, with the zone
 * boundaries (from a copy of debugfs `arena`, optional), a title and a
 * legend that counts each state. Written with Debian's libpng; the text
 * is the Linux console's 8x8 font (vmlab-map-font.h).
 *
 *   vmlab-map [-a ARENA] [-c COLS] [-s PX] [-t TITLE] FRAMEMAP OUT.png
 *   vmlab-map --geometry [-c COLS] [-s PX] FRAMEMAP
 *             prints "width W height H map_x X map_y Y square S cols C"
 *   vmlab-map --palette    prints "code r g b label" for every known code
 *
 * Exit status: 0 done, 1 a file could not be read or written, 2 usage.
 */
#include <errno.h>
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmlab-map-font.h"

/* The codes of check/check.h's enum vml_framemap_code. */
#define FM_FREE_MAX	10
#define FM_UNOWNED	0xff

struct state {
	int code;
	unsigned char rgb[3];
	const char *label;
};

/* Free blocks in greens, darker with the order; owners in distinct hues. */
static const struct state states[] = {
	{ 0x00, { 0xd9, 0xf2, 0xd0 }, "free, order 0" },
	{ 0x01, { 0xc4, 0xea, 0xb8 }, "free, order 1" },
	{ 0x02, { 0xae, 0xe0, 0x9f }, "free, order 2" },
	{ 0x03, { 0x98, 0xd6, 0x87 }, "free, order 3" },
	{ 0x04, { 0x82, 0xcb, 0x70 }, "free, order 4" },
	{ 0x05, { 0x6b, 0xbf, 0x5a }, "free, order 5" },
	{ 0x06, { 0x55, 0xb1, 0x46 }, "free, order 6" },
	{ 0x07, { 0x40, 0xa0, 0x35 }, "free, order 7" },
	{ 0x08, { 0x2e, 0x8c, 0x27 }, "free, order 8" },
	{ 0x09, { 0x1f, 0x74, 0x1c }, "free, order 9" },
	{ 0x0a, { 0x12, 0x5a, 0x12 }, "free, order 10" },
	{ 0x10, { 0x7f, 0xe6, 0xe6 }, "per-CPU list" },
	{ 0x11, { 0x99, 0x99, 0x99 }, "ctl alloc_pages" },
	{ 0x12, { 0xff, 0x99, 0x1a }, "slab" },
	{ 0x13, { 0xcc, 0x66, 0x00 }, "large kmalloc" },
	{ 0x14, { 0x80, 0x33, 0xb3 }, "page table" },
	{ 0x15, { 0xc6, 0x99, 0xe6 }, "page-table quicklist" },
	{ 0x16, { 0xff, 0xee, 0x33 }, "zero page" },
	{ 0x17, { 0x8c, 0x5a, 0x33 }, "vmalloc" },
	{ 0x18, { 0xe6, 0x26, 0x26 }, "anonymous" },
	{ 0x19, { 0x26, 0x59, 0xe6 }, "page cache" },
	{ 0x1a, { 0x26, 0x26, 0x26 }, "metadata (reserved)" },
	{ 0x1b, { 0xff, 0x80, 0xc0 }, "swap cache" },
	{ FM_UNOWNED, { 0xff, 0x00, 0xff }, "unowned (leak)" },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_STATES	ARRAY_SIZE(states)

static const unsigned char unknown_rgb[3] = { 0x00, 0x00, 0x00 };
static const unsigned char bg_rgb[3] = { 0xff, 0xff, 0xff };
static const unsigned char ink_rgb[3] = { 0x00, 0x00, 0x00 };

/* Layout (pixels). */
#define MARGIN		8
#define ZONE_W		72	/* the zone labels left of the map */
#define TITLE_H		24
#define LEGEND_ROW	12
#define LEGEND_COL	232

static const unsigned char *colour_of(int code)
{
	size_t i;

	for (i = 0; i < NR_STATES; i++)
		if (states[i].code == code)
			return states[i].rgb;
	return unknown_rgb;
}

static void die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmlab-map: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

struct image {
	unsigned int w, h;
	unsigned char *px;	/* RGB rows */
};

static void put(struct image *im, unsigned int x, unsigned int y, const unsigned char *rgb)
{
	if (x < im->w && y < im->h)
		memcpy(im->px + ((size_t)y * im->w + x) * 3, rgb, 3);
}

static void fill(struct image *im, unsigned int x, unsigned int y, unsigned int w,
		 unsigned int h, const unsigned char *rgb)
{
	unsigned int i, j;

	for (j = 0; j < h; j++)
		for (i = 0; i < w; i++)
			put(im, x + i, y + j, rgb);
}

static void text(struct image *im, unsigned int x, unsigned int y, const char *s)
{
	unsigned int r, c;

	for (; *s; s++, x += 8) {
		int ch = (unsigned char)*s;

		if (ch < 32 || ch > 126)
			ch = '?';
		for (r = 0; r < 8; r++)
			for (c = 0; c < 8; c++)
				if (vml_font8x8[ch - 32][r] & (0x80 >> c))
					put(im, x + c, y + r, ink_rgb);
	}
}

/* A zone: frames [start, start + len) of the arena. */
struct zone {
	char name[16];
	unsigned long start, len;
};

/*
 * The zones from a copy of debugfs `arena`: "base_phys 0x..." and one
 * "  zone NAME pfn 0xA-0xB frames N" line per zone.
 */
static int read_zones(const char *path, struct zone *z, int max)
{
	unsigned long long base = 0, a, b;
	unsigned long frames;
	char line[256], name[16];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		die(1, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "base_phys %llx", &a) == 1) {
			base = a >> 12;
		} else if (n < max &&
			   sscanf(line, " zone %15s pfn %llx-%llx frames %lu",
				  name, &a, &b, &frames) == 4) {
			snprintf(z[n].name, sizeof(z[n].name), "%s", name);
			z[n].start = a - base;
			z[n].len = frames;
			n++;
		}
	}
	fclose(f);
	if (!n)
		die(1, "%s: no zone lines (a copy of debugfs arena?)", path);
	return n;
}

struct geometry {
	unsigned int cols, rows, sq, map_x, map_y, legend_y, w, h;
};

static void layout(struct geometry *g, unsigned long n, unsigned int cols, unsigned int sq)
{
	unsigned int legend_rows = (NR_STATES + 2) / 3;

	if (!cols) {	/* about square: a power of two near sqrt(n) */
		cols = 16;
		while ((unsigned long)cols * cols < n && cols < 1024)
			cols *= 2;
	}
	if (!sq)
		sq = cols >= 512 ? 1 : 512 / cols;
	g->cols = cols;
	g->rows = (n + cols - 1) / cols;
	g->sq = sq;
	g->map_x = MARGIN + ZONE_W;
	g->map_y = MARGIN + TITLE_H;
	g->w = g->map_x + cols * sq + MARGIN;
	if (g->w < 3 * LEGEND_COL + 2 * MARGIN)
		g->w = 3 * LEGEND_COL + 2 * MARGIN;
	g->legend_y = g->map_y + g->rows * sq + MARGIN;
	g->h = g->legend_y + legend_rows * LEGEND_ROW + MARGIN;
}

static unsigned char *read_all(const char *path, unsigned long *n)
{
	size_t cap = 1 << 16, len = 0, got;
	unsigned char *buf = malloc(cap);
	FILE *f = fopen(path, "rb");

	if (!f)
		die(1, "%s: %s", path, strerror(errno));
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf)
		die(1, "out of memory");
	if (ferror(f))
		die(1, "%s: read error", path);
	fclose(f);
	if (!len)
		die(1, "%s: empty", path);
	*n = len;
	return buf;
}

/* Outline the zone that starts at frame @start: a line over its first row. */
static void zone_mark(struct image *im, const struct geometry *g, const struct zone *z)
{
	unsigned int r0 = z->start / g->cols, c0 = z->start % g->cols;
	unsigned int r1 = (z->start + z->len - 1) / g->cols;
	unsigned int y0 = g->map_y + r0 * g->sq, y1 = g->map_y + (r1 + 1) * g->sq;
	char label[40];

	if (z->start) {	/* the step line between this zone and the previous one */
		fill(im, g->map_x + c0 * g->sq, y0, (g->cols - c0) * g->sq, 1, ink_rgb);
		if (c0) {
			fill(im, g->map_x, y0 + g->sq, c0 * g->sq, 1, ink_rgb);
			fill(im, g->map_x + c0 * g->sq, y0, 1, g->sq, ink_rgb);
		}
	}
	/* A bracket in the margin over the zone's rows, and its name. */
	fill(im, g->map_x - 6, y0, 2, y1 - y0, ink_rgb);
	fill(im, g->map_x - 6, y0, 5, 1, ink_rgb);
	fill(im, g->map_x - 6, y1 - 1, 5, 1, ink_rgb);
	snprintf(label, sizeof(label), "%.8s", z->name);
	text(im, MARGIN, y0 + (y1 - y0) / 2 - 4, label);
}

static void write_png(const char *path, const struct image *im)
{
	png_structp png;
	png_infop info;
	unsigned int y;
	FILE *f = fopen(path, "wb");

	if (!f)
		die(1, "%s: %s", path, strerror(errno));
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!info)
		die(1, "libpng: out of memory");
	if (setjmp(png_jmpbuf(png)))
		die(1, "%s: libpng could not write it", path);
	png_init_io(png, f);
	png_set_IHDR(png, info, im->w, im->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < im->h; y++)
		png_write_row(png, im->px + (size_t)y * im->w * 3);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	if (fclose(f))
		die(1, "%s: %s", path, strerror(errno));
}

static const char usage_text[] =
	"usage: vmlab-map [-a ARENA] [-c COLS] [-s PX] [-t TITLE] FRAMEMAP OUT.png\n"
	"       vmlab-map --geometry [-c COLS] [-s PX] FRAMEMAP\n"
	"       vmlab-map --palette\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static unsigned int number(const char *s, unsigned int max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v < 1 || v > max)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	const char *arena = NULL, *title = NULL, *in, *out = NULL;
	unsigned int cols = 0, sq = 0, i, geometry = 0, nz = 0;
	unsigned long n, count[256] = { 0 }, f;
	struct zone zones[32];
	struct geometry g;
	struct image im;
	unsigned char *map;
	char line[80];
	int a;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--palette")) {
			for (i = 0; i < NR_STATES; i++)
				printf("0x%02x %u %u %u %s\n", states[i].code, states[i].rgb[0],
				       states[i].rgb[1], states[i].rgb[2], states[i].label);
			return 0;
		} else if (!strcmp(argv[a], "--geometry")) {
			geometry = 1;
		} else if (a + 1 < argc && !strcmp(argv[a], "-a")) {
			arena = argv[++a];
		} else if (a + 1 < argc && !strcmp(argv[a], "-c")) {
			cols = number(argv[++a], 4096);
		} else if (a + 1 < argc && !strcmp(argv[a], "-s")) {
			sq = number(argv[++a], 64);
		} else if (a + 1 < argc && !strcmp(argv[a], "-t")) {
			title = argv[++a];
		} else {
			usage();
		}
	}
	if (argc - a != (geometry ? 1 : 2))
		usage();
	in = argv[a];
	if (!geometry)
		out = argv[a + 1];
	map = read_all(in, &n);
	layout(&g, n, cols, sq);
	if (geometry) {
		printf("width %u height %u map_x %u map_y %u square %u cols %u\n",
		       g.w, g.h, g.map_x, g.map_y, g.sq, g.cols);
		return 0;
	}
	if (arena)
		nz = read_zones(arena, zones, 32);

	im.w = g.w;
	im.h = g.h;
	im.px = malloc((size_t)im.w * im.h * 3);
	if (!im.px)
		die(1, "out of memory");
	fill(&im, 0, 0, im.w, im.h, bg_rgb);
	for (f = 0; f < n; f++) {
		count[map[f]]++;
		fill(&im, g.map_x + (f % g.cols) * g.sq, g.map_y + (f / g.cols) * g.sq,
		     g.sq, g.sq, colour_of(map[f]));
	}
	for (i = 0; i < nz; i++)
		if (zones[i].start < n && zones[i].len && zones[i].len <= n - zones[i].start)
			zone_mark(&im, &g, &zones[i]);
	snprintf(line, sizeof(line), "%s%s%lu frames (%lu MiB)", title ? title : "",
		 title ? ": " : "", n, n >> 8);
	text(&im, MARGIN, MARGIN + 4, line);
	for (i = 0; i < NR_STATES; i++) {
		unsigned int x = MARGIN + (i % 3) * LEGEND_COL;
		unsigned int y = g.legend_y + (i / 3) * LEGEND_ROW;

		fill(&im, x, y, 9, 9, ink_rgb);
		fill(&im, x + 1, y + 1, 7, 7, states[i].rgb);
		snprintf(line, sizeof(line), "%-.20s %lu", states[i].label, count[states[i].code]);
		text(&im, x + 12, y + 1, line);
	}
	write_png(out, &im);
	printf("%s: %ux%u, %lu frames, %u per row, %u px squares\n", out, im.w, im.h, n,
	       g.cols, g.sq);
	return 0;
}
