/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Decoding a struct page. Where each fact lives, by era (read in
 * include/linux/page-flags.h and mm_types.h of 5.10, 6.1, 6.12, 7.2):
 *
 * - The page type shares its word with _mapcount. Until 6.9 (and 6.10,
 *   6.11 with more types) a type is a *cleared* bit in a word that is
 *   otherwise all ones above bit 7: PageBuddy is
 *   (page_type & (0xf0000000 | PG_buddy)) == 0xf0000000. From 6.12 the
 *   type is the top byte, an enumeration from 0xf0 (PGTY_buddy).
 *   VMCOREINFO gives PAGE_BUDDY/OFFLINE(/SLAB/HUGETLB/UNACCEPTED)
 *   _MAPCOUNT_VALUE in either encoding; the page-table type is in no
 *   key and comes from the sources (see era_table_type()).
 * - Slab pages: PG_slab (NUMBER(PG_slab)) until 6.9, a page type after.
 * - Compound pages: PG_head on the head; the word at
 *   OFFSET(page.compound_head) of a tail is the head's address + 1. In
 *   7.x the word is OFFSET(page.compound_info): bit 0 still marks a
 *   tail, the rest is either the head's address or, with
 *   CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP and a power-of-two struct page,
 *   a mask that turns a tail's address into its head's.
 * - The order of a compound page is in its first tail page: the byte
 *   at OFFSET(page.compound_order) until 6.5; from 6.6 the low byte of
 *   that page's flags (folio->_flags_1 & 0xff, include/linux/mm.h).
 * - A free buddy block carries the type on its first page only, with
 *   its order in page->private (mm/page_alloc.c, set_buddy_order()).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "page.h"
#include "source.h"
#include "vmcoreinfo.h"

#define PAGE_SHIFT 12
#define MAX_STRUCT_PAGE 256
/* The largest buddy order any era has had (MAX_ORDER 11 before 6.4,
 * MAX_PAGE_ORDER 10 after) and the largest compound order looked at. */
#define MAX_BUDDY_ORDER 10
#define MAX_COMPOUND_ORDER 18

enum type_encoding {
	ENC_NONE,		/* unknown: types are not decoded */
	ENC_CLEARED_BIT,	/* until 6.11 */
	ENC_TOP_BYTE,		/* from 6.12 */
};

/* The keys, checked to fit in a struct page. */
struct page_layout {
	unsigned size;
	unsigned off_flags, off_private, off_mapping, off_mapcount, off_refcount;
	unsigned off_compound;		/* compound_head or compound_info */
	bool compound_info;		/* the 7.x word */
	bool have_order_byte;		/* OFFSET(page.compound_order) */
	unsigned off_order;
	bool have_dtor;			/* OFFSET(page.compound_dtor), HUGETLB_PAGE_DTOR */
	unsigned off_dtor;
	uint8_t hugetlb_dtor;
	int pg_bit[VMMAP_PG_NAMED];	/* bit of each VMMAP_PG_*, or -1 */
	enum type_encoding enc;
	/* Fields VMCOREINFO places, by offset, for naming vmemmap addresses */
	struct { unsigned off, size; const char *name; } fields[8];
	unsigned nfields;
	/* Per enum vmmap_page_type: its value in the page-type word
	 * (cleared-bit: the bit; top byte: the byte), 0 if unknown. */
	uint32_t type_value[VMMAP_PAGE_TYPE_LARGE_KMALLOC + 1];
	bool type_from_era[VMMAP_PAGE_TYPE_LARGE_KMALLOC + 1];
};

#define XLAT_SLOTS 256
/* Copies of vmemmap pages: 2048 of them (8 MiB, allocated as used) hold
 * the struct pages of 8 GiB of RAM, every page of a small guest. */
#define DATA_SLOTS 2048

