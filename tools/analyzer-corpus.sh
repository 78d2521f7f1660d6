#!/bin/bash
# Runs statealyzr on real C programs built from Debian source packages and
# prints, for each: size (KLOC of .c/.h, bitcode bytes), analysis time and
# peak memory (/usr/bin/time -v), and the objects it found (persistent /
# updateable / output-impacting). This is the analyzer's robustness and
# scale check on code nobody wrote for it (issue 3); nothing it downloads
# or builds goes into the source tree.
#
# usage: tools/analyzer-corpus.sh [-C BUILD_DIR] [-w WORK_DIR] [-j JOBS]
#                                 [--bitcode-only] [PROGRAM...]
#   PROGRAM: p0f tcpdump ngrep iftop haproxy (default: all)
#   WORK_DIR: default $SA_CORPUS_DIR or /tmp/sa-corpus; sources, builds,
#             bitcode (WORK_DIR/bc), reports and logs (WORK_DIR/out).
#   --bitcode-only: build the bitcode, do not analyze.
#
# Sources come from deb-src lines in a private apt configuration inside
# WORK_DIR: the system's apt sources are not touched. Each program is
# built by its own build system with tools/lib/bc-cc.sh as the compiler,
# which also writes the bitcode of everything the final executable links.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
work=${SA_CORPUS_DIR:-/tmp/sa-corpus}
jobs=2
analyze=1
ALL_PROGRAMS="p0f tcpdump ngrep iftop haproxy"
# What the builds and this script need beyond the project's own packages.
CORPUS_DEPS="dpkg-dev libpcap-dev libpcre3-dev libncurses-dev libcrypt-dev
make time jq"
# A hang is a result too: reported as "timeout" after this many seconds.
ANALYZE_TIMEOUT=${SA_CORPUS_TIMEOUT:-600}

usage() {
	sed -n '2,19s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	-C) build=$(realpath "$2"); shift 2 ;;
	-w) work=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	--bitcode-only) analyze=0; shift ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
programs=${*:-$ALL_PROGRAMS}
mkdir -p "$work"
work=$(realpath "$work")
bccc=$root/tools/lib/bc-cc.sh
statealyzr=$build/analyzer/statealyzr
mkdir -p "$work/src" "$work/tree" "$work/bc" "$work/out"

say() {
	printf '%s\n' "$*" >&2
}

install_deps() {
	local missing="" p
	for p in $CORPUS_DEPS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	say "installing:$missing"
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
}

# apt-get or apt-cache ($1) with deb-src lines and package lists of its
# own, under WORK_DIR.
apt_src() {
	local tool=$1
	shift
	"$tool" -q -o Dir::Etc::sourcelist="$work/apt/debian.sources" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$work/apt/lists" "$@"
}

setup_apt() {
	[ -f "$work/apt/lists/.updated" ] && return 0
	mkdir -p "$work/apt/lists/partial"
	sed 's/^Types: deb$/Types: deb deb-src/' \
		/etc/apt/sources.list.d/debian.sources >"$work/apt/debian.sources"
	apt_src apt-get update -qq
	touch "$work/apt/lists/.updated"
}

# Downloads source package $1 and extracts it to WORK_DIR/tree/$1. Every
# version the lists know is tried, newest first, as a mirror may lack the
# files of one; a version whose Debian part is missing is built from its
# upstream tarball alone.
fetch() {
	local pkg=$1 dir=$work/tree/$1 v dsc orig f
	[ -f "$dir/.sa-extracted" ] && return 0
	setup_apt
	for v in $(apt_src apt-cache showsrc "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' | sort -urV); do
		(cd "$work/src" && apt_src apt-get source --download-only "$pkg=$v" \
			>"$work/out/$pkg.fetch.log" 2>&1) || true
		v=${v#*:}
		dsc=$work/src/${pkg}_$v.dsc
		orig=
		for f in "$work/src/${pkg}_${v%-*}".orig.tar.*; do
			case "$f" in
			*.asc) ;;
			*) [ -f "$f" ] && orig=$f ;;
			esac
		done
		rm -rf "$dir"
		if [ -f "$dsc" ] && dpkg-source -x --no-check "$dsc" "$dir" \
			>>"$work/out/$pkg.fetch.log" 2>&1; then
			touch "$dir/.sa-extracted"
			return 0
		fi
		rm -rf "$dir"
		if [ -n "$orig" ]; then
			mkdir -p "$dir"
			tar -xf "$orig" -C "$dir" --strip-components=1
			touch "$dir/.sa-extracted"
			return 0
		fi
	done
	say "$pkg: no version of its source could be downloaded" \
		"(see $work/out/$pkg.fetch.log)"
	return 1
}

