#!/bin/bash
# bc-cc: a C compiler for building real programs' own build systems
# (configure, make) while also getting their LLVM bitcode, for the
# analyzer corpus (tools/analyzer-corpus.sh).
#
# It runs the real compiler with the arguments it was given, so the build
# goes on as usual. When BC_LOG is set (the corpus sets it for make, not
# for configure's probes), it then also:
#  - for each compile of a .c file to an object X, writes X.bc: the same
#    flags with the optimization and debug options replaced by the
#    analyzer's (-g -O0 -Xclang -disable-O0-optnone -emit-llvm), plus
#    BC_CFLAGS;
#  - for each link to an executable X, writes X.bc: the bitcode of its
#    objects, and of the archive members it links that were compiled here,
#    joined with llvm-link.
# What it did, and any bitcode step that failed, goes to BC_LOG; a failed
# bitcode step never fails the build, its absence shows in the link.
#
# Environment: BC_CC (default clang-14), BC_LINK (default llvm-link-14),
# BC_CFLAGS (extra flags for bitcode compiles, e.g. -fcommon), BC_LOG.
set -u

real=${BC_CC:-clang-14}
"$real" "$@"
rc=$?
if [ "$rc" -ne 0 ] || [ -z "${BC_LOG:-}" ]; then
	exit "$rc"
fi

log() {
	printf '%s\n' "$*" >>"$BC_LOG"
}

mode="link"
out=
sources=()
inputs=()
bcargs=()
args=("$@")
i=0
while [ "$i" -lt "${#args[@]}" ]; do
	a=${args[$i]}
	case "$a" in
	-c) mode=compile ;;
	-E|-S|-M|-MM) mode=other ;;
	-o) i=$((i + 1)); out=${args[$i]:-} ;;
	-o*) out=${a#-o} ;;
	-MF|-MT|-MQ) i=$((i + 1)) ;;
	-MD|-MMD|-MP|-MF*|-MT*|-MQ*) ;;
	-O*|-g*|-flto*|-Werror*|-pipe|-fsanitize*) ;;
	-Wl,*|-l*|-L*|-rdynamic|-static|-shared|-pie|-no-pie) ;;
	*.c) sources+=("$a") ;;
	*.o|*.a) inputs+=("$a") ;;
	*) bcargs+=("$a") ;;
	esac
	i=$((i + 1))
done

# Flags shared by every bitcode compile: the analyzer's, then the corpus'.
# shellcheck disable=SC2206
extra=(-g -O0 -Xclang -disable-O0-optnone -emit-llvm -c ${BC_CFLAGS:-})

compile_bc() {
	# $1 source, $2 bitcode out
	if "$real" "${bcargs[@]}" "${extra[@]}" "$1" -o "$2" 2>>"$BC_LOG"; then
		log "bc $(realpath "$2") $(realpath "$1")"
	else
		log "FAILED bc $1: $real ${bcargs[*]} ${extra[*]} $1 -o $2"
	fi
}

# The bitcode of archive member $2 (a basename) of archive $1: what was
# compiled here under that name, from the archive's folder if several.
member_bc() {
	local dir hits
	dir=$(dirname "$(realpath "$1")")
	hits=$(awk -v m="/$2.bc" '$1 == "bc" && substr($2, length($2) - length(m) + 1) == m { print $2 }' "$BC_LOG" | sort -u)
	if [ "$(printf '%s\n' "$hits" | grep -c .)" -gt 1 ]; then
		hits=$(printf '%s\n' "$hits" | grep "^$dir/" | head -1)
	fi
	printf '%s\n' "$hits" | head -1
}

case "$mode" in
compile)
	for s in "${sources[@]}"; do
		if [ -n "$out" ] && [ "${#sources[@]}" -eq 1 ]; then
			o=$out
		else
			o=$(basename "${s%.c}").o
		fi
		compile_bc "$s" "$o.bc"
	done
	;;
link)
	[ -n "$out" ] || out=a.out
	bcs=()
	tmp=$(mktemp -d)
	i=0
	for s in "${sources[@]}"; do
		i=$((i + 1))
		compile_bc "$s" "$tmp/$i.bc"
		[ -f "$tmp/$i.bc" ] && bcs+=("$tmp/$i.bc")
	done
	for f in "${inputs[@]}"; do
		case "$f" in
		*.o)
			if [ -f "$f.bc" ]; then
				bcs+=("$f.bc")
			else
				log "MISSING bc for $f (linked into $out)"
			fi
			;;
		*.a)
			for m in $(ar t "$f" 2>/dev/null); do
				b=$(member_bc "$f" "$m")
				if [ -n "$b" ]; then
					bcs+=("$b")
				else
					log "MISSING bc for $f($m) (linked into $out)"
				fi
			done
			;;
		esac
	done
	if [ "${#bcs[@]}" -gt 0 ]; then
		if "${BC_LINK:-llvm-link-14}" -o "$out.bc" "${bcs[@]}" 2>>"$BC_LOG"; then
			log "link $(realpath "$out.bc") ${#bcs[@]} modules"
		else
			log "FAILED link $out.bc from ${#bcs[@]} modules"
		fi
	fi
	rm -rf "$tmp"
	;;
esac
exit 0
