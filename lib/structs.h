/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Struct layouts for the public API (vmmap_map_struct): each structure
 * or union asked for, and those it embeds, built once from the kernel
 * types (types.h) and kept until the map is destroyed. Not locked: the
 * map calls it under its own lock.
 */
#ifndef VMMAP_STRUCTS_H
#define VMMAP_STRUCTS_H

#include <stddef.h>

#include <vmmap/vmmap.h>

#include "types.h"

struct struct_cache;

struct struct_cache *structs_new(void);
void structs_destroy(struct struct_cache *c);
/* The layout of struct (else union) name: NULL with the reason in why
 * when there is none (or out of memory). */
const struct vmmap_struct *structs_get(struct struct_cache *c, const struct kernel_types *t,
				       const char *name, char *why, size_t why_len);

#endif
