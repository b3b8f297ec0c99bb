/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Building the map (source -> kernel reader -> facts -> layout ->
 * modules), and looking addresses up in it.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/stacks.h"
#include "error.h"
#include "facts.h"
#include "map.h"
#include "page.h"
#include "modsyms.h"
#include "kfence.h"
#include "slab.h"
#include "structs.h"
#include "tasks.h"
#include "types.h"
#include "vmalloc.h"
#include "special.h"
#include "vmcoreinfo.h"

const char *
vmmap_provenance_name(enum vmmap_provenance p)
{
	switch (p) {
	case VMMAP_FROM_VMCOREINFO: return "vmcoreinfo";
	case VMMAP_FROM_MEMORY: return "memory";
	case VMMAP_FROM_KALLSYMS: return "kallsyms";
	case VMMAP_FROM_KALLSYMS_SCAN: return "kallsyms-scan";
	case VMMAP_FROM_VMLINUX: return "vmlinux";
	case VMMAP_FROM_ELF_PHDRS: return "elf-phdrs";
	case VMMAP_FROM_PAGE_TABLES: return "page-tables";
	case VMMAP_FROM_ERA_TABLE: return "era-table";
	case VMMAP_FROM_LAYOUT: return "layout";
	default: return "none";
	}
}

static void
note_cb(void *arg, const char *msg)
{
	kernel_note(arg, "%s", msg);
}

void
vmmap_map_destroy(struct vmmap_map *map)
{
	if (!map)
		return;
	kfence_reader_destroy(map->kfence);
	slab_reader_destroy(map->slabs);
	modsyms_destroy(map->modsyms);
	vmalloc_reader_destroy(map->vmallocs);
	tasks_destroy(map->tasks);
	cpu_stacks_destroy(map->cpu_stacks);
	structs_destroy(map->structs);
	types_destroy(map->types);
	page_decoder_destroy(map->pages);
	pthread_mutex_destroy(&map->page_lock);
	pthread_mutex_destroy(&map->syms_lock);
	kernel_destroy(map->kr);
	free(map->regions.r);
	modules_fini(&map->modules);
	free(map);
}

