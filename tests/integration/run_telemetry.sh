#!/bin/sh
# /sa/stats answers dpdk-telemetry.py while sa-runtime runs, with the
# runtime's and the middlebox's counters; SIGTERM then ends the run
# cleanly with the final counters.
. "$(dirname "$0")/lib.sh"

command -v dpdk-telemetry.py >/dev/null || fail "dpdk-telemetry.py missing"
printf '[runtime]\nmode = two-armed\ninside_port = net_null0\noutside_port = net_null1\n[nat]\ninside = 10.0.0.0/8\npool = 192.0.2.1\n' \
	>"$WORK/null.ini"
prefix=satel$$
# shellcheck disable=SC2046
"$SA_RUNTIME" --no-huge -m 256 --no-pci --no-shconf -l 0 \
	--file-prefix $prefix --log-level=lib.eal:error \
	--vdev net_null0 --vdev net_null1 -- --mb nat \
	--config "$WORK/null.ini" --run-time 60000 >"$WORK/rt.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$WORK"' EXIT
# The socket comes up with EAL, the command once the middlebox runs.
i=0
until grep -q '"middlebox"' "$WORK/tel.json" 2>/dev/null || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
	[ -S /var/run/dpdk/$prefix/dpdk_telemetry.v2 ] &&
		echo /sa/stats | dpdk-telemetry.py -f $prefix \
			>"$WORK/tel.json" 2>&1
done
kill -TERM $pid
wait $pid || fail "sa-runtime did not exit cleanly: $(cat "$WORK/rt.log")"
grep -q "sa-runtime: middlebox nat" "$WORK/rt.log" ||
	fail "no final counters after SIGTERM: $(cat "$WORK/rt.log")"
grep -q '"middlebox": "nat"' "$WORK/tel.json" || fail "$(cat "$WORK/tel.json")"
grep -q '"inside_rx": [1-9]' "$WORK/tel.json" || fail "no RX counted"
grep -q '"drop_' "$WORK/tel.json" || fail "no drop counters"
grep -q '"mb_' "$WORK/tel.json" || fail "no middlebox counters"
echo "ok: $(head -c 200 "$WORK/tel.json")..."
