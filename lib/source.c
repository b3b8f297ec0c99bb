/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include "source.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "error.h"

struct vmmap_error *
vmmap_source_create(const struct vmmap_source_ops *ops, void *arg,
		    struct vmmap_source **ret)
{
	size_t need = offsetof(struct vmmap_source_ops, read_phys) + sizeof(ops->read_phys);
	if (!ops || !abi_size_ok(ops, ops->size, need, sizeof(*ops)))
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT,
					  "struct vmmap_source_ops of an unknown size, or with operations this libvmmap does not know (use VMMAP_SOURCE_OPS_INIT)");
	if (!ops->read_phys)
		return vmmap_error_create(VMMAP_ERROR_INVALID_ARGUMENT,
					  "a source needs a read_phys operation");
	struct vmmap_source *src = calloc(1, sizeof(*src));
	if (!src)
		return &vmmap_enomem;
	memcpy(&src->ops, ops, ops->size < sizeof(*ops) ? ops->size : sizeof(*ops));
	src->ops.size = sizeof(src->ops);
	src->arg = arg;
	pthread_mutex_init(&src->lock, NULL);
	*ret = src;
	return NULL;
}

void
vmmap_source_destroy(struct vmmap_source *src)
{
	if (!src)
		return;
	if (src->ops.destroy)
		src->ops.destroy(src->arg);
	pthread_mutex_destroy(&src->lock);
	notes_fini(&src->notes);
	free(src);
}

static struct vmmap_error *
missing_op(struct vmmap_source *src, const char *what)
{
	return vmmap_error_format(VMMAP_ERROR_NOT_FOUND,
				  "source %s cannot %s", src->ops.name ? src->ops.name : "(unnamed)", what);
}

struct vmmap_error *
source_read_phys(struct vmmap_source *src, uint64_t addr, void *buf,
		 size_t len)
{
	pthread_mutex_lock(&src->lock);
	struct vmmap_error *err = src->ops.read_phys(src->arg, addr, buf, len);
	pthread_mutex_unlock(&src->lock);
	return err;
}

bool
source_holds(struct vmmap_source *src, uint64_t addr)
{
	int held = -1;
	if (src->holds_page) {
		pthread_mutex_lock(&src->lock);
		held = src->holds_page(src->arg, addr);
		pthread_mutex_unlock(&src->lock);
	}
	if (held >= 0)
		return held;
	uint8_t byte;
	struct vmmap_error *err = source_read_phys(src, addr, &byte, 1);
	vmmap_error_destroy(err);
	return !err;
}

struct vmmap_error *
source_read_u64_phys(struct vmmap_source *src, uint64_t addr, uint64_t *ret)
{
	/* x86_64 is little-endian, as is every host we build on; the
	 * dump source already returns memory in dump byte order. */
	return source_read_phys(src, addr, ret, sizeof(*ret));
}

struct vmmap_error *
source_page_walk(struct vmmap_source *src, uint64_t vaddr, uint64_t *paddr)
{
	if (!src->ops.page_walk)
		return missing_op(src, "walk page tables");
	pthread_mutex_lock(&src->lock);
	struct vmmap_error *err = src->ops.page_walk(src->arg, vaddr, paddr);
	pthread_mutex_unlock(&src->lock);
	return err;
}

struct vmmap_error *
source_vmcoreinfo(struct vmmap_source *src, char **text)
{
	if (!src->ops.vmcoreinfo)
		return missing_op(src, "provide VMCOREINFO");
	pthread_mutex_lock(&src->lock);
	struct vmmap_error *err = src->ops.vmcoreinfo(src->arg, text);
	pthread_mutex_unlock(&src->lock);
	return err;
}

struct vmmap_error *
source_symbol(struct vmmap_source *src, const char *name, uint64_t *addr)
{
	if (!src->ops.symbol)
		return missing_op(src, "look up symbols");
	pthread_mutex_lock(&src->lock);
	struct vmmap_error *err = src->ops.symbol(src->arg, name, addr);
	pthread_mutex_unlock(&src->lock);
	return err;
}

struct vmmap_error *
source_load_segments(struct vmmap_source *src, uint64_t (**segs)[3], size_t *n)
{
	if (!src->ops.load_segments)
		return missing_op(src, "list ELF load segments");
	pthread_mutex_lock(&src->lock);
	struct vmmap_error *err = src->ops.load_segments(src->arg, segs, n);
	pthread_mutex_unlock(&src->lock);
	return err;
}

struct vmmap_error *
source_present_range(struct vmmap_source *src, uint64_t addr, uint64_t *start,
		     uint64_t *end)
{
	if (!src->ops.present_range)
		return missing_op(src, "list the pages present in the dump");
	pthread_mutex_lock(&src->lock);
	struct vmmap_error *err = src->ops.present_range(src->arg, addr, start, end);
	pthread_mutex_unlock(&src->lock);
	return err;
}

struct vmmap_error *
source_clone(struct vmmap_source *src, struct vmmap_source **ret)
{
	if (!src->ops.clone)
		return missing_op(src, "open a second handle");
	void *arg;
	pthread_mutex_lock(&src->lock);
	struct vmmap_error *err = src->ops.clone(src->arg, &arg);
	pthread_mutex_unlock(&src->lock);
	if (err)
		return err;
	err = vmmap_source_create(&src->ops, arg, ret);
	if (err && src->ops.destroy)
		src->ops.destroy(arg);
	return err;
}
