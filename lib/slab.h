/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Slab objects (SLUB): which cache a slab page belongs to, where the
 * object holding an address starts, and whether it is allocated or
 * free, with the layout of the kernel's structures from its BTF.
 */
#ifndef VMMAP_SLAB_H
#define VMMAP_SLAB_H

#include <stdbool.h>
#include <stdint.h>
#include <vmmap/vmmap.h>

#include "kernel.h"
#include "types.h"

struct slab_reader;

/* types is borrowed. NULL with the reason in why when the layout the
 * walk needs is not there (no SLUB, a kernel of unknown shape). */
struct slab_reader *slab_reader_new(struct kernel *kr, const struct kernel_types *types,
				    uint64_t page_offset_base, char *why, size_t why_len);
void slab_reader_destroy(struct slab_reader *r);

/* The object holding the direct-map address addr, in the slab whose
 * first page is head_pfn (its struct page, the struct slab, at
 * slab_addr), of 2^order pages. True if slub_debug's checks of the
 * object (or of the one whose left red zone holds addr) were made, into
 * check. */
bool slab_identify(struct slab_reader *r, uint64_t addr, uint64_t head_pfn, uint64_t slab_addr,
		   int order, struct vmmap_object *out, struct vmmap_slab_check *check);

/* The name (kept by r) and object_size of the kmem_cache at cache_addr;
 * false if it is unreadable or makes no sense. */
bool slab_cache_info(struct slab_reader *r, uint64_t cache_addr, const char **name,
		     uint64_t *object_size);

/* Every slab counted by cache: a census like /proc/slabinfo. */
/* A free object [start, end) of caches[cache]. */
struct slab_free_object {
	uint64_t start, end;
	size_t cache;
};
struct slab_census {
	struct vmmap_slab_cache *caches;
	size_t n, cap;
	uint64_t unreadable;		/* slabs whose cache could not be read */
	/* with collect set: every free object (freelists, CPUs' freelists,
	 * 7.x sheaves), unsorted; collect_failed if memory ran out */
	bool collect, collect_failed;
	struct slab_free_object *objs;
	size_t nobjs, cap_objs;
	/* the allocator's own arrays of free objects (7.x sheaves), whose
	 * pointers into free objects are no dangling ones; cache unused */
	struct slab_free_object *own;
	size_t nown, cap_own;
};
/* Count one slab (first page head_pfn, struct slab at slab_addr);
 * false only without memory. */
bool slab_census_add(struct slab_reader *r, uint64_t head_pfn, uint64_t slab_addr, int order,
		     struct slab_census *cs);
/* The node partial lists and the CPUs' freelists, once every slab is in. */
void slab_census_finish(struct slab_reader *r, struct slab_census *cs, uint64_t vmemmap,
			uint64_t page_struct_size);

#endif
