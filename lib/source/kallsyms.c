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
#define CHUNK 4096

/* Reads the names table a page at a time. */
struct stream {
	kallsyms_read_fn *read;
	void *arg;
	uint64_t next;		/* address of buf[len] */
	uint8_t buf[CHUNK];
	size_t pos, len;
};

static struct vmmap_error *
stream_refill(struct stream *s)
{
	/* Read up to the next page boundary, so that one missing page is
	 * not hit before it is needed. */
	size_t n = CHUNK - (s->next & (CHUNK - 1));
	struct vmmap_error *err = s->read(s->arg, s->next, s->buf, n);
	if (err)
		return vmmap_error_prefix(err, "kallsyms_names");
	s->next += n;
	s->pos = 0;
	s->len = n;
	return NULL;
}

static inline struct vmmap_error *
stream_byte(struct stream *s, uint8_t *ret)
{
	if (__builtin_expect(s->pos == s->len, 0)) {
		struct vmmap_error *err = stream_refill(s);
		if (err)
			return err;
	}
	*ret = s->buf[s->pos++];
	return NULL;
}

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

static struct vmmap_error *
decode_name(struct stream *s, const struct tokens *tok, char *name,
	    size_t *namelen)
{
	uint8_t b;
	struct vmmap_error *err = stream_byte(s, &b);
	if (err)
		return err;
	size_t len = b;
	if (b & 0x80) {
		err = stream_byte(s, &b);
		if (err)
			return err;
		len = (len & 0x7f) | ((size_t)b << 7);
	}
	size_t out = 0;
	for (size_t i = 0; i < len; i++) {
		err = stream_byte(s, &b);
		if (err)
			return err;
		const char *t = tok->table + tok->index[b];
		size_t tlen = tok->len[b];
		if (out + tlen >= KALLSYMS_NAME_MAX)
			return vmmap_error_create(VMMAP_ERROR_FORMAT,
						  "kallsyms_names holds a name longer than any kernel symbol");
		memcpy(name + out, t, tlen);
		out += tlen;
	}
	if (out < 2)
		return vmmap_error_create(VMMAP_ERROR_FORMAT,
					  "kallsyms_names holds an empty name");
	name[out] = '\0';
	*namelen = out;
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

struct raw_symbol {
	uint32_t name_off;
	int32_t offset;
	uint64_t addr;
};

static struct vmmap_error *
read_addresses(const struct kallsyms_location *loc, kallsyms_read_fn *read,
	       void *arg, uint32_t num, void **ret)
{
	size_t elem = loc->addresses ? 8 : 4;
	void *buf = malloc((size_t)num * elem);
	if (!buf)
		return &vmmap_enomem;
	uint64_t at = loc->addresses ? loc->addresses : loc->offsets;
	struct vmmap_error *err = read(arg, at, buf, (size_t)num * elem);
	if (err) {
		free(buf);
		return vmmap_error_prefix(err, loc->addresses ? "kallsyms_addresses"
							      : "kallsyms_offsets");
	}
	*ret = buf;
	return NULL;
}

struct vmmap_error *
kallsyms_decode(const struct kallsyms_location *loc, kallsyms_read_fn *read,
		void *arg, struct symtab *out)
{
	uint32_t num;
	struct vmmap_error *err = read(arg, loc->num_syms, &num, sizeof(num));
	if (err)
		return vmmap_error_prefix(err, "kallsyms_num_syms");
	if (num == 0 || num > KALLSYMS_MAX_SYMS)
		return vmmap_error_format(VMMAP_ERROR_FORMAT,
					  "kallsyms_num_syms is %u, not a plausible symbol count",
					  num);
	uint64_t base = loc->offsets;	/* SELF_RELATIVE */
	if (!loc->addresses && loc->relative_base) {
		err = read(arg, loc->relative_base, &base, sizeof(base));
		if (err)
			return vmmap_error_prefix(err, "kallsyms_relative_base");
	}
	struct tokens tok = { 0 };
	void *addrs = NULL;
	struct stream *s = NULL;
	char *name = malloc(KALLSYMS_NAME_MAX);
	/* ~20 bytes per name in distribution kernels. The count is the
	 * dump's word: reserve for at most 64 Ki names (a distribution
	 * kernel has ~100 Ki), growth handles more. */
	size_t expect = num < (1u << 16) ? num : (1u << 16);
	err = symtab_reserve(out, out->n + expect, out->pool_len + expect * 24);
	if (!err)
		err = read_tokens(loc, read, arg, &tok);
	if (!err)
		err = read_addresses(loc, read, arg, num, &addrs);
	if (!err && !(s = calloc(1, sizeof(*s))))
		err = &vmmap_enomem;
	if (!err && !name)
		err = &vmmap_enomem;
	if (err)
		goto out;
	s->read = read;
	s->arg = arg;
	s->next = loc->names;
	/* First pass: names with raw offsets; addresses once the rule is
	 * known. */
	bool have_rule = loc->addresses != 0;
	enum offset_rule rule = ABSOLUTE_PERCPU;
	size_t first = out->n;
	for (uint32_t i = 0; i < num; i++) {
		size_t len = 0;
		err = decode_name(s, &tok, name, &len);
		if (err)
			goto out;
		uint64_t addr;
		if (loc->addresses)
			addr = ((uint64_t *)addrs)[i];
		else
			addr = (uint64_t)(int64_t)((int32_t *)addrs)[i];
		if (!have_rule && strcmp(name + 1, "_stext") == 0) {
			err = choose_rule(loc, (int32_t)addr, base, i, &rule);
			if (err)
				goto out;
			have_rule = true;
		}
		err = symtab_add(out, addr, name[0], name + 1, len - 1);
		if (err)
			goto out;
	}
	if (!have_rule) {
		err = vmmap_error_create(VMMAP_ERROR_FORMAT,
					 "kallsyms tables have no _stext");
		goto out;
	}
	if (!loc->addresses)
		for (size_t i = first; i < out->n; i++)
			out->entries[i].addr = offset_to_addr(
				(int32_t)out->entries[i].addr, base, rule, i - first);
out:
	free(tok.table);
	free(addrs);
	free(s);
	free(name);
	return err;
}
