# Sourced by the replication tests (run_repl_*.sh) after lib.sh: a primary
# and a standby sa-runtime on net_pcap, driven through the control socket
# with sa-ctl. meson passes SA_CTL beside lib.sh's variables.
: "${SA_CTL:?}"

# A loopback port of our own, so concurrent tests do not collide.
REPL_PORT=$((20000 + $$ % 20000))
REPL_PIDS=""
trap 'for p in $REPL_PIDS; do kill -9 "$p" 2>/dev/null || true; done; [ -n "${REPL_KEEP:-}" ] || rm -rf "$WORK"' EXIT

# repl_key FILE: a fresh pre-shared key, mode 0600.
repl_key() {
	umask 077
	od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$1"
	echo >>"$1"
	umask 022
}

# repl_config SRC.ini OUT.ini KEYFILE: SRC with small tables (every
# middlebox's, so that per-batch replica checks stay cheap), a
# [replication] section and a short ack timeout.
repl_config() {
	sed -E 's/^(max_(sessions|conns|connections|states|flows|hosts|services)) = .*/\1 = 4096/' \
		"$1" >"$2"
	printf '\n[replication]\nkey_file = %s\nack_timeout = 300ms\nreconnect = 200ms\n' \
		"$3" >>"$2"
}

# pcap_tool CMD ARGS: slice, header and compare pcaps (python3).
pcap_tool() {
	python3 - "$@" <<'PY'
import struct, sys

def read(path):
    with open(path, 'rb') as f:
        data = f.read()
    # A dumper killed before its first flush left not even the header.
    if len(data) < 24:
        return data, []
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    recs, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        recs.append((data[off:off + 16], data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], recs

cmd = sys.argv[1]
out = sys.stdout.buffer
if cmd == 'header':          # header IN: IN's file header only
    out.write(read(sys.argv[2])[0])
elif cmd == 'records':       # records IN FROM [COUNT]: records, no header
    hdr, recs = read(sys.argv[2])
    frm = int(sys.argv[3])
    cnt = int(sys.argv[4]) if len(sys.argv) > 4 else len(recs)
    for h, d in recs[frm:frm + cnt]:
        out.write(h + d)
elif cmd == 'count':
    print(len(read(sys.argv[2])[1]))
elif cmd == 'exact':         # exact pcap|lines R P S START: P a prefix of R,
    # S exactly R from record START on (START: the outputs of the input the
    # standby resumed from); gap = START - len(P), < 0 when P and S overlap.
    if sys.argv[2] == 'pcap':
        r, p, s = ([d for _, d in read(f)[1]] for f in sys.argv[3:6])
    else:
        r, p, s = (open(f, 'rb').read().splitlines() for f in sys.argv[3:6])
    start = int(sys.argv[6])
    print('reference=%d primary=%d standby=%d resume=%d gap=%d'
          % (len(r), len(p), len(s), start, start - len(p)))
    def first_diff(a, b):
        return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
                    min(len(a), len(b)))
    if r[:len(p)] != p:
        sys.exit('primary output is not a prefix of the reference: record '
                 '%d differs' % first_diff(r, p))
    if r[start:] != s:
        sys.exit('standby output is not the reference from record %d on: '
                 'its record %d differs (%d records, %d expected)'
                 % (start, first_diff(r[start:], s), len(s),
                    len(r) - start))
PY
}

# ctl SOCKET KEY: one value from sa-ctl status.
ctl() {
	"$SA_CTL" --socket "$1" status | sed -n "s/^$2=//p"
}

# ctl_is SOCKET KEY VALUE: true when sa-ctl status shows KEY=VALUE.
ctl_is() {
	[ "$(ctl "$1" "$2")" = "$3" ]
}

# ctl_ge SOCKET KEY N: the counter is at least N (for wait_for, which
# re-runs it: a $(...) in wait_for's arguments would be read only once).
ctl_ge() {
	v=$(ctl "$1" "$2")
	[ -n "$v" ] && [ "$v" -ge "$3" ]
}

# wait_for DESC SECONDS CMD...: polls CMD every 0.1 s.
wait_for() {
	desc=$1 n=$(($2 * 10))
	shift 2
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || fail "timed out waiting for $desc"
		sleep 0.1
	done
}

# repl_run ROLE LCORE SUFFIX VDEVS CONFIG LOG [options]: one instance in
# the background (VDEVS: device arguments separated by spaces); its pid
# joins REPL_PIDS and is in $!.
repl_run() {
	role=$1 lcore=$2 sfx=$3 cfg=$5 log=$6
	vdevs=$(printf ' --vdev %s' $4)
	shift 6
	# shellcheck disable=SC2086
	"$SA_RUNTIME" --no-huge -m 256 --no-pci --no-shconf -l "$lcore" \
		--file-prefix "sa$$$sfx" --log-level=lib.eal:error \
		$vdevs -- --config "$cfg" --role "$role" --quiet \
		"$@" >"$log" 2>&1 3>&- &
	REPL_PIDS="$REPL_PIDS $!"
}
