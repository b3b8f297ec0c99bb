/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * SLUB objects, walked with the kernel's own types (mm/slub.c, mm/slab.h):
 *
 * - A slab's first struct page is its struct slab (5.17+; before, the
 *   same fields sit in struct page): slab_cache, and freelist, the first
 *   free object. Objects lie every s->size bytes from the slab's start,
 *   each s->red_left_pad into its slot when red zones are on.
 * - A free object holds the next free one at s->offset. With
 *   CONFIG_SLAB_FREELIST_HARDENED (struct kmem_cache has random) it is
 *   stored as next ^ s->random ^ swab(where it is stored) (5.7+, commit
 *   1ad53d9fa3f6; before, without swab).
 * - A CPU's current slab hands objects out from that CPU's own freelist
 *   (struct kmem_cache_cpu, per-cpu at s->cpu_slab); 7.x caches free
 *   objects in per-cpu sheaves (s->cpu_sheaves: main and spare arrays).
 * Every walk is bounded by the slab's object count: a freelist that
 * leaves the slab or runs longer is corrupt, never followed further.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "percpu.h"
#include "slab.h"
#include "source.h"

#define PAGE_SIZE 4096ULL
#define MAX_CACHES 4096
#define MAX_SHEAF 4096
#define RAM_SLOTS 256	/* 1 MiB of pages read */

/* Member offsets, each found in the dump's BTF or absent (have_*). */
struct slab_layout {
	const char *slab_struct;	/* "slab", or "page" before 5.17 */
	uint64_t slab_cache, slab_freelist;
	uint64_t name, size, object_size, offset;
	bool have_random, have_red_left_pad, have_inuse, have_cpu_slab, have_sheaves;
	uint64_t random, red_left_pad, inuse, cpu_slab, cpu_sheaves;
	uint64_t cpu_freelist, cpu_slab_slab;	/* in kmem_cache_cpu */
	uint64_t sheaves_main, sheaves_spare, sheaf_size, sheaf_objects;
	/* node partial lists, for the census; 7.x keeps each node's
	 * pointer in per_node[] beside its sheaf barn */
	bool have_nodes;
	uint64_t node, node_stride, node_partial, slab_list;
	bool have_barn;
	uint64_t barn, barn_full, sheaf_list;
	/* slub_debug's flags in kmem_cache.flags */
	bool have_flags;
	uint64_t flags;
	uint64_t red_zone_flag, poison_flag, object_poison_flag;
	/* kmalloc's red zone past the size asked for (6.2+): a kmalloc
	 * cache storing its users (SLAB_KMALLOC, SLAB_STORE_USER) keeps
	 * that size after the two struct tracks */
	bool have_orig_size;
	uint64_t kmalloc_flag, store_user_flag, track_size;
};

/* What is read of one kmem_cache, once. */
struct cache {
	uint64_t addr;
	char name[64];
	uint64_t size, object_size, offset, random, red_left_pad, inuse, cpu_slab, cpu_sheaves;
	uint64_t flags;
};

struct slab_reader {
	struct kernel *kr;		/* borrowed */
	uint64_t page_offset_base;
	struct slab_layout l;
	bool swab;			/* hardened pointers with swab (5.7+) */
	struct percpu cpus;		/* __per_cpu_offset[], nr_cpu_ids */
	struct cache **caches;		/* pointers: names stay put */
	size_t ncaches, cap;
	uint64_t ram_end;		/* max_pfn's address: 0 if unknown */
	struct ram_copy { uint64_t page; bool valid; uint8_t data[4096]; } *ram;	/* RAM_SLOTS */
};

static bool
member(const struct kernel_types *t, const char *s, const char *m, uint64_t *off)
{
	return types_member(t, s, m, off, NULL);
}

/* s->node[nid] until 6.x; s->per_node[nid].node and .barn in 7.x. */
static void
layout_nodes(const struct kernel_types *t, struct slab_layout *l)
{
	uint64_t per_node, in_ptrs;
	if (member(t, "kmem_cache", "node", &l->node)) {
		l->node_stride = 8;
	} else if (member(t, "kmem_cache", "per_node", &per_node) &&
		   member(t, "kmem_cache_per_node_ptrs", "node", &in_ptrs) &&
		   types_struct_size(t, "kmem_cache_per_node_ptrs", &l->node_stride)) {
		l->node = per_node + in_ptrs;
		l->have_barn = member(t, "kmem_cache_per_node_ptrs", "barn", &l->barn) &&
			       member(t, "node_barn", "sheaves_full", &l->barn_full) &&
			       member(t, "slab_sheaf", "barn_list", &l->sheaf_list);
		l->barn += per_node;
	} else {
		return;
	}
	l->have_nodes = member(t, "kmem_cache_node", "partial", &l->node_partial) &&
			(member(t, l->slab_struct, "slab_list", &l->slab_list) ||
			 member(t, l->slab_struct, "lru", &l->slab_list));
}

