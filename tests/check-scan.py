#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Checks of `vmmap scan` (the pointer census), printed as TAP lines.

  check-scan.py planted VMMAP DUMP [--vmlinux MAP]  hand-worked census of one page
  check-scan.py pages VMMAP DUMP            pages == the ELF's PT_LOAD bytes
  check-scan.py ptdump VMMAP DUMP PTDUMP VMALLOC_BASE LEVELS
                                            mapped ranges vs the kernel's own
                                            /sys/kernel/debug/page_tables/kernel
  check-scan.py same VMMAP ELF KDUMP IOMEM  one dump in two formats
  check-scan.py access VMMAP DUMP PTDUMP VMALLOC_BASE LEVELS
                                            vmmap addr's mapped, page size and
                                            access against the same ptdump

Nothing here asks vmmap for the truth: the planted words are fixtures/mkdump's
(worked out by hand below), the page count comes from the ELF program headers,
the mapped ranges from what the running guest kernel printed.
"""
import json
import os
import re
import shlex
import struct
import subprocess
import sys

import checklib

WRAPPER = shlex.split(os.environ.get("VMMAP_WRAPPER", ""))
results = []


def tap(ok, what):
    results.append(("ok" if ok else "not ok") + " - " + what)


def scan(vmmap, dump, *extra):
    p = subprocess.run(WRAPPER + [vmmap, "scan", dump, "--json", *extra],
                       capture_output=True, text=True)
    if p.returncode != 0:
        tap(False, f"scan {dump}: exit {p.returncode}: {p.stderr.strip()}")
        return None
    return json.loads(p.stdout)["scan"]


def found_from(s, region):
    return {r["to"]: r["pointers"] for r in s["found_in"] if r["from"] == region}


def check_planted(vmmap, dump, *extra):
    """fixtures/mkdump.c plant_scan_words(): the page mapped at
    vmalloc_base + 0x1000 holds 15 words. Counted: 3 + 1 direct map,
    2 + 1 vmalloc, 2 modules, 1 kernel text, 1 non-canonical (top 16 bits
    set, bit 47 clear), 1 guard hole; ERR_PTR(-ENOMEM) is counted apart;
    a user address and LIST_POISON1 are below the 0xffff000000000000
    floor. No other page is mapped in vmalloc space, so every pointer
    found in vmalloc comes from that page."""
    s = scan(vmmap, dump, *extra)
    if s is None:
        return
    want = {"direct_map": 4, "vmalloc": 3, "modules": 2, "kernel_text": 1,
            "noncanonical": 1, "guard_hole": 1}
    got = found_from(s, "vmalloc")
    tap(got == want, f"planted page: pointers found in vmalloc by target {got} == {want}")
    tap(s["err_ptr"] >= 1, f"planted page: ERR_PTR counted apart ({s['err_ptr']})")
    tap(s["floor"] == "0xffff000000000000", f"4-level floor {s['floor']}")
    # The only pointers into the mapped vmalloc page are the two planted
    # ones (vmalloc_base itself, in the variable, is not mapped).
    areas = s["vmalloc_areas"]
    tap(len(areas) == 1 and areas[0]["pointers"] == 2 and areas[0]["size"] == "0x1000",
        f"planted page: the one vmalloc area has 2 pointers: {areas}")
    targets = {t["region"]: t for t in s["targets"]}
    v = targets.get("vmalloc", {})
    # From the planted page: 2 mapped, 1 unmapped; from the variable
    # vmalloc_base: 1 more unmapped.
    tap(v.get("mapped") == 2 and v.get("unmapped") == 2,
        f"planted page: vmalloc targets mapped 2, unmapped 2: {v}")
    tap(s["holes"]["noncanonical"] >= 1 and s["holes"]["guard_hole"] >= 1 and
        s["holes"]["unmapped"] >= 3,
        f"planted page: holes counted: {s['holes']}")


def elf_loads(path):
    return [(paddr, filesz) for paddr, filesz, _ in checklib.elf_loads(path)]


def check_pages(vmmap, dump):
    s = scan(vmmap, dump)
    if s is None:
        return
    pages = set()
    for paddr, filesz in elf_loads(dump):
        pages.update(range(paddr // 4096, (paddr + filesz + 4095) // 4096))
    tap(s["pages"] == len(pages) and s["unreadable_pages"] == 0,
        f"{os.path.basename(dump)}: {s['pages']} pages scanned == {len(pages)} in the PT_LOADs")
    tap(s["words"] == (s["pages"] - s["code_pages"]) * 512 and s["code_pages"] > 0,
        f"{os.path.basename(dump)}: every data word read, {s['code_pages']} code pages apart")


def ptdump_ranges(path):
    """Mapped ranges of the kernel half from the kernel's page-table dump
    (arch/x86/mm/dump_pagetables.c): a line with 'ro' or 'RW' is mapped."""
    out = []
    for line in open(path):
        m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+\S+\s+(.*)$", line)
        if not m or not re.search(r"\b(ro|RW)\b", m.group(3)):
            continue
        s, e = int(m.group(1), 16), int(m.group(2), 16)
        if out and out[-1][1] == s:
            out[-1][1] = e
        else:
            out.append([s, e])
    return {(s, e - 1) for s, e in out}


def check_ptdump(vmmap, dump, ptdump, vmalloc_base, levels):
    """Outside vmalloc space (and KASAN's shadow of it), nothing changed
    between the guest's page-table dump and the crash: the ranges must be
    the same. vmalloc sizes: 32 TB (4-level), 12800 TB (5-level), mm.rst."""
    s = scan(vmmap, dump, "--mapped")
    if s is None:
        return
    mine = {(int(a, 16), int(b, 16)) for a, b in s["mapped"]}
    truth = ptdump_ranges(ptdump)
    vstart = int(vmalloc_base, 16)
    vend = vstart + ((32 << 40) if int(levels) == 4 else (12800 << 40))
    shadow = (0xffffec0000000000, 0xfffffc0000000000) if int(levels) == 4 else \
             (0xffdf000000000000, 0xfffffc0000000000)

    def churns(r):
        return vstart <= r[0] < vend or shadow[0] <= r[0] < shadow[1]
    name = os.path.basename(dump)
    stable_t = {r for r in truth if not churns(r)}
    stable_m = {r for r in mine if not churns(r)}
    tap(stable_t == stable_m,
        f"{name}: {len(stable_m)} mapped ranges outside vmalloc == ptdump's "
        f"(only ptdump: {sorted(hex(a) for a, _ in stable_t - stable_m)[:4]}, "
        f"only vmmap: {sorted(hex(a) for a, _ in stable_m - stable_t)[:4]})")
    vt = {r for r in truth if churns(r)}
    vm = {r for r in mine if churns(r)}
    same = len(vt & vm)
    tap(vt and same >= 0.9 * len(vt),
        f"{name}: {same} of ptdump's {len(vt)} vmalloc ranges found exactly (tasks came and went)")


def ptdump_lines(path):
    """Every range of the kernel half with its page size and access:
    (start, end, mapped, size, rw, nx, global); size from the level that
    maps it (pte 4K, pmd 2M, pud 1G)."""
    sizes = {"pte": 4096, "pmd": 2 << 20, "pud": 1 << 30}
    for line in open(path):
        m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+\S+\s+(.*)$", line)
        if not m:
            continue
        s, e, rest = int(m.group(1), 16), int(m.group(2), 16), m.group(3).split()
        if s < 1 << 63:
            continue
        mapped = "ro" in rest or "RW" in rest
        yield (s, e, mapped, sizes.get(rest[-1]) if rest else None,
               "RW" in rest, "NX" in rest, "GLB" in rest)


def check_access(vmmap, dump, ptdump, vmalloc_base, levels):
    """The first and last page of every range the kernel's page-table
    dump shows, outside the areas that churn (vmalloc, KASAN shadow):
    mapped or not as it says, and where mapped with its page size, RW,
    NX and GLB."""
    vstart = int(vmalloc_base, 16)
    vend = vstart + ((32 << 40) if int(levels) == 4 else (12800 << 40))
    shadow = (0xffffec0000000000, 0xfffffc0000000000) if int(levels) == 4 else \
             (0xffdf000000000000, 0xfffffc0000000000)
    ranges = [r for r in ptdump_lines(ptdump)
              if not (vstart <= r[0] < vend or shadow[0] <= r[0] < shadow[1])]
    addrs = []
    for r in ranges:
        addrs += [r[0], r[1] - 4096]
    p = subprocess.run(WRAPPER + [vmmap, "addr", dump, "-", "--json"], capture_output=True,
                       text=True, input=" ".join("%x" % a for a in addrs))
    if p.returncode != 0:
        tap(False, f"addr {dump}: exit {p.returncode}: {p.stderr.strip()}")
        return
    got = {int(a["address"], 16): a for a in json.loads(p.stdout)["addresses"]}
    name = os.path.basename(dump)
    bad_mapped, bad_access, n_mapped, n_unmapped = [], [], 0, 0
    for s, e, mapped, size, rw, nx, glb in ranges:
        for addr in (s, e - 4096):
            a = got.get(addr, {})
            if a.get("mapped", False) != mapped:
                if mapped or a.get("mapped") is not None:
                    bad_mapped.append(addr)	# unmapped holes may be unchecked
                continue
            if not mapped:
                n_unmapped += 1
                continue
            n_mapped += 1
            if (a.get("page_size"), a.get("rw"), a.get("nx"), a.get("global")) != (size, rw, nx, glb):
                bad_access.append(addr)
    tap(not bad_mapped and n_mapped > 0,
        f"{name}: {n_mapped} addresses mapped and {n_unmapped} not, as ptdump says "
        f"(differ: {[hex(a) for a in bad_mapped[:4]]})")
    tap(not bad_access,
        f"{name}: page size, RW, NX, GLB of {n_mapped} mapped addresses as ptdump's "
        f"(differ: {[hex(a) for a in bad_access[:4]]})")


def system_ram(iomem):
    out = []
    for line in open(iomem):
        m = re.match(r"\s*([0-9a-f]+)-([0-9a-f]+) : System RAM", line)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


def check_same(vmmap, elf, kdump, iomem):
    """The ELF and a compressed kdump (makedumpfile -d 0) of it: what comes
    from the page tables must be the same; the kdump may only lack the
    ELF's pages outside System RAM (the guest's /proc/iomem), such as the
    BIOS ROM."""
    sa, sb = scan(vmmap, elf), scan(vmmap, kdump)
    if sa is None or sb is None:
        return
    name = os.path.basename(elf)
    for key in ("page_tables", "vmalloc_areas", "modules"):
        tap(sa[key] == sb[key], f"{name}: {key} the same as ELF and as kdump")
    ram = system_ram(iomem)
    outside = set()
    for paddr, filesz in elf_loads(elf):
        for pfn in range(paddr // 4096, (paddr + filesz + 4095) // 4096):
            if not any(s <= pfn * 4096 + 4095 and pfn * 4096 <= e for s, e in ram):
                outside.add(pfn)
    lost = sa["pages"] - sb["pages"]
    tap(0 <= lost <= len(outside),
        f"{name}: the kdump lacks {lost} pages, at most the {len(outside)} outside System RAM")


def main():
    mode, vmmap, *args = sys.argv[1:]
    {"planted": check_planted, "pages": check_pages, "ptdump": check_ptdump,
     "same": check_same, "access": check_access}[mode](vmmap, *args)
    for i, line in enumerate(results, 1):
        print(line.replace(" - ", f" {i} - ", 1))
    print(f"1..{len(results)}")


if __name__ == "__main__":
    main()
