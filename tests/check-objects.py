#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Slab objects against the guest's own view: every socket address the
guest printed (/proc/net/unix, /proc/net/netlink: the struct sock, the
start of its slab object, real addresses under no_hash_pointers) must be
an allocated object starting there, in a cache /proc/slabinfo lists with
that object size and slab size (pages per slab). Slab merging makes a
cache show under another's name (UNIX sockets as "signal_cache" or
"PING"): slabinfo lists the merged cache, which is the one checked.

Then `vmmap slabs`, the census of every slab in the dump, against the
same /proc/slabinfo: per cache, the objects (num_objs) and the free
objects on the nodes' partial lists (num_objs - active_objs: what SLUB's
slabinfo calls free) must be the guest's, but for caches that changed
while the guest captured (its own /proc readers: dentries, inodes):
at least 90% of the caches agree exactly, and no freelist is corrupt (a
wrong decoding of the hardened freelist pointers corrupts them all).

Dumps whose guest listed no sockets (--census-only): the census alone,
which must find slabs in more than 20 caches and no corrupt freelist.

--dangling: `vmmap scan --dangling`'s pointers into free slab objects,
each checked: the dump's ELF holds that value at that place (read here,
at the guest's own page_offset_base), `vmmap addr` of the value finds a
free object of that cache starting there, and of the place, no free
object (stale words in freed memory are not counted); and the list adds
up to the count.

usage: check-objects.py VMMAP DUMP GUEST_DIR [--label L]
       check-objects.py VMMAP ELF_DUMP TRUTH_JSON --dangling [--label L]
       check-objects.py VMMAP DUMP --census-only [--vmlinux FILE] [--label L]
