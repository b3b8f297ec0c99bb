/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Tagging kernel pointers in free text (oopses, crash's bt -f and rd
 * output, logs): every 16-digit hex word, with or without 0x, that is
 * a kernel address gets " [region+offset]" or " [region:symbol+off]"
 * after it. A word is delimited by characters that are not letters,
 * digits or '_', so longer hex strings and identifiers stay as they are.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "map.h"
#include "output.h"
#include "special.h"

/* Character classes by table: the scan looks at every byte. */
enum { HEX = 1, WORD = 2 };

static const unsigned char *
char_classes(void)
{
	static const unsigned char classes[256] = {
#define H(c) [c] = HEX | WORD
		H('0'), H('1'), H('2'), H('3'), H('4'), H('5'), H('6'), H('7'), H('8'), H('9'),
		H('a'), H('b'), H('c'), H('d'), H('e'), H('f'),
		H('A'), H('B'), H('C'), H('D'), H('E'), H('F'),
#undef H
#define W(c) [c] = WORD
		W('g'), W('h'), W('i'), W('j'), W('k'), W('l'), W('m'), W('n'), W('o'),
		W('p'), W('q'), W('r'), W('s'), W('t'), W('u'), W('v'), W('w'), W('x'),
		W('y'), W('z'), W('G'), W('H'), W('I'), W('J'), W('K'), W('L'), W('M'),
		W('N'), W('O'), W('P'), W('Q'), W('R'), W('S'), W('T'), W('U'), W('V'),
		W('W'), W('X'), W('Y'), W('Z'), W('_'),
#undef W
	};
	return classes;
}

/* Does a hex word start at i: not in the middle of a word, except right
 * after a "0x" that itself starts a word? */
static bool
word_starts_at(const unsigned char *cls, const unsigned char *text, size_t i)
{
	if (i == 0 || !(cls[text[i - 1]] & WORD))
		return true;
	return i >= 2 && text[i - 1] == 'x' && text[i - 2] == '0' &&
	       (i < 3 || !(cls[text[i - 3]] & WORD));
}

/* Eight hex digits (already checked) to their value, a byte at a time
 * in parallel: '0'-'9' keep their low nibble, 'a'-'f' and 'A'-'F' add
 * 9 to it (bit 6 tells letters). The first digit is the top nibble. */
static uint32_t
hex8(const unsigned char *s)
{
	uint64_t x;
	memcpy(&x, s, 8);	/* x86_64: little-endian, s[0] in the low byte */
	x = (x & 0x0f0f0f0f0f0f0f0fULL) + 9 * ((x >> 6) & 0x0101010101010101ULL);
	x = ((x & 0x000f000f000f000fULL) << 4) | ((x >> 8) & 0x000f000f000f000fULL);
	x = ((x & 0x000000ff000000ffULL) << 8) | ((x >> 16) & 0x000000ff000000ffULL);
	return (uint32_t)(((x & 0xffff) << 16) | ((x >> 32) & 0xffff));
}

static uint64_t
hex16(const unsigned char *s)
{
	return (uint64_t)hex8(s) << 32 | hex8(s + 8);
}

/* The annotated text, built in memory: writing it through stdio in
 * pieces (text, tag, text, ...) was a quarter of annotate's time. */
struct outbuf {
	char **p;
	size_t *cap;
	size_t len;
	bool failed;
	unsigned annotate_flags;	/* for vmmap_map_annotate() */
};

static bool
out_reserve(struct outbuf *o, size_t more)
{
	if (o->len + more <= *o->cap)
		return true;
	size_t cap = *o->cap ? *o->cap : 4096;
	while (cap < o->len + more)
		cap *= 2;
	char *p = realloc(*o->p, cap);
	if (!p) {
		o->failed = true;
		return false;
	}
	*o->p = p;
	*o->cap = cap;
	return true;
}

static void
out_put(struct outbuf *o, const void *data, size_t len)
{
	if (len && out_reserve(o, len)) {	/* the buffer may still be NULL */
		memcpy(*o->p + o->len, data, len);
		o->len += len;
	}
}

/* Tag the run of hex digits [s, j) if it is a whole 16-digit word
 * holding a kernel pointer; returns how far the text is copied. */
