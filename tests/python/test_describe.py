#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""describe(), Map.read and Map.struct from the dump alone, against the
guests' own view of their tasks. TAP output.

usage: test_describe.py [--guest DUMP GUEST_DIR LABEL]... [--filtered DUMP]
                        [--self DUMP VMLINUX]

--guest: a dump of a kernel with BTF and what its guest listed:
guest/tasks.txt (tgid tid ppid state flags comm, from /proc) and
guest/slabinfo.txt. The process list is walked from init_task with
Map.struct and Map.read alone (no vmmap task list), then each process
is described: real_parent must be the task of the ppid the guest listed,
comm and flags must be what it listed, stack must be named that task's
stack, every pointer back into the task must land on one of its members.
--filtered: a makedumpfile -d 31 dump (a free page is not in it).
--self: a kernel without BTF and its vmlinux: a clear NotFoundError
without the vmlinux, the DWARF with it, and (with drgn) the very pointers
drgn's own describe() finds.
"""
import json
import os
import sys

import vmmap  # PYTHONPATH is set by tests/python.test

results = []


def check(ok, what):
    results.append((bool(ok), what))


def skip(what):
    results.append((None, what))


def guard(what, f, *args):
    try:
        f(*args)
    except Exception as e:  # a failure, not a crash of the whole test
        check(False, "%s: %s: %s" % (what, type(e).__name__, e))


def u64(b):
    return int.from_bytes(b, "little")


def guest_tasks(guest):
    """tid -> (tgid, ppid, flags, comm) as the guest's /proc had them."""
    tasks = {}
    for line in open(os.path.join(guest, "tasks.txt")):
        w = line.split(None, 5)
        if len(w) == 6 and w[0].isdigit():
            tasks[int(w[1])] = (int(w[0]), int(w[2]), int(w[4], 16), w[5].strip())
    return tasks


def slab_objsize(guest, cache):
    for line in open(os.path.join(guest, "slabinfo.txt")):
        w = line.split()
        if w and w[0] == cache:
            return int(w[3])
    return None


def same_comm(guest, kept):
    """/proc shows a kworker's workqueue after its comm, and on 6.x+ a
    kthread's full name where comm keeps 15 bytes."""
    return guest == kept or guest.startswith(kept + "-") or \
        (len(kept) == 15 and guest.startswith(kept))


def walk_processes(m, s):
    """Every process on init_task's tasks list, by Map.read alone:
    pid -> (task address, comm, tgid)."""
    init = m.lookup("init_task").address
    off_tasks, off_pid = s.offsetof("tasks"), s.offsetof("pid")
    off_tgid, off_comm = s.offsetof("tgid"), s.offsetof("comm")
    procs = {}
    task = init
    for _ in range(100000):
        pid = u64(m.read(task + off_pid, 4))
        tgid = u64(m.read(task + off_tgid, 4))
        comm = m.read(task + off_comm, 16).split(b"\0")[0].decode("ascii", "replace")
        procs[pid] = (task, comm, tgid)
        task = u64(m.read(task + off_tasks, 8)) - off_tasks
        if task == init:
            break
    return procs


def member_offsets(s, base=0, depth=0, out=None):
    """Every offset a member of s (embedded ones too) starts at."""
    out = set() if out is None else out
    for mem in s.members:
        out.add(base + mem.offset)
        if mem.type is not None and depth < 8:
            if mem.kind == "array":
                for i in range(min(mem.count or 0, 64)):
                    member_offsets(mem.type, base + mem.offset + i * mem.element_size,
                                   depth + 1, out)
            else:
                member_offsets(mem.type, base + mem.offset, depth + 1, out)
    return out


def check_module_types(m, fixture, label):
    """Structures defined by the guest's loaded modules, from the module
    BTF the kernel keeps (btf_modules), against their DWARF in the
    distribution's debug package (fixtures/real/module-types.py)."""
    path = os.path.join(fixture, "module-types.json")
    if not os.path.exists(path):
        return
    truth = json.load(open(path))["modules"]
    for mod, structs in sorted(truth.items()):
        for name, want in sorted(structs.items()):
            try:
                s = m.struct(name)
            except vmmap.Error as e:
                check(False, "%s: Map.struct(%r) of module %s: %s" % (label, name, mod, e))
                continue
            got = {mem.name: mem.offset for mem in s.members}
            bad = sorted(k for k, off in want["members"].items() if got.get(k) != off)
            check(s.size == want["size"] and not bad and len(want["members"]) > 3,
                  "%s: Map.struct(%r), defined by module %s, from its BTF in the dump: size %d "
                  "(DWARF %d), %d members at DWARF's offsets%s"
                  % (label, name, mod, s.size, want["size"], len(want["members"]) - len(bad),
                     (", not " + ", ".join("%s %s/%s" % (k, got.get(k), want["members"][k])
                                           for k in bad)) if bad else ""))


