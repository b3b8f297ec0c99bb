/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Building the map, and looking addresses up in it. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "map.h"

const char *
vmmap_provenance_name(enum vmmap_provenance p)
{
	switch (p) {
	case VMMAP_FROM_VMCOREINFO: return "vmcoreinfo";
	case VMMAP_FROM_MEMORY: return "memory";
	case VMMAP_FROM_KALLSYMS: return "kallsyms";
	case VMMAP_FROM_VMLINUX: return "vmlinux";
	case VMMAP_FROM_ELF_PHDRS: return "elf-phdrs";
	case VMMAP_FROM_PAGE_TABLES: return "page-tables";
	case VMMAP_FROM_ERA_TABLE: return "era-table";
	case VMMAP_FROM_LAYOUT: return "layout";
	default: return "none";
	}
}

void
fact_set(struct vmmap_fact *f, uint64_t value, enum vmmap_provenance src,
	 bool exact)
{
	f->known = true;
	f->value = value;
	f->source = src;
	f->exact = exact;
}

void
map_note(struct vmmap_map *map, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	char **notes = realloc(map->notes, (map->num_notes + 1) * sizeof(*notes));
	if (!notes) {
		free(msg);
		return;
	}
	map->notes = notes;
	map->notes[map->num_notes++] = msg;
}

static void
note_cb(void *arg, const char *msg)
{
	map_note(arg, "%s", msg);
}

bool
map_can_walk(const struct vmmap_map *map)
{
	return map->src->ops->page_walk || map->pgwalk;
}

struct vmmap_error *
map_page_walk(struct vmmap_map *map, uint64_t vaddr, uint64_t *paddr)
{
	if (map->src->ops->page_walk || !map->pgwalk)
		return source_page_walk(map->src, vaddr, paddr);
	return pgwalk_translate(map->pgwalk, vaddr, paddr);
}

void
map_setup_page_walk(struct vmmap_map *map)
{
	uint64_t root;
	if (map->src->ops->page_walk || map->pgwalk || !probe_root_table(map, &root))
		return;
	struct vmmap_error *err = pgwalk_create(map->src, root,
						(int)map->k.pgtable_levels.value,
						map->sme_mask, &map->pgwalk);
	if (err) {
		map_note(map, "no page walks: %s", vmmap_error_message(err));
		vmmap_error_destroy(err);
	}
}

void
vmmap_map_destroy(struct vmmap_map *map)
{
	if (!map)
		return;
	pgwalk_destroy(map->pgwalk);
	vmcoreinfo_destroy(map->vi);
	symtab_fini(&map->syms);
	free(map->regions.r);
	free(map->module_names);
	free(map->module_ranges);
	for (size_t i = 0; i < map->num_notes; i++)
		free(map->notes[i]);
	free(map->notes);
	free(map);
}

static struct vmmap_error *
build_regions(struct vmmap_map *map)
{
	struct x86_64_layout_input in = {
		.k = &map->k,
		.max_physmem_bits = map->max_physmem_bits,
		.kmsan = map->kmsan,
	};
	return x86_64_build_regions(&in, &map->regions, note_cb, map);
}

static bool
is_region(const struct vmmap_region *r, const char *name)
{
	return strcmp(r->name, name) == 0;
}

/* The slot table of vmmap_map_find(), over the kernel half. */
static void
index_regions(struct vmmap_map *map)
{
	uint64_t span = -map->kernel_start;	/* 2^47 or 2^56 */
	if (map->kernel_start == 0 || map->regions.n > 255 || span < FIND_SLOTS)
		return;
	unsigned shift = 0;
	while ((span >> shift) > FIND_SLOTS)
		shift++;
	size_t r = 0;
	for (size_t k = 0; k < FIND_SLOTS; k++) {
		uint64_t at = map->kernel_start + ((uint64_t)k << shift);
		while (map->regions.r[r].end < at)
			r++;
		map->find_first[k] = (uint8_t)r;
	}
	map->find_shift = shift;
}

struct vmmap_error *
vmmap_map_build(struct vmmap_source *src, const char *symbols_path,
		struct vmmap_map **ret)
{
	if (!src)
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT, "no source");
	struct vmmap_map *map = calloc(1, sizeof(*map));
	if (!map)
		return &vmmap_enomem;
	map->src = src;
	struct vmmap_error *err;
	if ((err = facts_from_vmcoreinfo(map)) ||
	    (err = facts_load_symbols(map, symbols_path)) ||
	    (err = facts_bases(map)) ||
	    (err = facts_era(map)) ||
	    (err = build_regions(map)) ||
	    (err = modules_load(map))) {
		vmmap_map_destroy(map);
		return err;
	}
	/* Looked up once: annotation of text asks for every word. */
	for (size_t i = 0; i < map->regions.n; i++) {
		const struct vmmap_region *r = &map->regions.r[i];
		if ((is_region(r, "user") || is_region(r, "noncanonical")) && r->end + 1 > map->kernel_start)
			map->kernel_start = r->end + 1;
		if (is_region(r, "kernel_text"))
			map->text_region = r;
		if (is_region(r, "modules"))
			map->modules_region = r;
	}
	if (map->text_region) {
		/* the image itself: its lowest symbol to _end, when known */
		uint64_t start = map->text_region->start, end = map->text_region->end + 1;
		const struct symtab_entry *first = symtab_at_or_above(&map->syms, start);
		if (first && first->addr < end)
			start = map->image_start = first->addr;
		if (map->have_end && map->end_addr > start && map->end_addr < end)
			end = map->end_addr;
		symtab_index_range(&map->syms, start, end - start);
	}
	map->have_end = map_symbol(map, "_end", &map->end_addr);
	index_regions(map);
	*ret = map;
	return NULL;
}

