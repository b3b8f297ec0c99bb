/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * _vmmap: the CPython binding of libvmmap. It stays small: maps are
 * built from a dump file or from Python callables (the source
 * interface, which is how vmmap.from_drgn feeds a drgn program), and
 * facts come back as plain dicts and tuples. The package around it
 * (vmmap/__init__.py) gives them their classes, reprs and docs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vmmap/vmmap.h>

/* vmmap.Error and one subclass per enum vmmap_error_code. */
static PyObject *Error;
static PyObject *zero;
static PyObject *code_errors[VMMAP_ERROR_SYMBOLS + 1];

static const struct {
	enum vmmap_error_code code;
	const char *name;
	const char *doc;
} error_classes[] = {
	{ VMMAP_ERROR_NOMEM, "NoMemoryError", "Out of memory." },
	{ VMMAP_ERROR_OS, "OSError",
	  "Opening or reading a file failed (also a builtins.OSError: errno when known)." },
	{ VMMAP_ERROR_FORMAT, "FormatError", "Not a dump, or a corrupt or truncated one." },
	{ VMMAP_ERROR_UNSUPPORTED, "UnsupportedError", "A dump of another architecture." },
	{ VMMAP_ERROR_VMCOREINFO, "VmcoreinfoError", "VMCOREINFO missing, garbage or contradictory." },
	{ VMMAP_ERROR_FAULT, "FaultError", "Memory not present in the dump." },
	{ VMMAP_ERROR_NOT_FOUND, "NotFoundError", "A symbol or fact is not available." },
	{ VMMAP_ERROR_INVALID_ARGUMENT, "InvalidArgumentError", "A bad argument, e.g. not an address." },
	{ VMMAP_ERROR_SYMBOLS, "SymbolsError", "An unreadable or mismatched vmlinux/System.map." },
};

