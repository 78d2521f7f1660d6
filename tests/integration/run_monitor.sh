#!/bin/sh
# monitor on net_pcap over a monitor-profile trace, with configs/
# monitor.ini and its signature files: every frame leaves unchanged,
# malformed ones included; the event log has every roster host, the OS
# guess of each one's SYN or SYN-ACK, every service with the label of its
# banner, and across the trace's idle gap the upgraded SSH server's new
# banner and the reinstalled client's new OS; the event counters agree
# with the log.
. "$(dirname "$0")/lib.sh"

# configs/monitor.ini names its signature files relative to the tree.
cd "$SA_CONFIGS/.."
"$SA_TRACEGEN" --profile monitor --out "$WORK/in.pcap" --seed 17 \
	--flows 1500 --ipv6 10 --vlan 5 --malformed 1 --stats >"$WORK/tg.txt"
sa_run monitor "$SA_CONFIGS/monitor.ini" "$WORK/in.pcap" "$WORK/out.pcap" \
	"$WORK/s.json" --alert-log "$WORK/events.log"
"$SA_PCAPCHECK" subset --in "$WORK/in.pcap" --out "$WORK/out.pcap" \
	>"$WORK/check.txt" || fail "the monitor changed or reordered frames"
rx=$(kv_get "$WORK/check.txt" in_packets)
expect_eq "all forwarded" "$(kv_get "$WORK/check.txt" out_packets)" "$rx"
expect_eq "port.tx" "$(json_get "$WORK/s.json" port.tx)" "$rx"
expect_eq "malformed counted" "$(json_get "$WORK/s.json" mb.malformed_packets)" \
	"$(kv_get "$WORK/tg.txt" malformed)"

# The roster of tools/tracegen/tg_mon_os.c as configs/monitor/*.sigs
# name it: each line must be (the start of) an event's text.
while read -r ev; do
	grep -qF " $ev" "$WORK/events.log" || fail "no event: $ev"
done <<'EOF'
1 new-host 10.0.1.1
1 new-host 10.0.2.50
1 new-host fd00::1:1
1 new-host fd00::2:1
2 os-change 10.0.1.1 synack "Linux 4.19-6.x" was "unknown"
2 os-change 10.0.1.2 synack "Windows 10-11 / Server 2016+" was "unknown"
2 os-change 10.0.1.3 synack "Linux 4.19-6.x" was "unknown"
2 os-change 10.0.1.4 synack "FreeBSD 9-14" was "unknown"
2 os-change 10.0.1.5 synack "Linux 4.19-6.x" was "unknown"
2 os-change 10.0.1.6 synack "Cisco IOS" was "unknown"
2 os-change 10.0.1.8 synack "macOS 11+ / iOS 14+" was "unknown"
2 os-change 10.0.2.1 syn "Linux 4.19-6.x" was "unknown"
2 os-change 10.0.2.2 syn "Windows 10-11" was "unknown"
2 os-change 10.0.2.3 syn "macOS 11+ / iOS 14+" was "unknown"
2 os-change 10.0.2.4 syn "FreeBSD 9-14" was "unknown"
2 os-change 10.0.2.50 syn "Windows 10-11" was "unknown"
2 os-change 10.0.2.50 syn "Linux 4.19-6.x" was "Windows 10-11"
2 os-change fd00::1:1 synack "Linux 4.19-6.x" was "unknown"
2 os-change fd00::2:1 syn "macOS 11+ / iOS 14+" was "unknown"
3 new-service 10.0.1.1 tcp/22
3 new-service 10.0.1.7 udp/53
3 new-service fd00::1:1 tcp/22
4 service-change 10.0.1.1 tcp/22 "ssh/OpenSSH 8.9p1" was "unknown"
4 service-change 10.0.1.1 tcp/22 "ssh/OpenSSH 9.6p1" was "ssh/OpenSSH 8.9p1"
4 service-change 10.0.1.1 tcp/80 "http/nginx 1.24.0" was "unknown"
4 service-change 10.0.1.2 tcp/80 "http/Microsoft IIS 10.0" was "unknown"
4 service-change 10.0.1.3 tcp/25 "smtp/Postfix (mail.example.org)" was "unknown"
4 service-change 10.0.1.3 tcp/143 "imap/Dovecot" was "unknown"
4 service-change 10.0.1.3 tcp/110 "pop3/Dovecot" was "unknown"
4 service-change 10.0.1.4 tcp/21 "ftp/vsftpd 3.0.5" was "unknown"
4 service-change 10.0.1.5 tcp/3306 "mysql/MySQL 8.0.35" was "unknown"
4 service-change 10.0.1.5 tcp/6379 "redis" was "unknown"
4 service-change 10.0.1.6 tcp/22 "ssh/Cisco 1.25" was "unknown"
4 service-change 10.0.1.7 udp/53 "dns" was "unknown"
4 service-change 10.0.1.7 udp/123 "ntp" was "unknown"
4 service-change 10.0.1.8 tcp/80 "http/Apache httpd 2.4.57" was "unknown"
4 service-change fd00::1:1 tcp/22 "ssh/OpenSSH 9.3" was "unknown"
EOF
# Every roster host is one host, each service one service: first seen
# once, and nothing changes but what the trace changes.
for what in "new-host 10.0.1.1\$" "new-service 10.0.1.5 tcp/3306\$" \
	"os-change 10.0.1.6 " "service-change 10.0.1.3 tcp/25 " \
	"service-change 10.0.1.1 tcp/22 .*was \"ssh/OpenSSH 8.9p1\""; do
	n=$(grep -c " $what" "$WORK/events.log")
	expect_eq "events '$what'" "$n" 1
done
# The roster's 13 services (14 with IPv6), and nothing else serves.
expect_eq "services" "$(grep -c ' 3 new-service ' "$WORK/events.log")" 14
S="$WORK/s.json"
for ev in new-host:new_host os-change:os_change new-service:new_service \
	service-change:service_change; do
	expect_eq "${ev%%:*} events counted" \
		"$(json_get "$S" "mb.events_${ev#*:}")" \
		"$(grep -c " [1-4] ${ev%%:*} " "$WORK/events.log")"
done
[ "$(json_get "$S" mb.banners_unknown)" = 0 ] || fail "unknown banners"
[ "$(json_get "$S" mb.os_unknown)" = 0 ] || fail "unknown fingerprints"
echo "ok: monitor forwarded $rx frames unchanged," \
	"$(grep -c . "$WORK/events.log") asset events as expected"
