/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Text and JSON output of a pointer census (see scan.c). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scan.h"

static const uint64_t *
row(const struct vmmap_scan *s, size_t from)
{
	return s->counts + from * s->nregions * ST_COUNT;
}

/* Pointers to region r (an index), from anywhere, in one state or in
 * all (state == ST_COUNT). */
static uint64_t
to_region(const struct vmmap_scan *s, size_t r, int state)
{
	uint64_t n = 0;
	for (size_t from = 0; from < s->nregions; from++)
		for (int st = 0; st < ST_COUNT; st++)
			if (state == ST_COUNT || st == state)
				n += row(s, from)[r * ST_COUNT + (size_t)st];
	return n;
}

static uint64_t
total_pointers(const struct vmmap_scan *s)
{
	uint64_t n = 0;
	for (size_t r = 0; r < s->nregions; r++)
		n += to_region(s, r, ST_COUNT);
	return n;
}

/* Is r the first region of its kind (kinds like "unused" repeat)? */
static bool
first_of_kind(const struct vmmap_scan *s, size_t r)
{
	for (size_t i = 0; i < r; i++)
		if (s->regions[i].kind == s->regions[r].kind)
			return false;
	return true;
}

/* Pointers from pages of regions of kind `from` to regions of kind `to`. */
static uint64_t
by_kinds(const struct vmmap_scan *s, enum vmmap_region_kind from, enum vmmap_region_kind to)
{
	uint64_t n = 0;
	for (size_t f = 0; f < s->nregions; f++) {
		if (s->regions[f].kind != from)
			continue;
		for (size_t t = 0; t < s->nregions; t++)
			if (s->regions[t].kind == to)
				for (int st = 0; st < ST_COUNT; st++)
					n += row(s, f)[t * ST_COUNT + (size_t)st];
	}
	return n;
}

/* Pointers into the holes of one kind, e.g. every "unused" gap. */
static uint64_t
into_holes(const struct vmmap_scan *s, enum vmmap_region_kind kind)
{
	uint64_t n = 0;
	for (size_t r = 0; r < s->nregions; r++)
		if (s->regions[r].kind == kind)
			n += to_region(s, r, ST_COUNT);
	return n;
}

/* Pointers to unmapped parts of regions that are not holes. */
static uint64_t
into_unmapped(const struct vmmap_scan *s)
{
	uint64_t n = 0;
	for (size_t r = 0; r < s->nregions; r++)
		if (!vmmap_region_kind_is_hole(s->regions[r].kind))
			n += to_region(s, r, ST_UNMAPPED);
	return n;
}

/* The holes a pointer should never reach (user space is no hole here:
 * the census does not count user pointers). */
static const enum vmmap_region_kind hole_kinds[] = {
	VMMAP_REGION_NONCANONICAL, VMMAP_REGION_GUARD_HOLE, VMMAP_REGION_UNUSED,
};
#define NUM_HOLE_KINDS (sizeof(hole_kinds) / sizeof(hole_kinds[0]))

static uint64_t
hole_total(const struct vmmap_scan *s)
{
	uint64_t n = into_unmapped(s);
	for (size_t i = 0; i < NUM_HOLE_KINDS; i++)
		n += into_holes(s, hole_kinds[i]);
	return n;
}

/* ------------------------------------------------------------------ */
/* Text */

static void
print_targets_text(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\nPOINTERS BY TARGET REGION\n%-16s %-18s %12s %12s %12s %12s\n", "REGION",
		"START", "POINTERS", "MAPPED", "UNMAPPED", "UNCHECKED");
	for (size_t r = 0; r < s->nregions; r++) {
		uint64_t n = to_region(s, r, ST_COUNT);
		if (!n)
			continue;
		fprintf(f, "%-16s %016" PRIx64 "   %12" PRIu64 " %12" PRIu64 " %12" PRIu64
			" %12" PRIu64 "\n", s->regions[r].name, s->regions[r].start, n,
			to_region(s, r, ST_MAPPED), to_region(s, r, ST_UNMAPPED),
			to_region(s, r, ST_UNCHECKED));
	}
}

static void
print_holes_text(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\nPOINTERS INTO HOLES (the signature of corruption)\n");
	for (size_t i = 0; i < NUM_HOLE_KINDS; i++)
		fprintf(f, "%-16s %12" PRIu64 "\n", vmmap_region_kind_name(hole_kinds[i]),
			into_holes(s, hole_kinds[i]));
	fprintf(f, "%-16s %12" PRIu64 "  (pointers into unmapped parts of regions)\n",
		"unmapped", into_unmapped(s));
	fprintf(f, "%-16s %12" PRIu64 "\n", "total", hole_total(s));
}

