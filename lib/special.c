/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include "special.h"

#include <stddef.h>
#include <string.h>

/* include/linux/err.h: MAX_ERRNO 4095; IS_ERR_VALUE(x) is x >= -4095. */
#define MAX_ERRNO 4095
/* include/linux/poison.h with x86_64's CONFIG_ILLEGAL_POINTER_VALUE
 * 0xdead000000000000: LIST_POISON1 = 0x100 + delta, LIST_POISON2 = 0x122
 * + delta; the slab's object poison and red zones
 * (include/linux/poison.h: POISON_INUSE 0x5a, POISON_FREE 0x6b,
 * SLUB_RED_INACTIVE 0xbb, SLUB_RED_ACTIVE 0xcc). */
static const struct {
	uint64_t value;
	const char *name;
} poisons[] = {
	{ 0xdead000000000100ULL, "LIST_POISON1" },
	{ 0xdead000000000122ULL, "LIST_POISON2" },
	{ 0x5a5a5a5a5a5a5a5aULL, "POISON_INUSE" },
	{ 0x6b6b6b6b6b6b6b6bULL, "POISON_FREE" },
	{ 0xbbbbbbbbbbbbbbbbULL, "SLUB_RED_INACTIVE" },
	{ 0xccccccccccccccccULL, "SLUB_RED_ACTIVE" },
};

/* The first page is never mapped: a pointer there is NULL plus the
 * offset of a member. */
#define NULL_PAGE 4096

const char *
special_value(uint64_t v, int *errnum)
{
	if (v >= (uint64_t)-MAX_ERRNO) {
		*errnum = (int)-(int64_t)v;
		return "ERR_PTR";
	}
	if (v < NULL_PAGE)
		return "NULL";
	for (size_t i = 0; i < sizeof(poisons) / sizeof(poisons[0]); i++)
		if (v == poisons[i].value)
			return poisons[i].name;
	return NULL;
}

/* include/uapi/asm-generic/errno-base.h, errno.h and the kernel-only
 * codes of include/linux/errno.h. */
static const char *const errno_names[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO",
	[6] = "ENXIO", [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD",
	[11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT",
	[15] = "ENOTBLK", [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV",
	[19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL",
	[23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY", [26] = "ETXTBSY",
	[27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS",
	[31] = "EMLINK", [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE",
	[35] = "EDEADLK", [36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS",
	[39] = "ENOTEMPTY", [40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM",
	[61] = "ENODATA", [62] = "ETIME", [71] = "EPROTO", [74] = "EBADMSG",
	[75] = "EOVERFLOW", [84] = "EILSEQ", [95] = "EOPNOTSUPP", [98] = "EADDRINUSE",
	[99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH",
	[103] = "ECONNABORTED", [104] = "ECONNRESET", [105] = "ENOBUFS",
	[106] = "EISCONN", [107] = "ENOTCONN", [110] = "ETIMEDOUT",
	[111] = "ECONNREFUSED", [113] = "EHOSTUNREACH", [114] = "EALREADY",
	[115] = "EINPROGRESS", [116] = "ESTALE", [122] = "EDQUOT", [125] = "ECANCELED",
	[512] = "ERESTARTSYS", [513] = "ERESTARTNOINTR", [514] = "ERESTARTNOHAND",
	[515] = "ENOIOCTLCMD", [516] = "ERESTART_RESTARTBLOCK", [517] = "EPROBE_DEFER",
	[518] = "EOPENSTALE", [519] = "ENOPARAM", [521] = "EBADHANDLE",
	[522] = "ENOTSYNC", [523] = "EBADCOOKIE", [524] = "ENOTSUPP",
	[525] = "ETOOSMALL", [526] = "ESERVERFAULT", [527] = "EBADTYPE",
	[528] = "EJUKEBOX", [529] = "EIOCBQUEUED", [530] = "ERECALLCONFLICT",
};

const char *
special_errno_name(int errnum)
{
	if (errnum <= 0 || (size_t)errnum >= sizeof(errno_names) / sizeof(errno_names[0]))
		return NULL;
	return errno_names[errnum];
}
