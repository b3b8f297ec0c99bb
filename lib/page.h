/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Page state: a page frame's struct page, read from vmemmap and decoded
 * with the layout VMCOREINFO gives (what makedumpfile uses to filter a
 * dump without debug info). Set up on first use, off the map's build.
 */
#ifndef VMMAP_PAGE_H
#define VMMAP_PAGE_H

#include <stdint.h>
#include <vmmap/vmmap.h>

#include "kernel.h"

struct page_decoder;

/* Never fails for want of keys: a decoder without them answers
 * VMMAP_PAGE_UNKNOWN with the reason. NULL only without memory.
 * vmemmap: the struct page array's base and whether it is exact. */
struct page_decoder *page_decoder_new(struct kernel *kr, uint64_t vmemmap, bool vmemmap_exact,
				      unsigned max_physmem_bits);
void page_decoder_destroy(struct page_decoder *d);

/* Has the dump the keys to decode struct pages at all? */
bool page_decoder_usable(const struct page_decoder *d);

/* out->size is kept; everything else is filled in. */
void page_decode(struct page_decoder *d, uint64_t pfn, struct vmmap_page *out);

/* The struct page field VMCOREINFO places at offset, or NULL. */
const char *page_field_name(const struct page_decoder *d, uint64_t offset);

/* The vmemmap address range holding struct pages: [start, end). */
void page_decoder_struct_range(const struct page_decoder *d, uint64_t *start,
			       uint64_t *end, uint64_t *size);

/* For a pass over every page: the order of the slab whose first page
 * pfn is, PAGE_NOT_SLAB if it is none (or a slab's tail), PAGE_NO_STRUCT
 * without a struct page. Lighter than page_decode(). */
enum { PAGE_NOT_SLAB = -1, PAGE_NO_STRUCT = -2 };
int page_slab_head(struct page_decoder *d, uint64_t pfn);

/* The first pfn at or after pfn, below end, whose struct page is
 * mapped (skipping unmapped stretches of vmemmap whole), or end. */
uint64_t page_next_struct_page(struct page_decoder *d, uint64_t pfn, uint64_t end);

/* A bitmap of the pfns below npfn that are in free buddy blocks (*ret,
 * malloc()ed, npfn / 64 + 1 words), and how many; or why not (*ret
 * NULL). One pass over the struct pages. */
const char *page_free_bitmap(struct page_decoder *d, uint64_t npfn, uint64_t **ret,
			     uint64_t *nfree);

#endif
