# Sourced by the integration tests (POSIX sh). meson passes the binaries
# in SA_RUNTIME, SA_TRACEGEN, SA_PCAPCHECK and the source tree's configs/
# in SA_CONFIGS.
set -eu

: "${SA_RUNTIME:?}" "${SA_TRACEGEN:?}" "${SA_PCAPCHECK:?}" "${SA_CONFIGS:?}"

WORK=$(mktemp -d /tmp/sa-itest.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# EAL options for a NIC-less, hugepage-less run that leaves nothing
# behind; the file prefix keeps concurrent tests apart.
sa_eal() {
	echo "--no-huge -m 256 --no-pci --no-shconf -l 0" \
		"--file-prefix sa$$${1:-} --log-level=lib.eal:error"
}

# sa_eal [SUFFIX]: see above.
# sa_run MB CONFIG IN.pcap OUT.pcap STATS.json [extra runtime options]
sa_run() {
	mb=$1 cfg=$2 in=$3 out=$4 stats=$5
	shift 5
	# shellcheck disable=SC2046
	"$SA_RUNTIME" $(sa_eal) \
		--vdev "net_pcap0,rx_pcap=$in,tx_pcap=$out" -- \
		--mb "$mb" --config "$cfg" --clock trace --idle-exit 300 \
		--quiet --stats-file "$stats" "$@"
}

# json_get FILE KEY: the integer value of "KEY" in a flat JSON object.
json_get() {
	v=$(sed -n "s/^ *\"$2\": \([0-9]*\),\{0,1\}$/\1/p" "$1")
	[ -n "$v" ] || fail "$1 has no counter $2"
	echo "$v"
}

# kv_get FILE KEY: the value of a KEY=VALUE line.
kv_get() {
	v=$(sed -n "s/^$2=//p" "$1")
	[ -n "$v" ] || fail "$1 has no $2"
	echo "$v"
}

expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected $3, got $2"
}
