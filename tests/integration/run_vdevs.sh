#!/bin/sh
# sa-runtime works unchanged on every virtual device kind it claims:
# net_pcap, net_null, net_ring, net_tap, net_af_packet and net_memif.
# Each case moves real packets through passthrough and checks counters.
. "$(dirname "$0")/lib.sh"

"$SA_TRACEGEN" --out "$WORK/in.pcap" --seed 11 --flows 50 >/dev/null
N=$("$SA_PCAPCHECK" count "$WORK/in.pcap" | sed -n 's/^packets=//p')

write_cfg() {
	name=$1
	shift
	{ printf '[runtime]\n'; printf '%s\n' "$@"; } >"$WORK/$name.ini"
}

# run NAME VDEV-ARGS... -- RUNTIME-ARGS...
run() {
	name=$1
	shift
	vdevs=""
	while [ "$1" != "--" ]; do
		vdevs="$vdevs --vdev $1"
		shift
	done
	shift
	# shellcheck disable=SC2046,SC2086
	"$SA_RUNTIME" $(sa_eal "$name") $vdevs -- \
		--mb passthrough --config "$WORK/$name.ini" --quiet \
		--stats-file "$WORK/$name.json" "$@" \
		>"$WORK/$name.log" 2>&1 || fail "$name: sa-runtime failed:
$(cat "$WORK/$name.log")"
}

# net_null: sources and sinks packets at full rate.
write_cfg null "mode = two-armed" "inside_port = net_null0" \
	"outside_port = net_null1"
run null net_null0 net_null1 -- --run-time 300
[ "$(json_get "$WORK/null.json" inside.tx)" -gt 0 ] || fail "net_null: no TX"

# net_ring loops TX back into RX: pcap -> ring -> back -> pcap file.
write_cfg ring "mode = two-armed" "inside_port = net_pcap0" \
	"outside_port = net_ring0"
run ring "net_pcap0,rx_pcap=$WORK/in.pcap,tx_pcap=$WORK/ring.pcap" \
	net_ring0 -- --idle-exit 300
expect_eq "net_ring round trip" \
	"$("$SA_PCAPCHECK" count "$WORK/ring.pcap" | sed -n 's/^packets=//p')" \
	"$N"

# net_tap: the kernel's own ARP requests arrive through a TAP interface.
write_cfg tap "port = net_tap0"
(sleep 1; ip link set satap$$ up 2>/dev/null &&
	ip addr add 192.0.2.1/24 dev satap$$ &&
	ping -c 3 -i 0.2 -W 1 192.0.2.2 >/dev/null 2>&1) &
run tap "net_tap0,iface=satap$$" -- --run-time 3000
wait
[ "$(json_get "$WORK/tap.json" port.rx)" -gt 0 ] || fail "net_tap: no RX"

# net_af_packet on one end of a veth pair; ARP from the other end.
ip link add saveth$$a type veth peer name saveth$$b
trap 'ip link del saveth$$a 2>/dev/null || true; rm -rf "$WORK"' EXIT
ip link set saveth$$a up
ip link set saveth$$b up
ip addr add 198.51.100.1/24 dev saveth$$b
write_cfg afp "port = net_af_packet0"
(sleep 1; ping -c 3 -i 0.2 -W 1 198.51.100.2 >/dev/null 2>&1) &
run afp "net_af_packet0,iface=saveth$$a" -- --run-time 3000
wait
[ "$(json_get "$WORK/afp.json" port.rx)" -gt 0 ] || fail "net_af_packet: no RX"

# net_memif: a second instance on the client end loops packets back. The
# client starts once the server's socket exists: a client that finds no
# socket does not retry.
sock="$WORK/memif.sock"
write_cfg mcl "port = net_memif0"
write_cfg msv "mode = two-armed" "inside_port = net_pcap0" \
	"outside_port = net_memif0"
run msv "net_pcap0,rx_pcap=$WORK/in.pcap,infinite_rx=1,tx_pcap=$WORK/memif.pcap" \
	"net_memif0,role=server,socket=$sock,socket-abstract=no" -- \
	--run-time 4000 &
server=$!
i=0
until [ -S "$sock" ] || [ $i -ge 50 ]; do
	sleep 0.05
	i=$((i + 1))
done
run mcl "net_memif0,role=client,socket=$sock,socket-abstract=no" -- \
	--run-time 2500
wait $server || fail "net_memif server failed"
[ "$(json_get "$WORK/mcl.json" port.rx)" -gt 0 ] || fail "net_memif: no RX"
[ "$(json_get "$WORK/msv.json" outside.rx)" -gt 0 ] ||
	fail "net_memif: nothing came back"
echo "ok: pcap, null, ring, tap, af_packet and memif all carried packets"
