#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs the statealyzr fixtures: small C programs whose expected analysis is
written in a comment block at their top (the directives are listed in
README.md beside this file).

Each fixture is compiled to bitcode with clang-14 at test time, linked with
the libsa sources it names, analyzed with `statealyzr analyze --json`, and
every expectation is checked against the JSON report (analyzer/SCHEMA.md).
Prints `<fixture>: ok` or each mismatch with what was expected, what the
report says and the object's reasons, then `N passed, N failed`; exits 1 if
any fixture failed, 2 on a usage error.

  run_fixtures.py --statealyzr build/analyzer/statealyzr            # all
  run_fixtures.py --statealyzr ... tests/analyzer/pta               # a group
  run_fixtures.py --statealyzr ... tests/analyzer/pta/alias_pointer.c -v
  run_fixtures.py --compile-only      # directives and C only, no analyzer
"""

import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))

# The same flags as the middleboxes' bitcode (middleboxes/meson.build), plus
# -Werror so that a typo (an implicit declaration, say) cannot silently
# change what a fixture means.
BC_FLAGS = ['-std=gnu11', '-D_GNU_SOURCE', '-O0', '-Xclang',
            '-disable-O0-optnone', '-emit-llvm', '-c', '-Wall', '-Werror']
LIBSA_MODULES = ('cksum', 'config', 'parse', 'prefix', 'table')

# analyzer/SCHEMA.md: header fields in their canonical order, and the
# fields of the report that must always be present.
FLOW_FIELDS = ['eth.src', 'eth.dst', 'eth.type', 'vlan.tci', 'ipv4.src',
               'ipv4.dst', 'ipv4.proto', 'ipv4.tos', 'ipv4.ttl', 'ipv4.id',
               'ipv6.src', 'ipv6.dst', 'ipv6.next', 'ipv6.flow', 'l4.sport',
               'l4.dport', 'tcp.flags', 'tcp.seq', 'tcp.ack', 'tcp.win',
               'icmp.type', 'icmp.code', 'icmp.id', 'payload']
SCOPES = ('per-flow', 'multi-flow', 'all-flows')
KINDS = ('global', 'static', 'loop-local', 'heap')
TOP_KEYS = ('schema', 'tool', 'input', 'analysis_hash', 'debug_info', 'entry',
            'summary', 'objects', 'approximations')
OBJECT_KEYS = ('name', 'kind', 'function', 'location', 'type', 'size',
               'updateable', 'output_impacting', 'scope', 'flowspace',
               'fields', 'reasons')
FIELD_KEYS = ('name', 'offset', 'size', 'updateable', 'output_impacting',
              'reasons')
FLAGS = ('updateable', 'output_impacting')

DIRECTIVES = ('name', 'args', 'link', 'nodebug', 'cflags', 'entry', 'object',
              'field', 'absent', 'approx', 'no-approx', 'summary', 'exit',
              'error', 'stdout')

# "/* site: NAME */" on an allocation's line names its heap object
# "heap:NAME" in expectations, so they do not depend on line numbers.
SITE_RE = re.compile(r'/\*\s*site:\s*([A-Za-z0-9_]+)\s*\*/')


class FixtureError(Exception):
    """A fixture that cannot be run as written (bad directive, no name)."""


class Fixture:
    def __init__(self, path):
        self.path = path
        self.rel = os.path.relpath(path, HERE)
        self.id = self.rel[:-2] if self.rel.endswith('.c') else self.rel
        self.name = None
        self.args = []
        self.link = []
        self.nodebug = False
        self.cflags = []
        self.checks = []	# (directive, value, line number)
        self.exit = '0'
        self.sites = {}
        self._parse()

    def _parse(self):
        with open(self.path, encoding='utf-8') as f:
            text = f.read()
        for lineno, line in enumerate(text.splitlines(), 1):
            m = SITE_RE.search(line)
            if m:
                if m.group(1) in self.sites:
                    raise FixtureError(f'{self.rel}:{lineno}: site '
                                       f'{m.group(1)} named twice')
                self.sites[m.group(1)] = lineno
        if not text.startswith('/*') or '*/' not in text:
            raise FixtureError(f'{self.rel}: no leading comment block')
        block = text[2:text.index('*/')]
        for lineno, line in enumerate(block.splitlines(), 1):
            line = line.strip().lstrip('*').strip()
            if not line.startswith('check-'):
                continue
            key, _, value = line[len('check-'):].partition(':')
            key, value = key.strip(), value.strip()
            if key not in DIRECTIVES:
                raise FixtureError(f'{self.rel}:{lineno}: unknown directive '
                                   f'check-{key}')
            if key == 'name':
                self.name = value
            elif key == 'args':
                self.args += shlex.split(value)
            elif key == 'link':
                for mod in re.split(r'[\s,]+', value):
                    if mod not in LIBSA_MODULES:
                        raise FixtureError(f'{self.rel}:{lineno}: no libsa '
                                           f'module {mod!r}')
                    self.link.append(mod)
            elif key == 'nodebug':
                self.nodebug = True
            elif key == 'cflags':
                self.cflags += shlex.split(value)
            elif key == 'exit':
                self.exit = value
            else:
                self.checks.append((key, value, lineno))
        if not self.name:
            raise FixtureError(f'{self.rel}: no check-name')
        if self.exit != '0' and any(k not in ('error', 'stdout')
                                    for k, _, _ in self.checks):
            raise FixtureError(f'{self.rel}: a failing run has no report '
                               'to check objects in')


class Tools:
    """Compilers, the analyzer and a cache of libsa bitcode for one run."""

    def __init__(self, args, workdir):
        self.clang = args.clang
        self.llvm_link = args.llvm_link
        self.statealyzr = os.path.abspath(args.statealyzr)
        self.timeout = args.timeout
        self.workdir = workdir
        self.includes = ['-I' + os.path.join(SOURCE_ROOT, 'runtime', 'include'),
                         '-I' + os.path.join(SOURCE_ROOT, 'runtime', 'lib')]
        self._libsa = {}
        self._lock = threading.Lock()

    def compile(self, src, out, debug, extra=()):
        cmd = ([self.clang] + BC_FLAGS + (['-g'] if debug else []) +
               self.includes + list(extra) + [src, '-o', out])
        return run(cmd, self.timeout)

    def libsa(self, mod, debug):
        """Bitcode of runtime/lib/<mod>.c, compiled once per run."""
        key = (mod, debug)
        with self._lock:
            if key not in self._libsa:
                out = os.path.join(self.workdir,
                                   f'libsa-{mod}{"" if debug else "-nodebug"}.bc')
                src = os.path.join(SOURCE_ROOT, 'runtime', 'lib', mod + '.c')
                rc, _, err = self.compile(src, out, debug)
                self._libsa[key] = (out if rc == 0 else None, err)
            return self._libsa[key]


def run(cmd, timeout, cwd=None):
    try:
        # errors='replace': a message quoting bad input may not be UTF-8.
        p = subprocess.run(cmd, cwd=cwd, capture_output=True,
                           encoding='utf-8', errors='replace',
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, '', f'timed out after {timeout} s: {shlex.join(cmd)}'
    except OSError as e:
        return None, '', f'cannot run {cmd[0]}: {e}'
    return p.returncode, p.stdout, p.stderr


def tail(text, lines=15):
    out = text.strip().splitlines()
    if len(out) > lines:
        out = ['...'] + out[-lines:]
    return '\n'.join('      ' + line for line in out)


def run_fixture(fx, tools, compile_only):
    """Returns a list of mismatch lines; empty when the fixture passes."""
    wd = os.path.join(tools.workdir, fx.id.replace(os.sep, '__'))
    os.makedirs(wd, exist_ok=True)
    debug = not fx.nodebug
    base = os.path.splitext(os.path.basename(fx.path))[0]
    own_bc = os.path.join(wd, base + '.o.bc')
    # Compiled from the fixture's folder with a relative name, so that debug
    # locations read "<fixture>.c:LINE" as in a report on a real build.
    rc, _, err = run([tools.clang] + BC_FLAGS + (['-g'] if debug else []) +
                     tools.includes + fx.cflags +
                     [os.path.basename(fx.path), '-o', own_bc],
                     tools.timeout, cwd=os.path.dirname(fx.path))
    if rc != 0:
        return ['does not compile:', tail(err)]
    bc = own_bc
    if fx.link:
        inputs = [own_bc]
        for mod in fx.link:
            path, err = tools.libsa(mod, debug)
            if path is None:
                return [f'libsa module {mod} does not compile:', tail(err)]
            inputs.append(path)
        bc = os.path.join(wd, base + '.bc')
        rc, _, err = run([tools.llvm_link, '-o', bc] + inputs, tools.timeout)
        if rc != 0:
            return ['does not link:', tail(err)]
    if compile_only:
        return []
    report_path = os.path.join(wd, base + '.json')
    if os.path.exists(report_path):
        os.unlink(report_path)
    cmd = [tools.statealyzr, 'analyze', bc] + fx.args + ['--json', report_path]
    rc, out, err = run(cmd, tools.timeout, cwd=wd)
    problems = []
    if rc is None:
        return [err]
    if rc < 0:
        return [f'statealyzr died of signal {-rc}: {shlex.join(cmd)}',
                tail(err)]
    if fx.exit == 'nonzero':
        if rc == 0:
            problems.append('exit status: expected non-zero, got 0')
    elif rc != int(fx.exit):
        problems.append(f'exit status: expected {fx.exit}, got {rc}: '
                        f'{shlex.join(cmd)}')
        problems.append(tail(err))
        return problems
    for key, value, _ in fx.checks:
        if key == 'error':
            if value.lower() not in err.lower():
                problems.append(f'stderr: expected a message containing '
                                f'{value!r}, got:')
                problems.append(tail(err) if err.strip() else '      (nothing)')
        elif key == 'stdout':
            if not re.search(value, out, re.M):
                problems.append(f'stdout: expected a line matching {value!r}')
    if fx.exit != '0':
        return problems
    try:
        with open(report_path, encoding='utf-8') as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        return problems + [f'no usable JSON report ({e}): {shlex.join(cmd)}']
    problems += check_schema(report)
    if problems:
        # Expectations read the report through the schema: do not pile
        # mismatches on top of a malformed report.
        return problems
    if report.get('debug_info') is not (not fx.nodebug):
        problems.append(f'debug_info: expected {str(not fx.nodebug).lower()}, '
                        f'got {json.dumps(report.get("debug_info"))}')
    checker = Checker(fx, report)
    for key, value, lineno in fx.checks:
        if key in ('error', 'stdout'):
            continue
        try:
            getattr(checker, 'check_' + key.replace('-', '_'))(value)
        except FixtureError as e:
            checker.fail(f'{fx.rel}: check-{key} (line {lineno}): {e}')
    return problems + checker.problems


def check_schema(report):
    """What analyzer/SCHEMA.md promises of every report."""
    p = []
    if not isinstance(report, dict):
        return ['schema: the report is not a JSON object']
    missing = [k for k in TOP_KEYS if k not in report]
    if missing:
        return [f'schema: missing top-level fields {missing}']
    if report['schema'] != 1:
        p.append(f'schema: version {report["schema"]!r}, expected 1')
    objs = report['objects']
    if not isinstance(objs, list):
        return p + ['schema: objects is not a list']
    for o in objs:
        where = f'schema: object {o.get("name")!r}'
        missing = [k for k in OBJECT_KEYS if k not in o]
        if missing:
            p.append(f'{where}: missing {missing}')
            continue
        if o['kind'] not in KINDS:
            p.append(f'{where}: kind {o["kind"]!r}')
        if o['scope'] not in SCOPES:
            p.append(f'{where}: scope {o["scope"]!r}')
        fs = o['flowspace']
        unknown = [f for f in fs if f not in FLOW_FIELDS]
        if unknown:
            p.append(f'{where}: unknown flowspace fields {unknown}')
        elif fs != sorted(fs, key=FLOW_FIELDS.index):
            p.append(f'{where}: flowspace {fs} not in schema order')
        elif o['scope'] in SCOPES and o['scope'] != scope_of(fs):
            p.append(f'{where}: scope {o["scope"]} but flowspace {fs} '
                     f'makes it {scope_of(fs)}')
        for fl in o['fields']:
            fmissing = [k for k in FIELD_KEYS if k not in fl]
            if fmissing:
                p.append(f'{where}: field {fl.get("name")!r} missing '
                         f'{fmissing}')
    s = report['summary']
    counts = {'persistent': len(objs),
              'updateable': sum(1 for o in objs if o.get('updateable')),
              'output_impacting': sum(1 for o in objs
                                      if o.get('output_impacting'))}
    for k, n in counts.items():
        if s.get(k) != n:
            p.append(f'schema: summary.{k} is {s.get(k)!r}, the objects '
                     f'list has {n}')
    for sc in SCOPES:
        n = sum(1 for o in objs if o.get('scope') == sc)
        if s.get('scope', {}).get(sc) != n:
            p.append(f'schema: summary.scope.{sc} is '
                     f'{s.get("scope", {}).get(sc)!r}, the objects list '
                     f'has {n}')
    for a in report['approximations']:
        if not {'kind', 'what', 'location', 'effect'} <= set(a):
            p.append(f'schema: approximation {a} lacks a field')
    return p


def scope_of(flowspace):
    """The scope SCHEMA.md derives from a flowspace."""
    fs = set(flowspace)
    addrs = ({'ipv4.src', 'ipv4.dst'} <= fs) or ({'ipv6.src', 'ipv6.dst'} <= fs)
    ports = {'l4.sport', 'l4.dport'} <= fs or 'icmp.id' in fs
    if addrs and ports:
        return 'per-flow'
    return 'multi-flow' if fs else 'all-flows'


def field_spelling(obj_name, name):
    """SCHEMA.md writes an array's element fields with "[]" ("a[].f");
    for an object that is itself an array the leading "a" may be the
    object's name or nothing, and an array of scalars may carry a trailing
    "[]" or not. These spellings name the same bytes: compare without
    them."""
    if name.startswith(obj_name + '[]'):
        name = name[len(obj_name):]
    return name.replace('[]', '').lstrip('.')


def same_field(obj_name, want, got):
    return want == got or \
        field_spelling(obj_name, want) == field_spelling(obj_name, got)


def inside_field(obj_name, want, got):
    w, g = field_spelling(obj_name, want), field_spelling(obj_name, got)
    return bool(w) and g.startswith(w + '.')


def describe(o):
    return (f'{o["name"]} ({o["kind"]}'
            + (f' in {o["function"]}' if o.get('function') else '')
            + f', {o.get("location")})')


def reasons(items, indent='      '):
    if not items:
        return f'{indent}(no reasons given)'
    return '\n'.join(f'{indent}reason: {r}' for r in items)


class Checker:
    def __init__(self, fx, report):
        self.fx = fx
        self.report = report
        self.objects = report['objects']
        self.problems = []

    def fail(self, msg):
        self.problems.append(msg)

    def _tokens(self, value):
        toks = shlex.split(value)
        if not toks:
            raise FixtureError('nothing to check')
        return toks[0], toks[1:]

    def _select(self, selector, attrs):
        """Objects matching a selector, narrowed by kind=, function= and
        type= when given."""
        if selector.startswith('heap:'):
            site = selector[len('heap:'):]
            if site not in self.fx.sites:
                raise FixtureError(f'no "/* site: {site} */" in the fixture')
            # Any "<what>@<file>:<line>" name: the schema's "heap@", or a
            # more specific prefix for the parts of one allocation.
            base = re.escape(os.path.basename(self.fx.path))
            pat = re.compile(rf'@(.*/)?{base}:{self.fx.sites[site]}(:\d+)?$')
            found = [o for o in self.objects if o['kind'] == 'heap' and
                     (pat.search(o['name']) or
                      pat.search('@' + str(o.get('location') or '')))]
        elif any(c in selector for c in '*?['):
            found = [o for o in self.objects
                     if fnmatch.fnmatchcase(o['name'], selector)]
        else:
            found = [o for o in self.objects if o['name'] == selector]
        for k in ('kind', 'function', 'type'):
            if k in attrs:
                found = [o for o in found if o.get(k) == attrs[k]]
        return found

    def _one(self, selector, attrs):
        found = self._select(selector, attrs)
        narrowed = ''.join(f' {k}={v}' for k, v in attrs.items()
                           if k in ('kind', 'function', 'type'))
        if not found:
            near = [describe(o) for o in self.objects
                    if selector.split(':')[-1].lower() in o['name'].lower()]
            self.fail(f'object {selector}{narrowed}: not in the report'
                      + (f' (similar: {", ".join(near)})' if near else
                         f' ({len(self.objects)} objects: '
                         f'{", ".join(o["name"] for o in self.objects[:12])}'
                         f'{"..." if len(self.objects) > 12 else ""})'))
            return None
        if len(found) > 1:
            self.fail(f'object {selector}{narrowed}: ambiguous, matches '
                      + ', '.join(describe(o) for o in found))
            return None
        return found[0]

    def _attrs(self, toks, allowed):
        attrs, flowspace = {}, None
        for t in toks:
            if t in FLAGS or (t.startswith('!') and t[1:] in FLAGS):
                attrs[t.lstrip('!')] = not t.startswith('!')
            elif t in SCOPES and 'scope' in allowed:
                attrs['scope'] = t
            elif '=' in t:
                k, v = t.split('=', 1)
                if k not in allowed:
                    raise FixtureError(f'unknown attribute {k}=')
                if k == 'flowspace':
                    flowspace = v
                else:
                    attrs[k] = v
            elif 'flowspace' in allowed and all(
                    f in FLOW_FIELDS for f in t.split(',')):
                flowspace = t
            else:
                raise FixtureError(f'cannot read {t!r}')
        if flowspace is not None:
            fs = [f for f in flowspace.split(',') if f]
            bad = [f for f in fs if f not in FLOW_FIELDS]
            if bad:
                raise FixtureError(f'unknown header fields {bad}')
            attrs['flowspace'] = fs
        return attrs

    def _compare(self, what, obj, attrs, keys):
        for k in keys:
            if k not in attrs:
                continue
            want, got = attrs[k], obj.get(k)
            if k == 'flowspace':
                if set(want) != set(got or []):
                    extra = sorted(set(got or []) - set(want),
                                   key=FLOW_FIELDS.index)
                    lack = sorted(set(want) - set(got or []),
                                  key=FLOW_FIELDS.index)
                    self.fail(f'{what}: flowspace expected '
                              f'[{", ".join(want)}], got '
                              f'[{", ".join(got or [])}]'
                              + (f'; missing {lack}' if lack else '')
                              + (f'; extra {extra}' if extra else '') + '\n'
                              + reasons(obj.get('reasons')))
            elif k == 'size':
                if str(got) != want:
                    self.fail(f'{what}: size expected {want}, got {got}')
            elif want != got and k in FLAGS:
                self.fail(f'{what}: expected {"" if want else "!"}{k}, got '
                          f'{"" if got else "!"}{k}\n'
                          + reasons(obj.get('reasons')))
            elif want != got:
                self.fail(f'{what}: {k} expected {want}, got {got}\n'
                          + reasons(obj.get('reasons')))

    def check_object(self, value):
        selector, toks = self._tokens(value)
        attrs = self._attrs(toks, ('kind', 'function', 'type', 'size',
                                   'scope', 'flowspace'))
        if attrs.get('scope') == 'all-flows' and 'flowspace' not in attrs:
            attrs['flowspace'] = []
        obj = self._one(selector, attrs)
        if obj is None:
            return
        self._compare(f'object {describe(obj)}', obj, attrs,
                      ('type', 'size') + FLAGS + ('scope', 'flowspace'))

    def check_field(self, value):
        toks = shlex.split(value)
        if len(toks) < 2:
            raise FixtureError('expected OBJECT FIELD attributes...')
        attrs = self._attrs(toks[2:], ('kind', 'function', 'offset', 'size'))
        obj = self._one(toks[0], attrs)
        if obj is None:
            return
        name = toks[1]
        found = [f for f in obj['fields']
                 if same_field(obj['name'], name, str(f.get('name')))]
        if not found:
            # A member that is itself a struct or an array may be reported
            # as its leaves ("ip.src_addr", "ip.dst_addr"...): then the
            # expectation holds for every one of them.
            found = [f for f in obj['fields']
                     if inside_field(obj['name'], name, str(f.get('name')))]
        if not found:
            self.fail(f'field {name} of {describe(obj)}: not in the report '
                      f'(fields: {", ".join(f.get("name", "?") for f in obj["fields"]) or "none"})')
            return
        for fl in found:
            for k in ('offset', 'size'):
                if k in attrs and str(fl.get(k)) != attrs[k]:
                    self.fail(f'field {fl.get("name")} of {obj["name"]}: '
                              f'{k} expected {attrs[k]}, got {fl.get(k)}')
            self._compare(f'field {fl.get("name")} of {describe(obj)}', fl,
                          attrs, FLAGS)

    def check_absent(self, value):
        selector, toks = self._tokens(value)
        attrs = self._attrs(toks, ('kind', 'function'))
        for o in self._select(selector, attrs):
            self.fail(f'object {describe(o)}: expected absent (not '
                      f'persistent), but reported\n' + reasons(o.get('reasons')))

    def _approx(self, value):
        toks = value.split(None, 1)
        kind = toks[0]
        what = toks[1].strip() if len(toks) > 1 else '*'
        return kind, what, [a for a in self.report['approximations']
                            if a.get('kind') == kind and
                            fnmatch.fnmatchcase(str(a.get('what')), what)]

    def check_approx(self, value):
        kind, what, found = self._approx(value)
        if not found:
            have = [f'{a.get("kind")} {a.get("what")}'
                    for a in self.report['approximations']]
            self.fail(f'approximation {kind} {what}: not reported (have: '
                      f'{", ".join(have) or "none"})')

    def check_no_approx(self, value):
        kind, what, found = self._approx(value)
        for a in found:
            self.fail(f'approximation {kind} {a.get("what")} at '
                      f'{a.get("location")}: expected none ({a.get("effect")})')

    def check_entry(self, value):
        toks = value.split()
        if len(toks) != 2:
            raise FixtureError('expected KIND FUNCTION')
        e = self.report['entry'] or {}
        if e.get('kind') != toks[0] or e.get('function') != toks[1]:
            self.fail(f'entry: expected {toks[0]} {toks[1]}, got '
                      f'{e.get("kind")} {e.get("function")}')

    def check_summary(self, value):
        s = self.report['summary']
        for t in value.split():
            k, _, v = t.partition('=')
            got = s.get('scope', {}).get(k) if k in SCOPES else s.get(k)
            if str(got) != v:
                self.fail(f'summary.{k}: expected {v}, got {got}')


def collect(paths):
    found = []
    for p in paths or [HERE]:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d != 'golden')
                found += [os.path.join(root, f) for f in sorted(files)
                          if f.endswith('.c')]
        elif os.path.isfile(p):
            found.append(p)
        elif os.path.isfile(os.path.join(HERE, p)):
            found.append(os.path.join(HERE, p))
        elif os.path.isfile(os.path.join(HERE, p + '.c')):
            found.append(os.path.join(HERE, p + '.c'))
        else:
            raise FixtureError(f'{p}: no such fixture or folder')
    return [os.path.abspath(f) for f in found]


def main():
    ap = argparse.ArgumentParser(
        description='Run statealyzr analyzer fixtures.')
    ap.add_argument('fixtures', nargs='*',
                    help='fixture files or folders (default: all)')
    ap.add_argument('--statealyzr',
                    default=os.environ.get('STATEALYZR',
                                           os.path.join(SOURCE_ROOT, 'build',
                                                        'analyzer',
                                                        'statealyzr')))
    ap.add_argument('--clang', default=os.environ.get('CLANG', 'clang-14'))
    ap.add_argument('--llvm-link',
                    default=os.environ.get('LLVM_LINK', 'llvm-link-14'))
    ap.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--timeout', type=int, default=60,
                    help='seconds for each compile and analysis')
    ap.add_argument('--keep', metavar='DIR',
                    help='keep bitcode and reports in DIR')
    ap.add_argument('-v', '--verbose', action='store_true',
                    help='print the JSON report of each failing fixture')
    ap.add_argument('--compile-only', action='store_true',
                    help='check directives, compile and link; no analysis')
    args = ap.parse_args()

    try:
        fixtures = [Fixture(p) for p in collect(args.fixtures)]
    except FixtureError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    if not fixtures:
        print('error: no fixtures', file=sys.stderr)
        return 2
    if not args.compile_only and not os.access(args.statealyzr, os.X_OK):
        print(f'error: {args.statealyzr}: not an executable (--statealyzr)',
              file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix='sa-fixtures-') as tmp:
        workdir = os.path.abspath(args.keep) if args.keep else tmp
        os.makedirs(workdir, exist_ok=True)
        tools = Tools(args, workdir)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(
                lambda fx: run_fixture(fx, tools, args.compile_only),
                fixtures))
        failed = 0
        for fx, problems in zip(fixtures, results):
            if not problems:
                print(f'{fx.id}: ok')
                continue
            failed += 1
            print(f'{fx.id}: FAIL ({fx.name})')
            for line in problems:
                print('  ' + line.replace('\n', '\n  '))
            if args.verbose:
                rep = os.path.join(workdir, fx.id.replace(os.sep, '__'),
                                   os.path.splitext(os.path.basename(
                                       fx.path))[0] + '.json')
                if os.path.exists(rep):
                    with open(rep, encoding='utf-8') as f:
                        print(f.read())
    print(f'{len(fixtures) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
