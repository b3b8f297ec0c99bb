# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""vmmap: the effective x86_64 kernel memory map of a vmcore, for Python.

Build a map from a dump file::

    import vmmap
    m = vmmap.open("/var/crash/vmcore")          # vmlinux=... helps
    m.kernel.page_offset_base                    # 0xffff888000000000
    m.kernel.sources["vmalloc_base"]             # 'memory'
    for r in m:                                  # regions, by address
        print(r)
    a = m.lookup(0xffff888003a1c000)
    a.region.name, a.offset, a.phys, a.pfn       # ('direct_map', ...)
    print(m.annotate_text(oops_text))
    m.close()                                    # or: with vmmap.open(...) as m:

Read the dump's kernel memory and types (its own BTF, or the DWARF of
the vmlinux given), no debugger needed::

    m.read(0xffff888003a1c000, 16)               # bytes, through page walks
    m.struct("task_struct").size                 # layouts: offsets, members
    vmmap.describe(m, 0xffff888003a1c000, "task_struct")   # every pointer, labelled

or from a running drgn session (its memory reads and symbols)::

    m = vmmap.from_drgn(prog)
    vmmap.describe(m, task)                      # label a struct's pointers

Errors raise subclasses of vmmap.Error carrying libvmmap's message;
vmmap.OSError (a file that cannot be opened or read) is also a
builtins.OSError. ``from vmmap import *`` imports neither vmmap.open nor
vmmap.OSError, which would hide the builtins of those names.
"""

from . import _vmmap
from ._vmmap import (Error, FaultError, FormatError, InvalidArgumentError,
                     NoMemoryError, NotFoundError, OSError, SymbolsError,
                     UnsupportedError, VmcoreinfoError)

# Not "open" nor "OSError": a star import would shadow the builtins.
__all__ = [
    "Map", "Region", "Annotation", "Kernel", "Struct", "Member", "Members", "from_source",
    "from_drgn", "describe", "parse_address", "Error", "FaultError",
    "FormatError", "InvalidArgumentError", "NoMemoryError", "NotFoundError",
    "SymbolsError", "UnsupportedError", "VmcoreinfoError",
]


def _hex(v):
    return "0x%x" % v if v is not None else "None"


class Region:
    """A region of the kernel's address space.

    name is a stable identifier (direct_map, vmalloc, modules, ...);
    start and end are inclusive; source says where the bounds came from
    and exact is False when a bound is approximate.
    """

    __slots__ = ("name", "start", "end", "description", "source", "exact")

    def __init__(self, name, start, end, description, source, exact):
        self.name, self.start, self.end = name, start, end
        self.description, self.source, self.exact = description, source, exact

    @property
    def size(self):
        """end - start + 1 (2**64 for a region covering everything)."""
        return self.end - self.start + 1

    def __contains__(self, addr):
        return self.start <= addr <= self.end

    def __eq__(self, other):
        return isinstance(other, Region) and \
            (self.name, self.start, self.end) == (other.name, other.start, other.end)

    def __hash__(self):
        return hash((self.name, self.start, self.end))

    def __repr__(self):
        return "Region(%s, 0x%016x-0x%016x, %s%s)" % (
            self.name, self.start, self.end, self.source,
            "" if self.exact else ", approximate")


class Page:
    """The state of one page frame, decoded from its struct page with the
    dump's VMCOREINFO (no debug info).

    status: "ok", "no-struct-page", "not-in-dump" or "unknown" (note
    says why); type: "none" (in use, no type), "buddy" (free: in the
    free block starting at block_pfn, of order), "slab", "pgtable",
    "offline", "hugetlb", ... or "unknown"; compound: None, "head" or
    "tail" (head_pfn, order); refcount, mapcount; mapping: "anon",
    "file", "ksm", "none" or None (not read); flags: the PG_ flags the
    dump names ("lru", "slab", "head", ...); type_by_version: the type
    rests on kernel sources by version, not on a VMCOREINFO key.
    """

    __slots__ = ("pfn", "status", "note", "struct_page", "flags_raw", "flags", "type",
                 "block_pfn", "order", "compound", "head_pfn", "refcount", "mapcount",
                 "mapping", "type_by_version", "type_word", "_text")

    def __init__(self, d):
        for k in self.__slots__[:-1]:
            setattr(self, k, d.get(k))
        if not d.get("have_counts"):
            self.refcount = self.mapcount = None
        if self.order is not None and self.order < 0:
            self.order = None
        if self.type != "buddy":
            self.block_pfn = None
        if self.compound is None:
            self.head_pfn = None
        self._text = d["text"]

    @property
    def free(self):
        """In the buddy allocator's free lists."""
        return self.type == "buddy"

    def __str__(self):
        return "pfn 0x%x: %s" % (self.pfn, self._text)

    def __repr__(self):
        return "Page(%s)" % self


