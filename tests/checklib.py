# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""What the check-*.py scripts share: their options, and the PT_LOAD
segments and notes of an ELF dump, read here and not by vmmap."""
import lzma
import struct


def take_option(args, name, default=None):
    """Remove "name VALUE" from args and return VALUE, or default."""
    if name not in args:
        return default
    i = args.index(name)
    value = args[i + 1]
    del args[i:i + 2]
    return value


def elf_phdrs(f):
    """(p_type, file offset, paddr, filesz) of each program header of
    the ELF file open as f (read from its start)."""
    f.seek(0)
    head = f.read(64)
    phoff, = struct.unpack_from("<Q", head, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
    f.seek(phoff)
    table = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        p_type, _, offset, _, paddr, filesz = struct.unpack_from("<IIQQQQ", table, i * phentsize)
        out.append((p_type, offset, paddr, filesz))
    return out


def elf_loads(path):
    """(paddr, filesz, file offset) of each PT_LOAD with data in it."""
    with open(path, "rb") as f:
        return [(paddr, filesz, offset) for p_type, offset, paddr, filesz in elf_phdrs(f)
                if p_type == 1 and filesz]


def elf_notes(path):
    """(name, type, desc) of every note in the PT_NOTE segments of an
    ELF dump; path may be xz-compressed (.xz: only the start of the
    file is decompressed)."""
    with (lzma.open if path.endswith(".xz") else open)(path, "rb") as f:
        segments = [(offset, filesz) for p_type, offset, _, filesz in elf_phdrs(f)
                    if p_type == 4]
        notes = []
        for offset, filesz in sorted(segments):
            f.seek(offset)
            seg = f.read(filesz)
            pos = 0
            while pos + 12 <= len(seg):
                namesz, descsz, ntype = struct.unpack_from("<III", seg, pos)
                pos += 12
                name = seg[pos:pos + namesz].rstrip(b"\0")
                pos += (namesz + 3) & ~3
                notes.append((name, ntype, seg[pos:pos + descsz]))
                pos += (descsz + 3) & ~3
    return notes


def vmmap_addr(vmmap, dump, addrs, wrapper=()):
    """`vmmap addr DUMP ADDR... --json`: its exit status, its stderr and
    its answers, padded with {} to one per address."""
    import json
    import subprocess
    p = subprocess.run(list(wrapper) + [vmmap, "addr", dump] + list(addrs) + ["--json"],
                       capture_output=True, text=True)
    try:
        got = json.loads(p.stdout)["addresses"]
    except (ValueError, KeyError):
        got = []
    return p.returncode, p.stderr.strip(), got + [{}] * (len(addrs) - len(got))


def addr_run_check(check, rc, err, answered, asked, what="vmmap addr"):
    """One TAP line: the run answered every address."""
    check(rc == 0 and answered == asked,
          "%s: exit %d, %d answers for %d addresses%s"
          % (what, rc, answered, asked, (": " + err[:300]) if err else ""))

