/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Kernel types from the dump's own BTF, through libbpf. */
#include "config.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "types.h"

/* vmlinux BTF is 3-6 MB on distribution kernels; anything near this is
 * no BTF. */
#define MAX_BTF_SIZE (64ULL << 20)

struct kernel_types {
	struct btf *btf;
};

struct kernel_types *
types_from_btf(struct kernel *k, char *why, size_t why_len)
{
	uint64_t start, stop;
	if (!kernel_symbol(k, "__start_BTF", &start) || !kernel_symbol(k, "__stop_BTF", &stop)) {
		snprintf(why, why_len, "the kernel has no BTF (no __start_BTF/__stop_BTF symbols)");
		return NULL;
	}
	if (stop <= start || stop - start > MAX_BTF_SIZE) {
		snprintf(why, why_len, "the kernel's BTF bounds are absurd (%llu bytes)",
			 (unsigned long long)(stop - start));
		return NULL;
	}
	size_t len = (size_t)(stop - start);
	void *data = malloc(len);
	if (!data) {
		snprintf(why, why_len, "out of memory for %zu bytes of BTF", len);
		return NULL;
	}
	struct vmmap_error *err = kernel_read_image(k, start, data, len);
	if (err) {
		snprintf(why, why_len, "the kernel's BTF is not readable: %s", vmmap_error_message(err));
		vmmap_error_destroy(err);
		free(data);
		return NULL;
	}
	/* libbpf checks the blob through (header, types, strings) */
	struct btf *btf = btf__new(data, (uint32_t)len);
	long e = libbpf_get_error(btf);
	free(data);	/* btf__new() keeps its own copy */
	if (e || !btf) {
		snprintf(why, why_len, "libbpf refuses the kernel's BTF: %s", strerror(e ? (int)-e : EINVAL));
		return NULL;
	}
	struct kernel_types *t = malloc(sizeof(*t));
	if (!t) {
		btf__free(btf);
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	t->btf = btf;
	return t;
}

void
types_destroy(struct kernel_types *t)
{
	if (!t)
		return;
	btf__free(t->btf);
	free(t);
}

static const struct btf_type *
struct_type(const struct kernel_types *t, const char *name)
{
	int id = btf__find_by_name_kind(t->btf, name, BTF_KIND_STRUCT);
	return id > 0 ? btf__type_by_id(t->btf, (uint32_t)id) : NULL;
}

bool
types_struct_size(const struct kernel_types *t, const char *name, uint64_t *size)
{
	const struct btf_type *st = struct_type(t, name);
	if (!st)
		return false;
	*size = st->size;
	return true;
}

/* Look for member in the struct or union st, descending into anonymous
 * members; depth bounds nesting (BTF could loop). */
static bool
find_member(const struct btf *btf, const struct btf_type *st, const char *member, uint64_t base_bits,
	    int depth, uint64_t *bits, uint32_t *type_id)
{
	if (depth > 8 || !(btf_is_struct(st) || btf_is_union(st)))
		return false;
	const struct btf_member *m = btf_members(st);
	for (unsigned i = 0; i < btf_vlen(st); i++, m++) {
		uint64_t at = base_bits + btf_member_bit_offset(st, i);
		const char *name = btf__name_by_offset(btf, m->name_off);
		if (name && name[0]) {
			if (strcmp(name, member) != 0)
				continue;
			if (btf_member_bitfield_size(st, i))
				return false;	/* no byte offset */
			*bits = at;
			*type_id = m->type;
			return true;
		}
		int inner = btf__resolve_type(btf, m->type);
		const struct btf_type *it = inner > 0 ? btf__type_by_id(btf, (uint32_t)inner) : NULL;
		if (it && find_member(btf, it, member, at, depth + 1, bits, type_id))
			return true;
	}
	return false;
}

bool
types_member(const struct kernel_types *t, const char *name, const char *member, uint64_t *offset,
	     uint64_t *size)
{
	const struct btf_type *st = struct_type(t, name);
	uint64_t bits;
	uint32_t type_id;
	if (!st || !find_member(t->btf, st, member, 0, 0, &bits, &type_id) || bits % 8)
		return false;
	if (size) {
		long long sz = btf__resolve_size(t->btf, type_id);
		if (sz < 0)
			return false;
		*size = (uint64_t)sz;
	}
	*offset = bits / 8;
	return true;
}

bool
types_has_member(const struct kernel_types *t, const char *name, const char *member)
{
	uint64_t off;
	return types_member(t, name, member, &off, NULL);
}

bool
types_enum_value(const struct kernel_types *t, const char *enumerator, int64_t *value)
{
	uint32_t n = btf__type_cnt(t->btf);
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (!btf_is_enum(bt))
			continue;
		const struct btf_enum *e = btf_enum(bt);
		for (unsigned i = 0; i < btf_vlen(bt); i++, e++) {
			const char *name = btf__name_by_offset(t->btf, e->name_off);
			if (name && strcmp(name, enumerator) == 0) {
				*value = e->val;
				return true;
			}
		}
	}
	return false;
}
