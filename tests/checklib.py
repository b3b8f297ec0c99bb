# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""What the check-*.py scripts share: their options, and the PT_LOAD
segments of an ELF dump, read here and not by vmmap."""
import struct


def take_option(args, name, default=None):
    """Remove "name VALUE" from args and return VALUE, or default."""
    if name not in args:
        return default
    i = args.index(name)
    value = args[i + 1]
    del args[i:i + 2]
    return value


def elf_loads(path):
    """(paddr, filesz, file offset) of each PT_LOAD with data in it."""
    with open(path, "rb") as f:
        head = f.read(64)
        phoff, = struct.unpack_from("<Q", head, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    loads = []
    for i in range(phnum):
        p_type, _, offset, _, paddr, filesz = struct.unpack_from("<IIQQQQ", table, i * phentsize)
        if p_type == 1 and filesz:
            loads.append((paddr, filesz, offset))
    return loads