class Object:
    """The slab object an address is in, typed from the dump's BTF.

    cache (its name; None if the walk could not tell), cache_addr, start
    and offset of the address into the object, size (the cache's
    object_size), state: "allocated", "free" (on its slab's freelist),
    "free-percpu" (on a CPU's freelist or in a sheaf), "corrupt" (a
    freelist that leaves the slab or loops), "padding" (between or after
    objects) or "unknown"; note: what could not be known. slub_debug:
    None, or for a cache with slub_debug's red zones or poisoning a dict
    of the kernel's own checks of the object's slot (mm/slub.c
    check_object()) made on the dump: red_zone and poison ("intact",
    "overwritten", "unchecked", "unreadable"), damage (the first
    overwritten part: "left red zone", "poison", "end poison", "right
    red zone", "padding"; None if intact), damage_addr, found and
    expected (byte values), damaged_bytes. kfence: True for one of
    KFENCE's objects or a guard page of its pool (mm/kfence), whose
    start, size and state are the kernel's own record of it.
    """

    __slots__ = ("kind", "cache", "cache_addr", "start", "offset", "size", "state", "note",
                 "slub_debug", "kfence")

    def __init__(self, d):
        for k in self.__slots__:
            setattr(self, k, d.get(k))
        self.kfence = bool(self.kfence)
        if not d.get("placed"):
            self.start = self.offset = None

    def __str__(self):
        if self.cache is None and self.kfence and self.state == "padding":
            return self.note
        if self.cache is None:
            return "slab object: unknown (%s)" % self.note
        if self.start is None:
            return "slab %s: %s" % (self.cache, self.state)
        return "%s+0x%x (object 0x%x, %d bytes, %s)" % (self.cache, self.offset, self.start,
                                                         self.size, self.state)

    def __repr__(self):
        return "Object(%s)" % self


class VmallocArea:
    """The vmalloc area (busy vmap_area) an address is in: start, end
    (exclusive, with the guard page), and when a vm_struct describes it:
    kind ("vmalloc", "ioremap", "vmap", "user" or None), flags, nr_pages,
    phys_addr, caller and caller_symbol/caller_offset (who allocated it)."""

    __slots__ = ("start", "end", "have_vm", "flags", "kind", "nr_pages", "phys_addr",
                 "caller", "caller_symbol", "caller_offset")

    def __init__(self, d):
        for k in self.__slots__:
            setattr(self, k, d.get(k))

    def __str__(self):
        s = "vmalloc area 0x%x-0x%x" % (self.start, self.end)
        if self.have_vm:
            s += " (%s)" % (self.kind or "?")
            s += " by %s+0x%x" % (self.caller_symbol, self.caller_offset) if self.caller_symbol \
                else " by 0x%x" % self.caller
        return s

    def __repr__(self):
        return "VmallocArea(%s)" % self


