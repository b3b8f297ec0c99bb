/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * bench/spawn.c: run a command, report its wall time and peak RSS.
 *
 *   spawn RESULT_FILE COMMAND [ARG...]
 *
 * Writes "seconds maxrss_kb exit_code" to RESULT_FILE. The command
 * inherits stdin, stdout and stderr.
 *
 * Why not time children from Python directly: Linux seeds a process's
 * peak RSS at execve() with the peak of the memory it had before (see
 * exec_mmap() and setmax_mm_hiwater_rss() in the kernel), and a child
 * that Python vfork()s and execs starts with the *Python* process's
 * peak (80 MB after unpacking an xz fixture). This launcher is small,
 * and fork()s, so its child's peak is the command's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: spawn RESULT_FILE COMMAND [ARG...]\n");
		return 2;
	}
	FILE *result = fopen(argv[1], "w");
	if (!result) {
		perror(argv[1]);
		return 2;
	}
	double t0 = now_seconds();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		fclose(result);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}
	double elapsed = now_seconds() - t0;
	fprintf(result, "%.6f %ld %d\n", elapsed, ru.ru_maxrss, exit_code(status));
	return fclose(result) == 0 ? 0 : 2;
}