const struct vmmap_region *
map_region_of_kind(const struct vmmap_map *map, enum vmmap_region_kind kind)
{
	for (size_t i = 0; i < map->regions.n; i++)
		if (map->regions.r[i].kind == kind)
			return &map->regions.r[i];
	return NULL;
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

/* The regions of this kernel's era, from its facts. */
static struct vmmap_error *
build_regions(struct vmmap_map *map, const struct kernel_facts *facts)
{
	struct x86_64_layout_input in = {
		.k = &map->k,
		.max_physmem_bits = facts->max_physmem_bits,
		.kmsan = facts->kmsan,
	};
	return x86_64_build_regions(&in, &map->regions, note_cb, map->kr);
}

static struct vmmap_error *
load_modules(struct vmmap_map *map)
{
	const struct vmmap_region *r = map_region_of_kind(map, VMMAP_REGION_MODULES);
	if (!r)
		return NULL;
	return modules_load(map->kr, r->start, r->end + 1, &map->modules);
}

/* Looked up once: annotation of text asks for every word. */
static void
index_lookups(struct vmmap_map *map)
{
	for (size_t i = 0; i < map->regions.n; i++) {
		const struct vmmap_region *r = &map->regions.r[i];
		if ((r->kind == VMMAP_REGION_USER || r->kind == VMMAP_REGION_NONCANONICAL) &&
		    r->end + 1 > map->kernel_start)
			map->kernel_start = r->end + 1;
	}
	map->text_region = map_region_of_kind(map, VMMAP_REGION_KERNEL_TEXT);
	map->modules_region = map_region_of_kind(map, VMMAP_REGION_MODULES);
	map->have_end = kernel_symbol(map->kr, "_end", &map->end_addr);
	index_regions(map);
}

/* The symbol table, built and indexed by address on first use (a map
 * alone needs only the few symbols its facts read). */
static const struct symtab *
map_symbols(struct vmmap_map *map)
{
	if (__atomic_load_n(&map->syms_indexed, __ATOMIC_ACQUIRE))
		return &map->kr->syms;
	pthread_mutex_lock(&map->syms_lock);
	if (!map->syms_indexed) {
		struct symtab *syms = (struct symtab *)kernel_symbols(map->kr);
		if (map->text_region) {
			/* the image itself: its lowest symbol to _end, when known */
			uint64_t start = map->text_region->start, end = map->text_region->end + 1;
			const struct symtab_entry *first = symtab_at_or_above(syms, start);
			if (first && first->addr < end)
				start = map->image_start = first->addr;
			if (map->have_end && map->end_addr > start && map->end_addr < end)
				end = map->end_addr;
			symtab_index_range(syms, start, end - start);
		}
		__atomic_store_n(&map->syms_indexed, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&map->syms_lock);
	return &map->kr->syms;
}

struct vmmap_error *
vmmap_map_build(struct vmmap_source *src, const char *symbols_path,
		struct vmmap_map **ret)
{
	if (!src || !ret)
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT, "no source");
	struct vmmap_map *map = calloc(1, sizeof(*map));
	if (!map)
		return &vmmap_enomem;
	pthread_mutex_init(&map->page_lock, NULL);
	pthread_mutex_init(&map->syms_lock, NULL);
	struct kernel_facts facts;
	struct vmmap_error *err;
	if ((err = kernel_open(src, symbols_path, &map->kr)) ||
	    (err = facts_gather(map->kr, &facts))) {
		vmmap_map_destroy(map);
		return err;
	}
	map->k = facts.k;
	map->max_physmem_bits = facts.max_physmem_bits;
	/* load_modules, index_lookups, kfence_candidate */
	static const char *const wanted[] = { "modules", "_end", "__kfence_pool" };
	kernel_prefetch_symbols(map->kr, wanted, sizeof(wanted) / sizeof(wanted[0]));
	if ((err = build_regions(map, &facts)) || (err = load_modules(map))) {
		vmmap_map_destroy(map);
		return err;
	}
	index_lookups(map);
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
	return map->kr->notes.n;
}

const char *
vmmap_map_note(const struct vmmap_map *map, size_t i)
{
	return i < map->kr->notes.n ? map->kr->notes.v[i] : NULL;
}

const char *
vmmap_map_vmcoreinfo(const struct vmmap_map *map, size_t *len)
{
	if (len)
		*len = map->kr->vmcoreinfo_len;
	return map->kr->vmcoreinfo_text;
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


static void
annotate_phys(struct vmmap_map *map, struct vmmap_annotation *a)
{
	const struct vmmap_region *r = a->region;
	/* Nothing behind a hole: never claim a physical address there; the
	 * LDT remap and EFI live in other page tables than init_top_pgt. */
	if (vmmap_region_kind_is_hole(r->kind) || r->kind == VMMAP_REGION_LDT_REMAP ||
	    r->kind == VMMAP_REGION_EFI)
		return;
	bool linear = r->kind == VMMAP_REGION_DIRECT_MAP && r->exact;
	uint64_t pa = 0;
	if (kernel_can_translate(map->kr)) {
		struct x86_64_mapping m;
		bool have_mapping;
		struct vmmap_error *err = kernel_translate_mapped(map->kr, a->address, &pa, &m, &have_mapping);
		a->mapped = !err;
		vmmap_error_destroy(err);
		/* unmapped only if some entry on the way says so; a walk
		 * that failed on a page table the dump lacks (a truncated or
		 * pruned dump) cannot tell */
		if (err && map->kr->have_pt && !kernel_unmapped_span(map->kr, a->address))
			a->mapped = -1;
		if (err)
			return;	/* e.g. the direct map past the end of RAM */
		if (have_mapping) {
			a->page_size = m.page_size;
			a->access = (m.rw ? VMMAP_ACCESS_RW : 0) | (m.nx ? VMMAP_ACCESS_NX : 0) |
				    (m.global ? VMMAP_ACCESS_GLOBAL : 0);
		}
	} else if (!linear) {
		return;	/* no page tables to ask */
	}
	if (linear) {
		/* __pa(): the direct map is linear by definition. */
		a->phys = a->address - map->k.page_offset_base.value;
		a->phys_source = map->k.page_offset_base.source;
	} else {
		a->phys = pa;
		a->phys_source = VMMAP_FROM_PAGE_TABLES;
	}
	a->have_phys = true;
	a->pfn = a->phys / X86_64_PAGE_SIZE;
	a->in_dump = source_holds(map->kr->src, a->phys);
}

/* Under page_lock: the dump's types, read on first use. */
static const struct kernel_types *
kernel_types(struct vmmap_map *map)
{
	if (!map->ident_tried) {
		map->ident_tried = true;
		map->types = types_from_btf(map->kr, map->ident_why, sizeof(map->ident_why));
		if (!map->types && map->kr->symbols_path) {
			/* no BTF: the DWARF of the vmlinux given, if it has some */
			char why[160];
			map->types = types_from_dwarf(map->kr->symbols_path, why, sizeof(why));
			if (!map->types)
				snprintf(map->ident_why + strlen(map->ident_why),
					 sizeof(map->ident_why) - strlen(map->ident_why), "; %s", why);
		}
		if (map->types)
			map->slabs = slab_reader_new(map->kr, map->types, map->k.page_offset_base.value,
						     map->ident_why, sizeof(map->ident_why));
		if (map->types)
			map->kfence = kfence_reader_new(map->kr, map->types, map->slabs,
							map->k.page_offset_base.value);
		if (map->types)
			map->vmallocs = vmalloc_reader_new(map->kr, map->types, map->vmalloc_why,
							   sizeof(map->vmalloc_why));
	}
	return map->types;
}

static void
annotate_module(struct vmmap_map *map, struct vmmap_annotation *a)
{
	if (a->region != map->modules_region)
		return;
	const struct module_range *r = modules_range_of(&map->modules, a->address);
	if (!r)
		return;
	a->module = map->modules.names[r->module];
	a->module_offset = a->address - r->start;
	/* read once, when a module address is first asked; immutable after,
	 * so later lookups (annotate's threads) take no lock */
	if (!__atomic_load_n(&map->modsyms_ready, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&map->page_lock);
		if (!map->modsyms_ready) {
			if (kernel_types(map))
				map->modsyms = modsyms_load(map->kr, map->types, &map->modules,
							    map->modsyms_why, sizeof(map->modsyms_why));
			__atomic_store_n(&map->modsyms_ready, true, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&map->page_lock);
	}
	if (map->modsyms)
		a->module_symbol = modsyms_find(map->modsyms, r->module, a->address,
						&a->module_symbol_offset);
}

static void
annotate_symbol(struct vmmap_map *map, struct vmmap_annotation *a)
{
	if (a->region != map->text_region)
		return;
	const struct symtab *syms = map_symbols(map);
	if ((map->have_end && a->address >= map->end_addr) || a->address < map->image_start)
		return;
	const struct symtab_entry *e = symtab_by_addr(syms, a->address);
	if (!e || !x86_64_in_kernel_image(e->addr))
		return;
	a->symbol = symtab_name(syms, e);
	a->symbol_offset = a->address - e->addr;
}

/* Under page_lock: the decoder, made on first use. */
static struct page_decoder *
page_decoder(struct vmmap_map *map)
{
	if (!map->pages)
		map->pages = page_decoder_new(map->kr, map->k.vmemmap_base.value,
					      map->k.vmemmap_base.exact, map->max_physmem_bits);
	return map->pages;
}

struct vmmap_error *
vmmap_map_page(struct vmmap_map *map, uint64_t pfn, struct vmmap_page *out)
{
	if (!map || !out || out->size < offsetof(struct vmmap_page, pfn) + sizeof(out->pfn))
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT,
					  "struct vmmap_page without its size (use VMMAP_PAGE_INIT)");
	struct vmmap_page full = { .size = sizeof(full) };
	pthread_mutex_lock(&map->page_lock);
	struct page_decoder *d = page_decoder(map);
	if (d)
		page_decode(d, pfn, &full);
	pthread_mutex_unlock(&map->page_lock);
	if (!d)
		return &vmmap_enomem;
	size_t size = out->size < sizeof(full) ? out->size : sizeof(full);
	memcpy(out, &full, size);
	out->size = size;
	return NULL;
}

const char *
map_free_pages(struct vmmap_map *map, uint64_t npfn, uint64_t **bits, uint64_t *nfree)
{
	pthread_mutex_lock(&map->page_lock);
	struct page_decoder *d = page_decoder(map);
	const char *why = d ? page_free_bitmap(d, npfn, bits, nfree) : "out of memory";
	pthread_mutex_unlock(&map->page_lock);
	return why;
}

/* The page an address is in, or whose struct page it is in. */
static void
annotate_page(struct vmmap_map *map, struct vmmap_annotation *a)
{
	uint64_t pfn, start = 0, end = 0, size = 0;
	a->page.size = sizeof(a->page);
	pthread_mutex_lock(&map->page_lock);
	struct page_decoder *d = page_decoder(map);
	bool usable = d && page_decoder_usable(d);
	if (usable)
		page_decoder_struct_range(d, &start, &end, &size);
	pthread_mutex_unlock(&map->page_lock);
	if (!usable)
		return;	/* no page keys: vmmap_map_page() says which */
	if (a->region->kind == VMMAP_REGION_VMEMMAP) {
		if (a->address < start || a->address >= end)
			return;
		pfn = (a->address - start) / size;
		a->in_struct_page = true;
		a->struct_page_offset = (a->address - start) % size;
		pthread_mutex_lock(&map->page_lock);
		a->struct_page_field = page_field_name(d, a->struct_page_offset);
		pthread_mutex_unlock(&map->page_lock);
	} else if (a->have_phys) {
		pfn = a->pfn;
	} else if (a->region->kind == VMMAP_REGION_DIRECT_MAP && !a->special) {
		pfn = a->offset >> 12;	/* linear: no walk needed (NO_PHYS) */
	} else {
		return;
	}
	struct vmmap_error *err = vmmap_map_page(map, pfn, &a->page);
	a->have_page = !err;
	vmmap_error_destroy(err);
}

/* Under page_lock: the slab walker, made on first use. */
static struct slab_reader *
slab_reader(struct vmmap_map *map)
{
	kernel_types(map);
	return map->slabs;
}

static int
census_cmp(const void *a, const void *b)
{
	const struct vmmap_slab_cache *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

/* Under page_lock: every slab's first page, counted. */
static struct vmmap_error *
census_pages(struct vmmap_map *map, struct slab_reader *r, struct slab_census *cs)
{
	uint64_t max_pfn, start, end, size;
	if (!kernel_read_variable(map->kr, "max_pfn", &max_pfn) || max_pfn > (1ULL << 40))
		return vmmap_error_create(VMMAP_ERROR_NOT_FOUND, "the kernel's max_pfn is unknown");
	page_decoder_struct_range(map->pages, &start, &end, &size);
	/* KFENCE's object pages are slab pages SLUB's counts leave out
	 * (/proc/slabinfo does not count them either) */
	uint64_t kfence_first = 0, kfence_end = 0;
	if (map->kfence)
		kfence_pool_pfns(map->kfence, map->k.page_offset_base.value, &kfence_first, &kfence_end);
	for (uint64_t pfn = 0; pfn < max_pfn; pfn++) {
		if (pfn >= kfence_first && pfn < kfence_end)
			continue;
		int order = page_slab_head(map->pages, pfn);
		if (order == PAGE_NO_STRUCT)	/* skip the hole whole */
			pfn = page_next_struct_page(map->pages, pfn, max_pfn) - 1;
		if (order < 0)
			continue;
		if (!slab_census_add(r, pfn, start + pfn * size, order, cs))
			return &vmmap_enomem;
		pfn += (1ULL << order) - 1;	/* its tail pages */
	}
	slab_census_finish(r, cs, start, size);
	return NULL;
}

/* Under page_lock. */
static struct vmmap_error *
slab_census_locked(struct vmmap_map *map, struct slab_census *cs)
{
	struct page_decoder *d = page_decoder(map);
	struct slab_reader *r = d && page_decoder_usable(d) ? slab_reader(map) : NULL;
	if (!d)
		return &vmmap_enomem;
	if (!page_decoder_usable(d))
		return vmmap_error_create(VMMAP_ERROR_NOT_FOUND, "the dump's VMCOREINFO has no page keys");
	if (!r)
		return vmmap_error_format(VMMAP_ERROR_NOT_FOUND, "no slab walk: %s", map->ident_why);
	return census_pages(map, r, cs);
}

const char *
map_slab_census(struct vmmap_map *map, struct slab_census *cs)
{
	pthread_mutex_lock(&map->page_lock);
	struct vmmap_error *err = slab_census_locked(map, cs);
	pthread_mutex_unlock(&map->page_lock);
	if (!err)
		return cs->collect_failed ? "out of memory for the free objects" : NULL;
	/* the reason outlives the error: kept in the map */
	snprintf(map->census_why, sizeof(map->census_why), "%s", vmmap_error_message(err));
	vmmap_error_destroy(err);
	return map->census_why;
}

struct vmmap_error *
vmmap_map_slab_caches(struct vmmap_map *map, struct vmmap_slab_cache **caches, size_t *n)
{
	if (!map || !caches || !n)
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT, "no map");
	*caches = NULL;
	*n = 0;
	struct slab_census cs = { 0 };
	pthread_mutex_lock(&map->page_lock);
	struct vmmap_error *err = slab_census_locked(map, &cs);
	pthread_mutex_unlock(&map->page_lock);
	if (err) {
		free(cs.caches);
		return err;
	}
	if (cs.n)
		qsort(cs.caches, cs.n, sizeof(*cs.caches), census_cmp);
	*caches = cs.caches;
	*n = cs.n;
	return NULL;
}

/* Under page_lock: every task, listed on first use. THREAD_SIZE is
 * 16 KiB on x86_64 since 3.15, doubled under KASAN
 * (arch/x86/include/asm/page_64_types.h). */
static struct task_list *
task_list(struct vmmap_map *map)
{
	if (!map->tasks_tried) {
		map->tasks_tried = true;
		if (!kernel_types(map))
			snprintf(map->tasks_why, sizeof(map->tasks_why), "%s", map->ident_why);
		else
			map->tasks = tasks_load(map->kr, map->types,
						16384ULL << (map->k.kasan.value ? 1 : 0),
						map->tasks_why, sizeof(map->tasks_why));
	}
	return map->tasks;
}

struct vmmap_error *
vmmap_map_tasks(struct vmmap_map *map, const struct vmmap_task **tasks, size_t *n)
{
	if (!map || !tasks || !n)
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT, "no map");
	pthread_mutex_lock(&map->page_lock);
	struct task_list *tl = task_list(map);
	pthread_mutex_unlock(&map->page_lock);
	if (!tl)
		return vmmap_error_format(VMMAP_ERROR_NOT_FOUND, "no task list: %s", map->tasks_why);
	*tasks = tasks_get(tl, 0);
	*n = tasks_count(tl);
	return NULL;
}

struct vmmap_error *
vmmap_map_struct(struct vmmap_map *map, const char *name, const struct vmmap_struct **ret)
{
	if (!map || !name || !ret)
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT, "no map, name or result");
	char why[256] = "";
	const struct vmmap_struct *s = NULL;
	bool nomem = false;
	pthread_mutex_lock(&map->page_lock);
	if (!kernel_types(map))
		snprintf(why, sizeof(why), "no kernel types: %s%s", map->ident_why,
			 map->kr->symbols_path ? "" : " (give a vmlinux with DWARF)");
	else if (!map->structs && !(map->structs = structs_new()))
		nomem = true;
	else {
		if (!map->module_types_tried) {
			/* the loaded modules' own types too, for a layout
			 * only: the walkers need the kernel's alone */
			map->module_types_tried = true;
			types_add_module_btf(map->types, map->kr);
		}
		s = structs_get(map->structs, map->types, name, why, sizeof(why));
	}
	pthread_mutex_unlock(&map->page_lock);
	if (nomem)
		return &vmmap_enomem;
	if (!s)
		return vmmap_error_create(VMMAP_ERROR_NOT_FOUND, why);
	*ret = s;
	return NULL;
}

