/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The busy vmap areas are an rbtree keyed by address: vmap_area_root
 * until 6.8; from 6.9 one tree per vmap_node (vmap_nodes[nr_vmap_nodes],
 * each with busy.root). A vmap_area [va_start, va_end) points at its
 * vm_struct (addr, size with the guard page, flags, nr_pages,
 * phys_addr, caller), as /proc/vmallocinfo prints them. VM_IOREMAP 1,
 * VM_ALLOC 2, VM_MAP 4 and VM_USERMAP 8 have kept their values since
 * 2.6 (include/linux/vmalloc.h); later flags moved, and are not named.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "vmalloc.h"

#define MAX_DEPTH 128		/* an rbtree of 2^64 nodes is shallower */
#define MAX_NODES 1024

struct vmalloc_reader {
	struct kernel *kr;
	uint64_t *roots;		/* addresses of struct rb_root */
	size_t nroots;
	/* offsets */
	uint64_t va_start, va_end, va_rb, va_vm;
	uint64_t vm_addr, vm_size, vm_flags, vm_nr_pages, vm_phys, vm_caller;
	uint64_t rb_right, rb_left;
};

/* vmap_area_root, or every vmap_node's busy tree. */
static bool
find_roots(struct vmalloc_reader *r, const struct kernel_types *t)
{
	uint64_t root, nodes_var, nr_var, nodes, busy, node_size;
	uint32_t nr;
	r->roots = malloc(MAX_NODES * sizeof(*r->roots));
	if (!r->roots)
		return false;
	if (kernel_symbol(r->kr, "vmap_area_root", &root)) {
		r->roots[r->nroots++] = root;
		return true;
	}
	if (!kernel_symbol(r->kr, "vmap_nodes", &nodes_var) ||
	    !kernel_symbol(r->kr, "nr_vmap_nodes", &nr_var) || !kernel_read_u64(r->kr, nodes_var, &nodes) ||
	    !types_member(t, "vmap_node", "busy", &busy, NULL) ||
	    !types_struct_size(t, "vmap_node", &node_size))
		return false;
	struct vmmap_error *err = kernel_read(r->kr, nr_var, &nr, 4);
	vmmap_error_destroy(err);
	if (err || nr == 0 || nr > MAX_NODES)
		return false;
	for (uint32_t i = 0; i < nr; i++)	/* busy is a struct rb_list: root first */
		r->roots[r->nroots++] = nodes + i * node_size + busy;
	return true;
}

struct vmalloc_reader *
vmalloc_reader_new(struct kernel *kr, const struct kernel_types *t, char *why, size_t why_len)
{
	struct vmalloc_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	r->kr = kr;
	bool ok = types_member(t, "vmap_area", "va_start", &r->va_start, NULL) &&
		  types_member(t, "vmap_area", "va_end", &r->va_end, NULL) &&
		  types_member(t, "vmap_area", "rb_node", &r->va_rb, NULL) &&
		  types_member(t, "vmap_area", "vm", &r->va_vm, NULL) &&
		  types_member(t, "vm_struct", "addr", &r->vm_addr, NULL) &&
		  types_member(t, "vm_struct", "size", &r->vm_size, NULL) &&
		  types_member(t, "vm_struct", "flags", &r->vm_flags, NULL) &&
		  types_member(t, "vm_struct", "nr_pages", &r->vm_nr_pages, NULL) &&
		  types_member(t, "vm_struct", "phys_addr", &r->vm_phys, NULL) &&
		  types_member(t, "vm_struct", "caller", &r->vm_caller, NULL) &&
		  types_member(t, "rb_node", "rb_right", &r->rb_right, NULL) &&
		  types_member(t, "rb_node", "rb_left", &r->rb_left, NULL);
	if (!ok) {
		snprintf(why, why_len, "the kernel's BTF has no vmap_area/vm_struct layout");
		free(r);
		return NULL;
	}
	if (!find_roots(r, t)) {
		snprintf(why, why_len, "no vmap_area_root or vmap_nodes in the kernel's symbols");
		vmalloc_reader_destroy(r);
		return NULL;
	}
	return r;
}

void
vmalloc_reader_destroy(struct vmalloc_reader *r)
{
	if (!r)
		return;
	free(r->roots);
	free(r);
}

static const char *
vm_kind(uint64_t flags)
{
	if (flags & 0x1)
		return "ioremap";
	if (flags & 0x2)
		return "vmalloc";
	if (flags & 0x4)
		return "vmap";
	if (flags & 0x8)
		return "user";
	return NULL;
}

/* Fill out from the vm_struct of the area [start, end). */
static void
read_vm(struct vmalloc_reader *r, uint64_t va, struct vmmap_vmalloc_area *out)
{
	uint64_t vm, addr, size;
	if (!kernel_read_u64(r->kr, va + r->va_vm, &vm) || !vm || !kernel_read_u64(r->kr, vm + r->vm_addr, &addr) ||
	    !kernel_read_u64(r->kr, vm + r->vm_size, &size) || addr != out->start || size > out->end - out->start)
		return;	/* a vmap area without a vm_struct (vm_map_ram, being freed) */
	out->have_vm = true;
	uint64_t nr_pages = 0;
	bool ok = kernel_read_u64(r->kr, vm + r->vm_flags, &out->flags) &&
		  kernel_read_u64(r->kr, vm + r->vm_caller, &out->caller) &&
		  kernel_read_u64(r->kr, vm + r->vm_phys, &out->phys_addr);
	struct vmmap_error *err = kernel_read(r->kr, vm + r->vm_nr_pages, &nr_pages, 4);
	vmmap_error_destroy(err);
	out->nr_pages = nr_pages;
	out->kind = ok ? vm_kind(out->flags) : NULL;
}

bool
vmalloc_find(struct vmalloc_reader *r, uint64_t addr, struct vmmap_vmalloc_area *out)
{
	for (size_t i = 0; i < r->nroots; i++) {
		uint64_t node;
		if (!kernel_read_u64(r->kr, r->roots[i], &node))
			continue;
		for (int depth = 0; node && depth < MAX_DEPTH; depth++) {
			uint64_t va = node - r->va_rb, start, end;
			if (!kernel_read_u64(r->kr, va + r->va_start, &start) || !kernel_read_u64(r->kr, va + r->va_end, &end) ||
			    end <= start)
				break;
			if (addr >= start && addr < end) {
				*out = (struct vmmap_vmalloc_area){ .start = start, .end = end };
				read_vm(r, va, out);
				return true;
			}
			if (!kernel_read_u64(r->kr, node + (addr < start ? r->rb_left : r->rb_right), &node))
				break;
		}
	}
	return false;
}
