/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Loaded modules: names and address ranges, from the kernel's `modules`
 * list, without debug info.
 *
 * struct module has begun with `enum module_state state; struct
 * list_head list; char name[MODULE_NAME_LEN];` (offsets 0, 8, 24, with
 * MODULE_NAME_LEN 56) since 2.6 (include/linux/module.h). Where its
 * memory is described varies: core_layout/init_layout (4.5-6.3), then
 * mem[MOD_MEM_NUM_TYPES] (6.4+), each an array-free { void *base;
 * unsigned int size; ... }, which later kernels made { void *base;
 * bool is_rox; unsigned int size; ... } (the size 12 bytes in; seen on
 * Debian's 7.2, where text and data also live apart). Rather than
 * tabulate offsets by version, find every offset that holds such a
 * (base, size) pair in *all* loaded modules: a page-aligned base inside
 * the modules area, a size that keeps it there, and one of them
 * enclosing the struct itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/layout.h"
#include "error.h"
#include "modules.h"

#define MODULE_LIST_OFFSET 8
#define MODULE_NAME_OFFSET 24
#define MODULE_SCAN 2048	/* bytes of struct module searched */
#define MAX_MODULES 8192
#define MAX_MODULE_SIZE (256ULL << 20)

struct raw_module {
	uint64_t addr;
	uint8_t bytes[MODULE_SCAN];
};

static bool
valid_name(const uint8_t *p)
{
	size_t i;
	for (i = 0; i < MODULE_NAME_LEN && p[i]; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return false;
	return i > 0 && i < MODULE_NAME_LEN;
}

/* Walk the list; false (with a note) if it does not look like one. */
static bool
read_module_list(struct kernel *kr, uint64_t lo, uint64_t hi,
		 struct raw_module **mods, size_t *n)
{
	uint64_t head, next;
	*mods = NULL;
	*n = 0;
	if (!kernel_symbol(kr, "modules", &head))
		return false;
	struct vmmap_error *err = kernel_read_image_u64(kr, head, &next);
	while (!err && next != head) {
		if (next < lo || next >= hi || *n == MAX_MODULES) {
			kernel_note(kr, "the modules list leaves the modules area: module names unavailable");
			return false;
		}
		struct raw_module *m = realloc(*mods, (*n + 1) * sizeof(*m));
		if (!m)
			return false;
		*mods = m;
		m = &m[*n];
		m->addr = next - MODULE_LIST_OFFSET;
		err = kernel_read(kr, m->addr, m->bytes, sizeof(m->bytes));
		if (err)
			break;
		if (!valid_name(m->bytes + MODULE_NAME_OFFSET)) {
			kernel_note(kr, "a module on the list has no valid name: module names unavailable");
			return false;
		}
		memcpy(&next, m->bytes + MODULE_LIST_OFFSET, 8);
		(*n)++;
	}
	if (err) {
		kernel_note(kr, "cannot read the modules list: %s", vmmap_error_message(err));
		vmmap_error_destroy(err);
		return false;
	}
	return true;
}

/* Where a (base, size) pair may sit: the size right after the base,
 * or 12 bytes in behind a bool (is_rox) and its padding. */
struct pair_place {
	size_t off;		/* of the base */
	size_t size_at;		/* 8 or 12 */
};

/* The pair at place p, or false if the bytes cannot be one. */
static bool
pair_at(const struct raw_module *m, struct pair_place p, uint64_t *base, uint32_t *size)
{
	const uint8_t *b = m->bytes + p.off;
	memcpy(base, b, 8);
	memcpy(size, b + p.size_at, 4);
	return p.size_at == 8 || (b[8] <= 1 && !b[9] && !b[10] && !b[11]);
}

static bool
offset_holds_ranges(const struct raw_module *mods, size_t n, struct pair_place p,
		    uint64_t lo, uint64_t hi, bool *encloses_struct)
{
	bool any = false, encloses = true;
	for (size_t i = 0; i < n; i++) {
		uint64_t base;
		uint32_t size;
		if (!pair_at(&mods[i], p, &base, &size))
			return false;
		if (base == 0 && size == 0) {
			encloses = false;
			continue;
		}
		if ((base & (X86_64_PAGE_SIZE - 1)) || base < lo || base >= hi ||
		    size == 0 || size > MAX_MODULE_SIZE || size > hi - base)
			return false;
		any = true;
		if (!(base <= mods[i].addr && mods[i].addr < base + size))
			encloses = false;
	}
	*encloses_struct = any && encloses;
	return any;
}

static struct vmmap_error *
add_range(struct module_list *ml, uint64_t base, uint32_t size, size_t module)
{
	struct module_range *r = realloc(ml->ranges, (ml->nranges + 1) * sizeof(*r));
	if (!r)
		return &vmmap_enomem;
	ml->ranges = r;
	r[ml->nranges++] = (struct module_range){
		.start = base, .end = base + size - 1, .module = module,
	};
	return NULL;
}

struct vmmap_error *
modules_load(struct kernel *kr, uint64_t lo, uint64_t hi, struct module_list *out)
{
	struct raw_module *mods;
	size_t n;
	struct vmmap_error *err = NULL;
	memset(out, 0, sizeof(*out));
	if (!read_module_list(kr, lo, hi, &mods, &n) || n == 0) {
		free(mods);
		return NULL;
	}
	struct pair_place places[MODULE_SCAN / 8];
	size_t noff = 0;
	bool found_struct = false;
	for (size_t size_at = 8; size_at <= 12 && !found_struct; size_at += 4) {
		noff = 0;
		for (size_t off = MODULE_NAME_OFFSET + MODULE_NAME_LEN;
		     off + size_at + 4 <= MODULE_SCAN; off += 8) {
			struct pair_place p = { off, size_at };
			bool encloses;
			if (offset_holds_ranges(mods, n, p, lo, hi, &encloses)) {
				places[noff++] = p;
				found_struct |= encloses;
			}
		}
	}
	if (!found_struct) {
		kernel_note(kr, "no memory layout found in struct module: module names unavailable");
		free(mods);
		return NULL;
	}
	out->names = calloc(n, sizeof(*out->names));
	out->structs = calloc(n, sizeof(*out->structs));
	if (!out->names || !out->structs) {
		free(mods);
		modules_fini(out);
		return &vmmap_enomem;
	}
	for (size_t i = 0; i < n && !err; i++) {
		out->structs[i] = mods[i].addr;
		memcpy(out->names[i], mods[i].bytes + MODULE_NAME_OFFSET, MODULE_NAME_LEN);
		out->names[i][MODULE_NAME_LEN - 1] = '\0';
		for (size_t j = 0; j < noff && !err; j++) {
			uint64_t base;
			uint32_t size;
			pair_at(&mods[i], places[j], &base, &size);
			if (size)
				err = add_range(out, base, size, i);
		}
	}
	out->n = n;
	free(mods);
	if (err)
		modules_fini(out);
	return err;
}

void
modules_fini(struct module_list *ml)
{
	free(ml->names);
	free(ml->structs);
	free(ml->ranges);
	memset(ml, 0, sizeof(*ml));
}

const struct module_range *
modules_range_of(const struct module_list *ml, uint64_t addr)
{
	for (size_t i = 0; i < ml->nranges; i++) {
		const struct module_range *r = &ml->ranges[i];
		if (r->start <= addr && addr <= r->end)
			return r;
	}
	return NULL;
}

const char *
modules_find(const struct module_list *ml, uint64_t addr, uint64_t *offset)
{
	const struct module_range *r = modules_range_of(ml, addr);
	if (!r)
		return NULL;
	*offset = addr - r->start;
	return ml->names[r->module];
}