struct vmmap_error *
vmmap_map_read(struct vmmap_map *map, uint64_t vaddr, void *buf, size_t len)
{
	if (!map || (!buf && len))
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT, "no map or buffer");
	if (len && len - 1 > UINT64_MAX - vaddr)
		return vmmap_error_format(VMMAP_ERROR_INVALID_ARGUMENT,
					  "0x%llx + %zu bytes is past the end of the address space",
					  (unsigned long long)vaddr, len);
	uint8_t *out = buf;
	while (len) {
		/* a page at a time: a user or non-canonical address would
		 * alias a kernel one in the walk of init_top_pgt */
		size_t n = X86_64_PAGE_SIZE - (vaddr & (X86_64_PAGE_SIZE - 1));
		if (n > len)
			n = len;
		if (!vmmap_is_kernel_pointer(map, vaddr))
			return vmmap_error_fault(vaddr, "0x%llx is not a kernel address (%s)",
						 (unsigned long long)vaddr,
						 vmmap_map_find(map, vaddr)->name);
		uint64_t pa;
		struct vmmap_error *err = kernel_translate(map->kr, vaddr, &pa);
		if (err) {
			vmmap_error_destroy(err);
			return vmmap_error_fault(vaddr, "0x%llx is not mapped in the kernel page tables",
						 (unsigned long long)vaddr);
		}
		err = source_read_phys(map->kr->src, pa, out, n);
		if (err) {
			enum vmmap_error_code code = vmmap_error_code(err);
			if (code == VMMAP_ERROR_NOMEM || code == VMMAP_ERROR_OS)
				return vmmap_error_prefix(err, "reading 0x%llx", (unsigned long long)vaddr);
			struct vmmap_error *fault = vmmap_error_fault(
				vaddr, "0x%llx (phys 0x%llx) is not in the dump: %s",
				(unsigned long long)vaddr, (unsigned long long)pa, vmmap_error_message(err));
			vmmap_error_destroy(err);
			return fault;
		}
		vaddr += n;
		out += n;
		len -= n;
	}
	return NULL;
}

