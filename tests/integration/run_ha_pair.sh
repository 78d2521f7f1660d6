#!/bin/sh
# Two sa-hadaemons beside a primary and a standby sa-runtime (loopback):
# they find each other, the standby syncs, a kill -9 of the primary
# runtime makes the standby's daemon promote by itself with a raised,
# persisted epoch; manual requests are checked (refusals), and so are bad
# heartbeats (forged, truncated, garbage, replayed) and bad control
# records, each counted by name.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repl_lib.sh"
. "$(dirname "$0")/ha_lib.sh"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 3 --flows 40 --duration 1 \
	>/dev/null
pcap_tool header "$WORK/in.pcap" >"$WORK/empty.pcap"
repl_key "$WORK/key"
repl_key "$WORK/ha.key"
repl_config "$SA_CONFIGS/passthrough.ini" "$WORK/pt.ini" "$WORK/key"
A=127.0.0.1:$HB_PORT
B=127.0.0.1:$((HB_PORT + 1))
ha_config "$WORK/a.ini" 1 "$WORK/state-a" "$WORK/rt-a.ctl" "$WORK/ha-a.ctl" \
	"$A" "$B" "$WORK/ha.key"
ha_config "$WORK/b.ini" 2 "$WORK/state-b" "$WORK/rt-b.ctl" "$WORK/ha-b.ctl" \
	"$B" "$A" "$WORK/ha.key"

repl_run standby 1 s "net_pcap0,rx_pcap=$WORK/empty.pcap" "$WORK/pt.ini" \
	"$WORK/rt-b.log" --mb passthrough --keep-input \
	--listen "127.0.0.1:$REPL_PORT" --control "$WORK/rt-b.ctl"
wait_for "the standby's control socket" 10 test -S "$WORK/rt-b.ctl"
repl_run primary 0 p "net_pcap0,rx_pcap=$WORK/empty.pcap" "$WORK/pt.ini" \
	"$WORK/rt-a.log" --mb passthrough --peer "127.0.0.1:$REPL_PORT" \
	--control "$WORK/rt-a.ctl" --await-standby 5000
primary=$!
ha_run "$WORK/a.ini" "$WORK/ha-a.log"
ha_run "$WORK/b.ini" "$WORK/ha-b.log"
wait_for "daemon A to see B" 10 hactl_is "$WORK/ha-a.ctl" peer_state alive
wait_for "daemon B to see A" 10 hactl_is "$WORK/ha-b.ctl" peer_state alive
wait_for "B synced" 10 hactl_is "$WORK/ha-b.ctl" sync synced
hactl_is "$WORK/ha-a.ctl" role primary || fail "A is not primary"
hactl_is "$WORK/ha-b.ctl" peer_role primary || fail "B does not see A primary"
expect_eq "A's persisted epoch" "$(cat "$WORK/state-a/epoch")" 1
"$SA_HACTL" --socket "$WORK/ha-a.ctl" status >"$WORK/status-a.txt"
grep -q "^node 1: primary, epoch 1" "$WORK/status-a.txt" ||
	fail "status: $(cat "$WORK/status-a.txt")"
grep -q "peer:        node 2 alive, standby" "$WORK/status-a.txt" ||
	fail "status: $(cat "$WORK/status-a.txt")"
# Manual requests that must be refused.
"$SA_HACTL" --socket "$WORK/ha-a.ctl" promote 2>"$WORK/err.txt" &&
	fail "the primary's daemon accepted promote"
grep -q "not a standby" "$WORK/err.txt" || fail "$(cat "$WORK/err.txt")"
"$SA_HACTL" --socket "$WORK/ha-b.ctl" demote 2>"$WORK/err.txt" &&
	fail "the standby's daemon accepted demote"
echo "ok: the pair is up: A primary, B synced standby, epoch 1"

# kill -9 of the primary runtime: B promotes by itself.
kill -9 "$primary"
wait_for "B to take over" 5 hactl_is "$WORK/ha-b.ctl" role primary
hactl_is "$WORK/ha-b.ctl" epoch 2 || fail "B's epoch is not 2"
expect_eq "B's persisted epoch" "$(cat "$WORK/state-b/epoch")" 2
"$SA_CTL" --socket "$WORK/rt-b.ctl" status | grep -q '^epoch=2$' ||
	fail "B's runtime does not run epoch 2"