# The build recipes. Each runs in the program's tree with CC=bc-cc and
# BC_LOG set for make only (configure's probes need no bitcode), and
# prints the path of the executable's bitcode. The flags each program
# needs are noted where they are given.
bc_env() {
	BC_LOG=$work/out/$1.bc.log
	export BC_LOG
	rm -f "$BC_LOG"
}

build_p0f() {
	# Its own build.sh, which honours CC; no configure.
	bc_env p0f
	CC=$bccc ./build.sh >"$work/out/p0f.build.log" 2>&1
	echo p0f.bc
}

build_tcpdump() {
	# Optional libraries off, so the build needs only libpcap; make links
	# the tcpdump executable with the libnetdissect.a archive, whose
	# members' bitcode bc-cc finds by name.
	CC=$bccc ./configure --without-crypto --without-smi --without-cap-ng \
		>"$work/out/tcpdump.build.log" 2>&1
	bc_env tcpdump
	make -j"$jobs" tcpdump >>"$work/out/tcpdump.build.log" 2>&1
	echo tcpdump.bc
}

build_ngrep() {
	# Debian's source drops the bundled GNU regex, so PCRE it is; upstream's
	# configure tests "use_pcre" instead of "$use_pcre" and would never
	# enable it (Debian fixes that in its patches, which this mirror may
	# not serve).
	# shellcheck disable=SC2016
	sed -i 's/if test use_pcre = yes/if test "$use_pcre" = yes/' configure
	CC=$bccc ./configure --enable-pcre >"$work/out/ngrep.build.log" 2>&1
	bc_env ngrep
	make ngrep >>"$work/out/ngrep.build.log" 2>&1
	echo ngrep.bc
}

build_iftop() {
	# -fcommon: iftop defines the same globals in several files, which
	# clang 11+ (-fno-common by default) refuses to link.
	CC=$bccc CFLAGS="-g -O2 -fcommon" ./configure \
		>"$work/out/iftop.build.log" 2>&1
	bc_env iftop
	make -j"$jobs" iftop >>"$work/out/iftop.build.log" 2>&1
	echo iftop.bc
}

build_haproxy() {
	# The default linux-glibc feature set: no OpenSSL, Lua or PCRE, so
	# nothing beyond libc and libcrypt is needed.
	bc_env haproxy
	make -j"$jobs" TARGET=linux-glibc CC="$bccc" haproxy \
		>"$work/out/haproxy.build.log" 2>&1
	echo haproxy.bc
}

kloc() {
	find "$1" \( -name '*.c' -o -name '*.h' \) -not -path '*/debian/*' \
		-print0 | xargs -0 cat | wc -l |
		awk '{ printf "%.1f", $1 / 1000 }'
}

# "h:mm:ss" or "m:ss.ss" from time -v, in seconds.
to_seconds() {
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i;
		   printf "%.1f", s }' <<<"$1"
}

analysis=
trap '[ -z "$analysis" ] || kill "$analysis" 2>/dev/null' EXIT

install_deps
results=$work/out/results.tsv
printf 'program\tkloc\tbitcode_kib\tseconds\tcpu_seconds\tpeak_rss_mib\tobjects\tupdateable\toutput_impacting\tentry\tstatus\n' >"$results"

