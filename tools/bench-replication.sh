#!/bin/sh
# Throughput with replication (not a test): nat and firewall on the bench
# trace of tools/bench-throughput.sh (net_pcap replaying 8192 64-byte
# frames of 1024 flows forever, output to net_null), the primary on one
# core and its standby on another, loopback TCP between them. Rows: solo;
# primary with a standby and --replicate off (the protocol's floor: one
# empty delta per batch); analyzed with --commit async; analyzed with
# --commit sync. Each row runs twice (the machine is shared: compare
# within a run); overhead is 1 - Mpps / solo's Mpps of the same run.
# 'tracking' says what the runtime did: hooks (instrumented build) or
# pages (no manifest: analyzed falls back to dirty pages). 'Mpps/CPU-s'
# divides by the primary's CPU time (user + sys, start-up included)
# instead of wall time: what the primary would do with its core to
# itself, steadier than Mpps when other jobs share the machine.
# BENCH_ROWS picks rows (default "solo off async sync"; overheads need
# solo), BENCH_MBS middleboxes.
# Usage: tools/bench-replication.sh [seconds] [primary lcore] [standby lcore]
#        (also: tools/bench-throughput.sh --replication [seconds] [lcore])
set -eu
cd "$(dirname "$0")/.."
. tools/lib/common.sh

SECS=${1:-5}
LCORE=${2:-1}
SLCORE=${3:-$((1 - LCORE % 2))}
MBS=${BENCH_MBS:-nat firewall}
ROWS=${BENCH_ROWS:-solo off async sync}
BUILD_DIR=${BUILD_DIR:-build}
WORK=$(mktemp -d /tmp/sa-bench-repl.XXXXXX)
STANDBY=""
trap '[ -z "$STANDBY" ] || kill -9 "$STANDBY" 2>/dev/null || true; rm -rf "$WORK"' EXIT

sa_configure "$BUILD_DIR"
ninja -C "$BUILD_DIR" runtime/sa-runtime tools/sa-tracegen >/dev/null
"$BUILD_DIR/tools/sa-tracegen" --out "$WORK/bench.pcap" --seed 3 \
	--flows 1024 --pkt-size 64 --max-packets 8192 \
	--nat-pool 203.0.113.0/30 --udp 50 --icmp 0 >/dev/null
head -c 24 "$WORK/bench.pcap" >"$WORK/empty.pcap"
umask 077
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$WORK/key"
echo >>"$WORK/key"
umask 022

# [runtime] for the bench, the middlebox's section from configs/, and a
# [replication] section.
bench_config() {
	{
		printf '[runtime]\nmode = one-armed\nport = net_pcap0\n'
		printf 'tx_port = net_null0\nmbufs = 32767\n\n'
		sed -n "/^\[$1\]/,/^\[/{/^\[runtime\]/d;/^\[replication\]/d;p}" \
			"configs/$1.ini"
		printf '\n[replication]\nkey_file = %s\nack_timeout = 2s\n' \
			"$WORK/key"
		printf 'reconnect = 50ms\n'
	} >"$WORK/$1.ini"
}

# eal LCORE PREFIX RX_PCAP [infinite]
eal() {
	inf=
	[ -z "${4:-}" ] || inf=,infinite_rx=1
	echo "--no-huge -m 1024 --no-pci --no-shconf -l $1 --file-prefix $2" \
		"--log-level=lib.eal:error --vdev net_pcap0,rx_pcap=$3$inf" \
		"--vdev net_null0,no-rx=1"
}

# mpps JSON: Mpps of a run's stats file.
mpps() {
	rx=$(sed -n 's/^ *"port.rx": \([0-9]*\),$/\1/p' "$1")
	s=$(sed -n 's/^ *"seconds": \([0-9.]*\),$/\1/p' "$1")
	echo "$rx $s" | awk '{ printf "%.2f", $1 / $2 / 1e6 }'
}

# mpps_cpu RUN: Mpps per second of the primary's CPU time.
mpps_cpu() {
	rx=$(sed -n 's/^ *"port.rx": \([0-9]*\),$/\1/p' "$WORK/$1.json")
	echo "$rx $(tail -n 1 "$WORK/$1.time")" |
		awk '{ printf "%.2f", $1 / ($2 + $3) / 1e6 }'
}

# counter JSON KEY
counter() {
	sed -n "s/^ *\"$2\": \([0-9]*\),\{0,1\}$/\1/p" "$1"
}