class Annotation:
    """What vmmap knows about one address.

    region (a Region), offset into it; phys and pfn when the dump can
    translate the address (None otherwise); symbol and symbol_offset in
    the kernel image; module and module_offset in module space.
    """

    __slots__ = ("address", "region", "offset", "phys", "pfn", "symbol",
                 "symbol_offset", "module", "module_offset", "special", "errno",
                 "mapped", "in_dump", "page_size", "rw", "nx", "global_", "page",
                 "struct_page_offset", "object", "module_symbol",
                 "module_symbol_offset", "vmalloc", "task", "stack")

    def __init__(self, d):
        self.address = d["address"]
        self.region = Region(*d["region"])
        self.offset = d["offset"]
        self.phys = d.get("phys")
        self.pfn = d.get("pfn")
        self.symbol, self.symbol_offset = d.get("symbol", (None, None))
        self.module, self.module_offset = d.get("module", (None, None))
        # the module's own symbol at or below the address (its kallsyms)
        self.module_symbol, self.module_symbol_offset = d.get("module_symbol", (None, None))
        # a value that is no pointer: "ERR_PTR" (errno set), "NULL",
        # "LIST_POISON1", "POISON_FREE", ...; else None
        self.special = d.get("special")
        self.errno = d.get("errno")
        # True/False: mapped in the kernel page tables; None: not checked
        self.mapped = d.get("mapped")
        # True/False: the dump holds the physical page (makedumpfile
        # filters free, cache and user pages out); None: not checked
        self.in_dump = d.get("in_dump")
        # how it is mapped, when the kernel page tables say: page size
        # in bytes, writable, not executable, global; else None
        m = d.get("mapping") or {}
        self.page_size = m.get("page_size")
        self.rw, self.nx, self.global_ = m.get("rw"), m.get("nx"), m.get("global")
        # the Page the address is in; for a vmemmap address, the page
        # whose struct page it is in (struct_page_offset into it)
        self.page = Page(d["page"]) if "page" in d else None
        self.struct_page_offset = d.get("struct_page_offset")
        # the slab Object the address is in (from the dump's BTF), or None
        self.object = Object(d["object"]) if "object" in d else None
        # the VmallocArea the address is in (vmalloc and module space)
        self.vmalloc = VmallocArea(d["vmalloc"]) if "vmalloc" in d else None
        # the task whose kernel stack or task_struct holds the address: a
        # dict of what ("stack" or "task_struct"), offset, pid, tgid,
        # comm, task_struct, stack; or None
        self.task = d.get("task")
        # a CPU's own stack holding the address: a dict of kind ("irq",
        # "exception", "entry"), cpu, name (an exception stack's: "DF",
        # "NMI", "DB", "MCE", "VC", "VC2"; else None), guard (True: the
        # unmapped guard page below that stack), start, end, offset;
        # or None
        self.stack = d.get("stack")

    def tag(self):
        """The short form the CLI's annotate prints: region+0x10,
        kernel_text:start_kernel+0x10, modules:[tun]+0x40,
        vmalloc:irq_stack+0x3f28 [CPU 1], cpu_entry_area:DF_stack+0x10 [CPU 0],
        ERR_PTR(-22), NULL+0x18, POISON_FREE; " free" after a pointer
        into a free page, " no page" where no struct page is."""
        if self.special == "ERR_PTR":
            return "ERR_PTR(-%d)" % self.errno
        if self.special == "NULL":
            return "NULL+0x%x" % self.address
        if self.special:
            return self.special
        if self.symbol:
            tag = "%s:%s+0x%x" % (self.region.name, self.symbol, self.symbol_offset)
        elif self.module and self.module_symbol:
            tag = "%s:%s+0x%x [%s]" % (self.region.name, self.module_symbol,
                                       self.module_symbol_offset, self.module)
        elif self.module:
            tag = "%s:[%s]+0x%x" % (self.region.name, self.module, self.module_offset)
        elif self.stack:
            st = self.stack
            what = {"irq": "irq_stack", "entry": "entry_stack"}.get(st["kind"])
            if what is None:
                what = st["name"] + "_stack" + ("_guard" if st["guard"] else "")
            tag = "%s:%s+0x%x [CPU %d]" % (self.region.name, what, st["offset"], st["cpu"])
        else:
            tag = "%s+0x%x%s" % (self.region.name, self.offset, "" if self.region.exact else "?")
        if self.page is not None and self.struct_page_offset is None:
            if self.page.status == "ok" and self.page.free:
                tag += " free"
            elif self.page.status == "no-struct-page":
                tag += " no page"
        return tag

    def __str__(self):
        s = "0x%016x %s" % (self.address, self.tag())
        if self.phys is not None:
            s += " phys 0x%x pfn 0x%x" % (self.phys, self.pfn)
        return s

    def __repr__(self):
        return "Annotation(%s)" % self


