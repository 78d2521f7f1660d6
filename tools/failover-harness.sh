#!/bin/sh
# Failover output equivalence (DESIGN.md 5). An uninterrupted run of the
# middlebox over a trace gives the reference output R. Then, N times, a
# primary and a standby run on the same trace; the primary kills itself
# with SIGKILL at a batch drawn uniformly from the trace's batches
# (sa-runtime --test-kill-at-batch), either right after the batch's delta
# left and before its packets did, or right after its packets left; the
# standby is promoted (sa-ctl promote) and fed the trace from the input
# count of the last delta it applied. Each kill is exact when:
#   - the primary's output is a prefix of R, byte for byte, and holds what
#     it counted as sent (net_pcap flushes every burst);
#   - the standby's output is R from the outputs of the inputs its state
#     covers on, byte for byte; what lies between (the gap) is exactly the
#     packets of the batches the standby had while the primary held them,
#     at most the commit pipeline (128 batches of a burst); with --commit
#     sync nothing left the primary ahead of the standby's state;
#   - alerts (sa_alert: not held for acks) likewise: the primary's a prefix
#     of R's, the standby's R's from the alerts of its resume point on;
#   - --verify-replica (updateable, pages, snapshot) found no difference
#     between the replicas.
# Operator commands (--commands F, or sa-tracegen options naming
# @COMMANDS@, e.g. lb's --backend-changes N --commands-out @COMMANDS@): the
# reference, the primary and the standby all run sa-runtime --commands F;
# the primary replicates those it ran, and the promoted standby runs those
# from its resume point on (sa-runtime skips the earlier ones, which
# reached it through replication).
# Prints a line per kill and "K/N byte-identical"; exits 0 when K = N, or
# with --expect-fail when K < N (--replicate off must be caught).
set -eu

usage() {
	cat >&2 <<'EOF'
usage: tools/failover-harness.sh --mb NAME --kills N --seed S [options]
       [-- sa-tracegen options]
  --config F          middlebox config (default configs/NAME.ini; ids inline)
  --trace F           trace to replay (default: sa-tracegen, the middlebox's
                      profile, seeded with S, or the options after --, in
                      which @CONFIG@ and @COMMANDS@ name the run's config
                      and command schedule)
  --commands F        operator commands at input positions (sa-runtime
                      --commands) for every run
  --replicate MODE    analyzed (default), updateable, pages, snapshot, off
  --commit sync|async output commit (default sync)
  --build DIR         build directory (default build; or SA_RUNTIME etc.)
  --expect-fail       succeed only if some kill is not exact
  --verify-replica    compare the replicas after every batch with analyzed
                      too (it then also sends UPDATE_ONLY ranges); always
                      on for updateable, pages and snapshot
  --keep DIR          keep the runs' files in DIR
EOF
	exit 2
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MB="" CONFIG="" TRACE_IN="" KILLS="" SEED="" MODE=analyzed COMMIT=sync
BUILD="$ROOT/build" EXPECT_FAIL=0 KEEP="" FORCE_VERIFY="" COMMANDS_IN=""
while [ $# -gt 0 ]; do
	case $1 in
	--mb) MB=$2; shift ;;
	--config) CONFIG=$(realpath "$2"); shift ;;
	--trace) TRACE_IN=$(realpath "$2"); shift ;;
	--commands) COMMANDS_IN=$(realpath "$2"); shift ;;
	--kills) KILLS=$2; shift ;;
	--seed) SEED=$2; shift ;;
	--replicate) MODE=$2; shift ;;
	--commit) COMMIT=$2; shift ;;
	--build) BUILD=$(realpath "$2"); shift ;;
	--expect-fail) EXPECT_FAIL=1 ;;
	--verify-replica) FORCE_VERIFY=--verify-replica ;;
	--keep) KEEP=$(realpath "$2"); shift ;;
	--) shift; break ;;
	*) usage ;;
	esac
	shift
done
if [ -z "$MB" ] || [ -z "$KILLS" ] || [ -z "$SEED" ]; then
	usage
fi
case $KILLS$SEED in *[!0-9]*) usage ;; esac
[ "$KILLS" -gt 0 ] || usage

: "${SA_RUNTIME:=$BUILD/runtime/sa-runtime}" "${SA_CTL:=$BUILD/runtime/sa-ctl}"
: "${SA_TRACEGEN:=$BUILD/tools/sa-tracegen}"
: "${SA_PCAPCHECK:=$BUILD/tools/sa-pcapcheck}" "${SA_CONFIGS:=$ROOT/configs}"
export SA_RUNTIME SA_CTL SA_TRACEGEN SA_PCAPCHECK SA_CONFIGS
[ -n "$KEEP" ] && REPL_KEEP=1
. "$ROOT/tests/integration/lib.sh"
. "$ROOT/tests/integration/repl_lib.sh"
. "$ROOT/tools/failover/fo_mb.sh"
. "$ROOT/tools/failover/fo_kill.sh"
[ -z "$KEEP" ] || { rm -rf "$KEEP"; mv "$WORK" "$KEEP"; WORK=$KEEP; }
# Configs name their rule and signature files relative to the tree.
cd "$ROOT"

