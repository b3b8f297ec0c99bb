# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
# Sourced by .ci/run and .ci/setup: Debian packages vmmap needs to build,
# test and demonstrate itself.
install_deps() {
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null &&
	apt-get install -y -q --no-install-recommends \
		build-essential autoconf automake libtool pkg-config \
		libkdumpfile-dev libelf-dev libdw-dev python3 valgrind \
		xz-utils makedumpfile clang libclang-rt-14-dev \
		python3-dev python3-drgn parallel >/dev/null
}
