/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * KFENCE's pool and records (mm/kfence/core.c, kfence.h):
 *
 * - __kfence_pool points at the pool: 2 guard pages, then for each
 *   object i its page (2 + 2i) and a guard page after it; an object is
 *   placed at its page's start or end (kfence_guarded_alloc()).
 * - kfence_metadata holds a struct kfence_metadata per object: an array
 *   of CONFIG_KFENCE_NUM_OBJECTS until 6.6, a pointer to one allocated
 *   at boot since ("mm: kfence: allocate kfence_metadata at runtime").
 *   Its addr is the object's first byte (its page's start until first
 *   used: kfence_init_pool()), size the size asked for, cache and state
 *   (enum kfence_object_state, whose values the BTF gives).
 * The number of objects is no symbol: the records are counted from the
 * first while each one's addr lies in its own object's page, which is
 * also how the array is told from the pointer.
 */
#include "config.h"

#include <stdlib.h>

#include "kfence.h"

#define PAGE_SIZE 4096ULL
#define MAX_OBJECTS 65535ULL	/* CONFIG_KFENCE_NUM_OBJECTS's range */

struct kfence_reader {
	struct kernel *kr;		/* borrowed */
	struct slab_reader *slabs;	/* borrowed, may be NULL */
	uint64_t pool, pool_end;	/* [pool, pool_end): the pool in the direct map */
	uint64_t objects;		/* records found */
	uint64_t metadata;		/* the first record */
	uint64_t meta_size, off_state, off_addr, off_size, off_cache;
	bool have_states;
	int64_t allocated, freed, rcu_freeing;	/* enum kfence_object_state */
	bool have_rcu_freeing;
};

/* Object i's page. */
static uint64_t
object_page(const struct kfence_reader *r, uint64_t i)
{
	return r->pool + (2 + 2 * i) * PAGE_SIZE;
}

/* Record i's addr, if it lies in object i's page. */
static bool
record_addr(struct kfence_reader *r, uint64_t metadata, uint64_t i, uint64_t *addr)
{
	return kernel_read_u64(r->kr, metadata + i * r->meta_size + r->off_addr, addr) &&
	       (*addr & ~(PAGE_SIZE - 1)) == object_page(r, i);
}

/* The records: the array at the symbol, else what it points at. */
static bool
find_records(struct kfence_reader *r, uint64_t sym)
{
	uint64_t addr, ptr;
	if (record_addr(r, sym, 0, &addr))
		r->metadata = sym;
	else if (kernel_read_u64(r->kr, sym, &ptr) && record_addr(r, ptr, 0, &addr))
		r->metadata = ptr;
	else
		return false;
	for (r->objects = 1; r->objects < MAX_OBJECTS; r->objects++)
		if (!record_addr(r, r->metadata, r->objects, &addr))
			break;
	r->pool_end = r->pool + (2 + 2 * r->objects) * PAGE_SIZE;
	return true;
}

static bool
layout(struct kfence_reader *r, const struct kernel_types *t)
{
	if (!types_struct_size(t, "kfence_metadata", &r->meta_size) || !r->meta_size ||
	    !types_member(t, "kfence_metadata", "addr", &r->off_addr, NULL) ||
	    !types_member(t, "kfence_metadata", "size", &r->off_size, NULL) ||
	    !types_member(t, "kfence_metadata", "cache", &r->off_cache, NULL) ||
	    !types_member(t, "kfence_metadata", "state", &r->off_state, NULL))
		return false;
	r->have_states = types_enum_value(t, "KFENCE_OBJECT_ALLOCATED", &r->allocated) &&
			 types_enum_value(t, "KFENCE_OBJECT_FREED", &r->freed);
	r->have_rcu_freeing = types_enum_value(t, "KFENCE_OBJECT_RCU_FREEING", &r->rcu_freeing);
	return true;
}

uint64_t
kfence_pool_start(struct kernel *kr)
{
	uint64_t pool;
	return kernel_read_variable(kr, "__kfence_pool", &pool) ? pool : 0;
}

