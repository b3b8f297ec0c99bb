/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Batch mode: see batch.h. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vmmap/vmmap.h>

#include "batch.h"

/* Bytes read from a child's pipe. */
struct buffer {
	char *data;
	size_t len, cap;
};

struct result {
	struct buffer out, err;
	int status;		/* from waitpid() */
	bool done;
};

/* A running child. */
struct slot {
	pid_t pid;
	size_t index;		/* which dump */
	int fd[2];		/* stdout, stderr pipes; -1 once at EOF */
};

struct batch {
	char *const *dumps;
	size_t n;
	const struct batch_options *o;
	batch_fn *fn;
	void *arg;
	struct result *results;
	struct slot *slots;
	size_t running, started, done, printed, failed;
};

static bool
buffer_append(struct buffer *b, const char *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return false;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return true;
}

void
batch_print_error_line(FILE *f, const char *dump, const char *code,
		       const char *message)
{
	fputc('{', f);
	vmmap_print_json_field("dump", dump, strlen(dump), f);
	fputs(",\"ok\":false,\"error\":", f);
	vmmap_print_json_string(message, f);
	fputs(",\"error_code\":", f);
	vmmap_print_json_string(code, f);
	fputs("}\n", f);
}

/* The child: stdout and stderr into the pipes, then the work. */
static void
run_child(struct batch *b, size_t i, int out[2], int err[2])
{
	close(out[0]);
	close(err[0]);
	if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0)
		_exit(127);
	close(out[1]);
	close(err[1]);
	signal(SIGPIPE, SIG_DFL);
	if (b->o->timeout)
		alarm(b->o->timeout);
	int rc = b->fn(b->dumps[i], b->arg);
	fflush(stdout);
	fflush(stderr);
	_exit(rc);
}

static bool
start_child(struct batch *b, struct slot *s)
{
	int out[2], err[2];
	if (pipe(out) < 0)
		return false;
	if (pipe(err) < 0) {
		close(out[0]);
		close(out[1]);
		return false;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(out[0]); close(out[1]); close(err[0]); close(err[1]);
		return false;
	}
	if (pid == 0)
		run_child(b, b->started, out, err);
	close(out[1]);
	close(err[1]);
	s->pid = pid;
	s->index = b->started++;
	s->fd[0] = out[0];
	s->fd[1] = err[0];
	b->running++;
	return true;
}

/* Why a child's result cannot be trusted, or NULL if it can. */
static const char *
abnormal_end(const struct batch *b, const struct result *r, char *buf, size_t len)
{
	int st = r->status;
	if (WIFSIGNALED(st)) {
		if (WTERMSIG(st) == SIGALRM)
			snprintf(buf, len, "timed out after %u s", b->o->timeout);
		else
			snprintf(buf, len, "vmmap crashed on this dump (signal %d, %s)",
				 WTERMSIG(st), strsignal(WTERMSIG(st)));
		return buf;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1) {
		snprintf(buf, len, "vmmap failed on this dump (exit status %d)",
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return buf;
	}
	/* In JSONL mode a child owes exactly one complete line. */
	if (b->o->jsonl && (r->out.len == 0 || r->out.data[r->out.len - 1] != '\n' ||
			    memchr(r->out.data, '\n', r->out.len) != r->out.data + r->out.len - 1)) {
		snprintf(buf, len, "vmmap wrote no complete result line for this dump");
		return buf;
	}
	return NULL;
}

static void
clear_progress(const struct batch *b)
{
	if (b->o->progress)
		fputs("\r\033[K", stderr);
}

static void
show_progress(const struct batch *b)
{
	if (!b->o->progress)
		return;
	const char *last = b->done == b->n ? "" : b->started ? b->dumps[b->started - 1] : "";
	const char *base = strrchr(last, '/');
	fprintf(stderr, "\r\033[K[%zu/%zu] %zu running, %zu failed  %.50s", b->done, b->n,
		b->running, b->failed, base ? base + 1 : last);
}

static void
print_result(struct batch *b, size_t i)
{
	struct result *r = &b->results[i];
	const char *dump = b->dumps[i];
	char why[160];
	const char *abnormal = abnormal_end(b, r, why, sizeof(why));
	clear_progress(b);
	if (r->err.len)
		fwrite(r->err.data, 1, r->err.len, stderr);
	if (abnormal) {
		bool timed_out = WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGALRM;
		if (b->o->jsonl)
			batch_print_error_line(stdout, dump, timed_out ? "timeout" : "crashed",
					       abnormal);
		fprintf(stderr, "vmmap: %s: %s\n", dump, abnormal);
	} else {
		if (b->o->headers)
			printf("%s==> %s <==\n", i ? "\n" : "", dump);
		fwrite(r->out.data ? r->out.data : "", 1, r->out.len, stdout);
	}
	fflush(stdout);
	free(r->out.data);
	free(r->err.data);
	r->out = r->err = (struct buffer){ 0 };
}

/* Read what a child wrote on one pipe; at EOF close it, and once both
 * pipes are closed reap the child. */
static void
drain(struct batch *b, struct slot *s, int which)
{
	struct result *r = &b->results[s->index];
	char buf[65536];
	ssize_t got = read(s->fd[which], buf, sizeof(buf));
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got > 0) {
		if (!buffer_append(which ? &r->err : &r->out, buf, (size_t)got))
			kill(s->pid, SIGKILL);	/* reported as a crash */
		return;
	}
	close(s->fd[which]);
	s->fd[which] = -1;
	if (s->fd[0] >= 0 || s->fd[1] >= 0)
		return;
	while (waitpid(s->pid, &r->status, 0) < 0 && errno == EINTR)
		;
	r->done = true;
	b->done++;
	char why[160];
	if (abnormal_end(b, r, why, sizeof(why)) || WEXITSTATUS(r->status) != 0)
		b->failed++;
	s->pid = 0;
	b->running--;
}

