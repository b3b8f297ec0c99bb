/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Tasks: every thread of the crashed kernel (init_task's process list,
 * each process's thread list), with its task_struct and kernel stack,
 * located with the dump's BTF, so that an address can be named as the
 * stack or the task_struct of a pid.
 */
#ifndef VMMAP_TASKS_H
#define VMMAP_TASKS_H

#include <stdint.h>
#include <vmmap/vmmap.h>

#include "kernel.h"
#include "types.h"

struct task_list;

/* Walks the lists once; NULL with the reason in why. thread_size: the
 * kernel stack's size (THREAD_SIZE). */
struct task_list *tasks_load(struct kernel *kr, const struct kernel_types *types,
			     uint64_t thread_size, char *why, size_t why_len);
void tasks_destroy(struct task_list *tl);
size_t tasks_count(const struct task_list *tl);
const struct vmmap_task *tasks_get(const struct task_list *tl, size_t i);
/* The task whose stack or task_struct holds addr (out->what says
 * which), or false. */
bool tasks_find(const struct task_list *tl, uint64_t addr, struct vmmap_task_ref *out);

#endif
