# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
import builtins
from types import TracebackType
from typing import Any, Iterator, List, Optional, Tuple, Type, Union, overload

Address = Union[int, str]

__all__ = [
    "Map", "Region", "Annotation", "Kernel", "Struct", "Member", "Members", "from_source",
    "from_drgn", "describe", "parse_address", "Error", "FaultError",
    "FormatError", "InvalidArgumentError", "NoMemoryError", "NotFoundError",
    "SymbolsError", "UnsupportedError", "VmcoreinfoError",
]

class Error(Exception): ...
class NoMemoryError(Error): ...
class OSError(Error, builtins.OSError): ...
class FormatError(Error): ...
class UnsupportedError(Error): ...
class VmcoreinfoError(Error): ...
class FaultError(Error): ...
class NotFoundError(Error): ...
class InvalidArgumentError(Error): ...
class SymbolsError(Error): ...

class Region:
    name: str
    start: int
    end: int
    description: str
    source: str
    exact: bool
    @property
    def size(self) -> int: ...
    def __contains__(self, addr: int) -> bool: ...

class Page:
    pfn: int
    status: str
    note: Optional[str]
    struct_page: int
    flags_raw: int
    flags: List[str]
    type: str
    block_pfn: Optional[int]
    order: Optional[int]
    compound: Optional[str]
    head_pfn: Optional[int]
    refcount: Optional[int]
    mapcount: Optional[int]
    mapping: Optional[str]
    type_by_version: bool
    type_word: int
    @property
    def free(self) -> bool: ...

class Object:
    kind: str
    cache: Optional[str]
    cache_addr: Optional[int]
    start: Optional[int]
    offset: Optional[int]
    size: Optional[int]
    state: str
    note: Optional[str]

class VmallocArea:
    start: int
    end: int
    have_vm: bool
    flags: int
    kind: Optional[str]
    nr_pages: int
    phys_addr: int
    caller: int
    caller_symbol: Optional[str]
    caller_offset: int

class Annotation:
    address: int
    region: Region
    offset: int
    phys: Optional[int]
    pfn: Optional[int]
    special: Optional[str]
    errno: Optional[int]
    mapped: Optional[bool]
    in_dump: Optional[bool]
    symbol: Optional[str]
    symbol_offset: Optional[int]
    module: Optional[str]
    module_offset: Optional[int]
    module_symbol: Optional[str]
    module_symbol_offset: Optional[int]
    page_size: Optional[int]
    rw: Optional[bool]
    nx: Optional[bool]
    global_: Optional[bool]
    page: Optional[Page]
    struct_page_offset: Optional[int]
    object: Optional[Object]
    vmalloc: Optional[VmallocArea]
    task: Optional[dict[str, Any]]
    stack: Optional[dict[str, Any]]
    def tag(self) -> str: ...

class Member:
    name: str
    offset: int
    size: int
    kind: str
    type_name: Optional[str]
    type: Optional["Struct"]
    element_kind: Optional[str]
    element_size: Optional[int]
    count: Optional[int]

class Struct:
    name: Optional[str]
    kind: str
    size: int
    source: str
    members: List[Member]
    def __getitem__(self, name: str) -> Member: ...
    def __contains__(self, name: object) -> bool: ...
    def offsetof(self, path: str) -> int: ...
    def pointers(self) -> List[Tuple[str, int]]: ...

class Members(List[Tuple[str, int, Annotation]]):
    type: Optional[str]
    address: Optional[int]
    guess: bool
    reason: Optional[str]

class Kernel:
    release: str
    pgtable_levels: int
    kaslr: bool
    kernel_offset: int
    phys_base: int
    page_offset_base: int
    vmalloc_base: int
    vmemmap_base: int
    physmem_end: int
    kernel_image_size: int
    kasan: bool
    cpu_entry_area: bool
    sources: dict[str, str]
    exact: dict[str, bool]

class Map:
    kernel: Kernel
    regions: List[Region]
    notes: List[str]
    @property
    def vmcoreinfo(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> "Map": ...
    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException], tb: Optional[TracebackType]) -> None: ...
    def __iter__(self) -> Iterator[Region]: ...
    def __len__(self) -> int: ...
    def lookup(self, addr: Address) -> Annotation: ...
    def region_of(self, addr: Address) -> Region: ...
    def page(self, pfn: int) -> Page: ...
    def read(self, addr: Address, size: int) -> bytes: ...
    def struct(self, name: str) -> Struct: ...
    @overload
    def annotate_text(self, text: str, page_state: bool = ...) -> str: ...
    @overload
    def annotate_text(self, text: bytes, page_state: bool = ...) -> bytes: ...
    def to_json(self) -> str: ...

def open(path: str, vmlinux: Optional[str] = ...) -> Map: ...
def from_source(read_phys: Any, vmcoreinfo: Union[str, bytes], symbol: Any = ...,
                page_walk: Any = ..., vmlinux: Optional[str] = ...) -> Map: ...
def from_drgn(prog: Any, vmcoreinfo: Optional[str] = ..., vmlinux: Optional[str] = ...) -> Map: ...
def describe(m: Map, value: Any, type: Optional[str] = ...) -> Union[Annotation, Members]: ...
def parse_address(text: str) -> int: ...
