#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""vmalloc areas against the guest's /proc/vmallocinfo: for every area it
listed, `vmmap addr` of its first byte must name the same range, the same
caller (symbol and offset) and the same kind (vmalloc, ioremap, vmap,
user). Areas come and go (task stacks of processes that exited between
the capture and the dump): at least 90% must agree, each miss is listed.
"unpurged" lines (areas freed lazily) are not compared.

usage: check-vmalloc.py VMMAP DUMP VMALLOCINFO [--vmlinux FILE] [--label L]
"""
import json
import re
import subprocess
import sys

import checklib


def main():
    args = sys.argv[1:]
    label = checklib.take_option(args, "--label", "")
    vmlinux = checklib.take_option(args, "--vmlinux")	# types from its DWARF where the dump has no BTF
    extra = ["--vmlinux", vmlinux] if vmlinux else []
    vmmap, dump, info = args
    areas = []
    for line in open(info):
        m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+\d+\s+(\S+)(.*)$", line)
        if not m or m.group(3).startswith("unpurged"):
            continue
        words = m.group(4).split()
        kind = next((w for w in words if w in ("vmalloc", "ioremap", "vmap", "user")), None)
        caller = re.sub(r"/0x[0-9a-f]+$", "", m.group(3))	# "sym+0x1b/0x30" -> "sym+0x1b"
        areas.append((int(m.group(1), 16), int(m.group(2), 16), caller, kind))
    out = subprocess.run([vmmap, "addr", dump, "--json"] + extra + ["%x" % a[0] for a in areas],
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        print("not ok 1 - %s: vmmap addr failed: %s" % (label, out.stderr.strip()))
        print("1..1")
        return 1
    got = json.loads(out.stdout)["addresses"]
    same, misses = 0, []
    for (start, end, caller, kind), a in zip(areas, got):
        v = a.get("vmalloc", {})
        mine = (v.get("start"), v.get("end"), v.get("caller_symbol"), v.get("kind"))
        if mine == ("0x%x" % start, "0x%x" % end, caller, kind):
            same += 1
        else:
            misses.append("0x%x %s: %s" % (start, caller, mine))
    ok = len(areas) > 20 and same >= 0.9 * len(areas)
    print("%s 1 - %s: %d of %d vmalloc areas the guest listed found with the same range, "
          "caller and kind%s" % ("ok" if ok else "not ok", label, same, len(areas),
                                 "; differ: " + "; ".join(misses[:5]) if misses else ""))
    print("1..1")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