static void
print_free_text(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\nPOINTERS INTO FREE PAGES (direct map; the signature of use after free)\n");
	if (!s->free_known) {
		fprintf(f, "%s\n", s->free_note);
		return;
	}
	uint64_t total = 0;
	for (size_t r = 0; r < s->nregions; r++)
		total += s->free_refs[r];
	for (size_t r = 0; r < s->nregions; r++)
		if (s->free_refs[r])
			fprintf(f, "found in %-16s %12" PRIu64 "\n", s->regions[r].name, s->free_refs[r]);
	fprintf(f, "%-25s %12" PRIu64 "  (%" PRIu64 " pages free)\n", "total", total, s->free_pages);
}

static void
print_objects_text(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\nPOINTERS INTO FREE SLAB OBJECTS (direct map; dangling pointers)\n");
	if (!s->objects_known) {
		fprintf(f, "%s\n", s->objects_note);
		return;
	}
	uint64_t total = 0;
	for (size_t i = 0; i < s->ncaches; i++)
		if (s->cache_refs[i]) {
			fprintf(f, "into %-20s %12" PRIu64 "\n", s->cache_names[i], s->cache_refs[i]);
			total += s->cache_refs[i];
		}
	for (size_t r = 0; r < s->nregions; r++)
		if (s->object_refs[r])
			fprintf(f, "found in %-16s %12" PRIu64 "\n", s->regions[r].name, s->object_refs[r]);
	for (size_t i = 0; i < s->ndangling; i++) {
		const struct dangling *d = &s->dangling[i];
		fprintf(f, "  at 0x%" PRIx64 " (%s): 0x%" PRIx64 " -> %s+0x%" PRIx64 "\n", d->at,
			s->regions[d->from].name, d->value, s->cache_names[d->cache], d->value - d->start);
	}
	if (s->dangling_truncated)
		fprintf(f, "  ... (the list stops at %zu)\n", s->ndangling);
	fprintf(f, "%-25s %12" PRIu64 "  (%" PRIu64 " objects free; %" PRIu64
		   " more pointers from inside free objects or struct pages: the allocator's own)\n",
		"total", total, s->free_objects, s->objects_internal);
}

static void
print_found_text(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\nWHERE FOUND (region of the page holding the pointer -> target)\n"
		   "%-16s %-16s %12s\n", "FROM", "TO", "POINTERS");
	for (size_t a = 0; a < s->nregions; a++) {
		if (!first_of_kind(s, a))
			continue;
		for (size_t b = 0; b < s->nregions; b++) {
			if (!first_of_kind(s, b))
				continue;
			uint64_t n = by_kinds(s, s->regions[a].kind, s->regions[b].kind);
			if (n)
				fprintf(f, "%-16s %-16s %12" PRIu64 "\n", s->regions[a].name,
					s->regions[b].name, n);
		}
	}
}

static void
print_tops_text(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\nMOST-REFERENCED VMALLOC AREAS (mapped runs of vmalloc space)\n"
		   "%-18s %-18s %-9s %12s\n", "START", "END", "SIZE", "POINTERS");
	for (size_t i = 0; i < s->nareas; i++) {
		char size[32];
		vmmap_format_size(s->areas[i].last - s->areas[i].start + 1, size, sizeof(size));
		fprintf(f, "%016" PRIx64 "   %016" PRIx64 "   %-9s %12" PRIu64 "\n",
			s->areas[i].start, s->areas[i].last, size, s->area_refs[i]);
	}
	fprintf(f, "\nMOST-REFERENCED MODULES\n%-24s %12s\n", "MODULE", "POINTERS");
	for (size_t k = 0; k < s->ntop_modules; k++) {
		size_t m = s->top_modules[k];
		fprintf(f, "%-24s %12" PRIu64 "\n", s->module_names[m], s->module_refs[m]);
	}
}

/* How many ranges from i on have range i's size, at a constant stride
 * (espfix maps 65,536 pages 64 KiB apart: one line, not 65,536). */
static size_t
run_of_same(const struct vmmap_scan *s, size_t i)
{
	const struct va_range *m = s->mapped;
	size_t n = 1;
	if (i + 1 >= s->nmapped)
		return 1;
	uint64_t size = m[i].last - m[i].start, stride = m[i + 1].start - m[i].start;
	while (i + n < s->nmapped && m[i + n].last - m[i + n].start == size &&
	       m[i + n].start - m[i + n - 1].start == stride)
		n++;
	return n;
}

