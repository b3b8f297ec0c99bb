/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Struct layouts, built from the kernel types and kept. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "structs.h"

/* Embedded types nest a few levels in real kernels (task_struct:
 * sched_entity, its load_weight, ...); BTF or DWARF could claim a
 * loop or an endless chain. */
#define MAX_DEPTH 16
#define MAX_LAYOUTS 16384

struct layout {
	struct vmmap_struct pub;	/* first: vmmap_struct_member() casts back */
	uint64_t key;
	bool building;			/* a type that embeds itself stops here */
	struct vmmap_member *members;
};

struct struct_cache {
	struct layout **v;		/* by key, in order of building */
	size_t n, cap;
	/* names asked for: the layout, or NULL if there is none */
	struct { char *name; struct layout *l; } *names;
	size_t nnames, capnames;
};

struct struct_cache *
structs_new(void)
{
	return calloc(1, sizeof(struct struct_cache));
}

void
structs_destroy(struct struct_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i]->members);
		free(c->v[i]);
	}
	for (size_t i = 0; i < c->nnames; i++)
		free(c->names[i].name);
	free(c->names);
	free(c->v);
	free(c);
}

const struct vmmap_member *
vmmap_struct_member(const struct vmmap_struct *s, size_t i)
{
	if (!s || i >= s->num_members)
		return NULL;
	return &((const struct layout *)s)->members[i];
}

const char *
vmmap_type_kind_name(enum vmmap_type_kind kind)
{
	switch (kind) {
	case VMMAP_TYPE_OTHER: return "other";
	case VMMAP_TYPE_POINTER: return "pointer";
	case VMMAP_TYPE_STRUCT: return "struct";
	case VMMAP_TYPE_UNION: return "union";
	case VMMAP_TYPE_ARRAY: return "array";
	default: return "unknown";
	}
}

static struct layout *
find_key(const struct struct_cache *c, uint64_t key)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i]->key == key)
			return c->v[i];
	return NULL;
}

/* The layout of key, built with those it embeds; NULL if it cannot be
 * (no such type, a loop, too deep, out of memory). */
static struct layout *
build(struct struct_cache *c, const struct kernel_types *t, uint64_t key, int depth)
{
	struct layout *l = find_key(c, key);
	if (l)
		return l->building ? NULL : l;
	if (depth > MAX_DEPTH || c->n >= MAX_LAYOUTS)
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct layout **v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	struct type_member *tm;
	size_t n;
	const char *name;
	bool is_union;
	uint64_t size;
	if (!types_aggregate(t, key, &name, &is_union, &size, &tm, &n))
		return NULL;
	l = calloc(1, sizeof(*l));
	struct vmmap_member *m = n ? calloc(n, sizeof(*m)) : NULL;
	if (!l || (n && !m)) {
		free(l);
		free(m);
		free(tm);
		return NULL;
	}
	l->key = key;
	l->building = true;
	l->members = m;
	l->pub = (struct vmmap_struct){
		.name = name,
		.kind = is_union ? VMMAP_TYPE_UNION : VMMAP_TYPE_STRUCT,
		.size = size,
		.num_members = n,
		.source = types_source(t),
	};
	c->v[c->n++] = l;	/* owned by the cache from here */
	for (size_t i = 0; i < n; i++) {
		m[i] = (struct vmmap_member){
			.name = tm[i].name,
			.offset = tm[i].offset,
			.size = tm[i].size,
			.kind = tm[i].kind,
			.type_name = tm[i].type_name,
			.element_kind = tm[i].element_kind,
			.element_size = tm[i].element_size,
			.count = tm[i].count,
		};
		if (tm[i].type_key) {
			struct layout *inner = build(c, t, tm[i].type_key, depth + 1);
			m[i].type = inner ? &inner->pub : NULL;
		}
	}
	free(tm);
	l->building = false;
	return l;
}

const struct vmmap_struct *
structs_get(struct struct_cache *c, const struct kernel_types *t, const char *name, char *why,
	    size_t why_len)
{
	for (size_t i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i].name, name) == 0) {
			if (!c->names[i].l)
				snprintf(why, why_len, "the kernel's %s has no struct or union '%.80s'",
					 types_source(t), name);
			return c->names[i].l ? &c->names[i].l->pub : NULL;
		}
	uint64_t key;
	struct layout *l = NULL;
	if (!types_find_aggregate(t, name, &key)) {
		snprintf(why, why_len, "the kernel's %s has no struct or union '%.80s'",
			 types_source(t), name);
	} else if (!(l = build(c, t, key, 0))) {
		/* not kept: out of memory may pass */
		snprintf(why, why_len, "the layout of '%.80s' cannot be read from the kernel's %s",
			 name, types_source(t));
		return NULL;
	}
	if (c->nnames >= MAX_LAYOUTS)
		return l ? &l->pub : NULL;
	if (c->nnames == c->capnames) {
		size_t cap = c->capnames ? 2 * c->capnames : 16;
		void *v = realloc(c->names, cap * sizeof(*c->names));
		if (!v)
			return l ? &l->pub : NULL;
		c->names = v;
		c->capnames = cap;
	}
	char *copy = strdup(name);
	if (copy) {
		c->names[c->nnames].name = copy;
		c->names[c->nnames++].l = l;
	}
	return l ? &l->pub : NULL;
}