/* One of slub_debug's flags: a bit of enum _slab_flag_bits where the
 * BTF has it (6.10+ declare the flags so), else its value from before
 * (include/linux/slab.h; __OBJECT_POISON in mm/slub.c). */
static uint64_t
debug_flag(const struct kernel_types *t, const char *bit_name, uint64_t old_value, bool *missing)
{
	int64_t bit;
	if (types_enum_value(t, bit_name, &bit))
		return bit >= 0 && bit < 32 ? 1ULL << bit : 0;
	*missing = true;
	return old_value;
}

/* Which of kmem_cache.flags turn on red zones (SLAB_RED_ZONE), poisoning
 * (SLAB_POISON) and the poisoning of the object itself
 * (__OBJECT_POISON: no constructor, not SLAB_TYPESAFE_BY_RCU). Without
 * the enum in a kernel of 6.10 or later, the old values would be wrong:
 * no flags then. */
static void
layout_debug_flags(const struct kernel_types *t, uint64_t version, struct slab_layout *l)
{
	bool missing = false;
	l->red_zone_flag = debug_flag(t, "_SLAB_RED_ZONE", 0x400, &missing);
	l->poison_flag = debug_flag(t, "_SLAB_POISON", 0x800, &missing);
	l->object_poison_flag = debug_flag(t, "_SLAB_OBJECT_POISON", 0x80000000, &missing);
	l->kmalloc_flag = debug_flag(t, "_SLAB_KMALLOC", 0x1000, &missing);
	l->store_user_flag = debug_flag(t, "_SLAB_STORE_USER", 0x10000, &missing);
	l->have_flags = member(t, "kmem_cache", "flags", &l->flags) &&
			!(missing && (version == 0 || version >= KV(6, 10, 0)));
	/* mm/slub.c, "mm/slub: extend redzone check to
	 * extra allocated kmalloc space than requested" (6.2) */
	l->have_orig_size = l->have_flags && version >= KV(6, 2, 0) &&
			    types_struct_size(t, "track", &l->track_size) && l->track_size;
}

static bool
layout_caches(const struct kernel_types *t, struct slab_layout *l)
{
	l->slab_struct = types_has_member(t, "slab", "slab_cache") ? "slab" : "page";
	if (!member(t, l->slab_struct, "slab_cache", &l->slab_cache) ||
	    !member(t, l->slab_struct, "freelist", &l->slab_freelist) ||
	    !member(t, "kmem_cache", "name", &l->name) || !member(t, "kmem_cache", "size", &l->size) ||
	    !member(t, "kmem_cache", "object_size", &l->object_size) ||
	    !member(t, "kmem_cache", "offset", &l->offset))
		return false;
	l->have_random = member(t, "kmem_cache", "random", &l->random);
	l->have_red_left_pad = member(t, "kmem_cache", "red_left_pad", &l->red_left_pad);
	l->have_inuse = member(t, "kmem_cache", "inuse", &l->inuse);
	l->have_cpu_slab = member(t, "kmem_cache", "cpu_slab", &l->cpu_slab) &&
			   member(t, "kmem_cache_cpu", "freelist", &l->cpu_freelist) &&
			   (member(t, "kmem_cache_cpu", "slab", &l->cpu_slab_slab) ||
			    member(t, "kmem_cache_cpu", "page", &l->cpu_slab_slab));
	l->have_sheaves = member(t, "kmem_cache", "cpu_sheaves", &l->cpu_sheaves) &&
			  member(t, "slub_percpu_sheaves", "main", &l->sheaves_main) &&
			  member(t, "slab_sheaf", "size", &l->sheaf_size) &&
			  member(t, "slab_sheaf", "objects", &l->sheaf_objects);
	if (l->have_sheaves && !member(t, "slub_percpu_sheaves", "spare", &l->sheaves_spare))
		l->sheaves_spare = l->sheaves_main;
	layout_nodes(t, l);
	return true;
}

struct slab_reader *
slab_reader_new(struct kernel *kr, const struct kernel_types *types, uint64_t page_offset_base,
		char *why, size_t why_len)
{
	struct slab_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	r->kr = kr;
	r->page_offset_base = page_offset_base;
	r->ram = calloc(RAM_SLOTS, sizeof(*r->ram));
	if (!r->ram) {
		snprintf(why, why_len, "out of memory");
		free(r);
		return NULL;
	}
	if (!layout_caches(types, &r->l)) {
		snprintf(why, why_len, "the kernel's BTF has no SLUB layout (struct slab/kmem_cache)");
		slab_reader_destroy(r);
		return NULL;
	}
	uint64_t v = kernel_version(kr), max_pfn;
	r->swab = v == 0 || v >= KV(5, 7, 0);
	layout_debug_flags(types, v, &r->l);
	if (kernel_read_variable(kr, "max_pfn", &max_pfn) && max_pfn < (1ULL << 40))
		r->ram_end = max_pfn << 12;
	if ((r->l.have_cpu_slab || r->l.have_sheaves) && !percpu_load(kr, &r->cpus)) {
		r->l.have_cpu_slab = r->l.have_sheaves = false;	/* noted per object */
	}
	return r;
}

