#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""The Python module against the same truths as the CLI. TAP output.

usage: test_module.py SYNTH_DUMP SYNTH_TRUTH REAL_DUMP REAL_TRUTH ANNOTATE_IN ANNOTATE_WANT
                      EXAMPLES_DIR SELF_DUMP SELF_TRUTH VMLINUX
"""
import builtins
import errno
import gc
import json
import os
import struct
import subprocess
import sys
import tempfile
import weakref

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import checklib  # noqa: E402  (tests/checklib.py: the ELF notes, read without vmmap)

results = []


def check(ok, what):
    results.append((bool(ok), what))


def guard(what, f):
    try:
        f()
    except Exception as e:  # a failure, not a crash of the whole test
        check(False, "%s: %s: %s" % (what, type(e).__name__, e))


import vmmap  # noqa: E402  (PYTHONPATH is set by tests/python.test)

synth, synth_truth, real, real_truth, ann_in, ann_want, examples, \
    self_dump, self_truth, vmlinux = sys.argv[1:11]


def compare_with_truth(m, truth_path, label, page_walk=True):
    """Facts and addresses; physical addresses of pages outside the
    direct map only where the source can walk page tables."""
    truth = json.load(open(truth_path))
    k = m.kernel
    for key, want in truth["kernel"].items():
        if want is None or not hasattr(k, key) or key == "release":
            continue
        got = getattr(k, key)
        if isinstance(want, str):
            want = int(want, 16)
        check(got == want, "%s: kernel.%s = %r (got %r from %s)" % (
            label, key, want, got, k.sources.get(key)))
    check(k.release == truth["kernel"]["release"], "%s: release" % label)
    for a in truth["addresses"]:
        ann = m.lookup(a["address"])
        ok = ann.region.name == a["region"]
        if "phys" in a and (page_walk or a["region"] == "direct_map"):
            ok = ok and ann.phys == int(a["phys"], 16)
        if a.get("no_phys"):
            ok = ok and ann.phys is None
        check(ok, "%s: %s in %s (got %s)" % (label, a["address"], a["region"], ann))


def test_open():
    m = vmmap.open(synth)
    compare_with_truth(m, synth_truth, "open(synthetic 6.1)")
    regions = list(m)
    check(regions[0].start == 0 and regions[-1].end == 2**64 - 1 and
          all(a.end + 1 == b.start for a, b in zip(regions, regions[1:])),
          "regions cover all 2**64 addresses in order")
    check("direct_map" in repr(m.region_of(0xffff888000001000)), "repr of a Region")
    check(json.loads(m.to_json())["kernel"]["page_offset_base"] == "0xffff888000000000",
          "to_json is the CLI's JSON")


def test_errors():
    for path, cls in (("/nonexistent", vmmap.OSError), ("/etc/passwd", vmmap.FormatError)):
        try:
            vmmap.open(path)
            check(False, "open(%s) raises %s" % (path, cls.__name__))
        except cls as e:
            check(isinstance(e, vmmap.Error) and str(e), "open(%s) raises %s: %s" % (
                path, cls.__name__, e))
    m = vmmap.open(synth)
    for bad in ("1zz", "z z", "0x", -1, 2**64, "12345678901234567"):
        try:
            m.lookup(bad)
            check(False, "lookup(%r) raises InvalidArgumentError" % (bad,))
        except vmmap.InvalidArgumentError:
            check(True, "lookup(%r) raises InvalidArgumentError" % (bad,))
    try:
        m.lookup(1.5)
        check(False, "lookup(1.5) raises TypeError")
    except TypeError:
        check(True, "lookup(1.5) raises TypeError")


def test_os_error():
    """vmmap.OSError is a builtins.OSError too: "except OSError" catches
    a dump that cannot be opened, with libvmmap's message and errno."""
    check(issubclass(vmmap.OSError, builtins.OSError) and issubclass(vmmap.OSError, vmmap.Error),
          "vmmap.OSError subclasses builtins.OSError and vmmap.Error")
    try:
        vmmap.open("/nonexistent/dump")
        check(False, "open(a missing file) raises")
    except OSError as e:
        check(type(e) is vmmap.OSError and "/nonexistent/dump" in str(e) and
              e.errno == errno.ENOENT,
              "except OSError catches open(a missing file): %s: %r, errno %s" % (
                  type(e).__name__, str(e), e.errno))
    try:
        raise vmmap.OSError("raised by hand")
    except vmmap.Error as e:
        check(str(e) == "raised by hand" and e.args == ("raised by hand",) and e.errno is None,
              "vmmap.OSError raised from Python: str() is the message (%r)" % str(e))


