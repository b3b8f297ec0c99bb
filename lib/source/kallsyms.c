/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * kallsyms decoder (format of scripts/kallsyms.c, kernel/kallsyms.c):
 *  - kallsyms_names: per symbol a length (one byte; two when the first
 *    has bit 7 set, 6.1+), then that many token indices;
 *  - kallsyms_token_table: 256 NUL-terminated strings, located by the
 *    u16 array kallsyms_token_index;
 *  - the first character of a decoded name is its nm type letter;
 *  - addresses: kallsyms_addresses[i], or with base-relative tables
 *    kallsyms_offsets[i] (s32) from kallsyms_relative_base. With
 *    KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP) an offset >= 0 is an
 *    absolute value and a negative one means relative_base - 1 - off.
 *    Linux 7.x has no kallsyms_relative_base (nor does its VMCOREINFO
 *    name one): each offset is relative to its own place,
 *    &kallsyms_offsets[i] + kallsyms_offsets[i], as offset_to_ptr()
 *    reads it; measured on Debian's 7.2.13, whose _stext decodes so.
 * Which rule applies is decided by checking _stext against VMCOREINFO.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "../kallsyms.h"

#define KALLSYMS_MAX_SYMS (4u << 20)
#define KALLSYMS_NAME_MAX 1024
#define TOKEN_TABLE_MAX 16384
#define PAGE 4096

struct tokens {
	char *table;		/* NUL-terminated copy of the token table */
	uint16_t index[256];
	size_t len[256];	/* strlen of each token, worked out once */
	size_t size;
};

static struct vmmap_error *
read_tokens(const struct kallsyms_location *loc, kallsyms_read_fn *read,
	    void *arg, struct tokens *tok)
{
	struct vmmap_error *err =
		read(arg, loc->token_index, tok->index, sizeof(tok->index));
	if (err)
		return vmmap_error_prefix(err, "kallsyms_token_index");
	size_t need = 0;
	for (int i = 0; i < 256; i++)
		if (tok->index[i] > need)
			need = tok->index[i];
	/* The last token starts at index[max]; tokens are short. */
	tok->size = need + 256;
	if (tok->size > TOKEN_TABLE_MAX)
		return vmmap_error_create(VMMAP_ERROR_FORMAT,
					  "kallsyms_token_index points outside any plausible token table");
	tok->table = calloc(1, tok->size + 1);
	if (!tok->table)
		return &vmmap_enomem;
	/* The table may end close to an unreadable page: shrink. */
	size_t size = tok->size;
	while (size > need + 1) {
		err = read(arg, loc->token_table, tok->table, size);
		if (!err)
			break;
		vmmap_error_destroy(err);
		err = NULL;
		size = size > need + 64 ? size - 64 : need + 1;
	}
	if (size <= need + 1) {
		err = read(arg, loc->token_table, tok->table, size);
		if (err)
			return vmmap_error_prefix(err, "kallsyms_token_table");
	}
	tok->size = size;
	for (int i = 0; i < 256; i++)
		tok->len[i] = tok->index[i] < size
			? strnlen(tok->table + tok->index[i], size - tok->index[i]) : 0;
	return NULL;
}

enum offset_rule { ABSOLUTE_PERCPU, RELATIVE, SELF_RELATIVE };

/* Symbol i's address from its offset: base is kallsyms_relative_base,
 * or for SELF_RELATIVE the address of kallsyms_offsets. */
static uint64_t
offset_to_addr(int32_t off, uint64_t base, enum offset_rule rule, uint64_t i)
{
	if (rule == SELF_RELATIVE)
		return base + 4 * i + (uint64_t)(int64_t)off;
	if (rule == RELATIVE)
		return base + (uint32_t)off;
	if (off >= 0)
		return (uint64_t)off;
	return base - 1 - (int64_t)off;
}

/* Pick the offset rule under which _stext lands where VMCOREINFO (or
 * failing that, the kernel image mapping) says it is. */
