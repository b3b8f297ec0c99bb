/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Streaming the pages present in a dump, for the pointer census.
 *
 * Reading through libkdumpfile costs more than classifying what was
 * read, so reader threads fill a small ring of 1 MiB chunks while the
 * caller works on the previous ones. With a source that can clone its
 * handle (a dump file: opened once more) there are two readers, each on
 * its own handle, taking every other chunk: libkdumpfile's per-page
 * work then runs on two CPUs. Chunks reach the caller in ascending
 * physical order all the same. Memory stays at the ring (4 MiB)
 * whatever the dump's size. Each source's lock serialises its reader
 * with other users of it (the page-table walk that runs meanwhile).
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "pagestream.h"
#include "source.h"

#define RING 4
#define MAX_READERS 2

struct page_stream;

struct reader {
	struct page_stream *ps;
	struct vmmap_source *src;	/* the stream's, or a clone */
	bool own_src;
	unsigned index;
	pthread_t thread;
	bool started;
};

struct page_stream {
	struct vmmap_source *src;
	uint64_t (*segs)[3];	/* ELF load segments, without present_range */
	size_t nsegs;
	struct reader readers[MAX_READERS];
	unsigned nreaders;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct page_chunk chunk[RING];
	uint64_t *buf[RING];
	int64_t slot_seq[RING];		/* chunk number a slot holds, -1: none */
	uint64_t consumed;		/* chunks the caller is done with */
	uint64_t total;			/* chunks in all, once a reader knows */
	unsigned readers_done;
	bool stop, holding;
	struct vmmap_error *err;	/* the first reader error */
};

/* The lowest run of present pages at or above addr: the source's page
 * map, or else the ELF load segments. */
static struct vmmap_error *
next_range(struct page_stream *ps, struct vmmap_source *src, uint64_t addr, uint64_t *s,
	   uint64_t *e)
{
	if (src->ops.present_range) {
		struct vmmap_error *err = source_present_range(src, addr, s, e);
		if (!err && (*e <= *s || *e <= addr))
			err = vmmap_error_create(VMMAP_ERROR_FORMAT,
						 "the dump's page map goes backwards");
		return err;
	}
	bool found = false;
	for (size_t i = 0; i < ps->nsegs; i++) {
		uint64_t start = ps->segs[i][1] & ~(STREAM_PAGE - 1);
		uint64_t end = (ps->segs[i][1] + ps->segs[i][2] + STREAM_PAGE - 1) & ~(STREAM_PAGE - 1);
		if (end <= addr || end <= start)
			continue;
		if (start < addr)
			start = addr;
		if (!found || start < *s) {
			*s = start;
			*e = end;
			found = true;
		}
	}
	return found ? NULL : vmmap_error_create(VMMAP_ERROR_NOT_FOUND, "no more pages");
}