def test_star_import():
    ns = {}
    exec("from vmmap import *", ns)
    check(eval("open", ns) is builtins.open and eval("OSError", ns) is builtins.OSError and
          "Map" in ns and "Error" in ns and callable(vmmap.open),
          "from vmmap import * leaves builtins open and OSError alone; vmmap.open stays")


def test_close():
    with vmmap.open(synth) as m:
        check(not m.closed and m.lookup(0xffff888000001000).region.name == "direct_map",
              "with vmmap.open(...) as m: the map works inside")
    check(m.closed and "closed" in repr(m), "leaving the with block closes the map")
    for what, f in (("lookup", lambda: m.lookup(0xffff888000001000)),
                    ("region_of", lambda: m.region_of(0xffff888000001000)),
                    ("page", lambda: m.page(1)), ("annotate_text", lambda: m.annotate_text("x")),
                    ("to_json", m.to_json), ("vmcoreinfo", lambda: m.vmcoreinfo)):
        try:
            f()
            check(False, "%s after close raises ValueError (nothing raised)" % what)
        except ValueError as e:
            check("closed" in str(e), "%s after close raises ValueError: %s" % (what, e))
    m.close()
    check(m.kernel.pgtable_levels == 4 and len(m.regions) == len(m),
          "close() twice is no error; kernel and regions stay after close")
    try:
        with vmmap.open(synth) as m:
            raise KeyError("inside")
    except KeyError:
        check(m.closed, "an exception inside the with block closes the map and propagates")

    # close() releases the callables behind a from_source map
    class Reader:
        def __init__(self):
            self.read = reader_for(synth)

        def __call__(self, addr, size):
            return self.read(addr, size)
    reader = Reader()
    gone = weakref.ref(reader)
    m = vmmap.from_source(reader, elf_vmcoreinfo(synth))
    del reader
    gc.collect()
    alive = gone() is not None
    m.close()
    gc.collect()
    check(alive and gone() is None, "close() of a from_source map releases its read_phys")

    # a callable that closes the map it is called for: refused, no crash
    refused = []
    read = reader_for(synth)

    def closing_walk(vaddr):
        try:
            m.close()
        except RuntimeError as e:
            refused.append(str(e))
        raise LookupError("not mapped")
    m = vmmap.from_source(read, elf_vmcoreinfo(synth), page_walk=closing_walk)
    m.lookup(0xffffc90000001000)
    check(refused and not m.closed and m.lookup(0xffff888000001000).region.name == "direct_map",
          "close() from a callable during a call on the map: RuntimeError, the map works on (%s)"
          % refused[:1])
    m.close()


def note_vmcoreinfo(path):
    """The VMCOREINFO note of an ELF dump (.xz too), as text."""
    desc = [d for name, _, d in checklib.elf_notes(path) if name == b"VMCOREINFO"]
    return desc[0].rstrip(b"\0").decode() if len(desc) == 1 else None