class Member:
    """A member of a Struct: name, offset (bytes from the start of the
    outer structure), size, kind ("pointer", "struct", "union", "array"
    or "other", through typedefs); type_name: the struct or union's tag
    (for a pointer, the tag of what it points at; for an array, of its
    elements), or None; type: the Struct of an embedded struct or union
    (or of an array's elements), or None; element_kind, element_size
    and count for an array (count 0: a flexible array). The members of
    an anonymous struct or union are listed in its place; bit fields
    are left out."""

    __slots__ = ("name", "offset", "size", "kind", "type_name", "type", "element_kind",
                 "element_size", "count")

    def __init__(self, t):
        (self.name, self.offset, self.size, self.kind, self.type_name, self.type,
         self.element_kind, self.element_size, self.count) = t
        if self.kind != "array":
            self.element_kind = self.element_size = self.count = None

    def __repr__(self):
        what = self.kind
        if self.type_name:
            what += " " + self.type_name
        if self.kind == "array":
            what += " of %d %s" % (self.count, self.element_kind)
        return "Member(%s +0x%x, %d bytes, %s)" % (self.name, self.offset, self.size, what)


class Struct:
    """The layout of a structure or union of the dump's kernel (Map.struct):
    name (None if anonymous), kind ("struct" or "union"), size, source
    ("btf" or "dwarf") and members (a list of Member)."""

    __slots__ = ("name", "kind", "size", "source", "members", "_by_name")

    def __init__(self, t):
        self.name, self.kind, self.size, self.source = t[:4]
        self.members = []
        self._by_name = {}

    def __getitem__(self, name):
        """The Member name (of this structure, anonymous members'
        included); KeyError if none."""
        return self._by_name[name]

    def __contains__(self, name):
        return name in self._by_name

    def offsetof(self, path):
        """The offset of a member path through embedded structs:
        "tasks", "se.load.weight", "pids[1]" (an array element)."""
        s, off = self, 0
        for part in path.split("."):
            index = None
            if part.endswith("]") and "[" in part:
                part, index = part[:-1].split("[")
                index = int(index, 0)
            if s is None or part not in s:
                raise KeyError(path)
            member = s[part]
            off += member.offset
            if index is not None:
                if member.kind != "array" or (member.count and not 0 <= index < member.count):
                    raise KeyError(path)
                off += index * member.element_size
            s = member.type
        return off

    def pointers(self):
        """Every pointer in the struct, through embedded structs, unions
        and arrays of them or of pointers (64 elements at most, as
        describe() with drgn): a list of (path, offset), "tasks.next",
        "pids[0].first". InvalidArgumentError past a million members
        visited (types that nest arrays of arrays of structs: damage)."""
        out = []
        _pointer_slots(self, 0, "", out, 0, [_MAX_VISITS])
        return out

    def __repr__(self):
        return "Struct(%s %s, %d bytes, %d members, from %s)" % (
            self.kind, self.name or "(anonymous)", self.size, len(self.members), self.source)


def _structs(tuples):
    """Struct objects from the low level's list: the first is the one asked for."""
    structs = [Struct(t) for t in tuples]
    for s, t in zip(structs, tuples):
        for mt in t[4]:
            member = Member(mt)
            member.type = structs[mt[5]] if mt[5] is not None else None
            s.members.append(member)
            s._by_name.setdefault(member.name, member)
    return structs[0]


