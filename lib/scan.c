/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The pointer census: every aligned 8-byte word of every page present
 * in the dump, classified as a kernel pointer or not.
 *
 * What counts: a word whose top 16 bits are all ones (4-level paging:
 * that takes the kernel half and the top of the non-canonical hole, the
 * usual result of a flipped bit 47), or whose top 8 bits are all ones
 * (5-level: the kernel half). ERR_PTR values (-1 .. -4095, the kernel's
 * MAX_ERRNO, include/linux/err.h) are counted apart: they are not
 * pointers.
 *
 * Each pointer is counted by target region and mapped state (from the
 * kernel page tables), and by the region of the page it was found in.
 * For speed the target goes through a small radix tree shaped like the
 * page tables, whose leaves sit as high as the map allows (a whole
 * region, or a run of mapped or unmapped pages).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "error.h"
#include "map.h"
#include "pagestream.h"
#include "scan.h"
#include "slab.h"

#define PAGE 4096ULL
#define WORDS_PER_PAGE (PAGE / 8)
#define ERR_PTR_FIRST (~0ULL - 4094)	/* -4095: MAX_ERRNO */
#define PROGRESS_STEP (16ULL << 20)
#define MAX_DANGLING 100000

#define CLS_LEAF 0x80000000u
#define CLS(region, state) ((uint32_t)(region) * ST_COUNT + (state))

struct classifier {
	uint32_t *nodes;	/* 512 entries per node; node 0 is the top */
	size_t n, cap;
	unsigned top_shift;
};

/* A page that some mapping other than the direct map points at. */
struct owner {
	uint64_t start, end;	/* physical, [start, end) */
	unsigned region;
	int priority;
	bool exec;
};

/* Everything the scan needs while it runs. */
struct scan_ctx {
	struct vmmap_map *map;
	struct vmmap_scan *scan;
	struct ptenum pe;
	struct classifier cls;
	uint64_t floor;		/* smallest word that counts */
	unsigned direct_map, vmalloc, modules, vmemmap;
	bool *unknowable;	/* per region: mapped state not knowable */
	size_t region_cursor, mapped_cursor;	/* classifier build */
	uint64_t *mapped_refs;	/* per pe.mapped range */
	struct owner *owners;	/* sorted by start */
	size_t nowners, next_owner;
	struct owner **active;	/* owners covering the current page */
	size_t nactive;
	/* free pages: a pointer classified direct_cls is looked up here */
	uint32_t direct_cls;
	uint64_t *free_bits, npfn, page_offset;
	/* free slab objects, sorted by start, and the pfns that hold one */
	struct slab_free_object *objs;
	size_t nobjs;
	uint64_t *obj_pfns;
	struct slab_free_object *own;	/* the allocator's arrays of them */
	size_t nown;
	bool list_dangling;
};

static unsigned
region_index(const struct vmmap_map *map, uint64_t addr)
{
	return (unsigned)(vmmap_map_find(map, addr) - map->regions.r);
}

static enum vmmap_region_kind
kind_of(const struct vmmap_map *map, unsigned r)
{
	return map->regions.r[r].kind;
}

/* ------------------------------------------------------------------ */
/* Target classifier */

/* LDT remap and EFI live in other page tables (per-mm, efi_pgd): the
 * kernel's init_top_pgt cannot say whether they are mapped. */
static bool
state_unknowable(const struct scan_ctx *c, unsigned r)
{
	enum vmmap_region_kind kind = kind_of(c->map, r);
	return !c->scan->have_tables || kind == VMMAP_REGION_LDT_REMAP ||
	       kind == VMMAP_REGION_EFI || kind == VMMAP_REGION_USER ||
	       kind == VMMAP_REGION_NONCANONICAL;
}

/* The classifier is built in ascending address order, so the region and
 * the mapped range of each span are found by moving cursors forward. */
