/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* The per-CPU offsets of the crashed kernel (see percpu.h). */
#include "config.h"

#include <stdlib.h>

#include "error.h"
#include "percpu.h"

bool
percpu_load(struct kernel *kr, struct percpu *pc)
{
	uint64_t offsets, nr_addr;
	uint32_t nr;
	*pc = (struct percpu){ 0 };
	if (!kernel_symbol(kr, "__per_cpu_offset", &offsets) ||
	    !kernel_symbol(kr, "nr_cpu_ids", &nr_addr))
		return false;
	struct vmmap_error *err = kernel_read(kr, nr_addr, &nr, sizeof(nr));
	if (err || nr == 0 || nr > PERCPU_MAX_CPUS) {
		vmmap_error_destroy(err);
		return false;
	}
	uint64_t *v = malloc(nr * sizeof(*v));
	if (!v)
		return false;
	err = kernel_read(kr, offsets, v, nr * sizeof(*v));
	if (err) {
		vmmap_error_destroy(err);
		free(v);
		return false;
	}
	pc->offset = v;
	pc->n = nr;
	return true;
}

void
percpu_fini(struct percpu *pc)
{
	free(pc->offset);
	*pc = (struct percpu){ 0 };
}
