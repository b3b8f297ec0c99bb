#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Check a JSONL batch result: one line per dump, in order.

  check-batch.py FILE LABEL SPEC...

SPEC is DUMP=error, or DUMP=ok[=TRUTH]: with a truth.json (hand-worked,
fixtures/synthetic), a map line's kernel facts and an addr line's regions
are compared with it. Prints TAP lines.
"""
import json
import sys


def main():
    path, label, *specs = sys.argv[1:]
    results = []

    def tap(ok, what):
        results.append(("ok" if ok else "not ok", f"{label}: {what}"))

    lines = open(path).read().splitlines()
    tap(len(lines) == len(specs), f"{len(lines)} lines for {len(specs)} dumps")
    for line, spec in zip(lines, specs):
        dump, want, *truth = spec.split("=")
        try:
            obj = json.loads(line)
        except ValueError as e:
            tap(False, f"{dump}: not JSON ({e}): {line[:80]}")
            continue
        tap(obj.get("dump") == dump, f"line names {obj.get('dump')}, want {dump}")
        if want == "error":
            tap(obj.get("ok") is False and obj.get("error") and obj.get("error_code"),
                f"{dump}: an error line: {obj.get('error_code')}: {obj.get('error')}")
            continue
        tap(obj.get("ok") is True, f"{dump}: ok")
        if not truth:
            continue
        t = json.load(open(truth[0]))
        if "kernel" in obj:
            for k in ("page_offset_base", "vmalloc_base", "vmemmap_base", "kernel_offset"):
                tap(obj["kernel"].get(k) == t["kernel"][k],
                    f"{dump}: {k} {obj['kernel'].get(k)} == {t['kernel'][k]}")
        if "addresses" in obj:
            want_regions = {int(a["address"], 16): a["region"] for a in t["addresses"]}
            for a in obj["addresses"]:
                addr = int(a["address"], 16)
                if addr in want_regions:
                    tap(a["region"] == want_regions[addr],
                        f"{dump}: {a['address']} in {a['region']} == {want_regions[addr]}")
    for i, (status, what) in enumerate(results, 1):
        print(f"{status} {i} - {what}")
    print(f"1..{len(results)}")


if __name__ == "__main__":
    main()
