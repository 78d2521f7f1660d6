#!/bin/sh
# nat on net_pcap over a generated trace with return traffic, IPv6, VLANs,
# unsolicited inbound and malformed frames: every translated source is in
# the pool, mappings are stable and unique, return traffic is restored,
# the counters add up, and a second run is identical (trace clock).
. "$(dirname "$0")/lib.sh"

POOL=203.0.113.0/30
INSIDE=10.0.0.0/16
"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 42 --flows 3000 \
	--inside "$INSIDE" --nat-pool "$POOL" --ipv6 10 --vlan 5 \
	--unsolicited 5 --malformed 2 >/dev/null
sa_run nat "$SA_CONFIGS/nat.ini" "$WORK/in.pcap" "$WORK/out.pcap" \
	"$WORK/s1.json"
"$SA_PCAPCHECK" nat --in "$WORK/in.pcap" --out "$WORK/out.pcap" \
	--pool "$POOL" --inside "$INSIDE" >"$WORK/check.txt" ||
	fail "nat output check: $(tail -3 "$WORK/check.txt")"
cat "$WORK/check.txt"

rx=$(json_get "$WORK/s1.json" port.rx)
tx=$(json_get "$WORK/s1.json" port.tx)
expect_eq "port.rx = trace" "$rx" "$(kv_get "$WORK/check.txt" in_packets)"
expect_eq "port.tx = output" "$tx" "$(kv_get "$WORK/check.txt" out_packets)"
emitted=$(json_get "$WORK/s1.json" emitted)
dropped=$(json_get "$WORK/s1.json" dropped)
expect_eq "emitted + dropped" $((emitted + dropped)) "$rx"
[ "$(kv_get "$WORK/check.txt" out2in)" -gt 0 ] || fail "no return traffic"
[ "$(json_get "$WORK/s1.json" drop.no-session)" -gt 0 ] ||
	fail "unsolicited inbound was not dropped as no-session"

sa_run nat "$SA_CONFIGS/nat.ini" "$WORK/in.pcap" "$WORK/out2.pcap" \
	"$WORK/s2.json"
"$SA_PCAPCHECK" subset --in "$WORK/out.pcap" --out "$WORK/out2.pcap" \
	>"$WORK/again.txt" || fail "second run differs"
expect_eq "second run" "$(kv_get "$WORK/again.txt" out_packets)" "$tx"
echo "ok: nat translated $tx of $rx frames, reproducibly"
