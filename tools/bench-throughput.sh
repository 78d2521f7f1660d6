#!/bin/sh
# Throughput benchmark (not a test): one core, net_pcap replaying a small
# generated trace of 64-byte frames forever (infinite_rx) into the inside
# arm, the outside arm on net_null; Mpps per middlebox and its ratio to
# passthrough. Usage: tools/bench-throughput.sh [seconds] [lcore]
set -eu
cd "$(dirname "$0")/.."
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

# [runtime] for the bench, then the middlebox's own section from configs/.
bench_config() {
	{
		printf '[runtime]\nmode = one-armed\nport = net_pcap0\n'
		printf 'tx_port = net_null0\nmbufs = 32767\n\n'
		sed -n "/^\[$1\]/,/^\[/{/^\[runtime\]/d;p}" "configs/$2.ini"
	} >"$WORK/$1.ini"
}

run_one() {
	mb=$1
	"$BUILD_DIR/runtime/sa-runtime" --no-huge -m 1024 --no-pci --no-shconf \
		-l "$LCORE" --file-prefix sabench --log-level=lib.eal:error \
		--vdev "net_pcap0,rx_pcap=$WORK/bench.pcap,infinite_rx=1" \
		--vdev net_null0,no-rx=1 -- --mb "$mb" --config "$WORK/$mb.ini" \
		--run-time $((SECS * 1000)) --quiet --stats-file "$WORK/$mb.json" \
		>"$WORK/$mb.log" 2>&1 || { cat "$WORK/$mb.log" >&2; exit 1; }
	rx=$(sed -n 's/^ *"port.rx": \([0-9]*\),$/\1/p' "$WORK/$mb.json")
	s=$(sed -n 's/^ *"seconds": \([0-9.]*\),$/\1/p' "$WORK/$mb.json")
	echo "$rx $s" | awk '{ printf "%.2f", $1 / $2 / 1e6 }'
}

bench_config passthrough passthrough
bench_config nat nat
bench_config firewall firewall
echo "one core (lcore $LCORE), 64-byte frames, net_pcap infinite_rx -> net_null, ${SECS}s each"
printf '%-12s %8s %8s\n' middlebox Mpps ratio
base=$(run_one passthrough)
printf '%-12s %8s %8s\n' passthrough "$base" 1.00
for mb in nat firewall; do
	mpps=$(run_one "$mb")
	printf '%-12s %8s %8s\n' "$mb" "$mpps" \
		"$(echo "$mpps $base" | awk '{ printf "%.2f", $1 / $2 }')"
done
