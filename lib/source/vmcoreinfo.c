/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * VMCOREINFO parser. The kernel writes one KEY=value per line
 * (kernel/crash_core.c): SYMBOL(x) and KERNELOFFSET in hex without 0x,
 * NUMBER(x) in signed decimal, SIZE/OFFSET/LENGTH in decimal.
 * A dump from a crashed machine can carry anything here, so every
 * value is checked before use.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "../vmcoreinfo.h"

struct vmcoreinfo_entry {
	char *key;
	char *value;
};

struct vmcoreinfo {
	struct vmcoreinfo_entry *entries;
	size_t n;
};

/* Enough for the ~200 keys of a real kernel, with room to spare; a
 * note larger than this is not VMCOREINFO. */
#define VMCOREINFO_MAX_LINES 4096

void
vmcoreinfo_destroy(struct vmcoreinfo *vi)
{
	if (!vi)
		return;
	for (size_t i = 0; i < vi->n; i++) {
		free(vi->entries[i].key);
		free(vi->entries[i].value);
	}
	free(vi->entries);
	free(vi);
}

static struct vmcoreinfo_entry *
find_entry(const struct vmcoreinfo *vi, const char *key, size_t keylen)
{
	for (size_t i = 0; i < vi->n; i++)
		if (strlen(vi->entries[i].key) == keylen &&
		    memcmp(vi->entries[i].key, key, keylen) == 0)
			return &vi->entries[i];
	return NULL;
}

static bool
is_printable_line(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static struct vmmap_error *
add_line(struct vmcoreinfo *vi, const char *line, size_t len, size_t lineno)
{
	const char *eq = memchr(line, '=', len);
	if (!eq || eq == line || !is_printable_line(line, len))
		return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
					  "VMCOREINFO line %zu is not KEY=value",
					  lineno);
	size_t keylen = eq - line;
	const char *value = eq + 1;
	size_t vallen = len - keylen - 1;
	struct vmcoreinfo_entry *old = find_entry(vi, line, keylen);
	if (old) {
		if (strlen(old->value) == vallen &&
		    memcmp(old->value, value, vallen) == 0)
			return NULL;
		return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
					  "VMCOREINFO gives %s twice with different values",
					  old->key);
	}
	if (vi->n >= VMCOREINFO_MAX_LINES)
		return vmmap_error_create(VMMAP_ERROR_VMCOREINFO,
					  "VMCOREINFO has too many lines");
	struct vmcoreinfo_entry *e =
		realloc(vi->entries, (vi->n + 1) * sizeof(*e));
	if (!e)
		return &vmmap_enomem;
	vi->entries = e;
	e = &vi->entries[vi->n];
	e->key = strndup(line, keylen);
	e->value = strndup(value, vallen);
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return &vmmap_enomem;
	}
	vi->n++;
	return NULL;
}

struct vmmap_error *
vmcoreinfo_parse(const char *text, size_t len, struct vmcoreinfo **ret)
{
	struct vmcoreinfo *vi = calloc(1, sizeof(*vi));
	if (!vi)
		return &vmmap_enomem;
	size_t lineno = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *line_end = nl ? nl : end;
		lineno++;
		/* The note is NUL-padded: stop at the first NUL. */
		const char *nul = memchr(p, '\0', line_end - p);
		if (nul)
			line_end = nul;
		if (line_end > p) {
			struct vmmap_error *err =
				add_line(vi, p, line_end - p, lineno);
			if (err) {
				vmcoreinfo_destroy(vi);
				return err;
			}
		}
		if (nul)
			break;
		p = line_end + 1;
	}
	if (vi->n == 0) {
		vmcoreinfo_destroy(vi);
		return vmmap_error_create(VMMAP_ERROR_VMCOREINFO,
					  "VMCOREINFO is empty");
	}
	*ret = vi;
	return NULL;
}

const char *
vmcoreinfo_get(const struct vmcoreinfo *vi, const char *key)
{
	struct vmcoreinfo_entry *e = find_entry(vi, key, strlen(key));
	return e ? e->value : NULL;
}

bool
parse_hex_u64(const char *s, size_t len, uint64_t *ret)
{
	if (len == 0 || len > 16)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = (v << 4) | d;
	}
	*ret = v;
	return true;
}

bool
parse_dec_u64(const char *s, size_t len, uint64_t *ret)
{
	if (len == 0 || len > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = s[i] - '0';
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

bool
parse_dec_i64(const char *s, size_t len, int64_t *ret)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t mag;
	if (!parse_dec_u64(s + neg, len - neg, &mag))
		return false;
	if (neg ? mag > (uint64_t)INT64_MAX + 1 : mag > (uint64_t)INT64_MAX)
		return false;
	*ret = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return true;
}

static struct vmmap_error *
lookup(const struct vmcoreinfo *vi, const char *key, const char **value)
{
	*value = vmcoreinfo_get(vi, key);
	if (!*value)
		return vmmap_error_format(VMMAP_ERROR_NOT_FOUND,
					  "VMCOREINFO has no %s", key);
	return NULL;
}

static struct vmmap_error *
bad_value(const char *key, const char *value, const char *kind)
{
	return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
				  "VMCOREINFO %s=%.40s is not %s", key, value,
				  kind);
}

struct vmmap_error *
vmcoreinfo_hex(const struct vmcoreinfo *vi, const char *key, uint64_t *ret)
{
	const char *v;
	struct vmmap_error *err = lookup(vi, key, &v);
	if (err)
		return err;
	if (!parse_hex_u64(v, strlen(v), ret))
		return bad_value(key, v, "a 64-bit hex number");
	return NULL;
}

struct vmmap_error *
vmcoreinfo_symbol(const struct vmcoreinfo *vi, const char *name, uint64_t *ret)
{
	char key[128];
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	return vmcoreinfo_hex(vi, key, ret);
}

struct vmmap_error *
vmcoreinfo_number(const struct vmcoreinfo *vi, const char *name, int64_t *ret)
{
	char key[128];
	snprintf(key, sizeof(key), "NUMBER(%s)", name);
	const char *v;
	struct vmmap_error *err = lookup(vi, key, &v);
	if (err)
		return err;
	/* Decimal as a rule; some arch code prints hex, e.g.
	 * NUMBER(VMALLOC_START)=0x... (6.9+). */
	uint64_t u;
	if (v[0] == '0' && v[1] == 'x' && parse_hex_u64(v + 2, strlen(v + 2), &u))
		*ret = (int64_t)u;
	else if (!parse_dec_i64(v, strlen(v), ret))
		return bad_value(key, v, "a 64-bit number");
	return NULL;
}

struct vmmap_error *
vmcoreinfo_unsigned(const struct vmcoreinfo *vi, const char *key,
		    uint64_t *ret)
{
	const char *v;
	struct vmmap_error *err = lookup(vi, key, &v);
	if (err)
		return err;
	if (!parse_dec_u64(v, strlen(v), ret))
		return bad_value(key, v, "an unsigned decimal number");
	return NULL;
}
