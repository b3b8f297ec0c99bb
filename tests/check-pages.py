#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Page state of every pfn against the guest's own /proc/kpageflags.

The fixture's guest/kpageflags.txt was read twice right before the dump
(RUN lines: the first read; CHANGED lines: pfns whose flags differed in
the second read, with both values). vmmap decodes each struct page from
the dump; each kpageflags bit below must agree with it. Pfns that changed
between the two reads are in flight: counted, not failed. What changed
after the second read (the capture printing itself, the dump starting)
is allowed too, up to --max-drift of all pfns, and counted in the output.

Fixtures without kpageflags.txt: --meminfo MEMINFO_TXT compares the
pages vmmap finds free (in buddy blocks) with the guest's MemFree
(NR_FREE_PAGES counts exactly those pages, mm/page_alloc.c), within
--max-drift.

usage: check-pages.py VMMAP DUMP KPAGEFLAGS_TXT [--label L] [--max-drift F]
       check-pages.py VMMAP DUMP --meminfo MEMINFO_TXT [--label L] [--max-drift F]
Prints TAP lines, one per property.
"""
import json
import subprocess
import sys

import checklib

KPF = {"slab": 7, "buddy": 10, "anon": 12, "head": 15, "tail": 16, "huge": 17,
       "nopage": 20, "offline": 23, "pgtable": 26, "lru": 5}


def read_kpageflags(path):
    flags, changed = {}, set()
    for line in open(path):
        w = line.split()
        if not w or w[0].startswith("#"):
            continue
        if w[0] == "RUN":
            a, b, f = int(w[1], 16), int(w[2], 16), int(w[3], 16)
            for pfn in range(a, b + 1):
                flags[pfn] = f
        elif w[0] == "CHANGED":
            pfn = int(w[1], 16)
            flags[pfn] = int(w[4], 16)	# the second read: nearer the dump
            changed.add(pfn)
    return flags, changed


def bit(f, name):
    return bool(f >> KPF[name] & 1)


def properties(page):
    """What vmmap says, as kpageflags would (fs/proc/page.c): BUDDY on
    every page of a free block, SLAB and compound bits per page."""
    ok = page["status"] == "ok"
    t = page.get("type")
    compound = page.get("compound")
    tail = compound == "tail"
    return {
        "nopage": page["status"] == "no-struct-page",
        "buddy": ok and t == "buddy",
        "slab": ok and t == "slab",
        "pgtable": ok and t == "pgtable",
        "offline": ok and t == "offline",
        "huge": ok and t == "hugetlb",
        "head": ok and compound == "head",
        "tail": ok and tail,
        # per folio in the kernel's view: compared on heads and single pages
        "anon": None if tail else ok and page.get("mapping") == "anon",
        "lru": None if tail else ok and "lru" in page.get("flags", []),
    }


def vmmap_pages(vmmap, dump, last):
    out = subprocess.run([vmmap, "page", dump, "0-%x" % last, "--json"],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError("vmmap page failed: " + out.stderr.strip())
    return json.loads(out.stdout)["pages"]


def check_memfree(vmmap, dump, meminfo, label, max_drift):
    fields = dict(line.split(":", 1) for line in open(meminfo) if ":" in line)
    kb = lambda k: int(fields[k].split()[0])
    memfree_pages = kb("MemFree") // 4
    # every pfn up to the end of RAM: MemTotal is below it, so look to
    # the first pfn past it that has no struct page
    pages = vmmap_pages(vmmap, dump, 2 * kb("MemTotal") // 4 + 0x10000)
    free = sum(1 for p in pages if p.get("type") == "buddy")
    drift = abs(free - memfree_pages) / memfree_pages
    ok = drift <= max_drift
    print("%s 1 - %s: %d pages free in buddy blocks, MemFree %d pages (%.3f%% apart, at most %.1f%%)"
          % ("ok" if ok else "not ok", label, free, memfree_pages, 100 * drift, 100 * max_drift))
    print("1..1")
    return 0 if ok else 1


def elf_words_into(dump, base, npfn):
    """Every aligned 8-byte word in the ELF dump's PT_LOAD data whose value
    lies in [base, base + npfn pages): {pfn: count}. Found by the high
    halves such words can have, so the 100 MB need no Python loop."""
    import mmap
    import re
    import struct
    counts = {}
    with open(dump, "rb") as f:
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        highs = {(base + i) >> 32 for i in (0, npfn * 4096 - 1)}
        pattern = re.compile(b"|".join(re.escape(struct.pack("<I", h)) for h in highs))
        for _, filesz, off in checklib.elf_loads(dump):
            for m in pattern.finditer(data, off + 4, off + filesz):
                at = m.start() - 4
                if (at - off) % 8:
                    continue
                v, = struct.unpack_from("<Q", data, at)
                if base <= v < base + npfn * 4096:
                    pfn = (v - base) >> 12
                    counts[pfn] = counts.get(pfn, 0) + 1
    return counts


def check_free_pointers(vmmap, dump, kpf, flags, changed, drifted, label, n):
    """vmmap scan's pointers into free pages against the words of the
    dump that point into pfns the guest saw free (KPF_BUDDY)."""
    out = subprocess.run([vmmap, "scan", dump, "--json"], capture_output=True, text=True,
                         timeout=600)
    if out.returncode != 0:
        print("not ok %d - %s: vmmap scan failed: %s" % (n, label, out.stderr.strip()))
        return 1
    free = json.loads(out.stdout)["scan"]["free_pages"]
    # the guest's own page_offset_base, from the fixture's truth.json
    import os
    truth_json = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(kpf))), "truth.json")
    base = int(json.load(open(truth_json))["kernel"]["page_offset_base"], 16)
    words = elf_words_into(dump, base, max(flags) + 1)
    truth = sum(c for pfn, c in words.items()
                if bit(flags[pfn], "buddy") and pfn not in changed | drifted)
    # words into pfns that changed between the reads, or after them (the
    # pfns counted as differing above, at most --max-drift of all)
    unsure = sum(c for pfn, c in words.items() if pfn in changed | drifted)
    got = free.get("pointers", -1)
    ok = free["known"] and truth <= got <= truth + unsure
    print("%s %d - %s: %d pointers into free pages; the dump's words into pfns the guest saw "
          "free: %d, into pfns in flight or drifted: %d" % ("ok" if ok else "not ok", n, label,
                                                            got, truth, unsure))
    return 0 if ok else 1


def check_annotate(vmmap, dump, kpf, flags, changed, label, n):
    """annotate --page-state's tags: a pointer into the middle of a free block the
    guest saw (KPF_BUDDY on a run of pfns that stayed put) says "free", one
    into a slab page does not, one past the last pfn says "no page"."""
    import os
    truth_json = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(kpf))), "truth.json")
    base = int(json.load(open(truth_json))["kernel"]["page_offset_base"], 16)
    last = max(flags)

    def steady(pfn, name):	# the pfn and its neighbours kept the bit
        return all(bit(flags.get(p, 0), name) and p not in changed for p in (pfn - 8, pfn, pfn + 8))
    free = next(p for p in range(16, last - 16) if steady(p, "buddy"))
    slab = next(p for p in range(16, last - 16) if steady(p, "slab") and not bit(flags[p], "buddy"))
    words = [base + free * 4096 + 0x10, base + slab * 4096 + 0x10, base + (last + 1) * 4096]
    out = subprocess.run([vmmap, "annotate", dump, "-", "--page-state"], capture_output=True, text=True,
                         input=" ".join("%016x" % w for w in words) + "\n", timeout=120)
    # ("?": 5.10's direct map has no physmem_end, its end is approximate)
    import re
    want = r"%016x \[direct_map\+0x%x\?? free\] %016x \[direct_map\+0x%x\??\] %016x \[direct_map\+0x%x\?? no page\]\n" % (
        words[0], words[0] - base, words[1], words[1] - base, words[2], words[2] - base)
    ok = out.returncode == 0 and re.fullmatch(want, out.stdout) is not None
    print("%s %d - %s: annotate tags a pointer into free pfn 0x%x 'free', into slab pfn 0x%x "
          "nothing, past the last pfn 'no page'%s" % ("ok" if ok else "not ok", n, label, free, slab,
                                                      "" if ok else ": got %r" % out.stdout))
    return 0 if ok else 1


def main():
    args = sys.argv[1:]
    label = checklib.take_option(args, "--label", "")
    max_drift = float(checklib.take_option(args, "--max-drift", 0.01))
    try:
        meminfo = checklib.take_option(args, "--meminfo")
        if meminfo:
            vmmap, dump = args
            return check_memfree(vmmap, dump, meminfo, label, max_drift)
        vmmap, dump, kpf = args
        flags, changed = read_kpageflags(kpf)
        last = max(flags)
        pages = vmmap_pages(vmmap, dump, last)
    except (RuntimeError, ValueError, KeyError, subprocess.TimeoutExpired) as e:
        print("not ok 1 - %s: %s" % (label, e))
        print("1..1")
        return 1
    if len(pages) != last + 1:
        print("not ok 1 - %s: %d pages for %d pfns" % (label, len(pages), last + 1))
        return 1
    n = 0
    failed = 0
    wrong_pfns = set()
    for prop in KPF:
        agree = inflight = 0
        wrong = []
        for pfn, page in enumerate(pages):
            mine = properties(page)[prop]
            if mine is None:
                continue
            if mine == bit(flags[pfn], prop):
                agree += 1
            elif pfn in changed:
                inflight += 1
            else:
                wrong.append(pfn)
        wrong_pfns.update(wrong)
        n += 1
        have = sum(1 for pfn in flags if bit(flags[pfn], prop))
        detail = "%d pfns agree (%d with the bit), %d in flight, %d differ" % (
            agree, have, inflight, len(wrong))
        if wrong:
            detail += " (first: %s)" % ", ".join("0x%x" % p for p in wrong[:4])
        ok = len(wrong) <= max_drift * len(pages)
        failed += not ok
        print("%s %d - %s: %s: %s" % ("ok" if ok else "not ok", n, label, prop, detail))
    n += 1
    drift = len(wrong_pfns) / len(pages)
    ok = drift <= max_drift
    failed += not ok
    print("%s %d - %s: %d of %d pfns differ outside the %d seen in flight (%.3f%%, at most %.1f%%)"
          % ("ok" if ok else "not ok", n, label, len(wrong_pfns), len(pages), len(changed),
             100 * drift, 100 * max_drift))
    n += 1
    failed += check_annotate(vmmap, dump, kpf, flags, changed, label, n)
    n += 1
    failed += check_free_pointers(vmmap, dump, kpf, flags, changed, wrong_pfns, label, n)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
