# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
# Shared by the shell tests: TAP output that automake's tap-driver counts.
# Each run_tap call runs a command that prints TAP itself; its tests are
# renumbered into this script's plan.
: "${top_srcdir:=${srcdir:-.}}"
: "${VMMAP:=./cli/vmmap}"
: "${MKDUMP:=./fixtures/mkdump}"
: "${PYTHON3:=python3}"
# VMMAP_WRAPPER (e.g. valgrind) runs every vmmap invocation.
V="${VMMAP_WRAPPER:-} $VMMAP"
tap_n=0
tap_fail=0
tap_buf=$(mktemp)
trap 'rm -f "$tap_buf"' EXIT

tap_line() {
	tap_n=$((tap_n + 1))
	echo "$1 $tap_n - $2" >>"$tap_buf"
	[ "$1" = ok ] || tap_fail=$((tap_fail + 1))
}

# run_tap LABEL CMD...: CMD prints TAP; copy its results.
run_tap() {
	label=$1
	shift
	tap_out=$("$@" 2>&1)
	got=0
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*) tap_line ok "${line#ok * - } # SKIP"; got=1 ;;
		"ok "*) tap_line ok "${line#ok * - }"; got=1 ;;
		"not ok "*) tap_line "not ok" "${line#not ok * - }"; got=1 ;;
		esac
	done <<EOT
$tap_out
EOT
	[ $got = 1 ] || tap_line "not ok" "$label: no results: $tap_out"
}

# expect_fail LABEL EXIT_CODE PATTERN CMD...: CMD must exit with EXIT_CODE
# and print exactly one stderr line matching PATTERN.
expect_fail() {
	label=$1 code=$2 pattern=$3
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ $rc = "$code" ] && [ "$lines" = 1 ] && printf '%s' "$err" | grep -Eq -- "$pattern"; then
		tap_line ok "$label: exit $rc: $err"
	else
		tap_line "not ok" "$label: want exit $code and one line /$pattern/, got exit $rc: $err"
	fi
}

# skip_or_fail REASON: a test that cannot run here. Under CI (CI=true)
# that is a failure, never a silent skip: CI installs every tool the
# tests use (.ci/deps.sh). Elsewhere it is a TAP skip. Exits.
skip_or_fail() {
	if [ "${CI:-}" = true ]; then
		echo "1..1"
		echo "not ok 1 - cannot run under CI: $1"
	else
		echo "1..0 # SKIP $1"
	fi
	exit 0
}

# Failures are counted from the "not ok" lines; the exit status stays 0
# (99 is kept for errors in the test set-up itself).
tap_done() {
	echo "1..$tap_n"
	cat "$tap_buf"
}
