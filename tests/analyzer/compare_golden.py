#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compares a middlebox's analyzer report with its golden file, or writes
the golden file from a report (tools/refresh-goldens.sh does that).

  compare_golden.py GOLDEN REPORT          exit 1 and list the differences
  compare_golden.py --write REPORT GOLDEN  normalize REPORT into GOLDEN

Both sides are normalized the same way first: the fields that change from
run to run or machine to machine (tool, input, analysis_hash,
summary.seconds, summary.peak_rss_kib) are removed, and paths are made
relative to the source tree (a build directory or a clone elsewhere puts
different prefixes in debug-info file names).
"""

import argparse
import json
import re
import sys

VOLATILE_TOP = ('tool', 'input', 'analysis_hash')
VOLATILE_SUMMARY = ('seconds', 'peak_rss_kib')
# "/abs/clone/build/../middleboxes/nat/nat.c:12", "../runtime/lib/table.c"
# and "heap@/abs/runtime/lib/table.c:300" all become paths from the top of
# the source tree.
TREE_DIRS = ('middleboxes', 'runtime', 'tests', 'tools')
PATH_RE = re.compile(r'(^|[\s@("\'\[,=])[^\s@("\'\[,=]*?/((?:%s)/)'
                     % '|'.join(TREE_DIRS))


# What is left of "../middleboxes/../runtime/lib/table.c" (libsa's files
# as the middleboxes' build names them) after the prefix goes.
UP_RE = re.compile(r'(?<![\w.])(?:%s)/\.\./' % '|'.join(TREE_DIRS))


def normalize_str(s):
    return UP_RE.sub('', PATH_RE.sub(r'\1\2', s))


def normalize(v):
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items()}
    if isinstance(v, list):
        return [normalize(x) for x in v]
    if isinstance(v, str):
        return normalize_str(v)
    return v


def load(path):
    with open(path, encoding='utf-8') as f:
        report = json.load(f)
    if not isinstance(report, dict):
        raise ValueError(f'{path}: not a JSON object')
    for k in VOLATILE_TOP:
        report.pop(k, None)
    summary = report.get('summary')
    if isinstance(summary, dict):
        for k in VOLATILE_SUMMARY:
            summary.pop(k, None)
    return normalize(report)


def key_of(item):
    """How list elements are matched up: objects by kind and name (and
    owning function), fields by name, approximations by what and where."""
    if isinstance(item, dict):
        if 'kind' in item and 'name' in item:
            return (item['kind'], item['name'], item.get('function'))
        if 'name' in item:
            return item['name']
        if 'what' in item:
            return (item.get('kind'), item['what'], item.get('location'))
    return None


def show(v):
    text = json.dumps(v, sort_keys=False)
    return text if len(text) <= 160 else text[:157] + '...'


def diff(golden, report, path, out):
    if isinstance(golden, dict) and isinstance(report, dict):
        for k in golden:
            if k not in report:
                out.append(f'{path}.{k}: in the golden file only: '
                           f'{show(golden[k])}')
            else:
                diff(golden[k], report[k], f'{path}.{k}', out)
        for k in report:
            if k not in golden:
                out.append(f'{path}.{k}: in the report only: '
                           f'{show(report[k])}')
        if list(golden) == list(report) or set(golden) != set(report):
            return
        out.append(f'{path}: keys in another order: {list(report)}')
        return
    if isinstance(golden, list) and isinstance(report, list):
        gk = [key_of(x) for x in golden]
        rk = [key_of(x) for x in report]
        keyed = (None not in gk and None not in rk and
                 len(set(gk)) == len(gk) and len(set(rk)) == len(rk))
        if not keyed:
            if golden == report:
                return
            if all(not isinstance(x, (dict, list)) for x in golden + report):
                # Lists of strings (reasons, flowspaces): name the elements.
                gone = [x for x in golden if x not in report]
                new = [x for x in report if x not in golden]
                if gone or new:
                    out.append(f'{path}: ' + '; '.join(
                        [f'golden only {show(x)}' for x in gone] +
                        [f'report only {show(x)}' for x in new]))
                else:
                    out.append(f'{path}: same elements in another order')
                return
            out.append(f'{path}: golden {show(golden)}, report '
                       f'{show(report)}')
            return
        gmap = dict(zip(gk, golden))
        rmap = dict(zip(rk, report))
        for k in gk:
            label = f'{path}[{fmt_key(k)}]'
            if k not in rmap:
                out.append(f'{label}: in the golden file only')
            else:
                diff(gmap[k], rmap[k], label, out)
        for k in rk:
            if k not in gmap:
                out.append(f'{path}[{fmt_key(k)}]: in the report only: '
                           f'{show(rmap[k])}')
        common_g = [k for k in gk if k in rmap]
        common_r = [k for k in rk if k in gmap]
        if common_g != common_r:
            out.append(f'{path}: same elements in another order')
        return
    if golden != report or type(golden) is not type(report):
        out.append(f'{path}: golden {show(golden)}, report {show(report)}')


def fmt_key(k):
    if isinstance(k, tuple):
        return ' '.join(str(x) for x in k if x is not None)
    return str(k)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--write', action='store_true',
                    help='write the normalized first file to the second')
    ap.add_argument('first')
    ap.add_argument('second')
    args = ap.parse_args()
    try:
        if args.write:
            report = load(args.first)
            with open(args.second, 'w', encoding='utf-8') as f:
                json.dump(report, f, indent=2)
                f.write('\n')
            return 0
        golden, report = load(args.first), load(args.second)
    except (OSError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    out = []
    diff(golden, report, '$', out)
    if out:
        print(f'{args.second} differs from {args.first} '
              f'({len(out)} differences):')
        for line in out:
            print('  ' + line)
        print('If the change is intended, run tools/refresh-goldens.sh and '
              'review the new golden file.')
        return 1
    print(f'{args.second}: matches {args.first}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