void
slab_reader_destroy(struct slab_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncaches; i++)
		free(r->caches[i]);
	free(r->caches);
	percpu_fini(&r->cpus);
	free(r->ram);
	free(r);
}

/* ------------------------------------------------------------------ */
/* Reading */

/* A physical page of RAM through a small cache of the reader's own: a
 * walk reads the same slab pages again and again, and each read of the
 * source is a lookup in libkdumpfile (and a pread(2) on a miss). */
static struct vmmap_error *
read_ram(struct slab_reader *r, uint64_t phys, void *buf, size_t len)
{
	uint64_t page = phys & ~4095ULL;
	struct ram_copy *c = &r->ram[(page >> 12) % RAM_SLOTS];
	if (!c->valid || c->page != page) {
		struct vmmap_error *err = source_read_phys(r->kr->src, page, c->data, 4096);
		if (err) {
			c->valid = false;
			return err;
		}
		c->page = page;
		c->valid = true;
	}
	memcpy(buf, c->data + (phys & 4095), len);
	return NULL;
}

/* Slab memory and caches live in the direct map of RAM, which is
 * linear (__pa()): read it without a page walk each time; the rest
 * (struct slab in vmemmap, per-cpu areas, vmalloc) through the page
 * tables. RAM ends at max_pfn; other regions may lie within the direct
 * map region's span (KASLR packs them), never below that end. */
static struct vmmap_error *
read_kernel(struct slab_reader *r, uint64_t addr, void *buf, size_t len)
{
	uint64_t off = addr - r->page_offset_base;
	if (addr >= r->page_offset_base && off < r->ram_end && (off & 4095) + len <= 4096)
		return read_ram(r, off, buf, len);
	return kernel_read(r->kr, addr, buf, len);
}

static bool
read_u64(struct slab_reader *r, uint64_t addr, uint64_t *v)
{
	struct vmmap_error *err = read_kernel(r, addr, v, sizeof(*v));
	vmmap_error_destroy(err);
	return !err;
}

static bool
read_u32(struct slab_reader *r, uint64_t addr, uint64_t *v)
{
	uint32_t x;
	struct vmmap_error *err = read_kernel(r, addr, &x, sizeof(x));
	vmmap_error_destroy(err);
	*v = x;
	return !err;
}

/* The name a kmem_cache points at: printable, at most 62 bytes; "?"
 * if it is not. */
