#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""vmalloc areas against the guest's /proc/vmallocinfo: for every area it
listed, `vmmap addr` of its first byte must name the same range, the same
caller (symbol and offset) and the same kind (vmalloc, ioremap, vmap,
user). Areas come and go (task stacks of processes that exited between
the capture and the dump): at least 90% must agree, each miss is listed.
"unpurged" lines (areas freed lazily) are not compared.

Then the CPUs' own stacks (`vmmap tasks --json`, "cpu_stacks"), where the
guest's directory (beside VMALLOCINFO) has kview.txt and cpuinfo_flags.txt:
- IRQ stacks: one per CPU the guest counted, and their ranges exactly the
  areas /proc/vmallocinfo lists by irq_init_percpu_irqstack (each area
  ends with its guard page);
- entry and exception stacks: at the places worked out by hand below
  from the kernel's struct cpu_entry_area, for the CPU whose GDT the
  guest's sgdt saw (kview.txt SGDT, the area's first page) and, before
  6.2, for every CPU at its fixed slot; each stack mapped in the dump's
  page tables, each guard page and the #VC stacks (no SEV-ES) not, and
  `vmmap addr` naming each.

usage: check-vmalloc.py VMMAP DUMP VMALLOCINFO [--vmlinux FILE] [--label L]
"""
import json
import os
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
    guest = os.path.dirname(info)
    if not (os.path.exists(os.path.join(guest, "kview.txt")) and
            os.path.exists(os.path.join(guest, "cpuinfo_flags.txt"))):
        print("1..1")
        return 0 if ok else 1
    oks = cpu_stacks(vmmap, dump, extra, guest, label)
    print("1..%d" % (1 + len(oks)))
    return 0 if ok and all(oks) else 1


# struct cpu_entry_area (arch/x86/include/asm/cpu_entry_area.h), the same
# in v5.10, v6.1, v6.12 and v7.2 as Debian builds them (and in the
# fixtures' own 6.1 build): gdt[PAGE_SIZE];
# struct entry_stack_page (one page, its stack the whole page: struct
# entry_stack { char stack[PAGE_SIZE]; }, processor.h); struct tss_struct
# (x86_hw_tss and the I/O bitmaps, page aligned: 5 pages, processor.h);
# struct cea_exception_stacks estacks = ESTACKS_MEMBERS(PAGE_SIZE,
# EXCEPTION_STKSZ): a guard page before each of DF, NMI, DB, MCE, VC,
# VC2, every stack EXCEPTION_STKSZ = PAGE_SIZE << EXCEPTION_STACK_ORDER
# (1, no KASAN: 8 KiB, page_64_types.h), then IST_top_guard; then
# cpu_debug_store (a page) and cpu_debug_buffers (32 pages,
# CONFIG_CPU_SUP_INTEL). So: entry stack at +0x1000, TSS at +0x2000,
# estacks at +0x7000 (DF_stack_guard +0x7000, DF_stack +0x8000, ...),
# sizeof = 0x3b000. CPU n's area is CPU_ENTRY_AREA_PER_CPU
# (0xfffffe0000001000: CPU_ENTRY_AREA_BASE, then the read-only IDT page,
# pgtable_areas.h) + n * sizeof before 6.2, a random slot after
# (arch/x86/mm/cpu_entry_area.c, commit 97e3d26b5e5f).
CEA_PER_CPU = 0xfffffe0000001000
CEA_SIZE = 0x3b000
CEA_STACKS = [("entry", None, False, 0x1000, 0x2000)]
for i, name in enumerate(["DF", "NMI", "DB", "MCE"]):
    guard = 0x7000 + i * 0x3000
    CEA_STACKS += [("exception", name, True, guard, guard + 0x1000),
                   ("exception", name, False, guard + 0x1000, guard + 0x3000)]
CEA_UNMAPPED = [0x7000 + 4 * 0x3000 + 0x1000, 0x7000 + 5 * 0x3000 + 0x1000]	# VC, VC2


def cpu_stacks(vmmap, dump, extra, guest, label):
    """Tests 2-4: the CPUs' stacks against the guest; a list of oks."""
    ncpus = int(open(os.path.join(guest, "cpuinfo_flags.txt")).read().split()[-1])
    release = open(os.path.join(guest, "uname.txt")).read().split(".")
    randomized = (int(release[0]), int(release[1])) >= (6, 2)
    sgdt = int(re.search(r"^SGDT base=0x([0-9a-f]+)", open(os.path.join(guest, "kview.txt")).read(),
                         re.M).group(1), 16)
    irq_areas = set()
    for line in open(os.path.join(guest, "vmallocinfo.txt")):
        m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+\d+\s+irq_init_percpu_irqstack\+", line)
        if m:
            irq_areas.add((int(m.group(1), 16), int(m.group(2), 16)))
    out = subprocess.run([vmmap, "tasks", dump, "--json"] + extra, capture_output=True, text=True,
                         timeout=300)
    if out.returncode != 0:
        print("not ok 2 - %s: vmmap tasks failed: %s" % (label, out.stderr.strip()))
        return [False]
    stacks = json.loads(out.stdout).get("cpu_stacks", [])
    oks = []

    irqs = [s for s in stacks if s["kind"] == "irq"]
    mine = {(int(s["start"], 16), int(s["end"], 16) + 4096) for s in irqs}
    ok = mine == irq_areas and sorted(s["cpu"] for s in irqs) == list(range(ncpus))
    print("%s 2 - %s: %d IRQ stacks, one per CPU of the guest's %d, each an "
          "irq_init_percpu_irqstack area of its /proc/vmallocinfo (%d)%s" % (
              "ok" if ok else "not ok", label, len(irqs), ncpus, len(irq_areas),
              "" if ok else ": %s vs %s" % (sorted(mine), sorted(irq_areas))))
    oks.append(ok)

    # the areas' bases: the first stack (the entry stack) is 0x1000 in
    bases = {s["cpu"]: int(s["start"], 16) - 0x1000 for s in stacks if s["kind"] == "entry"}
    want = {c: CEA_PER_CPU + c * CEA_SIZE for c in range(ncpus)}
    expected = []
    for cpu, base in sorted(bases.items()):
        expected += [(cpu, kind, name, guard, base + lo, base + hi)
                     for kind, name, guard, lo, hi in CEA_STACKS]
    got = sorted((s["cpu"], s["kind"], s.get("name"), s.get("guard", False), int(s["start"], 16),
                  int(s["end"], 16)) for s in stacks if s["kind"] != "irq")
    ok = (sorted(bases) == list(range(ncpus)) and sgdt in bases.values() and
          got == sorted(expected) and
          all((b - CEA_PER_CPU) % CEA_SIZE == 0 for b in bases.values()) and
          (randomized or bases == want))
    print("%s 3 - %s: entry and exception stacks of %d CPUs (%d) where struct cpu_entry_area "
          "puts them, the guest's GDT (sgdt 0x%x) the first page of one area%s%s" % (
              "ok" if ok else "not ok", label, len(bases), len(got), sgdt,
              ", slots random (6.2+)" if randomized else ", each CPU at its fixed slot",
              "" if ok else ": bases %s" % {c: hex(b) for c, b in bases.items()}))
    oks.append(ok)

    # the page tables: stacks mapped, guard pages and the #VC stacks not;
    # vmmap addr names each stack (its first and last byte)
    probes = []
    for cpu, kind, name, guard, start, end in expected:
        probes += [(start, cpu, kind, name, guard, not guard), (end - 8, cpu, kind, name, guard, not guard)]
    for base in bases.values():
        probes += [(base + off, None, None, None, False, False) for off in CEA_UNMAPPED]
    out = subprocess.run([vmmap, "addr", dump, "--json"] + extra + ["%x" % p[0] for p in probes],
                         capture_output=True, text=True, timeout=300)
    bad = []
    if out.returncode != 0:
        bad.append(out.stderr.strip())
    else:
        for (addr, cpu, kind, name, guard, mapped), a in zip(probes, json.loads(out.stdout)["addresses"]):
            st = a.get("stack")
            named = (st["cpu"], st["kind"], st.get("name"), st.get("guard", False)) if st else None
            if a.get("mapped") != mapped or named != ((cpu, kind, name, guard) if kind else None):
                bad.append("0x%x: mapped %s, named %s" % (addr, a.get("mapped"), named))
    ok = not bad and len(probes) > 0
    print("%s 4 - %s: %d addresses in those stacks, their guard pages and the #VC stacks: "
          "mapped as the kernel maps them, named as the stacks they are in%s" % (
              "ok" if ok else "not ok", label, len(probes), "; " + "; ".join(bad[:4]) if bad else ""))
    oks.append(ok)
    return oks


if __name__ == "__main__":
    sys.exit(main())
