#!/bin/sh
# ids on net_pcap over an ids-profile trace, with configs/ids.ini and its
# rules: passively every frame is forwarded unchanged, every attack class
# of the trace raises its rules' sids (some only found across segment
# boundaries) and the port-scan, host-sweep and SYN-flood detectors fire,
# while no benign flow alerts (each alert names an attack address);
# inline, exactly the flows of "drop" rules lose their packets from the
# matching one on, and exactly the segments sent ahead of a hole are
# dropped, everything else passes.
. "$(dirname "$0")/lib.sh"

# configs/ids.ini names its rules relative to the source tree.
cd "$SA_CONFIGS/.."
"$SA_TRACEGEN" --profile ids --out "$WORK/in.pcap" --seed 13 \
	--flows 2000 --ipv6 10 --vlan 5 --stats >"$WORK/tg.txt"
sa_run ids "$SA_CONFIGS/ids.ini" "$WORK/in.pcap" "$WORK/out.pcap" \
	"$WORK/s1.json" --alert-log "$WORK/alerts.log"
"$SA_PCAPCHECK" subset --in "$WORK/in.pcap" --out "$WORK/out.pcap" \
	>"$WORK/check.txt" || fail "passive ids changed frames"
rx=$(kv_get "$WORK/check.txt" in_packets)
expect_eq "passive: all forwarded" \
	"$(kv_get "$WORK/check.txt" out_packets)" "$rx"

# class: the sids the trace's attacks of that class must raise
while read -r class sids; do
	for sid in $sids; do
		grep -q "^[0-9]* $sid " "$WORK/alerts.log" ||
			fail "$class: no alert with sid $sid"
	done
done <<EOF
sqli 1001002 1001005
xss 1002000 1002009 1002011 1002005 1002015
traversal 1003000 1003007
log4shell 1004000 1004001
shellshock 1004005
scanner-user-agent 1005000 1005001
shellcode 1006000 1006003 1006006 1006014 1006021
dns-tunnel 1007000 1007001 1007003 1007015
null-xmas 1008000 1008001
port-scan 1
host-sweep 2
syn-flood 3
EOF
# Attackers, spoofed flood sources, the compromised inside host.
attack=' (203\.0\.113\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|10\.0\.200\.|\[2001:db8:bad:)'
if grep -vE "$attack" "$WORK/alerts.log" >"$WORK/false.log"; then
	fail "benign flows alerted: $(head -3 "$WORK/false.log")"
fi
expect_eq "alerts counted" "$(json_get "$WORK/s1.json" alerts)" \
	"$(grep -c . "$WORK/alerts.log")"

sed 's/^mode = passive$/mode = inline/' "$SA_CONFIGS/ids.ini" \
	>"$WORK/inline.ini"
grep -q '^mode = inline$' "$WORK/inline.ini" || fail "no inline config"
sa_run ids "$WORK/inline.ini" "$WORK/in.pcap" "$WORK/out2.pcap" \
	"$WORK/s2.json" --alert-log "$WORK/alerts2.log"
"$SA_PCAPCHECK" subset --in "$WORK/in.pcap" --out "$WORK/out2.pcap" \
	>"$WORK/check2.txt" || fail "inline ids changed or reordered frames"
S="$WORK/s2.json"
blocked=$(($(json_get "$S" drop.rule-drop) + $(json_get "$S" drop.flow-blocked)))
expect_eq "inline: drop-rule flows' packets dropped" "$blocked" \
	"$(kv_get "$WORK/tg.txt" ids_inline_drops)"
expect_eq "inline: drop-rule flows" "$(json_get "$S" drop.rule-drop)" \
	"$(kv_get "$WORK/tg.txt" ids_drop_flows)"
expect_eq "inline: segments ahead of a hole" \
	"$(json_get "$S" drop.tcp-out-of-order)" \
	"$(kv_get "$WORK/tg.txt" ids_reordered)"
expect_eq "inline: nothing else dropped" "$(json_get "$S" dropped)" \
	$((blocked + $(json_get "$S" drop.tcp-out-of-order)))
expect_eq "inline: forwarded" "$(kv_get "$WORK/check2.txt" out_packets)" \
	$((rx - $(json_get "$S" dropped)))
for sid in 1003007 1004000 1004005 1006000; do
	grep -q "^[0-9]* $sid " "$WORK/alerts2.log" ||
		fail "inline: no alert with drop rule sid $sid"
done
echo "ok: ids raised $(grep -c . "$WORK/alerts.log") alerts, all on" \
	"attacks; inline dropped $(json_get "$S" dropped) of $rx frames"
