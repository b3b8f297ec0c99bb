/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* The built map and the steps that build it. */
#ifndef VMMAP_MAP_H
#define VMMAP_MAP_H

#include "kimage.h"
#include "layout/x86_64.h"
#include "symtab.h"
#include "vmcoreinfo.h"
#include "vmlinux.h"

struct module_range {
	uint64_t start, end;	/* inclusive */
	size_t module;		/* index into module_names */
};

struct pgwalk;

#define FIND_SLOTS 4096

struct vmmap_map {
	struct vmmap_source *src;
	struct vmcoreinfo *vi;
	struct vmmap_kernel k;
	struct kimage ki;
	struct symtab syms;		/* empty if no symbol source */
	struct vmlinux_facts vmlinux;
	uint64_t max_physmem_bits;
	bool kmsan;
	uint64_t sme_mask;	/* AMD SME C-bit, NUMBER(sme_mask) */
	struct pgwalk *pgwalk;	/* for sources without a page_walk op */
	struct region_list regions;
	uint64_t kernel_start;	/* first address above user and non-canonical */
	/* For vmmap_map_find: slot k of the kernel half, of 2^find_shift
	 * bytes from kernel_start, starts in region find_first[k]. */
	unsigned find_shift;
	uint8_t find_first[FIND_SLOTS];
	const struct vmmap_region *text_region;	/* kernel_text, or NULL */
	const struct vmmap_region *modules_region;	/* modules, or NULL */
	uint64_t image_start;	/* the lowest symbol in kernel_text, or 0 */
	bool have_end;		/* the image's _end is known: */
	uint64_t end_addr;
	char (*module_names)[56];
	size_t num_modules;
	struct module_range *module_ranges;
	size_t num_module_ranges;
	char **notes;
	size_t num_notes;
};

void map_note(struct vmmap_map *map, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fact_set(struct vmmap_fact *f, uint64_t value, enum vmmap_provenance src,
	      bool exact);

/* facts.c: each step fills in some of map->k. */
struct vmmap_error *facts_from_vmcoreinfo(struct vmmap_map *map);
struct vmmap_error *facts_load_symbols(struct vmmap_map *map,
				       const char *symbols_path);
struct vmmap_error *facts_bases(struct vmmap_map *map);
struct vmmap_error *facts_era(struct vmmap_map *map);

/* probe.c: page-table and program-header inference. */
bool probe_direct_map_base(struct vmmap_map *map, uint64_t *base);
bool probe_mapped(struct vmmap_map *map, uint64_t vaddr);
bool probe_levels(struct vmmap_map *map, int *levels);
bool probe_root_table(struct vmmap_map *map, uint64_t *root);
bool phdrs_direct_map_base(struct vmmap_map *map, uint64_t *base);
bool phdrs_phys_base(struct vmmap_map *map, uint64_t *phys_base);

/* modules.c: names and ranges of loaded modules. */
struct vmmap_error *modules_load(struct vmmap_map *map);
const char *modules_find(const struct vmmap_map *map, uint64_t addr,
			 uint64_t *offset);
const struct module_range *modules_range_of(const struct vmmap_map *map, uint64_t addr);

/* pgwalk.c: libaddrxlat page walks over a source's physical reads. */
struct vmmap_error *pgwalk_create(struct vmmap_source *src, uint64_t root, int levels,
				  uint64_t pte_mask, struct pgwalk **ret);
struct vmmap_error *pgwalk_translate(struct pgwalk *pw, uint64_t vaddr, uint64_t *paddr);
void pgwalk_destroy(struct pgwalk *pw);

/* Translate a kernel virtual address through the page tables: the
 * source's own walk if it has one, else libaddrxlat over its reads. */
struct vmmap_error *map_page_walk(struct vmmap_map *map, uint64_t vaddr, uint64_t *paddr);
bool map_can_walk(const struct vmmap_map *map);
/* Set up map->pgwalk once levels and phys_base are known. */
void map_setup_page_walk(struct vmmap_map *map);

/* output.c: vmmap_format_tag() that also says the tag's length. */
size_t format_tag(const struct vmmap_annotation *a, char *buf, size_t len);

/* A symbol's runtime address from whichever symbol source we have. */
bool map_symbol(struct vmmap_map *map, const char *name, uint64_t *addr);

#endif