"""
import json
import os
import re
import subprocess
import sys

import checklib


def socket_addresses(guest):
    addrs = []
    for name in ("net_unix.txt", "net_netlink.txt"):
        path = os.path.join(guest, name)
        for line in open(path):
            m = re.match(r"([0-9a-f]{16}):? ", line)
            if m:
                addrs.append((name[4:-4], int(m.group(1), 16)))
    return addrs


def slabinfo(guest):
    caches = {}
    for line in open(os.path.join(guest, "slabinfo.txt")):
        w = line.split()
        if len(w) > 5 and not line.startswith("#") and w[0] != "slabinfo":
            caches[w[0]] = {"active_objs": int(w[1]), "num_objs": int(w[2]),
                            "objsize": int(w[3]), "objperslab": int(w[4]),
                            "pagesperslab": int(w[5])}
    return caches


def main():
    args = sys.argv[1:]
    label = checklib.take_option(args, "--label", "")
    vmlinux = checklib.take_option(args, "--vmlinux")	# types from its DWARF where the dump has no BTF
    extra = ["--vmlinux", vmlinux] if vmlinux else []
    if "--dangling" in args:
        args.remove("--dangling")
        return check_dangling(*args, label=label, extra=extra)
    if "--census-only" in args:
        args.remove("--census-only")
        vmmap, dump = args
        out = subprocess.run([vmmap, "slabs", dump, "--json"] + extra, capture_output=True, text=True,
                             timeout=300)
        ok = out.returncode == 0
        if ok:
            caches = json.loads(out.stdout)["caches"]
            corrupt = sum(c["corrupt"] for c in caches)
            ok = len(caches) > 20 and corrupt == 0
            what = "%d caches, %d slabs, %d corrupt freelists" % (
                len(caches), sum(c["slabs"] for c in caches), corrupt)
        else:
            what = out.stderr.strip()
        print("%s 1 - %s: vmmap slabs: %s" % ("ok" if ok else "not ok", label, what))
        print("1..1")
        return 0 if ok else 1
    vmmap, dump, guest = args
    socks = socket_addresses(guest)
    caches = slabinfo(guest)
    out = subprocess.run([vmmap, "addr", dump, "--json"] + extra + ["%x" % a for _, a in socks],
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        print("not ok 1 - %s: vmmap addr failed: %s" % (label, out.stderr.strip()))
        print("1..1")
        return 1
    got = json.loads(out.stdout)["addresses"]
    n = failed = 0
    for (kind, addr), a in zip(socks, got):
        n += 1
        o = a.get("object", {})
        page = a.get("page", {})
        c = caches.get(o.get("cache"), {})
        order = page.get("order", 0) if page.get("compound") else 0
        ok = (o.get("state") == "allocated" and o.get("start") == "0x%x" % addr and
              o.get("offset") == "0x0" and c.get("objsize") == o.get("slot_size") and
              c.get("pagesperslab") == 1 << order)
        failed += not ok
        print("%s %d - %s: %s socket 0x%x: %s object of %s (slabinfo: %s)" % (
            "ok" if ok else "not ok", n, label, kind, addr, o.get("state"), o.get("cache"),
            {k: c[k] for k in ("objsize", "pagesperslab")} if c else "no such cache"))
    n += 1
    failed += check_census(vmmap, dump, caches, label, n, extra)
    print("1..%d" % n)
    return 1 if failed else 0


def elf_reader(path):
    import struct
    data = open(path, "rb").read()
    loads = checklib.elf_loads(path)

    def read_u64(phys):
        for pa, filesz, off in loads:
            if pa <= phys and phys + 8 <= pa + filesz:
                return struct.unpack_from("<Q", data, off + phys - pa)[0]
        return None
    return read_u64


def check_dangling(vmmap, dump, truth_json, label="", extra=()):
    pob = int(json.load(open(truth_json))["kernel"]["page_offset_base"], 16)
    out = subprocess.run([vmmap, "scan", dump, "--json", "--dangling"] + list(extra),
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        print("not ok 1 - %s: vmmap scan failed: %s" % (label, out.stderr.strip()))
        print("1..1")
        return 1
    fo = json.loads(out.stdout)["scan"]["free_objects"]
    lst = fo.get("list", [])
    read_u64 = elf_reader(dump)
    held = sum(1 for d in lst if read_u64(int(d["at"], 16) - pob) == int(d["value"], 16))
    sample = lst[:: max(1, len(lst) // 400)]	# vmmap addr on a spread of them
    words = [d["value"][2:] for d in sample] + [d["at"][2:] for d in sample]
    got = []
    if words:
        a = subprocess.run([vmmap, "addr", dump, "--json"] + list(extra) + words,
                           capture_output=True, text=True, timeout=600)
        got = json.loads(a.stdout)["addresses"] if a.returncode == 0 else []
    targets, places = got[:len(sample)], got[len(sample):]
    free_target = sum(1 for d, t in zip(sample, targets)
                      if t.get("object", {}).get("state") in ("free", "free-percpu") and
                      t["object"].get("cache") == d["cache"] and t["object"].get("start") == d["object"])
    live_place = sum(1 for p in places
                     if p.get("object", {}).get("state") not in ("free", "free-percpu"))
    ok = (fo.get("known") and len(lst) == fo["pointers"] and not fo.get("list_truncated") and
          held == len(lst) and free_target == len(sample) and live_place == len(sample))
    print("%s 1 - %s: %d pointers into free slab objects listed (count %s); the dump holds each "
          "value at its place: %d; of %d checked with vmmap addr, %d point at a free object of the "
          "cache said and %d lie outside free objects" % (
              "ok" if ok else "not ok", label, len(lst), fo.get("pointers"), held, len(sample),
              free_target, live_place))
    print("1..1")
    return 0 if ok else 1


def check_census(vmmap, dump, slabinfo_caches, label, n, extra):
    out = subprocess.run([vmmap, "slabs", dump, "--json"] + extra, capture_output=True, text=True,
                         timeout=300)
    if out.returncode != 0:
        print("not ok %d - %s: vmmap slabs failed: %s" % (n, label, out.stderr.strip()))
        return 1
    mine = {c["name"]: c for c in json.loads(out.stdout)["caches"]}
    compared = objects_same = free_same = 0
    differ = []
    for name, c in slabinfo_caches.items():
        m = mine.get(name)
        if c["num_objs"] == 0 and not m:
            continue
        compared += 1
        objects_same += bool(m and m["objects"] == c["num_objs"])
        free_same += bool(m and m["free_partial"] == c["num_objs"] - c["active_objs"])
        if not (m and m["objects"] == c["num_objs"]):
            differ.append(name)
    corrupt = sum(m["corrupt"] for m in mine.values())
    ok = (compared > 20 and objects_same >= 0.9 * compared and free_same >= 0.9 * compared and
          corrupt == 0)
    print("%s %d - %s: vmmap slabs against /proc/slabinfo: of %d caches, %d with the same "
          "objects, %d with the same free objects on partial lists; %d corrupt freelists "
          "(objects differ: %s)" % ("ok" if ok else "not ok", n, label, compared, objects_same,
                                    free_same, corrupt, ", ".join(differ[:6])))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
