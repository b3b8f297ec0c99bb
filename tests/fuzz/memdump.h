/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* An in-memory dump source for the fuzzers: a base ELF dump plus byte
 * patches taken from the fuzzer's input, read the way a debugger would
 * feed vmmap (through vmmap_source_create), with libelf for the
 * headers. */
#ifndef VMMAP_FUZZ_MEMDUMP_H
#define VMMAP_FUZZ_MEMDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <vmmap/vmmap.h>

/* Read the base dump named by $VMMAP_FUZZ_DUMP once; exits on failure. */
void memdump_load_base(const uint8_t **base, size_t *len);

/* Bytes that replace the base's at a file offset. */
struct memdump_patch {
	uint64_t off;
	size_t len;
	const uint8_t *bytes;
};

/* A source over base with patches (at most 64 kept; beyond the file's
 * end cut), without a page walk of its own (libvmmap's runs). on_read,
 * if not NULL, is told the file range of every read. */
struct vmmap_error *memdump_source_patched(const uint8_t *base, size_t base_len,
					   const struct memdump_patch *patches, size_t n,
					   void (*on_read)(void *ctx, uint64_t off, size_t len),
					   void *ctx, struct vmmap_source **ret);

/* A source over base with the patches encoded in data: records of
 * [len 1..32][offset, 3 bytes little-endian, modulo the file size]
 * [len bytes]. */
struct vmmap_error *memdump_source(const uint8_t *base, size_t base_len,
				   const uint8_t *data, size_t size,
				   struct vmmap_source **ret);

#endif
