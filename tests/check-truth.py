#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Compare `vmmap map/addr --json` on a dump with a truth file.

The truth file (fixtures/*/truth.json) holds what the kernel said about
itself (real fixtures: captured inside the running guest) or values
worked out by hand from the kernel sources (synthetic fixtures); it is
never produced by vmmap. Output is TAP, one test per fact and address.

usage: check-truth.py VMMAP TRUTH DUMP [--vmlinux FILE] [--label TEXT]
"""
import json
import os
import shlex
import subprocess
import sys

# VMMAP_WRAPPER runs vmmap under a checker, e.g. valgrind.
WRAPPER = shlex.split(os.environ.get("VMMAP_WRAPPER", ""))


def run(cmd, stdin=None):
    p = subprocess.run(WRAPPER + cmd, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), p.returncode,
                                                  p.stderr.strip()))
    return p.stdout


def module_expectations(truth_path):
    """(address, module, why) from the guest's /proc/modules and module
    kallsyms, when the truth file has a guest capture beside it."""
    guest = os.path.join(os.path.dirname(truth_path), "guest")
    out = []
    try:
        for line in open(os.path.join(guest, "modules.txt")):
            f = line.split()
            if len(f) >= 6 and f[-1].startswith("0x"):
                out.append((f[-1], f[0], "/proc/modules load address"))
        for line in open(os.path.join(guest, "kview.txt")):
            f = line.split()
            if len(f) == 5 and f[0] == "MODSYM" and f[4].startswith("["):
                out.append((f[2], f[4].strip("[]"), "module symbol " + f[1]))
    except OSError:
        pass
    return out


def main():
    args = sys.argv[1:]
    label = ""
    facts_only = "--facts-only" in args
    if facts_only:
        args.remove("--facts-only")
    if "--label" in args:
        i = args.index("--label")
        label = args[i + 1] + ": "
        del args[i:i + 2]
    vmmap, truth_path, dump = args[:3]
    extra = args[3:]
    truth = json.load(open(truth_path))
    results = []

    def check(ok, what):
        results.append((ok, label + what))

    try:
        got = json.loads(run([vmmap, "map", dump, "--json"] + extra))
        text = run([vmmap, "map", dump] + extra)
        addrs = [a["address"] for a in truth["addresses"]]
        annotated = json.loads(run([vmmap, "addr", dump, "-", "--json"] + extra,
                                   stdin="\n".join(addrs)))["addresses"]
        mods = [] if facts_only else module_expectations(truth_path)
        mod_annotated = json.loads(run([vmmap, "addr", dump, "-", "--json"] + extra,
                                       stdin="\n".join(m[0] for m in mods)))["addresses"] \
            if mods else []
    except Exception as e:  # the whole fixture failed: one failing test
        print("1..1\nnot ok 1 - %s%s" % (label, e))
        return 1
    k = got["kernel"]
    # Facts that only a symbol source gives: without one, vmmap must
    # flag them as guesses.
    want_exact = {} if "--vmlinux" in extra else \
        truth.get("exact_without_symbols", {})
    for key, want in truth["kernel"].items():
        if want is None or key not in k:
            continue
        if key in want_exact and not want_exact[key]:
            # The truth says this fact cannot be known from this input:
            # vmmap must say it is not exact.
            check(k["exact"].get(key) is False,
                  "%s flagged as a guess (source %s)" % (key, k["sources"].get(key)))
            continue
        if isinstance(want, str) and want.startswith("0x"):
            ok = int(k[key], 16) == int(want, 16)
        else:
            ok = k[key] == want
        check(ok, "kernel.%s = %s (vmmap: %s from %s)" % (
            key, want, k[key], k["sources"].get(key, "-")))
    # vmlinux_regions hold only when the vmlinux (with DWARF) is given,
    # e.g. the exact fixmap.
    want_regions = truth.get("regions", []) + \
        (truth.get("vmlinux_regions", []) if "--vmlinux" in extra else [])
    for want in [] if facts_only else want_regions:
        # Names like "unused" recur: take the one that starts where the
        # truth says, else the first of that name.
        named = [r for r in got["regions"] if r["name"] == want["name"]]
        r = next((r for r in named if int(r["start"], 16) == int(want["start"], 16)),
                 named[0] if named else None)
        ok = r is not None and int(r["start"], 16) == int(want["start"], 16) \
            and int(r["end"], 16) == int(want["end"], 16)
        if ok and "exact" in want:
            ok = r["exact"] == want["exact"]
        line = "%016x   %016x" % (int(want["start"], 16), int(want["end"], 16))
        ok = ok and any(l.startswith(line) and (" %s " % want["name"]) in l
                        for l in text.splitlines())
        check(ok, "region %s %s-%s, JSON and text (vmmap: %s)" % (
            want["name"], want["start"], want["end"],
            "%s-%s" % (r["start"], r["end"]) if r else "missing"))
    for want, a in [] if facts_only else zip(truth["addresses"], annotated):
        ok = a["region"] == want["region"] and \
            int(a["address"], 16) == int(want["address"], 16)
        if ok and "phys" in want:
            ok = "phys" in a and int(a["phys"], 16) == int(want["phys"], 16)
        if ok and want.get("no_phys"):
            ok = "phys" not in a
        check(ok, "%s in %s%s (vmmap: %s%s) [%s]" % (
            want["address"], want["region"],
            " phys " + want["phys"] if "phys" in want else "",
            a["region"], " phys " + a["phys"] if "phys" in a else "",
            want.get("why", "")))
    # Debian kernels carry BTF: module symbols come from each module's
    # kallsyms, and must name one of the guest's symbols at that address
    # (or a vmlinux with DWARF given: the self-built kernel's)
    btf = os.path.basename(os.path.dirname(truth_path)).startswith("deb") or \
        ("--vmlinux" in extra and not extra[extra.index("--vmlinux") + 1].endswith(".map"))
    names_at = {}
    for addr, name, why in mods:
        if why.startswith("module symbol "):
            names_at.setdefault(int(addr, 16), set()).add(why[len("module symbol "):])
    for (addr, name, why), a in zip(mods, mod_annotated):
        ok = a.get("module") == name
        sym = a.get("module_symbol", "")
        if btf and why.startswith("module symbol "):
            ok = ok and sym.endswith("+0x0") and sym[:-4] in names_at[int(addr, 16)]
        check(ok, "%s in module %s%s (vmmap: %s %s) [%s]" % (
            addr, name, " at a symbol" if btf else "", a.get("module", "no module"), sym, why))
    print("1..%d" % len(results))
    for i, (ok, what) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
