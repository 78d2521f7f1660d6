#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The HA failover harness's worker (tools/ha-failover.sh sets up the
namespaces and calls it). Subcommands:

  tag IN OUT            IPv4 packets get their index in the IP ID (the
                        per-packet sequence tag; header checksum fixed)
  send IFA IFB PCAP PPS the source: each packet on both interfaces (both
                        instances see the input), paced at PPS
  capture OUT IF...     the sink: every frame with its CLOCK_MONOTONIC ns
                        and interface, until SIGTERM
  run ...               one kill iteration (see run())
  report FILE...        median / p99 over the iterations' results
"""
import json, os, random, select, signal, socket, struct, subprocess, sys, time

ETH_P_ALL = 3


def pcap_read(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    recs, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        recs.append((data[off:off + 16], data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], recs


def ip_tag(frame):
    """The tag of an IPv4 frame (IP ID), or None."""
    if len(frame) < 34 or frame[12:14] != b'\x08\x00':
        return None
    return struct.unpack('>H', frame[18:20])[0]


def ip_cksum(hdr):
    s = 0
    for i in range(0, len(hdr), 2):
        s += hdr[i] << 8 | hdr[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def cmd_tag(src, dst):
    hdr, recs = pcap_read(src)
    out, n = [hdr], 0
    for i, (h, d) in enumerate(recs):
        d = bytearray(d)
        if ip_tag(bytes(d)) is not None:
            ihl = (d[14] & 0x0f) * 4
            d[18:20] = struct.pack('>H', i & 0xffff)
            d[24:26] = b'\0\0'
            d[24:26] = struct.pack('>H', ip_cksum(d[14:14 + ihl]))
            n += 1
        out.append(h + bytes(d))
    with open(dst, 'wb') as f:
        f.write(b''.join(out))
    if len(recs) > 65536:
        sys.exit('tag: more than 65536 packets: tags would repeat')
    print(n)


def cmd_send(ifa, ifb, path, pps):
    frames = [d for _, d in pcap_read(path)[1]]
    socks = []
    for ifn in (ifa, ifb):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((ifn, 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        socks.append(s)
    gap = 1.0 / float(pps)
    t0 = time.perf_counter()
    for i, f in enumerate(frames):
        due = t0 + i * gap
        while True:
            now = time.perf_counter()
            if now >= due:
                break
            if due - now > 0.002:
                time.sleep(due - now - 0.001)
        for s in socks:
            s.send(f)


def cmd_capture(out, ifaces):
    socks = {}
    for ifn in ifaces:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
        s.bind((ifn, 0))
        socks[s.fileno()] = (s, ifn)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    recs = []
    open(out + '.ready', 'w').close()
    while not stop:
        try:
            r, _, _ = select.select(list(socks), [], [], 0.05)
        except InterruptedError:
            continue
        for fd in r:
            s, ifn = socks[fd]
            while True:
                try:
                    d = s.recv(65536, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                recs.append((time.monotonic_ns(), ifn, d))
    with open(out, 'wb') as f:
        for t, ifn, d in recs:
            b = ifn.encode()
            f.write(struct.pack('<QBI', t, len(b), len(d)) + b + d)


def capture_read(path):
    with open(path, 'rb') as f:
        data = f.read()
    off, recs = 0, []
    while off < len(data):
        t, bl, dl = struct.unpack_from('<QBI', data, off)
        off += 13
        ifn = data[off:off + bl].decode()
        off += bl
        recs.append((t, ifn, data[off:off + dl]))
        off += dl
    return recs


def analyze(ref_pcap, cap_path, kill_ns, ifa, ifb, sent):
    """Failover time, losses and per-packet equivalence of one run."""
    ref = {}
    for _, d in pcap_read(ref_pcap)[1]:
        t = ip_tag(d)
        if t is not None:
            ref.setdefault(t, []).append(d)
    seen, res = {}, {'wrong': 0, 'dup': 0, 'untagged': 0}
    first_b = last_a = None
    a_after_b = 0
    for t_ns, ifn, d in capture_read(cap_path):
        tag = ip_tag(d)
        if tag is None:
            res['untagged'] += 1
            continue
        if ifn == ifb and first_b is None:
            first_b = t_ns
        if ifn == ifa:
            last_a = t_ns
            if first_b is not None:
                a_after_b += 1
        if d not in ref.get(tag, []):
            res['wrong'] += 1
        if tag in seen:
            res['dup'] += 1
        seen[tag] = ifn
    expected = [t for t in ref if t < sent]
    res['lost'] = sum(1 for t in expected if t not in seen)
    res['out_a'] = sum(1 for v in seen.values() if v == ifa)
    res['out_b'] = sum(1 for v in seen.values() if v == ifb)
    res['expected'] = len(expected)
    res['a_after_b'] = a_after_b
    res['failover_us'] = (first_b - kill_ns) / 1000.0 \
        if first_b is not None else None
    res['gap_us'] = (first_b - last_a) / 1000.0 \
        if first_b is not None and last_a is not None else None
    return res


def wait_for(what, fn, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if fn():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise SystemExit('timed out waiting for ' + what)


def hactl(env, sock, key):
    out = subprocess.run([env['SA_HACTL'], '--socket', sock, 'status',
                          '--kv'], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith(key + '='):
            return line.split('=', 1)[1]
    return None


def cmd_run(args):
    """run WORK SEED ITER PPS: one iteration in the namespaces named by
    $HA_NS_MID/$HA_NS_SRC/$HA_NS_SINK; prints a JSON result line."""
    work, seed, it, pps = args[0], int(args[1]), int(args[2]), int(args[3])
    env = os.environ
    mid, src, sink = env['HA_NS_MID'], env['HA_NS_SRC'], env['HA_NS_SINK']
    rng = random.Random(seed * 1000 + it)
    d = os.path.join(work, 'it%03d' % it)
    os.makedirs(d)
    trace = os.path.join(work, 'tagged.pcap')
    total = len(pcap_read(trace)[1])
    procs = []
    logs = []

    def start(ns, argv, log):
        f = open(os.path.join(d, log), 'w')
        logs.append(f)
        p = subprocess.Popen(['ip', 'netns', 'exec', ns] + argv,
                             stdout=f, stderr=subprocess.STDOUT)
        procs.append(p)
        return p

    port = 30000 + (os.getpid() + it) % 20000
    # Memory: what the pool needs, no more; without hugepages the kernel
    # frees a killed runtime's 4 KiB pages before it closes its sockets,
    # which is what the standby's side waits for (see the README).
    eal = ['--no-huge', '-m', env.get('HA_EAL_MEM', '128'), '--no-pci',
           '--no-shconf',
           '--log-level=lib.eal:error']
    # A kernel RX ring of 4096 frames (200 ms at 20 kpps): a runtime that
    # is descheduled loses no input (a lost frame shifts the standby's
    # input numbering against the primary's).
    ring = 'framecnt=' + env.get('HA_RING_FRAMES', '4096')
    common = ['--', '--mb', env.get('HA_MB', 'nat'),
              '--config', os.path.join(work, 'mb.ini'),
              '--quiet', '--replicate', 'analyzed']
    rt_b = start(mid, [env['SA_RUNTIME']] + eal + [
        '-l', '1', '--file-prefix', 'hab%d' % port,
        '--vdev', 'net_af_packet0,iface=bin,' + ring,
        '--vdev', 'net_af_packet1,iface=bout'] + common + [
        '--role', 'standby', '--listen', '127.0.0.1:%d' % port,
        '--keep-input', '--control', os.path.join(d, 'rt-b.ctl')],
        'rt-b.log')
    wait_for('the standby runtime', lambda: os.path.exists(
        os.path.join(d, 'rt-b.ctl')), 20)
    rt_a = start(mid, [env['SA_RUNTIME']] + eal + [
        '-l', '0', '--file-prefix', 'haa%d' % port,
        '--vdev', 'net_af_packet0,iface=ain,' + ring,
        '--vdev', 'net_af_packet1,iface=aout'] + common + [
        '--role', 'primary', '--peer', '127.0.0.1:%d' % port,
        '--commit', 'sync', '--await-standby', '10000',
        '--control', os.path.join(d, 'rt-a.ctl')], 'rt-a.log')
    for n, me, peer in (('a', 1, 2), ('b', 2, 1)):
        os.makedirs(os.path.join(d, 'state-' + n))
        with open(os.path.join(d, 'ha-%s.ini' % n), 'w') as f:
            f.write('[daemon]\nnode_id = %d\nstate_dir = %s\n'
                    'control_socket = %s\nkey_file = %s\n'
                    '[heartbeat]\nlisten = 127.0.0.1:%d\n'
                    'peer = 127.0.0.1:%d\n[runtime]\ncontrol_socket = %s\n'
                    % (me, os.path.join(d, 'state-' + n),
                       os.path.join(d, 'ha-%s.ctl' % n),
                       os.path.join(work, 'ha.key'), port + 100 + me,
                       port + 100 + peer,
                       os.path.join(d, 'rt-%s.ctl' % n)))
        start(mid, [env['SA_HADAEMON'], '--config',
                    os.path.join(d, 'ha-%s.ini' % n)], 'ha-%s.log' % n)
    hb = os.path.join(d, 'ha-b.ctl')
    wait_for('the pair', lambda: hactl(env, hb, 'sync') == 'synced' and
             hactl(env, hb, 'peer_state') == 'alive' and
             hactl(env, hb, 'peer_role') == 'primary', 30)
    cap = os.path.join(d, 'cap.bin')
    capture = start(sink, [sys.executable, __file__, 'capture', cap,
                           'ka', 'kb'], 'capture.log')
    wait_for('the capture', lambda: os.path.exists(cap + '.ready'), 10)
    sender = start(src, [sys.executable, __file__, 'send', 'sa0', 'sb0',
                         trace, str(pps)], 'send.log')
    duration = total / float(pps)
    time.sleep(rng.uniform(0.3, 0.7) * duration)
    kill_ns = time.monotonic_ns()
    rt_a.kill()
    sender.wait()
    time.sleep(0.3)
    took = hactl(env, hb, 'counter.last_promotion_us')
    role = hactl(env, hb, 'role')
    capture.send_signal(signal.SIGTERM)
    capture.wait()
    for p in procs:
        if p.poll() is None:
            p.kill()
    for p in procs:
        p.wait()
    for f in logs:
        f.close()
    res = analyze(os.path.join(work, 'ref.pcap'), cap, kill_ns, 'ka', 'kb',
                  total)
    # Where the time goes: the kernel closing the killed runtime's
    # sockets (A's daemon logs it, CLOCK_MONOTONIC like kill_ns).
    res['detect_us'] = None
    with open(os.path.join(d, 'ha-a.log')) as f:
        for line in f:
            if 'control connection closed' in line:
                t = float(line[1:line.index(']')])
                res['detect_us'] = round(t * 1e6 - kill_ns / 1e3)
                break
    res.update({'iter': it, 'seed': seed, 'role_b': role,
                'daemon_promote_us': int(took) if took else None,
                'sent': total, 'pps': pps})
    print(json.dumps(res))


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float('nan')
    k = min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))
    return xs[k]


def cmd_report(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            rows += [json.loads(l) for l in f if l.startswith('{')]
    fo = [r['failover_us'] for r in rows if r['failover_us'] is not None]
    lost = [r['lost'] for r in rows]
    print('kills=%d promoted=%d' % (len(rows), len(fo)))
    if fo:
        print('failover_us median=%.0f p99=%.0f min=%.0f max=%.0f' %
              (pct(fo, 50), pct(fo, 99), min(fo), max(fo)))
    det = [r['detect_us'] for r in rows if r.get('detect_us') is not None]
    if det:
        print('detect_us (kill -> runtime socket closed) median=%.0f '
              'p99=%.0f' % (pct(det, 50), pct(det, 99)))
    print('lost_packets median=%d p99=%d max=%d' %
          (pct(lost, 50), pct(lost, 99), max(lost) if lost else 0))
    print('wrong_packets total=%d dup_packets total=%d '
          'a_after_b total=%d' % (sum(r['wrong'] for r in rows),
                                  sum(r['dup'] for r in rows),
                                  sum(r['a_after_b'] for r in rows)))
    bad = [r for r in rows if r['failover_us'] is None or r['wrong'] or
           r['a_after_b']]
    return 1 if bad else 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'tag':
        cmd_tag(*args)
    elif cmd == 'send':
        cmd_send(args[0], args[1], args[2], args[3])
    elif cmd == 'capture':
        cmd_capture(args[0], args[1:])
    elif cmd == 'run':
        cmd_run(args)
    elif cmd == 'report':
        sys.exit(cmd_report(args))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