static void
wait_for_output(struct batch *b)
{
	struct pollfd pfd[2 * b->o->jobs];
	struct slot *owner[2 * b->o->jobs];
	int which[2 * b->o->jobs];
	nfds_t n = 0;
	for (unsigned j = 0; j < b->o->jobs; j++) {
		struct slot *s = &b->slots[j];
		for (int k = 0; s->pid && k < 2; k++) {
			if (s->fd[k] < 0)
				continue;
			pfd[n] = (struct pollfd){ .fd = s->fd[k], .events = POLLIN };
			owner[n] = s;
			which[n++] = k;
		}
	}
	if (poll(pfd, n, -1) < 0)
		return;	/* EINTR: the caller loops */
	for (nfds_t i = 0; i < n; i++)
		if (pfd[i].revents && owner[i]->pid && owner[i]->fd[which[i]] == pfd[i].fd)
			drain(b, owner[i], which[i]);
}

static bool
fill_slots(struct batch *b)
{
	for (unsigned j = 0; j < b->o->jobs && b->started < b->n; j++) {
		if (b->slots[j].pid)
			continue;
		if (!start_child(b, &b->slots[j])) {
			if (b->running)
				return true;	/* retry when one ends */
			fprintf(stderr, "vmmap: cannot start a process: %s\n", strerror(errno));
			return false;
		}
	}
	return true;
}

int
batch_run(char *const *dumps, size_t n, const struct batch_options *o,
	  batch_fn *fn, void *arg)
{
	struct batch b = { .dumps = dumps, .n = n, .o = o, .fn = fn, .arg = arg };
	b.results = calloc(n ? n : 1, sizeof(*b.results));
	b.slots = calloc(o->jobs, sizeof(*b.slots));
	if (!b.results || !b.slots) {
		free(b.results);
		free(b.slots);
		fprintf(stderr, "vmmap: out of memory\n");
		return 1;
	}
	/* A reader that goes away (vmmap ... | head) ends the batch
	 * quietly through EPIPE instead of killing it mid-line. */
	signal(SIGPIPE, SIG_IGN);
	bool ok = true;
	while (b.printed < n) {
		if (!(ok = fill_slots(&b)))
			break;
		show_progress(&b);
		if (b.running)
			wait_for_output(&b);
		while (b.printed < n && b.results[b.printed].done)
			print_result(&b, b.printed++);
		if (ferror(stdout))
			break;
	}
	if (o->progress) {	/* leave the final count on the terminal */
		show_progress(&b);
		fputc('\n', stderr);
	}
	for (unsigned j = 0; j < o->jobs; j++) {
		struct slot *s = &b.slots[j];
		if (!s->pid)
			continue;
		for (int k = 0; k < 2; k++)
			if (s->fd[k] >= 0)
				close(s->fd[k]);
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	for (size_t i = b.printed; i < n; i++) {
		free(b.results[i].out.data);
		free(b.results[i].err.data);
	}
	free(b.results);
	free(b.slots);
	return ok && !b.failed && !ferror(stdout) ? 0 : 1;
}
