#!/bin/sh
# Bad input to sa-runtime: each case exits non-zero with a message that
# names the option, the file and line, or the missing file.
. "$(dirname "$0")/lib.sh"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 5 --flows 10 >/dev/null

# expect_fail NAME PATTERN VDEV CONFIG [runtime options]
expect_fail() {
	name=$1 pattern=$2 vdev=$3 cfg=$4
	shift 4
	# shellcheck disable=SC2046
	if "$SA_RUNTIME" $(sa_eal "$name") --vdev "$vdev" -- \
		--config "$cfg" --quiet "$@" >"$WORK/$name.log" 2>&1; then
		fail "$name: exited 0"
	fi
	grep -q -- "$pattern" "$WORK/$name.log" ||
		fail "$name: no '$pattern' in: $(cat "$WORK/$name.log")"
}

PCAP="net_pcap0,rx_pcap=$WORK/in.pcap,tx_pcap=$WORK/out.pcap"
printf '[runtime]\nport = net_pcap0\n' >"$WORK/ok.ini"

expect_fail unknown-mb "no middlebox 'natt'" "$PCAP" "$WORK/ok.ini" --mb natt
grep -q firewall "$WORK/unknown-mb.log" || fail "unknown --mb does not list"
expect_fail no-config "/nonexistent.ini: cannot open" "$PCAP" \
	/nonexistent.ini --mb nat
expect_fail bad-option "unrecognized option" "$PCAP" "$WORK/ok.ini" \
	--mb nat --frobnicate
expect_fail bad-clock "not tsc or trace" "$PCAP" "$WORK/ok.ini" \
	--mb nat --clock wall
expect_fail bad-idle "not a number" "$PCAP" "$WORK/ok.ini" \
	--mb nat --idle-exit soon

printf '[runtime]\nport = net_pcap0\nburst = 500\n' >"$WORK/burst.ini"
expect_fail bad-burst "$WORK/burst.ini:3: \[runtime\] burst" "$PCAP" \
	"$WORK/burst.ini" --mb passthrough
printf '[runtime]\nport = net_pcap7\n' >"$WORK/port.ini"
expect_fail bad-port "$WORK/port.ini:2: \[runtime\] port: no port" "$PCAP" \
	"$WORK/port.ini" --mb passthrough
printf '[runtime]\nport = net_pcap0\nspeed = fast\n' >"$WORK/key.ini"
expect_fail unknown-key "$WORK/key.ini:3: \[runtime\] speed: unknown key" \
	"$PCAP" "$WORK/key.ini" --mb passthrough
printf '[nat]\npool = 1.2.3.4\n' >"$WORK/noruntime.ini"
expect_fail no-runtime "missing \[runtime\]" "$PCAP" "$WORK/noruntime.ini" \
	--mb nat
printf '[runtime]\nport = net_pcap0\n[nat]\ninside = 10.0.0.0/8\npool = 300.1.2.3\n' \
	>"$WORK/nat.ini"
expect_fail bad-nat "$WORK/nat.ini:5: \[nat\] pool" "$PCAP" "$WORK/nat.ini" \
	--mb nat
printf '[runtime]\nport = net_pcap0\n[firewall]\nrule = allow tcp from\n' \
	>"$WORK/fw.ini"
expect_fail bad-rule "$WORK/fw.ini:4: \[firewall\] rule" "$PCAP" \
	"$WORK/fw.ini" --mb firewall
expect_fail missing-pcap "nonexistent.pcap" \
	"net_pcap0,rx_pcap=/nonexistent.pcap,tx_pcap=$WORK/o.pcap" \
	"$WORK/ok.ini" --mb passthrough
echo "ok: every bad input refused with a precise message"
