#!/bin/sh
# Installs what is missing, builds, then runs the main job on DPDK virtual
# devices (net_pcap) over a generated trace: a NAT alone, its output
# checked; then a primary/standby pair whose primary is killed (-9) at a
# random batch and whose standby is promoted, the outputs compared byte
# for byte with the uninterrupted run's; then the replication bytes of
# every --replicate mode; then a pair run by two sa-hadaemons in network
# namespaces, whose primary runtime is killed and whose daemons detect
# it and promote the standby by themselves.
set -eu
cd "$(dirname "$0")/.."
. tools/lib/common.sh

BUILD_DIR=${BUILD_DIR:-build}
OUT=${OUT:-$BUILD_DIR/quickstart}
FLOWS=${FLOWS:-5000}

sa_install_deps
sa_build "$BUILD_DIR"
mkdir -p "$OUT"

echo "== generating a trace: $FLOWS flows through a NAT (seed 1)"
"$BUILD_DIR/tools/sa-tracegen" --out "$OUT/trace.pcap" --seed 1 \
	--flows "$FLOWS" --inside 10.0.0.0/16 --nat-pool 203.0.113.0/30 \
	--ipv6 5 --vlan 5 --unsolicited 2 --malformed 1 --stats

echo "== running nat on net_pcap (one-armed, trace clock)"
"$BUILD_DIR/runtime/sa-runtime" --no-huge -m 512 --no-pci --no-shconf \
	-l 0 --file-prefix saqs --log-level=lib.eal:error \
	--vdev "net_pcap0,rx_pcap=$OUT/trace.pcap,tx_pcap=$OUT/out.pcap" -- \
	--mb nat --config configs/nat.ini --clock trace --idle-exit 500 \
	--stats-file "$OUT/stats.json"

echo "== checking the output (translation, mapping, return traffic)"
"$BUILD_DIR/tools/sa-pcapcheck" nat --in "$OUT/trace.pcap" \
	--out "$OUT/out.pcap" --pool 203.0.113.0/30 --inside 10.0.0.0/16

echo "== failover: primary + standby (--replicate analyzed --commit sync)," \
	"kill -9 of the primary at a random batch, standby promoted"
tools/failover-harness.sh --mb nat --trace "$OUT/trace.pcap" --kills 1 \
	--seed "${SEED:-$$}" --build "$BUILD_DIR"

echo "== replication savings: the same trace once per --replicate mode"
"$BUILD_DIR/tools/sa-replbench" --mb nat --trace "$OUT/trace.pcap" \
	--build "$BUILD_DIR" --csv "$OUT/replbench.csv" \
	--plot "$OUT/replbench.svg"

echo "== the pair under sa-hadaemon (network namespaces, net_af_packet):" \
	"kill -9 of the primary runtime, detected and taken over by the daemons"
if ! tools/ha-failover.sh --scenario runtime:3 --seed "${SEED:-$$}" \
	--build "$BUILD_DIR" >"$OUT/ha-failover.log" 2>&1; then
	cat "$OUT/ha-failover.log"
	exit 1
fi
tail -5 "$OUT/ha-failover.log"

echo "== done: input $OUT/trace.pcap, output $OUT/out.pcap," \
	"counters $OUT/stats.json, replication $OUT/replbench.{csv,svg}"