struct page_decoder {
	struct kernel *kr;		/* borrowed */
	uint64_t vmemmap;
	bool vmemmap_exact;
	uint64_t max_pfn;		/* first pfn past MAX_PHYSMEM_BITS */
	bool usable;
	char why[160];			/* when not usable */
	struct page_layout l;
	/* vmemmap page -> physical page (or unmapped), direct-mapped */
	struct { uint64_t vpage; uint64_t ppage; bool valid, mapped; } xlat[XLAT_SLOTS];
	/* copies of vmemmap pages read, direct-mapped */
	struct vmemmap_copy { uint64_t vpage; bool ok; uint8_t data[4096]; } *data[DATA_SLOTS];
};

static bool
layout_unsigned(struct page_decoder *d, const char *key, unsigned *ret, unsigned width)
{
	uint64_t v;
	struct vmmap_error *err = vmcoreinfo_unsigned(d->kr->vi, key, &v);
	bool found = !err;
	vmmap_error_destroy(err);
	if (!found)
		return false;
	if (v > MAX_STRUCT_PAGE || (width && v + width > d->l.size)) {
		snprintf(d->why, sizeof(d->why), "VMCOREINFO %s=%llu does not fit in a struct page of %u bytes",
			 key, (unsigned long long)v, d->l.size);
		d->usable = false;
		return false;
	}
	*ret = (unsigned)v;
	return true;
}

static bool
layout_number(struct page_decoder *d, const char *name, int64_t *ret)
{
	struct vmmap_error *err = vmcoreinfo_number(d->kr->vi, name, ret);
	bool found = !err;
	vmmap_error_destroy(err);
	return found;
}

static bool
require(struct page_decoder *d, bool found, const char *key)
{
	if (!found && d->usable) {
		snprintf(d->why, sizeof(d->why), "VMCOREINFO has no %s: page state unknown", key);
		d->usable = false;
	}
	return found;
}

/* NUMBER(PG_x) and NUMBER(PG_head_mask). */
static void
layout_flag_bits(struct page_decoder *d)
{
	static const char *const names[VMMAP_PG_NAMED] = {
		"PG_lru", "PG_private", "PG_swapcache", "PG_swapbacked", "PG_hwpoison", "PG_slab", NULL,
	};
	for (unsigned i = 0; i < VMMAP_PG_NAMED; i++) {
		int64_t v;
		d->l.pg_bit[i] = -1;
		if (names[i] && layout_number(d, names[i], &v) && v >= 0 && v < 64)
			d->l.pg_bit[i] = (int)v;
	}
	int64_t mask;
	if (require(d, layout_number(d, "PG_head_mask", &mask), "NUMBER(PG_head_mask)")) {
		if (mask <= 0 || (mask & (mask - 1))) {
			snprintf(d->why, sizeof(d->why), "VMCOREINFO PG_head_mask=%lld is not one bit",
				 (long long)mask);
			d->usable = false;
			return;
		}
		d->l.pg_bit[6] = __builtin_ctzll((uint64_t)mask);
	}
}

/* The page-table type is in no VMCOREINFO key: the value of each era
 * (include/linux/page-flags.h: PG_table 0x400 until 5.10, after
 * PG_kmemcg 0x200, which 5.11 dropped; 0x200 from 5.11 to 6.9; 6.10
 * and 6.11 renumbered the types and are left unknown; 4.18 brought
 * page types). */
static uint32_t
era_table_bit(uint64_t version)
{
	if (version < KV(4, 18, 0) || version >= KV(6, 10, 0))
		return 0;	/* no page types before 4.18; unknown if no version */
	return version < KV(5, 11, 0) ? 0x400 : 0x200;
}

