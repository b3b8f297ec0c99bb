#include "config.h"

#include "symtab.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

void
symtab_init(struct symtab *st, enum vmmap_provenance source)
{
	memset(st, 0, sizeof(*st));
	st->source = source;
}

void
symtab_fini(struct symtab *st)
{
	free(st->entries);
	free(st->pool);
	memset(st, 0, sizeof(*st));
}

struct vmmap_error *
symtab_reserve(struct symtab *st, size_t entries, size_t pool_bytes)
{
	if (entries > st->cap) {
		struct symtab_entry *e = realloc(st->entries, entries * sizeof(*e));
		if (!e)
			return &vmmap_enomem;
		st->entries = e;
		st->cap = entries;
	}
	if (pool_bytes > st->pool_cap) {
		char *p = realloc(st->pool, pool_bytes);
		if (!p)
			return &vmmap_enomem;
		st->pool = p;
		st->pool_cap = pool_bytes;
	}
	return NULL;
}

/* Names are kept as offsets while the pool grows, then turned into
 * pointers by symtab_finish(). Growth is by half, not double: the
 * tables of a distribution kernel hold ~100,000 names. */
struct vmmap_error *
symtab_add(struct symtab *st, uint64_t addr, char type, const char *name,
	   size_t namelen)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap + st->cap / 2 : 64;
		struct symtab_entry *e = realloc(st->entries, cap * sizeof(*e));
		if (!e)
			return &vmmap_enomem;
		st->entries = e;
		st->cap = cap;
	}
	if (st->pool_len + namelen + 1 > st->pool_cap) {
		size_t cap = st->pool_cap ? st->pool_cap + st->pool_cap / 2 : 4096;
		while (cap < st->pool_len + namelen + 1)
			cap += cap / 2;
		char *p = realloc(st->pool, cap);
		if (!p)
			return &vmmap_enomem;
		st->pool = p;
		st->pool_cap = cap;
	}
	memcpy(st->pool + st->pool_len, name, namelen);
	st->pool[st->pool_len + namelen] = '\0';
	st->entries[st->n].addr = addr;
	st->entries[st->n].type = type;
	st->entries[st->n].name = (const char *)(uintptr_t)st->pool_len;
	st->pool_len += namelen + 1;
	st->n++;
	return NULL;
}

static int
compare_addr(const void *a, const void *b)
{
	const struct symtab_entry *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Stable enough: prefer the earlier-added name. */
	return x->name < y->name ? -1 : x->name > y->name;
}

static bool
is_sorted(const struct symtab *st)
{
	for (size_t i = 1; i < st->n; i++)
		if (compare_addr(&st->entries[i - 1], &st->entries[i]) > 0)
			return false;
	return true;
}

void
symtab_finish(struct symtab *st)
{
	/* kallsyms comes sorted (scripts/kallsyms.c); glibc's qsort would
	 * allocate a copy of the whole table to merge-sort it. */
	if (!is_sorted(st))
		qsort(st->entries, st->n, sizeof(*st->entries), compare_addr);
	for (size_t i = 0; i < st->n; i++)
		st->entries[i].name = st->pool + (uintptr_t)st->entries[i].name;
	st->sorted = true;
}

const struct symtab_entry *
symtab_by_name(const struct symtab *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->entries[i].name, name) == 0)
			return &st->entries[i];
	return NULL;
}

/* Symbols that name a place in the image: text, data, rodata, bss. */
static bool
is_location_type(char type)
{
	switch (type) {
	case 'T': case 't': case 'D': case 'd': case 'R': case 'r':
	case 'B': case 'b': case 'W': case 'w': case 'V': case 'v':
	case '?':
		return true;
	default:
		return false;
	}
}

const struct symtab_entry *
symtab_by_addr(const struct symtab *st, uint64_t addr)
{
	size_t lo = 0, hi = st->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->entries[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		const struct symtab_entry *e = &st->entries[--lo];
		if (is_location_type(e->type))
			return e;
	}
	return NULL;
}

void
symtab_relocate(struct symtab *st, uint64_t lo, uint64_t hi, uint64_t offset)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->entries[i].addr >= lo && st->entries[i].addr <= hi)
			st->entries[i].addr += offset;
}
