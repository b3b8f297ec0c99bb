/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include "notes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void
notes_add(struct notes *notes, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	notes_vadd(notes, fmt, ap);
	va_end(ap);
}

void
notes_move(struct notes *to, struct notes *from)
{
	for (size_t i = 0; i < from->n; i++)
		notes_add(to, "%s", from->v[i]);
	notes_fini(from);
}

void
notes_vadd(struct notes *notes, const char *fmt, va_list ap)
{
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	char **v = realloc(notes->v, (notes->n + 1) * sizeof(*v));
	if (!v) {
		free(msg);
		return;
	}
	notes->v = v;
	notes->v[notes->n++] = msg;
}

void
notes_fini(struct notes *notes)
{
	for (size_t i = 0; i < notes->n; i++)
		free(notes->v[i]);
	free(notes->v);
	notes->v = NULL;
	notes->n = 0;
}