/* What the page-type values say of their encoding, and the types known. */
static void
layout_types(struct page_decoder *d)
{
	static const struct { enum vmmap_page_type type; const char *key; } keys[] = {
		{ VMMAP_PAGE_TYPE_BUDDY, "PAGE_BUDDY_MAPCOUNT_VALUE" },
		{ VMMAP_PAGE_TYPE_OFFLINE, "PAGE_OFFLINE_MAPCOUNT_VALUE" },
		{ VMMAP_PAGE_TYPE_SLAB, "PAGE_SLAB_MAPCOUNT_VALUE" },
		{ VMMAP_PAGE_TYPE_HUGETLB, "PAGE_HUGETLB_MAPCOUNT_VALUE" },
		{ VMMAP_PAGE_TYPE_UNACCEPTED, "PAGE_UNACCEPTED_MAPCOUNT_VALUE" },
	};
	struct page_layout *l = &d->l;
	int64_t buddy;
	if (!layout_number(d, "PAGE_BUDDY_MAPCOUNT_VALUE", &buddy) || buddy >= 0 ||
	    buddy < INT32_MIN) {
		l->enc = ENC_NONE;	/* types unknown; flags and compound still decode */
		return;
	}
	uint32_t b = (uint32_t)buddy;
	if ((b & 0x00ffffff) == 0 && (b >> 24) == 0xf0) {
		l->enc = ENC_TOP_BYTE;
	} else if ((b & 0xf0000000) == 0xf0000000 && __builtin_popcount(~b) == 1) {
		l->enc = ENC_CLEARED_BIT;
	} else {
		l->enc = ENC_NONE;
		return;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int64_t v;
		if (!layout_number(d, keys[i].key, &v) || v >= 0 || v < INT32_MIN)
			continue;
		uint32_t u = (uint32_t)v;
		l->type_value[keys[i].type] = l->enc == ENC_TOP_BYTE ? u >> 24 : ~u;
	}
	if (l->enc == ENC_TOP_BYTE) {
		/* enum pagetype, from 6.12 (7.2 appended large_kmalloc) */
		static const struct { enum vmmap_page_type type; uint8_t value; } pgty[] = {
			{ VMMAP_PAGE_TYPE_PGTABLE, 0xf2 }, { VMMAP_PAGE_TYPE_GUARD, 0xf3 },
			{ VMMAP_PAGE_TYPE_ZSMALLOC, 0xf6 }, { VMMAP_PAGE_TYPE_LARGE_KMALLOC, 0xf8 },
		};
		/* only where the keys show the enumeration of those sources */
		if (l->type_value[VMMAP_PAGE_TYPE_OFFLINE] != 0xf1)
			return;
		for (size_t i = 0; i < sizeof(pgty) / sizeof(pgty[0]); i++) {
			l->type_value[pgty[i].type] = pgty[i].value;
			l->type_from_era[pgty[i].type] = true;
		}
	} else if (!l->type_value[VMMAP_PAGE_TYPE_SLAB] && l->type_value[VMMAP_PAGE_TYPE_BUDDY] == 0x80) {
		/* PG_buddy 0x80 and no slab type: the types of 4.18-6.9 */
		l->type_value[VMMAP_PAGE_TYPE_PGTABLE] = era_table_bit(kernel_version(d->kr));
		l->type_from_era[VMMAP_PAGE_TYPE_PGTABLE] = true;
	}
}

static void
layout_compound(struct page_decoder *d)
{
	struct page_layout *l = &d->l;
	if (layout_unsigned(d, "OFFSET(page.compound_head)", &l->off_compound, 8)) {
		l->compound_info = false;
	} else if (layout_unsigned(d, "OFFSET(page.compound_info)", &l->off_compound, 8)) {
		l->compound_info = true;
	} else {
		require(d, false, "OFFSET(page.compound_head)");
		return;
	}
	l->have_order_byte = layout_unsigned(d, "OFFSET(page.compound_order)", &l->off_order, 1);
	int64_t dtor;
	l->have_dtor = layout_unsigned(d, "OFFSET(page.compound_dtor)", &l->off_dtor, 1) &&
		       layout_number(d, "HUGETLB_PAGE_DTOR", &dtor) && dtor >= 0 && dtor < 256;
	if (l->have_dtor)
		l->hugetlb_dtor = (uint8_t)dtor;
}

static void
add_field(struct page_decoder *d, const char *key, unsigned size, const char *name)
{
	unsigned off;
	if (d->l.nfields < 8 && layout_unsigned(d, key, &off, size))
		d->l.fields[d->l.nfields++] = (typeof(d->l.fields[0])){ off, size, name };
}