/* Raise the Python exception for err and release it. */
static PyObject *
raise_error(struct vmmap_error *err)
{
	enum vmmap_error_code code = vmmap_error_code(err);
	PyObject *cls = code >= 1 && code <= VMMAP_ERROR_SYMBOLS && code_errors[code]
				? code_errors[code] : Error;
	PyObject *exc = PyObject_CallFunction(cls, "s", vmmap_error_message(err));
	/* vmmap.OSError is a builtins.OSError: its errno, when libvmmap
	 * has one (set after construction, str() stays the message) */
	int errnum = vmmap_error_errno(err);
	vmmap_error_destroy(err);
	if (!exc)
		return NULL;
	if (errnum && PyObject_IsInstance(exc, PyExc_OSError) == 1) {
		PyObject *e = PyLong_FromLong(errnum);
		if (!e || PyObject_SetAttrString(exc, "errno", e) < 0) {
			Py_XDECREF(e);
			Py_DECREF(exc);
			return NULL;
		}
		Py_DECREF(e);
	}
	PyErr_SetObject(cls, exc);
	Py_DECREF(exc);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* A source whose operations are Python callables. */

struct pysource {
	PyObject *read_phys;	/* (addr, size) -> bytes */
	PyObject *vmcoreinfo;	/* str or bytes */
	PyObject *symbol;	/* name -> int, or None */
	PyObject *page_walk;	/* vaddr -> int, or None */
	/* The first exception a callable raised during the current call
	 * into libvmmap: it propagates unchanged (see finish_call). */
	PyObject *pending;
	bool interrupted;	/* pending is no Exception (KeyboardInterrupt...) */
};

/* The raised exception, taken out of the interpreter's error state. */
static PyObject *
take_exception(void)
{
#if PY_VERSION_HEX >= 0x030C0000
	return PyErr_GetRaisedException();
#else
	PyObject *type, *value, *tb;
	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (value && tb)
		PyException_SetTraceback(value, tb);
	Py_XDECREF(type);
	Py_XDECREF(tb);
	return value;
#endif
}

/* Raise exc again (the reference is stolen). */
static void
restore_exception(PyObject *exc)
{
#if PY_VERSION_HEX >= 0x030C0000
	PyErr_SetRaisedException(exc);
#else
	PyObject *type = (PyObject *)Py_TYPE(exc);
	Py_INCREF(type);
	PyErr_Restore(type, exc, PyException_GetTraceback(exc));
#endif
}

/* A callable raised: keep the first exception for the caller of the
 * libvmmap function, and tell libvmmap that the operation failed. */
static struct vmmap_error *
python_error(struct pysource *ps, enum vmmap_error_code code, const char *what)
{
	PyObject *exc = take_exception();
	PyObject *s = exc ? PyObject_Str(exc) : NULL;
	const char *msg = s ? PyUnicode_AsUTF8(s) : NULL;
	char buf[512];
	snprintf(buf, sizeof(buf), "%s: %s", what, msg ? msg : "failed");
	PyErr_Clear();
	Py_XDECREF(s);
	if (exc && !ps->pending) {
		ps->pending = exc;
		ps->interrupted = !PyObject_IsInstance(exc, PyExc_Exception);
	} else {
		Py_XDECREF(exc);
	}
	return vmmap_error_new(code, buf);
}

/* After a KeyboardInterrupt or SystemExit no callable runs again: the
 * libvmmap call ends as fast as it can. */
static struct vmmap_error *
interrupted(const char *what)
{
	return vmmap_error_new(VMMAP_ERROR_FAULT, what);
}

/* The end of a call into libvmmap that may have run the callables of
 * ps (NULL for a dump file). An exception they raised propagates
 * unchanged if the call failed, and always if it was no Exception (a
 * KeyboardInterrupt); one libvmmap recovered from is dropped. Else err,
 * if any, is raised as a vmmap.Error. Returns -1 with an exception set,
 * or 0. */
static int
finish_call(struct pysource *ps, struct vmmap_error *err)
{
	if (ps && ps->pending) {
		PyObject *exc = ps->pending;
		bool raise = err || ps->interrupted;
		ps->pending = NULL;
		ps->interrupted = false;
		if (raise) {
			vmmap_error_destroy(err);
			restore_exception(exc);
			return -1;
		}
		Py_DECREF(exc);
	}
	if (err) {
		raise_error(err);
		return -1;
	}
	return 0;
}

static struct vmmap_error *
py_read_phys(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct pysource *ps = arg;
	if (ps->interrupted)
		return interrupted("read_phys");
	PyObject *r = PyObject_CallFunction(ps->read_phys, "Kn", (unsigned long long)addr,
					    (Py_ssize_t)len);
	if (!r)
		return python_error(ps, VMMAP_ERROR_FAULT, "read_phys");
	Py_buffer view;
	if (PyObject_GetBuffer(r, &view, PyBUF_SIMPLE) < 0) {
		Py_DECREF(r);
		return python_error(ps, VMMAP_ERROR_FAULT, "read_phys did not return bytes");
	}
	struct vmmap_error *err = NULL;
	if ((size_t)view.len != len)
		err = vmmap_error_new(VMMAP_ERROR_FAULT, "read_phys returned the wrong length");
	else
		memcpy(buf, view.buf, len);
	PyBuffer_Release(&view);
	Py_DECREF(r);
	return err;
}

static struct vmmap_error *
py_vmcoreinfo(void *arg, char **text)
{
	struct pysource *ps = arg;
	const char *s;
	Py_ssize_t n;
	if (PyBytes_Check(ps->vmcoreinfo)) {
		s = PyBytes_AS_STRING(ps->vmcoreinfo);
		n = PyBytes_GET_SIZE(ps->vmcoreinfo);
	} else if (!(s = PyUnicode_AsUTF8AndSize(ps->vmcoreinfo, &n))) {
		return python_error(ps, VMMAP_ERROR_VMCOREINFO, "vmcoreinfo");
	}
	*text = strndup(s, (size_t)n);
	return *text ? NULL : vmmap_error_new(VMMAP_ERROR_NOMEM, "out of memory");
}

/* Call f(arg) expecting an int; None or an exception: NOT_FOUND/FAULT. */
static struct vmmap_error *
call_for_int(struct pysource *ps, PyObject *f, PyObject *arg, enum vmmap_error_code code,
	     const char *what, uint64_t *ret)
{
	if (ps->interrupted) {
		Py_DECREF(arg);
		return interrupted(what);
	}
	PyObject *r = PyObject_CallOneArg(f, arg);
	Py_DECREF(arg);
	if (!r)
		return python_error(ps, code, what);
	if (r == Py_None) {
		Py_DECREF(r);
		return vmmap_error_new(code, what);
	}
	unsigned long long v = PyLong_AsUnsignedLongLongMask(r);
	Py_DECREF(r);
	if (PyErr_Occurred())
		return python_error(ps, code, what);
	*ret = v;
	return NULL;
}

static struct vmmap_error *
py_symbol(void *arg, const char *name, uint64_t *addr)
{
	struct pysource *ps = arg;
	PyObject *n = PyUnicode_FromString(name);
	if (!n)
		return python_error(ps, VMMAP_ERROR_NOT_FOUND, name);
	return call_for_int(ps, ps->symbol, n, VMMAP_ERROR_NOT_FOUND, name, addr);
}

static struct vmmap_error *
py_page_walk(void *arg, uint64_t vaddr, uint64_t *paddr)
{
	struct pysource *ps = arg;
	PyObject *a = PyLong_FromUnsignedLongLong(vaddr);
	if (!a)
		return python_error(ps, VMMAP_ERROR_FAULT, "page_walk");
	return call_for_int(ps, ps->page_walk, a, VMMAP_ERROR_FAULT, "page_walk", paddr);
}

static void
py_destroy(void *arg)
{
	struct pysource *ps = arg;
	Py_XDECREF(ps->read_phys);
	Py_XDECREF(ps->vmcoreinfo);
	Py_XDECREF(ps->symbol);
	Py_XDECREF(ps->page_walk);
	Py_XDECREF(ps->pending);
	free(ps);
}

/* Variants with and without the optional operations. */
static const struct vmmap_source_ops py_ops[4] = {
	{ VMMAP_SOURCE_OPS_INIT, .name = "python", .read_phys = py_read_phys, .vmcoreinfo = py_vmcoreinfo,
	  .destroy = py_destroy },
	{ VMMAP_SOURCE_OPS_INIT, .name = "python", .read_phys = py_read_phys, .vmcoreinfo = py_vmcoreinfo,
	  .symbol = py_symbol, .destroy = py_destroy },
	{ VMMAP_SOURCE_OPS_INIT, .name = "python", .read_phys = py_read_phys, .page_walk = py_page_walk,
	  .vmcoreinfo = py_vmcoreinfo, .destroy = py_destroy },
	{ VMMAP_SOURCE_OPS_INIT, .name = "python", .read_phys = py_read_phys, .page_walk = py_page_walk,
	  .vmcoreinfo = py_vmcoreinfo, .symbol = py_symbol, .destroy = py_destroy },
};

/* ------------------------------------------------------------------ */
/* The Map type */

typedef struct {
	PyObject_HEAD
	struct vmmap_source *src;	/* NULL once closed */
	struct vmmap_map *map;		/* NULL once closed */
	struct pysource *ps;	/* the callables behind src, or NULL */
	/* Calls into libvmmap under way: a callable of ps may call
	 * close() from inside one, which must not free the map under it. */
	int busy;
} MapObject;

/* Release the map and its source (and the callables behind it). The
 * Python callables may be released here: hold the GIL (dealloc and
 * close() do). */
static void
release_map(MapObject *self)
{
	vmmap_map_destroy(self->map);
	vmmap_source_destroy(self->src);
	self->map = NULL;
	self->src = NULL;
	self->ps = NULL;
}

static void
Map_dealloc(MapObject *self)
{
	release_map(self);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* -1 with ValueError set if the map is closed. */
static int
check_open(MapObject *self)
{
	if (self->map)
		return 0;
	PyErr_SetString(PyExc_ValueError, "the map is closed");
	return -1;
}

static PyObject *
Map_close(MapObject *self, PyObject *noargs)
{
	(void)noargs;
	if (self->busy) {
		PyErr_SetString(PyExc_RuntimeError, "close() of a map during a call on it");
		return NULL;
	}
	release_map(self);
	Py_RETURN_NONE;
}

static PyObject *
Map_closed(MapObject *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(!self->map);
}

static PyObject *
Map_vmcoreinfo(MapObject *self, PyObject *noargs)
{
	(void)noargs;
	if (check_open(self) < 0)
		return NULL;
	size_t len;
	const char *text = vmmap_map_vmcoreinfo(self->map, &len);
	return PyUnicode_DecodeUTF8(text, (Py_ssize_t)len, "replace");
}

static PyObject *
fact_dict(const struct vmmap_fact *f)
{
	return Py_BuildValue("{s:K,s:s,s:O}", "value", (unsigned long long)f->value,
			     "source", vmmap_provenance_name(f->source),
			     "exact", f->exact ? Py_True : Py_False);
}

static PyObject *
Map_kernel(MapObject *self, PyObject *noargs)
{
	(void)noargs;
	if (check_open(self) < 0)
		return NULL;
	const struct vmmap_kernel *k = vmmap_map_kernel(self->map);
	const struct {
		const char *name;
		const struct vmmap_fact *f;
	} facts[] = {
		{ "pgtable_levels", &k->pgtable_levels }, { "kaslr", &k->kaslr },
		{ "kernel_offset", &k->kernel_offset }, { "phys_base", &k->phys_base },
		{ "page_offset_base", &k->page_offset_base },
		{ "vmalloc_base", &k->vmalloc_base }, { "vmemmap_base", &k->vmemmap_base },
		{ "physmem_end", &k->physmem_end },
		{ "kernel_image_size", &k->kernel_image_size }, { "kasan", &k->kasan },
		{ "cpu_entry_area", &k->cpu_entry_area },
	};
	PyObject *d = Py_BuildValue("{s:s}", "release", k->release);
	for (size_t i = 0; d && i < sizeof(facts) / sizeof(facts[0]); i++) {
		PyObject *v = fact_dict(facts[i].f);
		if (!v || PyDict_SetItemString(d, facts[i].name, v) < 0) {
			Py_XDECREF(v);
			Py_CLEAR(d);
			break;
		}
		Py_DECREF(v);
	}
	return d;
}

static PyObject *
region_tuple(const struct vmmap_region *r)
{
	return Py_BuildValue("(sKKssO)", r->name, (unsigned long long)r->start,
			     (unsigned long long)r->end, r->description,
			     vmmap_provenance_name(r->source), r->exact ? Py_True : Py_False);
}

static PyObject *
Map_regions(MapObject *self, PyObject *noargs)
{
	(void)noargs;
	if (check_open(self) < 0)
		return NULL;
	size_t n = vmmap_map_num_regions(self->map);
	PyObject *l = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; l && i < n; i++) {
		PyObject *t = region_tuple(vmmap_map_region(self->map, i));
		if (!t) {
			Py_CLEAR(l);
			break;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, t);
	}
	return l;
}

static PyObject *
Map_notes(MapObject *self, PyObject *noargs)
{
	(void)noargs;
	if (check_open(self) < 0)
		return NULL;
	size_t n = vmmap_map_num_notes(self->map);
	PyObject *l = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; l && i < n; i++) {
		PyObject *s = PyUnicode_FromString(vmmap_map_note(self->map, i));
		if (!s) {
			Py_CLEAR(l);
			break;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, s);
	}
	return l;
}

