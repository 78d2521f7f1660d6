#!/bin/sh
# Failover harness for sa-hadaemon pairs (issue 5), after pfsync's ATF vnet
# tests: three network namespaces joined by veth pairs.
#
#   src ns:  sa0 ──veth── ain ┐                 ┌ aout ──veth── ka  :sink ns
#            sb0 ──veth── bin ┤  mid ns: A, B   ├ bout ──veth── kb
#                             └ (runtimes on net_af_packet, daemons, lo)
#
# The source replays a tagged trace (sa-tracegen, each IPv4 packet's index
# in its IP ID) at a set rate on both sa0 and sb0, so both instances see
# the same input; A is the primary, B the standby with --keep-input; the
# sink captures what each one transmits, on ka and kb. Each iteration
# kills -9 the primary runtime at a seeded random time and measures, from
# the capture: failover time (kill -> first packet B forwards), packets
# lost, and per-packet equivalence with a reference run (solo, net_pcap)
# of the same trace; "a_after_b" counts A packets seen after B's first
# (two transmitters). Needs root. Exits 1 when a kill was not followed by
# a takeover, or any output differed from the reference, or both sides
# transmitted; the failover time is reported, not enforced.
#
#   tools/ha-failover.sh [--kills N] [--seed S] [--pps R] [--flows F]
#                        [--build DIR] [--keep]
set -eu
cd "$(dirname "$0")/.."
KILLS=20 SEED=1 PPS=20000 FLOWS=2000 BUILD=${BUILD_DIR:-build} KEEP=
while [ $# -gt 0 ]; do
	case $1 in
	--kills) KILLS=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--pps) PPS=$2; shift 2 ;;
	--flows) FLOWS=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	*) echo "usage: $0 [--kills N] [--seed S] [--pps R] [--flows F]" \
		"[--build DIR] [--keep]" >&2; exit 2 ;;
	esac
done
case $BUILD in
/*) ;;
*) BUILD="$PWD/$BUILD" ;;
esac
export SA_RUNTIME="$BUILD/runtime/sa-runtime"
export SA_HADAEMON="$BUILD/ha-daemon/sa-hadaemon"
export SA_HACTL="$BUILD/ha-daemon/sa-hactl"
TRACEGEN="$BUILD/tools/sa-tracegen"
PY="$PWD/tools/ha_failover.py"
WORK=$(mktemp -d /tmp/sa-hafo.XXXXXX)
export HA_NS_SRC="hasrc$$" HA_NS_MID="hamid$$" HA_NS_SINK="hasink$$"

cleanup() {
	for ns in "$HA_NS_SRC" "$HA_NS_MID" "$HA_NS_SINK"; do
		# Processes left in a namespace die with it only when killed.
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	[ -n "$KEEP" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# No IPv6 (router solicitations, DAD, MLD) and no addresses: the only
# frames on the links are the trace's and the middlebox's.
for ns in "$HA_NS_SRC" "$HA_NS_MID" "$HA_NS_SINK"; do
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
pair() {
	ip link add "$1" netns "$2" type veth peer name "$3" netns "$4"
	ip -n "$2" link set "$1" up
	ip -n "$4" link set "$3" up
}
pair sa0 "$HA_NS_SRC" ain "$HA_NS_MID"
pair sb0 "$HA_NS_SRC" bin "$HA_NS_MID"
pair aout "$HA_NS_MID" ka "$HA_NS_SINK"
pair bout "$HA_NS_MID" kb "$HA_NS_SINK"

# Inputs: the trace, its tagged copy, keys, the middlebox's config.
umask 077
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$WORK/repl.key"
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$WORK/ha.key"
umask 022
"$TRACEGEN" --out "$WORK/trace.pcap" --seed "$SEED" --flows "$FLOWS" \
	--duration 2 --inside 10.0.0.0/16 --nat-pool 203.0.113.0/30 \
	--max-packets 60000 >/dev/null
tagged=$(python3 "$PY" tag "$WORK/trace.pcap" "$WORK/tagged.pcap")
sed -e 's/^port = net_pcap0$/port = net_af_packet0\ntx_port = net_af_packet1/' \
	-e 's/^max_sessions = .*/max_sessions = 16384/' configs/nat.ini \
	>"$WORK/mb.ini"
printf '\n[replication]\nkey_file = %s\nack_timeout = 300ms\nreconnect = 200ms\n' \
	"$WORK/repl.key" >>"$WORK/mb.ini"
sed -e 's/^port = .*/port = net_pcap0/' "$WORK/mb.ini" |
	grep -v '^tx_port' >"$WORK/ref.ini"
"$SA_RUNTIME" --no-huge -m 256 --no-pci --no-shconf -l 0 \
	--file-prefix haref$$ --log-level=lib.eal:error \
	--vdev "net_pcap0,rx_pcap=$WORK/tagged.pcap,tx_pcap=$WORK/ref.pcap" -- \
	--mb nat --config "$WORK/ref.ini" --idle-exit 300 --quiet
echo "trace: $(python3 -c "import sys; sys.path.insert(0, 'tools')
import ha_failover as h; print(len(h.pcap_read('$WORK/tagged.pcap')[1]))") packets" \
	"($tagged tagged), $PPS pps; reference output: $WORK/ref.pcap"

i=0
while [ "$i" -lt "$KILLS" ]; do
	python3 "$PY" run "$WORK" "$SEED" "$i" "$PPS" | tee -a "$WORK/results"
	i=$((i + 1))
done
python3 "$PY" report "$WORK/results"
