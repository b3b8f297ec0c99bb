/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The built map: immutable once vmmap_map_build() returns. It owns the
 * kernel reader (page walks and symbols for lookups), the facts, the
 * regions, the modules, and the indexes that make lookups fast.
 */
#ifndef VMMAP_MAP_H
#define VMMAP_MAP_H

#include <pthread.h>

#include "arch/x86_64/layout.h"
#include "kernel.h"
#include "modules.h"

#define FIND_SLOTS 4096

struct vmmap_map {
	struct kernel *kr;
	struct vmmap_kernel k;
	struct region_list regions;
	struct module_list modules;
	uint64_t kernel_start;	/* first address above user and non-canonical */
	/* For vmmap_map_find: slot k of the kernel half, of 2^find_shift
	 * bytes from kernel_start, starts in region find_first[k]. */
	unsigned find_shift;
	uint8_t find_first[FIND_SLOTS];
	const struct vmmap_region *text_region;	/* kernel_text, or NULL */
	const struct vmmap_region *modules_region;	/* modules, or NULL */
	bool have_end;		/* the image's _end is known: */
	uint64_t end_addr;
	/* The symbol table indexed by address: on first use (map_symbols). */
	pthread_mutex_t syms_lock;
	bool syms_indexed;	/* atomic */
	uint64_t image_start;	/* then: the lowest symbol in kernel_text, or 0 */
	unsigned max_physmem_bits;
	/* Page state, set up on first use under page_lock (its caches
	 * change on every lookup). */
	pthread_mutex_t page_lock;
	struct page_decoder *pages;
	/* Object identification, set up on first use under page_lock too:
	 * the dump's BTF and the slab walker over it, or why not. */
	bool ident_tried;
	bool module_types_tried;	/* the modules' BTF added to types */
	struct kernel_types *types;
	struct slab_reader *slabs;
	struct kfence_reader *kfence;	/* NULL: no KFENCE pool in use */
	/* __kfence_pool's value, read once without the BTF (0: none; the
	 * flag atomic): only addresses past it may be KFENCE's */
	uint64_t kfence_pool;
	bool kfence_pool_read;
	bool modsyms_ready;		/* modsyms read (or not there): atomic */
	struct module_symbols *modsyms;
	struct vmalloc_reader *vmallocs;
	struct struct_cache *structs;	/* layouts asked for (vmmap_map_struct) */
	bool tasks_tried;
	struct task_list *tasks;
	char tasks_why[160];
	/* The CPUs' own stacks, found on first use under page_lock;
	 * immutable after, so lookups take no lock. */
	bool cpu_stacks_ready;		/* atomic */
	struct cpu_stacks *cpu_stacks;	/* NULL: no BTF, see cpu_stacks_why */
	char cpu_stacks_why[160];
	char vmalloc_why[160];
	char census_why[200];
	char ident_why[160];
	char modsyms_why[160];
};

/* The first region of this kind, or NULL. */
const struct vmmap_region *map_region_of_kind(const struct vmmap_map *map,
					      enum vmmap_region_kind kind);

struct slab_census;
/* Every slab counted, and with collect set in cs every free object
 * kept; a reason when it cannot be done. */
const char *map_slab_census(struct vmmap_map *map, struct slab_census *cs);

/* page_free_bitmap() through the map's decoder (page.h). */
const char *map_free_pages(struct vmmap_map *map, uint64_t npfn, uint64_t **bits,
			   uint64_t *nfree);

#endif
