/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Error objects: a code and a message (see vmmap.h). */
#ifndef VMMAP_ERROR_H
#define VMMAP_ERROR_H

#include <vmmap/vmmap.h>

struct vmmap_error {
	enum vmmap_error_code code;
	bool is_static;		/* vmmap_enomem is never freed */
	char *message;
	int errnum;		/* VMMAP_ERROR_OS: errno, else 0 */
	bool have_address;	/* VMMAP_ERROR_FAULT: what could not be read */
	uint64_t address;
};

/* Returned when allocating an error itself fails; never freed. */
extern struct vmmap_error vmmap_enomem;

struct vmmap_error *vmmap_error_create(enum vmmap_error_code code,
				       const char *message);
struct vmmap_error *vmmap_error_format(enum vmmap_error_code code,
				       const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* VMMAP_ERROR_OS with errnum kept; the message gets ": strerror" at
 * its end. */
struct vmmap_error *vmmap_error_os(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* VMMAP_ERROR_FAULT at address. */
struct vmmap_error *vmmap_error_fault(uint64_t address, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Put "context: " in front of err's message (like kdump_err()). */
struct vmmap_error *vmmap_error_prefix(struct vmmap_error *err,
				       const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
