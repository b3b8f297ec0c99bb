/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* VMCOREINFO: the kernel's KEY=value note, parsed strictly. */
#ifndef VMMAP_VMCOREINFO_H
#define VMMAP_VMCOREINFO_H

#include <stdint.h>
#include <vmmap/vmmap.h>

struct vmcoreinfo;

/* Fails on malformed lines and on a key given twice with two values. */
struct vmmap_error *vmcoreinfo_parse(const char *text, size_t len,
				     struct vmcoreinfo **ret);
void vmcoreinfo_destroy(struct vmcoreinfo *vi);

/* The raw value, or NULL. */
const char *vmcoreinfo_get(const struct vmcoreinfo *vi, const char *key);
/* Typed lookups: VMMAP_ERROR_NOT_FOUND when the key is absent,
 * VMMAP_ERROR_VMCOREINFO when its value does not parse. */
struct vmmap_error *vmcoreinfo_hex(const struct vmcoreinfo *vi,
				   const char *key, uint64_t *ret);
struct vmmap_error *vmcoreinfo_symbol(const struct vmcoreinfo *vi,
				      const char *name, uint64_t *ret);
/* NUMBER(name): signed decimal, returned as its two's complement. */
struct vmmap_error *vmcoreinfo_number(const struct vmcoreinfo *vi,
				      const char *name, int64_t *ret);
/* SIZE(name), OFFSET(name), LENGTH(name): unsigned decimal. */
struct vmmap_error *vmcoreinfo_unsigned(const struct vmcoreinfo *vi,
					const char *key, uint64_t *ret);

/* Strict number parsers shared with the CLI's address parser. */
bool parse_hex_u64(const char *s, size_t len, uint64_t *ret);
bool parse_dec_i64(const char *s, size_t len, int64_t *ret);
bool parse_dec_u64(const char *s, size_t len, uint64_t *ret);

#endif
