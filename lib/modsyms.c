/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Module symbols from each module's kallsyms: mod->kallsyms points at a
 * struct mod_kallsyms { Elf_Sym *symtab; unsigned int num_symtab; char
 * *strtab; ... } (since 4.5; after the module's init ran, its core
 * symbols only: what /proc/kallsyms lists). Offsets come from the BTF.
 */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "modsyms.h"

#define MAX_SYMBOLS_PER_MODULE (1u << 20)
#define MAX_NAME 128

struct modsym {
	uint64_t addr;
	size_t module;
	uint32_t name;		/* offset into the pool */
};

struct module_symbols {
	struct modsym *v;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
};

struct kallsyms_layout {
	uint64_t kallsyms, symtab, num_symtab, strtab;
};

static bool
add_name(struct module_symbols *ms, const char *name, size_t len, uint32_t *at)
{
	if (ms->pool_len + len + 1 > ms->pool_cap) {
		size_t cap = ms->pool_cap ? ms->pool_cap * 2 : 65536;
		while (cap < ms->pool_len + len + 1)
			cap *= 2;
		char *p = realloc(ms->pool, cap);
		if (!p || cap > UINT32_MAX)
			return false;
		ms->pool = p;
		ms->pool_cap = cap;
	}
	*at = (uint32_t)ms->pool_len;
	memcpy(ms->pool + ms->pool_len, name, len);
	ms->pool[ms->pool_len + len] = '\0';
	ms->pool_len += len + 1;
	return true;
}

static bool
add_symbol(struct module_symbols *ms, uint64_t addr, size_t module, const char *name, size_t len)
{
	if (ms->n == ms->cap) {
		size_t cap = ms->cap ? ms->cap * 2 : 1024;
		struct modsym *v = realloc(ms->v, cap * sizeof(*v));
		if (!v)
			return false;
		ms->v = v;
		ms->cap = cap;
	}
	struct modsym *s = &ms->v[ms->n];
	if (!add_name(ms, name, len, &s->name))
		return false;
	s->addr = addr;
	s->module = module;
	ms->n++;
	return true;
}

/* A symbol's name (buf: MAX_NAME + 1 bytes): printable, no space, at
 * most MAX_NAME - 1 bytes; 0 if none. */
static size_t
read_name(struct kernel *kr, uint64_t addr, char *buf)
{
	size_t len;
	if (!kernel_read_string(kr, addr, buf, MAX_NAME + 1, &len))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] <= 0x20 || buf[i] >= 0x7f)
			return 0;
	return len;
}

/* One module's defined symbols inside its own memory. */
static bool
load_module(struct kernel *kr, const struct kallsyms_layout *l, const struct module_list *ml,
	    size_t module, struct module_symbols *ms)
{
	uint64_t ks, symtab, strtab;
	uint32_t num;
	struct vmmap_error *err;
	if ((err = kernel_read(kr, ml->structs[module] + l->kallsyms, &ks, 8)) || !ks ||
	    (err = kernel_read(kr, ks + l->symtab, &symtab, 8)) ||
	    (err = kernel_read(kr, ks + l->num_symtab, &num, 4)) ||
	    (err = kernel_read(kr, ks + l->strtab, &strtab, 8)) || num > MAX_SYMBOLS_PER_MODULE) {
		vmmap_error_destroy(err);
		return true;	/* this module's symbols are unknown */
	}
	Elf64_Sym sym;
	char name[MAX_NAME + 1];
	for (uint32_t i = 0; i < num; i++) {
		err = kernel_read(kr, symtab + (uint64_t)i * sizeof(sym), &sym, sizeof(sym));
		if (err) {
			vmmap_error_destroy(err);
			return true;
		}
		const struct module_range *r = modules_range_of(ml, sym.st_value);
		if (sym.st_shndx == SHN_UNDEF || !sym.st_name || !r || r->module != module ||
		    ELF64_ST_TYPE(sym.st_info) == STT_SECTION || ELF64_ST_TYPE(sym.st_info) == STT_FILE)
			continue;
		size_t len = read_name(kr, strtab + sym.st_name, name);
		if (len && !add_symbol(ms, sym.st_value, module, name, len))
			return false;
	}
	return true;
}

static int
modsym_cmp(const void *a, const void *b)
{
	const struct modsym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;	/* the first read first */
}

struct module_symbols *
modsyms_load(struct kernel *kr, const struct kernel_types *types, const struct module_list *ml,
	     char *why, size_t why_len)
{
	struct kallsyms_layout l;
	if (!types_member(types, "module", "kallsyms", &l.kallsyms, NULL) ||
	    !types_member(types, "mod_kallsyms", "symtab", &l.symtab, NULL) ||
	    !types_member(types, "mod_kallsyms", "num_symtab", &l.num_symtab, NULL) ||
	    !types_member(types, "mod_kallsyms", "strtab", &l.strtab, NULL)) {
		snprintf(why, why_len, "the kernel's BTF has no struct mod_kallsyms");
		return NULL;
	}
	struct module_symbols *ms = calloc(1, sizeof(*ms));
	if (!ms) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < ml->n; i++) {
		if (!load_module(kr, &l, ml, i, ms)) {
			modsyms_destroy(ms);
			snprintf(why, why_len, "out of memory");
			return NULL;
		}
	}
	if (ms->n)
		qsort(ms->v, ms->n, sizeof(*ms->v), modsym_cmp);
	return ms;
}

void
modsyms_destroy(struct module_symbols *ms)
{
	if (!ms)
		return;
	free(ms->v);
	free(ms->pool);
	free(ms);
}

const char *
modsyms_find(const struct module_symbols *ms, size_t module, uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi = ms->n;	/* the first symbol above addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ms->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* back to the nearest of this module (modules' memory interleaves) */
	for (size_t i = lo; i-- > 0;) {
		if (ms->v[i].module != module)
			continue;
		/* the first name at that address: the one read first */
		while (i > 0 && ms->v[i - 1].addr == ms->v[i].addr && ms->v[i - 1].module == module)
			i--;
		*offset = addr - ms->v[i].addr;
		return ms->pool + ms->v[i].name;
	}
	return NULL;
}
