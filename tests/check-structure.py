#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Checks of the source tree's shape, as TAP:

- the modules of lib/ (a .c file and its header) depend on each other one
  way: the graph of their #include "..." lines has no cycle;
- no 64-bit kernel address literal (0xff.. of 16 hex digits) appears in
  the library, the CLI or the plugins outside lib/arch/x86_64/;
- every source file carries an SPDX-License-Identifier line;
- README.md's source-layout table names every file of lib/, cli/ and
  plugin/, and only files that exist.
"""
import os
import re
import subprocess
import sys

top = sys.argv[1] if len(sys.argv) > 1 else "."
results = []


def ok(cond, what):
    results.append(("ok" if cond else "not ok", what))


def tracked():
    try:
        out = subprocess.run(["git", "-C", top, "ls-files"], capture_output=True,
                             text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        # no git (a release tarball, a chroot): every file but what
        # autoreconf and configure generate
        out = []
        generated = {"Makefile.in", "Makefile", "config.h", "config.h.in", "configure",
                     "aclocal.m4", "config.status", "config.log", "libtool", "stamp-h1"}
        for d, _, files in os.walk(top):
            if any(p in d for p in ("/.", "/_ci", "/build", "/autom4te.cache", "/m4")):
                continue
            out += [os.path.relpath(os.path.join(d, f), top) for f in files
                    if f not in generated and not f.endswith("~")]
    return sorted(out)


files = tracked()
lib = [f for f in files if f.startswith("lib/") and f.endswith((".c", ".h"))]


def module_of(path):
    """lib/source/kallsyms.c and lib/kallsyms.h are module 'kallsyms'."""
    return os.path.splitext(os.path.basename(path))[0]


def includes(path):
    with open(os.path.join(top, path), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m and m.group(1) != "config.h":
                yield os.path.basename(m.group(1))


mods = {module_of(f) for f in lib}
graph = {m: set() for m in mods}
for f in lib:
    for inc in includes(f):
        dep = module_of(inc)
        if dep in mods and dep != module_of(f):
            graph[module_of(f)].add(dep)


def find_cycle(graph):
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for d in sorted(graph[n]):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if not state.get(d):
                c = visit(d)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if not state.get(n):
            c = visit(n)
            if c:
                return c
    return None


cycle = find_cycle(graph)
ok(cycle is None, "lib/ modules include each other one way%s"
   % ("" if cycle is None else ": cycle " + " -> ".join(cycle)))
ok(len(mods) > 10, "found %d modules in lib/" % len(mods))

literal = re.compile(r"0x[fF]{2}[0-9a-fA-F]{14}\b")
code = [f for f in files if f.startswith(("lib/", "cli/", "plugin/"))
        and f.endswith((".c", ".h")) and not f.startswith("lib/arch/x86_64/")]
bad = []
for f in code:
    with open(os.path.join(top, f), encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if literal.search(line):
                bad.append("%s:%d" % (f, n))
ok(not bad, "no kernel address literal outside lib/arch/x86_64/ (%d files)%s"
   % (len(code), ": " + " ".join(bad[:5]) if bad else ""))

src_ext = (".c", ".h", ".py", ".pyi", ".sh", ".test", ".am", ".ac", ".in", ".map",
           ".lds", ".spec", ".supp", ".1")
srcs = [f for f in files if f.endswith(src_ext) or f in (".ci/run", ".ci/setup", "bench/run")]
nospdx = []
for f in srcs:
    with open(os.path.join(top, f), encoding="utf-8", errors="replace") as fh:
        if "SPDX-License-Identifier:" not in fh.read(600):
            nospdx.append(f)
ok(not nospdx and len(srcs) > 50, "an SPDX line in every source file (%d)%s"
   % (len(srcs), ": missing in " + " ".join(nospdx[:5]) if nospdx else ""))

with open(os.path.join(top, "README.md"), encoding="utf-8") as fh:
    readme = fh.read()
table = readme.split("## Source layout", 1)[-1].split("\n## ", 1)[0]
named = set()
for cell in re.findall(r"^\|\s*([^|]+?)\s*\|", table, re.M):
    for path in re.findall(r"`([^`]+)`", cell):
        named.add(path)
layout = [f for f in files if f.startswith(("lib/", "cli/", "plugin/"))
          and f.endswith((".c", ".h", ".map"))]


def listed(f):
    if f in named:
        return True
    stem, ext = os.path.splitext(f)
    # a row may name a pair as `lib/x.[ch]`
    return ext in (".c", ".h") and stem + ".[ch]" in named


missing = [f for f in layout if not listed(f)]
ok(not missing, "README's source layout names every file of lib/, cli/, plugin/ (%d)%s"
   % (len(layout), ": missing " + " ".join(missing[:6]) if missing else ""))
stale = []
for p in named:
    if "*" in p or "/" not in p:
        continue
    cands = [p] if "[ch]" not in p else [p.replace(".[ch]", ".c"), p.replace(".[ch]", ".h")]
    if not any(os.path.exists(os.path.join(top, c)) for c in cands):
        stale.append(p)
ok(not stale, "README's source layout names no file that does not exist%s"
   % (": " + " ".join(sorted(stale)[:6]) if stale else ""))

print("1..%d" % len(results))
for i, (s, what) in enumerate(results, 1):
    print("%s %d - %s" % (s, i, what))
