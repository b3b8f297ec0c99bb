/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Values that are not pointers, though they sit where pointers do:
 * error codes (ERR_PTR), list and slab poison, NULL with a small offset.
 */
#ifndef VMMAP_SPECIAL_H
#define VMMAP_SPECIAL_H

#include <stdint.h>

/* The kind of special value v is ("ERR_PTR", "NULL", "LIST_POISON1",
 * ...), or NULL; *errnum gets the errno of an ERR_PTR. */
const char *special_value(uint64_t v, int *errnum);
/* The symbolic name of a kernel errno ("EINVAL", "EPROBE_DEFER"), or
 * NULL. */
const char *special_errno_name(int errnum);

#endif