# rt_commit.h: RT_COMMIT_DEPTH.
COMMIT_DEPTH=128
# Replica equality holds where everything written is replicated; analyzed
# leaves out UPDATE_ONLY state by design (and --verify-replica would make
# it send that too, testing updateable instead): its check is the output.
case $MODE in
updateable|pages|snapshot) VERIFY=--verify-replica ;;
analyzed) VERIFY=$FORCE_VERIFY ;;
*) VERIFY="" ;;
esac

fo_mb_defaults "$MB"
repl_key "$WORK/key"
if [ -n "$CONFIG" ]; then
	FO_CONFIG_SRC=$CONFIG FO_CONFIG_SED=""
fi
if [ -n "$FO_CONFIG_SED" ]; then
	sed -e "$FO_CONFIG_SED" "$FO_CONFIG_SRC" >"$WORK/src.ini"
else
	cp "$FO_CONFIG_SRC" "$WORK/src.ini"
fi
CFG="$WORK/$MB.ini"
repl_config "$WORK/src.ini" "$CFG" "$WORK/key"
BURST=$(sed -n 's/^burst = \([0-9]*\)$/\1/p' "$CFG")
BURST=${BURST:-32}

TRACE="$WORK/in.pcap" COMMANDS=""
[ -z "$COMMANDS_IN" ] || { COMMANDS="$WORK/commands.txt"; cp "$COMMANDS_IN" "$COMMANDS"; }
if [ -n "$TRACE_IN" ]; then
	cp "$TRACE_IN" "$TRACE"
else
	# shellcheck disable=SC2046 # one word per option
	[ $# -gt 0 ] || set -- $FO_TG_ARGS
	case " $* " in *@COMMANDS@*) COMMANDS="$WORK/commands.txt" ;; esac
	# shellcheck disable=SC2046 # one word per option
	set -- $(printf '%s\n' "$@" | sed -e "s|@CONFIG@|$CFG|" \
		-e "s|@COMMANDS@|$WORK/commands.txt|")
	"$SA_TRACEGEN" --out "$TRACE" --seed "$SEED" "$@" >/dev/null
fi
TOTAL=$(pcap_tool count "$TRACE")
# FO_CMDS: what every sa-runtime of the harness gets (fo_kill.sh too).
FO_CMDS=""
[ -z "$COMMANDS" ] || FO_CMDS="--commands $COMMANDS"

REF="$WORK/ref.pcap" REF_ALERTS="$WORK/ref.alerts"
# shellcheck disable=SC2086 # FO_CMDS: none or two words
sa_run "$MB" "$CFG" "$TRACE" "$REF" "$WORK/ref.json" \
	--alert-log "$REF_ALERTS" $FO_CMDS >"$WORK/ref.log" 2>&1 ||
	fail "the reference run failed: $(tail -n 3 "$WORK/ref.log")"
touch "$REF_ALERTS"
NB=$(json_get "$WORK/ref.json" rx_bursts)
echo "failover $MB: --replicate $MODE --commit $COMMIT${VERIFY:+ $VERIFY}," \
	"$TOTAL frames${COMMANDS:+ and $(grep -c '^[0-9]' "$COMMANDS") commands} in" \
	"$NB batches of up to $BURST; reference: $(pcap_tool count "$REF")" \
	"packets out, $(grep -c . "$REF_ALERTS") alerts; $KILLS kills, seed $SEED"

# The kills: batch uniform over 1..NB, where in the batch by a coin.
awk -v s="$SEED" -v n="$KILLS" -v nb="$NB" 'BEGIN { srand(s);
	for (i = 0; i < n; i++) {
		b = 1 + int(rand() * nb)
		print b, (rand() < 0.5 ? "delta-sent" : "tx-released")
	} }' >"$WORK/kills.txt"

ok=0 i=0
while read -r b when; do
	i=$((i + 1))
	fo_run "$WORK/kill$i" "$b" "$when" </dev/null
	if fo_verdict "$WORK/kill$i" "$i" "$b" "$when"; then
		ok=$((ok + 1))
	fi
done <"$WORK/kills.txt"
echo "$ok/$KILLS byte-identical"
if [ "$EXPECT_FAIL" = 1 ]; then
	[ "$ok" -lt "$KILLS" ] || fail "--replicate $MODE: every kill was" \
		"exact, the harness did not catch the lost state"
	echo "ok: $((KILLS - ok)) of $KILLS kills caught (expected)"
	exit 0
fi
[ "$ok" -eq "$KILLS" ]