static int
parse_addr(PyObject *arg, const struct vmmap_map *map, uint64_t *addr)
{
	if (PyLong_Check(arg)) {
		if (PyObject_RichCompareBool(arg, zero, Py_LT) == 1) {
			PyErr_SetString(code_errors[VMMAP_ERROR_INVALID_ARGUMENT],
					"a negative number is not an address");
			return -1;
		}
		unsigned long long v = PyLong_AsUnsignedLongLong(arg);
		if (PyErr_Occurred()) {
			PyErr_Clear();
			PyErr_SetString(code_errors[VMMAP_ERROR_INVALID_ARGUMENT],
					"more than 64 bits is not an address");
			return -1;
		}
		*addr = v;
		return 0;
	}
	if (PyUnicode_Check(arg)) {
		/* with a map, symbols too: "start_kernel+0x10" */
		const char *text = PyUnicode_AsUTF8(arg);
		if (!text)
			return -1;
		struct vmmap_error *err = map ? vmmap_map_parse_expression(map, text, addr)
					      : vmmap_parse_address(text, addr);
		if (err) {
			raise_error(err);
			return -1;
		}
		return 0;
	}
	PyErr_SetString(PyExc_TypeError, "an address is an int, a hex string or a symbol[+offset]");
	return -1;
}