static void
read_name(struct slab_reader *r, uint64_t ptr, char *buf, size_t size)
{
	size_t len;
	if (!kernel_read_string(r->kr, ptr, buf, size, &len) || !len)
		goto bad;
	for (size_t i = 0; i < len; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			goto bad;
	return;
bad:
	snprintf(buf, size, "?");
}

/* The kmem_cache at addr, read once and kept. */
static const struct cache *
cache_at(struct slab_reader *r, uint64_t addr)
{
	for (size_t i = 0; i < r->ncaches; i++)
		if (r->caches[i]->addr == addr)
			return r->caches[i];
	struct cache c = { .addr = addr };
	uint64_t name;
	const struct slab_layout *l = &r->l;
	if (!read_u64(r, addr + l->name, &name) || !read_u32(r, addr + l->size, &c.size) ||
	    !read_u32(r, addr + l->object_size, &c.object_size) ||
	    !read_u32(r, addr + l->offset, &c.offset) ||
	    (l->have_random && !read_u64(r, addr + l->random, &c.random)) ||
	    (l->have_red_left_pad && !read_u32(r, addr + l->red_left_pad, &c.red_left_pad)) ||
	    (l->have_inuse && !read_u32(r, addr + l->inuse, &c.inuse)) ||
	    (l->have_cpu_slab && !read_u64(r, addr + l->cpu_slab, &c.cpu_slab)) ||
	    (l->have_sheaves && !read_u64(r, addr + l->cpu_sheaves, &c.cpu_sheaves)) ||
	    (l->have_flags && !read_u32(r, addr + l->flags, &c.flags)))
		return NULL;
	if (c.size == 0 || c.size > (64ULL << 20) || c.object_size > c.size ||
	    c.offset + 8 > c.size || c.red_left_pad >= c.size)
		return NULL;	/* no cache looks like this */
	if (c.inuse < c.object_size || c.inuse > c.size)
		c.inuse = 0;	/* unknown: not told apart below */
	read_name(r, name, c.name, sizeof(c.name));
	if (r->ncaches == r->cap) {
		if (r->cap >= MAX_CACHES)
			return NULL;
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct cache **caches = realloc(r->caches, cap * sizeof(*caches));
		if (!caches)
			return NULL;
		r->caches = caches;
		r->cap = cap;
	}
	struct cache *copy = malloc(sizeof(*copy));
	if (!copy)
		return NULL;
	*copy = c;
	r->caches[r->ncaches++] = copy;
	return copy;
}

bool
slab_cache_info(struct slab_reader *r, uint64_t cache_addr, const char **name, uint64_t *object_size)
{
	const struct cache *c = cache_at(r, cache_addr);
	if (!c)
		return false;
	*name = c->name;
	*object_size = c->object_size;
	return true;
}

/* ------------------------------------------------------------------ */
/* Freelists */

struct slab_span {
	uint64_t base;		/* the slab's first byte (direct map) */
	uint64_t nobjects;
	const struct cache *c;
};

/* Is p the start of one of the slab's objects? */
static bool
object_start(const struct slab_span *s, uint64_t p)
{
	if (p < s->base + s->c->red_left_pad)
		return false;
	uint64_t rel = p - s->base - s->c->red_left_pad;
	return rel % s->c->size == 0 && rel / s->c->size < s->nobjects;
}

/* The free pointer stored at where (mm/slub.c, freelist_ptr_decode). */
static uint64_t
decode_free_pointer(const struct slab_reader *r, const struct cache *c, uint64_t stored,
		    uint64_t where)
{
	if (!r->l.have_random)
		return stored;
	return stored ^ c->random ^ (r->swab ? __builtin_bswap64(where) : where);
}

enum walk { WALK_NOT_FOUND, WALK_FOUND, WALK_CORRUPT, WALK_MISSING };

/* The next free object after p, or why not: memory the dump lacks (a
 * failed read, or a hardened pointer stored as 0, which no kernel
 * writes: makedumpfile's ELF output zero-fills pages it filters out). */
static enum walk
next_free(struct slab_reader *r, const struct cache *c, uint64_t p, uint64_t *next)
{
	uint64_t stored;
	if (!read_u64(r, p + c->offset, &stored) || (r->l.have_random && stored == 0))
		return WALK_MISSING;
	*next = decode_free_pointer(r, c, stored, p + c->offset);
	return WALK_NOT_FOUND;
}

static void
push_range(struct slab_census *cs, struct slab_free_object **v, size_t *n, size_t *cap,
	   uint64_t start, uint64_t end, size_t cache)
{
	if (!cs || !cs->collect || cs->collect_failed)
		return;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 4096;
		struct slab_free_object *nv = realloc(*v, c * sizeof(**v));
		if (!nv) {
			cs->collect_failed = true;
			return;
		}
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = (struct slab_free_object){ start, end, cache };
}

/* Keep a free object for the census's list, if it keeps one. */
static void
collect_free(struct slab_census *cs, uint64_t start, uint64_t size, size_t cache)
{
	if (cs)
		push_range(cs, &cs->objs, &cs->nobjs, &cs->cap_objs, start, start + size, cache);
}

/* Follow a freelist from first: how many objects it holds, each kept
 * in cs's list if it collects, stopping at target if it is on it
 * (*found). -1 if the list leaves the slab or loops, -2 if the dump
 * lacks the slab's memory. */
static int64_t
freelist_walk(struct slab_reader *r, const struct slab_span *s, uint64_t first, uint64_t target,
	      bool *found, struct slab_census *cs, size_t cache)
{
	int64_t n = 0;
	*found = false;
	for (uint64_t p = first; p; n++) {
		if ((uint64_t)n > s->nobjects || !object_start(s, p))
			return -1;
		if (target && p == target) {
			*found = true;
			return n;
		}
		collect_free(cs, p, s->c->object_size, cache);
		if (next_free(r, s->c, p, &p) == WALK_MISSING)
			return -2;
	}
	return n;
}

/* Is target on the freelist from first? */
static enum walk
walk_freelist(struct slab_reader *r, const struct slab_span *s, uint64_t first, uint64_t target)
{
	bool found;
	int64_t n = freelist_walk(r, s, first, target, &found, NULL, 0);
	return found ? WALK_FOUND : n == -1 ? WALK_CORRUPT : n == -2 ? WALK_MISSING : WALK_NOT_FOUND;
}

/* How many objects a freelist holds (each kept in cs's list if it
 * collects); -1 or -2 as freelist_walk(). */
static int64_t
freelist_visit(struct slab_reader *r, const struct slab_span *s, uint64_t first,
	       struct slab_census *cs, size_t cache)
{
	bool found;
	return freelist_walk(r, s, first, 0, &found, cs, cache);
}

/* On the freelist of a CPU whose current slab this is? */
static enum walk
walk_cpu_freelists(struct slab_reader *r, const struct slab_span *s, uint64_t slab_addr,
		   uint64_t target)
{
	for (unsigned cpu = 0; cpu < r->cpus.n; cpu++) {
		uint64_t kcc = percpu_addr(&r->cpus, s->c->cpu_slab, cpu), slab, freelist;
		if (!read_u64(r, kcc + r->l.cpu_slab_slab, &slab) || slab != slab_addr)
			continue;
		if (!read_u64(r, kcc + r->l.cpu_freelist, &freelist))
			return WALK_CORRUPT;
		enum walk w = walk_freelist(r, s, freelist, target);
		if (w != WALK_NOT_FOUND)
			return w;
	}
	return WALK_NOT_FOUND;
}

#define NO_SHEAF UINT64_MAX

/* Call visit on each object a sheaf caches (7.x) until it returns
 * true (then true); *size: how many the sheaf holds, NO_SHEAF if its
 * size is unreadable or absurd. */
static bool
sheaf_objects(struct slab_reader *r, uint64_t sheaf, bool (*visit)(void *arg, uint64_t object),
	      void *arg, uint64_t *size)
{
	uint64_t objs[64];
	if (!sheaf || !read_u32(r, sheaf + r->l.sheaf_size, size) || *size > MAX_SHEAF) {
		*size = NO_SHEAF;
		return false;
	}
	for (uint64_t i = 0; i < *size; i += 64) {
		uint64_t n = *size - i < 64 ? *size - i : 64;
		struct vmmap_error *err = kernel_read(r->kr, sheaf + r->l.sheaf_objects + i * 8, objs, n * 8);
		vmmap_error_destroy(err);
		for (uint64_t j = 0; !err && j < n; j++)
			if (visit(arg, objs[j]))
				return true;
	}
	return false;
}

/* Call visit on each of a cache's sheaves (7.x) until it returns true
 * (then true): every CPU's main and spare, then the full ones in each
 * node's barn (a bounded walk of its list). */
static bool
for_each_sheaf(struct slab_reader *r, const struct cache *c,
	       bool (*visit)(struct slab_reader *r, uint64_t sheaf, void *arg), void *arg)
{
	for (unsigned cpu = 0; cpu < r->cpus.n; cpu++) {
		uint64_t pcs = percpu_addr(&r->cpus, c->cpu_sheaves, cpu), sheaf;
		if ((read_u64(r, pcs + r->l.sheaves_main, &sheaf) && visit(r, sheaf, arg)) ||
		    (r->l.sheaves_spare != r->l.sheaves_main &&
		     read_u64(r, pcs + r->l.sheaves_spare, &sheaf) && visit(r, sheaf, arg)))
			return true;
	}
	for (unsigned nid = 0; r->l.have_barn && nid < 64; nid++) {
		uint64_t barn, pos;
		if (!read_u64(r, c->addr + r->l.barn + nid * r->l.node_stride, &barn) || !barn)
			break;
		uint64_t list = barn + r->l.barn_full;
		if (!read_u64(r, list, &pos))
			break;
		for (unsigned steps = 0; pos != list && steps < 4096; steps++) {
			if (visit(r, pos - r->l.sheaf_list, arg))
				return true;
			if (!read_u64(r, pos, &pos))
				break;
		}
	}
	return false;
}

static bool
is_target(void *arg, uint64_t object)
{
	return object == *(const uint64_t *)arg;
}

static bool
sheaf_holds(struct slab_reader *r, uint64_t sheaf, void *target)
{
	uint64_t size;
	return sheaf_objects(r, sheaf, is_target, target, &size);
}

/* In one of the CPUs' main or spare sheaf, or a full sheaf of a node's
 * barn (7.x)? */
static bool
in_sheaves(struct slab_reader *r, const struct cache *c, uint64_t target)
{
	return for_each_sheaf(r, c, sheaf_holds, &target);
}

/* ------------------------------------------------------------------ */

static void
object_state(struct slab_reader *r, const struct slab_span *s, uint64_t slab_addr,
	     struct vmmap_object *out)
{
	uint64_t freelist;
	if (!read_u64(r, slab_addr + r->l.slab_freelist, &freelist)) {
		out->note = "the slab's freelist is not readable";
		return;
	}
	enum walk own = walk_freelist(r, s, freelist, out->start);
	if (own == WALK_FOUND) {
		out->state = VMMAP_OBJECT_FREE;
		return;
	}
	enum walk cpu = r->l.have_cpu_slab ? walk_cpu_freelists(r, s, slab_addr, out->start)
					   : WALK_NOT_FOUND;
	if (cpu == WALK_FOUND || (r->l.have_sheaves && in_sheaves(r, s->c, out->start))) {
		out->state = VMMAP_OBJECT_FREE_PERCPU;
		return;
	}
	if (own == WALK_MISSING || cpu == WALK_MISSING) {
		out->note = "the slab's memory is not in the dump (filtered out): free or allocated unknown";
		return;
	}
	if (own == WALK_CORRUPT || cpu == WALK_CORRUPT) {
		out->state = VMMAP_OBJECT_CORRUPT;
		out->note = "a freelist of the slab leaves it or loops";
		return;
	}
	out->state = VMMAP_OBJECT_ALLOCATED;
	if (r->l.have_sheaves && !r->l.have_barn)
		out->note = "the nodes' sheaf barns are not known: an object cached there shows as allocated";
	else if (!r->l.have_cpu_slab && !r->l.have_sheaves)
		out->note = "the CPUs' freelists are not readable: an object on one shows as allocated";
}

/* ------------------------------------------------------------------ */
/* slub_debug's checks: what init_object() writes into a slot and
 * check_object() expects there (mm/slub.c), with the values of
 * include/linux/poison.h */

#define SLUB_RED_INACTIVE 0xbb
#define SLUB_RED_ACTIVE 0xcc
#define POISON_INUSE 0x5a
#define POISON_FREE 0x6b
#define POISON_END 0xa5
#define CHECK_MAX (64u << 10)	/* larger objects: not checked */

/* Read len bytes at addr, a page at a time. */
static bool
read_bytes(struct slab_reader *r, uint64_t addr, uint8_t *buf, uint64_t len)
{
	for (uint64_t done = 0; done < len;) {
		uint64_t in_page = PAGE_SIZE - ((addr + done) & (PAGE_SIZE - 1));
		uint64_t n = len - done < in_page ? len - done : in_page;
		struct vmmap_error *err = read_kernel(r, addr + done, buf + done, n);
		if (err) {
			vmmap_error_destroy(err);
			return false;
		}
		done += n;
	}
	return true;
}

/* The worse of two results: overwritten, else unreadable, else intact. */
static enum vmmap_check
worse(enum vmmap_check a, enum vmmap_check b)
{
	static const int rank[] = { [VMMAP_CHECK_UNCHECKED] = 0, [VMMAP_CHECK_INTACT] = 1,
				    [VMMAP_CHECK_UNREADABLE] = 2, [VMMAP_CHECK_OVERWRITTEN] = 3 };
	return rank[a] >= rank[b] ? a : b;
}

/* Do the len bytes at addr all hold value? Each that does not is
 * counted in ck, the first of all (checks are made in slot order) kept
 * as its damage, named part. */
static enum vmmap_check
check_bytes(struct slab_reader *r, uint64_t addr, uint64_t len, uint8_t value, const char *part,
	    struct vmmap_slab_check *ck)
{
	enum vmmap_check result = VMMAP_CHECK_INTACT;
	uint8_t buf[512];
	for (uint64_t done = 0; done < len; done += sizeof(buf)) {
		uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		if (!read_bytes(r, addr + done, buf, n))
			return worse(result, VMMAP_CHECK_UNREADABLE);
		for (uint64_t i = 0; i < n; i++) {
			if (buf[i] == value)
				continue;
			result = VMMAP_CHECK_OVERWRITTEN;
			ck->damaged_bytes++;
			if (!ck->damage) {
				ck->damage = part;
				ck->damage_addr = addr + done + i;
				ck->found = buf[i];
				ck->expected = value;
			}
		}
	}
	return result;
}

/* The size kmalloc was asked for, of an allocated object of a kmalloc
 * cache that stores it (mm/slub.c get_orig_size(): after the free
 * pointer kept past the object, if it is, and the two struct tracks). */
static bool
kmalloc_orig_size(struct slab_reader *r, const struct cache *c, uint64_t start, uint64_t *asked)
{
	const struct slab_layout *l = &r->l;
	if (!l->have_orig_size || !(c->flags & l->kmalloc_flag) || !(c->flags & l->store_user_flag))
		return false;
	uint64_t info_end = c->offset >= c->inuse ? c->inuse + 8 : c->inuse;
	uint64_t at = info_end + 2 * l->track_size;
	if (at + 4 > c->size - c->red_left_pad)
		return false;
	return read_u32(r, start + at, asked) && *asked <= c->object_size;
}

/* check_object()'s checks of the object at start, allocated or free,
 * in slot order: its left red zone, the poison of a free object and its
 * end byte, its right red zone (or, poisoned without red zones, its
 * padding to a word). False if the cache does none of them or the
 * state is not known. */
static bool
check_object(struct slab_reader *r, const struct cache *c, uint64_t start,
	     enum vmmap_object_state state, struct vmmap_slab_check *ck)
{
	*ck = (struct vmmap_slab_check){ 0 };
	const struct slab_layout *l = &r->l;
	bool red = l->have_flags && (c->flags & l->red_zone_flag) && c->red_left_pad && c->inuse;
	bool poison = l->have_flags && (c->flags & l->poison_flag) && c->object_size;
	bool allocated = state == VMMAP_OBJECT_ALLOCATED;
	if ((!red && !poison) || c->size > CHECK_MAX ||
	    (!allocated && state != VMMAP_OBJECT_FREE && state != VMMAP_OBJECT_FREE_PERCPU))
		return false;
	uint8_t red_value = allocated ? SLUB_RED_ACTIVE : SLUB_RED_INACTIVE;
	uint64_t end = start + c->object_size;
	if (red)
		ck->red_zone = check_bytes(r, start - c->red_left_pad, c->red_left_pad, red_value,
					   "left red zone", ck);
	if (poison && !allocated && (c->flags & l->object_poison_flag))
		ck->poison = worse(check_bytes(r, start, c->object_size - 1, POISON_FREE, "poison", ck),
				   check_bytes(r, end - 1, 1, POISON_END, "end poison", ck));
	uint64_t asked;
	if (red && allocated && kmalloc_orig_size(r, c, start, &asked) && asked < c->object_size)
		ck->red_zone = worse(ck->red_zone, check_bytes(r, start + asked, c->object_size - asked,
							       SLUB_RED_ACTIVE, "kmalloc red zone", ck));
	if (red)
		ck->red_zone = worse(ck->red_zone, check_bytes(r, end, c->inuse - c->object_size,
							       red_value, "right red zone", ck));
	else if (poison && c->inuse > c->object_size)
		ck->poison = worse(ck->poison, check_bytes(r, end, c->inuse - c->object_size,
							   POISON_INUSE, "padding", ck));
	return true;
}

/* What lies offset bytes into an object's slot, past its object_size
 * bytes (mm/slub.c, the layout comment above check_pad_bytes(), and
 * calculate_sizes()): up to s->inuse padding to a word, the right red
 * zone with slub_debug's Z; then the free pointer when it cannot
 * overlay the object (poisoning, a constructor, SLAB_TYPESAFE_BY_RCU:
 * s->offset >= s->inuse), slub_debug's stored tracks (U) and kmalloc's
 * requested size, padding to the cache's alignment. */
static const char *
past_object(const struct cache *c, uint64_t offset)
{
	if (c->inuse && offset < c->inuse)
		return "past the object: padding to a word or its right red zone (slub_debug's Z)";
	if (c->offset >= c->object_size && offset >= c->offset && offset < c->offset + 8)
		return "past the object: its free pointer, kept there (poisoning, a constructor or RCU)";
	if (c->inuse)
		return "past the object: slub_debug's stored tracks (U), kmalloc's requested size or padding";
	return "past the object: padding or metadata of its slot";
}

bool
slab_identify(struct slab_reader *r, uint64_t addr, uint64_t head_pfn, uint64_t slab_addr,
	      int order, struct vmmap_object *out, struct vmmap_slab_check *check)
{
	*out = (struct vmmap_object){ .kind = VMMAP_OBJECT_SLAB };
	*check = (struct vmmap_slab_check){ 0 };
	if (order < 0 || order > 10) {
		out->note = "the slab's order is unknown";
		return false;
	}
	uint64_t cache_addr;
	const struct cache *c;
	if (!read_u64(r, slab_addr + r->l.slab_cache, &cache_addr) || !(c = cache_at(r, cache_addr))) {
		out->note = "the slab's cache is not readable or makes no sense";
		return false;
	}
	struct slab_span s = {
		.base = r->page_offset_base + head_pfn * PAGE_SIZE,
		.nobjects = (PAGE_SIZE << order) / c->size,	/* order_objects() */
		.c = c,
	};
	out->cache = c->name;
	out->cache_addr = c->addr;
	out->object_size = c->object_size;
	out->slot_size = c->size;
	uint64_t rel = addr - s.base, slot = rel / c->size;
	out->start = s.base + slot * c->size + c->red_left_pad;
	if (slot >= s.nobjects) {
		out->state = VMMAP_OBJECT_PADDING;
		out->offset = out->start = 0;
		return false;
	}
	if (addr < out->start) {
		/* a left red zone: the checks of the object it guards */
		struct vmmap_object guarded = *out;
		object_state(r, &s, slab_addr, &guarded);
		out->state = VMMAP_OBJECT_PADDING;
		out->offset = out->start = 0;
		out->note = "in the red zone left of an object: slub_debug's Z";
		return check_object(r, c, guarded.start, guarded.state, check);
	}
	out->offset = addr - out->start;
	object_state(r, &s, slab_addr, out);
	if (!out->note && out->offset >= c->object_size)
		out->note = past_object(c, out->offset);
	return check_object(r, c, out->start, out->state, check);
}

/* ------------------------------------------------------------------ */
/* The census of every slab */

static int64_t
freelist_length(struct slab_reader *r, const struct slab_span *s, uint64_t first)
{
	return freelist_visit(r, s, first, NULL, 0);
}

static struct vmmap_slab_cache *
census_entry(struct slab_census *cs, const struct cache *c)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->caches[i].addr == c->addr)
			return &cs->caches[i];
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 64;
		struct vmmap_slab_cache *v = realloc(cs->caches, cap * sizeof(*v));
		if (!v)
			return NULL;
		cs->caches = v;
		cs->cap = cap;
	}
	struct vmmap_slab_cache *e = &cs->caches[cs->n++];
	*e = (struct vmmap_slab_cache){ .addr = c->addr, .name = c->name, .object_size = c->object_size,
					 .slot_size = c->size };
	return e;
}

