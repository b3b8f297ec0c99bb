/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Checks of a dump file's headers before libkdumpfile sees them:
 * libkdumpfile trusts the fields it reads and crashes on some hostile
 * ones (a 32-bit class on a 64-bit body, ELF section tables outside the
 * file, garbage compressed-kdump sub-headers).
 */
#ifndef VMMAP_SOURCE_DUMPCHECK_H
#define VMMAP_SOURCE_DUMPCHECK_H

#include <stdint.h>

#include "../notes.h"

/* An error for what must be refused; notes for what only degrades the
 * answer (load segments the file is too short for). */
struct vmmap_error *dumpcheck(int fd, const char *path, uint64_t size, struct notes *notes);

#endif