/* A struct vmmap_page as a dict for vmmap.Page. */
static PyObject *
page_dict(const struct vmmap_page *p)
{
	static const char *const status[] = { "unknown", "ok", "no-struct-page", "not-in-dump" };
	static const char *const compound[] = { NULL, "head", "tail" };
	static const char *const mapping[] = { NULL, "none", "anon", "ksm", "file", "other" };
	PyObject *flags = PyList_New(0);
	if (!flags)
		return NULL;
	for (unsigned i = 0; i < VMMAP_PG_NAMED; i++) {
		if (!(p->named_flags & (1u << i)))
			continue;
		PyObject *name = PyUnicode_FromString(vmmap_page_flag_name(i));
		if (!name || PyList_Append(flags, name) < 0) {
			Py_XDECREF(name);
			Py_DECREF(flags);
			return NULL;
		}
		Py_DECREF(name);
	}
	char text[400];
	vmmap_format_page(p, text, sizeof(text));
	unsigned st = (unsigned)p->status < 4 ? (unsigned)p->status : 0;
	return Py_BuildValue("{s:K,s:s,s:z,s:K,s:K,s:N,s:s,s:K,s:i,s:z,s:K,s:O,s:i,s:i,s:z,s:O,s:s,s:I}",
			     "pfn", (unsigned long long)p->pfn, "status", status[st], "note", p->note,
			     "struct_page", (unsigned long long)p->struct_page,
			     "flags_raw", (unsigned long long)p->flags, "flags", flags,
			     "type", vmmap_page_type_name(p->type),
			     "block_pfn", (unsigned long long)p->block_pfn, "order", p->order,
			     "compound", (unsigned)p->compound < 3 ? compound[p->compound] : NULL,
			     "head_pfn", (unsigned long long)p->head_pfn,
			     "have_counts", p->have_counts ? Py_True : Py_False,
			     "refcount", (int)p->refcount, "mapcount", (int)p->mapcount,
			     "mapping", (unsigned)p->mapping < 6 ? mapping[p->mapping] : NULL,
			     "type_by_version", p->from_era_table ? Py_True : Py_False,
			     "text", text, "type_word", (unsigned)p->type_word);
}

static PyObject *
page_of(MapObject *self, PyObject *arg)
{
	unsigned long long pfn = PyLong_AsUnsignedLongLong(arg);
	if (pfn == (unsigned long long)-1 && PyErr_Occurred())
		return NULL;
	struct vmmap_page p = { VMMAP_PAGE_INIT };
	struct vmmap_error *err = vmmap_map_page(self->map, pfn, &p);
	if (finish_call(self->ps, err) < 0)
		return NULL;
	return page_dict(&p);
}

/* Set d[key] = v, dropping the new reference; false on failure. */
static bool
set_item(PyObject *d, const char *key, PyObject *v)
{
	if (!v)
		return false;
	int r = PyDict_SetItemString(d, key, v);
	Py_DECREF(v);
	return r == 0;
}

/* object["slub_debug"]: slub_debug's checks of the object's slot. */
static bool
set_slab_check(PyObject *object, const struct vmmap_slab_check *ck)
{
	PyObject *c = Py_BuildValue("{s:s,s:s,s:z,s:K,s:i,s:i,s:K}", "red_zone", vmmap_check_name(ck->red_zone),
				    "poison", vmmap_check_name(ck->poison), "damage", ck->damage,
				    "damage_addr", (unsigned long long)ck->damage_addr, "found", (int)ck->found,
				    "expected", (int)ck->expected, "damaged_bytes",
				    (unsigned long long)ck->damaged_bytes);
	return c && set_item(object, "slub_debug", c);
}

