/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* The pages present in a dump, read ahead by a thread (pagestream.c). */
#ifndef VMMAP_PAGESTREAM_H
#define VMMAP_PAGESTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmmap_source;

#define STREAM_PAGE 4096ULL
#define STREAM_CHUNK_PAGES 256	/* 1 MiB per chunk */

struct page_chunk {
	uint64_t pa;		/* physical address of the first page */
	size_t pages;
	const uint64_t *words;	/* pages * 512 words */
	uint64_t unreadable[STREAM_CHUNK_PAGES / 64];	/* bit per page */
};

struct page_stream;

/* Start reading; *total_bytes is what the dump holds. */
struct vmmap_error *page_stream_start(struct vmmap_source *src, struct page_stream **ret,
				      uint64_t *total_bytes);
/* The next chunk in ascending physical order, or *chunk = NULL at the
 * end. The chunk stays valid until the next call. */
struct vmmap_error *page_stream_next(struct page_stream *ps, const struct page_chunk **chunk);
/* Stop (early or not) and free. */
void page_stream_stop(struct page_stream *ps);

#endif
