#!/bin/sh
# Failover harness for sa-hadaemon pairs (issue 5), after pfsync's ATF vnet
# tests: network namespaces joined by veth pairs, one per host of the pair.
#
#   src ns:  sa0 ──veth── ain ┐  ns A: runtime A   ┌ aout ──veth── ka  :sink
#            sb0 ──veth── bin ┤  ns B: runtime B   ├ bout ──veth── kb
#                             │  hba ═ hbb (heartbeats, 10.77.0.0/30)
#                             └  rpa ═ rpb (replication, 10.77.1.0/30)
#
# The source replays a tagged trace (sa-tracegen NAT traffic, each IPv4
# packet's index in its IP ID) at a set rate on both sa0 and sb0, so both
# instances see the same input; A starts as the primary, B as a standby
# with --keep-input; the sink captures what each one transmits, on ka and
# kb, with kernel timestamps. Each iteration runs one scenario at a seeded
# random time (tools/ha_failover.py, run):
#
#   runtime    kill -9 of the primary runtime: B takes over
#   daemon     kill -9 of the primary's daemon: no takeover, no loss
#   both       kill -9 of the primary runtime and its daemon: B takes over
#   rejoin     kill -9 of A's runtime, A restarts as a standby, bulk-syncs
#              (SYNCING, never promoted), then kill -9 of B's runtime: A
#              takes over again (fail-back)
#   standby    kill -9 of B's (the standby's) runtime; its daemon restarts
#              it, it bulk-syncs under load (never promoted meanwhile),
#              then kill -9 of A's runtime: B takes over
#   partition  the heartbeat link down for a while, then up: no takeover
#   replcut    the replication link down while heartbeats go on: no
#              takeover; the primary goes on alone, the standby resyncs
#   split      both links down at A for 300-600 ms, then up (a full
#              partition, healed): B promotes itself, A goes on alone
#              (both transmit, as expected); at the heal A, the lower
#              epoch, demotes (TX fenced, on_demote), restarts as a
#              standby and resyncs in full; A must send nothing 1 ms
#              after its daemon logged the demotion
#
# Measured from the capture: failover time (kill -> first packet from the
# new primary), packets lost, output packets that differ from a reference
# run (solo, net_pcap) of the same trace, duplicates, and double-transmit
# packets (the old transmitter's packets after the new one's first).
# --entries N first opens N NAT sessions with untagged warm-up packets
# (IPv4 TOS 4), so the table holds N live entries at the kill. Needs root.
# Exits 1 when a kill was not followed by a takeover, a no-takeover
# scenario saw one, any output differed from the reference, two sides
# transmitted at once (outside split's partition), or A transmitted after
# its demotion; times are reported, not enforced.
#
# --scenario takes a list, each item optionally with its own count
# (runtime:2,daemon:1); --kills is the count of the others.
#
#   tools/ha-failover.sh [--scenario S[:N][,S...]] [--kills N] [--seed S]
#                        [--pps R] [--flows F] [--entries N] [--build DIR]
#                        [--keep]
set -eu
cd "$(dirname "$0")/.."
KILLS=20 SEED=1 PPS=20000 FLOWS=2000 ENTRIES=0 BUILD=${BUILD_DIR:-build}
KEEP= SCENARIOS=runtime
while [ $# -gt 0 ]; do
	case $1 in
	--scenario) SCENARIOS=$2; shift 2 ;;
	--kills) KILLS=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--pps) PPS=$2; shift 2 ;;
	--flows) FLOWS=$2; shift 2 ;;
	--entries) ENTRIES=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	*) echo "usage: $0 [--scenario S[,S...]] [--kills N] [--seed S]" \
		"[--pps R] [--flows F] [--entries N] [--build DIR] [--keep]" >&2
	   exit 2 ;;
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
export HA_NS_SRC="hasrc$$" HA_NS_A="haa$$" HA_NS_B="hab$$" \
	HA_NS_SINK="hasink$$"
NSES="$HA_NS_SRC $HA_NS_A $HA_NS_B $HA_NS_SINK"

