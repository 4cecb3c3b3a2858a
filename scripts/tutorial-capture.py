#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rewrite the outputs shown in Documentation/tutorial/*.rst from a guest
log of tests/scenarios/86-tutorial.sh (build/logs/check-<guest>.log):

    scripts/tutorial-capture.py build/logs/check-test-5lvl-ption.log

The scenario prints "#@ <page> <command>" and the command's output as
"#| " lines; each page's console blocks get those outputs after their
"   # <command>" lines, in order. Review the diff before committing.
"""
import os
import re
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
tut = os.path.join(top, 'Documentation', 'tutorial')


def captured(log):
    runs = {}
    cur = None
    for line in open(log, errors='replace'):
        line = line.rstrip('\r\n')
        m = re.match(r'^#@ (\S+) (.*)$', line)
        if m:
            cur = (m.group(2), [])
            runs.setdefault(m.group(1), []).append(cur)
            continue
        if cur and line.startswith('#| '):
            cur[1].append(line[3:])
        elif cur and line == '#|':
            cur[1].append('')
        else:
            cur = None
    return runs


def rewrite(page, runs):
    lines = open(page).read().split('\n')
    out, i, k, inblock = [], 0, 0, False
    while i < len(lines):
        line = lines[i]
        if line.startswith('.. code-block:: console'):
            inblock = True
        elif inblock and line and not line.startswith(' '):
            inblock = False
        if inblock and line.startswith('   # '):
            cmd = line[5:]
            out.append(line)
            i += 1
            while i < len(lines) and lines[i].startswith('   ') and \
                    not lines[i].startswith('   # '):
                i += 1
            if k >= len(runs) or runs[k][0] != cmd:
                sys.exit('%s: no capture for "%s" (run 86-tutorial first)' % (page, cmd))
            out.extend(('   ' + o.expandtabs(8)).rstrip() for o in runs[k][1] if o.strip())
            k += 1
            continue
        out.append(line)
        i += 1
    open(page, 'w').write('\n'.join(out))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    runs = captured(sys.argv[1])
    if not runs:
        sys.exit('no "#@" lines in %s' % sys.argv[1])
    for name, r in sorted(runs.items()):
        rewrite(os.path.join(tut, name), r)
        print('%s: %d outputs' % (name, len(r)))


main()
