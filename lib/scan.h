/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* The result of a pointer census (scan.c), for output.c. */
#ifndef VMMAP_SCAN_H
#define VMMAP_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <vmmap/vmmap.h>

#include "arch/x86_64/ptenum.h"
#include "modules.h"

/* A pointer's target: mapped or not in init_top_pgt, or not knowable
 * there. */
enum target_state { ST_UNMAPPED, ST_MAPPED, ST_UNCHECKED, ST_COUNT };

struct vmmap_scan {
	struct vmmap_region *regions;	/* a copy of the map's */
	size_t nregions;
	size_t top;
	int levels;
	uint64_t floor;		/* smallest word that counts */
	uint64_t pages, unreadable_pages, err_ptrs;
	uint64_t code_pages;	/* executable: read, not counted */
	uint64_t *counts;	/* [from region][CLS(to region, state)] */
	/* Page-table enumeration */
	bool have_tables, pt_truncated;
	uint64_t pt_tables, pt_ranges;
	char note[200];
	/* Most-referenced vmalloc areas (mapped runs of vmalloc space) */
	struct va_range *areas;
	uint64_t *area_refs;
	size_t nareas;
	/* The kernel half's mapped ranges, if asked for */
	struct va_range *mapped;
	size_t nmapped;
	/* Pointers into free pages (buddy blocks) of the direct map, by
	 * the region they were found in; free_known false: not counted
	 * (free_note says why). */
	bool free_known;
	uint64_t free_pages;		/* pages free in the dump */
	uint64_t *free_refs;		/* [from region] */
	char free_note[160];
	/* Pointers into free slab objects (direct map), by cache and by
	 * the region they were found in; objects_known false: not counted
	 * (objects_note says why). */
	bool objects_known;
	uint64_t free_objects;		/* free objects in the dump */
	char (*cache_names)[64];	/* copies: the scan may outlive the map */
	uint64_t *cache_refs;		/* [cache] */
	size_t ncaches;
	uint64_t *object_refs;		/* [from region] */
	uint64_t objects_internal;	/* from inside free objects, or struct pages */
	/* with list_dangling: each counted pointer (at most MAX_DANGLING) */
	struct dangling { uint64_t at, value, start; size_t cache; unsigned from; } *dangling;
	size_t ndangling, cap_dangling;
	bool dangling_truncated;
	char objects_note[200];
	/* Modules by references */
	char (*module_names)[MODULE_NAME_LEN];
	uint64_t *module_refs;
	size_t nmodules;
	size_t *top_modules;	/* indices, most referenced first */
	size_t ntop_modules;
};

#endif
