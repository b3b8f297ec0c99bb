# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
# Sourced by .ci/run and .ci/setup: Debian packages vmmap needs to build,
# test and demonstrate itself. Every tool a test uses is here: under
# CI=true a test whose tool is missing fails rather than skips.
install_deps() {
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null &&
	apt-get install -y -q --no-install-recommends \
		build-essential autoconf automake libtool pkg-config \
		libkdumpfile-dev libelf-dev libdw-dev libbpf-dev python3 valgrind \
		xz-utils makedumpfile clang libclang-rt-14-dev \
		python3-dev python3-drgn python3-venv python3-pip python3-setuptools \
		python3-wheel parallel bsdutils binutils \
		crash liblzo2-dev libsnappy-dev libzstd-dev zlib1g-dev mmdebstrap >/dev/null
}