static PyObject *
lookup_of(MapObject *self, PyObject *arg)
{
	uint64_t addr;
	if (parse_addr(arg, self->map, &addr) < 0)
		return NULL;
	struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
	struct vmmap_error *err = vmmap_map_annotate(self->map, addr, 0, &a);
	if (finish_call(self->ps, err) < 0)
		return NULL;
	PyObject *region = region_tuple(a.region);
	if (!region)
		return NULL;
	PyObject *d = Py_BuildValue("{s:K,s:N,s:K}", "address", (unsigned long long)a.address,
				    "region", region, "offset", (unsigned long long)a.offset);
	if (!d)
		return NULL;
	if (a.have_phys) {
		PyObject *p = Py_BuildValue("K", (unsigned long long)a.phys);
		PyObject *f = Py_BuildValue("K", (unsigned long long)a.pfn);
		PyDict_SetItemString(d, "phys", p);
		PyDict_SetItemString(d, "pfn", f);
		Py_XDECREF(p);
		Py_XDECREF(f);
	}
	if (a.symbol) {
		PyObject *s = Py_BuildValue("(sK)", a.symbol, (unsigned long long)a.symbol_offset);
		PyDict_SetItemString(d, "symbol", s);
		Py_XDECREF(s);
	}
	if (a.module) {
		PyObject *m = Py_BuildValue("(sK)", a.module, (unsigned long long)a.module_offset);
		PyDict_SetItemString(d, "module", m);
		Py_XDECREF(m);
	}
	if (a.module_symbol &&
	    !set_item(d, "module_symbol", Py_BuildValue("(sK)", a.module_symbol,
							(unsigned long long)a.module_symbol_offset))) {
		Py_DECREF(d);
		return NULL;
	}
	if (a.mapped >= 0)
		PyDict_SetItemString(d, "mapped", a.mapped ? Py_True : Py_False);
	if (a.in_dump >= 0)
		PyDict_SetItemString(d, "in_dump", a.in_dump ? Py_True : Py_False);
	if (a.page_size &&
	    !set_item(d, "mapping", Py_BuildValue("{s:K,s:O,s:O,s:O}", "page_size",
						  (unsigned long long)a.page_size,
						  "rw", a.access & VMMAP_ACCESS_RW ? Py_True : Py_False,
						  "nx", a.access & VMMAP_ACCESS_NX ? Py_True : Py_False,
						  "global", a.access & VMMAP_ACCESS_GLOBAL ? Py_True : Py_False))) {
		Py_DECREF(d);
		return NULL;
	}
	if (a.have_page) {
		if (!set_item(d, "page", page_dict(&a.page)) ||
		    (a.in_struct_page &&
		     !set_item(d, "struct_page_offset", PyLong_FromUnsignedLongLong(a.struct_page_offset)))) {
			Py_DECREF(d);
			return NULL;
		}
	}
	if (a.have_object) {
		const struct vmmap_object *o = &a.object;
		bool placed = o->cache && o->state != VMMAP_OBJECT_PADDING;
		if (!set_item(d, "object", Py_BuildValue("{s:s,s:z,s:K,s:K,s:K,s:K,s:s,s:z,s:O}",
							 "kind", "slab", "cache", o->cache,
							 "cache_addr", (unsigned long long)o->cache_addr,
							 "start", (unsigned long long)o->start,
							 "offset", (unsigned long long)o->offset,
							 "size", (unsigned long long)o->object_size,
							 "state", vmmap_object_state_name(o->state),
							 "note", o->note, "placed", placed ? Py_True : Py_False))) {
			Py_DECREF(d);
			return NULL;
		}
		if ((a.have_slab_check && !set_slab_check(PyDict_GetItemString(d, "object"), &a.slab_check)) ||
		    (a.kfence && !set_item(PyDict_GetItemString(d, "object"), "kfence", PyBool_FromLong(1)))) {
			Py_DECREF(d);
			return NULL;
		}
	}
	if (a.have_vmalloc) {
		const struct vmmap_vmalloc_area *v = &a.vmalloc;
		if (!set_item(d, "vmalloc", Py_BuildValue("{s:K,s:K,s:O,s:K,s:z,s:K,s:K,s:K,s:z,s:K}",
							  "start", (unsigned long long)v->start,
							  "end", (unsigned long long)v->end,
							  "have_vm", v->have_vm ? Py_True : Py_False,
							  "flags", (unsigned long long)v->flags,
							  "kind", v->kind,
							  "nr_pages", (unsigned long long)v->nr_pages,
							  "phys_addr", (unsigned long long)v->phys_addr,
							  "caller", (unsigned long long)v->caller,
							  "caller_symbol", v->caller_symbol,
							  "caller_offset", (unsigned long long)v->caller_offset))) {
			Py_DECREF(d);
			return NULL;
		}
	}
	if (a.have_task &&
	    !set_item(d, "task", Py_BuildValue("{s:s,s:K,s:i,s:i,s:s,s:K,s:K}", "what", a.task.what,
					       "offset", (unsigned long long)a.task.offset,
					       "pid", (int)a.task.task->pid, "tgid", (int)a.task.task->tgid,
					       "comm", a.task.task->comm,
					       "task_struct", (unsigned long long)a.task.task->task_struct,
					       "stack", (unsigned long long)a.task.task->stack))) {
		Py_DECREF(d);
		return NULL;
	}
	if (a.have_cpu_stack &&
	    !set_item(d, "stack", Py_BuildValue("{s:s,s:I,s:z,s:O,s:K,s:K,s:K}",
						"kind", vmmap_cpu_stack_kind_name(a.cpu_stack.kind),
						"cpu", a.cpu_stack.cpu, "name", a.cpu_stack.name,
						"guard", a.cpu_stack.guard ? Py_True : Py_False,
						"start", (unsigned long long)a.cpu_stack.start,
						"end", (unsigned long long)a.cpu_stack.end,
						"offset", (unsigned long long)a.cpu_stack_offset))) {
		Py_DECREF(d);
		return NULL;
	}
	if (a.special) {
		PyObject *sp = PyUnicode_FromString(a.special);
		PyDict_SetItemString(d, "special", sp);
		Py_XDECREF(sp);
		if (a.err_ptr) {
			PyObject *e = PyLong_FromLong(a.err_ptr);
			PyDict_SetItemString(d, "errno", e);
			Py_XDECREF(e);
		}
	}
	return d;
}