static void
layout_read(struct page_decoder *d)
{
	struct page_layout *l = &d->l;
	uint64_t size;
	struct vmmap_error *err = vmcoreinfo_unsigned(d->kr->vi, "SIZE(page)", &size);
	bool found = !err;
	vmmap_error_destroy(err);
	if (!require(d, found, "SIZE(page)"))
		return;
	if (size < 32 || size > MAX_STRUCT_PAGE || size % 8) {
		snprintf(d->why, sizeof(d->why), "VMCOREINFO SIZE(page)=%llu is no struct page size",
			 (unsigned long long)size);
		d->usable = false;
		return;
	}
	l->size = (unsigned)size;
	require(d, layout_unsigned(d, "OFFSET(page.flags)", &l->off_flags, 8), "OFFSET(page.flags)");
	require(d, layout_unsigned(d, "OFFSET(page.private)", &l->off_private, 8), "OFFSET(page.private)");
	require(d, layout_unsigned(d, "OFFSET(page.mapping)", &l->off_mapping, 8), "OFFSET(page.mapping)");
	require(d, layout_unsigned(d, "OFFSET(page._mapcount)", &l->off_mapcount, 4), "OFFSET(page._mapcount)");
	require(d, layout_unsigned(d, "OFFSET(page._refcount)", &l->off_refcount, 4), "OFFSET(page._refcount)");
	layout_compound(d);
	layout_flag_bits(d);
	layout_types(d);
	add_field(d, "OFFSET(page.flags)", 8, "flags");
	add_field(d, "OFFSET(page.compound_head)", 8, "compound_head");
	add_field(d, "OFFSET(page.compound_info)", 8, "compound_info");
	add_field(d, "OFFSET(page.lru)", 16, "lru");
	add_field(d, "OFFSET(page.mapping)", 8, "mapping");
	add_field(d, "OFFSET(page.private)", 8, "private");
	add_field(d, "OFFSET(page._mapcount)", 4, "_mapcount");
	add_field(d, "OFFSET(page._refcount)", 4, "_refcount");
}

const char *
page_field_name(const struct page_decoder *d, uint64_t offset)
{
	for (unsigned i = 0; i < d->l.nfields; i++)
		if (offset >= d->l.fields[i].off && offset < d->l.fields[i].off + d->l.fields[i].size)
			return d->l.fields[i].name;	/* the first: compound_head before lru */
	return NULL;
}

struct page_decoder *
page_decoder_new(struct kernel *kr, uint64_t vmemmap, bool vmemmap_exact, unsigned max_physmem_bits)
{
	struct page_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->kr = kr;
	d->vmemmap = vmemmap;
	d->vmemmap_exact = vmemmap_exact;
	d->max_pfn = max_physmem_bits >= 12 && max_physmem_bits < 64 ?
			     1ULL << (max_physmem_bits - PAGE_SHIFT) : 1ULL << 40;
	d->usable = true;
	if (!kr->vi)
		require(d, false, "VMCOREINFO");
	else
		layout_read(d);
	return d;
}

void
page_decoder_destroy(struct page_decoder *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < DATA_SLOTS; i++)
		free(d->data[i]);
	free(d);
}

bool
page_decoder_usable(const struct page_decoder *d)
{
	return d->usable;
}

void
page_decoder_struct_range(const struct page_decoder *d, uint64_t *start, uint64_t *end,
			  uint64_t *size)
{
	*start = d->vmemmap;
	*size = d->usable ? d->l.size : 0;
	*end = d->vmemmap + (d->usable ? d->max_pfn * d->l.size : 0);
}

/* ------------------------------------------------------------------ */
/* Reading struct pages */

enum read_result { READ_OK, READ_UNMAPPED, READ_MISSING };

static enum read_result
translate(struct page_decoder *d, uint64_t vpage, uint64_t *ppage)
{
	unsigned slot = (unsigned)(vpage >> PAGE_SHIFT) % XLAT_SLOTS;
	if (!d->xlat[slot].valid || d->xlat[slot].vpage != vpage) {
		uint64_t pa = 0;
		struct vmmap_error *err = kernel_translate(d->kr, vpage, &pa);
		d->xlat[slot].vpage = vpage;
		d->xlat[slot].valid = true;
		d->xlat[slot].mapped = !err;
		d->xlat[slot].ppage = pa & ~(uint64_t)4095;
		vmmap_error_destroy(err);
	}
	*ppage = d->xlat[slot].ppage;
	return d->xlat[slot].mapped ? READ_OK : READ_UNMAPPED;
}

