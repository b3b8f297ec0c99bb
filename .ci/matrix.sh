# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
# Sourced by .ci/run: the toolchain matrix. vmmap is built and tested
# (plain pass) inside Debian trixie and sid chroots, so that every
# libkdumpfile, crash, drgn, Python and gcc a user meets today is
# exercised, not only the host's (bookworm):
#   bookworm: libkdumpfile 0.5.1, crash 8.0.2, drgn 0.0.22, Python 3.11, gcc 12 (the host)
#   trixie:   libkdumpfile 0.5.4, crash 8.0.6, drgn 0.0.31, Python 3.13, gcc 14
#   sid:      libkdumpfile 0.5.6, crash 9.0.2, drgn 0.3.0,  Python 3.14, gcc 16
# The chroots never touch the host's apt sources (that would upgrade the
# host's libc): mmdebstrap builds each one as a tarball, cached in
# $VMMAP_CHROOT_CACHE between runs on one machine and made when missing.

: "${VMMAP_CHROOT_CACHE:=/var/cache/vmmap-chroots}"

# What a chroot needs to build vmmap and run the matrix's tests: deps.sh's
# list without the host-only tools (valgrind, clang: the sanitizer and
# fuzz passes run on the host only).
matrix_packages=build-essential,autoconf,automake,libtool,pkg-config,libkdumpfile-dev,libelf-dev,libdw-dev,libbpf-dev,python3,python3-dev,python3-drgn,xz-utils,makedumpfile,parallel,bsdutils,binutils,crash,liblzo2-dev,libsnappy-dev,libzstd-dev,zlib1g-dev

# The tests the matrix runs: all but the slowest truth checks over every
# fixture (real, scan, batch: they test vmmap's knowledge, which is the
# same on every toolchain, and take most of the host's time). What
# differs by toolchain is here: the libkdumpfile workarounds (hostile,
# synthetic, vmlinux), the dump formats makedumpfile can write (formats,
# in sid only: its makedumpfile 1.7.8 writes zstd), the crash extension, the Python module with drgn,
# the exported ABI, and the tests of threads and annotate.
matrix_tests='tests/test-units tests/test-modules tests/structure.test tests/synthetic.test tests/hostile.test tests/annotate.test tests/vmlinux.test tests/threads.test tests/exports.test tests/python.test tests/crash.test tests/slubcorrupt.test tests/kfence.test'

# matrix_tarball SUITE: make $VMMAP_CHROOT_CACHE/SUITE.tar unless it is
# there. The mirror's sid Release file is past its Valid-Until date.
matrix_tarball() {
	local suite=$1 tar="$VMMAP_CHROOT_CACHE/$1.tar"
	[ -s "$tar" ] && return 0
	mkdir -p "$VMMAP_CHROOT_CACHE" || return 1
	mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
		--include="$matrix_packages" "$suite" "$tar.part" http://deb.debian.org/debian \
		>"$VMMAP_CHROOT_CACHE/$suite.log" 2>&1 &&
		mv "$tar.part" "$tar"
}

# matrix_umount DIR: undo matrix_pass's mounts.
matrix_umount() {
	local m
	for m in dev/pts dev proc sys; do
		mountpoint -q "$1/$m" && umount "$1/$m"
	done
	return 0
}

# matrix_pass SUITE OUTDIR: unpack the chroot, copy the source tree in,
# build (-Werror, crash extension and Python module required) and run
# $matrix_tests under CI=true. The .trs and .log files land in OUTDIR
# for .ci/run to count.
matrix_pass() {
	local suite=$1 out=$2 root extra=
	# zstd (formats.test) needs makedumpfile 1.7.8: once, in sid
	[ "$suite" = sid ] && extra=tests/formats.test
	root=$(mktemp -d "${TMPDIR:-/var/tmp}/vmmap-$suite.XXXXXX") || return 1
	mkdir -p "$out"
	tar --numeric-owner -xf "$VMMAP_CHROOT_CACHE/$suite.tar" -C "$root" &&
	mkdir -p "$root/src" &&
	git -C "$top" ls-files -z | (cd "$top" && xargs -0 tar -c) | tar -x -C "$root/src" &&
	mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" &&
	mount --bind /dev/pts "$root/dev/pts" && mount -t sysfs sys "$root/sys" &&
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 CI=true \
		sh -c "cd /src && autoreconf -fi && mkdir /build && cd /build &&
		       /src/configure -q --enable-werror --enable-crash --enable-python &&
		       make -s -j$jobs && make -s -j$jobs check TESTS='$matrix_tests $extra'" \
		>"$out/make-check.out" 2>&1
	local rc=$?
	cp "$root"/build/tests/*.trs "$root"/build/tests/*.log "$out/" 2>/dev/null
	matrix_umount "$root"
	rm -rf --one-file-system "$root"
	return $rc
}