def test_vmcoreinfo():
    want = note_vmcoreinfo(synth)
    with vmmap.open(synth) as m:
        check(want and m.vmcoreinfo == want,
              "Map.vmcoreinfo of the synthetic ELF dump is its VMCOREINFO note (%d bytes)"
              % len(want or ""))
    # the kdump-compressed Debian dump against the note of the ELF it was made from
    want = note_vmcoreinfo(os.path.join(os.path.dirname(real_truth), "dump.elf.xz"))
    with vmmap.open(real) as m:
        got = m.vmcoreinfo
    check(want and "OSRELEASE=6.1.0-" in want and got == want,
          "Map.vmcoreinfo of the kdump-compressed Debian 6.1 dump is the ELF dump's "
          "VMCOREINFO note (%d bytes, got %d)" % (len(want or ""), len(got)))
    with vmmap.from_source(reader_for(synth), elf_vmcoreinfo(synth)) as m:
        check(m.vmcoreinfo == elf_vmcoreinfo(synth).rstrip(b"\0").decode(),
              "Map.vmcoreinfo of a from_source map is the text it was given")


def elf_loads(path):
    """(paddr, offset, filesz) of every PT_LOAD, read with struct."""
    d = open(path, "rb").read(1 << 16)
    phoff, = struct.unpack_from("<Q", d, 32)
    phnum, = struct.unpack_from("<H", d, 56)
    out = []
    for i in range(phnum):
        p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack_from("<IIQQQQ", d, phoff + 56 * i)
        if p_type == 1:
            out.append((p_paddr, p_offset, p_filesz))
    return out


def elf_vmcoreinfo(path):
    d = open(path, "rb").read(1 << 20)
    i = d.find(b"VMCOREINFO\0")
    size, = struct.unpack_from("<I", d, i - 12 + 4)
    return d[i + 12:i + 12 + size]


def reader_for(path):
    loads = elf_loads(path)
    f = open(path, "rb")

    def read_phys(addr, size):
        for paddr, off, fsz in loads:
            if paddr <= addr and addr + size <= paddr + fsz:
                f.seek(off + addr - paddr)
                return f.read(size)
        raise ValueError("0x%x not in the dump" % addr)
    return read_phys


def test_from_source():
    m = vmmap.from_source(reader_for(synth), elf_vmcoreinfo(synth))
    compare_with_truth(m, synth_truth, "from_source(synthetic 6.1)")

    def broken(addr, size):
        raise RuntimeError("disk on fire")
    m = vmmap.from_source(broken, elf_vmcoreinfo(synth))
    check(not m.kernel.exact["page_offset_base"] and m.notes,
          "from_source whose reads all fail: guesses flagged, notes say why")
    try:
        vmmap.from_source(lambda a, n: b"short", elf_vmcoreinfo(synth)).kernel
        check(True, "read_phys returning the wrong length: no crash")
    except vmmap.Error:
        check(True, "read_phys returning the wrong length: no crash")


def test_callback_exceptions():
    """An exception a callable raises is no vmmap.FaultError: a
    KeyboardInterrupt propagates unchanged (the same object) and no
    callable runs after it; one libvmmap recovered from is dropped."""
    read = reader_for(synth)
    stop = KeyboardInterrupt("stop here")
    calls = []

    def interrupted(addr, size):
        calls.append(addr)
        if len(calls) == 3:
            raise stop
        return read(addr, size)
    try:
        vmmap.from_source(interrupted, elf_vmcoreinfo(synth))
        check(False, "KeyboardInterrupt in read_phys propagates (nothing raised)")
    except KeyboardInterrupt as e:
        check(e is stop, "KeyboardInterrupt in read_phys propagates unchanged")
    except BaseException as e:
        check(False, "KeyboardInterrupt in read_phys propagates (got %s)" % type(e).__name__)
    check(len(calls) == 3, "no callable runs after the interrupt (%d reads)" % len(calls))

    def walk_failing(vaddr):
        raise LookupError("0x%x not mapped" % vaddr)
    m = vmmap.from_source(read, elf_vmcoreinfo(synth), page_walk=walk_failing)
    check(m.kernel.pgtable_levels == 4 and m.lookup(0xffffc90000001000).phys is None,
          "an ordinary exception libvmmap recovers from (a failed page walk) is dropped")

    def walk_interrupted(vaddr):
        raise KeyboardInterrupt("in page_walk")
    try:
        # the build itself may need no walk; a lookup outside the
        # direct map does
        vmmap.from_source(read, elf_vmcoreinfo(synth),
                          page_walk=walk_interrupted).lookup(0xffffc90000001000)
        check(False, "KeyboardInterrupt in page_walk propagates (nothing raised)")
    except KeyboardInterrupt as e:
        check(str(e) == "in page_walk", "KeyboardInterrupt in page_walk propagates unchanged")


