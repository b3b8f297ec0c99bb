#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""vmmap on a /proc/kcore-shaped file against vmmap on the dump it was
made from (tests/make-kcore.py): the same kernel facts, regions and
modules; every address classified the same (region, offset, symbol,
phys, page size and bits, page state, object); an address "in the
dump" exactly when its physical address lies in one of the file's
segments with a physical address; a scan that reads every page of
those segments.

usage: check-kcore.py VMMAP TRUTH DUMP KCORE [--label TEXT] [--no-scan]
       check-kcore.py --live DIR [--label TEXT]

--live: what vmmap said inside a guest about that guest's own
/proc/kcore (fixtures/real/kcore-*/guest/kcore_*.txt, made by
make-real.sh KCORE=... KCORE_ONLY=1), against that guest's truth
(DIR/truth.json, from its own view: kview, /proc/modules) and against
vmmap on the guest's dump taken seconds later (DIR/dump-map.json,
DIR/dump-addr.json): the same facts, regions and modules, every address
in the same region at the same physical address; the live note; the
unprivileged run's one-line error; a scan that ran to its end.

Output is TAP, one test per fact and address.
"""
import json
import os
import random
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklib import elf_phdrs, take_option  # noqa: E402

WRAPPER = shlex.split(os.environ.get("VMMAP_WRAPPER", ""))
NO_PHYS = 0xFFFFFFFFFFFFFFFF
KCORE_NOTE = "a /proc/kcore-shaped ELF file"


def run(cmd, stdin=None):
    p = subprocess.run(WRAPPER + cmd, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p.stdout


def phys_segments(path):
    """[start, end) of each PT_LOAD of the kcore-shaped file that has a
    physical address."""
    with open(path, "rb") as f:
        return [(paddr, paddr + filesz) for p_type, _, paddr, filesz in elf_phdrs(f)
                if p_type == 1 and paddr != NO_PHYS]


def addresses(truth, dump_map, segs):
    """What to ask: the truth's addresses, every region's first, middle
    and last byte, the modules, and 400 direct-map and 100 kernel-image
    addresses drawn with a fixed seed."""
    out = [a["address"] for a in truth["addresses"]]
    for r in dump_map["regions"]:
        s, e = int(r["start"], 16), int(r["end"], 16)
        out += ["0x%x" % x for x in (s, s + (e - s) // 2, e)]
    for m in dump_map.get("modules", []):
        out += [m["start"], "0x%x" % (int(m["start"], 16) + 0x10)]
    rnd = random.Random(15)
    k = dump_map["kernel"]
    pob = int(k["page_offset_base"], 16)
    ram = max(e for _, e in segs)
    out += ["0x%x" % (pob + rnd.randrange(0, ram)) for _ in range(400)]
    text = next(r for r in dump_map["regions"] if r["name"] == "kernel_text")
    base = int(text["start"], 16) + int(k["kernel_offset"], 16) + 0x1000000
    out += ["0x%x" % (base + rnd.randrange(0, 32 << 20)) for _ in range(100)]
    return out


# What an address's classification is made of, and what may change in
# the seconds between the guest's run and its dump (the page's state,
# the slab object's, the vmalloc area's, the task's): those are counted.
STRUCTURE = ("address", "region", "offset", "phys", "pfn", "symbol", "module", "module_symbol",
             "mapped", "page_size", "rw", "nx", "global", "exact")


def live(d, label):
    results = []

    def check(ok, what):
        results.append((ok, label + what))

    def load(name):
        with open(os.path.join(d, name)) as f:
            return json.load(f)

    truth = load("truth.json")
    km, dm = load("guest/kcore_map.txt"), load("dump-map.json")
    ka, da = load("guest/kcore_addr.txt")["addresses"], load("dump-addr.json")["addresses"]
    k = km["kernel"]
    for key, want in truth["kernel"].items():
        if want is None:
            continue
        got = k.get(key)
        ok = int(got, 16) == int(want, 16) if isinstance(want, str) and want.startswith("0x") \
            else got == want
        check(ok, "live kernel.%s = %s, the guest's own view (vmmap: %s from %s)" % (
            key, want, got, k["sources"].get(key)))
    for key in sorted(dm["kernel"]):
        if key != "notes":
            check(dm["kernel"][key] == k.get(key), "kernel.%s the same in the guest's kcore and its dump (%s)" % (
                key, json.dumps(k.get(key))))
    check(any(n.startswith("live kernel: /proc/kcore is the running kernel's memory") for n in k["notes"]),
          "the live note (%s)" % k["notes"])
    check(km["regions"] == dm["regions"], "the same %d regions in the guest's kcore and its dump" % len(km["regions"]))
    check(km.get("modules") == dm.get("modules"), "the same %d modules" % len(km.get("modules", [])))
    same = changed = 0
    for x, y in zip(ka, da):
        sx = {f: x.get(f) for f in STRUCTURE}
        sy = {f: y.get(f) for f in STRUCTURE}
        if sx != sy:
            check(False, "%s: kcore %s, dump %s" % (x["address"], json.dumps(sx), json.dumps(sy)))
            continue
        same += 1
        changed += {f: v for f, v in x.items() if f != "in_dump"} != \
            {f: v for f, v in y.items() if f != "in_dump"}
    check(len(ka) == len(da) and same == len(ka) and same >= 100,
          "%d of %d addresses classified the same in the guest's kcore and its dump "
          "(%d with a page, object, area or task state that changed in between)" % (same, len(ka), changed))
    by_addr = {int(a["address"], 16): a for a in ka}
    n = 0
    for want in truth["addresses"]:
        a = by_addr.get(int(want["address"], 16))
        if a is None:
            continue
        n += 1
        ok = a["region"] == want["region"]
        if ok and "phys" in want:
            ok = "phys" in a and int(a["phys"], 16) == int(want["phys"], 16)
        check(ok, "live %s in %s%s (vmmap: %s%s) [%s]" % (
            want["address"], want["region"], " phys " + want["phys"] if "phys" in want else "",
            a["region"], " phys " + a["phys"] if "phys" in a else "", want.get("why", "")))
    check(n >= 50, "%d of the truth's addresses asked in the guest" % n)
    err = open(os.path.join(d, "guest/kcore_eacces.txt")).read().splitlines()
    check(len(err) == 2 and "needs root (CAP_SYS_RAWIO)" in err[0] and err[1] == "exit 1",
          "unprivileged: one line and exit 1 (%s)" % " / ".join(err))
    scan = open(os.path.join(d, "guest/kcore_scan.txt")).read()
    check("pages scanned" in scan and "\nexit 0 after" in scan,
          "scan of the live kernel ran to its end (%s)" % " / ".join(
              l for l in scan.splitlines() if l.startswith(("pages scanned", "exit"))))
    if os.path.exists(os.path.join(d, "guest/kcore_sockets.txt")):
        sockets(d, check)
    return report(results)


def read_sockets(guest):
    """(kind, address) of each socket /proc/net/unix and /proc/net/netlink
    listed (real addresses: no_hash_pointers)."""
    out = []
    for kind in ("unix", "netlink"):
        with open(os.path.join(guest, "net_%s.txt" % kind)) as f:
            for line in f.read().splitlines()[1:]:
                if line.split():
                    out.append((kind, int(line.split()[0].rstrip(":"), 16)))
    return out


def read_slabinfo(path):
    """/proc/slabinfo: name -> (active_objs, num_objs, objsize, objperslab,
    pagesperslab); objsize is the slot, s->size (mm/slab_common.c,
    cache_show())."""
    out = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) > 5 and not line.startswith("#") and w[0] != "slabinfo":
                out[w[0]] = tuple(int(x) for x in w[1:6])
    return out


def read_slab_sysfs(path):
    """/sys/kernel/slab/*: name -> {object_size, slab_size, ..., red_zone,
    poison, store_user} (init.sh's slab_sysfs; aliases left out)."""
    out, keys = {}, None
    with open(path) as f:
        for line in f:
            w = line.split()
            if line.startswith("#"):
                keys = w[2:]
            elif w and w[0] != "alias":
                out[w[0]] = {k: int(v) for k, v in zip(keys, w[1:]) if v != "-"}
    return out


def sockets(d, check):
    """Slab objects in the guest's capture (make-real.sh KCORE=...
    since kcore-deb6.1-slubdebug): the sockets it listed, vmmap addr of
    each on its /proc/kcore (guest/kcore_sockets.txt) and on its dump
    (dump-sockets.json), against the caches' layout from its own
    /proc/slabinfo and /sys/kernel/slab; vmmap slabs of the kcore and of
    the dump against /proc/slabinfo taken just before each."""
    g = os.path.join(d, "guest")
    socks = read_sockets(g)
    info = read_slabinfo(os.path.join(g, "slabinfo.txt"))
    sysfs = read_slab_sysfs(os.path.join(g, "slab_sysfs.txt"))
    with open(os.path.join(g, "cmdline.txt")) as f:
        cmdline = f.read().split()
    debug = [w for w in cmdline if w.startswith("slub_debug")]
    check(len(socks) >= 5, "%d sockets listed by the guest (%s)" % (
        len(socks), ", ".join("%d %s" % (sum(k == kind for k, _ in socks), kind) for kind in ("unix", "netlink"))))
    for source, path in (("kcore", "guest/kcore_sockets.txt"), ("dump", "dump-sockets.json")):
        with open(os.path.join(d, path)) as f:
            got = {int(a["address"], 16): a for a in json.load(f)["addresses"]}
        for kind, addr in socks:
            a = got.get(addr, {})
            o, page = a.get("object", {}), a.get("page", {})
            name = o.get("cache", "")
            si, sy = info.get(name), sysfs.get(name, {})
            order = page.get("order", 0) if page.get("compound") else 0
            # UNIX sockets have a cache of their own; netlink_proto none:
            # sk_prot_alloc() kmallocs them (net/core/sock.c)
            right_cache = name == "UNIX" if kind == "unix" else name.startswith("kmalloc-")
            ok = (o.get("state") == "allocated" and o.get("start") == "0x%x" % addr and
                  o.get("offset") == "0x0" and right_cache and si is not None and
                  si[2] == o.get("slot_size") and si[4] == 1 << order and
                  sy.get("object_size") == o.get("size") and sy.get("slab_size") == o.get("slot_size"))
            if debug:
                ok = ok and all(sy.get(k) == 1 for k in ("red_zone", "poison", "store_user"))
            check(ok, "%s: %s socket 0x%x: %s object of %s at 0x%x+%s, %s of %s bytes (slabinfo: %s; "
                  "sysfs: object_size %s slab_size %s order %s red_zone %s poison %s store_user %s)" % (
                      source, kind, addr, o.get("state"), name or None, int(o.get("start", "0x0"), 16),
                      o.get("offset"), o.get("size"), o.get("slot_size"),
                      "objsize %d pagesperslab %d" % (si[2], si[4]) if si else "no such cache",
                      *(sy.get(k) for k in ("object_size", "slab_size", "order", "red_zone", "poison",
                                            "store_user"))))
    rz = os.path.join(d, "dump-redzones.txt")
    if os.path.exists(rz):
        # made on the host from the dump (fixtures/real/slub-redzones.py)
        with open(rz) as f:
            lines = f.read().splitlines()
        check(len(lines) == 1 and "MISMATCH" not in lines[0] and int(lines[0].split()[2]) > 1000,
              "dump: every slab object's state as the red zone byte before it says: %s" % " / ".join(lines[:3]))
    for source, path, before in (("kcore", "guest/kcore_slabs.txt", "slabinfo.txt"),
                                 ("dump", "dump-slabs.json", "slabinfo_end.txt")):
        if not os.path.exists(os.path.join(d, path)):
            continue
        with open(os.path.join(d, path)) as f:
            mine = {c["name"]: c for c in json.load(f)["caches"]}
        si = read_slabinfo(os.path.join(g, before))
        compared = [n for n, c in si.items() if c[1] or n in mine]
        objects = sum(1 for n in compared if n in mine and mine[n]["objects"] == si[n][1])
        free = sum(1 for n in compared if n in mine and mine[n]["free_partial"] == si[n][1] - si[n][0])
        layout = sum(1 for n in compared if n in mine and mine[n]["slot_size"] == si[n][2] and
                     sysfs.get(n, {}).get("object_size") == mine[n]["object_size"])
        bad = sum(c["corrupt"] + c["missing"] for c in mine.values())
        # the kernel runs on while vmmap reads it and after the guest's
        # slabinfo: objects come and go (its own task, files, dentries)
        check(len(compared) > 20 and layout == len(compared) and objects >= 0.9 * len(compared) and
              free >= 0.6 * len(compared) and bad == 0,
              "%s: vmmap slabs against the guest's %s: of %d caches, %d with its object and slot "
              "size, %d with its objects, %d with its free objects on partial lists; %d corrupt "
              "or missing freelists" % (source, before, len(compared), layout, objects, free, bad))


def main():
    args = sys.argv[1:]
    label = take_option(args, "--label", "")
    d = take_option(args, "--live")
    if d:
        return live(d, label + ": " if label else "")
    label = label + ": " if label else ""
    do_scan = "--no-scan" not in args
    if not do_scan:
        args.remove("--no-scan")
    vmmap, truth_path, dump, kcore = args
    truth = json.load(open(truth_path))
    results = []

    def check(ok, what):
        results.append((ok, label + what))

    try:
        segs = phys_segments(kcore)
        a = json.loads(run([vmmap, "map", dump, "--json"]))
        b = json.loads(run([vmmap, "map", kcore, "--json"]))
        asked = addresses(truth, a, segs)
        aa = json.loads(run([vmmap, "addr", dump, "-", "--json"], "\n".join(asked)))["addresses"]
        ba = json.loads(run([vmmap, "addr", kcore, "-", "--json"], "\n".join(asked)))["addresses"]
        scan = json.loads(run([vmmap, "scan", kcore, "--json"]))["scan"] if do_scan else None
    except Exception as e:  # noqa: BLE001 -- the whole fixture failed: one failing test
        print("1..1\nnot ok 1 - %s%s" % (label, e))
        return 1
    ka, kb = a["kernel"], b["kernel"]
    for key in sorted(ka):
        if key == "notes":
            continue
        check(ka[key] == kb.get(key), "kernel.%s the same (dump %s, kcore %s)" % (
            key, json.dumps(ka[key]), json.dumps(kb.get(key))))
    check(any(n.startswith(KCORE_NOTE) for n in kb["notes"]) and
          not any(n.startswith(KCORE_NOTE) for n in ka["notes"]),
          "the kcore-shaped file has its note, the dump none (%s)" % kb["notes"])
    check(not any("truncated" in n for n in kb["notes"]),
          "segments at p_paddr -1 past the end of the file are no truncation")
    check(a["regions"] == b["regions"], "the same %d regions" % len(a["regions"]))
    check(a.get("modules") == b.get("modules"), "the same %d modules" % len(a.get("modules", [])))
    same = inside = 0
    for x, y in zip(aa, ba):
        dx = {k: v for k, v in x.items() if k != "in_dump"}
        dy = {k: v for k, v in y.items() if k != "in_dump"}
        if dx != dy:
            check(False, "%s classified differently: dump %s, kcore %s" % (
                x["address"], json.dumps(dx), json.dumps(dy)))
            continue
        same += 1
        if "phys" in y:
            p = int(y["phys"], 16)
            want = any(s <= p < e for s, e in segs)
            if y.get("in_dump") != want:
                check(False, "%s phys %s: in_dump %s, want %s" % (
                    y["address"], y["phys"], y.get("in_dump"), want))
                continue
            inside += want
    check(len(aa) == len(ba) == len(asked) and same == len(asked),
          "%d of %d addresses classified the same (region, symbol, phys, page, object)" % (
              same, len(asked)))
    check(inside > 0, "%d of them in the kcore's physical segments, in_dump as they say" % inside)
    if scan is None:
        return report(results)
    pages = sum((e - s) // 4096 for s, e in segs) - \
        sum(max(0, min(e1, e2) - max(s1, s2)) // 4096
            for i, (s1, e1) in enumerate(segs) for s2, e2 in segs[i + 1:])
    check(scan["pages"] == pages and scan["unreadable_pages"] == 0,
          "scan read %d pages (want %d, every page of the segments, overlaps once), %d unreadable" % (
              scan["pages"], pages, scan["unreadable_pages"]))
    check(scan["pointers"] > 0, "scan found %d kernel pointers" % scan["pointers"])
    return report(results)


def report(results):
    print("1..%d" % len(results))
    for i, (ok, what) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