wait_for "A to report its runtime down" 5 \
	hactl_is "$WORK/ha-a.ctl" runtime_up 0
hactl_is "$WORK/ha-a.ctl" sync none ||
	fail "A reports the sync state of its dead runtime:" \
		"$(hactl "$WORK/ha-a.ctl" sync)"
took=$(hactl "$WORK/ha-b.ctl" counter.last_promotion_us)
grep -q "promoted to primary (the peer reports its runtime down)" \
	"$WORK/ha-b.log" || fail "B: $(cat "$WORK/ha-b.log")"
echo "ok: kill -9 of the primary runtime: B promoted itself, epoch 2" \
	"(runtime promotion took ${took} us)"

# Bad heartbeats to B: garbage, truncated, forged (other key), a bad
# length, and a valid heartbeat sent twice (the second is a replay).
python3 - "$WORK/ha.key" "$HB_PORT" <<'PY'
import hashlib, hmac, socket, struct, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
dst = ('127.0.0.1', int(sys.argv[2]) + 1)
def varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])
def field(num, val):
    return varint(num << 3) + varint(val)
def seal(payload, k):
    hdr = b'SAHB' + bytes([1, 1]) + struct.pack('>H', len(payload))
    mac = hmac.new(k, b'sa-ha-heartbeat' + hdr + payload, hashlib.sha256)
    return hdr + payload + mac.digest()
# node 9, role standby, epoch 1, seq 1, boot 4242, runtime up
hb = field(1, 9) + field(2, 3) + field(3, 1) + field(6, 1) + \
     field(8, 4242) + field(9, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
good = seal(hb, key)
for d in [b'\xff' * 40, good[:20], seal(hb, b'\x01' * 32),
          good[:6] + b'\x00\x05' + good[8:], b'XXXX' + good[4:],
          good, good]:
    s.sendto(d, dst)
PY
wait_for "B to count the replay" 5 \
	hactl_is "$WORK/ha-b.ctl" counter.hb_reject.replayed 1
# The 40 bytes of 0xff and the XXXX magic are both bad-magic.
for r in short:1 bad-hmac:1 bad-length:1 bad-magic:2; do
	hactl_is "$WORK/ha-b.ctl" "counter.hb_reject.${r%:*}" "${r#*:}" ||
		fail "hb_reject.$r: $(hactl "$WORK/ha-b.ctl" \
			"counter.hb_reject.${r%:*}")"
done
# A garbage control record to the daemon: an error reply, counted.
python3 - "$WORK/ha-b.ctl" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b'\xff\xff\xff')
r = s.recv(65536)
assert r.find(b'\x22') >= 0, r
PY
hactl_is "$WORK/ha-b.ctl" counter.control_bad_requests 1 ||
	fail "daemon control: bad request not counted"
echo "ok: bad heartbeats and control records rejected and counted by name"

# Broken configurations stop the daemon at start with FILE:LINE.
# broken NAME SED-EXPR MESSAGE
broken() {
	sed "$2" "$WORK/a.ini" >"$WORK/$1.ini"
	if "$SA_HADAEMON" --config "$WORK/$1.ini" --check \
		>"$WORK/$1.out" 2>&1; then
		fail "$1: accepted"
	fi
	grep -q "^$WORK/$1.ini:[0-9]*: .*$3" "$WORK/$1.out" ||
		fail "$1: $(cat "$WORK/$1.out")"
}
touch "$WORK/file"
broken unknown-key 's/^log = stderr/log = stderr\nverbose = 1/' \
	"unknown key 'verbose'"
broken key-file "s|^key_file = .*|key_file = $WORK/nokey|" "key_file"
broken state-dir "s|^state_dir = .*|state_dir = $WORK/file/x|" \
	"not writable"
broken interval 's/^peer = .*/&\ninterval = 2 ms/' "interval"
broken address 's/^peer = .*/peer = nowhere/' "HOST:PORT"
"$SA_HADAEMON" --config "$WORK/a.ini" --check >/dev/null ||
	fail "the good config was refused"
echo "ok: broken configurations refused with file:line"
