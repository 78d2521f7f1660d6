#!/bin/sh
# passthrough on net_pcap: the output pcap is the input, frame for frame,
# malformed frames included, and the counters agree.
. "$(dirname "$0")/lib.sh"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 7 --flows 300 --ipv6 20 \
	--vlan 10 --malformed 5 --unsolicited 5 >/dev/null
sa_run passthrough "$SA_CONFIGS/passthrough.ini" "$WORK/in.pcap" \
	"$WORK/out.pcap" "$WORK/stats.json"
"$SA_PCAPCHECK" subset --in "$WORK/in.pcap" --out "$WORK/out.pcap" \
	>"$WORK/check.txt" || fail "output is not the input"
n_in=$(kv_get "$WORK/check.txt" in_packets)
expect_eq out_packets "$(kv_get "$WORK/check.txt" out_packets)" "$n_in"
expect_eq port.rx "$(json_get "$WORK/stats.json" port.rx)" "$n_in"
expect_eq port.tx "$(json_get "$WORK/stats.json" port.tx)" "$n_in"
echo "ok: $n_in frames passed through unchanged"