bool
slab_census_add(struct slab_reader *r, uint64_t head_pfn, uint64_t slab_addr, int order,
		struct slab_census *cs)
{
	uint64_t cache_addr, freelist;
	const struct cache *c;
	if (order < 0 || order > 10 || !read_u64(r, slab_addr + r->l.slab_cache, &cache_addr) ||
	    !(c = cache_at(r, cache_addr)) || !read_u64(r, slab_addr + r->l.slab_freelist, &freelist)) {
		cs->unreadable++;
		return true;
	}
	struct vmmap_slab_cache *e = census_entry(cs, c);
	if (!e)
		return false;
	struct slab_span s = { r->page_offset_base + head_pfn * PAGE_SIZE, (PAGE_SIZE << order) / c->size, c };
	int64_t free = freelist_visit(r, &s, freelist, cs, (size_t)(e - cs->caches));
	e->slabs++;
	e->objects += s.nobjects;
	e->order = (unsigned)order;
	if (free == -2)
		e->missing++;
	else if (free < 0)
		e->corrupt++;
	else
		e->free += (uint64_t)free;
	return true;
}

/* Where vmemmap puts struct pages, for a slab's pages from its struct
 * slab (the first page's struct page). */
struct struct_pages {
	uint64_t vmemmap, size;
};