/* str in, str out; bytes in, bytes out (a log in any encoding). */
static PyObject *
annotate_text_of(MapObject *self, PyObject *args)
{
	PyObject *arg;
	int page_state = 0;
	if (!PyArg_ParseTuple(args, "O|p", &arg, &page_state))
		return NULL;
	Py_ssize_t n;
	const char *text;
	bool bytes = PyBytes_Check(arg);
	if (bytes) {
		text = PyBytes_AS_STRING(arg);
		n = PyBytes_GET_SIZE(arg);
	} else if (!(text = PyUnicode_AsUTF8AndSize(arg, &n))) {
		return NULL;
	}
	char *out = NULL;
	size_t cap = 0, outlen = 0;
	struct vmmap_error *err = vmmap_annotate_text_flags(
		self->map, text, (size_t)n, page_state ? VMMAP_ANNOTATE_TEXT_PAGE_STATE : 0, &out, &cap,
		&outlen);
	if (finish_call(self->ps, err) < 0) {
		free(out);
		return NULL;
	}
	PyObject *r = bytes ? PyBytes_FromStringAndSize(out ? out : "", (Py_ssize_t)outlen)
			    : PyUnicode_DecodeUTF8(out ? out : "", (Py_ssize_t)outlen, "replace");
	free(out);
	return r;
}

static PyObject *
map_json_of(MapObject *self, PyObject *noargs)
{
	(void)noargs;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	if (!f)
		return PyErr_NoMemory();
	vmmap_print_map_json(self->map, f);
	fclose(f);
	PyObject *r = PyUnicode_FromStringAndSize(out, (Py_ssize_t)outlen);
	free(out);
	return r;
}

/* read(addr, size) -> bytes: kernel virtual memory, by page walks. */
static PyObject *
read_of(MapObject *self, PyObject *args)
{
	PyObject *where;
	Py_ssize_t size;
	if (!PyArg_ParseTuple(args, "On", &where, &size))
		return NULL;
	uint64_t addr;
	if (parse_addr(where, self->map, &addr) < 0)
		return NULL;
	if (size < 0) {
		PyErr_SetString(code_errors[VMMAP_ERROR_INVALID_ARGUMENT], "a negative size");
		return NULL;
	}
	PyObject *r = PyBytes_FromStringAndSize(NULL, size);
	if (!r)
		return NULL;
	struct vmmap_error *err = vmmap_map_read(self->map, addr, PyBytes_AS_STRING(r), (size_t)size);
	if (finish_call(self->ps, err) < 0) {
		Py_DECREF(r);
		return NULL;
	}
	return r;
}

/* The index of layout s in list (added, with the layouts it embeds,
 * if new); seen maps each layout's address to its index. -1 on error. */
static Py_ssize_t
layout_index(const struct vmmap_struct *s, PyObject *list, PyObject *seen)
{
	PyObject *key = PyLong_FromVoidPtr((void *)s);
	if (!key)
		return -1;
	PyObject *known = PyDict_GetItemWithError(seen, key);
	if (known || PyErr_Occurred()) {
		Py_DECREF(key);
		return known ? PyLong_AsSsize_t(known) : -1;
	}
	Py_ssize_t index = PyList_GET_SIZE(list);
	PyObject *members = PyList_New((Py_ssize_t)s->num_members);
	PyObject *ix = PyLong_FromSsize_t(index);
	PyObject *t = members ? Py_BuildValue("(zsKsO)", s->name, vmmap_type_kind_name(s->kind),
					      (unsigned long long)s->size, s->source, members) : NULL;
	/* placed before its members' types: a loop ends at it */
	if (!t || !ix || PyDict_SetItem(seen, key, ix) < 0 || PyList_Append(list, t) < 0)
		goto fail;
	for (size_t i = 0; i < s->num_members; i++) {
		const struct vmmap_member *m = vmmap_struct_member(s, i);
		PyObject *type = Py_None;
		Py_INCREF(type);
		if (m->type) {
			Py_ssize_t inner = layout_index(m->type, list, seen);
			Py_DECREF(type);
			if (inner < 0 || !(type = PyLong_FromSsize_t(inner)))
				goto fail;
		}
		PyObject *mt = Py_BuildValue("(sKKszNsKK)", m->name, (unsigned long long)m->offset,
					     (unsigned long long)m->size, vmmap_type_kind_name(m->kind),
					     m->type_name, type, vmmap_type_kind_name(m->element_kind),
					     (unsigned long long)m->element_size,
					     (unsigned long long)m->count);
		if (!mt)
			goto fail;
		PyList_SET_ITEM(members, (Py_ssize_t)i, mt);
	}
	Py_DECREF(key);
	Py_DECREF(ix);
	Py_DECREF(members);
	Py_DECREF(t);
	return index;
fail:
	Py_DECREF(key);
	Py_XDECREF(ix);
	Py_XDECREF(members);
	Py_XDECREF(t);
	return -1;
}

/* struct(name) -> [layout, ...], the first the one asked for: each
 * (name, kind, size, source, [(name, offset, size, kind, type_name,
 * index of its layout or None, element_kind, element_size, count)]). */