/* The task whose stack or task_struct an address is in. */
static void
annotate_task(struct vmmap_map *map, struct vmmap_annotation *a)
{
	if (a->region->kind != VMMAP_REGION_DIRECT_MAP && a->region->kind != VMMAP_REGION_VMALLOC)
		return;
	pthread_mutex_lock(&map->page_lock);
	struct task_list *tl = task_list(map);
	a->have_task = tl && tasks_find(tl, a->address, &a->task);
	pthread_mutex_unlock(&map->page_lock);
}

/* Where an IRQ stack may lie: vmalloc space (CONFIG_VMAP_STACK) or
 * the per-CPU areas in the direct map. */
static bool
irq_stack_ok(void *arg, uint64_t addr)
{
	enum vmmap_region_kind kind = vmmap_map_find(arg, addr)->kind;
	return kind == VMMAP_REGION_VMALLOC || kind == VMMAP_REGION_DIRECT_MAP;
}

/* Every CPU's own stacks, found on first use; NULL without BTF. */
static const struct cpu_stacks *
cpu_stacks(struct vmmap_map *map)
{
	if (__atomic_load_n(&map->cpu_stacks_ready, __ATOMIC_ACQUIRE))
		return map->cpu_stacks;
	pthread_mutex_lock(&map->page_lock);
	if (!map->cpu_stacks_ready) {
		if (!kernel_types(map)) {
			snprintf(map->cpu_stacks_why, sizeof(map->cpu_stacks_why), "%s", map->ident_why);
		} else {
			struct cpu_stacks_input in = {
				.kr = map->kr, .types = map->types, .kasan = map->k.kasan.value,
				.cpu_entry_area = map->k.cpu_entry_area.value &&
						  map_region_of_kind(map, VMMAP_REGION_CPU_ENTRY_AREA),
				.irq_stack_ok = irq_stack_ok, .arg = map,
			};
			map->cpu_stacks = cpu_stacks_load(&in);
			if (!map->cpu_stacks)
				snprintf(map->cpu_stacks_why, sizeof(map->cpu_stacks_why), "out of memory");
		}
		__atomic_store_n(&map->cpu_stacks_ready, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&map->page_lock);
	return map->cpu_stacks;
}

struct vmmap_error *
vmmap_map_cpu_stacks(struct vmmap_map *map, const struct vmmap_cpu_stack **stacks, size_t *n,
		     const char **note)
{
	if (!map || !stacks || !n)
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT, "no map");
	const struct cpu_stacks *cs = cpu_stacks(map);
	if (!cs)
		return vmmap_error_format(VMMAP_ERROR_NOT_FOUND, "no CPU stacks: %s", map->cpu_stacks_why);
	*stacks = cpu_stacks_get(cs, n);
	if (note)
		*note = cpu_stacks_note(cs);
	return NULL;
}

