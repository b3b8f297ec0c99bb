#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""Write one JSON line per dump in a directory: the kernel facts and
where a few addresses of interest point. One bad dump does not stop
the batch: its line carries the error.

usage: batch-jsonl.py DIR [ADDR...] > maps.jsonl
"""
import json
import os
import sys

import vmmap


def describe_dump(path, addrs):
    try:
        m = vmmap.open(path)
    except vmmap.Error as e:
        return {"dump": path, "error": str(e), "error_class": type(e).__name__}
    k = m.kernel
    out = {
        "dump": path,
        "release": k.release,
        "pgtable_levels": k.pgtable_levels,
        "kaslr": k.kaslr,
        "page_offset_base": "0x%x" % k.page_offset_base,
        "vmalloc_base": "0x%x" % k.vmalloc_base,
        "vmemmap_base": "0x%x" % k.vmemmap_base,
        "guesses": sorted(f for f, exact in k.exact.items() if not exact),
        "addresses": [],
    }
    for a in addrs:
        ann = m.lookup(a)
        out["addresses"].append({"address": "0x%x" % ann.address, "tag": ann.tag(),
                                 "phys": None if ann.phys is None else "0x%x" % ann.phys})
    return out


def main():
    directory, addrs = sys.argv[1], sys.argv[2:]
    failed = 0
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        line = describe_dump(path, addrs)
        failed += "error" in line
        print(json.dumps(line), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
