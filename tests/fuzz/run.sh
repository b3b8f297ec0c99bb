#!/bin/sh
# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
# Build the libFuzzer harnesses (clang, -fsanitize=fuzzer,address,undefined)
# and run each from its seed corpus.
#   run.sh smoke [SECONDS]   each harness for SECONDS (default 20): make fuzz-smoke
#   run.sh long [RUNS]       each harness for RUNS executions (default 10 million)
# Needs top_srcdir and top_builddir. The library is the project's own
# convenience library (lib/libvmmap-core.la), built by its Makefile in a
# build of its own, configured for clang with libFuzzer's coverage.
# Prints TAP: one test per harness.
set -u
mode=${1:-smoke}
limit=${2:-}
top=$(cd "${top_srcdir:-.}" && pwd)
build=$(cd "${top_builddir:-.}" && pwd)
out="$build/fuzz"
CLANG=${CLANG:-clang}
mkdir -p "$out/obj" "$out/build"
pkgs="libkdumpfile libaddrxlat libelf libdw libbpf"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -std=gnu11 -D_GNU_SOURCE -DHAVE_CONFIG_H -I$out/build -I$top/include -I$top/lib -I$top/tests/fuzz $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lpthread"

fail() { echo "1..1"; echo "not ok 1 - fuzz build: $*"; exit 0; }
command -v "$CLANG" >/dev/null || fail "no $CLANG"
(cd "$out/build" &&
 { [ -f Makefile ] || "$top/configure" -q CC="$CLANG" CFLAGS="-g -O1 $san -fsanitize=fuzzer-no-link" \
	--disable-shared --disable-python --disable-crash >configure.log 2>&1; } &&
 make -s lib/libvmmap-core.la fixtures/mkdump >make.log 2>&1) ||
	fail "building the library with $CLANG: $(tail -1 "$out/build/make.log" 2>/dev/null)"
core="$out/build/lib/.libs/libvmmap-core.a"
$CLANG $cflags $san -fsanitize=fuzzer-no-link -c "$top/tests/fuzz/memdump.c" -o "$out/obj/memdump.o" ||
	fail "compiling memdump.c"
objs="$out/obj/memdump.o $core"
# The seed dump every map-building harness patches.
"$out/build/fixtures/mkdump" "$top/tests/fuzz/compact.spec" "$out/compact.elf" || fail "making the seed dump"
export VMMAP_FUZZ_DUMP="$out/compact.elf"
# fuzz_walk's seed: a real dump with BTF (the Debian 6.1 fixture), and
# the guest's module addresses to ask about besides what it finds itself
fixture="$top/fixtures/real/deb6.1-l4-kaslr"
[ -s "$out/real-deb6.1.elf" ] || xz -dc "$fixture/dump.elf.xz" >"$out/real-deb6.1.elf" ||
	fail "unpacking the real seed dump"
grep -o '0xff[0-9a-f]*' "$fixture/guest/modules.txt" >"$out/walk-addrs.txt"
# fuzz_walk's second seed (walk_slub: the same harness): the pruned dump
# of a slub_debug cache with damaged red zones and poison, asked about
# its truth's addresses, so that slub_debug's checks are fuzzed too
slub="$top/fixtures/real/slubcorrupt-deb6.1"
[ -s "$out/slubcorrupt.elf" ] || xz -dc "$slub/pruned.elf.xz" >"$out/slubcorrupt.elf" ||
	fail "unpacking the slubcorrupt seed dump"
grep -o '"address": *"0x[0-9a-f]*"' "$slub/truth.json" | grep -o '0x[0-9a-f]*' >"$out/walk-slub-addrs.txt"
# and a third (walk_kfence): KFENCE's pool and records, every 8th
# address of its truth (objects, guard pages)
kfence="$top/fixtures/real/kfence-deb7.2"
[ -s "$out/kfence.elf" ] || xz -dc "$kfence/pruned.elf.xz" >"$out/kfence.elf" ||
	fail "unpacking the kfence seed dump"
grep -o '"address": *"0x[0-9a-f]*"' "$kfence/truth.json" | grep -o '0x[0-9a-f]*' | awk 'NR % 8 == 1' \
	>"$out/walk-kfence-addrs.txt"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1
# libkdumpfile 0.5.1's own leak on a corrupt dump (tests/lsan.supp)
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"

n=0
results=""
for h in vmcoreinfo kallsyms map address annotate open btf walk walk_slub walk_kfence; do
	n=$((n + 1))
	src=$h
	seeds="$top/tests/fuzz/corpus/$h"/*
	reread="$top/tests/fuzz/corpus/$h"	# the seeds again, kept as they are
	case $h in
	walk) export VMMAP_FUZZ_REAL_DUMP="$out/real-deb6.1.elf" VMMAP_FUZZ_ADDRS="$out/walk-addrs.txt" ;;
	walk_slub) export VMMAP_FUZZ_REAL_DUMP="$out/slubcorrupt.elf" VMMAP_FUZZ_ADDRS="$out/walk-slub-addrs.txt"
		src=walk ;;
	walk_kfence) export VMMAP_FUZZ_REAL_DUMP="$out/kfence.elf" VMMAP_FUZZ_ADDRS="$out/walk-kfence-addrs.txt"
		src=walk ;;
	esac
	case $h in
	# 3 executions a second: the seeds once (the hand-made ones only on
	# the other seed dumps: the minimized units are deb6.1's), then
	# mutations
	walk) reread= ;;
	walk_*) seeds="$top/tests/fuzz/corpus/walk"/seed-*; reread= ;;
	esac
	bin="$out/fuzz_$h"
	if ! $CLANG $cflags $san -fsanitize=fuzzer "$top/tests/fuzz/fuzz_$src.c" $objs $libs -o "$bin" 2>"$out/$h.build.log"; then
		results="$results
not ok $n - fuzz_$h: build failed: $(tail -1 "$out/$h.build.log")"
		continue
	fi
	corpus="$out/corpus-$h"
	# shellcheck disable=SC2086 # $seeds: a pattern
	rm -rf "$corpus" && mkdir -p "$corpus" && cp $seeds "$corpus"/ 2>/dev/null
	if [ "$mode" = long ]; then
		args="-runs=${limit:-10000000}"
	else
		# a fixed seed: CI's smoke run mutates the same way each
		# time, so it fails for a change of vmmap, not by luck
		args="-max_total_time=${limit:-20} -seed=1"
	fi
	maxlen=4096
	[ "$h" = open ] && maxlen=16384	# a dump's headers and notes
	(cd "$out" && "$bin" $args -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/crash-$h-" "$corpus" $reread \
		>"$out/$h.log" 2>&1)
	rc=$?
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$h.log" | grep -o '[0-9]*$')
	[ -n "$execs" ] || execs=$(grep -oE '^(#[0-9]+)\s+(DONE|pulse|NEW|REDUCE)' "$out/$h.log" | tail -1 | grep -oE '[0-9]+' | head -1)
	if [ $rc = 0 ]; then
		results="$results
ok $n - fuzz_$h: ${execs:-?} executions, no crash"
	else
		results="$results
not ok $n - fuzz_$h: exit $rc after ${execs:-?} executions: $(grep -m1 -E 'ERROR|SUMMARY|runtime error' "$out/$h.log")"
	fi
done
echo "1..$n"
printf '%s\n' "$results" | grep .