for prog in $programs; do
	case " $ALL_PROGRAMS " in
	*" $prog "*) ;;
	*) say "$prog: no recipe (known: $ALL_PROGRAMS)"; exit 2 ;;
	esac
	status="ok"
	secs=- cpu=- rss=- objs=- upd=- oi=- entry=- size=- kl=-
	if ! fetch "$prog"; then
		printf '%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\tno-source\n' "$prog" >>"$results"
		continue
	fi
	tree=$work/tree/$prog
	kl=$(kloc "$tree")
	bc=$work/bc/$prog.bc
	if [ ! -f "$bc" ]; then
		say "$prog: building bitcode (log: $work/out/$prog.build.log)"
		if out=$(cd "$tree" && "build_$prog") && [ -f "$tree/$out" ]; then
			cp "$tree/$out" "$bc"
		else
			say "$prog: bitcode build failed; see $work/out/$prog.build.log"
			status="build-failed"
		fi
		if grep -q '^\(FAILED\|MISSING\)' "$work/out/$prog.bc.log" 2>/dev/null; then
			say "$prog: incomplete bitcode:"
			grep '^\(FAILED\|MISSING\)' "$work/out/$prog.bc.log" | head -5 >&2
			status="incomplete-bitcode"
		fi
	fi
	[ -f "$bc" ] && size=$(( $(stat -c %s "$bc") / 1024 ))
	if [ "$analyze" -eq 1 ] && [ -f "$bc" ]; then
		if [ ! -x "$statealyzr" ]; then
			say "no analyzer at $statealyzr (-C BUILD_DIR); bitcode only"
			analyze=0
		else
			json=$work/out/$prog.report.json
			cmd=("$statealyzr" analyze "$bc" --json "$json")
			say "$prog: ${cmd[*]}"
			rm -f "$json"
			rc=0
			# time outside timeout, so that a run cut short still has
			# its duration and peak memory measured. timeout runs in a
			# process group of its own, out of reach of a ^C to this
			# script: the trap below ends it then.
			/usr/bin/time -v -o "$work/out/$prog.time" \
				timeout "$ANALYZE_TIMEOUT" "${cmd[@]}" \
				>"$work/out/$prog.report.txt" \
				2>"$work/out/$prog.stderr" &
			analysis=$!
			wait "$analysis" || rc=$?
			analysis=
			secs=$(to_seconds "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$work/out/$prog.time")")
			rss=$(awk '/Maximum resident set size/ { printf "%d", $NF / 1024 }' "$work/out/$prog.time")
			# The machine may be shared: CPU time says what the
			# analysis cost when wall time does not.
			cpu=$(awk '/(User|System) time/ { s += $NF }
				END { printf "%.1f", s }' "$work/out/$prog.time")
			if [ "$rc" -eq 124 ]; then
				status="timeout ${ANALYZE_TIMEOUT}s"
				say "$prog: no result in ${ANALYZE_TIMEOUT}s: ${cmd[*]}"
				tail -2 "$work/out/$prog.stderr" >&2
			elif [ "$rc" -ne 0 ]; then
				status="exit $rc"
				sig=$(sed -n 's/.*Command terminated by signal //p' \
					"$work/out/$prog.time")
				[ -z "$sig" ] || status="signal $sig"
				say "$prog: FAILED ($status): ${cmd[*]}"
				tail -5 "$work/out/$prog.stderr" >&2
			fi
			if [ -s "$json" ]; then
				read -r objs upd oi entry < <(jq -r '[.summary.persistent,
					.summary.updateable, .summary.output_impacting,
					((.entry.kind // "-") + ":" + (.entry.function // "-"))]
					| map(tostring) | join(" ")' "$json")
			fi
		fi
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$prog" "$kl" \
		"$size" "$secs" "$cpu" "$rss" "$objs" "$upd" "$oi" "$entry" \
		"$status" >>"$results"
done

printf '\n'
column -t -s "$(printf '\t')" "$results"
printf '\nTSV: %s; reports and logs: %s\n' "$results" "$work/out"