class Kernel:
    """Kernel facts. Each fact is an attribute; sources[fact] says where
    it came from (vmcoreinfo, memory, kallsyms, vmlinux, elf-phdrs,
    page-tables, layout, era-table) and exact[fact] whether it is exact
    or a guess."""

    FACTS = ("pgtable_levels", "kaslr", "kernel_offset", "phys_base",
             "page_offset_base", "vmalloc_base", "vmemmap_base",
             "physmem_end", "kernel_image_size", "kasan", "cpu_entry_area")

    def __init__(self, d):
        self.release = d["release"]
        self.sources = {k: d[k]["source"] for k in self.FACTS}
        self.exact = {k: d[k]["exact"] for k in self.FACTS}
        for k in self.FACTS:
            v = d[k]["value"]
            setattr(self, k, bool(v) if k in ("kaslr", "kasan", "cpu_entry_area") else v)

    def __repr__(self):
        return "Kernel(%s, %d-level, kaslr=%s, page_offset_base=0x%x, " \
            "vmalloc_base=0x%x, vmemmap_base=0x%x)" % (
                self.release, self.pgtable_levels, self.kaslr,
                self.page_offset_base, self.vmalloc_base, self.vmemmap_base)


class Map:
    """The effective kernel memory map of one dump. Iterating gives the
    regions in address order; they cover all 2**64 addresses.

    A context manager: close() (or leaving the with block) releases the
    map and its dump at once; after it kernel, regions and notes stay,
    and what reads the dump raises ValueError."""

    def __init__(self, low):
        self._low = low
        self.kernel = Kernel(low.kernel())
        self.regions = [Region(*t) for t in low.regions()]
        self.notes = low.notes()

    def __iter__(self):
        return iter(self.regions)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Release the map, the dump file or the callables behind it
        (a drgn program). Closing twice is no error."""
        self._low.close()

    @property
    def closed(self):
        """True after close()."""
        return self._low.closed

    @property
    def vmcoreinfo(self):
        """The dump's raw VMCOREINFO text (str), as the map was built
        from it: from_drgn(prog, vmcoreinfo=m.vmcoreinfo) takes it."""
        return self._low.vmcoreinfo()

    def __len__(self):
        return len(self.regions)

    def lookup(self, addr):
        """Annotate an address: an int, a hex str (0x optional), or a
        symbol with an optional offset, "start_kernel+0x10"."""
        return Annotation(self._low.lookup(addr))

    def page(self, pfn):
        """The Page state of page frame pfn (an int)."""
        return Page(self._low.page(pfn))

    def region_of(self, addr):
        """The Region holding addr."""
        return self.lookup(addr).region

    def read(self, addr, size):
        """size bytes of kernel virtual memory at addr (an int, a hex str
        or a symbol[+offset] str), translated page by page through the
        kernel page tables, the direct map too. FaultError where an
        address is unmapped, no kernel address, or its page is not in
        the dump (fault address in the message)."""
        return self._low.read(addr, size)

    def struct(self, name):
        """The layout (a Struct) of struct name, else union name, from the
        dump's own BTF, or the DWARF of the vmlinux given. NotFoundError
        when there is no such type, or no type information (a kernel
        without BTF, opened without a vmlinux): the message says why."""
        return _structs(self._low.struct(name))

    def annotate_text(self, text, page_state=False):
        """text (str, or bytes of any encoding: the same type back) with
        every kernel pointer tagged, as `vmmap annotate`; page_state:
        also " free" / " no page" after direct-map pointers, as
        `vmmap annotate --page-state` (a struct page read per pointer)."""
        return self._low.annotate_text(text, bool(page_state))

    def to_json(self):
        """The map as `vmmap map --json` prints it."""
        return self._low.map_json()

    def __repr__(self):
        return "Map(%s, %d regions%s)" % (self.kernel.release or "?", len(self.regions),
                                         ", closed" if self.closed else "")


def open(path, vmlinux=None):
    """The map of a dump file (any format libkdumpfile reads). vmlinux:
    an optional vmlinux or System.map of the dump's kernel."""
    return Map(_vmmap.open(path, vmlinux))


def from_source(read_phys, vmcoreinfo, symbol=None, page_walk=None, vmlinux=None):
    """A map from your own accessors: read_phys(addr, size) -> bytes,
    vmcoreinfo (str/bytes), symbol(name) -> int or None,
    page_walk(vaddr) -> int or None."""
    return Map(_vmmap.from_source(read_phys, vmcoreinfo, symbol, page_walk, vmlinux))


def parse_address(text):
    """An address from hex text ("ffff8880..." or "0x..."), as the CLI."""
    return _vmmap.parse_address(text)