/* The vmemmap page at vpage, read whole and kept. */
static enum read_result
vmemmap_page(struct page_decoder *d, uint64_t vpage, const uint8_t **data)
{
	unsigned slot = (unsigned)(vpage >> PAGE_SHIFT) % DATA_SLOTS;
	struct vmemmap_copy *c = d->data[slot];
	if (c && c->vpage == vpage) {
		*data = c->data;
		return c->ok ? READ_OK : READ_MISSING;
	}
	uint64_t ppage;
	enum read_result r = translate(d, vpage, &ppage);
	if (r != READ_OK)
		return r;
	if (!c && !(c = d->data[slot] = malloc(sizeof(*c))))
		return READ_MISSING;	/* no memory: as if unreadable */
	struct vmmap_error *err = source_read_phys(d->kr->src, ppage, c->data, 4096);
	c->vpage = vpage;
	c->ok = !err;
	vmmap_error_destroy(err);
	*data = c->data;
	return err ? READ_MISSING : READ_OK;
}

/* A copy of pfn's struct page in buf (l.size bytes). */
static enum read_result
read_struct_page(struct page_decoder *d, uint64_t pfn, uint8_t *buf)
{
	if (pfn >= d->max_pfn)
		return READ_UNMAPPED;
	uint64_t addr = d->vmemmap + pfn * d->l.size;
	size_t done = 0;
	while (done < d->l.size) {
		uint64_t a = addr + done;
		size_t in_page = 4096 - (a & 4095), n = d->l.size - done;
		if (n > in_page)
			n = in_page;
		const uint8_t *data;
		enum read_result r = vmemmap_page(d, a & ~(uint64_t)4095, &data);
		if (r != READ_OK)
			return r;
		memcpy(buf + done, data + (a & 4095), n);
		done += n;
	}
	return READ_OK;
}

static uint64_t
field64(const uint8_t *sp, unsigned off)
{
	uint64_t v;
	memcpy(&v, sp + off, 8);
	return v;
}

static uint32_t
field32(const uint8_t *sp, unsigned off)
{
	uint32_t v;
	memcpy(&v, sp + off, 4);
	return v;
}

/* ------------------------------------------------------------------ */
/* Decoding */

static bool
flag_set(const struct page_decoder *d, uint64_t flags, unsigned which)
{
	int bit = d->l.pg_bit[which];
	return bit >= 0 && (flags >> bit) & 1;
}

/* The type a page-type word says, for the types this era knows. */
static enum vmmap_page_type
type_of_word(const struct page_decoder *d, uint32_t word)
{
	const struct page_layout *l = &d->l;
	if (l->enc == ENC_TOP_BYTE) {
		if (word >> 24 < 0xf0 || word >> 24 == 0xff)
			return VMMAP_PAGE_TYPE_NONE;	/* a mapcount, not a type */
		for (int t = VMMAP_PAGE_TYPE_BUDDY; t <= VMMAP_PAGE_TYPE_LARGE_KMALLOC; t++)
			if (l->type_value[t] && l->type_value[t] == word >> 24)
				return (enum vmmap_page_type)t;
		return VMMAP_PAGE_TYPE_UNKNOWN;
	}
	/* cleared bit: a type iff below PAGE_MAPCOUNT_RESERVE (-128) */
	if ((int32_t)word >= -128 || (word & 0xf0000000) != 0xf0000000)
		return VMMAP_PAGE_TYPE_NONE;
	for (int t = VMMAP_PAGE_TYPE_BUDDY; t <= VMMAP_PAGE_TYPE_LARGE_KMALLOC; t++)
		if (l->type_value[t] && !(word & l->type_value[t]))
			return (enum vmmap_page_type)t;
	return VMMAP_PAGE_TYPE_UNKNOWN;
}

/* The head's pfn from a tail's compound word, or false if it makes no
 * sense (points outside vmemmap, or after the tail). */
