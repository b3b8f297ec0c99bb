/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Which physical pages of a dump does vmmap read to answer `vmmap addr`
 * for some addresses? For fixtures/real/prune-dump.py, which keeps only
 * those pages of a dump.
 *
 * usage: record-pages DUMP ADDR... > PAGES
 *
 * The dump is wrapped in a source that forwards every operation to the
 * dump-file source and writes down each physical page read_phys was
 * asked for (a read the dump cannot answer is written down page by page
 * for the pages it does hold). The wrapper has no page_walk: vmmap's own
 * page-table walker runs, so the page tables are read (and recorded)
 * through read_phys. Then the map is built and each ADDR (hex or symbol,
 * as `vmmap addr` takes them) annotated and printed as `vmmap addr
 * --json` does (to /dev/null), with the page state. For an address in
 * a slab object the whole slab and its struct kmem_cache are read too,
 * so that whatever the object's checks read of them is kept.
 *
 * Output: one page frame number (hex) per line, sorted, unique; on
 * stderr the answer of each address in one line. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vmmap/vmmap.h>

#include "source.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)

struct recorder {
	struct vmmap_source *inner;
	uint64_t *pfns;
	size_t n, cap;
};

static void
record(struct recorder *r, uint64_t pfn)
{
	if (r->n && r->pfns[r->n - 1] == pfn)
		return;		/* the common case: the same page again */
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 4096;
		r->pfns = realloc(r->pfns, r->cap * sizeof(*r->pfns));
		if (!r->pfns) {
			perror("record-pages");
			exit(1);
		}
	}
	r->pfns[r->n++] = pfn;
}

static struct vmmap_error *
rec_read_phys(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct recorder *r = arg;
	struct vmmap_error *err = source_read_phys(r->inner, addr, buf, len);
	if (!len)
		return err;
	uint64_t first = addr >> PAGE_SHIFT, last = (addr + len - 1) >> PAGE_SHIFT;
	for (uint64_t pfn = first; pfn <= last; pfn++) {
		if (err) {
			/* keep the pages of a failed read that the dump has */
			unsigned char byte;
			struct vmmap_error *e = source_read_phys(r->inner, pfn << PAGE_SHIFT,
								 &byte, 1);
			if (e) {
				vmmap_error_destroy(e);
				continue;
			}
		}
		record(r, pfn);
	}
	return err;
}

static struct vmmap_error *
rec_vmcoreinfo(void *arg, char **text)
{
	struct recorder *r = arg;
	return source_vmcoreinfo(r->inner, text);
}

static struct vmmap_error *
rec_symbol(void *arg, const char *name, uint64_t *addr)
{
	struct recorder *r = arg;
	return source_symbol(r->inner, name, addr);
}

static struct vmmap_error *
rec_load_segments(void *arg, uint64_t (**segs)[3], size_t *n)
{
	struct recorder *r = arg;
	return source_load_segments(r->inner, segs, n);
}

static struct vmmap_error *
rec_present_range(void *arg, uint64_t addr, uint64_t *start, uint64_t *end)
{
	struct recorder *r = arg;
	return source_present_range(r->inner, addr, start, end);
}

static void
rec_destroy(void *arg)
{
	(void)arg;	/* main() releases the recorder after the map */
}

static const struct vmmap_source_ops recorder_ops = {
	VMMAP_SOURCE_OPS_INIT,
	.name = "record-pages",
	.read_phys = rec_read_phys,
	.vmcoreinfo = rec_vmcoreinfo,
	.symbol = rec_symbol,
	.load_segments = rec_load_segments,
	.present_range = rec_present_range,
	.destroy = rec_destroy,
	/* no page_walk: vmmap's own walker, through read_phys */
};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Read [start, start + len) of kernel memory page by page (recorded
 * through read_phys), ignoring what cannot be read. */
static void
touch(struct vmmap_map *map, uint64_t start, uint64_t len)
{
	static unsigned char buf[PAGE_SIZE];
	uint64_t a = start;
	while (a < start + len) {
		uint64_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		if (chunk > start + len - a)
			chunk = start + len - a;
		vmmap_error_destroy(vmmap_map_read(map, a, buf, chunk));
		a += chunk;
	}
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: record-pages DUMP ADDR... > PAGES\n");
		return 2;
	}
	struct recorder rec = { 0 };
	struct vmmap_source *src;
	struct vmmap_map *map;
	struct vmmap_error *err = vmmap_source_open_dump(argv[1], &rec.inner);
	if (!err)
		err = vmmap_source_create(&recorder_ops, &rec, &src);
	if (!err)
		err = vmmap_map_build(src, NULL, &map);
	if (err) {
		fprintf(stderr, "record-pages: %s\n", vmmap_error_message(err));
		return 1;
	}
	FILE *null = fopen("/dev/null", "w");
	const struct vmmap_struct *kmem_cache = NULL;
	vmmap_error_destroy(vmmap_map_struct(map, "kmem_cache", &kmem_cache));
	int status = 0;
	for (int i = 2; i < argc; i++) {
		uint64_t addr;
		struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
		err = vmmap_map_parse_expression(map, argv[i], &addr);
		if (!err)
			err = vmmap_map_annotate(map, addr, 0, &a);
		if (err) {
			fprintf(stderr, "record-pages: %s: %s\n", argv[i], vmmap_error_message(err));
			vmmap_error_destroy(err);
			status = 1;
			continue;
		}
		vmmap_print_annotation_json(&a, null);
		vmmap_print_annotation_text(&a, stderr);
		if (a.have_object && a.object.kind == VMMAP_OBJECT_SLAB) {
			/* the whole slab (its pages from the page state) and
			 * the cache's struct kmem_cache */
			uint64_t pages = 1;
			if (a.have_page && a.page.compound == VMMAP_PAGE_HEAD && a.page.order > 0)
				pages = 1ULL << a.page.order;
			else if (a.have_page && a.page.compound == VMMAP_PAGE_TAIL && a.page.order > 0)
				pages = 1ULL << a.page.order;
			uint64_t head = a.page.compound == VMMAP_PAGE_SINGLE ? a.pfn : a.page.head_pfn;
			uint64_t first = a.address - ((a.pfn - head) << PAGE_SHIFT);
			touch(map, first & ~(PAGE_SIZE - 1), pages << PAGE_SHIFT);
			if (kmem_cache)
				touch(map, a.object.cache_addr, kmem_cache->size);
			struct vmmap_page p = { VMMAP_PAGE_INIT };
			vmmap_error_destroy(vmmap_map_page(map, head, &p));
		}
	}
	fclose(null);
	vmmap_map_destroy(map);
	vmmap_source_destroy(src);
	vmmap_source_destroy(rec.inner);
	qsort(rec.pfns, rec.n, sizeof(*rec.pfns), cmp_u64);
	for (size_t i = 0; i < rec.n; i++)
		if (i == 0 || rec.pfns[i] != rec.pfns[i - 1])
			printf("%" PRIx64 "\n", rec.pfns[i]);
	free(rec.pfns);
	return status;
}
