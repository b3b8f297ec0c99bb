/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The whole open path with libkdumpfile in the process: the input is a
 * dump file (its headers: ELF, compressed kdump, flattened), opened by
 * vmmap_source_open_dump() as a user's file would be, then the map is
 * built. Whatever libkdumpfile would crash on must be refused first
 * (lib/source/dumpcheck.c). Seeds: the first 16 KiB of real fixture
 * dumps in each format.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vmmap/vmmap.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-dump", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct vmmap_source *src;
	struct vmmap_error *err = vmmap_source_open_dump(path, &src);
	if (!err) {
		struct vmmap_map *map;
		err = vmmap_map_build(src, NULL, &map);
		if (!err)
			vmmap_map_destroy(map);
		vmmap_source_destroy(src);
	}
	vmmap_error_destroy(err);
	close(fd);
	return 0;
}
