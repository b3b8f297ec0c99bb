/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * bench/rawread.c: the reference for `vmmap scan`, a plain full read of
 * a dump through libkdumpfile.
 *
 *   rawread DUMP [PAGES_PER_READ]
 *
 * Opens DUMP as vmmap does (read(2), never mmap(2); OS type "linux"),
 * walks the "file.pagemap" bitmap for runs of present pages and
 * kdump_read()s every present page (KDUMP_MACHPHYSADDR), PAGES_PER_READ
 * pages per call (default 1), xor-summing what it read. Prints "key
 * value" lines for bench/run.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#define PAGE_SIZE 4096ULL

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(kdump_ctx_t *ctx, const char *what)
{
	fprintf(stderr, "rawread: %s: %s\n", what, ctx ? kdump_get_err(ctx) : "?");
	exit(1);
}

static kdump_ctx_t *
open_dump(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	kdump_ctx_t *ctx = kdump_new();
	if (!ctx)
		die(NULL, "kdump_new");
	kdump_set_number_attr(ctx, KDUMP_ATTR_ZERO_EXCLUDED, 0);
	kdump_set_number_attr(ctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
	if (kdump_open_fd(ctx, fd) != KDUMP_OK)
		die(ctx, path);
	/* Compressed kdump leaves the OS unset. */
	if (kdump_set_string_attr(ctx, KDUMP_ATTR_OSTYPE, "linux") != KDUMP_OK)
		die(ctx, "addrxlat.ostype");
	return ctx;
}

static kdump_bmp_t *
page_map(kdump_ctx_t *ctx)
{
	kdump_attr_t attr;
	if (kdump_get_attr(ctx, KDUMP_ATTR_FILE_PAGEMAP, &attr) != KDUMP_OK ||
	    attr.type != KDUMP_BITMAP)
		die(ctx, "file.pagemap");
	kdump_bmp_incref(attr.val.bitmap);
	return attr.val.bitmap;
}

/* XOR of a buffer as 64-bit words. */
static uint64_t
xor_words(const unsigned char *buf, size_t len)
{
	uint64_t acc = 0;
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w;
		__builtin_memcpy(&w, buf + i, 8);
		acc ^= w;
	}
	return acc;
}

struct totals {
	uint64_t pages, reads, failed, xsum;
};

/* Read pages [first, last) in calls of up to chunk pages. */
static void
read_run(kdump_ctx_t *ctx, uint64_t first, uint64_t last, uint64_t chunk,
	 unsigned char *buf, struct totals *t)
{
	for (uint64_t pfn = first; pfn < last; pfn += chunk) {
		uint64_t n = last - pfn < chunk ? last - pfn : chunk;
		size_t len = n * PAGE_SIZE;
		kdump_status st = kdump_read(ctx, KDUMP_MACHPHYSADDR,
					     pfn * PAGE_SIZE, buf, &len);
		t->reads++;
		if (st != KDUMP_OK) {
			t->failed++;
			kdump_clear_err(ctx);
		}
		t->pages += len / PAGE_SIZE;
		t->xsum ^= xor_words(buf, len);
	}
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: rawread DUMP [PAGES_PER_READ]\n");
		return 2;
	}
	uint64_t chunk = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	if (chunk == 0 || chunk > 4096) {
		fprintf(stderr, "rawread: PAGES_PER_READ must be 1..4096\n");
		return 2;
	}
	unsigned char *buf = malloc(chunk * PAGE_SIZE);
	if (!buf)
		return 1;

	double t0 = now_seconds();
	kdump_ctx_t *ctx = open_dump(argv[1]);
	kdump_bmp_t *bmp = page_map(ctx);
	struct totals t = { 0 };
	uint64_t runs = 0;
	for (kdump_addr_t first = 0;; runs++) {
		if (kdump_bmp_find_set(bmp, &first) != KDUMP_OK)
			break;	/* no more present pages */
		kdump_addr_t last = first;
		if (kdump_bmp_find_clear(bmp, &last) != KDUMP_OK || last <= first)
			break;
		read_run(ctx, first, last, chunk, buf, &t);
		first = last;
	}
	double elapsed = now_seconds() - t0;

	printf("runs %llu\n", (unsigned long long)runs);
	printf("pages %llu\n", (unsigned long long)t.pages);
	printf("bytes %llu\n", (unsigned long long)(t.pages * PAGE_SIZE));
	printf("reads %llu\n", (unsigned long long)t.reads);
	printf("failed_reads %llu\n", (unsigned long long)t.failed);
	printf("seconds %.6f\n", elapsed);
	printf("xor %016llx\n", (unsigned long long)t.xsum);

	kdump_bmp_decref(bmp);
	kdump_free(ctx);
	free(buf);
	return 0;
}
