/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Internal view of a source: thin wrappers that tolerate missing
 * optional operations and serialise access (libkdumpfile contexts are
 * not thread-safe). */
#ifndef VMMAP_SOURCE_H
#define VMMAP_SOURCE_H

#include <pthread.h>
#include <stdbool.h>
#include <vmmap/vmmap.h>

#include "notes.h"

struct vmmap_source {
	struct vmmap_source_ops ops;	/* the caller's, copied; unset ones NULL */
	void *arg;
	pthread_mutex_t lock;
	struct notes notes;	/* what opening it found (a truncated file) */
	/* Internal sources only (the dump file's): does the dump hold the
	 * page at addr, from its own layout, without reading it? 1 yes, 0
	 * no, -1 cannot say. NULL: cannot say. */
	int (*holds_page)(void *arg, uint64_t addr);
};

struct vmmap_error *source_read_phys(struct vmmap_source *src, uint64_t addr,
				     void *buf, size_t len);
struct vmmap_error *source_read_u64_phys(struct vmmap_source *src,
					 uint64_t addr, uint64_t *ret);
/* NULL op: VMMAP_ERROR_NOT_FOUND. */
struct vmmap_error *source_page_walk(struct vmmap_source *src, uint64_t vaddr,
				     uint64_t *paddr);
struct vmmap_error *source_vmcoreinfo(struct vmmap_source *src, char **text);
struct vmmap_error *source_symbol(struct vmmap_source *src, const char *name,
				  uint64_t *addr);
struct vmmap_error *source_load_segments(struct vmmap_source *src,
					 uint64_t (**segs)[3], size_t *n);
struct vmmap_error *source_present_range(struct vmmap_source *src, uint64_t addr,
					 uint64_t *start, uint64_t *end);
/* Does the dump hold the page at addr? As a read of a byte there
 * would say, from the dump's layout where the source knows it (ELF
 * segments, a compressed kdump's bitmap), else by that read. */
bool source_holds(struct vmmap_source *src, uint64_t addr);
/* A new source on a clone of src's handle (NULL op: NOT_FOUND). */
struct vmmap_error *source_clone(struct vmmap_source *src, struct vmmap_source **ret);

#endif
