#!/bin/sh
# Re-records the golden analyzer reports, tests/analyzer/golden/<mb>.json,
# from the reports the build made, after an intended change to the
# analyzer or to a middlebox. It prints how each report differs from the
# golden file it replaces: review that before committing the new files.
#
# usage: tools/refresh-goldens.sh [-C BUILD_DIR] [MIDDLEBOX...]
#        (default: build; nat firewall passthrough)
set -eu
cd "$(dirname "$0")/.."

build=build
if [ "${1:-}" = "-C" ]; then
	[ $# -ge 2 ] || { echo "usage: $0 [-C BUILD_DIR] [MIDDLEBOX...]" >&2; exit 2; }
	build=$2
	shift 2
fi
[ $# -gt 0 ] || set -- nat firewall passthrough
if [ ! -f "$build/build.ninja" ]; then
	echo "$build: not a configured build directory (meson setup $build)" >&2
	exit 1
fi

targets=""
for mb in "$@"; do
	targets="$targets middleboxes/$mb.report.json"
done
# Fails with "unknown target" while the analyzer is not part of the build.
# shellcheck disable=SC2086
ninja -C "$build" $targets

new=0
for mb in "$@"; do
	report=$build/middleboxes/$mb.report.json
	golden=tests/analyzer/golden/$mb.json
	if [ -f "$golden" ]; then
		python3 tests/analyzer/compare_golden.py "$golden" "$report" || true
	else
		echo "$golden: new"
		new=1
	fi
	python3 tests/analyzer/compare_golden.py --write "$report" "$golden"
done
# A golden test exists only for golden files present at configure time.
if [ "$new" -eq 1 ]; then
	meson setup --reconfigure "$build" >/dev/null
fi