static struct vmmap_error *
choose_rule(const struct kallsyms_location *loc, int32_t stext_off,
	    uint64_t base, uint64_t index, enum offset_rule *rule)
{
	static const enum offset_rule with_base[] = { ABSOLUTE_PERCPU, RELATIVE };
	static const enum offset_rule self[] = { SELF_RELATIVE };
	const enum offset_rule *rules = loc->relative_base ? with_base : self;
	size_t n = loc->relative_base ? 2 : 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = offset_to_addr(stext_off, base, rules[i], index);
		if (loc->stext ? a == loc->stext : a >= loc->image_start) {
			*rule = rules[i];
			return NULL;
		}
	}
	return vmmap_error_format(VMMAP_ERROR_FORMAT,
				  "kallsyms tables decode _stext to neither 0x%llx nor a kernel-image address",
				  (unsigned long long)loc->stext);
}


/* The tables, opened: the names table copied out of the dump once (a
 * distribution kernel's is ~1.2 MiB, smaller than the symbols it
 * decodes to), so that a few names can be looked up without decoding
 * the rest, and the whole table decoded later without reading it again. */
struct kallsyms {
	struct kallsyms_location loc;
	kallsyms_read_fn *read;
	void *arg;
	uint32_t num;
	uint64_t base;		/* relative_base, or offsets (SELF_RELATIVE) */
	enum offset_rule rule;
	struct tokens tok;
	uint8_t *names;		/* kallsyms_names, num entries (and more) */
	size_t names_len, names_cap;
	uint16_t *lens;		/* each name's decoded length */
};

/* Make the first `upto` bytes of the names table ks->names, reading
 * it a page at a time (so that a missing page after its end is never
 * touched). */
static struct vmmap_error *
names_fill(struct kallsyms *ks, size_t upto)
{
	while (ks->names_len < upto) {
		uint64_t at = ks->loc.names + ks->names_len;
		size_t n = PAGE - (at & (PAGE - 1));
		if (ks->names_len + n > ks->names_cap) {
			size_t cap = ks->names_cap ? ks->names_cap * 2 : 1u << 16;
			uint8_t *p = realloc(ks->names, cap);
			if (!p)
				return &vmmap_enomem;
			ks->names = p;
			ks->names_cap = cap;
		}
		struct vmmap_error *err = ks->read(ks->arg, at, ks->names + ks->names_len, n);
		if (err)
			return vmmap_error_prefix(err, "kallsyms_names");
		ks->names_len += n;
	}
	return NULL;
}

/* Where entry i's tokens start, and how many: the length is one byte,
 * or two when the first has bit 7 set (6.1+). */
static size_t
entry_tokens(const uint8_t *p, size_t *ntok)
{
	if (p[0] & 0x80) {
		*ntok = (p[0] & 0x7f) | ((size_t)p[1] << 7);
		return 2;
	}
	*ntok = p[0];
	return 1;
}

/* The decoded length of the tokens at p: the sum of their lengths. */
static size_t
decoded_length(const struct tokens *tok, const uint8_t *p, size_t ntok)
{
	size_t len = 0;
	for (size_t i = 0; i < ntok; i++)
		len += tok->len[p[i]];
	return len;
}

/* Decode ntok tokens at p into name (KALLSYMS_NAME_MAX bytes), whose
 * length was checked by read_names(). */
static void
decode_tokens(const struct tokens *tok, const uint8_t *p, size_t ntok, char *name)
{
	size_t out = 0;
	for (size_t i = 0; i < ntok; i++) {
		memcpy(name + out, tok->table + tok->index[p[i]], tok->len[p[i]]);
		out += tok->len[p[i]];
	}
	name[out] = '\0';
}

/* Do the tokens at p spell a type letter, then name (of the same
 * decoded length, checked by the caller)? */
static bool
tokens_equal(const struct tokens *tok, const uint8_t *p, size_t ntok, const char *name)
{
	size_t pos = 0;	/* in the decoded string: the type letter, then name */
	for (size_t i = 0; i < ntok; i++) {
		const char *t = tok->table + tok->index[p[i]];
		size_t tlen = tok->len[p[i]];
		if (pos == 0) {	/* skip the type letter */
			if (tlen == 0)
				continue;
			t++;
			tlen--;
			pos = 1;
		}
		if (memcmp(t, name + pos - 1, tlen) != 0)
			return false;
		pos += tlen;
	}
	return true;
}

