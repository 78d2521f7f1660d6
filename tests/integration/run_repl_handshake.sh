#!/bin/sh
# The standby refuses, with a clear log and a named counter, a primary it
# must not follow: one with another key (unauthenticated), another build,
# another middlebox, another arena base, or another state after init
# (config). A key file others may read is refused at start.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repl_lib.sh"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 5 --flows 50 >/dev/null
pcap_tool header "$WORK/in.pcap" >"$WORK/empty.pcap"
repl_key "$WORK/key"
repl_key "$WORK/other.key"
repl_config "$SA_CONFIGS/nat.ini" "$WORK/nat.ini" "$WORK/key"
repl_config "$SA_CONFIGS/firewall.ini" "$WORK/fw.ini" "$WORK/key"
sed 's|/key$|/other.key|' "$WORK/nat.ini" >"$WORK/nat-other-key.ini"
sed 's/^max_sessions = .*/max_sessions = 2048/' "$WORK/nat.ini" \
	>"$WORK/nat-other-size.ini"
{
	cat "$WORK/nat.ini"
} | sed 's/^\[runtime\]$/[runtime]\narena_base = 0x640000000000/' \
	>"$WORK/nat-other-base.ini"
# A copy of sa-runtime that differs only in its build-id.
cp "$SA_RUNTIME" "$WORK/sa-runtime-other"
python3 - "$WORK/sa-runtime-other" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
phoff, = struct.unpack_from('<Q', data, 0x20)
phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
for i in range(phnum):
    ptype, _, off, _, _, filesz = struct.unpack_from('<IIQQQQ', data, phoff + i * phentsize)
    pos = off
    while ptype == 4 and pos + 12 <= off + filesz:
        namesz, descsz, ntype = struct.unpack_from('<III', data, pos)
        desc = pos + 12 + (namesz + 3) // 4 * 4
        if ntype == 3:
            data[desc] ^= 0xff
            open(path, 'wb').write(data)
            sys.exit(0)
        pos = desc + (descsz + 3) // 4 * 4
sys.exit('no build-id note')
PY

VDEV="net_pcap0,rx_pcap=$WORK/empty.pcap,tx_pcap=$WORK/out.pcap"
repl_run standby 1 s "$VDEV" "$WORK/nat.ini" "$WORK/standby.log" --mb nat \
	--listen "127.0.0.1:$REPL_PORT" --control "$WORK/ctl"
wait_for "the standby's control socket" 10 test -S "$WORK/ctl"

# attempt NAME MB CONFIG [BINARY]: a primary that runs one second.
attempt() {
	SA_RUNTIME=${4:-$SA_RUNTIME} repl_run primary 0 "p$1" "$VDEV" "$3" \
		"$WORK/$1.log" --mb "$2" --peer "127.0.0.1:$REPL_PORT" \
		--run-time 1000
	wait $! || fail "$1: the primary failed: $(tail -2 "$WORK/$1.log")"
}

# refused NAME COUNTER LOGTEXT: the standby counted and logged it, and
# never connected.
refused() {
	[ "$(ctl "$WORK/ctl" "counter.repl.$2")" -ge 1 ] ||
		fail "$1: repl.$2 not counted"
	grep -q "$3" "$WORK/standby.log" ||
		fail "$1: no '$3' in the standby's log"
	ctl_is "$WORK/ctl" counter.repl.connects 0 ||
		fail "$1: the standby accepted the primary"
	echo "ok: $1 refused ($2)"
}

attempt key nat "$WORK/nat-other-key.ini"
refused "another key" reject.bad-hmac "rejected a frame from the primary: bad-hmac"
attempt build nat "$WORK/nat.ini" "$WORK/sa-runtime-other"
refused "another build" refused.build-id "refused: build-id differs"
attempt mb firewall "$WORK/fw.ini"
refused "another middlebox" refused.middlebox "refused: middlebox differs"
attempt base nat "$WORK/nat-other-base.ini"
refused "another arena base" refused.arena "refused: arena differs"
attempt size nat "$WORK/nat-other-size.ini"
refused "another config" refused.init-state "refused: init-state differs"
grep -q "refused: init-state differs" "$WORK/size.log" ||
	fail "the primary did not log the refusal"

# The good primary then gets in.
attempt good nat "$WORK/nat.ini"
[ "$(ctl "$WORK/ctl" counter.repl.connects)" = 1 ] ||
	fail "the matching primary was not accepted"
echo "ok: the matching primary accepted"

chmod 644 "$WORK/key"
if "$SA_RUNTIME" $(sa_eal k) --vdev "$VDEV" -- --mb nat \
	--config "$WORK/nat.ini" --role primary \
	--peer "127.0.0.1:$REPL_PORT" --run-time 100 >"$WORK/mode.log" 2>&1; then
	fail "a group/world-readable key file was accepted"
fi
grep -q "lets group or others access the key" "$WORK/mode.log" ||
	fail "no clear error for the key file's mode"
echo "ok: key file with mode 0644 refused"