/* The CPU stack an address is in: vmalloc (IRQ stacks), the direct
 * map (IRQ stacks without CONFIG_VMAP_STACK), cpu_entry_area. A table
 * lookup, done under every flag: annotated text names them too. */
static void
annotate_cpu_stack(struct vmmap_map *map, struct vmmap_annotation *a)
{
	enum vmmap_region_kind kind = a->region->kind;
	if (a->special || (kind != VMMAP_REGION_VMALLOC && kind != VMMAP_REGION_DIRECT_MAP &&
			   kind != VMMAP_REGION_CPU_ENTRY_AREA))
		return;
	const struct cpu_stacks *cs = cpu_stacks(map);
	a->have_cpu_stack = cs && cpu_stacks_find(cs, a->address, &a->cpu_stack);
	if (a->have_cpu_stack)
		a->cpu_stack_offset = a->address - a->cpu_stack.start;
}

/* The vmalloc area an address in vmalloc or module space is in, and
 * the symbol of its caller. */
static void
annotate_vmalloc(struct vmmap_map *map, struct vmmap_annotation *a)
{
	if (a->region->kind != VMMAP_REGION_VMALLOC && a->region != map->modules_region)
		return;
	pthread_mutex_lock(&map->page_lock);
	kernel_types(map);
	a->have_vmalloc = map->vmallocs && vmalloc_find(map->vmallocs, a->address, &a->vmalloc);
	pthread_mutex_unlock(&map->page_lock);
	if (!a->have_vmalloc || !a->vmalloc.have_vm)
		return;
	const struct symtab *syms = map_symbols(map);
	const struct symtab_entry *e = symtab_by_addr(syms, a->vmalloc.caller);
	if (e && x86_64_in_kernel_image(e->addr) && (!map->have_end || a->vmalloc.caller < map->end_addr)) {
		a->vmalloc.caller_symbol = symtab_name(&map->kr->syms, e);
		a->vmalloc.caller_offset = a->vmalloc.caller - e->addr;
	}
}

