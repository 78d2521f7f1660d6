#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The HA failover harness's worker (tools/ha-failover.sh sets up the
namespaces and calls it). Subcommands:

  tag IN OUT [N WARM]   IPv4 packets get their index in the IP ID (the
                        per-packet sequence tag; header checksum fixed),
                        after WARM's packets marked untagged (TOS 4)
  send IFA IFB PCAP PPS [WARM_N WARM_PPS]
                        the source: each packet on both interfaces (both
                        instances see the input), paced at PPS (the
                        first WARM_N at WARM_PPS)
  capture OUT IF...     the sink: every frame with its CLOCK_MONOTONIC ns
                        and interface, until SIGTERM
  run WORK SEED IT PPS SCENARIO
                        one iteration of a scenario (see scenario())
  report FILE...        median / p99 over the iterations' results
"""
import json, os, random, re, select, signal, socket, struct, subprocess, sys, time

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


WARM_TOS = 4     # warm-up packets: untagged (--entries)


def ip_tag(frame):
    """The tag of an IPv4 frame (IP ID), or None (not IPv4, warm-up)."""
    if len(frame) < 34 or frame[12:14] != b'\x08\x00' or \
            frame[15] == WARM_TOS:
        return None
    return struct.unpack('>H', frame[18:20])[0]


def ip_cksum(hdr):
    s = 0
    for i in range(0, len(hdr), 2):
        s += hdr[i] << 8 | hdr[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def set_ip(d, ident=None, tos=None):
    ihl = (d[14] & 0x0f) * 4
    if ident is not None:
        d[18:20] = struct.pack('>H', ident & 0xffff)
    if tos is not None:
        d[15] = tos
    d[24:26] = b'\0\0'
    d[24:26] = struct.pack('>H', ip_cksum(d[14:14 + ihl]))


def cmd_tag(src, dst, entries='0', warm=None):
    """The trace's IPv4 packets get their index as IP ID; with entries,
    the warm-up trace's packets (TOS 4, untagged) come first."""
    hdr, recs = pcap_read(src)
    out, n, nw = [hdr], 0, 0
    if int(entries) > 0:
        # The first inside -> outside packet of each flow: one new
        # session each, no more packets than sessions.
        flows = set()
        for h, d in pcap_read(warm)[1]:
            d = bytearray(d)
            if len(d) < 38 or d[12:14] != b'\x08\x00' or d[26] != 10 \
                    or d[27] != 0:
                continue
            ihl = (d[14] & 0x0f) * 4
            key = bytes(d[23:24] + d[26:34] + d[14 + ihl:14 + ihl + 4])
            if key in flows:
                continue
            flows.add(key)
            set_ip(d, tos=WARM_TOS)
            out.append(h + bytes(d))
            nw += 1
    for i, (h, d) in enumerate(recs):
        d = bytearray(d)
        if ip_tag(bytes(d)) is not None:
            set_ip(d, ident=i)
            n += 1
        out.append(h + bytes(d))
    with open(dst, 'wb') as f:
        f.write(b''.join(out))
    if len(recs) > 65536:
        sys.exit('tag: more than 65536 packets: tags would repeat')
    with open(os.path.join(os.path.dirname(dst), 'meta.json'), 'w') as f:
        json.dump({'warm': nw, 'tagged': n, 'total': nw + len(recs)}, f)
    print('%d packets (%d tagged, %d warm-up)' % (nw + len(recs), n, nw))