const struct vmmap_kernel *
vmmap_map_kernel(const struct vmmap_map *map)
{
	return &map->k;
}

size_t
vmmap_map_num_regions(const struct vmmap_map *map)
{
	return map->regions.n;
}

const struct vmmap_region *
vmmap_map_region(const struct vmmap_map *map, size_t i)
{
	return i < map->regions.n ? &map->regions.r[i] : NULL;
}

size_t
vmmap_map_num_notes(const struct vmmap_map *map)
{
	return map->num_notes;
}

const char *
vmmap_map_note(const struct vmmap_map *map, size_t i)
{
	return i < map->num_notes ? map->notes[i] : NULL;
}

const struct vmmap_region *
vmmap_map_find(const struct vmmap_map *map, uint64_t addr)
{
	/* Regions are sorted, contiguous and cover 0..2^64-1. In the
	 * kernel half a slot table gives the first candidate, and a slot
	 * rarely holds more than two regions. */
	if (addr >= map->kernel_start && map->find_shift) {
		size_t i = map->find_first[(addr - map->kernel_start) >> map->find_shift];
		while (map->regions.r[i].end < addr)
			i++;
		return &map->regions.r[i];
	}
	size_t lo = 0, hi = map->regions.n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (map->regions.r[mid].start <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &map->regions.r[lo];
}

bool
vmmap_is_kernel_pointer(const struct vmmap_map *map, uint64_t value)
{
	/* user and noncanonical are the lowest regions of every era */
	return value >= map->kernel_start;
}

/* ------------------------------------------------------------------ */
/* Annotation */


/* Regions with nothing behind them: never claim a physical address. */
static bool
is_hole(const struct vmmap_region *r)
{
	return is_region(r, "user") || is_region(r, "noncanonical") ||
	       is_region(r, "guard_hole") || is_region(r, "unused");
}

static void
annotate_phys(struct vmmap_map *map, struct vmmap_annotation *a)
{
	const struct vmmap_region *r = a->region;
	if (is_hole(r))
		return;
	if (is_region(r, "direct_map") && r->exact) {
		/* __pa(): the direct map is linear by definition. Where its
		 * extent is a guess, only the page walk may answer. */
		a->phys = a->address - map->k.page_offset_base.value;
		a->phys_source = map->k.page_offset_base.source;
		a->have_phys = true;
	} else {
		uint64_t pa;
		struct vmmap_error *err = map_page_walk(map, a->address, &pa);
		if (err) {
			vmmap_error_destroy(err);
			return;
		}
		a->phys = pa;
		a->phys_source = VMMAP_FROM_PAGE_TABLES;
		a->have_phys = true;
	}
	a->pfn = a->phys / X86_64_PAGE_SIZE;
}

/* strlcpy: snprintf's format parsing showed in profiles of annotate. */
static void
copy_name(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
annotate_module(struct vmmap_map *map, struct vmmap_annotation *a)
{
	if (a->region != map->modules_region)
		return;
	const char *name = modules_find(map, a->address, &a->module_offset);
	if (!name)
		return;
	copy_name(a->module, sizeof(a->module), name);
	a->have_module = true;
}

static void
annotate_symbol(struct vmmap_map *map, struct vmmap_annotation *a)
{
	if (a->region != map->text_region)
		return;
	if ((map->have_end && a->address >= map->end_addr) || a->address < map->image_start)
		return;
	const struct symtab_entry *e = symtab_by_addr(&map->syms, a->address);
	if (!e || e->addr < X86_64_START_KERNEL_MAP)
		return;
	copy_name(a->symbol, sizeof(a->symbol), symtab_name(&map->syms, e));
	a->symbol_offset = a->address - e->addr;
	a->have_symbol = true;
}

struct vmmap_error *
vmmap_map_annotate(struct vmmap_map *map, uint64_t addr, unsigned flags,
		   struct vmmap_annotation *out)
{
	/* Field by field: clearing the name buffers whole showed in
	 * profiles of annotate; only their first byte matters. */
	out->have_phys = out->have_symbol = out->have_module = false;
	out->phys = out->pfn = out->symbol_offset = out->module_offset = 0;
	out->phys_source = VMMAP_FROM_NONE;
	out->symbol[0] = out->module[0] = '\0';
	out->address = addr;
	out->region = vmmap_map_find(map, addr);
	out->offset = addr - out->region->start;
	if (!(flags & VMMAP_ANNOTATE_NO_PHYS))
		annotate_phys(map, out);
	annotate_symbol(map, out);
	annotate_module(map, out);
	return NULL;
}

struct vmmap_error *
vmmap_parse_address(const char *text, uint64_t *ret)
{
	const char *s = text;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	size_t len = strlen(s);
	if (len == 0 || len > 16 || !parse_hex_u64(s, len, ret))
		return vmmap_error_format(VMMAP_ERROR_INVALID_ARGUMENT,
					  "'%.40s' is not an address (1 to 16 hex digits, 0x optional)",
					  text);
	return NULL;
}
