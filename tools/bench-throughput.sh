#!/bin/sh
# Throughput benchmark (not a test): one core, net_pcap replaying a small
# generated trace of 64-byte frames forever (infinite_rx) into the inside
# arm, the outside arm on net_null; Mpps per middlebox and its ratio to
# passthrough. passthrough, nat and firewall share one trace of client
# traffic; lb, ids and monitor each get their sa-tracegen profile's (lb:
# clients of configs/lb.ini's services, ids: benign traffic and attacks,
# monitor: servers and clients of its roster).
# Usage: tools/bench-throughput.sh [--replication] [seconds] [lcore]
# --replication: then the rows of tools/bench-replication.sh (nat and
# firewall with a standby on the other core).
set -eu
cd "$(dirname "$0")/.."
REPLICATION=
if [ "${1:-}" = --replication ]; then
	REPLICATION=1
	shift
fi
. tools/lib/common.sh

SECS=${1:-5}
LCORE=${2:-1}
BUILD_DIR=${BUILD_DIR:-build}
WORK=$(mktemp -d /tmp/sa-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

sa_configure "$BUILD_DIR"
ninja -C "$BUILD_DIR" runtime/sa-runtime tools/sa-tracegen >/dev/null
"$BUILD_DIR/tools/sa-tracegen" --out "$WORK/bench.pcap" --seed 3 \
	--flows 1024 --pkt-size 64 --max-packets 8192 \
	--nat-pool 203.0.113.0/30 \
	--udp 50 --icmp 0 >/dev/null
# profile_trace MB [options]: WORK/MB.pcap of the same size from MB's
# profile.
profile_trace() {
	mb=$1
	shift
	"$BUILD_DIR/tools/sa-tracegen" --out "$WORK/$mb.pcap" --profile "$mb" \
		--seed 3 --flows 1024 --pkt-size 64 --max-packets 8192 "$@" \
		>/dev/null
}
profile_trace lb --config configs/lb.ini
profile_trace ids
profile_trace monitor

# [runtime] for the bench, then the middlebox's own section from configs/.
bench_config() {
	{
		printf '[runtime]\nmode = one-armed\nport = net_pcap0\n'
		printf 'tx_port = net_null0\nmbufs = 32767\n\n'
		sed -n "/^\[$1\]/,/^\[/{/^\[runtime\]/d;p}" "configs/$2.ini"
	} >"$WORK/$1.ini"
}

# run_one MB TRACE: Mpps of MB over TRACE.
run_one() {
	mb=$1
	"$BUILD_DIR/runtime/sa-runtime" --no-huge -m 1024 --no-pci --no-shconf \
		-l "$LCORE" --file-prefix sabench --log-level=lib.eal:error \
		--vdev "net_pcap0,rx_pcap=$2,infinite_rx=1" \
		--vdev net_null0,no-rx=1 -- --mb "$mb" --config "$WORK/$mb.ini" \
		--run-time $((SECS * 1000)) --quiet --stats-file "$WORK/$mb.json" \
		>"$WORK/$mb.log" 2>&1 || { cat "$WORK/$mb.log" >&2; exit 1; }
	rx=$(sed -n 's/^ *"port.rx": \([0-9]*\),$/\1/p' "$WORK/$mb.json")
	s=$(sed -n 's/^ *"seconds": \([0-9.]*\),$/\1/p' "$WORK/$mb.json")
	echo "$rx $s" | awk '{ printf "%.2f", $1 / $2 / 1e6 }'
}

for mb in passthrough nat firewall lb ids monitor; do
	bench_config "$mb" "$mb"
done
echo "one core (lcore $LCORE), 64-byte frames, net_pcap infinite_rx -> net_null, ${SECS}s each"
printf '%-12s %8s %8s\n' middlebox Mpps ratio
base=$(run_one passthrough "$WORK/bench.pcap")
printf '%-12s %8s %8s\n' passthrough "$base" 1.00
for mb in nat firewall lb ids monitor; do
	trace=$WORK/$mb.pcap
	[ -f "$trace" ] || trace=$WORK/bench.pcap
	mpps=$(run_one "$mb" "$trace")
	printf '%-12s %8s %8s\n' "$mb" "$mpps" \
		"$(echo "$mpps $base" | awk '{ printf "%.2f", $1 / $2 }')"
done
if [ -n "$REPLICATION" ]; then
	echo
	tools/bench-replication.sh "$SECS" "$LCORE"
fi
