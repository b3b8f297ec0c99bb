/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The kernel facts that shape the map: the randomized bases and the
 * era's features and sizes, each from the most trusted source that has
 * it, with its provenance.
 */
#ifndef VMMAP_FACTS_H
#define VMMAP_FACTS_H

#include <stdbool.h>
#include <vmmap/vmmap.h>

#include "kernel.h"

struct kernel_facts {
	struct vmmap_kernel k;		/* what vmmap_map_kernel() shows */
	unsigned max_physmem_bits;	/* 46 or 52, or VMCOREINFO's */
	bool kmsan;			/* KMSAN splits vmalloc space */
};

/* Reads through kr and notes in kr what it had to guess. */
struct vmmap_error *facts_gather(struct kernel *kr, struct kernel_facts *out);

#endif
