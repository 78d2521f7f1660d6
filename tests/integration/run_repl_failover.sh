#!/bin/sh
# A first failover harness (DESIGN.md 5), nat one-armed on net_pcap with
# the trace clock: a primary processes the first half of a trace with a
# standby attached (--verify-replica: the standby's replica must equal the
# primary's after every batch), is killed with -9, the standby is promoted
# over the control socket and fed the trace from the input count of the
# last batch it applied. The primary's output must be a prefix and the
# standby's a suffix of an uninterrupted run's, byte for byte, with
# nothing missing between them, for analyzed, pages and snapshot. With --replicate off the same run must
# fail: the harness catches lost state.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repl_lib.sh"

POOL=203.0.113.0/30
"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 7 --flows 600 --duration 4 \
	--inside 10.0.0.0/16 --nat-pool "$POOL" --udp 30 >/dev/null
repl_key "$WORK/key"
repl_config "$SA_CONFIGS/nat.ini" "$WORK/nat.ini" "$WORK/key"
TOTAL=$(pcap_tool count "$WORK/in.pcap")
HALF=$((TOTAL / 2))
pcap_tool header "$WORK/in.pcap" >"$WORK/empty.pcap"

sa_run nat "$WORK/nat.ini" "$WORK/in.pcap" "$WORK/ref.pcap" "$WORK/ref.json"

# failover MODE: runs the pair; leaves the outputs in $WORK/MODE.*.
failover() {
	mode=$1 d="$WORK/$mode"
	# off replicates nothing, so its replica is not expected to match.
	verify=--verify-replica
	[ "$mode" != off ] || verify=
	mkdir -p "$d"
	pcap_tool header "$WORK/in.pcap" >"$d/first.pcap"
	pcap_tool records "$WORK/in.pcap" 0 "$HALF" >>"$d/first.pcap"
	# The standby reads a FIFO: the pcap header now, the rest of the
	# trace once its input count is known; its RX is not polled before.
	mkfifo "$d/rest.fifo"
	exec 3<>"$d/rest.fifo"
	pcap_tool header "$WORK/in.pcap" >&3
	repl_run standby 1 s \
		"net_pcap0,rx_pcap=$d/rest.fifo,tx_pcap=$d/standby.pcap" \
		"$WORK/nat.ini" "$d/standby.log" --mb nat --clock trace \
		--listen "127.0.0.1:$REPL_PORT" \
		--control "$d/ctl" $verify --idle-exit 500 \
		--stats-file "$d/standby.json"
	standby=$!
	wait_for "the standby's control socket" 10 test -S "$d/ctl"
	repl_run primary 0 p \
		"net_pcap0,rx_pcap=$d/first.pcap,tx_pcap=$d/primary.pcap" \
		"$WORK/nat.ini" "$d/primary.log" --mb nat --clock trace \
		--peer "127.0.0.1:$REPL_PORT" --replicate "$mode" \
		--commit sync $verify --await-standby 5000
	primary=$!
	wait_for "the standby to apply $HALF packets" 20 \
		ctl_is "$d/ctl" input_count "$HALF"
	# The last ack reaches the primary within microseconds; its TX
	# leaves right then. Then the crash.
	sleep 0.5
	kill -9 "$primary"
	wait "$primary" 2>/dev/null || true
	from=$(ctl "$d/ctl" input_count)
	if [ -n "$verify" ]; then
		ctl_is "$d/ctl" counter.repl.verify_mismatches 0 ||
			fail "$mode: replica differed from the primary"
		[ "$(ctl "$d/ctl" counter.repl.verify_checked)" -gt 0 ] ||
			fail "$mode: no replica comparison was made"
	fi
	pcap_tool records "$WORK/in.pcap" "$from" >&3 &
	writer=$!
	exec 3>&-
	"$SA_CTL" --socket "$d/ctl" promote >"$d/promote.txt" ||
		fail "$mode: promotion refused"
	expect_eq "$mode: promoted epoch" "$(kv_get "$d/promote.txt" epoch)" 2
	wait "$writer"
	wait "$standby" || fail "$mode: the promoted standby failed"
}

# Every mode that replicates state must fail over exactly.
for mode in analyzed pages snapshot; do
	failover "$mode"
	pcap_tool failover "$WORK/ref.pcap" "$WORK/$mode/primary.pcap" \
		"$WORK/$mode/standby.pcap" >"$WORK/$mode.txt" ||
		fail "$mode: $(cat "$WORK/$mode.txt")"
	echo "$mode: $(tr '\n' ' ' <"$WORK/$mode.txt")"
	[ "$(json_get "$WORK/$mode/standby.json" repl.promotions)" = 1 ] ||
		fail "$mode: the standby was not promoted"
done

failover off
if pcap_tool failover "$WORK/ref.pcap" "$WORK/off/primary.pcap" \
	"$WORK/off/standby.pcap" >"$WORK/off.txt" 2>&1; then
	fail "--replicate off preserved every flow: the harness is blind"
fi
echo "off: $(tail -1 "$WORK/off.txt") (expected)"
echo "ok: nat failover byte-identical with sync commit; off detected"