static void
print_mapped_text(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\nMAPPED RANGES (kernel half of init_top_pgt)\n%-18s %-18s %s\n",
		"START", "END", "SIZE");
	for (size_t i = 0; i < s->nmapped;) {
		const struct va_range *r = &s->mapped[i];
		char size[32], stride[32];
		vmmap_format_size(r->last - r->start + 1, size, sizeof(size));
		size_t n = run_of_same(s, i);
		if (n < 3) {
			fprintf(f, "%016" PRIx64 "   %016" PRIx64 "   %s\n", r->start, r->last, size);
			i++;
			continue;
		}
		vmmap_format_size(s->mapped[i + 1].start - r->start, stride, sizeof(stride));
		fprintf(f, "%016" PRIx64 "   %016" PRIx64 "   %s x %zu, every %s\n", r->start,
			s->mapped[i + n - 1].last, size, n, stride);
		i += n;
	}
}

void
vmmap_print_scan_text(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "%-16s %" PRIu64 " (%" PRIu64 " MiB), of them code %" PRIu64
		" (not counted); unreadable %" PRIu64 "\n", "pages scanned", s->pages,
		s->pages >> 8, s->code_pages, s->unreadable_pages);
	fprintf(f, "%-16s %" PRIu64 " words, %" PRIu64 " kernel pointers (>= 0x%016" PRIx64
		"), %" PRIu64 " ERR_PTR values\n", "data words", (s->pages - s->code_pages) * 512,
		total_pointers(s),
		s->floor, s->err_ptrs);
	if (s->have_tables)
		fprintf(f, "%-16s %" PRIu64 " tables read, %" PRIu64 " mapped ranges%s\n",
			"page tables", s->pt_tables, s->pt_ranges,
			s->pt_truncated ? " (cut short)" : "");
	if (s->note[0])
		fprintf(f, "note: %s\n", s->note);
	print_targets_text(s, f);
	print_holes_text(s, f);
	print_free_text(s, f);
	print_objects_text(s, f);
	print_found_text(s, f);
	print_tops_text(s, f);
	if (s->mapped)
		print_mapped_text(s, f);
}

/* ------------------------------------------------------------------ */
/* JSON */

static void
print_targets_json(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\"targets\":[");
	bool comma = false;
	for (size_t r = 0; r < s->nregions; r++) {
		uint64_t n = to_region(s, r, ST_COUNT);
		if (!n)
			continue;
		fprintf(f, "%s{\"region\":\"%s\",\"start\":\"0x%" PRIx64 "\",\"pointers\":%" PRIu64
			",\"mapped\":%" PRIu64 ",\"unmapped\":%" PRIu64 ",\"unchecked\":%" PRIu64 "}",
			comma ? "," : "", s->regions[r].name, s->regions[r].start, n,
			to_region(s, r, ST_MAPPED), to_region(s, r, ST_UNMAPPED),
			to_region(s, r, ST_UNCHECKED));
		comma = true;
	}
	fprintf(f, "],");
}

static void
print_holes_json(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\"holes\":{");
	for (size_t i = 0; i < NUM_HOLE_KINDS; i++)
		fprintf(f, "\"%s\":%" PRIu64 ",", vmmap_region_kind_name(hole_kinds[i]),
			into_holes(s, hole_kinds[i]));
	fprintf(f, "\"unmapped\":%" PRIu64 ",\"total\":%" PRIu64 "},", into_unmapped(s),
		hole_total(s));
}

static void
print_free_json(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\"free_pages\":{\"known\":%s", s->free_known ? "true" : "false");
	if (!s->free_known) {
		fprintf(f, ",\"note\":");
		vmmap_print_json_string(s->free_note, f);
		fprintf(f, "},");
		return;
	}
	uint64_t total = 0;
	fprintf(f, ",\"pages\":%" PRIu64 ",\"found_in\":[", s->free_pages);
	for (size_t r = 0; r < s->nregions; r++) {
		if (!s->free_refs[r])
			continue;
		fprintf(f, "%s{\"from\":\"%s\",\"pointers\":%" PRIu64 "}", total ? "," : "",
			s->regions[r].name, s->free_refs[r]);
		total += s->free_refs[r];
	}
	fprintf(f, "],\"pointers\":%" PRIu64 "},", total);
}

