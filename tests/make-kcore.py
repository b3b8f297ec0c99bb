#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Write a /proc/kcore-shaped ELF file from a real fixture's ELF dump.

usage: make-kcore.py DUMP.elf KVIEW.txt OUT [--cmdline CMDLINE.txt] [--no-vmcoreinfo]
       --no-vmcoreinfo: leave the VMCOREINFO note out, as kernels before
       4.19 did (they also set every p_paddr to 0)

/proc/kcore (fs/proc/kcore.c) is an ELF64 core whose program headers
are, in order: one PT_NOTE, then one PT_LOAD per entry of the kernel's
kcore list, with p_vaddr the entry's kernel *virtual* address and
p_paddr __pa() of it for RAM (the direct map), __pa_symbol() for the
kernel text, and -1 for vmalloc, modules, vmemmap and the vsyscall page.
Its notes are CORE/NT_PRSTATUS (zeroed), CORE/NT_PRPSINFO ('R',
"vmlinux", the command line), CORE/NT_TASKSTRUCT (the reader's
task_struct) and VMCOREINFO. Every page it lists reads (zeros where the
kernel has nothing).

The guest of each real fixture printed its own /proc/kcore program
headers (kview.txt, "KCORE n TYPE vaddr= paddr= memsz= offset="): this
script lays out the same segments, in the same order, over the dump's
physical memory. Differences from the real file, all in what vmmap must
not depend on: the file offsets of the segments with a physical address
are packed one after the other (the kernel's are vaddr - PAGE_OFFSET +
a header size: a sparse file of ~128 TiB, past ext4's 16 TiB), the
segments at p_paddr -1 keep the kernel's offsets and lie past the end of
the file (nothing reads them by physical address), pages the dump does
not hold (makedumpfile filtered them) read as zeros (holes of a sparse
file), and the task_struct note is zeros.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklib import elf_loads, elf_notes, take_option  # noqa: E402

PT_LOAD, PT_NOTE = 1, 4
NO_PHYS = 0xFFFFFFFFFFFFFFFF
PAGE = 4096
TASK_STRUCT_SIZE = 0x2600      # arch_task_struct_size stand-in: its size and contents are not used


def read_dump(path):
    """The dump's PT_LOADs (paddr, filesz, offset) and its VMCOREINFO."""
    vmcoreinfo = next((desc for name, _, desc in elf_notes(path) if name == b"VMCOREINFO"), None)
    if vmcoreinfo is None:
        sys.exit("%s: no VMCOREINFO note" % path)
    return sorted(elf_loads(path)), vmcoreinfo


def read_kcore_lines(path):
    """(type, vaddr, paddr, memsz, offset) of each program header the
    guest's /proc/kcore had."""
    out = []
    for line in open(path):
        f = line.split()
        if len(f) == 7 and f[0] == "KCORE":
            v = dict(x.split("=") for x in f[3:])
            out.append((f[2], int(v["vaddr"], 16), int(v["paddr"], 16),
                        int(v["memsz"], 16), int(v["offset"], 16)))
    if not out or out[0][0] != "NOTE":
        sys.exit("%s: no KCORE program headers" % path)
    return out


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def main():
    args = sys.argv[1:]
    cmdline = take_option(args, "--cmdline")
    old_kernel = "--no-vmcoreinfo" in args
    if old_kernel:
        args.remove("--no-vmcoreinfo")
    if len(args) != 3:
        sys.exit(__doc__)
    dump, kview, out = args
    loads, vmcoreinfo = read_dump(dump)
    segs = [s for s in read_kcore_lines(kview) if s[0] == "LOAD"]
    psargs = open(cmdline).read().strip().encode()[:79] if cmdline else b""
    prpsinfo = struct.pack("<BBBBxxxxQIIiiii16s80s", 0, ord("R"), 0, 0, 0, 0, 0, 0, 0, 0, 0,
                           b"vmlinux", psargs)
    notes = note("CORE", 1, bytes(336)) + note("CORE", 3, prpsinfo) + \
        note("CORE", 4, bytes(TASK_STRUCT_SIZE)) + \
        (b"" if old_kernel else note("VMCOREINFO", 0, vmcoreinfo))
    nphdr = 1 + len(segs)
    notes_off = 64 + 56 * nphdr
    data_off = (notes_off + len(notes) + PAGE - 1) & ~(PAGE - 1)
    phdrs = [struct.pack("<IIQQQQQQ", PT_NOTE, 0, notes_off, 0, 0, len(notes), 0, 0)]
    pos = data_off
    placed = []
    for _, vaddr, paddr, memsz, koff in segs:
        off = koff
        if old_kernel:
            paddr = 0
        elif paddr != NO_PHYS:
            off = pos
            placed.append((paddr, memsz, off))
            pos += (memsz + PAGE - 1) & ~(PAGE - 1)
        phdrs.append(struct.pack("<IIQQQQQQ", PT_LOAD, 7, off, vaddr, paddr, memsz, memsz, PAGE))
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) + \
        struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, nphdr, 0, 0, 0)
    with open(dump, "rb") as src, open(out, "wb") as dst:
        dst.write(eh + b"".join(phdrs) + notes)
        # every placed segment: the dump's bytes where it has them, holes
        # (zeros) elsewhere
        for paddr, memsz, off in placed:
            for lp, lsz, loff in loads:
                lo, hi = max(paddr, lp), min(paddr + memsz, lp + lsz)
                while lo < hi:
                    n = min(hi - lo, 1 << 20)
                    src.seek(loff + lo - lp)
                    dst.seek(off + lo - paddr)
                    dst.write(src.read(n))
                    lo += n
        dst.truncate(pos)
    return 0


if __name__ == "__main__":
    sys.exit(main())
