/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vmmap_error vmmap_enomem = {
	.code = VMMAP_ERROR_NOMEM,
	.is_static = true,
	.message = "out of memory",
};

struct vmmap_error *
vmmap_error_create(enum vmmap_error_code code, const char *message)
{
	struct vmmap_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &vmmap_enomem;
	err->code = code;
	err->message = strdup(message);
	if (!err->message) {
		free(err);
		return &vmmap_enomem;
	}
	return err;
}

static struct vmmap_error *
error_vformat(enum vmmap_error_code code, const char *fmt, va_list ap)
{
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		return &vmmap_enomem;
	struct vmmap_error *err = calloc(1, sizeof(*err));
	if (!err) {
		free(msg);
		return &vmmap_enomem;
	}
	err->code = code;
	err->message = msg;
	return err;
}

struct vmmap_error *
vmmap_error_format(enum vmmap_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct vmmap_error *err = error_vformat(code, fmt, ap);
	va_end(ap);
	return err;
}

struct vmmap_error *
vmmap_error_os(int errnum, const char *fmt, ...)
{
	if (errnum == ENOMEM)
		return &vmmap_enomem;
	va_list ap;
	va_start(ap, fmt);
	struct vmmap_error *err = error_vformat(VMMAP_ERROR_OS, fmt, ap);
	va_end(ap);
	if (err->is_static)
		return err;
	err->errnum = errnum;
	char *msg;
	if (asprintf(&msg, "%s: %s", err->message, strerror(errnum)) >= 0) {
		free(err->message);
		err->message = msg;
	}
	return err;
}

struct vmmap_error *
vmmap_error_fault(uint64_t address, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct vmmap_error *err = error_vformat(VMMAP_ERROR_FAULT, fmt, ap);
	va_end(ap);
	if (!err->is_static) {
		err->have_address = true;
		err->address = address;
	}
	return err;
}

struct vmmap_error *
vmmap_error_prefix(struct vmmap_error *err, const char *fmt, ...)
{
	if (!err || err->is_static)
		return err;
	char *prefix, *msg;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (r < 0)
		return err;
	if (asprintf(&msg, "%s: %s", prefix, err->message) >= 0) {
		free(err->message);
		err->message = msg;
	}
	free(prefix);
	return err;
}

enum vmmap_error_code
vmmap_error_code(const struct vmmap_error *err)
{
	return err->code;
}

const char *
vmmap_error_message(const struct vmmap_error *err)
{
	return err->message;
}

int
vmmap_error_errno(const struct vmmap_error *err)
{
	return err->errnum;
}

bool
vmmap_error_fault_address(const struct vmmap_error *err, uint64_t *addr)
{
	if (err->have_address)
		*addr = err->address;
	return err->have_address;
}

const char *
vmmap_version(void)
{
	return PACKAGE_VERSION;
}

void
vmmap_error_destroy(struct vmmap_error *err)
{
	if (!err || err->is_static)
		return;
	free(err->message);
	free(err);
}

struct vmmap_error *
vmmap_error_new(enum vmmap_error_code code, const char *message)
{
	return vmmap_error_create(code, message);
}

const char *
vmmap_error_code_name(enum vmmap_error_code code)
{
	switch (code) {
	case VMMAP_ERROR_NOMEM: return "nomem";
	case VMMAP_ERROR_OS: return "os";
	case VMMAP_ERROR_FORMAT: return "format";
	case VMMAP_ERROR_UNSUPPORTED: return "unsupported";
	case VMMAP_ERROR_VMCOREINFO: return "vmcoreinfo";
	case VMMAP_ERROR_FAULT: return "fault";
	case VMMAP_ERROR_NOT_FOUND: return "not_found";
	case VMMAP_ERROR_INVALID_ARGUMENT: return "invalid_argument";
	case VMMAP_ERROR_SYMBOLS: return "symbols";
	}
	return "unknown";
}
