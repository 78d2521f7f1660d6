#!/bin/sh
# A silent standby never stalls the primary: with --commit sync, a standby
# that stops (SIGSTOP) is dropped after ack_timeout, counted, told so with
# a Bye (it goes stale), and the primary keeps forwarding; a new standby that joins late gets a snapshot,
# then deltas, and its replica equals the primary's after every batch.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repl_lib.sh"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 9 --flows 200 \
	--max-packets 4000 --nat-pool 203.0.113.0/30 >/dev/null
repl_key "$WORK/key"
{
	printf '[runtime]\nport = net_pcap0\ntx_port = net_null0\n'
	printf 'mbufs = 8191\n\n'
	sed -n '/^\[nat\]/,$p' "$SA_CONFIGS/nat.ini"
} >"$WORK/base.ini"
repl_config "$WORK/base.ini" "$WORK/nat.ini" "$WORK/key"
VDEVS="net_pcap0,rx_pcap=$WORK/in.pcap,infinite_rx=1 net_null0"

# standby NAME: a standby on lcore 1 with replica checking.
standby() {
	repl_run standby 1 "$1" "$VDEVS" "$WORK/nat.ini" "$WORK/$1.log" \
		--mb nat --listen "127.0.0.1:$REPL_PORT" --control "$WORK/$1.ctl" \
		--verify-replica
	wait_for "standby $1's control socket" 10 test -S "$WORK/$1.ctl"
}

standby a
a=$!
repl_run primary 0 p "$VDEVS" "$WORK/nat.ini" "$WORK/primary.log" --mb nat \
	--peer "127.0.0.1:$REPL_PORT" --control "$WORK/p.ctl" --commit sync \
	--verify-replica --await-standby 5000 --stats-file "$WORK/primary.json"
primary=$!
wait_for "standby a to sync" 10 ctl_is "$WORK/p.ctl" sync synced
kill -STOP "$a"
# At least one: a loaded machine may already have timed out a slow ack.
wait_for "the ack timeout" 10 ctl_ge "$WORK/p.ctl" counter.repl.ack_timeouts 1
tx1=$(ctl "$WORK/p.ctl" counter.port.tx)
sleep 0.5
tx2=$(ctl "$WORK/p.ctl" counter.port.tx)
[ "$tx2" -gt "$tx1" ] || fail "the primary stopped forwarding ($tx1, $tx2)"
echo "ok: silent standby dropped; the primary forwards ($tx1 -> $tx2)"
# Dropped on purpose, the standby is told so (Bye) and goes STALE: the
# close that follows is no sign of the primary's death, and its daemon
# must not promote it (it did, once, in the replcut failover scenario).
ctl_ge "$WORK/p.ctl" counter.repl.byes 1 || fail "the primary sent no Bye"
kill -CONT "$a"
wait_for "standby a to read the Bye" 10 ctl_ge "$WORK/a.ctl" \
	counter.repl.byes 1
grep -q "the primary drops this standby: silent past ack_timeout; stale" \
	"$WORK/a.log" || fail "a did not log the Bye"
echo "ok: the dropped standby read the Bye and went stale"
kill -9 "$a"
wait "$a" 2>/dev/null || true
rm -f "$WORK/a.ctl"

standby b
wait_for "standby b to sync" 10 ctl_is "$WORK/b.ctl" sync synced
wait_for "replica checks on b" 10 ctl_ge "$WORK/b.ctl" \
	counter.repl.verify_checked 1001
ctl_ge "$WORK/b.ctl" counter.repl.snapshots 1 || fail "b got no snapshot"
ctl_is "$WORK/b.ctl" counter.repl.verify_mismatches 0 ||
	fail "b's replica differs from the primary's"
[ "$(ctl "$WORK/b.ctl" counter.repl.batches)" -gt 10 ] ||
	fail "b applies no deltas"
kill -TERM "$primary"
wait "$primary" || fail "the primary did not exit cleanly"
[ "$(json_get "$WORK/primary.json" repl.connects)" -ge 2 ] ||
	fail "the primary did not take the second standby"
echo "ok: late standby synced by snapshot; replica equal after" \
	"$(ctl "$WORK/b.ctl" counter.repl.batches) batches"