def check_guest(dump, guest, label):
    truth = guest_tasks(guest)
    m = vmmap.open(dump)
    check_module_types(m, os.path.dirname(os.path.abspath(guest)), label)
    s = m.struct("task_struct")
    check(s.source == "btf" and s.kind == "struct" and "real_parent" in s and
          s["real_parent"].kind == "pointer" and s["real_parent"].type_name == "task_struct" and
          s["tasks"].kind == "struct" and s["tasks"].type_name == "list_head" and
          s["tasks"].type.size == 16 and s["comm"].kind == "array" and s["comm"].count == 16,
          "%s: Map.struct('task_struct') from the dump's BTF: %r, real_parent %r, tasks %r, comm %r"
          % (label, s, s["real_parent"], s["tasks"], s["comm"]))

    procs = walk_processes(m, s)
    leaders = {tid: t for tid, t in truth.items() if t[0] == tid}
    same = [pid for pid, t in leaders.items() if pid in procs and same_comm(t[3], procs[pid][1])]
    check(len(leaders) > 20 and len(same) >= 0.9 * len(leaders),
          "%s: init_task's list walked with Map.struct and Map.read: %d of the %d processes "
          "the guest listed, with its comm (walked %d)" % (label, len(same), len(leaders),
                                                           len(procs)))

    objsize = slab_objsize(guest, "task_struct")
    task1 = procs[1][0] if 1 in procs else None
    obj = m.lookup(task1).object if task1 else None
    # the slab cache of task_structs: its objects hold the struct, but
    # for the FPU state at its end, which the cache sizes for this CPU
    # (arch_task_struct_size; before 5.16 the struct pads it to a page)
    extent = max(off for _, off in s.pointers()) + 8
    check(objsize and abs(objsize - s.size) <= 16384 and extent <= objsize and obj is not None and
          obj.cache == "task_struct" and obj.size == objsize and obj.offset == 0,
          "%s: sizeof(task_struct) %d is near the slabinfo objsize %s, which holds all its "
          "pointers (up to %d); pid 1's task_struct is an object of that cache at offset 0 (%s)"
          % (label, s.size, objsize, extent, obj))

    init = m.lookup("init_task").address
    off_flags = s.offsetof("flags")
    parent_ok, flags_ok, stack_ok, next_ok, self_ok, class_ok, guess_ok = \
        [], [], [], [], [], [], []
    bad = []
    offsets = member_offsets(s)
    classes = set()
    for c in ("stop", "dl", "rt", "fair", "idle", "ext"):
        try:
            classes.add(m.lookup("%s_sched_class" % c).address)
        except vmmap.NotFoundError:
            pass
    addr_of = {pid: p[0] for pid, p in procs.items()}
    addr_of[0] = init
    n = 0
    for pid in sorted(same):
        task = procs[pid][0]
        d = vmmap.describe(m, task, "task_struct")
        by = {name: (v, a) for name, v, a in d}
        n += 1
        ppid = truth[pid][1]
        v, a = by["real_parent"]
        want = addr_of.get(ppid)
        who = (a.task or {}).get("pid") if v != init else 0
        parent_ok.append(v == want and who == ppid and by["parent"][0] == v)
        if not parent_ok[-1]:
            bad.append("pid %d: real_parent 0x%x (%s), guest ppid %d" % (pid, v, a.tag(), ppid))
        flags = u64(m.read(task + off_flags, 4))
        flags_ok.append(flags == truth[pid][2])
        v, a = by["stack"]
        stack_ok.append(a.task is not None and a.task["what"] == "stack" and
                        a.task["pid"] == pid and a.task["offset"] == 0)
        v, a = by["tasks.next"]
        t = a.task or {}
        next_ok.append(v - s.offsetof("tasks") in addr_of.values() and
                       (v == init + s.offsetof("tasks") or
                        (t.get("what") == "task_struct" and t.get("offset") == s.offsetof("tasks"))))
        # pointers back into this task_struct land on one of its members
        back = [(name, a.task["offset"]) for name, v, a in d
                if a.task and a.task["task_struct"] == task and a.task["what"] == "task_struct"]
        self_ok.append(bool(back) and all(off in offsets for _, off in back))
        if not self_ok[-1]:
            bad.append("pid %d: pointers into itself off any member: %s" % (
                pid, [b for b in back if b[1] not in offsets][:3]))
        class_ok.append(by["sched_class"][0] in classes)
        # without a type: inferred from the task annotation, a guess
        g = vmmap.describe(m, task)
        guess_ok.append(isinstance(g, vmmap.Members) and g.guess and g.type == "task_struct" and
                        "pid %d" % pid in g.reason and
                        [(x[0], x[1]) for x in g] == [(x[0], x[1]) for x in d])
    check(n > 20 and sum(parent_ok) >= 0.9 * n,
          "%s: describe(task, 'task_struct'): real_parent and parent are the task_struct of "
          "the ppid the guest listed for %d of %d processes (%s)" % (
              label, sum(parent_ok), n, "; ".join(bad[:3])))
    check(n > 20 and sum(flags_ok) >= 0.9 * n,
          "%s: task_struct.flags read at its BTF offset is the guest's flags for %d of %d"
          % (label, sum(flags_ok), n))
    check(n > 20 and all(stack_ok),
          "%s: stack is named the stack of the same pid for %d of %d" % (label, sum(stack_ok), n))
    check(n > 20 and all(next_ok),
          "%s: tasks.next points at the tasks member of another walked task_struct for %d of %d"
          % (label, sum(next_ok), n))
    check(n > 20 and all(self_ok),
          "%s: every pointer back into its own task_struct lands on a member's offset, %d of %d"
          % (label, sum(self_ok), n))
    check(n > 20 and all(class_ok),
          "%s: sched_class is the address of a *_sched_class for %d of %d"
          % (label, sum(class_ok), n))
    check(n > 20 and all(guess_ok),
          "%s: describe(task) without a type infers task_struct from the task annotation, "
          "says it is a guess, and finds the same pointers, %d of %d" % (label, sum(guess_ok), n))

    # a slab cache named as a struct: a process's mm_struct, whose owner
    # (CONFIG_MEMCG) is the process
    users = [pid for pid in same if pid > 1 and u64(m.read(procs[pid][0] + s.offsetof("mm"), 8))]
    owned = 0
    for pid in users:
        mm = u64(m.read(procs[pid][0] + s.offsetof("mm"), 8))
        d = vmmap.describe(m, mm)
        by = {name: v for name, v, _ in d} if isinstance(d, vmmap.Members) else {}
        owned += d.guess and d.type == "mm_struct" and "slab cache mm_struct" in d.reason and \
            by.get("owner") == procs[pid][0] if by else 0
    check(users and owned >= 0.9 * len(users),
          "%s: describe(mm) infers mm_struct from its slab cache (a guess); owner is the "
          "process, for %d of %d user processes" % (label, owned, len(users)))

    # Map.read against the guest's comm, byte for byte
    comm_ok = [pid for pid in same
               if m.read(procs[pid][0] + s.offsetof("comm"), 16).split(b"\0")[0].decode() ==
               truth[pid][3][:15] or truth[pid][3].startswith(procs[pid][1])]
    check(len(comm_ok) == len(same), "%s: Map.read of comm is the guest's comm for %d of %d"
          % (label, len(comm_ok), len(same)))
    hostile(m, label, init)
    m.close()


