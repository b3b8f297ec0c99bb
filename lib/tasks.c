/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The task lists (include/linux/sched.h, kernel/fork.c): processes hang
 * off init_task.tasks; each process's threads off signal->thread_head,
 * linked by thread_node (3.14+). A task's kernel stack is
 * task->stack .. + THREAD_SIZE. Both walks are bounded: a list that
 * does not come back to its head within MAX_TASKS steps is cut there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tasks.h"

#define MAX_TASKS (1u << 22)

struct task_list {
	struct vmmap_task *v;
	size_t n, cap;
	uint64_t task_size, thread_size;
	bool truncated;
};

struct task_layout {
	uint64_t tasks, pid, tgid, comm, stack, signal, thread_node, thread_head;
};

static bool
add_task(struct kernel *kr, const struct task_layout *l, uint64_t task, struct task_list *tl)
{
	struct vmmap_task t = { .task_struct = task };
	int32_t pid, tgid;
	struct vmmap_error *err;
	if ((err = kernel_read(kr, task + l->pid, &pid, 4)) ||
	    (err = kernel_read(kr, task + l->tgid, &tgid, 4)) ||
	    (err = kernel_read(kr, task + l->comm, t.comm, sizeof(t.comm) - 1)) ||
	    !kernel_read_u64(kr, task + l->stack, &t.stack)) {
		vmmap_error_destroy(err);
		return true;	/* an unreadable task is left out */
	}
	for (size_t i = 0; i < sizeof(t.comm); i++)	/* printable, terminated */
		if (t.comm[i] && (t.comm[i] < 0x20 || t.comm[i] > 0x7e))
			t.comm[i] = '?';
	t.pid = pid;
	t.tgid = tgid;
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 256;
		struct vmmap_task *v = realloc(tl->v, cap * sizeof(*v));
		if (!v)
			return false;
		tl->v = v;
		tl->cap = cap;
	}
	tl->v[tl->n++] = t;
	return true;
}

/* Every thread of the process whose task_struct is at leader. */
static bool
add_threads(struct kernel *kr, const struct task_layout *l, uint64_t leader, struct task_list *tl)
{
	uint64_t signal, pos;
	if (!kernel_read_u64(kr, leader + l->signal, &signal) || !signal ||
	    !kernel_read_u64(kr, signal + l->thread_head, &pos))
		return add_task(kr, l, leader, tl);	/* the leader alone */
	uint64_t head = signal + l->thread_head;
	for (unsigned steps = 0; pos != head; steps++) {
		if (steps >= MAX_TASKS || tl->n >= MAX_TASKS) {
			tl->truncated = true;
			return true;
		}
		if (!add_task(kr, l, pos - l->thread_node, tl))
			return false;
		if (!kernel_read_u64(kr, pos, &pos))
			break;
	}
	return true;
}

struct task_list *
tasks_load(struct kernel *kr, const struct kernel_types *t, uint64_t thread_size, char *why,
	   size_t why_len)
{
	struct task_layout l;
	uint64_t init_task, task_size;
	if (!types_member(t, "task_struct", "tasks", &l.tasks, NULL) ||
	    !types_member(t, "task_struct", "pid", &l.pid, NULL) ||
	    !types_member(t, "task_struct", "tgid", &l.tgid, NULL) ||
	    !types_member(t, "task_struct", "comm", &l.comm, NULL) ||
	    !types_member(t, "task_struct", "stack", &l.stack, NULL) ||
	    !types_member(t, "task_struct", "signal", &l.signal, NULL) ||
	    !types_member(t, "task_struct", "thread_node", &l.thread_node, NULL) ||
	    !types_member(t, "signal_struct", "thread_head", &l.thread_head, NULL) ||
	    !types_struct_size(t, "task_struct", &task_size)) {
		snprintf(why, why_len, "the kernel's BTF has no task_struct layout");
		return NULL;
	}
	if (!kernel_symbol(kr, "init_task", &init_task)) {
		snprintf(why, why_len, "no init_task symbol");
		return NULL;
	}
	struct task_list *tl = calloc(1, sizeof(*tl));
	if (!tl) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	tl->task_size = task_size;
	tl->thread_size = thread_size;
	/* init_task (pid 0, the idle task of CPU 0) heads the process list */
	uint64_t pos, head = init_task + l.tasks;
	bool ok = add_task(kr, &l, init_task, tl) && kernel_read_u64(kr, head, &pos);
	for (unsigned steps = 0; ok && pos != head; steps++) {
		if (steps >= MAX_TASKS || tl->n >= MAX_TASKS) {
			tl->truncated = true;
			break;
		}
		if (!add_threads(kr, &l, pos - l.tasks, tl)) {
			tasks_destroy(tl);
			snprintf(why, why_len, "out of memory");
			return NULL;
		}
		ok = kernel_read_u64(kr, pos, &pos);
	}
	return tl;
}

void
tasks_destroy(struct task_list *tl)
{
	if (!tl)
		return;
	free(tl->v);
	free(tl);
}

size_t
tasks_count(const struct task_list *tl)
{
	return tl->n;
}

const struct vmmap_task *
tasks_get(const struct task_list *tl, size_t i)
{
	return i < tl->n ? &tl->v[i] : NULL;
}

bool
tasks_find(const struct task_list *tl, uint64_t addr, struct vmmap_task_ref *out)
{
	/* The nearest task_struct at or below addr: sizeof(task_struct) can
	 * exceed its slab object (before 5.16 the FPU state in the struct is
	 * padded to a page, the cache sizes it for this CPU's xstate), so
	 * the next object may start inside the previous one's sizeof. */
	const struct vmmap_task *best = NULL;
	for (size_t i = 0; i < tl->n; i++) {
		const struct vmmap_task *t = &tl->v[i];
		if (t->stack && addr >= t->stack && addr - t->stack < tl->thread_size) {
			*out = (struct vmmap_task_ref){ .task = t, .what = "stack",
							.offset = addr - t->stack };
			return true;
		}
		if (addr >= t->task_struct && addr - t->task_struct < tl->task_size &&
		    (!best || t->task_struct > best->task_struct))
			best = t;
	}
	if (best)
		*out = (struct vmmap_task_ref){ .task = best, .what = "task_struct",
						.offset = addr - best->task_struct };
	return best != NULL;
}