static unsigned
region_at(struct scan_ctx *c, uint64_t s)
{
	const struct region_list *rl = &c->map->regions;
	if (c->region_cursor >= rl->n || rl->r[c->region_cursor].start > s)
		c->region_cursor = region_index(c->map, s);
	while (rl->r[c->region_cursor].end < s)
		c->region_cursor++;
	return (unsigned)c->region_cursor;
}

/* -1: partly mapped; else ST_MAPPED or ST_UNMAPPED for all of [s, e]. */
static int
mapped_state(struct scan_ctx *c, uint64_t s, uint64_t e)
{
	const struct ptenum *pe = &c->pe;
	size_t i = c->mapped_cursor;
	if (i > 0 && pe->mapped[i - 1].last >= s)
		i = 0;	/* went backwards (never, in ascending builds) */
	while (i < pe->nmapped && pe->mapped[i].last < s)
		i++;
	c->mapped_cursor = i;
	if (i == pe->nmapped || pe->mapped[i].start > e)
		return ST_UNMAPPED;
	if (pe->mapped[i].start <= s && pe->mapped[i].last >= e)
		return ST_MAPPED;
	return -1;
}

static int64_t build_node(struct scan_ctx *c, int level, uint64_t base);

static int64_t
classify_span(struct scan_ctx *c, int level, uint64_t s, uint64_t e)
{
	unsigned r = region_at(c, s);
	bool one_region = c->map->regions.r[r].end >= e;
	int state = c->unknowable[r] ? ST_UNCHECKED : mapped_state(c, s, e);
	if ((one_region && state >= 0) || level == 1) {
		if (state < 0)	/* unreachable: regions and mappings are pages */
			state = mapped_state(c, s, s);
		return CLS_LEAF | CLS(r, state);
	}
	return build_node(c, level - 1, s);
}

static int64_t
build_node(struct scan_ctx *c, int level, uint64_t base)
{
	struct classifier *cl = &c->cls;
	if (cl->n == cl->cap) {
		size_t cap = cl->cap ? cl->cap * 2 : 64;
		if (cap >= CLS_LEAF / 512)
			return -1;
		uint32_t *nodes = realloc(cl->nodes, cap * 512 * sizeof(*nodes));
		if (!nodes)
			return -1;
		cl->nodes = nodes;
		cl->cap = cap;
	}
	size_t node = cl->n++;
	unsigned shift = 12 + 9 * (unsigned)(level - 1);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t s = base + ((uint64_t)i << shift);
		int64_t v = classify_span(c, level, s, s + ((1ULL << shift) - 1));
		if (v < 0)
			return -1;
		cl->nodes[node * 512 + i] = (uint32_t)v;
	}
	return (int64_t)node;
}

/* The top node spans the whole 64-bit space in 512 slots of 2^39 (or
 * 2^48) bytes, like init_top_pgt. */
static struct vmmap_error *
build_classifier(struct scan_ctx *c)
{
	int levels = (int)c->map->k.pgtable_levels.value;
	c->cls.top_shift = 12 + 9 * (unsigned)(levels - 1);
	struct classifier *cl = &c->cls;
	cl->cap = 64;
	cl->nodes = malloc(cl->cap * 512 * sizeof(*cl->nodes));
	if (!cl->nodes)
		return &vmmap_enomem;
	cl->n = 1;
	uint64_t span = 1ULL << cl->top_shift;
	for (unsigned i = 0; i < 512; i++) {
		/* the addresses a word >= floor with this slot index has */
		uint64_t s = (c->floor & ~((span << 9) - 1)) | ((uint64_t)i << cl->top_shift);
		if (s < c->floor) {	/* no counted word has this slot */
			cl->nodes[i] = CLS_LEAF | CLS(region_index(c->map, 0), ST_UNCHECKED);
			continue;
		}
		int64_t v = classify_span(c, levels, s, s | (span - 1));
		if (v < 0)
			return vmmap_error_create(VMMAP_ERROR_NOMEM, "out of memory (classifier)");
		cl->nodes[i] = (uint32_t)v;
	}
	return NULL;
}

