#!/bin/sh
# Self-test of sa-tracegen and sa-pcapcheck without a middlebox: the same
# arguments give the same bytes, for every profile, options are validated
# with a message that names them, the packet cap holds, and the checker
# accepts a capture as a subset of itself but refuses untranslated traffic
# as NAT or lb output.
set -eu
TG=$1 PC=$2
LB_INI=$(dirname "$0")/../../configs/lb.ini
WORK=$(mktemp -d /tmp/sa-tgtest.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ARGS="--seed 3 --flows 500 --ipv6 20 --vlan 10 --unsolicited 5 --malformed 2
	--nat-pool 203.0.113.0/30"
# shellcheck disable=SC2086
"$TG" --out "$WORK/a.pcap" $ARGS >/dev/null
# shellcheck disable=SC2086
"$TG" --out "$WORK/b.pcap" $ARGS >/dev/null
cmp -s "$WORK/a.pcap" "$WORK/b.pcap" || fail "same arguments, different file"
# shellcheck disable=SC2086
"$TG" --out "$WORK/c.pcap" $ARGS --seed 4 >/dev/null
cmp -s "$WORK/a.pcap" "$WORK/c.pcap" && fail "--seed changes nothing"

"$TG" --out "$WORK/cap.pcap" --flows 500 --max-packets 100 >/dev/null
[ "$("$PC" count "$WORK/cap.pcap")" = "packets=100" ] ||
	fail "--max-packets 100 not honoured"
"$TG" --out "$WORK/s.pcap" --flows 200 --stats >"$WORK/stats.txt"
grep -q "^packets=$("$PC" count "$WORK/s.pcap" | sed 's/packets=//')\$" \
	"$WORK/stats.txt" || fail "--stats packets differ from the file"

"$PC" subset --in "$WORK/a.pcap" --out "$WORK/a.pcap" >/dev/null ||
	fail "a capture is not a subset of itself"
if "$PC" nat --in "$WORK/a.pcap" --out "$WORK/a.pcap" \
	--pool 203.0.113.0/30 --inside 10.0.0.0/16 >"$WORK/nat.txt"; then
	fail "untranslated traffic passed the NAT check"
fi
grep -q "not in the pool" "$WORK/nat.txt" || fail "nat: $(cat "$WORK/nat.txt")"

for p in "lb --config $LB_INI" ids monitor; do
	# shellcheck disable=SC2086
	"$TG" --out "$WORK/p1.pcap" --profile $p --seed 5 --flows 300 \
		--ipv6 10 --vlan 10 --malformed 2 --stats >"$WORK/p.txt"
	# shellcheck disable=SC2086
	"$TG" --out "$WORK/p2.pcap" --profile $p --seed 5 --flows 300 \
		--ipv6 10 --vlan 10 --malformed 2 >/dev/null
	cmp -s "$WORK/p1.pcap" "$WORK/p2.pcap" ||
		fail "--profile $p: same arguments, different file"
	grep -q "^$("$PC" count "$WORK/p1.pcap")\$" "$WORK/p.txt" ||
		fail "--profile $p: --stats packets differ from the file"
	# shellcheck disable=SC2086
	"$TG" --out "$WORK/p2.pcap" --profile $p --seed 6 --flows 300 \
		>/dev/null
	cmp -s "$WORK/p1.pcap" "$WORK/p2.pcap" &&
		fail "--profile $p: --seed changes nothing"
	# shellcheck disable=SC2086
	"$TG" --out "$WORK/p2.pcap" --profile $p --flows 300 --pkt-size 64 \
		--max-packets 500 >/dev/null
	[ "$("$PC" count "$WORK/p2.pcap")" = "packets=500" ] ||
		fail "--profile $p: --max-packets 500 not honoured"
done
"$TG" --out "$WORK/lb.pcap" --profile lb --config "$LB_INI" --flows 200 \
	>/dev/null
if "$PC" lb --in "$WORK/lb.pcap" --out "$WORK/lb.pcap" --config "$LB_INI" \
	>"$WORK/lb.txt"; then
	fail "unbalanced traffic passed the lb check"
fi
grep -q "no backend of that service" "$WORK/lb.txt" ||
	fail "lb: $(cat "$WORK/lb.txt")"

# expect_bad WHAT ARGS...: exits non-zero and names WHAT on stderr.
expect_bad() {
	what=$1
	shift
	if "$TG" "$@" 2>"$WORK/err.txt"; then
		fail "accepted: $*"
	fi
	grep -q -- "$what" "$WORK/err.txt" ||
		fail "$*: no '$what' in: $(cat "$WORK/err.txt")"
}
expect_bad "--frobnicate" --out "$WORK/x.pcap" --frobnicate
expect_bad "--flows" --out "$WORK/x.pcap" --flows ten
expect_bad "--udp" --out "$WORK/x.pcap" --udp 140
expect_bad "--inside" --out "$WORK/x.pcap" --inside 10.0.0.0/40
expect_bad "--nat-pool" --out "$WORK/x.pcap" --nat-pool 1.2.3
expect_bad "--out" --flows 10
expect_bad "$WORK/no/such/dir" --out "$WORK/no/such/dir/x.pcap"
expect_bad "--profile" --out "$WORK/x.pcap" --profile nat
expect_bad "--nat-pool" --out "$WORK/x.pcap" --profile ids --nat-pool 1.2.3.4
expect_bad "--config" --out "$WORK/x.pcap" --profile lb
expect_bad "--config" --out "$WORK/x.pcap" --config "$LB_INI"
expect_bad "$WORK/none.ini" --out "$WORK/x.pcap" --profile lb \
	--config "$WORK/none.ini"
expect_bad "NAT pool address" --out "$WORK/x.pcap" --flows 70000 --udp 0 \
	--icmp 0 --nat-pool 203.0.113.1
if "$PC" count "$WORK/missing.pcap" >"$WORK/err.txt"; then
	fail "count of a missing file succeeded"
fi
grep -q "missing.pcap" "$WORK/err.txt" || fail "no file name in the error"
echo "ok: tracegen reproducible (all profiles), options checked," \
	"pcapcheck sane"
