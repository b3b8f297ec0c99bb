/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "tlb.h"

#define TLB_SLOTS 256
#define TLB_SIZES 3

static const unsigned page_shift[TLB_SIZES] = { 30, 21, 12 };	/* 1 GiB first: fewest slots used */

struct tlb_entry {
	bool valid;
	uint64_t vpage;			/* vaddr >> the size's shift */
	struct x86_64_mapping m;	/* of the page's first byte */
};

struct tlb {
	pthread_mutex_t lock;
	struct tlb_entry e[TLB_SIZES][TLB_SLOTS];
};

struct tlb *
tlb_new(void)
{
	struct tlb *t = calloc(1, sizeof(*t));
	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

void
tlb_destroy(struct tlb *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

bool
tlb_lookup(struct tlb *t, uint64_t vaddr, struct x86_64_mapping *out)
{
	bool hit = false;
	pthread_mutex_lock(&t->lock);
	for (unsigned s = 0; s < TLB_SIZES && !hit; s++) {
		uint64_t vpage = vaddr >> page_shift[s];
		const struct tlb_entry *e = &t->e[s][vpage % TLB_SLOTS];
		if (e->valid && e->vpage == vpage) {
			*out = e->m;
			out->paddr += vaddr & ((1ULL << page_shift[s]) - 1);
			hit = true;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return hit;
}

void
tlb_insert(struct tlb *t, uint64_t vaddr, const struct x86_64_mapping *m)
{
	for (unsigned s = 0; s < TLB_SIZES; s++) {
		uint64_t size = 1ULL << page_shift[s];
		if (m->page_size != size)
			continue;
		uint64_t in_page = vaddr & (size - 1);
		if (m->paddr < in_page)
			return;
		pthread_mutex_lock(&t->lock);
		struct tlb_entry *e = &t->e[s][(vaddr >> page_shift[s]) % TLB_SLOTS];
		*e = (struct tlb_entry){ true, vaddr >> page_shift[s], *m };
		e->m.paddr -= in_page;
		pthread_mutex_unlock(&t->lock);
		return;
	}
}