/* Could the direct-map address addr be in the KFENCE pool? Asked of
 * every address in a page: answered without the BTF kfence.c's reader
 * needs, from __kfence_pool read once. */
static bool
kfence_candidate(struct vmmap_map *map, uint64_t addr)
{
	if (!__atomic_load_n(&map->kfence_pool_read, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&map->page_lock);
		if (!map->kfence_pool_read) {
			map->kfence_pool = kfence_pool_start(map->kr);
			__atomic_store_n(&map->kfence_pool_read, true, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&map->page_lock);
	}
	return kfence_pool_may_hold(map->kfence_pool, addr);
}

/* The slab object an address in a slab page is in, or KFENCE's. */
static void
annotate_object(struct vmmap_map *map, struct vmmap_annotation *a)
{
	const struct vmmap_page *p = &a->page;
	if (!a->have_page || a->in_struct_page || p->status != VMMAP_PAGE_OK)
		return;
	bool compound = p->compound != VMMAP_PAGE_SINGLE;
	uint64_t head = p->compound == VMMAP_PAGE_TAIL ? p->head_pfn : p->pfn;
	uint64_t in_direct_map = map->k.page_offset_base.value + p->pfn * X86_64_PAGE_SIZE +
				 (a->address & (X86_64_PAGE_SIZE - 1));
	bool kfence = kfence_candidate(map, in_direct_map);
	if (p->type != VMMAP_PAGE_TYPE_SLAB && !kfence)
		return;
	pthread_mutex_lock(&map->page_lock);
	struct slab_reader *r = slab_reader(map);
	if (kfence && map->kfence && kfence_identify(map->kfence, in_direct_map, &a->object)) {
		/* asked first: its guard pages are no slab pages, and SLUB's
		 * layout does not hold in its object pages */
		a->kfence = a->have_object = true;
		pthread_mutex_unlock(&map->page_lock);
		return;
	}
	if (p->type != VMMAP_PAGE_TYPE_SLAB) {
		pthread_mutex_unlock(&map->page_lock);
		return;
	}
	if (r) {
		uint64_t start, end, size;
		page_decoder_struct_range(map->pages, &start, &end, &size);
		a->have_slab_check = slab_identify(r, in_direct_map, head, start + head * size,
						   compound ? p->order : 0, &a->object, &a->slab_check);
	} else {
		a->object = (struct vmmap_object){ .kind = VMMAP_OBJECT_SLAB, .note = map->ident_why };
	}
	pthread_mutex_unlock(&map->page_lock);
	a->have_object = true;
}

static void
annotate(struct vmmap_map *map, uint64_t addr, unsigned flags, struct vmmap_annotation *a)
{
	/* Zero what every annotation has; the page, object, vmalloc area
	 * and task are filled in only with their have_* flag (clearing
	 * ~400 bytes per word was a third of annotate's time). */
	memset(a, 0, offsetof(struct vmmap_annotation, page));
	a->size = sizeof(*a);
	a->address = addr;
	a->mapped = -1;
	a->in_dump = -1;
	a->have_object = a->have_vmalloc = a->have_task = a->have_cpu_stack = false;
	a->have_slab_check = a->kfence = false;
	a->module_symbol = NULL;
	a->module_symbol_offset = 0;
	a->region = vmmap_map_find(map, addr);
	a->special = special_value(addr, &a->err_ptr);
	if (a->err_ptr)
		a->err_name = special_errno_name(a->err_ptr);
	a->offset = addr - a->region->start;
	if (!(flags & VMMAP_ANNOTATE_NO_PHYS))
		annotate_phys(map, a);
	annotate_symbol(map, a);
	annotate_module(map, a);
	annotate_cpu_stack(map, a);
	if (!(flags & VMMAP_ANNOTATE_NO_PAGE))
		annotate_page(map, a);
	if (!(flags & (VMMAP_ANNOTATE_NO_PAGE | VMMAP_ANNOTATE_NO_PHYS))) {
		annotate_object(map, a);
		annotate_vmalloc(map, a);
		annotate_task(map, a);
	}
}

struct vmmap_error *
vmmap_map_annotate(struct vmmap_map *map, uint64_t addr, unsigned flags,
		   struct vmmap_annotation *out)
{
	size_t size = out->size;
	if (size < sizeof(*out)) {
		/* A caller built against an older, shorter structure: fill
		 * in what it knows of. */
		if (size < offsetof(struct vmmap_annotation, address) + sizeof(out->address))
			return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT,
						  "struct vmmap_annotation without its size (use VMMAP_ANNOTATION_INIT)");
		struct vmmap_annotation full;
		annotate(map, addr, flags, &full);
		memcpy(out, &full, size);
		out->size = size;
		return NULL;
	}
	annotate(map, addr, flags, out);
	out->size = size;
	return NULL;
}

