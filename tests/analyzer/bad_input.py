#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Bad input to `statealyzr analyze` (issue 3, "Bad input"): each case must
end with a non-zero exit status and a message on stderr that names the
problem, never with a crash, a hang or a report.

  bad_input.py --statealyzr build/analyzer/statealyzr [--clang clang-14]
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile

TIMEOUT = 60
# A program whose only function is not the one asked for with --entry.
ENTRY_PROGRAM = b"""
#include <stdint.h>
uint64_t count;
void handle(const uint8_t *frame, uint32_t len) { (void)frame; count += len; }
"""


def check(name, cmd, report, words, cwd):
    """Runs cmd; returns a list of problems (empty when the case passes)."""
    try:
        p = subprocess.run(cmd, capture_output=True, encoding='utf-8',
                           errors='replace',
                           timeout=TIMEOUT, cwd=cwd)
    except subprocess.TimeoutExpired:
        return [f'hung for {TIMEOUT} s: {" ".join(cmd)}']
    problems = []
    if p.returncode == 0:
        problems.append('exit status 0, expected non-zero')
    elif p.returncode < 0:
        problems.append(f'killed by signal {-p.returncode}')
    err = p.stderr.strip()
    if not err:
        problems.append('nothing on stderr')
    else:
        for w in words:
            if w.lower() not in err.lower():
                problems.append(f'stderr does not mention {w!r}: '
                                f'{err.splitlines()[-1]}')
    if report and os.path.exists(report) and os.path.getsize(report) > 0:
        problems.append(f'wrote a report ({report}) for input it rejected')
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--statealyzr', required=True)
    ap.add_argument('--clang', default='clang-14')
    args = ap.parse_args()
    sa = os.path.abspath(args.statealyzr)

    with tempfile.TemporaryDirectory(prefix='sa-bad-input-') as tmp:
        def path(name):
            return os.path.join(tmp, name)

        missing = path('no-such-file.bc')
        garbage = path('random.bc')
        # Fixed seed: the same bytes on every run, so a failure reproduces.
        with open(garbage, 'wb') as f:
            f.write(random.Random(20161).randbytes(4096))
        truncated = path('truncated.bc')
        # The bitcode magic, then nothing a reader can use.
        with open(truncated, 'wb') as f:
            f.write(b'BC\xc0\xde' + b'\x35\x14\x00\x00\x05\x00\x00\x00')
        empty = path('empty.bc')
        open(empty, 'wb').close()
        src = path('entry.c')
        with open(src, 'wb') as f:
            f.write(ENTRY_PROGRAM)
        good = path('entry.bc')
        subprocess.run([args.clang, '-g', '-O0', '-emit-llvm', '-c', src,
                        '-o', good], check=True)

        cases = [
            ('unreadable-file', [sa, 'analyze', missing, '--json',
                                 path('r1.json')], path('r1.json'),
             ['no-such-file.bc']),
            ('directory-as-input', [sa, 'analyze', tmp, '--json',
                                    path('r2.json')], path('r2.json'), []),
            ('random-bytes', [sa, 'analyze', garbage, '--json',
                              path('r3.json')], path('r3.json'),
             ['random.bc']),
            ('truncated-bitcode', [sa, 'analyze', truncated, '--json',
                                   path('r4.json')], path('r4.json'),
             ['truncated.bc']),
            ('empty-file', [sa, 'analyze', empty, '--json', path('r5.json')],
             path('r5.json'), ['empty.bc']),
            ('missing-entry', [sa, 'analyze', good, '--entry',
                               'no_such_function', '--json', path('r6.json')],
             path('r6.json'), ['no_such_function']),
            ('missing-loop', [sa, 'analyze', good, '--loop',
                              'no_such_loop', '--json', path('r7.json')],
             path('r7.json'), ['no_such_loop']),
            ('no-input', [sa, 'analyze'], None, []),
            ('unknown-option', [sa, 'analyze', good, '--no-such-option'],
             None, ['--no-such-option']),
            ('unwritable-json', [sa, 'analyze', good, '--entry', 'handle',
                                 '--json', path('no/such/dir/r.json')],
             None, ['r.json']),
        ]
        failed = 0
        for name, cmd, report, words in cases:
            problems = check(name, cmd, report, words, tmp)
            if problems:
                failed += 1
                print(f'{name}: FAIL ({" ".join(cmd[1:])})')
                for p in problems:
                    print('  ' + p)
            else:
                print(f'{name}: ok')
    print(f'{len(cases) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