static bool
head_of_tail(const struct page_decoder *d, uint64_t pfn, uint64_t info, uint64_t *head)
{
	uint64_t addr = d->vmemmap + pfn * d->l.size, h;
	uint64_t mask = info & ~1ULL;
	if (d->l.compound_info && mask && !((-mask) & (-mask - 1)))
		h = addr & mask;	/* a mask: -mask is a power of two */
	else
		h = info - 1;
	if (h < d->vmemmap || h > addr || (h - d->vmemmap) % d->l.size)
		return false;
	*head = (h - d->vmemmap) / d->l.size;
	return pfn - *head < (1ULL << MAX_COMPOUND_ORDER);
}

/* Order of the compound page whose head is at head (read from its
 * first tail), or -1. */
static int
compound_order(struct page_decoder *d, uint64_t head, uint8_t *first_tail, bool *hugetlb)
{
	*hugetlb = false;
	if (read_struct_page(d, head + 1, first_tail) != READ_OK)
		return -1;
	unsigned order = d->l.have_order_byte ? first_tail[d->l.off_order]
					      : (unsigned)(field64(first_tail, d->l.off_flags) & 0xff);
	if (d->l.have_dtor && first_tail[d->l.off_dtor] == d->l.hugetlb_dtor)
		*hugetlb = true;
	return order >= 1 && order <= MAX_COMPOUND_ORDER ? (int)order : -1;
}

/* Type of a head or single page from its own struct page. */
static enum vmmap_page_type
own_type(const struct page_decoder *d, const uint8_t *sp, bool *from_era)
{
	if (d->l.enc == ENC_NONE)
		return VMMAP_PAGE_TYPE_UNKNOWN;
	uint64_t flags = field64(sp, d->l.off_flags);
	if (flag_set(d, flags, 5))	/* PG_slab, until 6.9 */
		return VMMAP_PAGE_TYPE_SLAB;
	enum vmmap_page_type t = type_of_word(d, field32(sp, d->l.off_mapcount));
	*from_era = t != VMMAP_PAGE_TYPE_NONE && d->l.type_from_era[t];
	if (t == VMMAP_PAGE_TYPE_NONE && d->l.enc == ENC_CLEARED_BIT &&
	    !d->l.type_value[VMMAP_PAGE_TYPE_PGTABLE])
		*from_era = true;	/* a page table would look like this too */
	return t;
}

/* Inside a free block that starts below pfn? Each aligned start below
 * it, order by order (at most MAX_BUDDY_ORDER reads). */
static bool
in_free_block(struct page_decoder *d, uint64_t pfn, uint64_t *start, int *order)
{
	uint8_t sp[MAX_STRUCT_PAGE];
	for (int o = 1; o <= MAX_BUDDY_ORDER; o++) {
		uint64_t s = pfn & ~((1ULL << o) - 1);
		if (s == pfn)
			continue;
		if (read_struct_page(d, s, sp) != READ_OK)
			return false;
		if (type_of_word(d, field32(sp, d->l.off_mapcount)) != VMMAP_PAGE_TYPE_BUDDY)
			continue;
		uint64_t block_order = field64(sp, d->l.off_private);
		if (block_order <= MAX_BUDDY_ORDER && pfn - s < (1ULL << block_order)) {
			*start = s;
			*order = (int)block_order;
			return true;
		}
		return false;	/* the first free block below: it ends before pfn */
	}
	return false;
}

static void
decode_mapping(const struct page_decoder *d, const uint8_t *sp, struct vmmap_page *out)
{
	uint64_t m = field64(sp, d->l.off_mapping);
	/* PAGE_MAPPING_ANON 1, KSM 3 (include/linux/page-flags.h) */
	if (!m)
		out->mapping = VMMAP_MAPPING_NONE;
	else if ((m & 3) == 1)
		out->mapping = VMMAP_MAPPING_ANON;
	else if ((m & 3) == 3)
		out->mapping = VMMAP_MAPPING_KSM;
	else if ((m & 3) == 0)
		out->mapping = VMMAP_MAPPING_FILE;
	else
		out->mapping = VMMAP_MAPPING_OTHER;
}

