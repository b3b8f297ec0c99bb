/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Notes: warnings gathered while reading a kernel (a guessed fact, a
 * source that failed), in the order they were made. */
#ifndef VMMAP_NOTES_H
#define VMMAP_NOTES_H

#include <stdarg.h>
#include <stddef.h>

struct notes {
	char **v;
	size_t n;
};

/* Without memory the note is lost, never the work. */
void notes_add(struct notes *notes, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void notes_vadd(struct notes *notes, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Move every note of from to the end of to. */
void notes_move(struct notes *to, struct notes *from);
void notes_fini(struct notes *notes);

#endif
