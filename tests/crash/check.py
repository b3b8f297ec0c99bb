#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""The vmmap crash extension in real crash sessions, against truth.json.
TAP output.

usage: check.py CRASH EXTENSION VMLINUX DUMP TRUTH LABEL
"""
import json
import os
import re
import subprocess
import sys

crash, ext, vmlinux, dump, truth_path, label = sys.argv[1:7]
truth = json.load(open(truth_path))
results = []


def check(ok, what):
    results.append((bool(ok), "%s: %s" % (label, what)))


def session(cmds, minimal=False):
    script = "\n".join(cmds + ["exit"]) + "\n"
    open("crash-cmds", "w").write(script)
    # --zero_excluded: crash 8.0.6 and 9.0.2 stop at start-up when a
    # task's stack page was filtered out of a compressed dump (8.0.2
    # only warns); with it they read such pages as zeroes, as 8.0.2 goes on.
    argv = [crash, "-s", "--no_crashrc", "--zero_excluded"] + \
        (["--minimal"] if minimal else []) + \
        [vmlinux, dump, "-i", "crash-cmds"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout + p.stderr


addrs = [a["address"] for a in truth["addresses"]]
chunks = [addrs[i:i + 12] for i in range(0, len(addrs), 12)]
cmds = ["extend " + ext, "vmmap -j"] + ["vmmap -j " + " ".join(c) for c in chunks] + [
    "vmmap -d modules 2", "vmmap -c", "vmmap zz", "vmmap -d", "vmmap -q",
    "help vmmap", "vmmap", "extend -u " + ext, "sys"]
rc, out = session(cmds)
check(rc == 0, "crash exits 0 after every subcommand (exit %d)" % rc)
jsons = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
maps = [j for j in jsons if "kernel" in j]
check(len(maps) == 1, "vmmap -j prints the map as JSON")
if maps:
    k = maps[0]["kernel"]
    for key in ("pgtable_levels", "kaslr", "kernel_offset", "phys_base",
                "page_offset_base", "vmalloc_base", "vmemmap_base"):
        want = truth["kernel"][key]
        got = k[key]
        same = int(got, 16) == int(want, 16) if isinstance(want, str) else got == want
        check(same, "kernel.%s = %s (vmmap in crash: %s from %s)" % (
            key, want, got, k["sources"].get(key)))
    regions = {(r["name"], int(r["start"], 16)): r for r in maps[0]["regions"]}
    for want in truth.get("vmlinux_regions", []):
        r = regions.get((want["name"], int(want["start"], 16)))
        check(r is not None and int(r["end"], 16) == int(want["end"], 16) and r["exact"],
              "%s %s-%s exact, from crash's vmlinux" % (want["name"], want["start"], want["end"]))
annotated = [a for j in jsons if "addresses" in j for a in j["addresses"]]
check(len(annotated) == len(addrs), "every address annotated (%d of %d)" % (len(annotated), len(addrs)))
for want, a in zip(truth["addresses"], annotated):
    check(a["region"] == want["region"] and int(a["address"], 16) == int(want["address"], 16),
          "%s in %s (vmmap in crash: %s) [%s]" % (want["address"], want["region"], a["region"],
                                                  want.get("why", "")))
words = re.findall(r"^([0-9a-f]{16}):  ([0-9a-f]{16})(?:  \[(.*)\])?$", out, re.M)
# "modules:[loop]+0x288", or with the module's own symbol where the
# types are there to read it: "modules:__this_module+0x8 [loop]"
check(len(words) == 2 and all(re.match(r"modules:(\[\w+\]\+0x[0-9a-f]+|\S+\+0x[0-9a-f]+ \[\w+\])$", w[2])
                              for w in words),
      "vmmap -d modules 2: both list pointers tagged with their module (%s)" % words)
check(re.search(r"crash and vmmap agree|disagreement", out), "vmmap -c reports")
if truth["kernel"]["pgtable_levels"] == 5:
    vb = int(truth["kernel"]["vmalloc_base"], 16)
    check(re.search(r"vmalloc end\s+crash: [0-9a-f]+  vmmap: %016x" % (vb + (12800 << 40) - 1), out),
          "vmmap -c shows crash's 5-level vmalloc end against VMALLOC_SIZE_TB_L5")
check("zz: not an address, a symbol or an expression" in out, "vmmap zz: one error line")
check(out.count("Usage:") >= 2, "vmmap -d without an address, vmmap -q: usage")
for part in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLE"):
    check(re.search(r"^%s$" % part, out, re.M), "help vmmap has %s" % part)
check(re.search(r"shared object unloaded", out) and re.search(r"RELEASE: ", out),
      "extend -u unloads it and the session goes on (sys runs)")

# Slips get a one-line reason (before: only the usage, or crash's own
# "The length of the symbol name is zero!").
rc, out = session(["extend " + ext, 'vmmap ""', "vmmap -c extra", "vmmap -j -d jiffies 2",
                   "vmmap -c -j", "vmmap -d jiffies -3", "vmmap -c"])
for want in ("vmmap: an empty word is not an address",
             "vmmap: -c takes no operand", "vmmap: -d prints words, not JSON",
             "vmmap: -c and -j do not go together", "vmmap: -3: not a count of words"):
    check(want in out, "a reason: %s" % want)
check("length of the symbol name is zero" not in out, "vmmap \"\": no crash symbol error")
# -c compares crash's phys_base, KASLR offset and paging depth too; on
# these dumps they agree.
check(re.search(r"crash and vmmap agree|disagreement", out) and
      not re.search(r"^(phys_base|kernel offset|paging levels) ", out, re.M),
      "vmmap -c: phys_base, kernel offset and paging depth agree with crash's")
# Module addresses: crash's module symbols named beside vmmap's answer.
# The guest's /proc/modules gives each module's text address.
modules_txt = os.path.join(os.path.dirname(sys.argv[5]), "guest", "modules.txt")
name, base = open(modules_txt).read().split()[0], open(modules_txt).read().split()[5]
addr = "0x%x" % (int(base, 16) + 0x10)
rc, out = session(["extend " + ext, "vmmap -j " + addr])
j = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
a = j[0]["addresses"][0] if j and j[0].get("addresses") else {}
check(a.get("module") == name and "+0x" in a.get("crash_symbol", ""),
      "module address %s: module %s (want %s) and crash's symbol %s" % (
          addr, a.get("module"), name, a.get("crash_symbol")))

# A CPU's own stacks: CPU 0's IRQ stack, the first irq_init_percpu_irqstack
# area of the guest's /proc/vmallocinfo; CPU 0's #DF stack, 0x8000 into
# its cpu_entry_area at the fixed 0xfffffe0000001000 of 6.1 (as
# tests/check-vmalloc.py works it out); named in JSON and in text.
vmallocinfo = os.path.join(os.path.dirname(sys.argv[5]), "guest", "vmallocinfo.txt")
irq = next(int(l.split("-")[0], 16) for l in open(vmallocinfo) if "irq_init_percpu_irqstack+" in l)
rc, out = session(["extend " + ext, "vmmap -j 0x%x 0xfffffe0000009010" % (irq + 0x3f28),
                   "vmmap 0x%x 0xfffffe0000009010" % (irq + 0x3f28)])
j = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
st = [a.get("stack", {}) for a in j[0]["addresses"]] if j and j[0].get("addresses") else [{}, {}]
check([(s.get("kind"), s.get("cpu"), s.get("name"), s.get("offset")) for s in st] ==
      [("irq", 0, None, "0x3f28"), ("exception", 0, "DF", "0x10")] and
      "IRQ stack of CPU 0 (+0x3f28 from its base" in out and "#DF exception stack of CPU 0 (+0x10" in out,
      "CPU 0's IRQ and #DF stacks named in JSON and text (%s)" % st)

rc, out = session(["extend " + ext, "vmmap -j jiffies", "vmmap -c"], minimal=True)
j = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
check(rc == 0 and j and j[0]["addresses"][0]["region"] == "kernel_text",
      "crash --minimal: vmmap -j jiffies is in kernel_text")

print("1..%d" % len(results))
for i, (ok, what) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
