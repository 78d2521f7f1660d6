#!/bin/bash
# The analyzer's scale benchmark (issue 3: a 300 KLOC program in under a
# minute and 4 GB). Builds and analyzes, then prints size, time, peak
# memory, the time of each phase and what was found:
#   synthetic  a generated ~300 KLOC packet monitor (tools/lib/
#              az-scale-gen.py: the same program on every run), always;
#   sqlite     the SQLite amalgamation plus its shell (Debian's sqlite3
#              source package, ~270 KLOC), with --sqlite. The shell's
#              input loop stands for the packet loop: --loop process_input
#              --recv fgets (one statement per line read).
#
# usage: tools/analyzer-scale.sh [-C BUILD_DIR] [-w WORK_DIR] [-j JOBS]
#                                [--modules N] [--sqlite]
#   WORK_DIR: default /tmp/sa-scale (sources, bitcode, reports, logs);
#             nothing goes into the source tree.
#   --modules N: modules of the synthetic program (default 200, about
#             1,500 lines each).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
work=/tmp/sa-scale
jobs=2
modules=200
sqlite=0
CLANG=clang-14
LLVM_LINK=llvm-link-14
# Flags of the project's own bitcode (middleboxes/meson.build): -O0 code
# the analyzer can read, without optnone so it stays optimizable.
BCFLAGS="-g -O0 -Xclang -disable-O0-optnone -emit-llvm -c -w"

usage() {
	sed -n '2,19s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	-C) build=$(realpath "$2"); shift 2 ;;
	-w) work=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--sqlite) sqlite=1; shift ;;
	*) usage ;;
	esac
done
statealyzr=$build/analyzer/statealyzr
[ -x "$statealyzr" ] || { echo "no analyzer at $statealyzr (-C)" >&2; exit 2; }
mkdir -p "$work"
work=$(realpath "$work")

say() {
	printf '%s\n' "$*" >&2
}

# Compiles the .c files given to bitcode next to them, JOBS at a time.
compile() {
	printf '%s\n' "$@" | xargs -P "$jobs" -I{} sh -c \
		"$CLANG $BCFLAGS $EXTRA_CFLAGS -o \"\${1%.c}.bc\" \"\$1\"" _ {}
}

# analyze NAME BITCODE LINES [statealyzr options]: one row of the table.
analyze() {
	local name=$1 bc=$2 lines=$3 out=$work/out/$1
	shift 3
	mkdir -p "$work/out"
	say "$name: $statealyzr analyze $bc $*"
	/usr/bin/time -v -o "$out.time" "$statealyzr" analyze "$bc" "$@" \
		--json "$out.json" -v >"$out.txt" 2>"$out.stderr" || {
		say "$name: analysis failed:"
		tail -5 "$out.stderr" >&2
		return 1
	}
	awk -v name="$name" -v lines="$lines" \
		'/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); s = 0;
			for (i = 1; i <= n; i++) s = s * 60 + t[i] }
		 /User time/ { u = $NF }
		 /Maximum resident set size/ { r = $NF / 1024 }
		 END { printf "%-10s %8d lines %8.1f s (user %.1f s) %7.0f MiB\n",
			name, lines, s, u, r }' "$out.time"
	tr '\r' '\n' <"$out.stderr" | sed -n 's/^statealyzr: info: \(.*: [0-9.]* s\)$/    \1/p'
	jq -r '.summary | "    persistent \(.persistent), updateable \(.updateable), output-impacting \(.output_impacting), \(.functions) functions, \(.instructions) instructions"' \
		"$out.json"
}

synthetic() {
	local src=$work/synthetic lines
	rm -rf "$src"
	python3 "$root/tools/lib/az-scale-gen.py" "$src" --modules "$modules"
	lines=$(cat "$src"/*.c "$src"/*.h | wc -l)
	say "synthetic: $lines lines in $(ls "$src"/*.c | wc -l) files; compiling"
	EXTRA_CFLAGS="" compile "$src"/*.c
	"$LLVM_LINK" -o "$work/synthetic.bc" "$src"/*.bc
	analyze synthetic "$work/synthetic.bc" "$lines"
}

# Debian's sqlite3 source, through a deb-src line of a private apt
# configuration (the system's apt sources are not touched), built up to
# the amalgamation: that needs tclsh.
sqlite_fetch() {
	local apt=$work/apt dir
	dir=$(find "$work/src" -maxdepth 1 -type d -name 'sqlite3-*' 2>/dev/null |
		head -1)
	if [ -n "$dir" ]; then
		echo "$dir"
		return 0
	fi
	command -v tclsh >/dev/null || DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends tcl >/dev/null
	mkdir -p "$apt/lists/partial" "$work/src"
	sed 's/^Types: deb$/Types: deb deb-src/' \
		/etc/apt/sources.list.d/debian.sources >"$apt/debian.sources"
	set -- -q -o Dir::Etc::sourcelist="$apt/debian.sources" \
		-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$apt/lists"
	apt-get "$@" update -qq >&2
	(cd "$work/src" && apt-get "$@" source --download-only sqlite3 >&2)
	tar -xf "$(ls "$work"/src/sqlite3_*.orig.tar.* | grep -v www | head -1)" \
		-C "$work/src"
	find "$work/src" -maxdepth 1 -type d -name 'sqlite3-*' | head -1
}

sqlite() {
	local src bld lines
	src=$(sqlite_fetch)
	bld=$src/bld
	if [ ! -f "$bld/sqlite3.c" ] || [ ! -f "$bld/shell.c" ]; then
		say "sqlite: making the amalgamation in $bld"
		mkdir -p "$bld"
		(cd "$bld" && ../configure >"$work/sqlite.configure.log" 2>&1 &&
			make sqlite3.c shell.c >"$work/sqlite.make.log" 2>&1)
	fi
	lines=$(cat "$bld/sqlite3.c" "$bld/shell.c" | wc -l)
	say "sqlite: $lines lines; compiling"
	EXTRA_CFLAGS="-I$bld -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION" \
		compile "$bld/sqlite3.c" "$bld/shell.c"
	"$LLVM_LINK" -o "$work/sqlite.bc" "$bld/sqlite3.bc" "$bld/shell.bc"
	analyze sqlite "$work/sqlite.bc" "$lines" --loop process_input \
		--recv fgets
}

synthetic
[ "$sqlite" -eq 0 ] || sqlite
say "reports and logs: $work/out"
