/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Size-prefixed structures of the public API (vmmap.h): a caller built
 * against an older header passes a shorter one, a newer header a longer
 * one. What this library does not know must be unset.
 */
#ifndef VMMAP_ABI_H
#define VMMAP_ABI_H

#include <stdbool.h>
#include <stddef.h>

/* p points to a structure of `size` bytes (its own size member) of which
 * this library knows `known` bytes and needs at least `min`. */
static inline bool
abi_size_ok(const void *p, size_t size, size_t min, size_t known)
{
	if (size < min)
		return false;
	const unsigned char *b = p;
	for (size_t i = known; i < size; i++)
		if (b[i])
			return false;
	return true;
}

#endif