static PyObject *
struct_of(MapObject *self, PyObject *arg)
{
	Py_ssize_t len;
	const char *name = PyUnicode_Check(arg) ? PyUnicode_AsUTF8AndSize(arg, &len) : NULL;
	if (!name) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError, "a struct name is a str");
		return NULL;
	}
	if (strlen(name) != (size_t)len) {
		PyErr_SetString(code_errors[VMMAP_ERROR_INVALID_ARGUMENT], "a struct name with a NUL in it");
		return NULL;
	}
	const struct vmmap_struct *s;
	struct vmmap_error *err = vmmap_map_struct(self->map, name, &s);
	if (finish_call(self->ps, err) < 0)
		return NULL;
	PyObject *list = PyList_New(0), *seen = PyDict_New();
	if (!list || !seen || layout_index(s, list, seen) < 0)
		Py_CLEAR(list);
	Py_XDECREF(seen);
	return list;
}

/* f(self, arg) on an open map, counted as a call under way. */
static PyObject *
call_open(MapObject *self, PyObject *arg, PyObject *(*f)(MapObject *, PyObject *))
{
	if (check_open(self) < 0)
		return NULL;
	self->busy++;
	PyObject *r = f(self, arg);
	self->busy--;
	return r;
}

static PyObject *
Map_page(MapObject *self, PyObject *arg)
{
	return call_open(self, arg, page_of);
}

static PyObject *
Map_lookup(MapObject *self, PyObject *arg)
{
	return call_open(self, arg, lookup_of);
}

static PyObject *
Map_read(MapObject *self, PyObject *args)
{
	return call_open(self, args, read_of);
}

static PyObject *
Map_struct(MapObject *self, PyObject *arg)
{
	return call_open(self, arg, struct_of);
}

static PyObject *
Map_annotate_text(MapObject *self, PyObject *args)
{
	return call_open(self, args, annotate_text_of);
}

static PyObject *
Map_map_json(MapObject *self, PyObject *noargs)
{
	return call_open(self, noargs, map_json_of);
}

static PyMethodDef Map_methods[] = {
	{ "kernel", (PyCFunction)(void (*)(void))Map_kernel, METH_NOARGS, "Kernel facts as a dict." },
	{ "regions", (PyCFunction)(void (*)(void))Map_regions, METH_NOARGS,
	  "Regions as (name, start, end, description, source, exact) tuples." },
	{ "notes", (PyCFunction)(void (*)(void))Map_notes, METH_NOARGS, "Warnings gathered while building." },
	{ "lookup", (PyCFunction)(void (*)(void))Map_lookup, METH_O,
	  "Annotate one address: an int, a hex str, or a symbol[+offset] str." },
	{ "page", (PyCFunction)(void (*)(void))Map_page, METH_O,
	  "The state of a page frame (int pfn) as a dict." },
	{ "read", (PyCFunction)(void (*)(void))Map_read, METH_VARARGS,
	  "read(addr, size) -> bytes of kernel virtual memory (page walks)." },
	{ "struct", (PyCFunction)(void (*)(void))Map_struct, METH_O,
	  "The layout of a struct (or union) by name, with those it embeds, as tuples." },
	{ "annotate_text", (PyCFunction)(void (*)(void))Map_annotate_text, METH_VARARGS,
	  "Tag the kernel pointers in a text (str or bytes; the same type back); "
	  "annotate_text(text, True) also tags pointers into free pages." },
	{ "map_json", (PyCFunction)(void (*)(void))Map_map_json, METH_NOARGS, "The map as the CLI's JSON." },
	{ "vmcoreinfo", (PyCFunction)(void (*)(void))Map_vmcoreinfo, METH_NOARGS,
	  "The dump's raw VMCOREINFO text (str)." },
	{ "close", (PyCFunction)(void (*)(void))Map_close, METH_NOARGS,
	  "Release the map and its source; later calls raise ValueError." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef Map_getset[] = {
	{ "closed", (getter)Map_closed, NULL, "True after close().", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject MapType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "vmmap._vmmap.Map",
	.tp_basicsize = sizeof(MapObject),
	.tp_dealloc = (destructor)Map_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A built map (low level; see vmmap.Map).",
	.tp_methods = Map_methods,
	.tp_getset = Map_getset,
};

static PyObject *
new_map(struct vmmap_source *src, struct pysource *ps, const char *vmlinux)
{
	struct vmmap_map *map = NULL;
	struct vmmap_error *err = vmmap_map_build(src, vmlinux, &map);
	if (finish_call(ps, err) < 0) {
		vmmap_map_destroy(map);
		vmmap_source_destroy(src);
		return NULL;
	}
	MapObject *m = PyObject_New(MapObject, &MapType);
	if (!m) {
		vmmap_map_destroy(map);
		vmmap_source_destroy(src);
		return NULL;
	}
	m->src = src;
	m->map = map;
	m->ps = ps;
	m->busy = 0;
	return (PyObject *)m;
}

static PyObject *
vmmap_open(PyObject *mod, PyObject *args, PyObject *kw)
{
	(void)mod;
	static char *kwlist[] = { "path", "vmlinux", NULL };
	PyObject *path, *vmlinux = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|O", kwlist, PyUnicode_FSConverter,
					 &path, &vmlinux))
		return NULL;
	PyObject *vpath = NULL;
	if (vmlinux != Py_None && !PyUnicode_FSConverter(vmlinux, &vpath)) {
		Py_DECREF(path);
		return NULL;
	}
	struct vmmap_source *src;
	struct vmmap_error *err = vmmap_source_open_dump(PyBytes_AS_STRING(path), &src);
	PyObject *r = err ? raise_error(err)
			  : new_map(src, NULL, vpath ? PyBytes_AS_STRING(vpath) : NULL);
	Py_DECREF(path);
	Py_XDECREF(vpath);
	return r;
}

static PyObject *
vmmap_from_source(PyObject *mod, PyObject *args, PyObject *kw)
{
	(void)mod;
	static char *kwlist[] = { "read_phys", "vmcoreinfo", "symbol", "page_walk",
				  "vmlinux", NULL };
	PyObject *read_phys, *vmcoreinfo, *symbol = Py_None, *page_walk = Py_None,
		 *vmlinux = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|OOO", kwlist, &read_phys, &vmcoreinfo,
					 &symbol, &page_walk, &vmlinux))
		return NULL;
	if (!PyCallable_Check(read_phys) ||
	    (symbol != Py_None && !PyCallable_Check(symbol)) ||
	    (page_walk != Py_None && !PyCallable_Check(page_walk))) {
		PyErr_SetString(PyExc_TypeError, "read_phys, symbol and page_walk must be callables");
		return NULL;
	}
	if (!PyUnicode_Check(vmcoreinfo) && !PyBytes_Check(vmcoreinfo)) {
		PyErr_SetString(PyExc_TypeError, "vmcoreinfo must be str or bytes");
		return NULL;
	}
	PyObject *vpath = NULL;
	if (vmlinux != Py_None && !PyUnicode_FSConverter(vmlinux, &vpath))
		return NULL;
	struct pysource *ps = calloc(1, sizeof(*ps));
	if (!ps) {
		Py_XDECREF(vpath);
		return PyErr_NoMemory();
	}
	Py_INCREF(read_phys);
	Py_INCREF(vmcoreinfo);
	ps->read_phys = read_phys;
	ps->vmcoreinfo = vmcoreinfo;
	int variant = 0;
	if (symbol != Py_None) {
		Py_INCREF(symbol);
		ps->symbol = symbol;
		variant |= 1;
	}
	if (page_walk != Py_None) {
		Py_INCREF(page_walk);
		ps->page_walk = page_walk;
		variant |= 2;
	}
	struct vmmap_source *src;
	struct vmmap_error *err = vmmap_source_create(&py_ops[variant], ps, &src);
	if (err) {
		py_destroy(ps);
		Py_XDECREF(vpath);
		return raise_error(err);
	}
	PyObject *r = new_map(src, ps, vpath ? PyBytes_AS_STRING(vpath) : NULL);
	Py_XDECREF(vpath);
	return r;
}

