/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Text and JSON output (output.c), for annotate.c. */
#ifndef VMMAP_OUTPUT_H
#define VMMAP_OUTPUT_H

#include <stddef.h>
#include <vmmap/vmmap.h>

/* vmmap_format_tag() that also says the tag's length. */
size_t format_tag(const struct vmmap_annotation *a, char *buf, size_t len);

#endif