static void
decode_counts(const struct page_decoder *d, const uint8_t *sp, struct vmmap_page *out)
{
	out->have_counts = true;
	out->refcount = (int32_t)field32(sp, d->l.off_refcount);
	int32_t mc = (int32_t)field32(sp, d->l.off_mapcount);
	out->mapcount = out->type == VMMAP_PAGE_TYPE_NONE && mc >= -1 ? mc + 1 : 0;
}

/* The compound part: head or tail, head pfn, order, and a tail's type
 * (its head's). */
static void
decode_compound(struct page_decoder *d, const uint8_t *sp, struct vmmap_page *out)
{
	uint64_t info = field64(sp, d->l.off_compound);
	uint8_t head_sp[MAX_STRUCT_PAGE], first_tail[MAX_STRUCT_PAGE];
	bool hugetlb;
	if (info & 1) {
		uint64_t head;
		if (!head_of_tail(d, out->pfn, info, &head) ||
		    read_struct_page(d, head, head_sp) != READ_OK ||
		    !flag_set(d, field64(head_sp, d->l.off_flags), 6)) {
			out->note = "a tail page whose head cannot be read or is no head";
			out->type = VMMAP_PAGE_TYPE_UNKNOWN;
			return;
		}
		out->compound = VMMAP_PAGE_TAIL;
		out->head_pfn = head;
		out->order = compound_order(d, head, first_tail, &hugetlb);
		out->type = own_type(d, head_sp, &out->from_era_table);
		if (out->order >= 0 && out->pfn - head >= (1ULL << out->order)) {
			out->note = "a tail page past its head's order";
			out->type = VMMAP_PAGE_TYPE_UNKNOWN;
		}
	} else if (flag_set(d, out->flags, 6)) {
		out->compound = VMMAP_PAGE_HEAD;
		out->head_pfn = out->pfn;
		out->order = compound_order(d, out->pfn, first_tail, &hugetlb);
	} else {
		return;
	}
	if (hugetlb && out->type == VMMAP_PAGE_TYPE_NONE)
		out->type = VMMAP_PAGE_TYPE_HUGETLB;
}

void
page_decode(struct page_decoder *d, uint64_t pfn, struct vmmap_page *out)
{
	size_t size = out->size;
	*out = (struct vmmap_page){ .size = size, .pfn = pfn, .order = -1 };
	if (!d->usable) {
		out->note = d->why;
		return;
	}
	out->struct_page = d->vmemmap + pfn * d->l.size;
	uint8_t sp[MAX_STRUCT_PAGE];
	switch (read_struct_page(d, pfn, sp)) {
	case READ_UNMAPPED:
		out->status = VMMAP_PAGE_NO_STRUCT_PAGE;
		out->note = d->vmemmap_exact ? "no struct page (vmemmap not mapped there)"
					     : "no struct page at the guessed vmemmap base";
		return;
	case READ_MISSING:
		out->status = VMMAP_PAGE_NOT_IN_DUMP;
		out->note = "its struct page is not in the dump";
		return;
	case READ_OK:
		break;
	}
	out->status = VMMAP_PAGE_OK;
	if (!d->vmemmap_exact)
		out->note = "vmemmap base guessed: the struct page may be another's";
	out->flags = field64(sp, d->l.off_flags);
	for (unsigned i = 0; i < VMMAP_PG_NAMED; i++) {
		if (d->l.pg_bit[i] >= 0)
			out->known_flags |= 1u << i;
		if (flag_set(d, out->flags, i))
			out->named_flags |= 1u << i;
	}
	out->type_word = field32(sp, d->l.off_mapcount);
	out->type = own_type(d, sp, &out->from_era_table);
	decode_compound(d, sp, out);
	if (out->type == VMMAP_PAGE_TYPE_BUDDY) {
		uint64_t order = field64(sp, d->l.off_private);
		out->block_pfn = pfn;
		out->order = order <= MAX_BUDDY_ORDER ? (int)order : -1;
		if (out->order < 0)
			out->note = "a free block of impossible order";
	} else if (out->type == VMMAP_PAGE_TYPE_NONE && out->compound == VMMAP_PAGE_SINGLE &&
		   field32(sp, d->l.off_refcount) == 0 &&	/* free pages have none */
		   in_free_block(d, pfn, &out->block_pfn, &out->order)) {
		out->type = VMMAP_PAGE_TYPE_BUDDY;
	}
	decode_counts(d, sp, out);
	if (out->type == VMMAP_PAGE_TYPE_NONE && out->compound != VMMAP_PAGE_TAIL)
		decode_mapping(d, sp, out);
}