def raises(cls, f, *args):
    try:
        f(*args)
    except cls as e:
        return str(e) or True
    except Exception as e:  # the wrong exception is a failure, not a crash
        return not "%s: %s" % (type(e).__name__, e)
    return False


def hostile(m, label, init):
    """Addresses and names that are not there: an exception, never a crash."""
    unmapped = None
    base = m.kernel.vmalloc_base
    for k in range(1, 4096):
        a = base + k * (1 << 30) + 0x123000
        if m.lookup(a).mapped is False:
            unmapped = a
            break
    for what, addr in (("an unmapped vmalloc address", unmapped), ("a user address", 0x1000),
                       ("a non-canonical address", 0x0000800000000000)):
        if addr is None:
            check(False, "%s: no %s found" % (label, what))
            continue
        r = raises(vmmap.FaultError, vmmap.describe, m, addr, "task_struct")
        check(r and "0x%x" % addr in str(r),
              "%s: describe(%s 0x%x, 'task_struct') raises FaultError naming it: %s"
              % (label, what, addr, r))
    r = raises(vmmap.InvalidArgumentError, vmmap.describe, m, 0xfffffffffffff000, "task_struct")
    check(r, "%s: describe(the last page, 'task_struct'), past 2**64: InvalidArgumentError: %s"
          % (label, r))
    check(raises(vmmap.InvalidArgumentError, m.read, 2**64 - 8, 16),
          "%s: Map.read past 2**64 raises InvalidArgumentError" % label)
    check(raises(vmmap.InvalidArgumentError, m.read, init, -1),
          "%s: Map.read of a negative size raises InvalidArgumentError" % label)
    check(m.read(init, 0) == b"", "%s: Map.read of 0 bytes is b''" % label)
    for name in ("no_such_struct", "", "kmalloc-64", "task_struct " * 50):
        r = raises(vmmap.NotFoundError, m.struct, name)
        check(r, "%s: Map.struct(%r) raises NotFoundError: %s" % (label, name[:20], r))
    r = raises(vmmap.NotFoundError, vmmap.describe, m, init, "no_such_struct")
    check(r, "%s: describe(init_task, 'no_such_struct') raises NotFoundError: %s" % (label, r))
    check(raises(vmmap.InvalidArgumentError, m.struct, "task\0struct") and
          raises(TypeError, m.struct, 42),
          "%s: Map.struct of a name with a NUL, of an int: InvalidArgumentError, TypeError"
          % label)
    a = vmmap.describe(m, init + 1)
    check(isinstance(a, vmmap.Annotation),
          "%s: describe(an address inside init_task) without a type is its Annotation" % label)