/* A symbol name as kallsyms has them: letters, digits, '_', '.', and
 * the '$' of some compilers' local labels. */
static size_t
symbol_length(const char *s)
{
	size_t n = 0;
	while (s[n] && (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.' || s[n] == '$'))
		n++;
	return n;
}

struct vmmap_error *
vmmap_map_parse_expression(const struct vmmap_map *map, const char *text, uint64_t *ret)
{
	struct vmmap_error *err = vmmap_parse_address(text, ret);
	if (!err)
		return NULL;
	vmmap_error_destroy(err);
	size_t n = symbol_length(text);
	uint64_t off = 0;
	const char *rest = text + n;
	bool ok = n > 0 && n < 512 && !isdigit((unsigned char)text[0]);
	if (ok && (*rest == '+' || *rest == '-')) {
		const char *num = rest + 1;
		if (num[0] == '0' && (num[1] == 'x' || num[1] == 'X'))
			num += 2;
		size_t len = strlen(num);
		ok = len > 0 && len <= 16 && parse_hex_u64(num, len, &off);
		if (*rest == '-')
			off = -off;
	} else if (ok) {
		ok = *rest == '\0';
	}
	if (!ok)
		return vmmap_error_format(VMMAP_ERROR_INVALID_ARGUMENT,
					  "'%.40s' is not an address (1 to 16 hex digits, 0x optional) nor a symbol[+offset]",
					  text);
	char name[512];
	memcpy(name, text, n);
	name[n] = '\0';
	uint64_t addr;
	if (!kernel_symbol(map->kr, name, &addr))
		return vmmap_error_format(VMMAP_ERROR_NOT_FOUND,
					  "'%.40s' is not an address, and the dump's kernel has no symbol '%.40s'%s",
					  text, name,
					  kernel_has_symbols(map->kr) ? "" : " (no symbols: give --vmlinux)");
	*ret = addr + off;
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
