/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Page walks by libaddrxlat over a reader of physical memory (see
 * pgwalk.h). A source with its own page_walk operation (the dump-file
 * source) is asked instead, by the kernel reader.
 */
#include "config.h"

#include <libkdumpfile/addrxlat.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../../error.h"
#include "layout.h"
#include "pgwalk.h"

struct pgwalk {
	struct x86_64_page_tables pt;
	addrxlat_ctx_t *ctx;
	addrxlat_meth_t meth;
	pthread_mutex_t lock;		/* one walk at a time per context */
};

/* libaddrxlat may hold (and cache) several pages at once: each gets a
 * buffer of its own, freed when it is put back. */
static void
put_page(const addrxlat_buffer_t *buf)
{
	free(buf->priv);
}

static addrxlat_status
get_page(const addrxlat_cb_t *cb, addrxlat_buffer_t *buf)
{
	struct pgwalk *pw = cb->priv;
	uint64_t addr = buf->addr.addr & ~(X86_64_PAGE_SIZE - 1);
	uint8_t *page = malloc(X86_64_PAGE_SIZE);
	if (!page)
		return addrxlat_ctx_err(pw->ctx, ADDRXLAT_ERR_NOMEM, "out of memory");
	struct vmmap_error *err = pw->pt.read(pw->pt.arg, addr, page, X86_64_PAGE_SIZE);
	if (err) {
		vmmap_error_destroy(err);
		free(page);
		return addrxlat_ctx_err(pw->ctx, ADDRXLAT_ERR_NODATA,
					"page table at 0x%llx not in the dump",
					(unsigned long long)addr);
	}
	buf->addr.addr = addr;
	buf->ptr = page;
	buf->priv = page;
	buf->size = X86_64_PAGE_SIZE;
	buf->byte_order = ADDRXLAT_LITTLE_ENDIAN;
	buf->put_page = put_page;
	return ADDRXLAT_OK;
}

static unsigned long
read_caps(const addrxlat_cb_t *cb)
{
	(void)cb;
	return ADDRXLAT_CAPS(ADDRXLAT_MACHPHYSADDR) | ADDRXLAT_CAPS(ADDRXLAT_KPHYSADDR);
}

void
pgwalk_destroy(struct pgwalk *pw)
{
	if (!pw)
		return;
	if (pw->ctx)
		addrxlat_ctx_decref(pw->ctx);
	pthread_mutex_destroy(&pw->lock);
	free(pw);
}

struct vmmap_error *
pgwalk_create(const struct x86_64_page_tables *pt, struct pgwalk **ret)
{
	struct pgwalk *pw = calloc(1, sizeof(*pw));
	if (!pw)
		return &vmmap_enomem;
	pw->pt = *pt;
	pthread_mutex_init(&pw->lock, NULL);
	pw->ctx = addrxlat_ctx_new();
	addrxlat_cb_t *cb = pw->ctx ? addrxlat_ctx_add_cb(pw->ctx) : NULL;
	if (!cb) {
		pgwalk_destroy(pw);
		return &vmmap_enomem;
	}
	cb->priv = pw;
	cb->get_page = get_page;
	cb->read_caps = read_caps;
	pw->meth.kind = ADDRXLAT_PGT;
	pw->meth.target_as = ADDRXLAT_MACHPHYSADDR;
	pw->meth.param.pgt.root.addr = pt->root;
	pw->meth.param.pgt.root.as = ADDRXLAT_MACHPHYSADDR;
	pw->meth.param.pgt.pte_mask = pt->sme_mask;
	pw->meth.param.pgt.pf.pte_format = ADDRXLAT_PTE_X86_64;
	pw->meth.param.pgt.pf.nfields = (unsigned short)(pt->levels + 1);
	pw->meth.param.pgt.pf.fieldsz[0] = 12;
	for (int i = 1; i <= pt->levels; i++)
		pw->meth.param.pgt.pf.fieldsz[i] = 9;
	*ret = pw;
	return NULL;
}

struct vmmap_error *
pgwalk_translate(struct pgwalk *pw, uint64_t vaddr, uint64_t *paddr)
{
	pthread_mutex_lock(&pw->lock);
	addrxlat_step_t step = { .ctx = pw->ctx, .sys = NULL, .meth = &pw->meth };
	step.base.addr = vaddr;
	step.base.as = ADDRXLAT_KVADDR;
	addrxlat_ctx_clear_err(pw->ctx);
	addrxlat_status st = addrxlat_walk(&step);
	struct vmmap_error *err = NULL;
	if (st == ADDRXLAT_OK)
		*paddr = step.base.addr;
	else
		err = vmmap_error_fault(vaddr, "page walk of 0x%llx: %s",
					(unsigned long long)vaddr, addrxlat_ctx_get_err(pw->ctx));
	pthread_mutex_unlock(&pw->lock);
	return err;
}