bool
kfence_pool_may_hold(uint64_t pool, uint64_t addr)
{
	return pool && addr >= pool && addr - pool < (2 + 2 * MAX_OBJECTS) * PAGE_SIZE;
}

struct kfence_reader *
kfence_reader_new(struct kernel *kr, const struct kernel_types *types, struct slab_reader *slabs,
		  uint64_t page_offset_base)
{
	uint64_t meta_sym, pool = kfence_pool_start(kr);
	if (!pool || pool < page_offset_base || pool % PAGE_SIZE ||
	    !kernel_symbol(kr, "kfence_metadata", &meta_sym))
		return NULL;
	struct kfence_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	*r = (struct kfence_reader){ .kr = kr, .slabs = slabs, .pool = pool };
	if (!layout(r, types) || !find_records(r, meta_sym)) {
		free(r);
		return NULL;
	}
	return r;
}

void
kfence_reader_destroy(struct kfence_reader *r)
{
	free(r);
}

void
kfence_pool_pfns(const struct kfence_reader *r, uint64_t page_offset_base, uint64_t *first,
		 uint64_t *end)
{
	*first = (r->pool - page_offset_base) / PAGE_SIZE;
	*end = (r->pool_end - page_offset_base) / PAGE_SIZE;
}

static enum vmmap_object_state
state_of(const struct kfence_reader *r, int64_t state, const char **note)
{
	if (!r->have_states) {
		*note = "a KFENCE object: its state is unknown (no enum kfence_object_state in the BTF)";
		return VMMAP_OBJECT_UNKNOWN;
	}
	if (state == r->allocated)
		return VMMAP_OBJECT_ALLOCATED;
	if (r->have_rcu_freeing && state == r->rcu_freeing) {
		*note = "a KFENCE object, freed: its RCU grace period was still running";
		return VMMAP_OBJECT_FREE;
	}
	if (state != r->freed)
		*note = "a KFENCE object never handed out, or not since boot";
	return VMMAP_OBJECT_FREE;
}

bool
kfence_identify(struct kfence_reader *r, uint64_t addr, struct vmmap_object *out)
{
	if (!r || addr < r->pool || addr >= r->pool_end)
		return false;
	*out = (struct vmmap_object){ .kind = VMMAP_OBJECT_SLAB, .state = VMMAP_OBJECT_PADDING };
	uint64_t page = (addr - r->pool) / PAGE_SIZE;
	if (page < 2 || page % 2) {
		out->note = "a KFENCE guard page: an access here is the fault KFENCE reports";
		return true;
	}
	uint64_t i = page / 2 - 1, rec = r->metadata + i * r->meta_size, start, size, cache;
	uint32_t state;
	struct vmmap_error *err = kernel_read(r->kr, rec + r->off_state, &state, sizeof(state));
	vmmap_error_destroy(err);
	if (err || !kernel_read_u64(r->kr, rec + r->off_addr, &start) ||
	    !kernel_read_u64(r->kr, rec + r->off_size, &size) ||
	    !kernel_read_u64(r->kr, rec + r->off_cache, &cache) ||
	    (start & ~(PAGE_SIZE - 1)) != object_page(r, i) || size > PAGE_SIZE ||
	    start + size > object_page(r, i) + PAGE_SIZE) {
		out->note = "a KFENCE object page whose record (kfence_metadata) is unreadable or corrupt";
		return true;
	}
	uint64_t object_size;
	if (!cache || !r->slabs || !slab_cache_info(r->slabs, cache, &out->cache, &object_size))
		out->cache = NULL;
	out->cache_addr = cache;
	out->object_size = size;
	out->slot_size = PAGE_SIZE;
	if (addr < start || addr >= start + size) {
		out->note = "in a KFENCE object's page, outside the object: KFENCE's canary bytes";
		return true;
	}
	out->start = start;
	out->offset = addr - start;
	out->note = "a KFENCE object: start, size and state are the kernel's own record";
	out->state = state_of(r, (int32_t)state, &out->note);
	return true;
}