/* Copy the names table out of the dump, checking every entry, and find
 * _stext's index (UINT32_MAX if none). */
static struct vmmap_error *
read_names(struct kallsyms *ks, uint32_t *stext)
{
	char name[KALLSYMS_NAME_MAX];
	struct vmmap_error *err = NULL;
	if (!(ks->lens = malloc((size_t)ks->num * sizeof(*ks->lens))))
		return &vmmap_enomem;
	*stext = UINT32_MAX;
	size_t at = 0, ntok;
	for (uint32_t i = 0; i < ks->num; i++, at += ntok) {
		if ((err = names_fill(ks, at + 2)))
			return err;
		at += entry_tokens(ks->names + at, &ntok);
		if ((err = names_fill(ks, at + ntok)))
			return err;
		const uint8_t *p = ks->names + at;
		size_t len = decoded_length(&ks->tok, p, ntok);
		if (len >= KALLSYMS_NAME_MAX)
			return vmmap_error_create(VMMAP_ERROR_FORMAT,
						  "kallsyms_names holds a name longer than any kernel symbol");
		if (len < 2)
			return vmmap_error_create(VMMAP_ERROR_FORMAT,
						  "kallsyms_names holds an empty name");
		ks->lens[i] = (uint16_t)len;
		if (len == 7 && *stext == UINT32_MAX) {	/* type letter + "_stext" */
			decode_tokens(&ks->tok, p, ntok, name);
			if (strcmp(name + 1, "_stext") == 0)
				*stext = i;
		}
	}
	return NULL;
}

/* Entry i's raw value: an address, or an s32 offset. */
static struct vmmap_error *
read_raw(const struct kallsyms *ks, uint32_t i, uint64_t *raw)
{
	struct vmmap_error *err;
	if (ks->loc.addresses) {
		err = ks->read(ks->arg, ks->loc.addresses + 8 * (uint64_t)i, raw, 8);
		return err ? vmmap_error_prefix(err, "kallsyms_addresses") : NULL;
	}
	int32_t off;
	err = ks->read(ks->arg, ks->loc.offsets + 4 * (uint64_t)i, &off, 4);
	if (err)
		return vmmap_error_prefix(err, "kallsyms_offsets");
	*raw = (uint64_t)(int64_t)off;
	return NULL;
}

static uint64_t
raw_to_addr(const struct kallsyms *ks, uint64_t raw, uint32_t i)
{
	if (ks->loc.addresses)
		return raw;
	return offset_to_addr((int32_t)raw, ks->base, ks->rule, i);
}

void
kallsyms_close(struct kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->tok.table);
	free(ks->names);
	free(ks->lens);
	free(ks);
}

struct vmmap_error *
kallsyms_open(const struct kallsyms_location *loc, kallsyms_read_fn *read, void *arg,
	      struct kallsyms **ret)
{
	struct kallsyms *ks = calloc(1, sizeof(*ks));
	if (!ks)
		return &vmmap_enomem;
	ks->loc = *loc;
	ks->read = read;
	ks->arg = arg;
	ks->base = loc->offsets;	/* SELF_RELATIVE */
	struct vmmap_error *err = read(arg, loc->num_syms, &ks->num, sizeof(ks->num));
	if (err) {
		err = vmmap_error_prefix(err, "kallsyms_num_syms");
		goto fail;
	}
	if (ks->num == 0 || ks->num > KALLSYMS_MAX_SYMS) {
		err = vmmap_error_format(VMMAP_ERROR_FORMAT,
					 "kallsyms_num_syms is %u, not a plausible symbol count",
					 ks->num);
		goto fail;
	}
	if (!loc->addresses && loc->relative_base &&
	    (err = read(arg, loc->relative_base, &ks->base, sizeof(ks->base)))) {
		err = vmmap_error_prefix(err, "kallsyms_relative_base");
		goto fail;
	}
	uint32_t stext;
	if ((err = read_tokens(loc, read, arg, &ks->tok)) || (err = read_names(ks, &stext)))
		goto fail;
	if (!loc->addresses) {
		/* the offset rule under which _stext lands where it must */
		uint64_t raw;
		if (stext == UINT32_MAX)
			err = vmmap_error_create(VMMAP_ERROR_FORMAT, "kallsyms tables have no _stext");
		else if (!(err = read_raw(ks, stext, &raw)))
			err = choose_rule(loc, (int32_t)raw, ks->base, stext, &ks->rule);
		if (err)
			goto fail;
	}
	*ret = ks;
	return NULL;
fail:
	kallsyms_close(ks);
	return err;
}

