/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Kernel types from a BTF blob (libbpf parses it, lib/types.c looks
 * members up through anonymous structs and unions): every question the
 * slab, vmalloc, task and module-symbol walkers ask, on corrupt types;
 * and whole layouts (lib/structs.c, vmmap_map_struct), every member of
 * every type they embed. An input that starts with a length n (4 bytes,
 * little-endian) within it is n bytes of the kernel's BTF then a
 * module's, split BTF on it; any other input is the kernel's alone. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "structs.h"
#include "types.h"

/* Every member of s and of the types it embeds (the layouts end loops
 * themselves: a type that embeds itself gets no layout), up to budget
 * members: types shared along many paths multiply. */
static uint64_t
walk(const struct vmmap_struct *s, int depth, unsigned *budget)
{
	uint64_t sum = 0;
	for (size_t i = 0; s && depth < 32 && i < s->num_members && *budget; i++, --*budget) {
		const struct vmmap_member *m = vmmap_struct_member(s, i);
		sum += m->offset + m->size + m->count + (m->name ? m->name[0] : 0) +
		       (m->type_name ? m->type_name[0] : 0);
		sum += walk(m->type, depth + 1, budget);
	}
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const questions[][2] = {
		{ "slab", "slab_cache" }, { "slab", "freelist" }, { "page", "slab_cache" },
		{ "kmem_cache", "name" }, { "kmem_cache", "size" }, { "kmem_cache", "cpu_slab" },
		{ "kmem_cache", "random" }, { "kmem_cache", "per_node" }, { "kmem_cache_cpu", "freelist" },
		{ "vmap_area", "vm" }, { "vm_struct", "caller" }, { "rb_node", "rb_left" },
		{ "task_struct", "comm" }, { "signal_struct", "thread_head" },
		{ "module", "kallsyms" }, { "mod_kallsyms", "strtab" },
		{ "loop_device", "lo_number" },	/* a module's */
	};
	char why[160];
	uint32_t n = size >= 4 ? (uint32_t)data[0] | data[1] << 8 | data[2] << 16 | (uint32_t)data[3] << 24 : 0;
	bool split = size >= 4 && n && n <= size - 4;
	struct kernel_types *t = types_from_btf_data(split ? data + 4 : data, split ? n : size, why,
						     sizeof(why));
	if (!t)
		return 0;
	if (split)
		types_add_module_btf_data(t, data + 4 + n, size - 4 - n);
	for (size_t i = 0; i < sizeof(questions) / sizeof(questions[0]); i++) {
		uint64_t off, sz;
		types_member(t, questions[i][0], questions[i][1], &off, &sz);
		types_struct_size(t, questions[i][0], &sz);
	}
	int64_t v;
	types_enum_value(t, "PGTY_slab", &v);
	struct struct_cache *c = structs_new();
	static volatile uint64_t sink;
	for (size_t i = 0; c && i < sizeof(questions) / sizeof(questions[0]); i++) {
		unsigned budget = 100000;
		sink += walk(structs_get(c, t, questions[i][0], why, sizeof(why)), 0, &budget);
	}
	structs_destroy(c);
	types_destroy(t);
	return 0;
}