/* ------------------------------------------------------------------ */
/* Every free page at once */

/* The first pfn after pfn whose struct page may be mapped: past the
 * whole unmapped stretch of vmemmap pfn's struct page is in (sparse
 * memory, or garbage tables), at least to the next vmemmap page. */
static uint64_t
past_unmapped(struct page_decoder *d, uint64_t pfn)
{
	uint64_t addr = d->vmemmap + pfn * d->l.size;
	uint64_t span = kernel_unmapped_span(d->kr, addr);
	if (span < 4096)
		span = 4096;
	uint64_t next = (addr | (span - 1)) + 1;
	if (next <= addr)	/* the top of the address space */
		return UINT64_MAX;
	uint64_t next_pfn = (next - d->vmemmap + d->l.size - 1) / d->l.size;
	return next_pfn > pfn ? next_pfn : pfn + 1;
}

int
page_slab_head(struct page_decoder *d, uint64_t pfn)
{
	uint8_t sp[MAX_STRUCT_PAGE], tail[MAX_STRUCT_PAGE];
	if (!d->usable || d->l.enc == ENC_NONE)
		return PAGE_NOT_SLAB;
	enum read_result r = read_struct_page(d, pfn, sp);
	if (r == READ_UNMAPPED)
		return PAGE_NO_STRUCT;
	bool from_era;
	if (r != READ_OK || (field64(sp, d->l.off_compound) & 1) ||
	    own_type(d, sp, &from_era) != VMMAP_PAGE_TYPE_SLAB)
		return PAGE_NOT_SLAB;
	if (!flag_set(d, field64(sp, d->l.off_flags), 6))
		return 0;
	bool hugetlb;
	int order = compound_order(d, pfn, tail, &hugetlb);
	return order >= 0 ? order : PAGE_NOT_SLAB;
}

uint64_t
page_next_struct_page(struct page_decoder *d, uint64_t pfn, uint64_t end)
{
	uint8_t sp[MAX_STRUCT_PAGE];
	while (pfn < end && d->usable && read_struct_page(d, pfn, sp) == READ_UNMAPPED)
		pfn = past_unmapped(d, pfn);
	return pfn < end ? pfn : end;
}

const char *
page_free_bitmap(struct page_decoder *d, uint64_t npfn, uint64_t **ret, uint64_t *nfree)
{
	*ret = NULL;
	*nfree = 0;
	if (!d->usable)
		return d->why;
	if (d->l.enc == ENC_NONE)
		return "the dump's page-type encoding is unknown";
	if (npfn > d->max_pfn)
		npfn = d->max_pfn;
	uint64_t *bits = calloc(npfn / 64 + 1, sizeof(*bits));
	if (!bits)
		return "out of memory for the free-page bitmap";
	uint8_t sp[MAX_STRUCT_PAGE];
	/* One pass in pfn order: a free block's first page gives its
	 * order, and the pass skips the rest of the block. */
	for (uint64_t pfn = 0; pfn < npfn;) {
		enum read_result r = read_struct_page(d, pfn, sp);
		if (r == READ_UNMAPPED) {
			pfn = past_unmapped(d, pfn);
			continue;
		}
		if (r != READ_OK ||
		    type_of_word(d, field32(sp, d->l.off_mapcount)) != VMMAP_PAGE_TYPE_BUDDY) {
			pfn++;
			continue;
		}
		uint64_t order = field64(sp, d->l.off_private);
		uint64_t n = order <= MAX_BUDDY_ORDER ? 1ULL << order : 1;
		for (uint64_t i = pfn; i < pfn + n && i < npfn; i++)
			bits[i / 64] |= 1ULL << (i % 64);
		*nfree += n;
		pfn += n;
	}
	*ret = bits;
	return NULL;
}