struct vmmap_error *
kallsyms_lookup(const struct kallsyms *ks, const char *const *names, size_t n,
		uint64_t *addrs, bool *found)
{
	/* Only entries of a wanted length are compared, token by token:
	 * by_len[len] is the first wanted name of that length (+ 1),
	 * next[j] the next one after names[j] (+ 1). */
	uint16_t by_len[KALLSYMS_NAME_MAX] = { 0 };
	uint16_t *next = calloc(n ? n : 1, sizeof(*next));
	if (!next || n >= UINT16_MAX) {
		free(next);
		return &vmmap_enomem;
	}
	for (size_t j = 0; j < n; j++) {
		found[j] = false;
		size_t len = strlen(names[j]) + 1;	/* the type letter */
		if (len < KALLSYMS_NAME_MAX) {
			next[j] = by_len[len];
			by_len[len] = (uint16_t)(j + 1);
		}
	}
	struct vmmap_error *err = NULL;
	const uint8_t *p = ks->names;
	for (uint32_t i = 0; i < ks->num && !err; i++) {
		size_t ntok;
		p += entry_tokens(p, &ntok);
		for (size_t c = by_len[ks->lens[i]]; c && !err; c = next[c - 1]) {
			size_t j = c - 1;
			uint64_t raw, addr;
			if (!tokens_equal(&ks->tok, p, ntok, names[j]) || (err = read_raw(ks, i, &raw)))
				continue;
			/* the lowest address of a name, as symtab_by_name() */
			addr = raw_to_addr(ks, raw, i);
			if (!found[j] || addr < addrs[j])
				addrs[j] = addr;
			found[j] = true;
		}
		p += ntok;
	}
	free(next);
	return err;
}

struct vmmap_error *
kallsyms_decode_all(const struct kallsyms *ks, struct symtab *out)
{
	size_t elem = ks->loc.addresses ? 8 : 4;
	void *raw = malloc((size_t)ks->num * elem);
	if (!raw)
		return &vmmap_enomem;
	uint64_t at = ks->loc.addresses ? ks->loc.addresses : ks->loc.offsets;
	struct vmmap_error *err = ks->read(ks->arg, at, raw, (size_t)ks->num * elem);
	if (err) {
		free(raw);
		return vmmap_error_prefix(err, ks->loc.addresses ? "kallsyms_addresses"
								 : "kallsyms_offsets");
	}
	/* ~20 bytes per name in distribution kernels. */
	err = symtab_reserve(out, out->n + ks->num, out->pool_len + (size_t)ks->num * 24);
	char name[KALLSYMS_NAME_MAX];
	const uint8_t *p = ks->names;
	for (uint32_t i = 0; i < ks->num && !err; i++) {
		size_t ntok;
		p += entry_tokens(p, &ntok);
		decode_tokens(&ks->tok, p, ntok, name);
		p += ntok;
		uint64_t v = elem == 8 ? ((uint64_t *)raw)[i]
				       : (uint64_t)(int64_t)((int32_t *)raw)[i];
		err = symtab_add(out, raw_to_addr(ks, v, i), name[0], name + 1, strlen(name) - 1);
	}
	free(raw);
	return err;
}

struct vmmap_error *
kallsyms_decode(const struct kallsyms_location *loc, kallsyms_read_fn *read,
		void *arg, struct symtab *out)
{
	struct kallsyms *ks;
	struct vmmap_error *err = kallsyms_open(loc, read, arg, &ks);
	if (err)
		return err;
	err = kallsyms_decode_all(ks, out);
	kallsyms_close(ks);
	return err;
}