static void
print_objects_json(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\"free_objects\":{\"known\":%s", s->objects_known ? "true" : "false");
	if (!s->objects_known) {
		fprintf(f, ",\"note\":");
		vmmap_print_json_string(s->objects_note, f);
		fprintf(f, "},");
		return;
	}
	uint64_t total = 0;
	fprintf(f, ",\"objects\":%" PRIu64 ",\"caches\":[", s->free_objects);
	for (size_t i = 0; i < s->ncaches; i++) {
		if (!s->cache_refs[i])
			continue;
		fprintf(f, "%s{\"cache\":", total ? "," : "");
		vmmap_print_json_string(s->cache_names[i], f);
		fprintf(f, ",\"pointers\":%" PRIu64 "}", s->cache_refs[i]);
		total += s->cache_refs[i];
	}
	fprintf(f, "],\"found_in\":[");
	bool comma = false;
	for (size_t r = 0; r < s->nregions; r++) {
		if (!s->object_refs[r])
			continue;
		fprintf(f, "%s{\"from\":\"%s\",\"pointers\":%" PRIu64 "}", comma ? "," : "",
			s->regions[r].name, s->object_refs[r]);
		comma = true;
	}
	fprintf(f, "],\"pointers\":%" PRIu64 ",\"allocator_own\":%" PRIu64, total,
		s->objects_internal);
	if (s->dangling) {
		fprintf(f, ",\"list\":[");
		for (size_t i = 0; i < s->ndangling; i++) {
			const struct dangling *d = &s->dangling[i];
			fprintf(f, "%s{\"at\":\"0x%" PRIx64 "\",\"found_in\":\"%s\",\"value\":\"0x%" PRIx64
				"\",\"cache\":", i ? "," : "", d->at, s->regions[d->from].name, d->value);
			vmmap_print_json_string(s->cache_names[d->cache], f);
			fprintf(f, ",\"object\":\"0x%" PRIx64 "\"}", d->start);
		}
		fprintf(f, "],\"list_truncated\":%s", s->dangling_truncated ? "true" : "false");
	}
	fprintf(f, "},");
}

static void
print_found_json(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\"found_in\":[");
	bool comma = false;
	for (size_t a = 0; a < s->nregions; a++) {
		for (size_t b = 0; first_of_kind(s, a) && b < s->nregions; b++) {
			uint64_t n = first_of_kind(s, b)
				? by_kinds(s, s->regions[a].kind, s->regions[b].kind) : 0;
			if (!n)
				continue;
			fprintf(f, "%s{\"from\":\"%s\",\"to\":\"%s\",\"pointers\":%" PRIu64 "}",
				comma ? "," : "", s->regions[a].name, s->regions[b].name, n);
			comma = true;
		}
	}
	fprintf(f, "],");
}

static void
print_tops_json(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "\"vmalloc_areas\":[");
	for (size_t i = 0; i < s->nareas; i++)
		fprintf(f, "%s{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64
			"\",\"size\":\"0x%" PRIx64 "\",\"pointers\":%" PRIu64 "}", i ? "," : "",
			s->areas[i].start, s->areas[i].last,
			s->areas[i].last - s->areas[i].start + 1, s->area_refs[i]);
	fprintf(f, "],\"modules\":[");
	for (size_t k = 0; k < s->ntop_modules; k++) {
		size_t m = s->top_modules[k];
		fprintf(f, "%s{\"name\":", k ? "," : "");
		vmmap_print_json_string(s->module_names[m], f);
		fprintf(f, ",\"pointers\":%" PRIu64 "}", s->module_refs[m]);
	}
	fprintf(f, "]");
}

void
vmmap_print_scan_json(const struct vmmap_scan *s, FILE *f)
{
	fprintf(f, "{\"scan\":{\"pages\":%" PRIu64 ",\"bytes\":%" PRIu64
		",\"code_pages\":%" PRIu64 ",\"unreadable_pages\":%" PRIu64 ",\"words\":%" PRIu64
		",\"floor\":\"0x%" PRIx64 "\",\"pointers\":%" PRIu64 ",\"err_ptr\":%" PRIu64 ",",
		s->pages, s->pages * 4096, s->code_pages, s->unreadable_pages,
		(s->pages - s->code_pages) * 512, s->floor,
		total_pointers(s), s->err_ptrs);
	fprintf(f, "\"page_tables\":{\"walked\":%s,\"tables\":%" PRIu64
		",\"mapped_ranges\":%" PRIu64 ",\"truncated\":%s},\"notes\":[",
		s->have_tables ? "true" : "false", s->pt_tables, s->pt_ranges,
		s->pt_truncated ? "true" : "false");
	if (s->note[0])
		vmmap_print_json_string(s->note, f);
	fprintf(f, "],");
	print_targets_json(s, f);
	print_holes_json(s, f);
	print_free_json(s, f);
	print_objects_json(s, f);
	print_found_json(s, f);
	print_tops_json(s, f);
	if (s->mapped) {
		fprintf(f, ",\"mapped\":[");
		for (size_t i = 0; i < s->nmapped; i++)
			fprintf(f, "%s[\"0x%" PRIx64 "\",\"0x%" PRIx64 "\"]", i ? "," : "",
				s->mapped[i].start, s->mapped[i].last);
		fprintf(f, "]");
	}
	fprintf(f, "}}\n");
}