static inline uint32_t
classify(const struct classifier *cl, uint64_t w)
{
	unsigned shift = cl->top_shift;
	uint32_t e = cl->nodes[(w >> shift) & 511];
	while (!(e & CLS_LEAF)) {
		shift -= 9;
		e = cl->nodes[(size_t)e * 512 + ((w >> shift) & 511)];
	}
	return e & ~CLS_LEAF;
}

/* ------------------------------------------------------------------ */
/* Where a page was found: the most telling mapping that reaches it */

static int
region_priority(const struct vmmap_map *map, unsigned r)
{
	static const enum vmmap_region_kind order[] = {
		VMMAP_REGION_KERNEL_TEXT, VMMAP_REGION_MODULES, VMMAP_REGION_VMALLOC,
		VMMAP_REGION_CPU_ENTRY_AREA, VMMAP_REGION_FIXMAP, VMMAP_REGION_ESPFIX,
		VMMAP_REGION_VSYSCALL, VMMAP_REGION_VMEMMAP, VMMAP_REGION_KASAN_SHADOW,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (kind_of(map, r) == order[i])
			return (int)i;
	return (int)(sizeof(order) / sizeof(order[0]));
}

static int
owner_cmp(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static bool
not_direct_map(void *arg, uint64_t va)
{
	struct scan_ctx *c = arg;
	return region_index(c->map, va) != c->direct_map;
}

static struct vmmap_error *
build_owners(struct scan_ctx *c)
{
	c->owners = malloc((c->pe.nleaves ? c->pe.nleaves : 1) * sizeof(*c->owners));
	c->active = malloc((c->pe.nleaves ? c->pe.nleaves : 1) * sizeof(*c->active));
	if (!c->owners || !c->active)
		return &vmmap_enomem;
	for (size_t i = 0; i < c->pe.nleaves; i++) {
		const struct pt_leaf *l = &c->pe.leaves[i];
		unsigned r = region_index(c->map, l->va);
		c->owners[i] = (struct owner){ l->pa, l->pa + l->size, r,
					       region_priority(c->map, r), l->exec };
	}
	c->nowners = c->pe.nleaves;
	qsort(c->owners, c->nowners, sizeof(*c->owners), owner_cmp);
	return NULL;
}

/* Pages come in ascending physical order: owners join the active set
 * as the scan reaches them and leave once it is past their end. A page
 * that any mapping makes executable is code. */
static unsigned
page_region(struct scan_ctx *c, uint64_t pa, bool *exec)
{
	*exec = false;
	while (c->next_owner < c->nowners && c->owners[c->next_owner].start <= pa)
		c->active[c->nactive++] = &c->owners[c->next_owner++];
	const struct owner *best = NULL;
	for (size_t i = 0; i < c->nactive;) {
		struct owner *o = c->active[i];
		if (o->end <= pa) {
			c->active[i] = c->active[--c->nactive];
			continue;
		}
		if (!best || o->priority < best->priority)
			best = o;
		*exec = *exec || o->exec;
		i++;
	}
	return best ? best->region : c->direct_map;
}

/* ------------------------------------------------------------------ */
/* The scan */

static size_t
mapped_range_of(const struct ptenum *pe, uint64_t va)
{
	size_t lo = 0, hi = pe->nmapped;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pe->mapped[mid].last < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
count_target_detail(struct scan_ctx *c, uint64_t w, unsigned r, unsigned state)
{
	if (r == c->vmalloc && state == ST_MAPPED) {
		size_t i = mapped_range_of(&c->pe, w);
		if (i < c->pe.nmapped)
			c->mapped_refs[i]++;
	} else if (r == c->modules) {
		const struct module_range *m = modules_range_of(&c->map->modules, w);
		if (m)
			c->scan->module_refs[m->module]++;
	}
}

/* The range of v (sorted by start, not overlapping) holding a, or NULL. */
static const struct slab_free_object *
range_at(const struct slab_free_object *v, size_t n, uint64_t a)
{
	size_t lo = 0, hi = n;	/* the first range starting above a */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && a < v[lo - 1].end ? &v[lo - 1] : NULL;
}

/* The free object holding direct-map address a, or NULL. */
static const struct slab_free_object *
free_object_at(const struct scan_ctx *c, uint64_t a)
{
	uint64_t pfn = (a - c->page_offset) >> 12;
	if (a < c->page_offset || pfn >= c->npfn || !(c->obj_pfns[pfn / 64] >> (pfn % 64) & 1))
		return NULL;
	return range_at(c->objs, c->nobjs, a);
}

/* A pointer w, stored at direct-map address at, into a page holding
 * free slab objects: into one of them? Stale words inside free objects
 * and the allocator's own lists in struct pages are counted apart. */
static void
count_free_object(struct scan_ctx *c, uint64_t w, uint64_t at, unsigned from)
{
	const struct slab_free_object *o = free_object_at(c, w);
	if (!o)
		return;
	if (from == c->vmemmap || free_object_at(c, at) || range_at(c->own, c->nown, at)) {
		c->scan->objects_internal++;
		return;
	}
	struct vmmap_scan *s = c->scan;
	s->cache_refs[o->cache]++;
	s->object_refs[from]++;
	if (!c->list_dangling)
		return;
	if (s->ndangling == s->cap_dangling) {
		size_t cap = s->cap_dangling ? s->cap_dangling * 2 : 256;
		struct dangling *v = cap <= MAX_DANGLING ? realloc(s->dangling, cap * sizeof(*v)) : NULL;
		if (!v) {
			s->dangling_truncated = true;
			return;
		}
		s->dangling = v;
		s->cap_dangling = cap;
	}
	s->dangling[s->ndangling++] = (struct dangling){ at, w, o->start, o->cache, from };
}

static void
scan_page(struct scan_ctx *c, const uint64_t *words, uint64_t pa, unsigned from)
{
	struct vmmap_scan *s = c->scan;
	uint64_t *row = s->counts + (size_t)from * s->nregions * ST_COUNT;
	const uint64_t floor = c->floor;
	for (size_t i = 0; i < WORDS_PER_PAGE; i++) {
		uint64_t w = words[i];
		if (w < floor)
			continue;
		if (w >= ERR_PTR_FIRST) {
			s->err_ptrs++;
			continue;
		}
		uint32_t cls = classify(&c->cls, w);
		row[cls]++;
		if (cls == c->direct_cls && c->free_bits) {
			uint64_t pfn = (w - c->page_offset) >> 12;
			if (pfn < c->npfn && (c->free_bits[pfn / 64] >> (pfn % 64) & 1))
				s->free_refs[from]++;
			else if (c->obj_pfns)
				count_free_object(c, w, c->page_offset + pa + i * 8, from);
		}
		unsigned r = cls / ST_COUNT;
		if (r == c->vmalloc || r == c->modules)
			count_target_detail(c, w, r, cls % ST_COUNT);
	}
}

/* The pages of one chunk, with where each was found. */
static void
scan_chunk(struct scan_ctx *c, const struct page_chunk *chunk)
{
	for (size_t i = 0; i < chunk->pages; i++) {
		if (chunk->unreadable[i / 64] & (1ULL << (i % 64))) {
			c->scan->unreadable_pages++;
			continue;
		}
		c->scan->pages++;
		bool exec;
		unsigned from = page_region(c, chunk->pa + i * PAGE, &exec);
		/* Instruction bytes are not pointers, however they look. */
		if (exec)
			c->scan->code_pages++;
		else
			scan_page(c, chunk->words + i * WORDS_PER_PAGE, chunk->pa + i * PAGE, from);
	}
}

static struct vmmap_error *
scan_stream(struct scan_ctx *c, struct page_stream *ps, uint64_t total,
	    const struct vmmap_scan_options *o)
{
	uint64_t done = 0, next_report = 0;
	const struct page_chunk *chunk;
	struct vmmap_error *err;
	while (!(err = page_stream_next(ps, &chunk)) && chunk) {
		scan_chunk(c, chunk);
		done += chunk->pages * PAGE;
		if (o->progress && done >= next_report) {
			o->progress(o->progress_arg, done < total ? done : total, total);
			next_report = done + PROGRESS_STEP;
		}
	}
	if (!err && o->progress)
		o->progress(o->progress_arg, total, total);
	return err;
}

/* ------------------------------------------------------------------ */
/* Set-up and results */

static struct vmmap_error *
enumerate_tables(struct scan_ctx *c)
{
	struct vmmap_scan *s = c->scan;
	struct vmmap_error *err;
	if (c->map->kr->have_pt)
		err = ptenum_kernel(&c->map->kr->pt, not_direct_map, c, &c->pe);
	else
		err = vmmap_error_create(VMMAP_ERROR_NOT_FOUND,
					 "the kernel page tables are unknown (no init_top_pgt)");
	if (err && vmmap_error_code(err) == VMMAP_ERROR_NOMEM)
		return err;
	if (err) {
		snprintf(s->note, sizeof(s->note),
			 "mapped state not checked and every page counted as direct map: %s",
			 vmmap_error_message(err));
		vmmap_error_destroy(err);
		return NULL;
	}
	s->have_tables = true;
	s->pt_truncated = c->pe.truncated;
	s->pt_tables = c->pe.tables;
	s->pt_ranges = c->pe.nmapped;
	if (c->pe.truncated)
		snprintf(s->note, sizeof(s->note),
			 "page-table walk cut short after too many entries: garbage tables?");
	c->mapped_refs = calloc(c->pe.nmapped ? c->pe.nmapped : 1, sizeof(*c->mapped_refs));
	return c->mapped_refs ? NULL : &vmmap_enomem;
}

/* Indices of the nonzero counts, most first (ties: the lower index
 * first), at most top of them; out has room for top + 1. */
static size_t
top_indices(const uint64_t *refs, size_t n, size_t top, size_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!refs[i])
			continue;
		size_t j = k++;	/* insertion sort, descending */
		while (j > 0 && refs[out[j - 1]] < refs[i]) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = i;
		if (k > top)
			k = top;
	}
	return k;
}

/* The most-referenced vmalloc areas and modules. */
static struct vmmap_error *
collect_tops(struct scan_ctx *c)
{
	struct vmmap_scan *s = c->scan;
	size_t *idx = malloc((s->top + 1) * sizeof(*idx));
	s->areas = malloc((s->top + 1) * sizeof(*s->areas));
	s->area_refs = malloc((s->top + 1) * sizeof(*s->area_refs));
	s->top_modules = malloc((s->top + 1) * sizeof(*s->top_modules));
	if (!idx || !s->areas || !s->area_refs || !s->top_modules) {
		free(idx);
		return &vmmap_enomem;
	}
	s->nareas = top_indices(c->mapped_refs, c->pe.nmapped, s->top, idx);
	for (size_t i = 0; i < s->nareas; i++) {
		s->areas[i] = c->pe.mapped[idx[i]];
		s->area_refs[i] = c->mapped_refs[idx[i]];
	}
	s->ntop_modules = top_indices(s->module_refs, s->nmodules, s->top, s->top_modules);
	free(idx);
	return NULL;
}

static struct vmmap_error *
scan_setup(struct scan_ctx *c, struct vmmap_map *map, size_t top)
{
	struct vmmap_scan *s = c->scan;
	s->nregions = map->regions.n;
	s->regions = malloc(s->nregions * sizeof(*s->regions));
	if (!s->regions)
		return &vmmap_enomem;
	memcpy(s->regions, map->regions.r, s->nregions * sizeof(*s->regions));
	s->top = top ? top : 10;
	c->map = map;
	int levels = (int)map->k.pgtable_levels.value;
	c->floor = x86_64_pointer_floor(levels);
	s->levels = levels;
	s->floor = c->floor;
	c->direct_map = region_index(map, map->k.page_offset_base.value);
	c->vmalloc = region_index(map, map->k.vmalloc_base.value);
	c->vmemmap = region_index(map, map->k.vmemmap_base.value);
	c->modules = map->modules_region ? (unsigned)(map->modules_region - map->regions.r)
					 : (unsigned)s->nregions;	/* none */
	s->counts = calloc(s->nregions * s->nregions * ST_COUNT, sizeof(*s->counts));
	s->nmodules = map->modules.n;
	s->module_refs = calloc(s->nmodules ? s->nmodules : 1, sizeof(*s->module_refs));
	s->module_names = malloc((s->nmodules ? s->nmodules : 1) * sizeof(*s->module_names));
	if (!s->counts || !s->module_refs || !s->module_names)
		return &vmmap_enomem;
	if (s->nmodules)
		memcpy(s->module_names, map->modules.names, s->nmodules * sizeof(*s->module_names));
	return NULL;
}

/* The free pages of the RAM the direct map maps (up to its highest
 * mapped address), for counting pointers into them. */
static struct vmmap_error *
find_free_pages(struct scan_ctx *c)
{
	struct vmmap_scan *s = c->scan;
	const struct vmmap_region *dm = &c->map->regions.r[c->direct_map];
	uint64_t last = 0;
	for (size_t i = 0; i < c->pe.nmapped; i++)
		if (c->pe.mapped[i].start >= dm->start && c->pe.mapped[i].start <= dm->end)
			last = c->pe.mapped[i].last < dm->end ? c->pe.mapped[i].last : dm->end;
	c->page_offset = c->map->k.page_offset_base.value;
	c->direct_cls = CLS(c->direct_map, ST_MAPPED);
	if (!s->have_tables || last < c->page_offset) {
		snprintf(s->free_note, sizeof(s->free_note),
			 "pointers into free pages not counted: the direct map's extent is unknown");
		return NULL;
	}
	c->npfn = ((last - c->page_offset) >> 12) + 1;
	s->free_refs = calloc(s->nregions, sizeof(*s->free_refs));
	if (!s->free_refs)
		return &vmmap_enomem;
	const char *why = map_free_pages(c->map, c->npfn, &c->free_bits, &s->free_pages);
	if (why)
		snprintf(s->free_note, sizeof(s->free_note),
			 "pointers into free pages not counted: %s", why);
	s->free_known = !why;
	return NULL;
}

static int
object_cmp(const void *a, const void *b)
{
	const struct slab_free_object *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Every free slab object (the slab census, collecting), for counting
 * pointers into them. */
static struct vmmap_error *
find_free_objects(struct scan_ctx *c)
{
	struct vmmap_scan *s = c->scan;
	if (!c->free_bits) {
		snprintf(s->objects_note, sizeof(s->objects_note),
			 "pointers into free slab objects not counted: no page state");
		return NULL;
	}
	struct slab_census cs = { .collect = true };
	const char *why = map_slab_census(c->map, &cs);
	if (why) {
		snprintf(s->objects_note, sizeof(s->objects_note),
			 "pointers into free slab objects not counted: %s", why);
		free(cs.caches);
		free(cs.objs);
		free(cs.own);
		return NULL;
	}
	s->ncaches = cs.n;
	s->cache_names = calloc(cs.n ? cs.n : 1, sizeof(*s->cache_names));
	s->cache_refs = calloc(cs.n ? cs.n : 1, sizeof(*s->cache_refs));
	s->object_refs = calloc(s->nregions, sizeof(*s->object_refs));
	c->obj_pfns = calloc(c->npfn / 64 + 1, sizeof(*c->obj_pfns));
	if (!s->cache_names || !s->cache_refs || !s->object_refs || !c->obj_pfns) {
		free(cs.caches);
		free(cs.objs);
		free(cs.own);
		return &vmmap_enomem;
	}
	for (size_t i = 0; i < cs.n; i++)
		snprintf(s->cache_names[i], sizeof(s->cache_names[i]), "%s", cs.caches[i].name);
	free(cs.caches);
	if (cs.nobjs)	/* qsort() wants a buffer even for nothing */
		qsort(cs.objs, cs.nobjs, sizeof(*cs.objs), object_cmp);
	for (size_t i = 0; i < cs.nobjs; i++) {
		uint64_t first = (cs.objs[i].start - c->page_offset) >> 12;
		uint64_t last = (cs.objs[i].end - 1 - c->page_offset) >> 12;
		for (uint64_t pfn = first; pfn <= last && pfn < c->npfn; pfn++)
			c->obj_pfns[pfn / 64] |= 1ULL << (pfn % 64);
	}
	if (cs.nown)	/* 7.x sheaves only */
		qsort(cs.own, cs.nown, sizeof(*cs.own), object_cmp);
	c->objs = cs.objs;
	c->nobjs = cs.nobjs;
	c->own = cs.own;
	c->nown = cs.nown;
	s->free_objects = cs.nobjs;
	s->objects_known = true;
	return NULL;
}

/* What the census needs to know of targets and pages: runs while the
 * reader thread starts on the dump. */
static struct vmmap_error *
prepare_lookups(struct scan_ctx *c)
{
	struct vmmap_scan *s = c->scan;
	struct vmmap_error *err;
	if ((err = enumerate_tables(c)) || (err = build_owners(c)))
		return err;
	c->unknowable = malloc(s->nregions * sizeof(*c->unknowable));
	if (!c->unknowable)
		return &vmmap_enomem;
	for (unsigned r = 0; r < s->nregions; r++)
		c->unknowable[r] = state_unknowable(c, r);
	if ((err = build_classifier(c)) || (err = find_free_pages(c)) ||
	    (err = find_free_objects(c)))
		return err;
	return NULL;
}

struct vmmap_error *
vmmap_scan_run(struct vmmap_map *map, const struct vmmap_scan_options *opts,
	       struct vmmap_scan **ret)
{
	static const struct vmmap_scan_options defaults = { VMMAP_SCAN_OPTIONS_INIT, .top = 10 };
	if (!map || !ret)
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT, "no map");
	struct vmmap_scan_options o = defaults;
	if (opts) {
		if (!abi_size_ok(opts, opts->size, sizeof(opts->size), sizeof(o)))
			return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT,
						  "struct vmmap_scan_options of an unknown size, or with options this libvmmap does not know (use VMMAP_SCAN_OPTIONS_INIT)");
		memset(&o, 0, sizeof(o));
		memcpy(&o, opts, opts->size < sizeof(o) ? opts->size : sizeof(o));
	}
	opts = &o;
	struct scan_ctx c = { .list_dangling = opts->list_dangling };
	c.scan = calloc(1, sizeof(*c.scan));
	if (!c.scan)
		return &vmmap_enomem;
	struct page_stream *ps = NULL;
	uint64_t total = 0;
	struct vmmap_error *err;
	if (!(err = scan_setup(&c, map, opts->top)) &&
	    !(err = page_stream_start(map->kr->src, &ps, &total)) &&
	    !(err = prepare_lookups(&c)) && !(err = scan_stream(&c, ps, total, opts)))
		err = collect_tops(&c);
	page_stream_stop(ps);
	if (!err && opts->list_mapped) {
		c.scan->mapped = c.pe.mapped;	/* handed over */
		c.scan->nmapped = c.pe.nmapped;
		c.pe.mapped = NULL;
	}
	ptenum_fini(&c.pe);
	free(c.cls.nodes);
	free(c.mapped_refs);
	free(c.owners);
	free(c.active);
	free(c.unknowable);
	free(c.free_bits);
	free(c.objs);
	free(c.own);
	free(c.obj_pfns);
	if (err) {
		vmmap_scan_destroy(c.scan);
		return err;
	}
	*ret = c.scan;
	return NULL;
}

void
vmmap_scan_destroy(struct vmmap_scan *scan)
{
	if (!scan)
		return;
	free(scan->regions);
	free(scan->counts);
	free(scan->mapped);
	free(scan->areas);
	free(scan->area_refs);
	free(scan->module_names);
	free(scan->module_refs);
	free(scan->top_modules);
	free(scan->free_refs);
	free(scan->cache_names);
	free(scan->cache_refs);
	free(scan->object_refs);
	free(scan->dangling);
	free(scan);
}
