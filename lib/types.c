/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Kernel types from the dump's own BTF, through libbpf. */
#include "config.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "types.h"

/* vmlinux BTF is 3-6 MB on distribution kernels; anything near this is
 * no BTF. */
#define MAX_BTF_SIZE (64ULL << 20)

#define DWARF_CACHE 64

struct kernel_types {
	struct btf *btf;		/* one of the two */
	Dwarf *dw;
	int fd;
	/* structures found in the DWARF, by name */
	struct { char name[48]; Dwarf_Die die; } found[DWARF_CACHE];
	size_t nfound;
	/* structures' BTF ids, by name (0: none) */
	struct { char name[48]; int id; } ids[DWARF_CACHE];
	size_t nids;
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
	struct kernel_types *t = types_from_btf_data(data, len, why, why_len);
	free(data);
	return t;
}

/* What libbpf 1.1 takes on trust: types placed at an offset that is no
 * multiple of 4 (its accessors then read struct btf_type misaligned;
 * found by fuzz_btf). The header: magic 0xeb9f, version 1, its length,
 * then the types' and the strings' offsets and lengths (linux/btf.h).
 * These are its first 24 bytes in every kernel; the uapi struct grew
 * after them (a layout section, in sid's linux-libc-dev 7.x), so its
 * sizeof is not the length of a kernel's header. */