/* The objects of the slab (of 2^order pages) whose struct slab is at slab. */
static struct slab_span
span_of_struct_slab(const struct slab_reader *r, struct struct_pages sp, uint64_t slab, unsigned order,
		    const struct cache *c)
{
	uint64_t pfn = (slab - sp.vmemmap) / sp.size;
	return (struct slab_span){ r->page_offset_base + pfn * PAGE_SIZE, (PAGE_SIZE << order) / c->size, c };
}

/* Free objects of the slabs on a cache's node partial lists: what
 * /proc/slabinfo counts free (mm/slub.c, count_partial()). */
static void
census_partial(struct slab_reader *r, struct vmmap_slab_cache *e, struct struct_pages sp)
{
	const struct cache *c = cache_at(r, e->addr);
	for (unsigned nid = 0; c && nid < 64; nid++) {
		uint64_t node, head, pos;
		if (!read_u64(r, e->addr + r->l.node + nid * r->l.node_stride, &node) || !node)
			break;
		if (!read_u64(r, node + r->l.node_partial, &head))
			break;
		uint64_t list = node + r->l.node_partial;
		for (uint64_t steps = 0; head != list && steps < (1u << 20); steps++, head = pos) {
			uint64_t slab = head - r->l.slab_list, freelist;
			if (!read_u64(r, head, &pos) || !read_u64(r, slab + r->l.slab_freelist, &freelist))
				break;
			struct slab_span s = span_of_struct_slab(r, sp, slab, e->order, c);
			int64_t free = freelist_length(r, &s, freelist);
			if (free > 0)
				e->free_partial += (uint64_t)free;
		}
	}
}