def check_filtered(dump):
    """A page makedumpfile left out: FaultError saying so."""
    m = vmmap.open(dump)
    base = m.kernel.page_offset_base
    found = None
    for pfn in range(0x1000, 0x10000, 7):
        a = m.lookup(base + pfn * 4096 + 0x40)
        if a.mapped and a.in_dump is False:
            found = a.address
            break
    r = raises(vmmap.FaultError, m.read, found, 8) if found else False
    check(r and "not in the dump" in str(r),
          "filtered dump: Map.read of a page makedumpfile left out (%s) raises FaultError: %s"
          % (None if found is None else hex(found), r))
    m.close()


def check_self(dump, vmlinux):
    m = vmmap.open(dump)
    r = raises(vmmap.NotFoundError, m.struct, "task_struct")
    check(r and "BTF" in str(r) and "vmlinux" in str(r),
          "self-built kernel, no BTF, no vmlinux: Map.struct raises NotFoundError saying why: %s"
          % r)
    r = raises(vmmap.NotFoundError, vmmap.describe, m, "init_task", "task_struct")
    check(r, "... and describe(init_task, 'task_struct') too: %s" % r)
    check(isinstance(vmmap.describe(m, "init_task"), vmmap.Annotation),
          "... describe(init_task) without a type is still its Annotation")
    m.close()
    m = vmmap.open(dump, vmlinux=vmlinux)
    s = m.struct("task_struct")
    d = vmmap.describe(m, "init_task", "task_struct")
    by = {name: a for name, _, a in d}
    check(s.source == "dwarf" and len(d) > 50 and by["stack"].region.name == "kernel_text" and
          by["sched_class"].symbol == "idle_sched_class",
          "self-built kernel with its vmlinux: the DWARF's layout (%r); describe(init_task): "
          "%d pointers, stack in the image, sched_class idle_sched_class" % (s, len(d)))
    try:
        import drgn
        from drgn.helpers.linux.pid import for_each_task
    except ImportError:
        if os.environ.get("CI") == "true":
            check(False, "drgn not installed (python3-drgn)")
        else:
            skip("drgn not installed: describe() against drgn's")
        m.close()
        return
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    md = vmmap.from_drgn(prog, vmlinux=vmlinux)
    theirs = vmmap.describe(md, prog["init_task"])
    check([(n, v, a.tag()) for n, v, a in theirs] == [(n, v, a.tag()) for n, v, a in d],
          "describe(init_task) from the dump and its DWARF gives the very pointers, values and "
          "labels drgn's describe(prog['init_task']) gives (%d, %d)" % (len(d), len(theirs)))
    same, n = 0, 0
    for task in for_each_task(prog):
        n += 1
        addr = task.value_()
        mine = vmmap.describe(m, addr)
        by = {name: v for name, v, _ in mine} if isinstance(mine, vmmap.Members) else {}
        same += bool(by) and mine.guess and \
            by.get("real_parent") == task.real_parent.value_() and \
            m.read(addr + s.offsetof("comm"), 16) == prog.read(task.comm.address_, 16) and \
            [(x, y) for x, y, _ in mine] == [(x, y) for x, y, _ in vmmap.describe(md, task)]
    check(n > 10 and same == n,
          "every task drgn lists: describe(addr) infers task_struct and gives drgn's pointers; "
          "real_parent and comm agree with drgn's, %d of %d" % (same, n))
    md.close()
    m.close()


args = sys.argv[1:]
while args:
    opt = args.pop(0)
    if opt == "--guest":
        dump, guest, label = args[:3]
        del args[:3]
        guard(label, check_guest, dump, guest, label)
    elif opt == "--filtered":
        guard("filtered", check_filtered, args.pop(0))
    elif opt == "--self":
        dump, vmlinux = args[:2]
        del args[:2]
        guard("self", check_self, dump, vmlinux)
    else:
        check(False, "unknown argument %s" % opt)
print("1..%d" % len(results))
for i, (ok, what) in enumerate(results, 1):
    if ok is None:
        print("ok %d - # SKIP %s" % (i, what))
    else:
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