static PyObject *
vmmap_parse_address_py(PyObject *mod, PyObject *arg)
{
	(void)mod;
	uint64_t a;
	if (parse_addr(arg, NULL, &a) < 0)
		return NULL;
	return PyLong_FromUnsignedLongLong(a);
}

static PyMethodDef module_methods[] = {
	{ "open", (PyCFunction)(void (*)(void))vmmap_open, METH_VARARGS | METH_KEYWORDS,
	  "open(path, vmlinux=None): the map of a dump file." },
	{ "from_source", (PyCFunction)(void (*)(void))vmmap_from_source,
	  METH_VARARGS | METH_KEYWORDS,
	  "from_source(read_phys, vmcoreinfo, symbol=None, page_walk=None, vmlinux=None)" },
	{ "parse_address", (PyCFunction)(void (*)(void))vmmap_parse_address_py, METH_O, "An int from a hex string." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "_vmmap", "libvmmap's CPython binding.", -1, module_methods,
	NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__vmmap(void)
{
	if (PyType_Ready(&MapType) < 0)
		return NULL;
	PyObject *m = PyModule_Create(&module);
	if (!m || !(zero = PyLong_FromLong(0)))
		return NULL;
	Error = PyErr_NewExceptionWithDoc("vmmap.Error", "Any error of libvmmap.",
					  NULL, NULL);
	if (!Error || PyModule_AddObjectRef(m, "Error", Error) < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(error_classes) / sizeof(error_classes[0]); i++) {
		char name[64];
		snprintf(name, sizeof(name), "vmmap.%s", error_classes[i].name);
		/* vmmap.OSError is also a builtins.OSError, so that
		 * "except OSError" catches a missing dump file */
		PyObject *bases = error_classes[i].code == VMMAP_ERROR_OS
					  ? PyTuple_Pack(2, Error, PyExc_OSError) : NULL;
		if (error_classes[i].code == VMMAP_ERROR_OS && !bases)
			return NULL;
		PyObject *cls = PyErr_NewExceptionWithDoc(name, error_classes[i].doc,
							  bases ? bases : Error, NULL);
		Py_XDECREF(bases);
		if (!cls || PyModule_AddObjectRef(m, error_classes[i].name, cls) < 0)
			return NULL;
		code_errors[error_classes[i].code] = cls;
	}
	Py_INCREF(&MapType);
	PyModule_AddObject(m, "Map", (PyObject *)&MapType);
	return m;
}
