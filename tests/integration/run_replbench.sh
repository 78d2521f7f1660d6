#!/bin/sh
# sa-replbench on a small nat trace (small tables, so that snapshot mode
# stays quick): the table has one line per mode and ends with the
# analyzed/snapshot ratio; analyzed sends less than snapshot and off least
# of all; the CSV has a row per mode and the SVG parses. Bad usage exits
# 2, a failing run 1 with the runtime's log tail.
. "$(dirname "$0")/lib.sh"
: "${SA_REPLBENCH:?}"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 9 --flows 300 --duration 1 \
	--inside 10.0.0.0/16 --nat-pool 203.0.113.0/30 --udp 30 \
	--max-packets 3000 >/dev/null
sed -e 's/^max_sessions = .*/max_sessions = 4096/' "$SA_CONFIGS/nat.ini" \
	>"$WORK/nat.ini"

# usage CODE ARGS...: sa-replbench exits with CODE and says why.
usage() {
	want=$1
	shift
	set +e
	"$SA_REPLBENCH" "$@" >"$WORK/usage.out" 2>"$WORK/usage.err"
	got=$?
	set -e
	[ "$got" = "$want" ] ||
		fail "sa-replbench $*: exit $got, expected $want"
	[ -s "$WORK/usage.err" ] || fail "sa-replbench $*: no message"
}
usage 2
usage 2 --mb nat
usage 2 --mb nat --trace "$WORK/in.pcap" --modes analyzed,bogus
usage 2 --mb nat --trace "$WORK/in.pcap" --modes pages,pages
usage 2 --mb nat --trace "$WORK/in.pcap" --lcores 1,1
usage 2 --mb nat --trace "$WORK/nothere.pcap"
usage 2 --mb nat --trace "$WORK/nat.ini"
usage 2 --mb nat --trace "$WORK/in.pcap" --config "$WORK/nothere.ini"
usage 2 --mb nat --trace "$WORK/in.pcap" --frobnicate
usage 1 --mb nosuchbox --trace "$WORK/in.pcap" --config "$WORK/nat.ini" \
	--modes off
grep -q "the end of its log" "$WORK/usage.err" ||
	fail "a failed run shows no log tail"
echo "ok: bad usage exits 2, a failed run 1 with the log tail"

"$SA_REPLBENCH" --mb nat --trace "$WORK/in.pcap" --config "$WORK/nat.ini" \
	--csv "$WORK/out.csv" --plot "$WORK/out.svg" >"$WORK/out.txt" \
	2>"$WORK/err.txt" || fail "sa-replbench failed: $(cat "$WORK/err.txt")"
cat "$WORK/out.txt"

python3 - "$WORK/out.txt" "$WORK/out.csv" "$WORK/out.svg" <<'PY'
import csv, re, sys
import xml.etree.ElementTree as ET

def fail(msg):
    sys.exit('FAIL: ' + msg)

lines = open(sys.argv[1]).read().splitlines()
if not re.match(r'^sa-replbench: nat, .*: 3000 packets, \d+ batches, \d+ flow updates$', lines[0]):
    fail('bad first line: %r' % lines[0])
if lines[1].split()[:2] != ['mode', 'tracking']:
    fail('bad header: %r' % lines[1])
modes = ['analyzed', 'updateable', 'pages', 'snapshot', 'off']
table = {}
for l in lines[2:7]:
    f = l.split()
    if len(f) != 10:
        fail('bad row: %r' % l)
    table[f[0]] = f
if sorted(table) != sorted(modes):
    fail('modes %s' % sorted(table))
if not re.match(r'^analyzed vs snapshot: [0-9.]+x$', lines[-1]):
    fail('bad last line: %r' % lines[-1])

rows = {r['mode']: r for r in csv.DictReader(open(sys.argv[2]))}
if sorted(rows) != sorted(modes):
    fail('CSV modes %s' % sorted(rows))
delta = {m: int(rows[m]['delta_bytes']) for m in modes}
if not delta['analyzed'] < delta['snapshot']:
    fail('analyzed %d not below snapshot %d' % (delta['analyzed'], delta['snapshot']))
if min(delta, key=delta.get) != 'off':
    fail('off is not the smallest: %s' % delta)
for m in modes:
    r = rows[m]
    if int(r['packets']) != 3000 or int(r['wire_bytes']) != int(r['sync_bytes']) + delta[m]:
        fail('%s: inconsistent row %s' % (m, r))
ratio = float(lines[-1].split()[-1][:-1])
want = delta['snapshot'] / delta['analyzed']
if abs(ratio - want) > 0.01 * want:
    fail('ratio %s, CSV says %.1f' % (ratio, want))
# An instrumented build counts flow updates and divides by them.
if rows['analyzed']['tracking'] == 'hooks':
    if int(rows['analyzed']['flow_updates']) == 0 or not rows['analyzed']['bytes_per_flow_update']:
        fail('hooks but no flow updates')

svg = ET.parse(sys.argv[3]).getroot()
ns = '{http://www.w3.org/2000/svg}'
if svg.tag != ns + 'svg':
    fail('not an SVG root: %s' % svg.tag)
bars = [r for r in svg.iter(ns + 'rect') if r.get('width') != '100%']
if len(bars) != len(modes):
    fail('%d bars' % len(bars))
texts = [t.text for t in svg.iter(ns + 'text')]
for m in modes:
    if m not in texts:
        fail('no label %s in the SVG' % m)
print('ok: table, CSV and SVG consistent; analyzed %d < snapshot %d, off %d least'
      % (delta['analyzed'], delta['snapshot'], delta['off']))
PY
