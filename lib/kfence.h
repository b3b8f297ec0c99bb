/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * KFENCE objects (mm/kfence, 5.12+): a sampled few slab allocations are
 * served from the KFENCE pool, one object per page between guard
 * pages, with the kernel's own record of each (struct kfence_metadata:
 * where the object starts, its size, cache and state). An address in
 * the pool is identified from that record, not by SLUB's layout, which
 * does not hold there.
 */
#ifndef VMMAP_KFENCE_H
#define VMMAP_KFENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <vmmap/vmmap.h>

#include "kernel.h"
#include "slab.h"
#include "types.h"

struct kfence_reader;

/* __kfence_pool's value, needing no BTF: 0 if there is none (no KFENCE,
 * or KFENCE off). */
uint64_t kfence_pool_start(struct kernel *kr);
/* Could addr lie in a pool starting at pool, however many objects it
 * has (CONFIG_KFENCE_NUM_OBJECTS at most 65535)? */
bool kfence_pool_may_hold(uint64_t pool, uint64_t addr);

/* NULL if the kernel has no KFENCE pool (no __kfence_pool, or NULL:
 * KFENCE off), or its BTF no struct kfence_metadata. types and slabs
 * (for cache names; may be NULL) are borrowed. */
struct kfence_reader *kfence_reader_new(struct kernel *kr, const struct kernel_types *types,
					struct slab_reader *slabs, uint64_t page_offset_base);
void kfence_reader_destroy(struct kfence_reader *r);

/* The pool's page frames, [*first, *end). */
void kfence_pool_pfns(const struct kfence_reader *r, uint64_t page_offset_base, uint64_t *first,
		      uint64_t *end);

/* Is the direct-map address addr in the KFENCE pool? Then true, and
 * out describes it: the object of its page (allocated or free, from
 * the kernel's record), or a guard page (VMMAP_OBJECT_PADDING). */
bool kfence_identify(struct kfence_reader *r, uint64_t addr, struct vmmap_object *out);

#endif
