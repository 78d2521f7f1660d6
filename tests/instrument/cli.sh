#!/bin/sh
# statealyzr instrument on the command line: the summary line and the
# JSON "instrument" object for a fixture, then bad input: a missing -o,
# an unreadable or invalid input, an unwritable output, an input that is
# already instrumented. Each must fail with a message naming the file and
# the documented exit status, never a crash.
# Usage: cli.sh STATEALYZR FIXTURE.bc
set -u
SZ=$1 BC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect STATUS PATTERN CMD...: exit status and a line of stderr.
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "$*: exit $rc, expected $want: $(cat "$WORK/err")"
	grep -q -- "$pat" "$WORK/err" ||
		fail "$*: no '$pat' in: $(cat "$WORK/err")"
}

expect 0 "^statealyzr: instrumented 2 of 2 stores (0 output-impacting, 2 update-only), 0 allocation calls redirected, 2 manifest regions$" \
	"$SZ" instrument "$BC" -o "$WORK/ok.bc" --json "$WORK/ok.json" \
	--report "$WORK/ok.txt"
[ -s "$WORK/ok.bc" ] || fail "no output module"
[ ! -s "$WORK/out" ] || fail "instrument wrote to stdout"
grep -q '"stores_instrumented": 2,' "$WORK/ok.json" ||
	fail "no instrument object in the JSON"
grep -q '"manifest_regions": 2' "$WORK/ok.json" ||
	fail "no manifest_regions in the JSON"
grep -q ": instrument: instrumented 2 of 2 stores" "$WORK/ok.txt" ||
	fail "no instrument line in the readable report"
"$SZ" instrument "$BC" -o "$WORK/q.bc" --quiet 2>"$WORK/err" ||
	fail "--quiet failed"
[ ! -s "$WORK/err" ] || fail "--quiet printed: $(cat "$WORK/err")"

expect 2 "no output file" "$SZ" instrument "$BC"
expect 2 "bad option" "$SZ" analyze "$BC" -o "$WORK/x.bc"
expect 1 "$WORK/missing.bc" "$SZ" instrument "$WORK/missing.bc" -o \
	"$WORK/x.bc"
echo "not IR" >"$WORK/junk.bc"
expect 1 "$WORK/junk.bc" "$SZ" instrument "$WORK/junk.bc" -o "$WORK/x.bc"
expect 1 "cannot write $WORK/no/such/dir/x.bc" "$SZ" instrument "$BC" \
	-o "$WORK/no/such/dir/x.bc"
expect 1 "already instrumented" "$SZ" instrument "$WORK/ok.bc" -o \
	"$WORK/twice.bc"
echo "cli: ok"