static size_t
tag_word(struct vmmap_map *map, const unsigned char *cls, const unsigned char *text,
	 size_t len, size_t s, size_t j, size_t copied, struct outbuf *o)
{
	if (j - s != 16 || !word_starts_at(cls, text, s) || (j < len && (cls[text[j]] & WORD)))
		return copied;
	uint64_t v = hex16(text + s);
	struct vmmap_annotation a;	/* vmmap_map_annotate() sets what it says */
	a.size = sizeof(a);
	/* kernel pointers, ERR_PTRs among them, and poison (below the
	 * kernel half): a freed object's 6b6b... in a register is worth a
	 * tag too, NULL plus a small offset is not */
	if (!vmmap_is_kernel_pointer(map, v)) {
		int errnum;
		const char *special = special_value(v, &errnum);
		if (!special || strcmp(special, "NULL") == 0)
			return copied;
	}
	if (vmmap_map_annotate(map, v, o->annotate_flags, &a))
		return copied;
	/* After the brackets that close around the word, not inside
	 * them: "[<ffffffff81000000>] [kernel_text:...]". */
	while (j < len && (text[j] == '>' || text[j] == ']' || text[j] == ')' || text[j] == '}'))
		j++;
	out_put(o, text + copied, j - copied);
	if (!out_reserve(o, 260))	/* " [" + a tag of at most 255 + "]" */
		return j;
	char *tag = *o->p + o->len;
	tag[0] = ' ';
	tag[1] = '[';
	size_t n = 2 + format_tag(&a, tag + 2, 256);
	tag[n++] = ']';
	o->len += n;
	return j;
}

static void
annotate(struct vmmap_map *map, const unsigned char *text, size_t len, struct outbuf *o)
{
	const unsigned char *cls = char_classes();
	size_t copied = 0;
	/* i never follows a hex digit. A run of 16 hex digits starting in
	 * [i, i + 15] covers i + 15: if that is no hex digit, skip 16. */
	for (size_t i = 0; i + 16 <= len;) {
		if (!(cls[text[i + 15]] & HEX)) {
			i += 16;
			continue;
		}
		size_t s = i + 15, j = i + 16;
		while (s > i && (cls[text[s - 1]] & HEX))
			s--;
		while (j < len && (cls[text[j]] & HEX))
			j++;
		copied = tag_word(map, cls, text, len, s, j, copied, o);
		i = copied > j + 1 ? copied : j + 1;
	}
	out_put(o, text + copied, len - copied);
}

struct vmmap_error *
vmmap_annotate_text_mem(struct vmmap_map *map, const char *text, size_t len,
			char **buf, size_t *cap, size_t *out_len)
{
	return vmmap_annotate_text_flags(map, text, len, 0, buf, cap, out_len);
}

struct vmmap_error *
vmmap_annotate_text_flags(struct vmmap_map *map, const char *text, size_t len, unsigned flags,
			  char **buf, size_t *cap, size_t *out_len)
{
	/* no page walks; the page state (a struct page read under a lock
	 * per pointer) only when asked: dense text has millions of them */
	struct outbuf o = { .p = buf, .cap = cap,
			    .annotate_flags = VMMAP_ANNOTATE_NO_PHYS |
					      (flags & VMMAP_ANNOTATE_TEXT_PAGE_STATE ? 0
									: VMMAP_ANNOTATE_NO_PAGE) };
	*out_len = 0;
	if (len == 0)	/* text may be NULL then */
		return NULL;
	out_reserve(&o, len + len / 2);
	annotate(map, (const unsigned char *)text, len, &o);
	*out_len = o.len;
	return o.failed ? vmmap_error_create(VMMAP_ERROR_NOMEM, "out of memory") : NULL;
}

void
vmmap_annotate_text(struct vmmap_map *map, const char *text, size_t len,
		    FILE *file)
{
	char *buf = NULL;
	size_t cap = 0, n = 0;
	struct vmmap_error *err = vmmap_annotate_text_mem(map, text, len, &buf, &cap, &n);
	if (err) {	/* without memory: the text as it is */
		vmmap_error_destroy(err);
		fwrite(text, 1, len, file);
	} else if (n) {
		fwrite(buf, 1, n, file);
	}
	free(buf);
}
