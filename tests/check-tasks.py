#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Tasks against the guest's own lists: `vmmap tasks` must list the
threads the guest listed (guest/tasks.txt: tid and comm from /proc; a
kworker's comm there carries its workqueue after the 15 bytes the kernel
keeps), and every kernel stack the guest's /proc/vmallocinfo shows
(areas allocated by kernel_clone) must be named as the stack of one of
those threads by `vmmap addr`. Threads come and go between the capture
and the dump (the capture's own commands; PID 1 execs the dump waiter):
at least 90% must agree on each side.

usage: check-tasks.py VMMAP DUMP GUEST_DIR [--label L]
"""
import json
import os
import re
import subprocess
import sys

import checklib


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd[:2]), out.stderr.strip()))
    return json.loads(out.stdout)


def main():
    args = sys.argv[1:]
    label = checklib.take_option(args, "--label", "")
    vmlinux = checklib.take_option(args, "--vmlinux")	# types from its DWARF where the dump has no BTF
    extra = ["--vmlinux", vmlinux] if vmlinux else []
    vmmap, dump, guest = args
    guest_tasks = {}
    for line in open(os.path.join(guest, "tasks.txt")):
        w = line.split(None, 5)
        if len(w) == 6 and w[0].isdigit():
            guest_tasks[int(w[1])] = w[5].strip()
    stacks = []
    for line in open(os.path.join(guest, "vmallocinfo.txt")):
        m = re.match(r"0x([0-9a-f]+)-0x[0-9a-f]+\s+\d+\s+kernel_clone\+", line)
        if m:
            stacks.append(int(m.group(1), 16))
    try:
        mine = {t["pid"]: t["comm"] for t in run([vmmap, "tasks", dump, "--json"] + extra)["tasks"]}
        named = run([vmmap, "addr", dump, "--json"] + extra + ["%x" % (s + 0x100) for s in stacks])["addresses"]
    except (RuntimeError, ValueError) as e:
        print("not ok 1 - %s: %s" % (label, e))
        print("1..1")
        return 1
    # /proc shows a kworker's workqueue after its comm ("kworker/0:1-events")
    # and, on 6.x+, a kthread's full name where comm keeps 15 bytes
    def same_comm(guest, kept):
        return guest == kept or guest.startswith(kept + "-") or \
            (len(kept) == 15 and guest.startswith(kept))
    same = [tid for tid, comm in guest_tasks.items()
            if tid in mine and same_comm(comm, mine[tid])]
    ok1 = len(guest_tasks) > 20 and len(same) >= 0.9 * len(guest_tasks)
    print("%s 1 - %s: %d of the %d threads the guest listed found with the same pid and comm "
          "(vmmap lists %d; differ: %s)" % (
              "ok" if ok1 else "not ok", label, len(same), len(guest_tasks), len(mine),
              ", ".join("%d %s/%s" % (t, guest_tasks[t], mine.get(t)) for t in guest_tasks
                        if t not in same)[:300]))
    good = sum(1 for a in named if a.get("task", {}).get("what") == "stack" and
               a["task"]["pid"] in guest_tasks)
    ok2 = len(stacks) > 10 and good >= 0.9 * len(stacks)
    print("%s 2 - %s: %d of the %d kernel stacks in /proc/vmallocinfo named as the stack of a "
          "thread the guest listed" % ("ok" if ok2 else "not ok", label, good, len(stacks)))
    print("1..2")
    return 0 if ok1 and ok2 else 1


if __name__ == "__main__":
    sys.exit(main())
