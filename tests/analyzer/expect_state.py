#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks named classifications in a middlebox's analyzer report.

The goldens pin whole reports; this states the few facts a middlebox was
designed around, so that a change which breaks one of them fails with a
sentence rather than a diff. Each expectation selects persistent objects
and requires a classification of every one selected:

  --readonly SEL      persistent, never updated per packet (replicated
                      only by the bulk snapshot)
  --updateable SEL    updated per packet and output-impacting
  --stats SEL         updated per packet, never output-impacting

SEL is NAME (an object's name) or heap:FUNCTION (every heap object
allocated in FUNCTION) or heap:FUNCTION:N (exactly N of them). A selector
that matches nothing is an error too: a renamed object must not turn an
expectation into a vacuous one.
"""

import argparse
import json
import sys


def select(objs, sel):
    if not sel.startswith('heap:'):
        return [o for o in objs if o['name'] == sel], None
    parts = sel.split(':')
    want = int(parts[2]) if len(parts) > 2 else None
    return [o for o in objs
            if o['kind'] == 'heap' and o.get('function') == parts[1]], want


def classify(o):
    if not o['updateable']:
        return 'readonly'
    return 'updateable' if o['output_impacting'] else 'stats'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('report')
    for k in ('readonly', 'updateable', 'stats'):
        ap.add_argument('--' + k, action='append', default=[], metavar='SEL')
    a = ap.parse_args()
    try:
        with open(a.report) as f:
            objs = json.load(f)['objects']
    except (OSError, ValueError, KeyError) as e:
        print('%s: cannot read the report: %s' % (a.report, e))
        return 1
    bad = 0
    for want in ('readonly', 'updateable', 'stats'):
        for sel in getattr(a, want):
            got, n = select(objs, sel)
            if not got or (n is not None and len(got) != n):
                print('%s: %s matches %d objects (expected %s)' %
                      (a.report, sel, len(got),
                       n if n is not None else 'at least 1'))
                bad += 1
                continue
            for o in got:
                if classify(o) != want:
                    print('%s: %s (%s) is %s, expected %s' %
                          (a.report, o['name'], o.get('location', '?'),
                           classify(o), want))
                    bad += 1
    if bad == 0:
        print('%s: all expectations hold' % a.report)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
