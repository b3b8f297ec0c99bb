/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Page state as text and JSON. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vmmap/vmmap.h>

const char *
vmmap_page_type_name(enum vmmap_page_type type)
{
	static const char *const names[] = {
		[VMMAP_PAGE_TYPE_UNKNOWN] = "unknown",
		[VMMAP_PAGE_TYPE_NONE] = "none",
		[VMMAP_PAGE_TYPE_BUDDY] = "buddy",
		[VMMAP_PAGE_TYPE_SLAB] = "slab",
		[VMMAP_PAGE_TYPE_PGTABLE] = "pgtable",
		[VMMAP_PAGE_TYPE_OFFLINE] = "offline",
		[VMMAP_PAGE_TYPE_HUGETLB] = "hugetlb",
		[VMMAP_PAGE_TYPE_GUARD] = "guard",
		[VMMAP_PAGE_TYPE_ZSMALLOC] = "zsmalloc",
		[VMMAP_PAGE_TYPE_UNACCEPTED] = "unaccepted",
		[VMMAP_PAGE_TYPE_LARGE_KMALLOC] = "large_kmalloc",
	};
	return (unsigned)type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

const char *
vmmap_page_flag_name(unsigned bit)
{
	static const char *const names[VMMAP_PG_NAMED] = {
		"lru", "private", "swapcache", "swapbacked", "hwpoison", "slab", "head",
	};
	return bit < VMMAP_PG_NAMED ? names[bit] : NULL;
}

static const char *
status_name(enum vmmap_page_status s)
{
	switch (s) {
	case VMMAP_PAGE_OK: return "ok";
	case VMMAP_PAGE_NO_STRUCT_PAGE: return "no-struct-page";
	case VMMAP_PAGE_NOT_IN_DUMP: return "not-in-dump";
	default: return "unknown";
	}
}

static const char *
mapping_name(enum vmmap_page_mapping m)
{
	switch (m) {
	case VMMAP_MAPPING_NONE: return "none";
	case VMMAP_MAPPING_ANON: return "anon";
	case VMMAP_MAPPING_KSM: return "ksm";
	case VMMAP_MAPPING_FILE: return "file";
	case VMMAP_MAPPING_OTHER: return "other";
	default: return NULL;
	}
}

/* Appending with snprintf's truncation. */
struct pbuf {
	char *p;
	size_t len, at;
};

static void __attribute__((format(printf, 2, 3)))
put(struct pbuf *b, const char *fmt, ...)
{
	if (b->at >= b->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->at, b->len - b->at, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->at = b->at + (size_t)n < b->len ? b->at + (size_t)n : b->len - 1;
}

static void
put_order(struct pbuf *b, int order)
{
	if (order >= 0)
		put(b, " order %d", order);
	else
		put(b, " order unknown");
}

static void
put_what(struct pbuf *b, const struct vmmap_page *p)
{
	if (p->type == VMMAP_PAGE_TYPE_BUDDY) {
		put(b, "free (buddy block pfn 0x%" PRIx64, p->block_pfn);
		put_order(b, p->order);
		put(b, ")");
		return;
	}
	put(b, "%s", p->type == VMMAP_PAGE_TYPE_NONE ? "in use" : vmmap_page_type_name(p->type));
	if (p->type == VMMAP_PAGE_TYPE_UNKNOWN)
		put(b, " type (page_type 0x%08x)", p->type_word);
	if (p->compound == VMMAP_PAGE_HEAD) {
		put(b, ", compound head");
		put_order(b, p->order);
	} else if (p->compound == VMMAP_PAGE_TAIL) {
		put(b, ", compound tail of pfn 0x%" PRIx64, p->head_pfn);
		put_order(b, p->order);
	}
}

void
vmmap_format_page(const struct vmmap_page *p, char *buf, size_t len)
{
	struct pbuf b = { buf, len, 0 };
	if (!len)
		return;
	buf[0] = '\0';
	if (p->status != VMMAP_PAGE_OK) {
		put(&b, "%s", p->note ? p->note : "page state unknown");
		return;
	}
	put(&b, "struct page 0x%" PRIx64 ": ", p->struct_page);
	put_what(&b, p);
	if (p->have_counts)
		put(&b, ", refcount %d, mapcount %d", p->refcount, p->mapcount);
	if (mapping_name(p->mapping) && p->mapping != VMMAP_MAPPING_NONE)
		put(&b, ", %s", mapping_name(p->mapping));
	put(&b, ", flags 0x%" PRIx64, p->flags);
	const char *sep = "(";
	for (unsigned i = 0; i < VMMAP_PG_NAMED; i++)
		if (p->named_flags & (1u << i)) {
			put(&b, "%s%s", sep, vmmap_page_flag_name(i));
			sep = "|";
		}
	if (*sep == '|')
		put(&b, ")");
	if (p->from_era_table)
		put(&b, " [type by kernel version]");
	if (p->note)
		put(&b, " (%s)", p->note);
}

void
vmmap_print_page_json(const struct vmmap_page *p, FILE *f)
{
	fprintf(f, "{\"pfn\":\"0x%" PRIx64 "\",\"status\":\"%s\"", p->pfn, status_name(p->status));
	if (p->note) {
		fprintf(f, ",\"note\":");
		vmmap_print_json_string(p->note, f);
	}
	if (p->status == VMMAP_PAGE_OK) {
		fprintf(f, ",\"struct_page\":\"0x%" PRIx64 "\",\"flags_raw\":\"0x%" PRIx64 "\",\"flags\":[",
			p->struct_page, p->flags);
		const char *sep = "";
		for (unsigned i = 0; i < VMMAP_PG_NAMED; i++)
			if (p->named_flags & (1u << i)) {
				fprintf(f, "%s\"%s\"", sep, vmmap_page_flag_name(i));
				sep = ",";
			}
		fprintf(f, "],\"type\":\"%s\",\"page_type\":\"0x%08x\",\"free\":%s",
			vmmap_page_type_name(p->type), p->type_word,
			p->type == VMMAP_PAGE_TYPE_BUDDY ? "true" : "false");
		if (p->type == VMMAP_PAGE_TYPE_BUDDY)
			fprintf(f, ",\"block_pfn\":\"0x%" PRIx64 "\"", p->block_pfn);
		if (p->compound != VMMAP_PAGE_SINGLE)
			fprintf(f, ",\"compound\":\"%s\",\"head_pfn\":\"0x%" PRIx64 "\"",
				p->compound == VMMAP_PAGE_HEAD ? "head" : "tail", p->head_pfn);
		if (p->order >= 0)
			fprintf(f, ",\"order\":%d", p->order);
		if (p->have_counts)
			fprintf(f, ",\"refcount\":%d,\"mapcount\":%d", p->refcount, p->mapcount);
		if (mapping_name(p->mapping))
			fprintf(f, ",\"mapping\":\"%s\"", mapping_name(p->mapping));
		fprintf(f, ",\"type_by_version\":%s", p->from_era_table ? "true" : "false");
	}
	fputc('}', f);
}
