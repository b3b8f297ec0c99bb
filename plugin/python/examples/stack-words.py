#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Label every word on a task's kernel stack with where it points.

usage: stack-words.py DUMP VMLINUX [PID]     (default: PID 1)

Needs drgn with the kernel's debug info (the vmlinux); the map comes
from drgn's own view of the dump (vmmap.from_drgn).
"""
import struct
import sys

import drgn
from drgn.helpers.linux.pid import find_task

import vmmap


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and not sys.argv[3].isdigit()):
        sys.exit("usage: stack-words.py DUMP VMLINUX [PID]")
    dump, vmlinux = sys.argv[1], sys.argv[2]
    pid = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    prog = drgn.Program()
    try:
        prog.set_core_dump(dump)
        prog.load_debug_info([vmlinux])
        m = vmmap.from_drgn(prog, vmlinux=vmlinux)
        task = find_task(prog, pid)
    except (drgn.FaultError, OSError, ValueError, vmmap.Error) as e:
        # drgn 0.0.22 reads no kernel memory from some ELF dumps
        # (QEMU's, makedumpfile -E): a kdump-compressed copy works
        sys.exit("stack-words.py: %s: %s" % (dump, e))
    if not task:
        sys.exit("stack-words.py: no task with pid %d in %s" % (pid, dump))
    stack = int(task.stack.value_())
    # THREAD_SIZE (arch/x86/include/asm/page_64_types.h) is 16 KiB, twice
    # that with KASAN; it is a macro, not in the DWARF.
    size = 32768 if m.kernel.kasan else 16384
    data = prog.read(stack, size)
    print("task %d (%s) stack 0x%x, %d bytes" % (
        pid, task.comm.string_().decode(), stack, size))
    for off in range(0, size, 8):
        (word,) = struct.unpack_from("<Q", data, off)
        if not word:
            continue
        a = m.lookup(word)
        if a.region.name in ("user", "noncanonical"):
            continue
        print("0x%016x: %016x %s" % (stack + off, word, a.tag()))


if __name__ == "__main__":
    main()
