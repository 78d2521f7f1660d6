# Sourced by tools/failover-harness.sh (after tests/integration/lib.sh and
# repl_lib.sh): one kill of the primary and its verdict.
#
# Uses the harness's MB, CFG, TRACE, REF, REF_ALERTS, MODE, COMMIT,
# VERIFY, FO_CMDS, BURST, COMMIT_DEPTH and WORK.

# fo_field FILE KEY: the value of KEY=VALUE on the primary's test-kill
# line (sa-runtime --test-kill-at-batch).
fo_field() {
	sed -n "s/.*test-kill: batch=.* $2=\([0-9]*\).*/\1/p" "$1" | tail -n 1
}

# fo_mark FILE FIELD KEY VALUE: FIELD of the last batch mark whose KEY is
# VALUE ("" when none).
fo_mark() {
	sed -n 's/.*test-kill: mark //p' "$1" | awk -v f="$2" -v k="$3" \
		-v v="$4" '{ delete a; for (i = 1; i <= NF; i++) {
			split($i, kv, "="); a[kv[1]] = kv[2] }
		if (a[k] == v) r = a[f] } END { print r }'
}

# fo_run DIR B WHEN: a standby and a primary on the trace; the primary
# kills itself at batch B (WHEN: delta-sent or tx-released); the standby
# is promoted and fed the trace from the input count it reports. Sets
# FO_RC (the primary's exit status) and FO_FROM ("" if not promoted).
fo_run() {
	d=$1
	mkdir -p "$d"
	FO_FROM=""
	# The standby reads a FIFO: the pcap header now, the rest of the
	# trace once its input count is known; its RX is not polled before.
	mkfifo "$d/rest.fifo"
	exec 3<>"$d/rest.fifo"
	pcap_tool header "$TRACE" >&3
	# shellcheck disable=SC2086
	repl_run standby 1 s \
		"net_pcap0,rx_pcap=$d/rest.fifo,tx_pcap=$d/standby.pcap" \
		"$CFG" "$d/standby.log" --mb "$MB" --clock trace \
		--listen "127.0.0.1:$REPL_PORT" --control "$d/ctl" $VERIFY \
		$FO_CMDS --idle-exit 500 --stats-file "$d/standby.json" \
		--alert-log "$d/standby.alerts"
	standby=$!
	wait_for "the standby's control socket" 10 test -S "$d/ctl"
	# shellcheck disable=SC2086
	repl_run primary 0 p \
		"net_pcap0,rx_pcap=$TRACE,tx_pcap=$d/primary.pcap" \
		"$CFG" "$d/primary.log" --mb "$MB" --clock trace \
		--peer "127.0.0.1:$REPL_PORT" --replicate "$MODE" \
		--commit "$COMMIT" $VERIFY $FO_CMDS --await-standby 5000 \
		--idle-exit 2000 --alert-log "$d/primary.alerts" \
		--test-kill-at-batch "$2" --test-kill-when "$3"
	FO_RC=0
	wait "$!" 2>/dev/null || FO_RC=$?
	if "$SA_CTL" --socket "$d/ctl" promote >"$d/promote.txt" \
		2>"$d/promote.err"; then
		FO_FROM=$(sed -n 's/^input_count=//p' "$d/promote.txt")
		pcap_tool records "$TRACE" "$FO_FROM" >&3 &
		writer=$!
		exec 3>&-
		wait "$writer" || true
		wait "$standby" || echo "standby exit $?" >>"$d/promote.err"
	else
		exec 3>&-
		kill -9 "$standby" 2>/dev/null || true
		wait "$standby" 2>/dev/null || true
	fi
	# shellcheck disable=SC2034 # repl_lib.sh's: both are gone now
	REPL_PIDS=""
	touch "$d/standby.alerts" "$d/primary.alerts"
}

