/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Finding the kallsyms tables in the kernel image when VMCOREINFO does
 * not name them (it does from 6.0 on, kernel/vmcore_info.c). Every
 * distribution kernel has CONFIG_KALLSYMS, and the tables sit in the
 * image's .rodata, which every filtered dump keeps.
 *
 * scripts/kallsyms.c (4.6 to 5.19) writes, each label 8-byte aligned:
 *   kallsyms_offsets (s32 each) and kallsyms_relative_base (u64), or
 *   kallsyms_addresses (u64 each) without KALLSYMS_BASE_RELATIVE;
 *   kallsyms_num_syms (u32); kallsyms_names; kallsyms_markers (u32,
 *   one per 256 names: the offset of name 256*i); kallsyms_token_table
 *   (256 NUL-terminated strings); kallsyms_token_index (u16 each).
 * The search: the token table holds the ten digits as single-character
 * tokens in a row ("0\0" "1\0" ... "9\0"). Each such place is a
 * candidate: the token table around it must end where a token index
 * that describes it exactly begins; the markers lie right before it;
 * the count and the names before them must agree with the markers.
 * kallsyms_decode() then checks _stext against the kernel's text start.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "../kallsyms.h"

#define WINDOW (1u << 20)
#define PAGE 4096u
#define TOKEN_TABLE_MAX 16384u
#define MAX_MARKERS (4u << 12)		/* 4 Mi names at most, as kallsyms_decode */
#define NAME_BYTES_MAX 129u		/* a name: length byte + KSYM_NAME_LEN tokens */
#define MAX_CANDIDATES 64		/* digit runs checked at most */

static const char digits[] = "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9";

struct scan {
	kallsyms_read_fn *read;
	void *arg;
};

static uint64_t
align8(uint64_t v)
{
	return (v + 7) & ~7ULL;
}

/* Read [va, va + len) page by page: unreadable pages as zeroes (a
 * filtered dump leaves out the freed gaps of the image). False if no
 * page at all reads. */
static bool
read_lenient(const struct scan *s, uint64_t va, uint8_t *buf, size_t len)
{
	bool any = false;
	for (size_t done = 0; done < len;) {
		size_t n = PAGE - ((va + done) & (PAGE - 1));
		if (n > len - done)
			n = len - done;
		struct vmmap_error *err = s->read(s->arg, va + done, buf + done, n);
		if (err) {
			vmmap_error_destroy(err);
			memset(buf + done, 0, n);
		} else {
			any = true;
		}
		done += n;
	}
	return any;
}

static bool
read_exact(const struct scan *s, uint64_t va, void *buf, size_t len)
{
	struct vmmap_error *err = s->read(s->arg, va, buf, len);
	vmmap_error_destroy(err);
	return err == NULL;
}

/* Does a token index begin at idx_at and describe a token table that
 * ends at table_end (just past the last NUL) and contains hit? */
static bool
token_index_fits(const struct scan *s, uint64_t hit, uint64_t table_end, uint64_t idx_at,
		 struct kallsyms_location *loc)
{
	uint16_t idx[256];
	if (!read_exact(s, idx_at, idx, sizeof(idx)) || idx[0] != 0)
		return false;
	for (int i = 0; i < 255; i++)
		if (idx[i + 1] <= idx[i])
			return false;
	if (idx[255] >= TOKEN_TABLE_MAX - 1)
		return false;
	/* tail: the TOKEN_TABLE_MAX bytes that end with the last NUL */
	uint8_t tail[TOKEN_TABLE_MAX];
	if (!read_lenient(s, table_end - sizeof(tail), tail, sizeof(tail)))
		return false;
	size_t last = sizeof(tail) - 1, first = last;	/* the last token */
	while (first > 0 && tail[first - 1])
		first--;
	size_t table_len = idx[255] + (last - first) + 1;
	if (table_len > sizeof(tail) || table_end - table_len > hit)
		return false;
	/* Every token ends right before the next one starts. */
	const uint8_t *table = tail + sizeof(tail) - table_len;
	for (int i = 0; i < 256; i++) {
		size_t end = i < 255 ? idx[i + 1] : table_len;
		if (table[end - 1] != 0 || memchr(table + idx[i], 0, end - 1 - idx[i]))
			return false;
	}
	loc->token_table = table_end - table_len;
	loc->token_index = idx_at;
	return true;
}

/* The token table and index around a run of digit tokens at hit. */
static bool
find_token_table(const struct scan *s, uint64_t hit, struct kallsyms_location *loc)
{
	uint8_t buf[TOKEN_TABLE_MAX];
	if (!read_lenient(s, hit, buf, sizeof(buf)))
		return false;
	size_t p = 0;
	for (int tokens = 0; tokens < 256 && p < sizeof(buf); tokens++) {
		const uint8_t *nul = memchr(buf + p, 0, sizeof(buf) - p);
		if (!nul)
			return false;
		uint64_t end = hit + (size_t)(nul - buf) + 1;
		if (token_index_fits(s, hit, end, align8(end), loc))
			return true;
		p = (size_t)(nul - buf) + 1;
	}
	return false;
}

/* kallsyms_markers end right before the token table (after alignment
 * padding); walking back they decrease to markers[0] = 0. */
