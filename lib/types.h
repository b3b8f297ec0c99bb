/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Kernel types: the sizes and member offsets of the crashed kernel's
 * structures, from the BTF the kernel carries in its own image
 * (CONFIG_DEBUG_INFO_BTF: between the symbols __start_BTF and
 * __stop_BTF), parsed by libbpf, or else from the DWARF of a vmlinux
 * given (libdw). The walkers that identify objects ask here and do not
 * care where the layout came from.
 */
#ifndef VMMAP_TYPES_H
#define VMMAP_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include <vmmap/vmmap.h>

#include "kernel.h"

struct kernel_types;

/* The dump's BTF, or NULL with the reason in why (no BTF symbols, a
 * blob that is unreadable or that libbpf refuses). */
struct kernel_types *types_from_btf(struct kernel *k, char *why, size_t why_len);
/* Add the BTF the kernel keeps of its loaded modules (split BTF on
 * t's): their own structures are then found by types_find_aggregate().
 * Returns how many modules' BTF were added. */
size_t types_add_module_btf(struct kernel_types *t, struct kernel *k);
/* One module's BTF blob (split BTF on t's), already in memory (the
 * dump's, or a fuzzer's): false if it is refused. */
bool types_add_module_btf_data(struct kernel_types *t, const void *data, size_t len);
/* A BTF blob already in memory (the dump's, or a fuzzer's). */
struct kernel_types *types_from_btf_data(const void *data, size_t len, char *why, size_t why_len);
/* The DWARF of the vmlinux at path, or NULL with the reason. */
struct kernel_types *types_from_dwarf(const char *path, char *why, size_t why_len);
void types_destroy(struct kernel_types *t);
/* "btf" or "dwarf". */
const char *types_source(const struct kernel_types *t);

/* sizeof(struct name). */
bool types_struct_size(const struct kernel_types *t, const char *name, uint64_t *size);
/* offsetof(struct name, member), looking inside anonymous structs and
 * unions; *size gets the member's size (NULL: not wanted). False if
 * there is no such member (or it is a bit field). */
bool types_member(const struct kernel_types *t, const char *name, const char *member,
		  uint64_t *offset, uint64_t *size);
/* Has struct name this member? */
bool types_has_member(const struct kernel_types *t, const char *name, const char *member);
/* The value of an enumerator, in whichever enum declares it. */
bool types_enum_value(const struct kernel_types *t, const char *enumerator, int64_t *value);

/* A member of a structure or union, as vmmap.h's struct vmmap_member
 * describes it; the type it embeds by key. Names point into the BTF's
 * or the DWARF's strings: valid until types_destroy(). */
struct type_member {
	const char *name;
	uint64_t offset, size;
	enum vmmap_type_kind kind;
	const char *type_name;
	uint64_t type_key;	/* STRUCT, UNION or an ARRAY of them: that type (0: none) */
	enum vmmap_type_kind element_kind;
	uint64_t element_size, count;
};

/* The key of struct name, else of union name: false if neither. */
bool types_find_aggregate(const struct kernel_types *t, const char *name, uint64_t *key);
/* The structure or union of key: its tag (NULL if anonymous), whether it
 * is a union, its size and its members in order, those of anonymous
 * members in their place, bit fields left out; *members is malloc()ed.
 * False if key is no structure or union, or out of memory. */
bool types_aggregate(const struct kernel_types *t, uint64_t key, const char **name, bool *is_union,
		     uint64_t *size, struct type_member **members, size_t *n);

#endif