# fo_verdict DIR K B WHEN: checks kill K; prints its line and returns 0
# when the failover was exact. FO_WHY says why not.
fo_verdict() {
	d=$1 i=$2 b=$3 when=$4
	FO_WHY=""
	if [ "$FO_RC" -ne 137 ] || ! grep -q 'test-kill: batch=' "$d/primary.log"
	then
		FO_WHY="the primary did not die at batch $b (exit $FO_RC)"
	elif [ -z "$FO_FROM" ]; then
		FO_WHY="promotion refused: $(cat "$d/promote.err")"
	fi
	if [ -n "$FO_WHY" ]; then
		echo "kill $i/$KILLS: batch=$b/$NB when=$when verdict=FAIL ($FO_WHY)"
		return 1
	fi
	tx=$(fo_field "$d/primary.log" tx)
	kin=$(fo_field "$d/primary.log" input_count)
	kalerts=$(fo_field "$d/primary.log" alerts)
	unacked=$(fo_field "$d/primary.log" unacked_frames)
	# The outputs of the inputs before FO_FROM: what the primary had
	# emitted when it ended the batch the standby's state is of.
	start=0 astart=0
	if [ "$FO_FROM" -ne 0 ]; then
		start=$(fo_mark "$d/primary.log" emitted input_count "$FO_FROM")
		astart=$(fo_mark "$d/primary.log" alerts input_count "$FO_FROM")
	fi
	before=0
	[ "$b" -le 1 ] || before=$(fo_mark "$d/primary.log" emitted batch $((b - 1)))
	at=$(fo_mark "$d/primary.log" emitted batch "$b")
	plen=$(pcap_tool count "$d/primary.pcap")
	if [ -z "$start" ]; then
		FO_WHY="the standby resumed at input $FO_FROM, no batch end of the primary"
	elif ! pcap_tool exact pcap "$REF" "$d/primary.pcap" \
		"$d/standby.pcap" "$start" >"$d/exact.txt" 2>&1; then
		FO_WHY="packets: $(tail -n 1 "$d/exact.txt")"
	elif [ "$plen" -ne "$tx" ]; then
		# net_pcap flushes its dumper every burst: a SIGKILL loses
		# nothing the runtime counted as transmitted.
		FO_WHY="the primary counted $tx packets sent, its pcap has $plen"
	elif [ "$COMMIT" = sync ] && [ "$start" -lt "$plen" ]; then
		FO_WHY="output commit broken: $plen packets left, the standby's state covers $start"
	elif [ $((start - plen)) -gt $((COMMIT_DEPTH * BURST)) ]; then
		FO_WHY="gap $((start - plen)) beyond $COMMIT_DEPTH batches of $BURST"
	elif [ "$when" = delta-sent ] && [ "$COMMIT" = sync ] &&
		[ "$plen" -gt "$before" ]; then
		FO_WHY="batch $b's packets left before the kill"
	elif [ "$when" = tx-released ] && [ "$plen" -lt "$at" ]; then
		FO_WHY="batch $b's packets had not left at the kill"
	elif [ "$when" = tx-released ] && [ "$FO_FROM" -ne "$kin" ]; then
		FO_WHY="batch $b was acknowledged, yet the standby resumed at input $FO_FROM, not $kin"
	elif ! pcap_tool exact lines "$REF_ALERTS" "$d/primary.alerts" \
		"$d/standby.alerts" "$astart" >"$d/alerts.txt" 2>&1; then
		FO_WHY="alerts: $(tail -n 1 "$d/alerts.txt")"
	fi
	if [ -z "$FO_WHY" ]; then
		epoch=$(sed -n 's/^epoch=//p' "$d/promote.txt")
		[ "$epoch" = 2 ] || FO_WHY="promoted to epoch $epoch, not 2"
		[ "$(json_get "$d/standby.json" repl.promotions)" = 1 ] ||
			FO_WHY="the standby did not count its promotion"
	fi
	# Operator commands: the standby failed none of those it ran (the
	# replicated ones would have been rejected), and ended with the
	# reference's middlebox state where commands put it (lb: backend
	# states).
	if [ -z "$FO_WHY" ] && [ -n "$FO_CMDS" ]; then
		if [ "$(json_get "$d/standby.json" commands.failed)" -ne 0 ] ||
			[ "$(json_get "$d/standby.json" \
				repl.reject.bad-command)" -ne 0 ]; then
			FO_WHY="the standby failed commands: $(grep -m 2 \
				'command' "$d/standby.log" | tr '\n' ' ')"
		elif [ "$(grep '"mb\..*state"' "$d/standby.json")" != \
			"$(grep '"mb\..*state"' "$WORK/ref.json")" ]; then
			FO_WHY="the standby's command state differs from the reference's"
		fi
	fi
	if [ -z "$FO_WHY" ] && [ -n "$VERIFY" ]; then
		checked=$(json_get "$d/standby.json" repl.verify_checked)
		bad=$(json_get "$d/standby.json" repl.verify_mismatches)
		if [ "$bad" -ne 0 ]; then
			FO_WHY="replica differed $bad times: $(grep -m 3 \
				'replica differs' "$d/standby.log" | tr '\n' ' ')"
		elif [ "$checked" -eq 0 ]; then
			FO_WHY="no replica comparison was made"
		fi
	fi
	gap=$((start - plen))
	dup=$((kalerts - astart))
	line="kill $i/$KILLS: batch=$b/$NB when=$when primary_in=$kin"
	line="$line resumed_at=$FO_FROM unacked=$unacked primary_out=$plen gap=$gap"
	line="$line standby_out=$(pcap_tool count "$d/standby.pcap")"
	[ -z "$FO_CMDS" ] || line="$line commands_replicated=$(json_get \
		"$d/standby.json" repl.commands) commands_run=$(json_get \
		"$d/standby.json" commands.run)"
	[ "$(grep -c . "$REF_ALERTS")" -eq 0 ] ||
		line="$line alerts_repeated=$dup"
	if [ -n "$FO_WHY" ]; then
		echo "$line verdict=FAIL ($FO_WHY)"
		return 1
	fi
	echo "$line verdict=byte-identical"
}
