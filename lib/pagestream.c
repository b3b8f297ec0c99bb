/*
 * Streaming the pages present in a dump, for the pointer census.
 *
 * Reading through libkdumpfile costs more than classifying what was
 * read, so a reader thread fills a small ring of 1 MiB chunks while the
 * caller works on the previous ones: the census then runs at the speed
 * of the read. Memory stays at the ring (4 MiB) whatever the dump's
 * size. The source's lock serialises the reader with other users of the
 * source (the page-table walk that runs meanwhile).
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pagestream.h"
#include "source.h"

#define RING 4

struct page_stream {
	struct vmmap_source *src;
	uint64_t (*segs)[3];	/* ELF load segments, without present_range */
	size_t nsegs;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct page_chunk chunk[RING];
	uint64_t *buf[RING];
	size_t filled, consumed;	/* chunks written, chunks taken */
	bool done, stop, holding;
	struct vmmap_error *err;	/* the reader's */
};

/* The lowest run of present pages at or above addr: the source's page
 * map, or else the ELF load segments. */
static struct vmmap_error *
next_range(struct page_stream *ps, uint64_t addr, uint64_t *s, uint64_t *e)
{
	if (ps->src->ops->present_range) {
		struct vmmap_error *err = source_present_range(ps->src, addr, s, e);
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
read_chunk(struct page_stream *ps, struct page_chunk *c, uint64_t *buf)
{
	memset(c->unreadable, 0, sizeof(c->unreadable));
	struct vmmap_error *err = source_read_phys(ps->src, c->pa, buf, c->pages * STREAM_PAGE);
	if (!err)
		return;
	vmmap_error_destroy(err);
	for (size_t i = 0; i < c->pages; i++) {
		err = source_read_phys(ps->src, c->pa + i * STREAM_PAGE, buf + i * 512, STREAM_PAGE);
		if (err) {
			vmmap_error_destroy(err);
			c->unreadable[i / 64] |= 1ULL << (i % 64);
		}
	}
}

/* Wait for a free slot; false if told to stop. */
static bool
wait_for_slot(struct page_stream *ps)
{
	pthread_mutex_lock(&ps->lock);
	while (!ps->stop && ps->filled - ps->consumed == RING)
		pthread_cond_wait(&ps->cond, &ps->lock);
	bool go = !ps->stop;
	pthread_mutex_unlock(&ps->lock);
	return go;
}

static void
publish(struct page_stream *ps, bool done, struct vmmap_error *err)
{
	pthread_mutex_lock(&ps->lock);
	if (done) {
		ps->done = true;
		ps->err = err;
	} else {
		ps->filled++;
	}
	pthread_cond_broadcast(&ps->cond);
	pthread_mutex_unlock(&ps->lock);
}

static void *
reader(void *arg)
{
	struct page_stream *ps = arg;
	struct vmmap_error *err;
	uint64_t s, e;
	for (uint64_t addr = 0; !(err = next_range(ps, addr, &s, &e)); addr = e) {
		for (uint64_t pa = s & ~(STREAM_PAGE - 1); pa < e;) {
			if (!wait_for_slot(ps)) {
				publish(ps, true, NULL);
				return NULL;
			}
			size_t slot = ps->filled % RING;	/* only this thread moves filled */
			struct page_chunk *c = &ps->chunk[slot];
			uint64_t left = (e - pa + STREAM_PAGE - 1) / STREAM_PAGE;
			c->pa = pa;
			c->pages = left < STREAM_CHUNK_PAGES ? (size_t)left : STREAM_CHUNK_PAGES;
			read_chunk(ps, c, ps->buf[slot]);
			pa += c->pages * STREAM_PAGE;
			publish(ps, false, NULL);
		}
	}
	publish(ps, true, is_end(err) ? NULL : err);
	return NULL;
}

static struct vmmap_error *
count_bytes(struct page_stream *ps, uint64_t *total)
{
	struct vmmap_error *err;
	uint64_t s, e;
	*total = 0;
	for (uint64_t addr = 0; !(err = next_range(ps, addr, &s, &e)); addr = e)
		*total += e - s;
	return is_end(err) ? NULL : err;
}

static void
stream_free(struct page_stream *ps)
{
	for (int i = 0; i < RING; i++)
		free(ps->buf[i]);
	free(ps->segs);
	vmmap_error_destroy(ps->err);
	pthread_mutex_destroy(&ps->lock);
	pthread_cond_destroy(&ps->cond);
	free(ps);
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
	struct vmmap_error *err = NULL;
	if (!src->ops->present_range && (err = source_load_segments(src, &ps->segs, &ps->nsegs)))
		err = vmmap_error_prefix(err, "cannot list the pages of the dump");
	for (int i = 0; !err && i < RING; i++) {
		ps->buf[i] = malloc(STREAM_CHUNK_PAGES * STREAM_PAGE);
		ps->chunk[i].words = ps->buf[i];
		if (!ps->buf[i])
			err = &vmmap_enomem;
	}
	if (!err)
		err = count_bytes(ps, total_bytes);
	if (!err && pthread_create(&ps->thread, NULL, reader, ps) != 0)
		err = vmmap_error_create(VMMAP_ERROR_NOMEM, "cannot start the reader thread");
	if (err) {
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
		ps->consumed++;
		ps->holding = false;
		pthread_cond_broadcast(&ps->cond);
	}
	while (ps->filled == ps->consumed && !ps->done)
		pthread_cond_wait(&ps->cond, &ps->lock);
	struct vmmap_error *err = NULL;
	*chunk = NULL;
	if (ps->filled != ps->consumed) {
		*chunk = &ps->chunk[ps->consumed % RING];
		ps->holding = true;
	} else if (ps->err) {
		err = ps->err;
		ps->err = NULL;
	}
	pthread_mutex_unlock(&ps->lock);
	return err;
}

void
page_stream_stop(struct page_stream *ps)
{
	if (!ps)
		return;
	pthread_mutex_lock(&ps->lock);
	ps->stop = true;
	pthread_cond_broadcast(&ps->cond);
	pthread_mutex_unlock(&ps->lock);
	pthread_join(ps->thread, NULL);
	stream_free(ps);
}
