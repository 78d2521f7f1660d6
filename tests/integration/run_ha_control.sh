#!/bin/sh
# The runtime's control socket, as the HA daemon drives it (proto/ha.proto):
# fence / unfence (TX dropped and counted), epochs (a primary below the
# highest epoch seen fences itself and may not unfence), demote, stats,
# promote with the daemon's epoch, and bad requests (garbage records, an
# unknown request) answered with an Error and counted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repl_lib.sh"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 3 --flows 40 --duration 1 \
	>/dev/null
pcap_tool header "$WORK/in.pcap" >"$WORK/empty.pcap"
repl_key "$WORK/key"
repl_config "$SA_CONFIGS/passthrough.ini" "$WORK/pt.ini" "$WORK/key"
sed -e 's/^port = net_pcap0$/port = net_pcap0\ntx_port = net_null0/' \
	"$SA_CONFIGS/passthrough.ini" >"$WORK/solo.ini"

# ctl_err SOCKET ARGS...: the request must be refused; prints the message.
ctl_err() {
	s=$1
	shift
	if "$SA_CTL" --socket "$s" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"; then
		fail "sa-ctl $*: accepted, expected a refusal"
	fi
	cat "$WORK/err.txt"
}

# raw SOCKET HEX: sends one record, prints the reply's error code.
raw() {
	python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(bytes.fromhex(sys.argv[2]))
r = s.recv(65536)
# ControlReply: field 4 (error) = 0x22 LEN, then Error.code = 0x08 CODE.
i = r.find(b'\x22')
print(r[i + 3] if i >= 0 and r[i + 2] == 8 else 'no-error')
PY
}

# A solo runtime forwarding a looping trace to net_null: fence it.
# shellcheck disable=SC2046
"$SA_RUNTIME" $(sa_eal f) \
	--vdev "net_pcap0,rx_pcap=$WORK/in.pcap,infinite_rx=1" \
	--vdev net_null0 -- --mb passthrough --config "$WORK/solo.ini" \
	--control "$WORK/solo.ctl" --quiet >"$WORK/solo.log" 2>&1 &
REPL_PIDS="$REPL_PIDS $!"
wait_for "the solo control socket" 10 test -S "$WORK/solo.ctl"
wait_for "forwarding" 10 ctl_ge "$WORK/solo.ctl" counter.port.tx 1000
"$SA_CTL" --socket "$WORK/solo.ctl" fence >"$WORK/fence.txt"
expect_eq "fence reply" "$(kv_get "$WORK/fence.txt" fenced)" 1
tx1=$(ctl "$WORK/solo.ctl" counter.port.tx)
wait_for "fenced drops" 10 ctl_ge "$WORK/solo.ctl" counter.ha.tx_fenced 1000
expect_eq "port.tx while fenced" "$(ctl "$WORK/solo.ctl" counter.port.tx)" \
	"$tx1"
ctl_is "$WORK/solo.ctl" fenced 1 || fail "status does not say fenced"
"$SA_CTL" --socket "$WORK/solo.ctl" unfence >/dev/null
wait_for "forwarding after unfence" 10 \
	ctl_ge "$WORK/solo.ctl" counter.port.tx $((tx1 + 1000))
"$SA_CTL" --socket "$WORK/solo.ctl" stats | grep -q '^counter.ha.tx_fenced=' ||
	fail "stats has no ha.tx_fenced"
# Bad requests: garbage, a truncated record, an unknown request (field
# 15 of ControlRequest, which no runtime knows), an empty request.
expect_eq "garbage" "$(raw "$WORK/solo.ctl" ffffffffff)" 2
expect_eq "truncated" "$(raw "$WORK/solo.ctl" 0801120a)" 2
expect_eq "unknown request" "$(raw "$WORK/solo.ctl" 08017a00)" 1
expect_eq "empty request" "$(raw "$WORK/solo.ctl" 0801)" 1
ctl_ge "$WORK/solo.ctl" counter.ha.control_bad_requests 4 ||
	fail "bad requests not counted"
ctl_err "$WORK/solo.ctl" demote | grep -q "not a primary" ||
	fail "a solo runtime accepted demote"
echo "ok: fence drops and counts TX, unfence resumes, bad requests refused"

# A pair: epochs, demote, promote with the daemon's epoch.
repl_run standby 1 s "net_pcap0,rx_pcap=$WORK/empty.pcap" "$WORK/pt.ini" \
	"$WORK/standby.log" --mb passthrough --keep-input \
	--listen "127.0.0.1:$REPL_PORT" --control "$WORK/s.ctl"
wait_for "the standby's control socket" 10 test -S "$WORK/s.ctl"
repl_run primary 0 p "net_pcap0,rx_pcap=$WORK/empty.pcap" "$WORK/pt.ini" \
	"$WORK/primary.log" --mb passthrough --peer "127.0.0.1:$REPL_PORT" \
	--control "$WORK/p.ctl" --await-standby 5000
wait_for "the pair to sync" 10 ctl_is "$WORK/s.ctl" sync synced
ctl_err "$WORK/s.ctl" demote | grep -q "not a primary" ||
	fail "the standby accepted demote"
# An epoch above the primary's: it fences itself; unfence is refused.
"$SA_CTL" --socket "$WORK/p.ctl" fence --epoch 1 >/dev/null
"$SA_CTL" --socket "$WORK/p.ctl" unfence --epoch 1 >/dev/null
ctl_is "$WORK/p.ctl" fenced 0 || fail "unfence at the same epoch refused"
"$SA_CTL" --socket "$WORK/p.ctl" fence --epoch 5 >/dev/null
ctl_err "$WORK/p.ctl" unfence | grep -q "higher epoch" ||
	fail "a stale primary was unfenced"
ctl_is "$WORK/p.ctl" epoch_seen 5 || fail "epoch 5 not recorded"
"$SA_CTL" --socket "$WORK/p.ctl" demote --epoch 6 >"$WORK/demote.txt"
expect_eq "demote fenced" "$(kv_get "$WORK/demote.txt" fenced)" 1
ctl_is "$WORK/p.ctl" demoted 1 || fail "status does not say demoted"
# The standby takes the daemon's epoch, not its own + 1.
"$SA_CTL" --socket "$WORK/s.ctl" promote --epoch 7 >"$WORK/promote.txt"
expect_eq "promoted epoch" "$(kv_get "$WORK/promote.txt" epoch)" 7
ctl_is "$WORK/s.ctl" role primary || fail "the standby was not promoted"
ctl_err "$WORK/s.ctl" promote | grep -q "not a standby" ||
	fail "a primary accepted promote"
echo "ok: epochs fence a stale primary, demote, promote takes the epoch"
