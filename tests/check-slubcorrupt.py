#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""slub_debug red-zone and poison damage, against the guest's own truth.

usage: check-slubcorrupt.py VMMAP TRUTH.json DUMP [--wrapper CMD]

TRUTH.json (fixtures/real/slubcorrupt-deb6.1, slubcorrupt-addrs.py)
lists the test module's objects of the cache vmmap_redzone: for each
object's start, start + 8 and the byte the module overwrote, the
object's start, its state, and slub_debug's expected verdict. One
`vmmap addr DUMP ADDR... --json` run answers for all of them; each
check is one TAP line.
"""
import json, shlex, sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from checklib import addr_run_check, take_option, vmmap_addr

args = sys.argv[1:]
wrapper = shlex.split(take_option(args, "--wrapper", "") or "")
vmmap, truthf, dump = args
truth = json.load(open(truthf))
want = truth["objects"] + truth["others"]
lines = []

def check(ok, msg):
    lines.append(("ok" if ok else "not ok", msg))

rc, err, got = vmmap_addr(vmmap, dump, [a["address"] for a in want], wrapper)
addr_run_check(check, rc, err, len([g for g in got if g]), len(want), "vmmap addr on the pruned dump")

for w, g in zip(want, got):
    addr = w["address"]
    if "label" not in w:
        continue
    where = "%s %s (%s, %s)" % (w["label"], addr, w["why"], w["state"])
    o = g.get("object") or {}
    check(g.get("address") == addr and g.get("in_dump") is True,
          "%s: answered, its page in the pruned dump (in_dump %s)" % (where, g.get("in_dump")))
    check(o.get("cache") == w["cache"], "%s: cache %s (got %s)" % (where, w["cache"], o.get("cache")))
    # a byte left of the object (its left red zone) is in its slot but
    # not in it: there the object's start is checked only if given
    left = int(addr, 16) < int(w["object_start"], 16)
    if not left or "start" in o:
        check(o.get("start") == w["object_start"],
              "%s: object start %s (got %s)" % (where, w["object_start"], o.get("start")))
        states = ["free", "free-percpu"] if w["state"] == "free" else [w["state"]]
        check(o.get("state") in states, "%s: object.state %s (got %s)" % (where, "/".join(states), o.get("state")))
    size_key = "object_size" if "object_size" in o else "size"
    check(o.get(size_key) == w["object_size"],
          "%s: object.%s %d (got %s)" % (where, size_key, w["object_size"], o.get(size_key)))
    sd, wsd = o.get("slub_debug"), w["slub_debug"]
    have = isinstance(sd, dict)
    check(have, "%s: object.slub_debug present" % where)
    sd = sd if have else {}
    for k in ("red_zone", "poison"):
        check(sd.get(k) == wsd[k], "%s: slub_debug.%s %s (got %s)" % (where, k, wsd[k], sd.get(k)))
    if "damage" in wsd:
        d = sd.get("damage") or {}
        for k in ("what", "address", "found", "expected"):
            check(d.get(k) == wsd["damage"][k],
                  "%s: slub_debug.damage.%s %s (got %s)" % (where, k, wsd["damage"][k], d.get(k)))
    else:
        check(have and "damage" not in sd, "%s: no slub_debug.damage on an intact object (got %s)"
              % (where, json.dumps(sd.get("damage")) if have else "no slub_debug"))

# negative control in one line: every intact object says intact
intact = [(w, g) for w, g in zip(want, got) if "label" in w and "damage" not in w["slub_debug"]]
bad = [w["address"] for w, g in intact
       if not isinstance((g.get("object") or {}).get("slub_debug"), dict)
       or g["object"]["slub_debug"].get("red_zone") != "intact"
       or g["object"]["slub_debug"].get("poison") not in ("intact", "unchecked")
       or "damage" in g["object"]["slub_debug"]]
check(not bad, "negative control: the %d addresses in intact objects (A, D, spares) report red zone intact, "
      "poison intact/unchecked, no damage%s" % (len(intact), (": not " + " ".join(bad)) if bad else ""))

# the other addresses (the pruned dump as a small seed with BTF)
for w, g in zip(want, got):
    if "label" in w:
        continue
    where = "%s (%s)" % (w["address"], w["why"])
    check(g.get("region") == w["region"], "%s: region %s (got %s)" % (where, w["region"], g.get("region")))
    if "symbol" in w:
        ws = "%s+0x%x" % (w["symbol"], w["symbol_offset"])
        check(g.get("symbol") == ws, "%s: symbol %s (got %s)" % (where, ws, g.get("symbol")))
    if "module" in w:
        check(g.get("module") == w["module"], "%s: module %s (got %s)" % (where, w["module"], g.get("module")))
        ws = "%s+0x%x" % (w["module_symbol"], w["module_symbol_offset"])
        check(g.get("module_symbol") == ws, "%s: module symbol %s (got %s)" % (where, ws, g.get("module_symbol")))
    if "vmalloc" in w:
        v = g.get("vmalloc") or {}
        check(v.get("start") == w["vmalloc"]["start"] and str(v.get("caller_symbol")).startswith(w["vmalloc"]["caller"] + "+"),
              "%s: vmalloc area %s by %s (got %s by %s)" % (where, w["vmalloc"]["start"], w["vmalloc"]["caller"],
                                                            v.get("start"), v.get("caller_symbol")))

# A pruned dump lacks most page tables: an address whose walk stops at
# a table the dump does not hold is not known to be unmapped. Every
# area the guest listed in /proc/vmallocinfo was mapped there; vmmap
# must not call one's first page unmapped (it did, before).
import os
areas = []
with open(os.path.join(os.path.dirname(os.path.abspath(truthf)), "guest", "vmallocinfo.txt")) as f:
    for line in f:
        words = line.split()
        if words and "-" in words[0] and any(w.startswith("pages=") for w in words):
            areas.append(words[0].split("-")[0])
rc, err, got = vmmap_addr(vmmap, dump, areas, wrapper)
wrong = [g["address"] for g in got if g.get("mapped") is False]
unknown = sum(1 for g in got if "mapped" not in g)
check(rc == 0 and len(got) == len(areas) > 10 and not wrong,
      "vmallocinfo's %d areas with pages: none said unmapped on the pruned dump (%d not known: their "
      "page tables are not in it)%s" % (len(areas), unknown, (": " + " ".join(wrong[:5])) if wrong else ""))

print("1..%d" % len(lines))
for i, (s, m) in enumerate(lines, 1):
    print("%s %d - %s" % (s, i, m))