static bool
find_markers(const struct scan *s, uint64_t token_table, uint64_t *at, uint32_t *count,
	     uint32_t *last)
{
	enum { WORDS = 1024 };
	uint32_t w[WORDS];
	uint64_t end = token_table;
	/* skip the padding (a u32 of zeroes at most) */
	if (!read_exact(s, end - 4, w, 4))
		return false;
	if (w[0] == 0)
		end -= 4;
	uint32_t n = 0, prev = UINT32_MAX;
	while (n < MAX_MARKERS) {
		uint64_t from = end - 4ULL * (n + WORDS);
		if (!read_lenient(s, from, (uint8_t *)w, sizeof(w)))
			return false;
		for (int i = WORDS - 1; i >= 0; i--) {
			if (w[i] >= prev)
				return false;
			if (n == 0)
				*last = w[i];
			prev = w[i];
			n++;
			if (w[i] == 0) {
				*at = end - 4ULL * n;
				*count = n;
				return n >= 2;
			}
		}
	}
	return false;
}

/* Walk the names' length bytes from names: num names, name 256*i at
 * markers[i], ending before limit. */
static bool
names_fit(const uint8_t *names, size_t size, uint32_t num, const uint32_t *markers,
	  uint32_t nmarkers)
{
	size_t p = 0;
	for (uint32_t i = 0; i < num; i++) {
		if (i % 256 == 0 && (i / 256 >= nmarkers || markers[i / 256] != p))
			return false;
		if (p >= size)
			return false;
		size_t len = names[p++];
		if (len & 0x80) {	/* two-byte length (6.1+) */
			if (p >= size)
				return false;
			len = (len & 0x7f) | ((size_t)names[p++] << 7);
		}
		if (len == 0)
			return false;
		p += len;
	}
	return p <= size && size - p < 8;
}

/* kallsyms_num_syms and kallsyms_names before the markers. */
static bool
find_names(const struct scan *s, uint64_t markers_at, uint32_t nmarkers, uint32_t last,
	   struct kallsyms_location *loc, uint32_t *num)
{
	uint32_t *markers = malloc(nmarkers * sizeof(*markers));
	uint64_t last_block = markers_at - last;	/* names_start is at or below */
	size_t span = (size_t)last + 256 * NAME_BYTES_MAX + 16;
	uint8_t *buf = malloc(span);
	bool found = false;
	if (!markers || !buf || last_block < span ||
	    !read_exact(s, markers_at, markers, nmarkers * sizeof(*markers)) ||
	    !read_lenient(s, markers_at - span, buf, span))
		goto out;
	/* buf[k] is at markers_at - span + k */
	for (uint64_t names = last_block & ~7ULL;
	     !found && names >= markers_at - span + 8 && last_block - names <= 256 * NAME_BYTES_MAX;
	     names -= 8) {
		size_t k = (size_t)(names - (markers_at - span));
		uint32_t count, pad;
		memcpy(&count, buf + k - 8, 4);
		memcpy(&pad, buf + k - 4, 4);
		if (pad || count <= 256 * (nmarkers - 1) || count > 256 * nmarkers)
			continue;
		if (names_fit(buf + k, span - k, count, markers, nmarkers)) {
			loc->names = names;
			loc->num_syms = names - 8;
			*num = count;
			found = true;
		}
	}
out:
	free(markers);
	free(buf);
	return found;
}

/* The addresses before kallsyms_num_syms: offsets and a relative base
 * that lies in the kernel image, or absolute addresses. */
static void
find_addresses(const struct scan *s, uint32_t num, struct kallsyms_location *loc)
{
	uint64_t base;
	uint64_t rb = loc->num_syms - 8;
	if (read_exact(s, rb, &base, sizeof(base)) && base >= loc->image_start) {
		loc->relative_base = rb;
		loc->offsets = rb - align8(4ULL * num);
		loc->addresses = 0;
	} else {
		loc->relative_base = loc->offsets = 0;
		loc->addresses = loc->num_syms - 8ULL * num;
	}
}

static bool
try_candidate(const struct scan *s, uint64_t hit, struct kallsyms_location *loc)
{
	uint64_t markers_at;
	uint32_t nmarkers, last, num;
	return find_token_table(s, hit, loc) &&
	       find_markers(s, loc->token_table, &markers_at, &nmarkers, &last) &&
	       find_names(s, markers_at, nmarkers, last, loc, &num) &&
	       (find_addresses(s, num, loc), true);
}

struct vmmap_error *
kallsyms_find(kallsyms_read_fn *read, void *arg, uint64_t start, uint64_t size,
	      struct kallsyms_location *loc)
{
	const struct scan s = { read, arg };
	uint8_t *win = malloc(WINDOW + sizeof(digits));
	if (!win)
		return &vmmap_enomem;
	unsigned candidates = 0;
	bool found = false;
	uint64_t unreadable = 0;
	for (uint64_t off = 0; !found && off < size && candidates < MAX_CANDIDATES;
	     off += WINDOW) {
		/* windows overlap by the signature's length */
		size_t len = size - off < WINDOW + sizeof(digits) ? size - off : WINDOW + sizeof(digits);
		if (!read_lenient(&s, start + off, win, len)) {
			/* 64 MiB with no page: past the end of the image */
			if ((unreadable += WINDOW) >= (64u << 20))
				break;
			continue;
		}
		unreadable = 0;
		for (const uint8_t *p = win; !found && candidates < MAX_CANDIDATES;) {
			p = memmem(p, len - (size_t)(p - win), digits, sizeof(digits));
			if (!p || (size_t)(p - win) >= WINDOW)	/* the next window's */
				break;
			candidates++;
			found = try_candidate(&s, start + off + (size_t)(p - win), loc);
			p++;
		}
	}
	free(win);
	if (!found)
		return vmmap_error_format(VMMAP_ERROR_NOT_FOUND,
					  "none were found in the kernel image (%u candidate%s checked)",
					  candidates, candidates == 1 ? "" : "s");
	return NULL;
}