def test_drgn():
    try:
        import drgn
    except ImportError:
        # CI installs python3-drgn: there a missing drgn is a failure
        results.append((False if os.environ.get("CI") == "true" else None,
                        "from_drgn: drgn not installed (python3-drgn)"))
        return
    prog = drgn.Program()
    prog.set_core_dump(real)
    # drgn 0.0.22 has no VMCOREINFO object and, without debug info, no
    # symbols: the map then rests on drgn's physical reads and the
    # dump's kallsyms.
    with vmmap.open(real) as other:
        m = vmmap.from_drgn(prog, vmcoreinfo=other.vmcoreinfo)
    compare_with_truth(m, real_truth, "from_drgn(real 6.1, vmcoreinfo=Map.vmcoreinfo)",
                       page_walk=False)
    check(vmmap.describe(m, 0xffffffffff600000).region.name == "vsyscall", "describe(int)")

    # With the kernel's debug info drgn finds the symbols and the
    # kernel's own VMCOREINFO copy: nothing is passed by hand.
    prog = drgn.Program()
    prog.set_core_dump(self_dump)
    prog.load_debug_info([vmlinux])
    m = vmmap.from_drgn(prog, vmlinux=vmlinux)
    compare_with_truth(m, self_truth, "from_drgn(self-built 6.1, debug info)")
    fixmap = [r for r in m if r.name == "fixmap"][0]
    want = json.load(open(self_truth))["vmlinux_regions"][0]
    check(fixmap.exact and fixmap.start == int(want["start"], 16),
          "from_drgn with vmlinux: fixmap exact at %s" % want["start"])
    members = vmmap.describe(m, prog["init_task"])
    by_name = {name: ann for name, _, ann in members}
    check(len(members) > 10 and by_name["stack"].region.name == "kernel_text" and
          by_name["sched_class"].symbol == "idle_sched_class",
          "describe(init_task): %d pointer members, stack in kernel_text, "
          "sched_class is idle_sched_class" % len(members))
    check(by_name.get("tasks.next") is not None and by_name["tasks.next"].region.name == "direct_map",
          "describe(init_task) follows embedded structs: tasks.next is in the direct map")
    check(vmmap.describe(m, "init_task").symbol == "init_task" and
          vmmap.describe(m, 0).tag() == "NULL+0x0",
          "describe() takes a symbol str, and says NULL for 0")
    ex = os.path.join(examples, "stack-words.py")
    bad = [subprocess.run([sys.executable, ex] + args, capture_output=True, text=True, timeout=300)
           for args in ([], [self_dump, vmlinux, "99999"], ["/nonexistent", vmlinux],
                        [synth, vmlinux])]
    check(all(p.returncode != 0 and "Traceback" not in p.stderr and p.stderr.strip()
              for p in bad),
          "stack-words.py: no arguments, a missing pid, a missing dump, an ELF dump of "
          "another kernel: a message, no traceback (%s)"
          % [p.stderr.strip()[:60] for p in bad])
    check(vmmap.describe(m, prog["init_task"].address_of_()) == members or
          len(vmmap.describe(m, prog["init_task"].address_of_())) == len(members),
          "describe(&init_task) follows the pointer once")
    p = subprocess.run([sys.executable, os.path.join(examples, "stack-words.py"), self_dump,
                        vmlinux, "1"], capture_output=True, text=True, timeout=300)
    lines = p.stdout.splitlines()
    check(p.returncode == 0 and lines[0].startswith("task 1 (") and
          any("kernel_text:" in l for l in lines[1:]),
          "examples/stack-words.py labels init's stack (%d words)" % (len(lines) - 1))