struct btf_header_v1 {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

static bool
btf_header_sane(const void *data, size_t len)
{
	struct btf_header_v1 h;
	if (len < sizeof(h))
		return false;
	memcpy(&h, data, sizeof(h));
	uint64_t types = (uint64_t)h.hdr_len + h.type_off;
	return h.magic == BTF_MAGIC && h.version == BTF_VERSION && h.hdr_len >= sizeof(h) &&
	       h.hdr_len % 4 == 0 && types % 4 == 0 && h.type_len % 4 == 0 &&
	       types + h.type_len <= len && (uint64_t)h.hdr_len + h.str_off + h.str_len <= len;
}

struct kernel_types *
types_from_btf_data(const void *data, size_t len, char *why, size_t why_len)
{
	if (len > MAX_BTF_SIZE) {
		snprintf(why, why_len, "%zu bytes are no kernel BTF", len);
		return NULL;
	}
	if (!btf_header_sane(data, len)) {
		snprintf(why, why_len, "the kernel's BTF has a corrupt header");
		return NULL;
	}
	/* libbpf checks the rest (types, strings) and keeps its own copy */
	struct btf *btf = btf__new(data, (uint32_t)len);
	long e = libbpf_get_error(btf);
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
	memset(t, 0, sizeof(*t));
	t->btf = btf;
	t->fd = -1;
	return t;
}

struct kernel_types *
types_from_dwarf(const char *path, char *why, size_t why_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw) {
		snprintf(why, why_len, "%s has no DWARF (a System.map, or a stripped vmlinux)", path);
		close(fd);
		return NULL;
	}
	struct kernel_types *t = calloc(1, sizeof(*t));
	if (!t) {
		dwarf_end(dw);
		close(fd);
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	t->dw = dw;
	t->fd = fd;
	return t;
}

const char *
types_source(const struct kernel_types *t)
{
	return t->btf ? "btf" : "dwarf";
}

void
types_destroy(struct kernel_types *t)
{
	if (!t)
		return;
	btf__free(t->btf);
	if (t->dw)
		dwarf_end(t->dw);
	if (t->fd >= 0)
		close(t->fd);
	free(t);
}

static bool dwarf_struct(const struct kernel_types *ct, const char *name, Dwarf_Die *out);

/* btf__find_by_name_kind() goes through every type (some 100,000 in a
 * distribution kernel's BTF): each structure's id is looked up once. */
static const struct btf_type *
struct_type(const struct kernel_types *ct, const char *name)
{
	struct kernel_types *t = (struct kernel_types *)ct;	/* the cache only */
	for (size_t i = 0; i < t->nids; i++)
		if (strcmp(t->ids[i].name, name) == 0)
			return t->ids[i].id > 0 ? btf__type_by_id(t->btf, (uint32_t)t->ids[i].id) : NULL;
	int id = btf__find_by_name_kind(t->btf, name, BTF_KIND_STRUCT);
	if (t->nids < DWARF_CACHE && strlen(name) < sizeof(t->ids[0].name)) {
		snprintf(t->ids[t->nids].name, sizeof(t->ids[0].name), "%s", name);
		t->ids[t->nids++].id = id;
	}
	return id > 0 ? btf__type_by_id(t->btf, (uint32_t)id) : NULL;
}

bool
types_struct_size(const struct kernel_types *t, const char *name, uint64_t *size)
{
	if (t->dw) {
		Dwarf_Die st;
		Dwarf_Word sz;
		if (!dwarf_struct(t, name, &st) || dwarf_aggregate_size(&st, &sz) != 0)
			return false;
		*size = sz;
		return true;
	}
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

static bool dwarf_member(const struct kernel_types *t, const char *name, const char *member,
			 uint64_t *offset, uint64_t *size);

bool
types_member(const struct kernel_types *t, const char *name, const char *member, uint64_t *offset,
	     uint64_t *size)
{
	if (t->dw)
		return dwarf_member(t, name, member, offset, size);
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
	if (t->dw)
		return false;	/* not needed of DWARF yet */
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

/* ------------------------------------------------------------------ */
/* DWARF */

/* A structure's defining DIE at the top of some CU, looked up once. */
static bool
dwarf_struct(const struct kernel_types *ct, const char *name, Dwarf_Die *out)
{
	struct kernel_types *t = (struct kernel_types *)ct;	/* the cache only */
	for (size_t i = 0; i < t->nfound; i++)
		if (strcmp(t->found[i].name, name) == 0) {
			*out = t->found[i].die;
			return true;
		}
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(t->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die;
		if (dwarf_offdie(t->dw, off + hsize, &cu) && dwarf_child(&cu, &die) == 0) {
			do {
				const char *n;
				if (dwarf_tag(&die) != DW_TAG_structure_type ||
				    dwarf_hasattr(&die, DW_AT_declaration) || !(n = dwarf_diename(&die)) ||
				    strcmp(n, name) != 0)
					continue;
				*out = die;
				if (t->nfound < DWARF_CACHE && strlen(name) < sizeof(t->found[0].name)) {
					snprintf(t->found[t->nfound].name, sizeof(t->found[0].name), "%s", name);
					t->found[t->nfound++].die = die;
				}
				return true;
			} while (dwarf_siblingof(&die, &die) == 0);
		}
		off = next;
	}
	return false;
}

/* The type a DIE's DW_AT_type names, through typedefs and qualifiers. */
static bool
dwarf_real_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return false;
	for (int i = 0; i < 16; i++) {
		int tag = dwarf_tag(&t);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type) {
			*out = t;
			return true;
		}
		if (!dwarf_attr_integrate(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return false;
	}
	return false;
}

static bool
dwarf_find_member(Dwarf_Die *st, const char *member, uint64_t base, int depth, uint64_t *offset,
		  Dwarf_Die *mdie)
{
	Dwarf_Die m;
	if (depth > 8 || dwarf_child(st, &m) != 0)
		return false;
	do {
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		Dwarf_Attribute a;
		Dwarf_Word loc = 0;
		if (dwarf_attr(&m, DW_AT_data_member_location, &a) && dwarf_formudata(&a, &loc) != 0)
			continue;	/* a location expression: not a plain offset */
		const char *name = dwarf_diename(&m);
		if (name) {
			if (strcmp(name, member) != 0)
				continue;
			if (dwarf_hasattr(&m, DW_AT_bit_size))
				return false;
			*offset = base + loc;
			*mdie = m;
			return true;
		}
		Dwarf_Die inner;
		if (dwarf_real_type(&m, &inner) &&
		    (dwarf_tag(&inner) == DW_TAG_structure_type || dwarf_tag(&inner) == DW_TAG_union_type) &&
		    dwarf_find_member(&inner, member, base + loc, depth + 1, offset, mdie))
			return true;
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

static bool
dwarf_member(const struct kernel_types *t, const char *name, const char *member, uint64_t *offset,
	     uint64_t *size)
{
	Dwarf_Die st, m, type;
	if (!dwarf_struct(t, name, &st) || !dwarf_find_member(&st, member, 0, 0, offset, &m))
		return false;
	if (size) {
		Dwarf_Word sz;
		if (!dwarf_real_type(&m, &type) || dwarf_aggregate_size(&type, &sz) != 0)
			return false;
		*size = sz;
	}
	return true;
}