# run MB TAG [primary options]: one run; prints Mpps. With options, a
# standby is started first and the primary replicates to it.
run() {
	mb=$1 tag=$2
	shift 2
	port=$((20000 + ($$ + ${#tag} * 97) % 20000))
	role=""
	if [ $# -gt 0 ]; then
		# shellcheck disable=SC2046
		"$BUILD_DIR/runtime/sa-runtime" $(eal "$SLCORE" "sbrs$$" \
			"$WORK/empty.pcap") -- --mb "$mb" \
			--config "$WORK/$mb.ini" --role standby \
			--listen "127.0.0.1:$port" --quiet \
			>"$WORK/$mb.$tag.standby.log" 2>&1 &
		STANDBY=$!
		role="--role primary --peer 127.0.0.1:$port --await-standby 10000"
	fi
	# shellcheck disable=SC2046,SC2086
	/usr/bin/time -f '%U %S' -o "$WORK/$mb.$tag.time" \
		"$BUILD_DIR/runtime/sa-runtime" $(eal "$LCORE" "sbrp$$" \
		"$WORK/bench.pcap" 1) -- --mb "$mb" --config "$WORK/$mb.ini" \
		--run-time $((SECS * 1000)) --quiet \
		--stats-file "$WORK/$mb.$tag.json" $role "$@" \
		>"$WORK/$mb.$tag.log" 2>&1 ||
		{ tail -n 20 "$WORK/$mb.$tag.log" >&2; exit 1; }
	if [ -n "$STANDBY" ]; then
		kill "$STANDBY"
		wait "$STANDBY" || true
		STANDBY=""
		if [ "$(counter "$WORK/$mb.$tag.json" repl.connects)" != 1 ]; then
			echo "$mb $tag: the standby never connected" >&2
			tail -n 20 "$WORK/$mb.$tag.standby.log" >&2
			exit 1
		fi
	fi
	echo "$(mpps "$WORK/$mb.$tag.json"):$(mpps_cpu "$mb.$tag")"
}

# tracking LOG: hooks, pages, off... as the primary logged it.
tracking() {
	sed -n 's/.*primary: replicating to .*--replicate [a-z]* (\([a-z]*\)).*/\1/p' "$1"
}

# B/packet of the deltas of a run (the Hello and snapshot excluded).
delta_bpp() {
	w=$(counter "$1" repl.wire_bytes)
	s=$(counter "$1" repl.sync_wire_bytes)
	rx=$(counter "$1" port.rx)
	echo "$w $s $rx" | awk '{ printf "%.1f", ($1 - $2) / $3 }'
}

echo "replication throughput: primary on lcore $LCORE, standby on lcore" \
	"$SLCORE, 64-byte frames, net_pcap infinite_rx -> net_null, ${SECS}s" \
	"per run, 2 runs"
printf '%-9s %-26s %-8s %13s %13s %13s %13s %6s\n' middlebox setup \
	tracking "Mpps (1 / 2)" overhead "Mpps/CPU-s" "overhead/CPU" \
	"B/pkt"
for mb in $MBS; do
	bench_config "$mb"
	for r in 1 2; do
		for row in $ROWS; do
			case $row in
			solo) opts="" ;;
			off) opts="--replicate off --commit async" ;;
			async) opts="--replicate analyzed --commit async" ;;
			sync) opts="--replicate analyzed --commit sync" ;;
			*) echo "unknown row $row" >&2; exit 2 ;;
			esac
			# shellcheck disable=SC2086
			eval "$row$r=\$(run $mb $row$r $opts)"
		done
	done
	for row in $ROWS; do
		eval "a=\$${row}1 b=\$${row}2 s1=\${solo1:-} s2=\${solo2:-}"
		case $row in
		solo) setup="solo"; trk="-" ;;
		off) setup="standby, --replicate off" ;;
		async) setup="analyzed, --commit async" ;;
		sync) setup="analyzed, --commit sync" ;;
		esac
		bpp="-"
		if [ "$row" != solo ]; then
			trk=$(tracking "$WORK/$mb.${row}1.log")
			bpp=$(delta_bpp "$WORK/$mb.${row}1.json")
		fi
		# a, b, s1, s2: "wall:cpu" Mpps pairs.
		echo "$a $b ${s1:-0:0} ${s2:-0:0}" | tr ':' ' ' | awk \
			-v mb="$mb" -v setup="$setup" -v trk="$trk" -v bpp="$bpp" '
		function ovh(x, s) { return s > 0 ? sprintf("%.0f%%", 100 * (1 - x / s)) : "-" }
		{
			printf "%-9s %-26s %-8s %13s %13s %13s %13s %6s\n", mb,
				setup, trk, $1 " / " $3, ovh($1, $5) " / " ovh($3, $7),
				$2 " / " $4, ovh($2, $6) " / " ovh($4, $8), bpp
		}'
	done
done
