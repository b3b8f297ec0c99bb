/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include "notes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void
notes_add(struct notes *notes, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
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