def test_lookup_symbols():
    m = vmmap.open(synth)
    a = m.lookup("start_kernel+0x10")
    check(a.address == 0xffffffff81100010 and a.symbol == "start_kernel",
          "lookup('start_kernel+0x10') as the CLI's addr (got %s)" % (a,))
    try:
        m.lookup("no_such_symbol")
        check(False, "lookup of an unknown symbol raises")
    except vmmap.NotFoundError:
        check(True, "lookup of an unknown symbol raises NotFoundError")


def test_special_values():
    m = vmmap.open(synth)
    e = m.lookup(0xffffffffffffffea)
    n = m.lookup(0x18)
    u = m.lookup(0xffff888010000000)
    check(e.special == "ERR_PTR" and e.errno == 22 and e.tag() == "ERR_PTR(-22)" and
          n.tag() == "NULL+0x18" and u.mapped is False and u.phys is None and
          m.lookup(0xffff888000001000).mapped is True,
          "Annotation: ERR_PTR(-22), NULL+0x18, an unmapped direct-map address")


def test_page_state():
    """Free pages of the Debian 6.1 dump (kdump-compressed, free pages
    themselves filtered out, their struct pages kept) against the guest's
    MemFree; a direct-map address carries its page, a vmemmap address
    the page its struct page describes."""
    m = vmmap.open(real)
    meminfo = os.path.join(os.path.dirname(real_truth), "guest", "meminfo.txt")
    memfree = int(next(l for l in open(meminfo) if l.startswith("MemFree:")).split()[1]) // 4
    pages = [m.page(pfn) for pfn in range(0x10000)]
    free = sum(p.free for p in pages)
    check(abs(free - memfree) <= memfree // 100,
          "Map.page: %d free pages, MemFree %d pages" % (free, memfree))
    slab = next(p for p in pages if p.type == "slab" and p.compound == "head")
    a = m.lookup(m.kernel.page_offset_base + slab.pfn * 4096 + 0x10)
    v = m.lookup(slab.struct_page + 8)
    check(a.page is not None and a.page.pfn == slab.pfn and a.page.type == "slab" and
          a.page_size in (4096, 2 << 20, 1 << 30) and a.rw and a.nx and
          v.page.pfn == slab.pfn and v.struct_page_offset == 8,
          "Annotation.page of a slab page's address and of its struct page (%s)" % slab)
    check(m.page(1 << 40).status == "no-struct-page", "Map.page of a pfn past RAM")
    # tun_net_open at 0xffffffffc05f7000 in the guest's /proc/kallsyms (kview.txt)
    t = m.lookup(0xffffffffc05f7010)
    # the first vmalloc area of the guest's /proc/vmallocinfo (deb6.1)
    v = m.lookup(m.kernel.vmalloc_base + 0x100).vmalloc
    first = open(os.path.join(os.path.dirname(real_truth), "guest", "vmallocinfo.txt")).readline().split()
    check(v is not None and "0x%x-0x%x" % (v.start, v.end) == first[0] and
          "%s+0x%x" % (v.caller_symbol, v.caller_offset) == first[2].split("/")[0],
          "Annotation.vmalloc: %s, as /proc/vmallocinfo: %s" % (v, " ".join(first[:3])))
    stack_area = next(l.split()[0] for l in open(os.path.join(os.path.dirname(real_truth), "guest",
                                                               "vmallocinfo.txt"))
                      if " kernel_clone+" in l)
    s = m.lookup(int(stack_area.split("-")[0], 16) + 0x100)
    check(s.task is not None and s.task["what"] == "stack" and s.task["offset"] == 0x100,
          "Annotation.task of an address in a kernel stack the guest listed: %s" % s.task)
    # that first area is CPU 0's IRQ stack (irq_init_percpu_irqstack);
    # CPU 0's #DF stack is 0x8000 into its cpu_entry_area, at the fixed
    # 0xfffffe0000001000 before 6.2 (check-vmalloc.py works it out)
    irq = m.lookup(v.start + 0x3f28)
    df = m.lookup(0xfffffe0000009010)
    irq_line, df_line = "%016x\n" % irq.address, "%016x\n" % df.address
    check(first[2].startswith("irq_init_percpu_irqstack+") and irq.stack is not None and
          (irq.stack["kind"], irq.stack["cpu"], irq.stack["offset"]) == ("irq", 0, 0x3f28) and
          irq.tag() == "vmalloc:irq_stack+0x3f28 [CPU 0]" and
          m.annotate_text(irq_line) == irq_line[:-1] + " [%s]\n" % irq.tag(),
          "Annotation.stack of an address in CPU 0's IRQ stack, and its tag as the C one: %s" % irq.stack)
    check(df.stack is not None and (df.stack["kind"], df.stack["name"], df.stack["guard"]) ==
          ("exception", "DF", False) and df.tag() == "cpu_entry_area:DF_stack+0x10 [CPU 0]" and
          m.annotate_text(df_line) == df_line[:-1] + " [%s]\n" % df.tag(),
          "Annotation.stack of an address in CPU 0's #DF stack: %s" % df.tag())
    check(t.module == "tun" and t.module_symbol == "tun_net_open" and t.module_symbol_offset == 0x10
          and t.tag() == "modules:tun_net_open+0x10 [tun]",
          "Annotation.module_symbol from the module's kallsyms: %s" % t.tag())
    free_pfn = next(p.pfn for p in pages if p.free and p.block_pfn != p.pfn)
    f = m.lookup(m.kernel.page_offset_base + free_pfn * 4096)
    line = "%016x\n" % f.address
    check(a.object is not None and a.object.cache and a.object.start is not None and
          a.object.start <= a.address < a.object.start + a.object.size,
          "Annotation.object of an address in a slab page: %s" % a.object)
    check(f.in_dump is False and a.in_dump is True,
          "Annotation.in_dump: makedumpfile -d 31 left the free page out, the slab page in")
    check(f.tag().endswith(" free") and m.annotate_text(line, True) == line[:-1] + " [%s]\n" % f.tag()
          and m.annotate_text(line) == line[:-1] + " [%s]\n" % f.tag()[:-len(" free")],
          "Annotation.tag() and annotate_text(text, page_state=True) say ' free' of a pointer into a free block, plain annotate_text does not (%s)" % f)


