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

/* A source over base with the patches encoded in data: records of
 * [len 1..32][offset, 3 bytes little-endian, modulo the file size]
 * [len bytes]. */
struct vmmap_error *memdump_source(const uint8_t *base, size_t base_len,
				   const uint8_t *data, size_t size,
				   struct vmmap_source **ret);

#endif