static bool
is_end(struct vmmap_error *err)
{
	if (!err || vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return false;
	vmmap_error_destroy(err);
	return true;
}

/* One chunk: one read, or page by page if some page will not read. */
static void
read_chunk(struct vmmap_source *src, struct page_chunk *c, uint64_t *buf)
{
	memset(c->unreadable, 0, sizeof(c->unreadable));
	struct vmmap_error *err = source_read_phys(src, c->pa, buf, c->pages * STREAM_PAGE);
	if (!err)
		return;
	vmmap_error_destroy(err);
	for (size_t i = 0; i < c->pages; i++) {
		err = source_read_phys(src, c->pa + i * STREAM_PAGE, buf + i * 512, STREAM_PAGE);
		if (err) {
			vmmap_error_destroy(err);
			c->unreadable[i / 64] |= 1ULL << (i % 64);
		}
	}
}

/* Wait until chunk seq's slot is free; false if told to stop. */
static bool
wait_for_slot(struct page_stream *ps, uint64_t seq)
{
	pthread_mutex_lock(&ps->lock);
	while (!ps->stop && seq >= ps->consumed + RING)
		pthread_cond_wait(&ps->cond, &ps->lock);
	bool go = !ps->stop;
	pthread_mutex_unlock(&ps->lock);
	return go;
}

static void
publish(struct page_stream *ps, uint64_t seq)
{
	pthread_mutex_lock(&ps->lock);
	ps->slot_seq[seq % RING] = (int64_t)seq;
	pthread_cond_broadcast(&ps->cond);
	pthread_mutex_unlock(&ps->lock);
}

static void
finish(struct page_stream *ps, uint64_t chunks, struct vmmap_error *err)
{
	pthread_mutex_lock(&ps->lock);
	ps->readers_done++;
	ps->total = chunks;
	if (err && !ps->err)
		ps->err = err;
	else
		vmmap_error_destroy(err);
	if (err)
		ps->stop = true;
	pthread_cond_broadcast(&ps->cond);
	pthread_mutex_unlock(&ps->lock);
}

/* Every reader walks all the ranges and numbers the chunks the same
 * way; reader i reads the chunks whose number is i modulo the readers. */
static void *
reader(void *arg)
{
	struct reader *r = arg;
	struct page_stream *ps = r->ps;
	struct vmmap_error *err;
	uint64_t s, e, seq = 0;
	for (uint64_t addr = 0; !(err = next_range(ps, r->src, addr, &s, &e)); addr = e) {
		for (uint64_t pa = s & ~(STREAM_PAGE - 1); pa < e; seq++) {
			uint64_t left = (e - pa + STREAM_PAGE - 1) / STREAM_PAGE;
			size_t pages = left < STREAM_CHUNK_PAGES ? (size_t)left : STREAM_CHUNK_PAGES;
			if (seq % ps->nreaders == r->index) {
				if (!wait_for_slot(ps, seq)) {
					finish(ps, seq, NULL);
					return NULL;
				}
				struct page_chunk *c = &ps->chunk[seq % RING];
				c->pa = pa;
				c->pages = pages;
				read_chunk(r->src, c, ps->buf[seq % RING]);
				publish(ps, seq);
			}
			pa += pages * STREAM_PAGE;
		}
	}
	finish(ps, seq, is_end(err) ? NULL : err);
	return NULL;
}

static struct vmmap_error *
count_bytes(struct page_stream *ps, uint64_t *total)
{
	struct vmmap_error *err;
	uint64_t s, e;
	*total = 0;
	for (uint64_t addr = 0; !(err = next_range(ps, ps->src, addr, &s, &e)); addr = e)
		*total += e - s;
	return is_end(err) ? NULL : err;
}

static void
stream_free(struct page_stream *ps)
{
	for (unsigned i = 0; i < ps->nreaders; i++)
		if (ps->readers[i].own_src)
			vmmap_source_destroy(ps->readers[i].src);
	for (int i = 0; i < RING; i++)
		free(ps->buf[i]);
	free(ps->segs);
	vmmap_error_destroy(ps->err);
	pthread_mutex_destroy(&ps->lock);
	pthread_cond_destroy(&ps->cond);
	free(ps);
}

/* Reader 0 uses the stream's source; a second one a clone of it, when
 * the source can clone and there is a second CPU. */
static void
set_up_readers(struct page_stream *ps)
{
	ps->readers[0] = (struct reader){ .ps = ps, .src = ps->src };
	ps->nreaders = 1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct vmmap_source *clone;
	if (cpus < 2 || !ps->src->ops.clone)
		return;
	struct vmmap_error *err = source_clone(ps->src, &clone);
	if (err) {	/* one reader still works */
		vmmap_error_destroy(err);
		return;
	}
	ps->readers[1] = (struct reader){ .ps = ps, .src = clone, .own_src = true, .index = 1 };
	ps->nreaders = 2;
}

static void
stop_readers(struct page_stream *ps)
{
	pthread_mutex_lock(&ps->lock);
	ps->stop = true;
	pthread_cond_broadcast(&ps->cond);
	pthread_mutex_unlock(&ps->lock);
	for (unsigned i = 0; i < ps->nreaders; i++)
		if (ps->readers[i].started)
			pthread_join(ps->readers[i].thread, NULL);
}

struct vmmap_error *
page_stream_start(struct vmmap_source *src, struct page_stream **ret, uint64_t *total_bytes)
{
	struct page_stream *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return &vmmap_enomem;
	ps->src = src;
	pthread_mutex_init(&ps->lock, NULL);
	pthread_cond_init(&ps->cond, NULL);
	for (int i = 0; i < RING; i++)
		ps->slot_seq[i] = -1;
	struct vmmap_error *err = NULL;
	if (!src->ops.present_range && (err = source_load_segments(src, &ps->segs, &ps->nsegs)))
		err = vmmap_error_prefix(err, "cannot list the pages of the dump");
	for (int i = 0; !err && i < RING; i++) {
		ps->buf[i] = malloc(STREAM_CHUNK_PAGES * STREAM_PAGE);
		ps->chunk[i].words = ps->buf[i];
		if (!ps->buf[i])
			err = &vmmap_enomem;
	}
	if (!err)
		err = count_bytes(ps, total_bytes);
	if (!err)
		set_up_readers(ps);
	for (unsigned i = 0; !err && i < ps->nreaders; i++) {
		struct reader *r = &ps->readers[i];
		r->started = pthread_create(&r->thread, NULL, reader, r) == 0;
		if (!r->started)
			err = vmmap_error_create(VMMAP_ERROR_NOMEM, "cannot start a reader thread");
	}
	if (err) {
		stop_readers(ps);
		stream_free(ps);
		return err;
	}
	*ret = ps;
	return NULL;
}

struct vmmap_error *
page_stream_next(struct page_stream *ps, const struct page_chunk **chunk)
{
	pthread_mutex_lock(&ps->lock);
	if (ps->holding) {	/* the caller is done with the last chunk */
		ps->slot_seq[ps->consumed % RING] = -1;
		ps->consumed++;
		ps->holding = false;
		pthread_cond_broadcast(&ps->cond);
	}
	for (;;) {
		bool ready = ps->slot_seq[ps->consumed % RING] == (int64_t)ps->consumed;
		bool all_read = ps->readers_done == ps->nreaders && ps->consumed >= ps->total;
		if (ready || all_read || ps->err)
			break;
		pthread_cond_wait(&ps->cond, &ps->lock);
	}
	struct vmmap_error *err = NULL;
	*chunk = NULL;
	if (ps->err) {
		err = ps->err;
		ps->err = NULL;
	} else if (ps->slot_seq[ps->consumed % RING] == (int64_t)ps->consumed) {
		*chunk = &ps->chunk[ps->consumed % RING];
		ps->holding = true;
	}
	pthread_mutex_unlock(&ps->lock);
	return err;
}

void
page_stream_stop(struct page_stream *ps)
{
	if (!ps)
		return;
	stop_readers(ps);
	stream_free(ps);
}
