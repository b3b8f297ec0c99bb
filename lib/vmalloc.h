/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * vmalloc areas: the vmap_area holding an address (the kernel's rbtree
 * of busy areas, mm/vmalloc.c) and its vm_struct (range, flags, pages,
 * caller), with the layout from the dump's BTF.
 */
#ifndef VMMAP_VMALLOC_H
#define VMMAP_VMALLOC_H

#include <stdint.h>
#include <vmmap/vmmap.h>

#include "kernel.h"
#include "types.h"

struct vmalloc_reader;

/* NULL with the reason in why. */
struct vmalloc_reader *vmalloc_reader_new(struct kernel *kr, const struct kernel_types *types,
					  char *why, size_t why_len);
void vmalloc_reader_destroy(struct vmalloc_reader *r);
/* The busy area holding addr: false if none (free vmalloc space, or a
 * tree the walk could not follow). out's caller symbol is left NULL. */
bool vmalloc_find(struct vmalloc_reader *r, uint64_t addr, struct vmmap_vmalloc_area *out);

#endif