def _drgn_vmcoreinfo(prog):
    # drgn 0.0.22 does not expose the VMCOREINFO it parsed; the kernel's
    # own copy is at vmcoreinfo_data (needs debug info to be found).
    try:
        return prog["VMCOREINFO"].string_().decode()
    except (KeyError, LookupError, AttributeError):
        pass
    try:
        data = prog["vmcoreinfo_data"]
        size = int(prog["vmcoreinfo_size"])
        return prog.read(int(data), size).decode("ascii", "replace")
    except (KeyError, LookupError) as e:
        raise NotFoundError(
            "drgn gives no VMCOREINFO for this program (load the kernel's "
            "debug info, or pass vmcoreinfo=): %s" % e)


def from_drgn(prog, vmcoreinfo=None, vmlinux=None):
    """The map of the kernel a drgn.Program is looking at, built from
    drgn's own memory reads and symbols, so it works wherever drgn
    works. vmlinux: the debug vmlinux drgn loaded, for the facts only
    DWARF gives (the fixmap's start)."""
    def read_phys(addr, size):
        return prog.read(addr, size, True)

    def symbol(name):
        try:
            return prog.symbol(name).address
        except LookupError:
            return None

    if vmcoreinfo is None:
        vmcoreinfo = _drgn_vmcoreinfo(prog)
    return from_source(read_phys, vmcoreinfo, symbol, vmlinux=vmlinux)


def _pointer_members(m, value, t, prefix, out, depth):
    """Every pointer in a struct or union, through embedded structs,
    unions and arrays ("tasks.next", "pids[0]"), as (name, value,
    Annotation)."""
    import drgn
    for member in t.members:
        mt = member.type
        while mt.kind == drgn.TypeKind.TYPEDEF:
            mt = mt.type
        obj = value.member_(member.name) if member.name else None
        if member.name is None:
            # an anonymous struct or union: its members are the parent's
            if mt.kind in (drgn.TypeKind.STRUCT, drgn.TypeKind.UNION) and depth < 8:
                _pointer_members(m, value, mt, prefix, out, depth + 1)
            continue
        _pointers_in(m, obj, mt, prefix + member.name, out, depth)


def _pointers_in(m, obj, t, name, out, depth):
    import drgn
    if t.kind == drgn.TypeKind.POINTER:
        v = obj.value_()
        out.append((name, v, m.lookup(v)))
    elif t.kind in (drgn.TypeKind.STRUCT, drgn.TypeKind.UNION) and depth < 8:
        _pointer_members(m, obj, t, name + ".", out, depth + 1)
    elif t.kind == drgn.TypeKind.ARRAY and t.length and depth < 8:
        et = t.type
        while et.kind == drgn.TypeKind.TYPEDEF:
            et = et.type
        if et.kind in (drgn.TypeKind.POINTER, drgn.TypeKind.STRUCT, drgn.TypeKind.UNION):
            for i in range(min(t.length, 64)):
                _pointers_in(m, obj[i], et, "%s[%d]" % (name, i), out, depth + 1)


class Members(list):
    """What describe() returns for a structure: a list of (member, value,
    Annotation), with type (the struct's name), address (where it was
    read, or None), guess (True when the type was inferred from what the
    address is, not given) and reason (how it was inferred, or None)."""

    def __init__(self, items=(), type=None, address=None, guess=False, reason=None):
        super().__init__(items)
        self.type, self.address, self.guess, self.reason = type, address, guess, reason

    def __repr__(self):
        return "Members(%s at %s%s, %d pointers)" % (
            self.type, _hex(self.address), ", a guess: " + self.reason if self.guess else "",
            len(self))


_MAX_VISITS = 1 << 20


def _pointer_slots(s, base, prefix, out, depth, budget):
    """The pointers of the Struct s at offset base, as _pointer_members
    finds them with drgn: embedded structs, unions and arrays of them or
    of pointers (64 elements at most)."""
    for member in s.members:
        _pointer_slots_in(base + member.offset, member.kind, member.type, member,
                          prefix + member.name, out, depth, budget)


