/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Kernel types from the dump's own BTF, through libbpf, or a vmlinux's
 * DWARF, through libdw. */
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
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"
#include "types.h"

/* vmlinux BTF is 3-6 MB on distribution kernels; anything near this is
 * no BTF. */
#define MAX_BTF_SIZE (64ULL << 20)

#define DWARF_CACHE 64

struct kernel_types {
	struct btf *btf;		/* one of the two */
	/* the modules' BTF (CONFIG_DEBUG_INFO_BTF_MODULES), split BTF on
	 * btf: types of module i have keys (i + 1) << 32 | id */
	struct btf **mods;
	size_t nmods;
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

/* The modules' BTF, as the kernel keeps it (kernel/bpf/btf.c): the
 * list btf_modules of struct btf_module, each with its struct btf,
 * whose data is a copy of the module's .BTF section, split BTF on the
 * kernel's (5.11+, CONFIG_DEBUG_INFO_BTF_MODULES). Each is parsed by
 * libbpf as split BTF on the kernel's; a module whose BTF cannot be
 * read or parsed is left out. Returns how many were added. */
#define MAX_MODULES 4096
#define MAX_MODULE_BTF (16u << 20)
#define MAX_MODULES_BTF (64u << 20)	/* all modules': a few MB on real systems */

/* Split BTF on base from a blob in memory: btf__new_split() (libbpf
 * 1.3+), or before it btf__parse_raw_split() from the blob written to
 * an anonymous file. NULL if libbpf refuses it. */
static struct btf *
new_split_btf(const void *data, uint32_t size, struct btf *base)
{
#ifdef HAVE_BTF__NEW_SPLIT
	struct btf *btf = btf__new_split(data, size, base);
#else
	struct btf *btf = NULL;
	int fd = memfd_create("vmmap-module-btf", MFD_CLOEXEC);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (fd >= 0 && write(fd, data, size) == (ssize_t)size)
		btf = btf__parse_raw_split(path, base);
	if (fd >= 0)
		close(fd);
#endif
	return libbpf_get_error(btf) ? NULL : btf;
}

static bool
add_module_btf(struct kernel_types *t, struct kernel *k, uint64_t btf_addr, uint64_t off_data,
	       uint64_t off_size, uint64_t *budget)
{
	uint64_t data;
	uint32_t size;
	struct vmmap_error *err = kernel_read(k, btf_addr + off_data, &data, sizeof(data));
	if (!err)
		err = kernel_read(k, btf_addr + off_size, &size, sizeof(size));
	if (err || size == 0 || size > MAX_MODULE_BTF || size > *budget) {
		vmmap_error_destroy(err);
		return false;
	}
	*budget -= size;
	void *copy = malloc(size);
	if (!copy || (err = kernel_read(k, data, copy, size))) {
		vmmap_error_destroy(err);
		free(copy);
		return false;
	}
	bool added = types_add_module_btf_data(t, copy, size);
	free(copy);
	return added;
}

bool
types_add_module_btf_data(struct kernel_types *t, const void *data, size_t len)
{
	if (!t->btf || len > MAX_MODULE_BTF || !btf_header_sane(data, len))
		return false;
	struct btf **mods = realloc(t->mods, (t->nmods + 1) * sizeof(*mods));
	if (!mods)
		return false;
	t->mods = mods;
	struct btf *btf = new_split_btf(data, (uint32_t)len, t->btf);
	if (!btf)
		return false;
	t->mods[t->nmods++] = btf;
	return true;
}

size_t
types_add_module_btf(struct kernel_types *t, struct kernel *k)
{
	uint64_t head, off_btf, off_data, off_size, pos;
	if (!t->btf || !kernel_symbol(k, "btf_modules", &head) ||
	    !types_member(t, "btf_module", "btf", &off_btf, NULL) ||
	    !types_member(t, "btf", "data", &off_data, NULL) ||
	    !types_member(t, "btf", "data_size", &off_size, NULL) ||
	    !kernel_read_u64(k, head, &pos))
		return 0;
	size_t added = 0;
	uint64_t budget = MAX_MODULES_BTF;	/* bytes read, against a hostile list */
	/* struct btf_module starts with its list_head */
	for (unsigned steps = 0; pos != head && steps < MAX_MODULES; steps++) {
		uint64_t btf;
		if (!kernel_read_u64(k, pos + off_btf, &btf))
			break;
		if (btf && add_module_btf(t, k, btf, off_data, off_size, &budget))
			added++;
		if (!kernel_read_u64(k, pos, &pos))
			break;
	}
	return added;
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
	for (size_t i = 0; i < t->nmods; i++)
		btf__free(t->mods[i]);	/* before their base */
	free(t->mods);
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
static int
struct_id(const struct kernel_types *ct, const char *name)
{
	struct kernel_types *t = (struct kernel_types *)ct;	/* the cache only */
	for (size_t i = 0; i < t->nids; i++)
		if (strcmp(t->ids[i].name, name) == 0)
			return t->ids[i].id;
	int id = btf__find_by_name_kind(t->btf, name, BTF_KIND_STRUCT);
	if (t->nids < DWARF_CACHE && strlen(name) < sizeof(t->ids[0].name)) {
		snprintf(t->ids[t->nids].name, sizeof(t->ids[0].name), "%s", name);
		t->ids[t->nids++].id = id;
	}
	return id;
}

static const struct btf_type *
struct_type(const struct kernel_types *t, const char *name)
{
	int id = struct_id(t, name);
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

/* ------------------------------------------------------------------ */
/* Whole layouts: every member of a structure or union, for the public
 * vmmap_map_struct(). Anonymous members are flattened into their
 * parent, as C names them; nesting is bounded (BTF could loop). */

#define MAX_NESTING 8

struct member_list {
	struct type_member *v;
	size_t n, cap;
	bool failed;
};

static void
member_add(struct member_list *l, const struct type_member *m)
{
	if (l->failed)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct type_member *v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			l->failed = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *m;
}

/* BTF: the type id through typedefs and qualifiers, or NULL. */
static const struct btf_type *
btf_skip_mods(const struct btf *btf, uint32_t id, uint32_t *out)
{
	for (int i = 0; i < 32; i++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		if (!bt)
			return NULL;
		if (!btf_is_typedef(bt) && !btf_is_mod(bt)) {
			*out = id;
			return bt;
		}
		id = bt->type;
	}
	return NULL;
}

static enum vmmap_type_kind
btf_kind_of(const struct btf_type *bt)
{
	if (btf_is_ptr(bt))
		return VMMAP_TYPE_POINTER;
	if (btf_is_struct(bt))
		return VMMAP_TYPE_STRUCT;
	if (btf_is_union(bt))
		return VMMAP_TYPE_UNION;
	if (btf_is_array(bt))
		return VMMAP_TYPE_ARRAY;
	return VMMAP_TYPE_OTHER;
}

/* The tag of a struct or union, NULL for others and anonymous ones. */
static const char *
btf_tag(const struct btf *btf, const struct btf_type *bt)
{
	if (!bt || !(btf_is_struct(bt) || btf_is_union(bt)))
		return NULL;
	const char *name = btf__name_by_offset(btf, bt->name_off);
	return name && name[0] ? name : NULL;
}

static uint64_t
btf_size_of(const struct btf *btf, uint32_t id)
{
	long long sz = btf__resolve_size(btf, id);
	return sz > 0 ? (uint64_t)sz : 0;
}

/* The key of BTF type id in the kernel's BTF (tag 0) or in module
 * tag - 1's, whose own types' ids start at base_count. */
static uint64_t
type_key(uint32_t tag, uint32_t base_count, uint32_t id)
{
	return tag && id >= base_count ? (uint64_t)tag << 32 | id : id;
}

/* Which BTF a key's type is in, and its id there: false if none. */
static bool
key_btf(const struct kernel_types *t, uint64_t key, const struct btf **btf, uint32_t *tag,
	uint32_t *id)
{
	*tag = (uint32_t)(key >> 32);
	*id = (uint32_t)key;
	if (*tag > t->nmods)
		return false;
	*btf = *tag ? t->mods[*tag - 1] : t->btf;
	return *id && *id < btf__type_cnt(*btf);
}

static void
btf_describe(const struct btf *btf, uint32_t tag, uint32_t base_count, uint32_t type_id,
	     struct type_member *m)
{
	uint32_t id;
	const struct btf_type *bt = btf_skip_mods(btf, type_id, &id);
	m->size = btf_size_of(btf, type_id);
	m->kind = bt ? btf_kind_of(bt) : VMMAP_TYPE_OTHER;
	if (m->kind == VMMAP_TYPE_STRUCT || m->kind == VMMAP_TYPE_UNION) {
		m->type_name = btf_tag(btf, bt);
		m->type_key = type_key(tag, base_count, id);
	} else if (m->kind == VMMAP_TYPE_POINTER) {
		uint32_t to;
		m->type_name = btf_tag(btf, btf_skip_mods(btf, bt->type, &to));
	} else if (m->kind == VMMAP_TYPE_ARRAY) {
		const struct btf_array *a = btf_array(bt);
		uint32_t eid;
		const struct btf_type *et = btf_skip_mods(btf, a->type, &eid);
		m->count = a->nelems;
		m->element_size = btf_size_of(btf, a->type);
		m->element_kind = et ? btf_kind_of(et) : VMMAP_TYPE_OTHER;
		if (m->element_kind == VMMAP_TYPE_STRUCT || m->element_kind == VMMAP_TYPE_UNION) {
			m->type_name = btf_tag(btf, et);
			m->type_key = type_key(tag, base_count, eid);
		} else if (m->element_kind == VMMAP_TYPE_POINTER) {
			uint32_t to;
			m->type_name = btf_tag(btf, btf_skip_mods(btf, et->type, &to));
		}
	}
}

static void
btf_list_members(const struct btf *btf, uint32_t tag, uint32_t base_count, const struct btf_type *st,
		 uint64_t base, int depth, struct member_list *l)
{
	if (depth > MAX_NESTING)
		return;
	const struct btf_member *bm = btf_members(st);
	for (unsigned i = 0; i < btf_vlen(st); i++, bm++) {
		if (btf_member_bitfield_size(st, i))
			continue;
		uint64_t bits = btf_member_bit_offset(st, i);
		if (bits % 8)
			continue;
		const char *name = btf__name_by_offset(btf, bm->name_off);
		if (!name || !name[0]) {
			uint32_t id;
			const struct btf_type *inner = btf_skip_mods(btf, bm->type, &id);
			if (inner && (btf_is_struct(inner) || btf_is_union(inner)))
				btf_list_members(btf, tag, base_count, inner, base + bits / 8, depth + 1, l);
			continue;
		}
		struct type_member m = { .name = name, .offset = base + bits / 8 };
		btf_describe(btf, tag, base_count, bm->type, &m);
		member_add(l, &m);
	}
}

static bool dwarf_aggregate(const struct kernel_types *t, uint64_t key, const char **name,
			    bool *is_union, uint64_t *size, struct member_list *l);

bool
types_find_aggregate(const struct kernel_types *t, const char *name, uint64_t *key)
{
	if (!name[0])
		return false;	/* BTF names its anonymous types "" */
	if (t->dw) {
		Dwarf_Die st;
		if (!dwarf_struct(t, name, &st))
			return false;
		*key = dwarf_dieoffset(&st);
		return true;
	}
	int id = struct_id(t, name);
	if (id > 0) {
		*key = (uint64_t)id;
		return true;
	}
	id = btf__find_by_name_kind(t->btf, name, BTF_KIND_UNION);
	if (id > 0) {
		*key = (uint64_t)id;
		return true;
	}
	/* a module's own structure (a module's split BTF finds the
	 * kernel's too: not there, as seen above) */
	uint32_t base_count = btf__type_cnt(t->btf);
	for (size_t i = 0; i < t->nmods; i++) {
		if ((id = btf__find_by_name_kind(t->mods[i], name, BTF_KIND_STRUCT)) <= 0 &&
		    (id = btf__find_by_name_kind(t->mods[i], name, BTF_KIND_UNION)) <= 0)
			continue;
		*key = type_key((uint32_t)i + 1, base_count, (uint32_t)id);
		return true;
	}
	return false;
}

bool
types_aggregate(const struct kernel_types *t, uint64_t key, const char **name, bool *is_union,
		uint64_t *size, struct type_member **members, size_t *n)
{
	struct member_list l = { 0 };
	bool ok;
	if (t->dw) {
		ok = dwarf_aggregate(t, key, name, is_union, size, &l);
	} else {
		const struct btf *btf;
		uint32_t tag, id;
		const struct btf_type *st = key_btf(t, key, &btf, &tag, &id) ? btf__type_by_id(btf, id) : NULL;
		ok = st && (btf_is_struct(st) || btf_is_union(st));
		if (ok) {
			*name = btf_tag(btf, st);
			*is_union = btf_is_union(st);
			*size = st->size;
			btf_list_members(btf, tag, btf__type_cnt(t->btf), st, 0, 0, &l);
		}
	}
	if (!ok || l.failed) {
		free(l.v);
		return false;
	}
	*members = l.v;
	*n = l.n;
	return true;
}

/* DWARF: the first dimension of an array type, and whether it has more. */
static void
dwarf_array_count(Dwarf_Die *array, uint64_t *count, bool *more)
{
	Dwarf_Die sub;
	*count = 0;
	*more = false;
	if (dwarf_child(array, &sub) != 0)
		return;
	bool first = true;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (!first) {
			*more = true;
			return;
		}
		first = false;
		Dwarf_Attribute a;
		Dwarf_Word w;
		if (dwarf_attr(&sub, DW_AT_count, &a) && dwarf_formudata(&a, &w) == 0)
			*count = w;
		else if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && dwarf_formudata(&a, &w) == 0)
			*count = w + 1;
	} while (dwarf_siblingof(&sub, &sub) == 0);
}

static enum vmmap_type_kind
dwarf_kind_of(Dwarf_Die *type)
{
	switch (dwarf_tag(type)) {
	case DW_TAG_pointer_type: return VMMAP_TYPE_POINTER;
	case DW_TAG_structure_type: return VMMAP_TYPE_STRUCT;
	case DW_TAG_union_type: return VMMAP_TYPE_UNION;
	case DW_TAG_array_type: return VMMAP_TYPE_ARRAY;
	default: return VMMAP_TYPE_OTHER;
	}
}

static const char *
dwarf_tag_name(Dwarf_Die *type)
{
	int tag = dwarf_tag(type);
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ? dwarf_diename(type) : NULL;
}

static uint64_t
dwarf_size_of(Dwarf_Die *type)
{
	Dwarf_Word sz;
	if (dwarf_aggregate_size(type, &sz) == 0)
		return sz;
	return dwarf_tag(type) == DW_TAG_pointer_type ? 8 : 0;
}

/* What the DIE that has a DW_AT_type (a member, an array, a pointer)
 * holds, into m. */
static void
dwarf_describe(Dwarf_Die *holder, struct type_member *m)
{
	Dwarf_Die type, inner;
	if (!dwarf_real_type(holder, &type))
		return;	/* a void pointer's target, or damage: OTHER */
	m->size = dwarf_size_of(&type);
	m->kind = dwarf_kind_of(&type);
	if (m->kind == VMMAP_TYPE_STRUCT || m->kind == VMMAP_TYPE_UNION) {
		m->type_name = dwarf_tag_name(&type);
		m->type_key = dwarf_dieoffset(&type);
	} else if (m->kind == VMMAP_TYPE_POINTER) {
		if (dwarf_real_type(&type, &inner))
			m->type_name = dwarf_tag_name(&inner);
	} else if (m->kind == VMMAP_TYPE_ARRAY) {
		bool more;
		dwarf_array_count(&type, &m->count, &more);
		if (more) {
			m->element_kind = VMMAP_TYPE_ARRAY;
			m->element_size = m->count ? m->size / m->count : 0;
		} else if (dwarf_real_type(&type, &inner)) {
			m->element_kind = dwarf_kind_of(&inner);
			m->element_size = dwarf_size_of(&inner);
			if (m->element_kind == VMMAP_TYPE_STRUCT || m->element_kind == VMMAP_TYPE_UNION) {
				m->type_name = dwarf_tag_name(&inner);
				m->type_key = dwarf_dieoffset(&inner);
			} else if (m->element_kind == VMMAP_TYPE_POINTER) {
				Dwarf_Die to;
				if (dwarf_real_type(&inner, &to))
					m->type_name = dwarf_tag_name(&to);
			}
		}
	}
}

static void
dwarf_members(Dwarf_Die *st, uint64_t base, int depth, struct member_list *l)
{
	Dwarf_Die d;
	if (depth > MAX_NESTING || dwarf_child(st, &d) != 0)
		return;
	do {
		if (dwarf_tag(&d) != DW_TAG_member || dwarf_hasattr(&d, DW_AT_bit_size) ||
		    dwarf_hasattr(&d, DW_AT_data_bit_offset))
			continue;
		Dwarf_Attribute a;
		Dwarf_Word loc = 0;	/* a union's members have none */
		if (dwarf_attr(&d, DW_AT_data_member_location, &a) && dwarf_formudata(&a, &loc) != 0)
			continue;	/* a location expression: no plain offset */
		const char *name = dwarf_diename(&d);
		if (!name) {
			Dwarf_Die inner;
			if (dwarf_real_type(&d, &inner) &&
			    (dwarf_tag(&inner) == DW_TAG_structure_type || dwarf_tag(&inner) == DW_TAG_union_type))
				dwarf_members(&inner, base + loc, depth + 1, l);
			continue;
		}
		struct type_member m = { .name = name, .offset = base + loc };
		dwarf_describe(&d, &m);
		member_add(l, &m);
	} while (dwarf_siblingof(&d, &d) == 0);
}

static bool
dwarf_aggregate(const struct kernel_types *t, uint64_t key, const char **name, bool *is_union,
		uint64_t *size, struct member_list *l)
{
	Dwarf_Die st;
	if (!dwarf_offdie(t->dw, key, &st))
		return false;
	int tag = dwarf_tag(&st);
	if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
		return false;
	Dwarf_Word sz;
	*name = dwarf_diename(&st);
	*is_union = tag == DW_TAG_union_type;
	*size = dwarf_aggregate_size(&st, &sz) == 0 ? sz : 0;
	dwarf_members(&st, 0, 0, l);
	return true;
}