cleanup() {
	rc=$?
	for ns in $NSES; do
		# Processes left in a namespace die with it only when killed.
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	# A failed run keeps its logs (daemons', runtimes', captures).
	if [ -n "$KEEP" ] || [ "$rc" -ne 0 ]; then
		echo "kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT INT TERM

# No IPv6 (router solicitations, DAD, MLD): the only frames on the data
# links are the trace's and the middlebox's.
for ns in $NSES; do
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
pair sa0 "$HA_NS_SRC" ain "$HA_NS_A"
pair sb0 "$HA_NS_SRC" bin "$HA_NS_B"
pair aout "$HA_NS_A" ka "$HA_NS_SINK"
pair bout "$HA_NS_B" kb "$HA_NS_SINK"
pair hba "$HA_NS_A" hbb "$HA_NS_B"
pair rpa "$HA_NS_A" rpb "$HA_NS_B"
ip -n "$HA_NS_A" addr add 10.77.0.1/30 dev hba
ip -n "$HA_NS_B" addr add 10.77.0.2/30 dev hbb
ip -n "$HA_NS_A" addr add 10.77.1.1/30 dev rpa
ip -n "$HA_NS_B" addr add 10.77.1.2/30 dev rpb

# Inputs: the trace, its tagged copy, keys, the middlebox's config.
umask 077
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$WORK/repl.key"
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$WORK/ha.key"
umask 022
"$TRACEGEN" --out "$WORK/trace.pcap" --seed "$SEED" --flows "$FLOWS" \
	--duration 2 --inside 10.0.0.0/16 --nat-pool 203.0.113.0/30 \
	--max-packets 60000 >/dev/null
if [ "$ENTRIES" -gt 0 ]; then
	# UDP request/response flows from more inside hosts, one request
	# each: ENTRIES sessions, open for udp_timeout (300 s).
	"$TRACEGEN" --out "$WORK/warm.pcap" --seed "$((SEED + 1000))" \
		--flows "$ENTRIES" --udp 100 --icmp 0 --duration 1 \
		--hosts 4096 --inside 10.0.0.0/16 \
		--nat-pool 203.0.113.0/30 >/dev/null
fi
tagged=$(python3 "$PY" tag "$WORK/trace.pcap" "$WORK/tagged.pcap" \
	"$ENTRIES" "$WORK/warm.pcap")
sed -e 's/^port = net_pcap0$/port = net_af_packet0\ntx_port = net_af_packet1/' \
	-e "s/^max_sessions = .*/max_sessions = $((ENTRIES * 2 + 16384))/" \
	configs/nat.ini >"$WORK/mb.ini"
# The standby keeps up to half its mbufs of input, rounded down to a power
# of two: 2048 packets, 100 ms at 20 kpps, cover a primary descheduled for
# long on a loaded machine (HA_MBUFS).
sed -i "s/^\[runtime\]\$/&\nmbufs = ${HA_MBUFS:-8191}/" "$WORK/mb.ini"
printf '\n[replication]\nkey_file = %s\nack_timeout = %s\nreconnect = 100ms\n' \
	"$WORK/repl.key" "${HA_ACK_TIMEOUT:-100ms}" >>"$WORK/mb.ini"
sed -e 's/^port = .*/port = net_pcap0/' "$WORK/mb.ini" |
	grep -v '^tx_port' >"$WORK/ref.ini"
"$SA_RUNTIME" --no-huge -m 256 --no-pci --no-shconf -l 0 \
	--file-prefix haref$$ --log-level=lib.eal:error \
	--vdev "net_pcap0,rx_pcap=$WORK/tagged.pcap,tx_pcap=$WORK/ref.pcap" -- \
	--mb nat --config "$WORK/ref.ini" --idle-exit 300 \
	--stats-file "$WORK/ref.json" --quiet
echo "trace: $tagged, $PPS pps; reference output: $WORK/ref.pcap"

status=0
for item in $(echo "$SCENARIOS" | tr ',' ' '); do
	sc=${item%%:*} n=$KILLS
	case $item in *:*) n=${item#*:} ;; esac
	: >"$WORK/results-$sc"
	i=0
	while [ "$i" -lt "$n" ]; do
		python3 "$PY" run "$WORK" "$SEED" "$i" "$PPS" "$sc" |
			tee -a "$WORK/results-$sc"
		i=$((i + 1))
	done
	echo "== $sc, $ENTRIES warm-up entries, $FLOWS flows"
	python3 "$PY" report "$WORK/results-$sc" || status=1
done
exit $status