def _pointer_slots_in(off, kind, s, member, name, out, depth, budget):
    budget[0] -= 1
    if budget[0] < 0:
        raise InvalidArgumentError("%s: more than %d members nested: not a kernel's type"
                                   % (name, _MAX_VISITS))
    if kind == "pointer":
        out.append((name, off))
    elif kind in ("struct", "union") and s is not None and depth < 8:
        _pointer_slots(s, off, name + ".", out, depth + 1, budget)
    elif kind == "array" and member.count and depth < 8 and \
            member.element_kind in ("pointer", "struct", "union"):
        for i in range(min(member.count, 64)):
            _pointer_slots_in(off + i * member.element_size, member.element_kind, s,
                              None, "%s[%d]" % (name, i), out, depth + 1, budget)


def _infer_type(m, a):
    """The struct an annotated address is the start of, by what vmmap
    knows of it: a task's task_struct, or an object of a slab cache named
    as a struct of the dump's types (and not smaller than it). (name,
    reason) or None."""
    if a.task and a.task.get("what") == "task_struct" and a.task.get("offset") == 0:
        return "task_struct", "the task_struct of pid %d" % a.task["pid"]
    o = a.object
    if o is not None and o.cache and o.offset == 0:
        try:
            s = m.struct(o.cache)
        except (NotFoundError, InvalidArgumentError):
            return None
        # its pointers inside the object (a struct may end in a part the
        # cache sizes for this machine: task_struct's FPU state)
        slots = s.pointers()
        if s.kind == "struct" and (max(off for _, off in slots) + 8 if slots else 0) <= (o.size or 0):
            return o.cache, "an object of the slab cache %s" % o.cache
    return None


def describe(m, value, type=None):
    """Say where value points.

    value: an int or a hex str (an address, or a symbol[+offset] str),
    or a drgn.Object.

    For an address and type (a struct name: "task_struct"), the struct
    at that address is read from the dump and typed with the dump's own
    BTF (or the DWARF of the vmlinux given): no debugger. Without type,
    the type is inferred when the address starts a task's task_struct or
    a slab object whose cache is named as a struct ("task_struct",
    "mm_struct"): the result says it is a guess. Otherwise the
    Annotation of the address.

    For a pointer Object, its target; for a struct or union Object (or a
    pointer to one, followed once), every pointer in it (needs drgn and
    its type information).

    A struct gives Members: a list of (member, value, Annotation), every
    pointer in it, embedded structs and arrays included ("tasks.next",
    "pids[0]"). NULL is "NULL", not user space. FaultError when the
    struct cannot be read, NotFoundError when its type is unknown.
    """
    if isinstance(value, (int, str)):
        a = m.lookup(value)
        reason = None
        if type is None:
            inferred = _infer_type(m, a)
            if inferred is None:
                return a
            type, reason = inferred
        s = m.struct(type)
        slots = s.pointers()
        # what holds pointers, not all of sizeof: the struct may end in
        # a part its slab object does not have (see _infer_type)
        data = m.read(a.address, max(off for _, off in slots) + 8 if slots else 0)
        out = Members(type=s.name, address=a.address, guess=reason is not None, reason=reason)
        for name, off in slots:
            v = int.from_bytes(data[off:off + 8], "little")
            out.append((name, v, m.lookup(v)))
        return out
    if type is not None:
        raise TypeError("describe(m, drgn.Object) takes its type from the Object")
    import drgn
    t = value.type_
    while t.kind == drgn.TypeKind.TYPEDEF:
        t = t.type
    if t.kind == drgn.TypeKind.POINTER:
        target = t.type
        while target.kind == drgn.TypeKind.TYPEDEF:
            target = target.type
        if target.kind not in (drgn.TypeKind.STRUCT, drgn.TypeKind.UNION):
            return m.lookup(value.value_())
        value, t = value[0], target
    if t.kind not in (drgn.TypeKind.STRUCT, drgn.TypeKind.UNION):
        return m.lookup(int(value.value_()))
    out = Members(type=t.tag, address=value.address_)
    _pointer_members(m, value, t, "", out, 0)
    return out
