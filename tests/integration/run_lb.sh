#!/bin/sh
# lb on net_pcap over an lb-profile trace of configs/lb.ini's services
# (TCP and UDP, IPv4 and IPv6, VLAN tags, unknown VIPs, ports and
# protocols, ICMP, fragments, backend packets of no connection, malformed
# frames): every client packet to a service reaches an up backend of it,
# the same one for its whole flow, replies leave from the VIP, nothing
# else changes and checksums hold (sa-pcapcheck lb); every counter equals
# what the trace holds, per backend too; a second run is identical.
# Backends change state during the trace: sa-tracegen --backend-changes
# writes lb's commands with their input positions, sa-runtime --commands
# runs them there, and sa-pcapcheck lb --commands checks that new flows
# avoid drained and down backends and that only flows of a down backend
# move. Then the schedule's errors: FILE:LINE and a non-zero exit.
. "$(dirname "$0")/lib.sh"

CFG="$SA_CONFIGS/lb.ini"
CMDS="$WORK/commands.txt"
"$SA_TRACEGEN" --profile lb --config "$CFG" --out "$WORK/in.pcap" \
	--seed 21 --flows 3000 --ipv6 10 --vlan 5 --malformed 1 --stats \
	--backend-changes 8 --commands-out "$CMDS" >"$WORK/tg.txt"
expect_eq "changes written" "$(grep -c . "$CMDS")" \
	"$(kv_get "$WORK/tg.txt" lb_backend_changes)"
grep -q ' down$' "$CMDS" || fail "the schedule marks no backend down"
sa_run lb "$CFG" "$WORK/in.pcap" "$WORK/out.pcap" "$WORK/s1.json" \
	--commands "$CMDS"
"$SA_PCAPCHECK" lb --in "$WORK/in.pcap" --out "$WORK/out.pcap" \
	--config "$CFG" --commands "$CMDS" >"$WORK/check.txt" ||
	fail "lb output check: $(tail -3 "$WORK/check.txt")"
cat "$WORK/check.txt"
# Without the changes the output is not what the lb config alone gives.
if "$SA_PCAPCHECK" lb --in "$WORK/in.pcap" --out "$WORK/out.pcap" \
	--config "$CFG" >"$WORK/nochg.txt"; then
	fail "sa-pcapcheck lb accepted the output without the changes"
fi

S="$WORK/s1.json"
rx=$(json_get "$S" port.rx)
tx=$(json_get "$S" port.tx)
expect_eq "port.rx = trace" "$rx" "$(kv_get "$WORK/check.txt" in_packets)"
expect_eq "port.tx = output" "$tx" "$(kv_get "$WORK/check.txt" out_packets)"
expect_eq "emitted + dropped" \
	$(($(json_get "$S" emitted) + $(json_get "$S" dropped))) "$rx"
expect_eq "client + reply = output" $(($(kv_get "$WORK/check.txt" client) +
	$(kv_get "$WORK/check.txt" reply))) "$tx"

# counter (stats JSON) = what the trace holds (sa-tracegen --stats)
while read -r counter expected; do
	expect_eq "$counter" "$(json_get "$S" "$counter")" \
		"$(kv_get "$WORK/tg.txt" "$expected")"
done <<EOF
mb.client_packets lb_client_packets
mb.reply_packets lb_reply_packets
mb.tcp_conns_created lb_tcp_conns
mb.udp_conns_created lb_udp_conns
drop.unknown-vip lb_drop_unknown_vip
drop.proto-unsupported lb_drop_proto_unsupported
drop.fragment lb_drop_fragment
drop.no-connection lb_drop_no_connection
EOF
[ "$(kv_get "$WORK/tg.txt" lb_drop_first_refused)" = 0 ] ||
	fail "the lb refused flows while the trace was generated"
# Whatever the lb's own reasons do not cover is a malformed frame.
malformed=$(json_get "$S" dropped)
for r in unknown-vip no-backend no-connection conn-table-full fragment \
	proto-unsupported; do
	malformed=$((malformed - $(json_get "$S" "drop.$r")))
done
expect_eq "malformed drops" "$malformed" "$(kv_get "$WORK/tg.txt" malformed)"
expect_eq "flows = connections" "$(kv_get "$WORK/check.txt" flows)" \
	"$(json_get "$S" mb.conns_created)"
expect_eq "commands run" "$(json_get "$S" commands.run)" \
	"$(kv_get "$WORK/tg.txt" lb_backend_changes)"
expect_eq "commands failed" "$(json_get "$S" commands.failed)" 0
expect_eq "moved = rescheduled" "$(kv_get "$WORK/check.txt" moved)" \
	"$(json_get "$S" mb.conns_rescheduled)"
[ "$(kv_get "$WORK/check.txt" moved)" -gt 0 ] ||
	fail "no connection was moved off a down backend"
i=0
while grep -q "\"mb.backend$i.connections\"" "$S"; do
	expect_eq "backend$i connections" \
		"$(json_get "$S" "mb.backend$i.connections")" \
		"$(kv_get "$WORK/check.txt" "backend$i.flows")"
	i=$((i + 1))
done
[ "$i" -gt 0 ] || fail "no per-backend counters"

sa_run lb "$CFG" "$WORK/in.pcap" "$WORK/out2.pcap" "$WORK/s2.json" \
	--commands "$CMDS"
"$SA_PCAPCHECK" subset --in "$WORK/out.pcap" --out "$WORK/out2.pcap" \
	>"$WORK/again.txt" || fail "second run differs"
expect_eq "second run" "$(kv_get "$WORK/again.txt" out_packets)" "$tx"

# Bad schedules stop sa-runtime before any packet, naming FILE:LINE.
bad_schedule() {
	printf '%b' "$2" >"$WORK/bad.txt"
	if sa_run lb "$CFG" "$WORK/in.pcap" "$WORK/bad.pcap" "$WORK/bad.json" \
		--commands "$WORK/bad.txt" >"$WORK/bad.log" 2>&1; then
		fail "schedule '$2' accepted"
	fi
	grep -q "bad.txt:$1: " "$WORK/bad.log" ||
		fail "schedule '$2': no bad.txt:$1 in: $(cat "$WORK/bad.log")"
}
bad_schedule 3 '# ok\n5 backend 192.0.2.10:80/tcp 10.1.0.1:8080 up\n3 x\n'
bad_schedule 1 'five backend 192.0.2.10:80/tcp 10.1.0.1:8080 up\n'
bad_schedule 1 '7\n'
bad_schedule 1 '7 backend \0377 up\n'
bad_schedule 1 "7 $(printf '%0300d' 0)\n"
echo "ok: lb balanced $(kv_get "$WORK/check.txt" flows) flows over $i" \
	"backends, $tx of $rx frames out, reproducibly"