def test_annotate():
    m = vmmap.open(synth)
    got = m.annotate_text(open(ann_in).read())
    check(got == open(ann_want).read(), "annotate_text agrees with tests/annotate/expected.txt")
    raw = m.annotate_text(open(ann_in, "rb").read() + b"\xff ffff888000001000\n")
    check(isinstance(raw, bytes) and raw == open(ann_want, "rb").read() +
          b"\xff ffff888000001000 [direct_map+0x1000]\n",
          "annotate_text(bytes) gives bytes, a byte that is no UTF-8 kept")


def test_help_and_examples():
    check("from_drgn" in (vmmap.__doc__ or "") and vmmap.Map.lookup.__doc__,
          "help(vmmap) documents the API")
    with tempfile.TemporaryDirectory() as d:
        os.symlink(os.path.abspath(synth), os.path.join(d, "a-good"))
        open(os.path.join(d, "b-broken"), "w").write("not a dump\n")
        p = subprocess.run([sys.executable, os.path.join(examples, "batch-jsonl.py"), d,
                            "ffff888000001000"], capture_output=True, text=True)
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        check(p.returncode == 1 and len(lines) == 2 and
              lines[0]["addresses"][0]["tag"] == "direct_map+0x1000" and
              "error" in lines[1], "examples/batch-jsonl.py: a good and a broken dump")


for name, f in list(globals().items()):
    if name.startswith("test_"):
        guard(name, f)
print("1..%d" % len(results))
for i, (ok, what) in enumerate(results, 1):
    if ok is None:
        print("ok %d - # SKIP %s" % (i, what))
    else:
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
