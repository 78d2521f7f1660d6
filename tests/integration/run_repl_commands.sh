#!/bin/sh
# Operator commands through the control socket (sa-ctl mb, proto/ha.proto
# MbCommandRequest) and their replication (proto/replication.proto,
# COMMANDS), on lb: a command run before the standby joins reaches it in
# the snapshot (the Maglev tables and backend states are READ_ONLY
# manifest regions and arena); one run after is replicated as itself and
# run by the standby before the delta's ranges, after which the replicas
# are byte-identical (--verify-replica digests cover every region and the
# arena); a standby refuses commands; bad lines are refused; a middlebox
# without commands refuses them, and sa-runtime --commands for it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/repl_lib.sh"

SVC=192.0.2.10:80/tcp
pcap_tool header "$("$SA_TRACEGEN" --out "$WORK/t.pcap" --flows 1 \
	>/dev/null; echo "$WORK/t.pcap")" >"$WORK/empty.pcap"
repl_key "$WORK/key"
repl_config "$SA_CONFIGS/lb.ini" "$WORK/lb.ini" "$WORK/key"

# ctl_err SOCKET ARGS...: refused; prints what sa-ctl said.
ctl_err() {
	s=$1
	shift
	if "$SA_CTL" --socket "$s" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"; then
		fail "sa-ctl $*: accepted, expected a refusal"
	fi
	cat "$WORK/out.txt" "$WORK/err.txt"
}

# A primary alone: the standby is not there yet.
repl_run primary 0 p "net_pcap0,rx_pcap=$WORK/empty.pcap" "$WORK/lb.ini" \
	"$WORK/primary.log" --mb lb --peer "127.0.0.1:$REPL_PORT" \
	--replicate updateable --verify-replica --control "$WORK/p.ctl"
wait_for "the primary's control socket" 10 test -S "$WORK/p.ctl"
"$SA_CTL" --socket "$WORK/p.ctl" mb "backend $SVC 10.1.0.1:8080 down" \
	>"$WORK/mb1.txt" || fail "command refused: $(cat "$WORK/mb1.txt")"
expect_eq "result" "$(kv_get "$WORK/mb1.txt" result)" 0
expect_eq "position" "$(kv_get "$WORK/mb1.txt" input_count)" 0
ctl_is "$WORK/p.ctl" counter.mb.backend0.state 2 ||
	fail "the primary's backend0 is not down"
# Bad lines: the lb's grammar, the runtime's checks (control character,
# length).
ctl_err "$WORK/p.ctl" mb "backend $SVC 10.1.0.1:8080 sideways" |
	grep -q "expected up, drain or down" || fail "bad state accepted"
ctl_err "$WORK/p.ctl" mb "backend 192.0.2.99:80/tcp 10.1.0.1:8080 up" |
	grep -q "no service" || fail "unknown service accepted"
ctl_err "$WORK/p.ctl" mb "$(printf 'backend\001')" |
	grep -q "control character" || fail "control character accepted"
ctl_err "$WORK/p.ctl" mb "$(printf '%0300d' 0)" |
	grep -q "too long" || fail "a 300-byte command accepted"
ctl_is "$WORK/p.ctl" counter.commands.failed 4 ||
	fail "failed commands not counted"
echo "ok: the primary ran a command, refused bad ones"

# The standby joins: the snapshot carries the command's result.
repl_run standby 1 s "net_pcap0,rx_pcap=$WORK/empty.pcap" "$WORK/lb.ini" \
	"$WORK/standby.log" --mb lb --listen "127.0.0.1:$REPL_PORT" \
	--control "$WORK/s.ctl"
wait_for "the standby's control socket" 10 test -S "$WORK/s.ctl"
wait_for "the standby to sync" 10 ctl_is "$WORK/s.ctl" sync synced
ctl_is "$WORK/s.ctl" counter.mb.backend0.state 2 ||
	fail "the late standby's backend0 is not down"
expect_eq "replicated commands" "$(ctl "$WORK/s.ctl" counter.repl.commands)" 0
ctl_err "$WORK/s.ctl" mb "backend $SVC 10.1.0.2:8080 up" |
	grep -q "not primary" || fail "the standby accepted a command"
echo "ok: a late standby got the command's result in its snapshot"

# Now replicated as a command: the standby runs it, and the replicas
# (every region and the arena: Maglev tables included) compare equal.
"$SA_CTL" --socket "$WORK/p.ctl" mb "backend $SVC 10.1.0.2:8080 drain" \
	>"$WORK/mb2.txt" || fail "second command refused"
"$SA_CTL" --socket "$WORK/p.ctl" mb "backend $SVC 10.1.0.1:8080 up" \
	>"$WORK/mb3.txt" || fail "third command refused"
wait_for "the commands on the standby" 10 \
	ctl_is "$WORK/s.ctl" counter.repl.commands 2
ctl_is "$WORK/s.ctl" counter.mb.backend1.state 1 ||
	fail "the standby's backend1 is not draining"
ctl_is "$WORK/s.ctl" counter.mb.backend0.state 0 ||
	fail "the standby's backend0 is not up again"
expect_eq "Maglev rebuilds, standby = primary" \
	"$(ctl "$WORK/s.ctl" counter.mb.maglev_rebuilds)" \
	"$(ctl "$WORK/p.ctl" counter.mb.maglev_rebuilds)"
ctl_ge "$WORK/s.ctl" counter.repl.verify_checked 1 ||
	fail "no replica comparison was made"
expect_eq "replica mismatches" \
	"$(ctl "$WORK/s.ctl" counter.repl.verify_mismatches)" 0
expect_eq "bad-command rejections" \
	"$(ctl "$WORK/s.ctl" counter.repl.reject.bad-command)" 0
"$SA_CTL" --socket "$WORK/s.ctl" promote >/dev/null || fail "promote failed"
"$SA_CTL" --socket "$WORK/s.ctl" mb "backend $SVC 10.1.0.3:8080 drain" \
	>/dev/null || fail "the promoted standby refused a command"
echo "ok: replicated commands ran on the standby, replicas equal"

# A middlebox without commands.
# shellcheck disable=SC2046
"$SA_RUNTIME" $(sa_eal n) --vdev "net_pcap0,rx_pcap=$WORK/empty.pcap" -- \
	--mb passthrough --config "$SA_CONFIGS/passthrough.ini" \
	--control "$WORK/n.ctl" --quiet >"$WORK/solo.log" 2>&1 &
REPL_PIDS="$REPL_PIDS $!"
wait_for "the solo control socket" 10 test -S "$WORK/n.ctl"
ctl_err "$WORK/n.ctl" mb "anything" | grep -q "takes no commands" ||
	fail "passthrough accepted a command"
echo "1 anything" >"$WORK/cmds.txt"
if sa_run passthrough "$SA_CONFIGS/passthrough.ini" "$WORK/t.pcap" \
	"$WORK/o.pcap" "$WORK/o.json" --commands "$WORK/cmds.txt" \
	>"$WORK/pt.log" 2>&1; then
	fail "passthrough ran a --commands schedule"
fi
grep -q "takes no commands" "$WORK/pt.log" || fail "no reason given"
echo "ok: middleboxes without commands refuse them"