/* Keeping a cache's sheaves' objects as free ones. */
struct sheaf_collect {
	struct slab_census *cs;
	size_t cache;
	uint64_t object_size;
};

static bool
collect_object(void *arg, uint64_t object)
{
	struct sheaf_collect *sc = arg;
	collect_free(sc->cs, object, sc->object_size, sc->cache);
	return false;
}

static bool
collect_sheaf(struct slab_reader *r, uint64_t sheaf, void *arg)
{
	struct sheaf_collect *sc = arg;
	uint64_t size;
	sheaf_objects(r, sheaf, collect_object, sc, &size);
	if (size != NO_SHEAF)	/* the sheaf itself: the allocator's own array */
		push_range(sc->cs, &sc->cs->own, &sc->cs->nown, &sc->cs->cap_own, sheaf,
			   sheaf + r->l.sheaf_objects + size * 8, sc->cache);
	return false;
}

static void
collect_sheaves(struct slab_reader *r, struct slab_census *cs, size_t i)
{
	const struct cache *c = cache_at(r, cs->caches[i].addr);
	if (!c || !cs->collect)
		return;
	struct sheaf_collect sc = { cs, i, c->object_size };
	for_each_sheaf(r, c, collect_sheaf, &sc);
}

void
slab_census_finish(struct slab_reader *r, struct slab_census *cs, uint64_t vmemmap,
		   uint64_t page_struct_size)
{
	struct struct_pages sp = { vmemmap, page_struct_size };
	for (size_t i = 0; i < cs->n; i++) {
		struct vmmap_slab_cache *e = &cs->caches[i];
		if (r->l.have_nodes && page_struct_size)
			census_partial(r, e, sp);
		const struct cache *c = cache_at(r, e->addr);
		if (!c || !r->l.have_cpu_slab)
			continue;
		for (unsigned cpu = 0; cpu < r->cpus.n; cpu++) {
			uint64_t kcc = percpu_addr(&r->cpus, c->cpu_slab, cpu), slab, freelist;
			if (!read_u64(r, kcc + r->l.cpu_slab_slab, &slab) || !slab ||
			    !read_u64(r, kcc + r->l.cpu_freelist, &freelist))
				continue;
			struct slab_span s = span_of_struct_slab(r, sp, slab, e->order, c);
			int64_t free = freelist_visit(r, &s, freelist, cs, i);
			if (free > 0)
				e->free_percpu += (uint64_t)free;
		}
	}
	if (r->l.have_sheaves)
		for (size_t i = 0; i < cs->n; i++)
			collect_sheaves(r, cs, i);
}