def cmd_send(ifa, ifb, path, pps, warm_n='0', warm_pps=None):
    frames = [d for _, d in pcap_read(path)[1]]
    socks = []
    for ifn in (ifa, ifb):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((ifn, 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        socks.append(s)
    gap = 1.0 / float(pps)
    warm_n = int(warm_n)
    warm_gap = 1.0 / float(warm_pps or pps)
    open(path + '.started', 'w').close()
    t0 = time.perf_counter()
    for i, f in enumerate(frames):
        due = t0 + min(i, warm_n) * warm_gap + max(0, i - warm_n) * gap
        while True:
            now = time.perf_counter()
            if now >= due:
                break
            if due - now > 0.002:
                time.sleep(due - now - 0.001)
        for s in socks:
            s.send(f)


SO_TIMESTAMPNS = 35


def cmd_capture(out, ifaces):
    """Each frame is stamped by the kernel when it arrives (SO_TIMESTAMPNS,
    CLOCK_REALTIME, turned into CLOCK_MONOTONIC with the offset at start),
    not when this process gets to read it: on a loaded machine the reader
    lags by milliseconds."""
    socks = {}
    for ifn in ifaces:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        s.bind((ifn, 0))
        socks[s.fileno()] = (s, ifn)
    off = time.clock_gettime_ns(time.CLOCK_REALTIME) - time.monotonic_ns()
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
                    d, anc, _, _ = s.recvmsg(65536, 64, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                t = time.monotonic_ns()
                for lvl, typ, val in anc:
                    if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                        sec, nsec = struct.unpack('qq', val[:16])
                        t = sec * 1000000000 + nsec - off
                recs.append((t, ifn, d))
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


def analyze(ref_pcap, cap_path, events, sent_tags, known_ns=None):
    """Per-packet equivalence, losses, and per takeover (kill_ns, iface of
    the new transmitter): failover time and the packets sent by a side
    that was not the expected transmitter then (double). With known_ns
    (split: when A acted on B's higher epoch) these are both_tx instead,
    expected while the two were cut off, and A's frames later than
    known_ns + 1 ms (what its kernel already held) are after_known."""
    ref = {}
    for _, d in pcap_read(ref_pcap)[1]:
        t = ip_tag(d)
        if t is not None:
            ref.setdefault(t, []).append(d)
    recs = sorted(capture_read(cap_path), key=lambda r: r[0])
    res = {'wrong': 0, 'dup': 0, 'untagged': 0, 'double': 0,
           'failover_us': [], 'gap_us': []}
    if known_ns is not None:
        res.update(after_known=0, both_tx=0)
    # The new transmitter's first packet after each kill.
    firsts = []
    for kill_ns, ifn in events:
        first = next((t for t, i, d in recs if i == ifn and t >= kill_ns and
                      ip_tag(d) is not None), None)
        firsts.append((first, ifn))
        res['failover_us'].append(None if first is None else
                                  (first - kill_ns) / 1000.0)
    seen = {}
    last = {}
    for t_ns, ifn, d in recs:
        if known_ns is not None and ifn == 'ka' and \
                t_ns > known_ns + 1000000:
            res['after_known'] += 1
        tag = ip_tag(d)
        if tag is None:
            res['untagged'] += 1
            continue
        expect = 'ka'
        for first, new in firsts:
            if first is not None and t_ns >= first:
                expect = new
        if ifn != expect:
            res['double' if known_ns is None else 'both_tx'] += 1
        for k, (first, new) in enumerate(firsts):
            if first is not None and t_ns < first and ifn != new:
                last[k] = t_ns
        if d not in ref.get(tag, []):
            res['wrong'] += 1
        if tag in seen:
            res['dup'] += 1
        seen[tag] = ifn
    for k, (first, new) in enumerate(firsts):
        res['gap_us'].append((first - last[k]) / 1000.0
                             if first is not None and k in last else None)
    expected = [t for t in ref if t in sent_tags]
    res['lost'] = sum(1 for t in expected if t not in seen)
    res['out_a'] = sum(1 for v in seen.values() if v == 'ka')
    res['out_b'] = sum(1 for v in seen.values() if v == 'kb')
    res['expected'] = len(expected)
    return res


def wait_for(what, fn, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if fn():
                return
        except Exception:
            pass
        time.sleep(0.02)
    raise SystemExit('timed out waiting for ' + what)


class Pair:
    """Node a (namespace $HA_NS_A) and node b ($HA_NS_B): a runtime and
    an sa-hadaemon each; heartbeats on 10.77.0.0/30, replication on
    10.77.1.0/30."""
    HB_PORT = 7400

    def __init__(self, work, d, it):
        self.env = os.environ
        self.work, self.d, self.it = work, d, it
        self.port = 30000 + it % 20000
        self.ns = {'a': self.env['HA_NS_A'], 'b': self.env['HA_NS_B']}
        self.ip = {'a': '10.77.%d.1', 'b': '10.77.%d.2'}
        self.rt, self.daemons, self.procs, self.logs = {}, {}, [], []
        self.gen = 0

    def start(self, ns, argv, log, cpu=None):
        f = open(os.path.join(self.d, log), 'a')
        self.logs.append(f)
        # A runtime is pinned to its lcore's CPU, as deployed (systemd
        # CPUAffinity=): EAL then keeps its control threads there too,
        # and so does the kernel the teardown of a killed runtime, which
        # the last thread out does; else it runs, preempted, on the CPU
        # of the peer that waits for it. Deployed, a runtime owns its
        # core; here it shares it with this harness's source and sink,
        # and a standby woken for its promotion waited behind them for
        # up to a 4 ms slice (traced): runtimes run at nice -10
        # (HA_RT_NICE).
        # nsenter joins the network namespace alone. 'ip netns exec'
        # also gives each process a mount namespace of its own, whose
        # teardown when the process dies (an expedited RCU grace period)
        # comes before its sockets close: milliseconds added to every
        # kill that a runtime started by systemd never pays.
        nice = int(self.env.get('HA_RT_NICE', '-10'))

        def pin():
            os.sched_setaffinity(0, {cpu})
            os.setpriority(os.PRIO_PROCESS, 0, nice)
        p = subprocess.Popen(['nsenter', '--net=/run/netns/' + ns] + argv,
                             stdout=f, stderr=subprocess.STDOUT,
                             preexec_fn=None if cpu is None else pin)
        self.procs.append(p)
        return p

    def repl_addr(self, n):
        return '%s:%d' % (self.ip[n] % 1, self.port)

    def ctl(self, n):
        return os.path.join(self.d, 'rt-%s.ctl' % n)

    def runtime(self, n, role):
        other = 'b' if n == 'a' else 'a'
        self.gen += 1
        if os.path.exists(self.ctl(n)):
            os.unlink(self.ctl(n))
        # Memory: what the pool (up to 32767 mbufs) needs.
        argv = [self.env['SA_RUNTIME'], '--no-huge', '-m',
                self.env.get('HA_EAL_MEM', '256'), '--no-pci', '--no-shconf',
                '--log-level=lib.eal:error', '-l', '0' if n == 'a' else '1',
                '--file-prefix', 'ha%s%d_%d' % (n, self.port, self.gen),
                # 4096-frame kernel rings: 200 ms at 20 kpps.
                '--vdev', 'net_af_packet0,iface=%sin,framecnt=%s' %
                (n, self.env.get('HA_RING_FRAMES', '4096')),
                '--vdev', 'net_af_packet1,iface=%sout' % n,
                '--', '--mb', 'nat', '--config',
                os.path.join(self.work, 'mb.ini'), '--quiet',
                '--replicate', 'analyzed', '--commit', 'sync',
                '--control', self.ctl(n)]
        if role == 'primary':
            argv += ['--role', 'primary', '--peer', self.repl_addr(other),
                     '--await-standby', '10000']
        else:
            argv += ['--role', 'standby', '--listen', self.repl_addr(n),
                     '--peer', self.repl_addr(other), '--keep-input']
        self.rt[n] = self.start(self.ns[n], argv, 'rt-%s.log' % n,
                                cpu=0 if n == 'a' else 1)
        wait_for('runtime ' + n, lambda: os.path.exists(self.ctl(n)), 30)

    def daemon(self, n):
        other = 'b' if n == 'a' else 'a'
        me = 1 if n == 'a' else 2
        ini = os.path.join(self.d, 'ha-%s.ini' % n)
        os.makedirs(os.path.join(self.d, 'state-' + n), exist_ok=True)
        with open(ini, 'w') as f:
            # Realtime, as configs/hadaemon-a.ini; HA_RT_PRIORITY=0
            # measures time-shared daemons.
            f.write('[daemon]\nnode_id = %d\nstate_dir = %s\n'
                    'control_socket = %s\nkey_file = %s\n'
                    'realtime_priority = %s\n'
                    '[heartbeat]\nlisten = %s:%d\npeer = %s:%d\n'
                    '[runtime]\ncontrol_socket = %s\non_demote = touch %s\n'
                    % (me, os.path.join(self.d, 'state-' + n),
                       self.hsock(n), os.path.join(self.work, 'ha.key'),
                       self.env.get('HA_RT_PRIORITY', '50'),
                       self.ip[n] % 0, self.HB_PORT, self.ip[other] % 0,
                       self.HB_PORT, self.ctl(n), self.demoted(n)))
        self.daemons[n] = self.start(self.ns[n], [
            self.env['SA_HADAEMON'], '--config', ini], 'ha-%s.log' % n)

    def demoted(self, n):
        """Created by the daemon's on_demote (after a demotion, or when
        its runtime was lost and the peer is the primary): restart the
        runtime as a standby."""
        return os.path.join(self.d, 'demoted-' + n)

    def hsock(self, n):
        return os.path.join(self.d, 'ha-%s.ctl' % n)

    def hactl(self, n, key):
        out = subprocess.run([self.env['SA_HACTL'], '--socket',
                              self.hsock(n), 'status', '--kv'],
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith(key + '='):
                return line.split('=', 1)[1]
        return None

    def link(self, n, dev, up):
        subprocess.run(['ip', '-n', self.ns[n], 'link', 'set', dev,
                        'up' if up else 'down'], check=True)

    def ip_batch(self, n):
        """An ip reading commands in n's namespace, started ahead: a link
        change is then a line on its stdin, not a process start and a
        namespace switch (up to 0.9 s here, loaded)."""
        p = subprocess.Popen(['ip', '-n', self.ns[n], '-batch', '-'],
                             stdin=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            p.wait()
        for f in self.logs:
            f.close()


def log_time(path, needles):
    """CLOCK_MONOTONIC ns of the first daemon log line with a needle."""
    try:
        with open(path) as f:
            for line in f:
                if any(n in line for n in needles):
                    return int(float(line[1:line.index(']')]) * 1e9)
    except (OSError, ValueError):
        pass
    return None


DEMOTED = ('demoted (',)


def decide_us(path, kill_ns):
    """Kill -> the other daemon's decision to promote: its first
    'promoted' log line less the time its runtime took."""
    try:
        with open(path) as f:
            for line in f:
                m = re.search(r'promoted to primary .* runtime took (\d+) us',
                              line)
                if m:
                    t = float(line[1:line.index(']')]) * 1e9
                    return round((t - int(m.group(1)) * 1e3 - kill_ns) / 1e3)
    except (OSError, ValueError):
        pass
    return None


def restart_standby(pair, out, n='a'):
    """Node n's runtime restarts as a standby on its own replication
    address, where the other's runtime (--peer) replicates as primary: a
    snapshot (SYNCING, never promoted), then SYNCED; SystemExit after
    20 s."""
    t = time.monotonic()
    pair.runtime(n, 'standby')
    states = set()

    def synced():
        s = pair.hactl(n, 'sync')
        states.add(s)
        return s == 'synced' and pair.hactl(n, 'role') == 'standby'
    wait_for(n.upper() + ' to resync', synced, 20)
    out['resync_ms'] = round((time.monotonic() - t) * 1000)
    out[n + '_states'] = sorted(x for x in states if x)


def scenario(name, pair, rng, t0, warm_s, meas_s, sender, out):
    """Acts on the pair; @return the takeovers [(kill_ns, new iface)]."""
    at = t0 + warm_s + rng.uniform(0.3, 0.7) * meas_s
    if name in ('rejoin', 'split', 'standby'):
        at = t0 + warm_s + rng.uniform(0.05, 0.15) * meas_s
    ip = pair.ip_batch('a') if name == 'split' else None
    time.sleep(max(0.0, at - time.monotonic()))
    now = time.monotonic_ns()
    if name == 'runtime':
        pair.rt['a'].kill()
        return [(now, 'kb')]
    if name == 'both':
        pair.rt['a'].kill()
        pair.daemons['a'].kill()
        return [(now, 'kb')]
    if name == 'daemon':
        pair.daemons['a'].kill()
        return []
    if name in ('partition', 'replcut'):
        dev = 'hba' if name == 'partition' else 'rpa'
        pair.link('a', dev, False)
        down = rng.uniform(0.1, 0.4)
        time.sleep(down)
        pair.link('a', dev, True)
        out['down_ms'] = round(down * 1000)
        if name == 'replcut':
            # The primary drops its silent standby (ack_timeout), then
            # reconnects: the standby resyncs.
            t = time.monotonic()
            try:
                wait_for('the standby to resync', lambda:
                         pair.hactl('b', 'sync') == 'synced' and
                         pair.hactl('a', 'lag_batches') is not None, 5)
                out['resync_ms'] = round((time.monotonic() - t) * 1000)
            except SystemExit:
                out['resync_ms'] = None
        return []
    if name == 'rejoin':
        pair.rt['a'].kill()
        ev = [(now, 'kb')]
        wait_for('B to take over', lambda: pair.hactl('b', 'role') ==
                 'primary', 5)
        # A's daemon sees its runtime lost and B the primary of a higher
        # epoch, and runs on_demote by itself: the harness is its init.
        wait_for("A's daemon to restart its runtime (on_demote)",
                 lambda: os.path.exists(pair.demoted('a')), 5)
        restart_standby(pair, out)
        time.sleep(rng.uniform(0.05, 0.2))
        if sender.poll() is not None:
            out['error'] = 'the trace ended before the fail-back'
            return ev
        now2 = time.monotonic_ns()
        pair.rt['b'].kill()
        return ev + [(now2, 'ka')]
    if name == 'standby':
        # The standby's runtime dies; its daemon restarts it (on_demote:
        # the peer is the primary); it bulk-syncs under load (SYNCING,
        # never promoted), then the primary's runtime dies: it takes over.
        pair.rt['b'].kill()
        wait_for("B's daemon to restart its runtime (on_demote)",
                 lambda: os.path.exists(pair.demoted('b')), 5)
        pair.rt['b'].wait()
        restart_standby(pair, out, 'b')
        time.sleep(rng.uniform(0.05, 0.2))
        if sender.poll() is not None:
            out['error'] = 'the trace ended before the failover'
            return []
        now2 = time.monotonic_ns()
        pair.rt['a'].kill()
        return [(now2, 'kb')]
    if name == 'split':
        # A full partition: B misses heartbeats with its input kept and
        # no delta, and promotes (the primary's host is down); A drops
        # its silent standby (ack_timeout) and goes on alone. At the heal
        # A sees B's higher epoch and demotes. Without input B sees no
        # stall: no takeover.
        if sender.poll() is not None:
            out['error'] = 'the trace ended before the split'
            return []

        def links(state):
            ip.stdin.write('link set hba %s\nlink set rpa %s\n' %
                           (state, state))
            ip.stdin.flush()
        t_down = time.monotonic_ns()
        links('down')
        time.sleep(rng.uniform(0.3, 0.6))
        t_up = time.monotonic_ns()
        links('up')
        ip.stdin.close()
        ip.wait()
        out['split_ms'] = round((t_up - t_down) / 1e6)
        ev = [(t_down, 'kb')]
        try:
            wait_for('A to demote', lambda: os.path.exists(
                pair.demoted('a')), 5)
        except SystemExit:
            out['error'] = 'A never demoted (no on_demote within 5 s)'
            return ev
        promoted = log_time(os.path.join(pair.d, 'ha-b.log'),
                            ('promoted to primary',))
        known = log_time(os.path.join(pair.d, 'ha-a.log'), DEMOTED)
        out['promote_ms'] = (round((promoted - t_down) / 1e6)
                             if promoted else None)
        out['demote_ms'] = round((known - t_up) / 1e6) if known else None
        if sender.poll() is not None:
            out['error'] = 'the trace ended before A demoted'
        pair.rt['a'].kill()
        pair.rt['a'].wait()
        try:
            restart_standby(pair, out)
        except SystemExit as e:
            out['error'] = str(e)
        return ev
    raise SystemExit('unknown scenario ' + name)


EXPECTED_PROMOTIONS = {'runtime': 1, 'both': 1, 'rejoin': 2, 'daemon': 0,
                       'partition': 0, 'replcut': 0, 'split': 1,
                       'standby': 1}
# The measured part of the trace at a fraction of the rate, to outlast
# what follows the first event: rejoin's and standby's restart and bulk
# sync (1-5 s here, loaded) before the kill that follows; in split, the
# heal and demotion with input still flowing, so that A's silence after
# it is checked.
SLOW_DOWN = {'rejoin': 8, 'split': 4, 'standby': 8}


def cmd_run(args):
    """run WORK SEED ITER PPS SCENARIO: one iteration in the namespaces
    named by $HA_NS_{SRC,A,B,SINK}; prints a JSON result line."""
    work, seed, it, pps, name = (args[0], int(args[1]), int(args[2]),
                                 int(args[3]), args[4])
    env = os.environ
    rng = random.Random(seed * 1000 + it)
    d = os.path.join(work, '%s-%03d' % (name, it))
    os.makedirs(d)
    trace = os.path.join(work, 'tagged.pcap')
    with open(os.path.join(work, 'meta.json')) as f:
        meta = json.load(f)
    pair = Pair(work, d, it)
    out = {'iter': it, 'seed': seed, 'scenario': name, 'pps': pps}
    try:
        pair.runtime('b', 'standby')
        pair.runtime('a', 'primary')
        pair.daemon('a')
        pair.daemon('b')
        wait_for('the pair', lambda: pair.hactl('b', 'sync') == 'synced' and
                 pair.hactl('b', 'peer_state') == 'alive' and
                 pair.hactl('b', 'peer_role') == 'primary', 60)
        cap = os.path.join(d, 'cap.bin')
        capture = pair.start(env['HA_NS_SINK'], [
            sys.executable, __file__, 'capture', cap, 'ka', 'kb'],
            'capture.log')
        wait_for('the capture', lambda: os.path.exists(cap + '.ready'), 10)
        started = os.path.join(d, 'send')
        warm_pps = pps
        if name in SLOW_DOWN:
            pps = max(1, pps // SLOW_DOWN[name])
            out['pps'] = pps
        os.symlink(trace, started)
        sender = pair.start(env['HA_NS_SRC'], [
            sys.executable, __file__, 'send', 'sa0', 'sb0', started,
            str(pps), str(meta['warm']), str(warm_pps)], 'send.log')
        wait_for('the sender', lambda: os.path.exists(started + '.started'),
                 30)
        t0 = time.monotonic()
        events = scenario(name, pair, rng, t0,
                          meta['warm'] / float(warm_pps),
                          (meta['total'] - meta['warm']) / float(pps),
                          sender, out)
        sender.wait()
        time.sleep(0.3)
        promotions = sum(int(pair.hactl(n, 'counter.promotions') or 0)
                         for n in ('a', 'b'))
        out['last_promotion_us'] = pair.hactl(
            events[-1][1][1] if events else 'b',
            'counter.last_promotion_us')
        capture.send_signal(signal.SIGTERM)
        capture.wait()
    finally:
        pair.stop()
    tags = set(ip_tag(dd) for _, dd in pcap_read(trace)[1]) - {None}
    known = None
    if name == 'split':
        known = log_time(os.path.join(d, 'ha-a.log'), DEMOTED)
    out.update(analyze(os.path.join(work, 'ref.pcap'), cap, events, tags,
                       known))
    out['promotions'] = promotions
    out['false_takeovers'] = max(0, promotions -
                                 EXPECTED_PROMOTIONS[name])
    out['missed_takeovers'] = max(0, EXPECTED_PROMOTIONS[name] -
                                  promotions)
    # Where the time goes: the dead runtime's daemon sees it dying.
    if events and name != 'split':
        n = 'a' if events[0][1] == 'kb' else 'b'
        t = log_time(os.path.join(d, 'ha-%s.log' % n),
                     ('process dying', 'process gone',
                      'control connection closed'))
        out['detect_us'] = round((t - events[0][0]) / 1e3) if t else None
        out['decide_us'] = decide_us(os.path.join(
            d, 'ha-%s.log' % ('b' if n == 'a' else 'a')), events[0][0])
    print(json.dumps(out))


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float('nan')
    k = min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))
    return xs[k]


def summary(label, xs, unit_div=1.0, fmt='%.1f'):
    xs = [x / unit_div for x in xs if x is not None]
    if not xs:
        return '%s: none' % label
    return ('%s median=' + fmt + ' p99=' + fmt + ' min=' + fmt + ' max=' +
            fmt + ' (n=%d)') % (label, pct(xs, 50), pct(xs, 99), min(xs),
                                max(xs), len(xs))


def cmd_report(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            rows += [json.loads(l) for l in f if l.startswith('{')]
    if not rows:
        print('no results')
        return 1
    n_ev = max(len(r['failover_us']) for r in rows)
    print('iterations=%d scenario=%s' % (len(rows), rows[0]['scenario']))
    for k in range(n_ev):
        print(summary('failover_ms[%d]' % k,
                      [r['failover_us'][k] if len(r['failover_us']) > k
                       else None for r in rows], 1000.0, '%.2f'))
    print(summary('detect_ms (kill -> its daemon sees it)',
                  [r.get('detect_us') for r in rows], 1000.0, '%.2f'))
    print(summary('decide_ms (kill -> the new primary\'s daemon decides)',
                  [r.get('decide_us') for r in rows], 1000.0, '%.2f'))
    print(summary('lost_packets', [r['lost'] for r in rows], 1.0, '%d'))
    for key in ('split_ms', 'promote_ms', 'demote_ms', 'resync_ms',
                'down_ms'):
        if any(r.get(key) is not None for r in rows):
            print(summary(key, [r.get(key) for r in rows], 1.0, '%d'))
    print('wrong=%d dup=%d double_transmit=%d false_takeovers=%d '
          'missed_takeovers=%d errors=%d' % tuple(
              sum(1 if k == 'error' and r.get(k) else r.get(k, 0) or 0
                  for r in rows) for k in (
                  'wrong', 'dup', 'double', 'false_takeovers',
                  'missed_takeovers', 'error')))
    if any('after_known' in r for r in rows):
        print('after_known=%d (A after it knew the higher epoch) both_tx=%d '
              '(while cut off)' % tuple(sum(r.get(k, 0) for r in rows)
                                        for k in ('after_known', 'both_tx')))
    bad = [r for r in rows if None in r['failover_us'] or r['wrong'] or
           r['double'] or r['false_takeovers'] or r['missed_takeovers'] or
           r.get('after_known') or r.get('error')]
    return 1 if bad else 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'tag':
        cmd_tag(*args)
    elif cmd == 'send':
        cmd_send(*args)
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
