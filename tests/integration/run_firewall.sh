#!/bin/sh
# firewall on net_pcap: what leaves is a subset of what came in, frames
# untouched; unsolicited inbound and malformed frames are dropped with
# their reasons; the counters add up.
. "$(dirname "$0")/lib.sh"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 9 --flows 3000 \
	--inside 10.0.0.0/16 --ipv6 20 --vlan 5 --unsolicited 5 \
	--malformed 2 >/dev/null
sa_run firewall "$SA_CONFIGS/firewall.ini" "$WORK/in.pcap" \
	"$WORK/out.pcap" "$WORK/s.json"
"$SA_PCAPCHECK" subset --in "$WORK/in.pcap" --out "$WORK/out.pcap" \
	>"$WORK/check.txt" || fail "firewall rewrote or reordered frames"
cat "$WORK/check.txt"

rx=$(json_get "$WORK/s.json" port.rx)
tx=$(json_get "$WORK/s.json" port.tx)
dropped=$(json_get "$WORK/s.json" dropped)
expect_eq "port.tx = output" "$tx" "$(kv_get "$WORK/check.txt" out_packets)"
expect_eq "tx + dropped" $((tx + dropped)) "$rx"
[ "$(json_get "$WORK/s.json" drop.default-deny)" -gt 0 ] ||
	fail "unsolicited inbound passed"
malformed=0
for r in l2-truncated ipv4-truncated ipv4-bad-ihl ipv4-bad-total-length \
	tcp-bad-data-offset l4-truncated ipv6-ext-truncated; do
	malformed=$((malformed + $(json_get "$WORK/s.json" "drop.$r")))
done
[ "$malformed" -gt 0 ] || fail "no malformed frame was counted"
# Nearly all generated traffic is legitimate and must pass.
[ $((tx * 100)) -ge $((rx * 85)) ] || fail "only $tx of $rx passed"
echo "ok: firewall passed $tx of $rx frames"
