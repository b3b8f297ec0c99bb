#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""KFENCE objects and guard pages, against the guest's own list.

usage: check-kfence.py VMMAP TRUTH.json DUMP [--wrapper CMD]

TRUTH.json (fixtures/real/kfence-deb7.2, kfence-addrs.py) lists what
/sys/kernel/debug/kfence/objects said of each KFENCE object (start, last
byte, size, cache, allocated or freed), and the addresses to ask: each
object's start, start + size/2 and last byte; the guard page below some
objects' pages and the pool's first page; sockets the guest listed
(ordinary slab objects, not KFENCE's). One `vmmap addr DUMP ADDR...
--json` run answers for all of them. One TAP line per object (its three
addresses: object.cache, .start, .size, .state and .kfence each), per
guard page (object.state "padding", object.kfence true, an object.note)
and per socket (allocated, starting there, object.kfence not true).
"""
import json, shlex, sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from checklib import addr_run_check, take_option, vmmap_addr

args = sys.argv[1:]
wrapper = shlex.split(take_option(args, "--wrapper", "") or "")
vmmap, truthf, dump = args
truth = json.load(open(truthf))
want = truth["addresses"] + truth["controls"]
lines = []

def check(ok, msg):
    lines.append(("ok" if ok else "not ok", msg))

rc, err, got = vmmap_addr(vmmap, dump, [a["address"] for a in want], wrapper)
addr_run_check(check, rc, err, len([g for g in got if g]), len(want), "vmmap addr on the pruned dump")
pairs = list(zip(want, got))

def differ(w, g, fields):
    """the fields of g's object that are not as w says, as text"""
    o = g.get("object") or {}
    bad = []
    if g.get("address") != w["address"]:
        bad.append("answered for %s" % g.get("address"))
    for key, value in fields:
        if o.get(key) != value:
            bad.append("object.%s %s (got %s)" % (key, json.dumps(value), json.dumps(o.get(key))))
    return bad

# each KFENCE object: its start, middle and last byte
by_object = {}
for w, g in pairs:
    if "kfence_object" in w:
        by_object.setdefault(w["kfence_object"], []).append((w, g))
for n, ag in sorted(by_object.items()):
    w0 = ag[0][0]
    bad = []
    for w, g in ag:
        b = differ(w, g, [("cache", w["cache"]), ("start", w["object_start"]), ("size", w["object_size"]),
                          ("state", w["state"]), ("kfence", True)])
        if b:
            bad.append("%s: %s" % (w["address"], ", ".join(b)))
    check(not bad, "kfence-#%d %s %s (%d bytes, %s): start, start+size/2, last byte%s"
          % (n, w0["object_start"], w0["cache"], w0["object_size"], w0["state"],
             ("; " + "; ".join(bad)) if bad else ""))

# guard pages
for w, g in pairs:
    if "guard_page" not in w:
        continue
    bad = differ(w, g, [("state", "padding"), ("kfence", True)])
    note = (g.get("object") or {}).get("note")
    if not (isinstance(note, str) and note):
        bad.append("no object.note")
    check(not bad, "%s (%s): padding, kfence, a note%s" % (w["address"], w["why"], ("; " + ", ".join(bad)) if bad else ""))

# negative controls: ordinary slab objects are not KFENCE's
for w, g in pairs:
    if "kfence_object" in w or "guard_page" in w:
        continue
    o = g.get("object") or {}
    bad = differ(w, g, [("start", w["object_start"]), ("state", w["state"])])
    if o.get("kfence") is True:
        bad.append("object.kfence true")
    check(not bad, "%s (%s): an allocated slab object starting there, not KFENCE's%s"
          % (w["address"], w["why"], ("; " + ", ".join(bad)) if bad else ""))

print("1..%d" % len(lines))
for i, (s, m) in enumerate(lines, 1):
    print("%s %d - %s" % (s, i, m))
