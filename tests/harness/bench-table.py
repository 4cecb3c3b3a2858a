#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark CSVs (written by tests/harness/bench.sh) in, verdicts and tables out.

  bench-table.py gate BASELINE RESULT.csv   exit 1 if any baseline row is
        missing or failed in RESULT, or its vmlab instructions/op grew by
        more than 10%
  bench-table.py baseline RESULT.csv        print a new baseline file
  bench-table.py rst WALL.csv ICOUNT.csv    print the merged table (rst)
  bench-table.py scale SCALE.csv XNAME      print a scaling row set (rst)
  bench-table.py fork ICOUNT.csv WALL.csv   print the fork+COW curve (rst)
  bench-table.py swap ICOUNT.csv WALL.csv   print the swap rows (rst)
  bench-table.py selftest                   prove the gate can fail
"""
import contextlib
import csv
import io
import os
import re
import sys
import tempfile

LIMIT = 1.10        # the gate's tolerance: 10% more instructions fails
SUSPICIOUS = 2.0    # wall ratio vs instruction ratio apart by more than this
FORK = re.compile(r'^fork\+COW (\d+) MiB')
TIMED = re.compile(r'major fault .*, (median|p99)$')   # device latency rows: timing only


def rows(path):
    """Rows of a bench.sh CSV (or a baseline: '#' lines are comments)."""
    with open(path, newline='') as f:
        return list(csv.DictReader(line for line in f if not line.startswith('#')))


def one_cpu(table):
    """benchmark name -> row, the 1-CPU rows only."""
    return {r['benchmark']: r for r in table if r['cpus'] in ('1', '-')}


def gate(baseline, result):
    base, got = rows(baseline), one_cpu(rows(result))
    bad = 0
    meta = [l.strip() for l in open(baseline) if l.startswith('# produced by')]
    first = next(iter(got.values()), None)
    if meta and first and first['release'] not in meta[0]:
        print(f"note: baseline from another kernel ({meta[0]}), this run: {first['release']}")
    for b in base:
        name, want = b['benchmark'], float(b['vmlab'])
        r = got.get(name)
        if r is None or r['vmlab'] == 'failed':
            print(f"FAILED {name}: {'row failed' if r else 'row missing'} in this run")
            bad += 1
            continue
        have = float(r['vmlab'])
        verdict = 'ok    '
        if have > want * LIMIT:
            verdict = 'FAILED'
            bad += 1
        print(f"{verdict} {name}: {have:.1f} insn/op (baseline {want:.1f}, "
              f"{(have / want - 1) * 100:+.1f}%; host {r['host']})")
        if have < want / LIMIT:
            print(f"       (more than 10% better: update the baseline with the change)")
    known = {b['benchmark'] for b in base}
    for name in got:
        if name not in known and not name.startswith('mem:'):
            print(f"note: '{name}' is not in the baseline (not gated)")
    print(f"{len(base) - bad} of {len(base)} rows within {round((LIMIT - 1) * 100)}%"
          " of the baseline")
    return 1 if bad else 0


def baseline(result):
    got = rows(result)
    r0 = got[0]
    print('# vmlab instructions per op, the baseline of the make check gate')
    print('# (tests/harness/bench-gate.sh). Regenerate only together with the change')
    print('# that justifies it: tests/harness/bench-gate.sh --update')
    print(f"# produced by: {r0['kernel']} kernel {r0['release']}, options {r0['options']};"
          f" QEMU {r0['qemu']} {r0['mode']}")
    w = csv.writer(sys.stdout, lineterminator='\n')
    w.writerow(['benchmark', 'vmlab', 'host'])
    for name, r in one_cpu(got).items():
        if TIMED.search(name):
            continue    # a device's latency: not instructions (benchmarks.rst)
        if r['vmlab'] == 'failed':
            sys.exit(f"row '{name}' failed: no baseline written")
        if not name.startswith('mem:'):
            w.writerow([name, r['vmlab'], r['host']])
    return 0


def print_table(head, out):
    """An rst simple table: a header row and rows of strings."""
    widths = [max(len(x[c]) for x in out + [head]) for c in range(len(head))]
    rule = ' '.join('=' * n for n in widths)
    print(rule)
    print(' '.join(v.ljust(n) for v, n in zip(head, widths)).rstrip())
    print(rule)
    for x in out:
        print(' '.join(v.ljust(n) for v, n in zip(x, widths)).rstrip())
    print(rule)


def rst(wall, icount):
    w, ic = rows(wall), one_cpu(rows(icount))
    out = []
    for r in w:
        if FORK.match(r['benchmark']) or r['benchmark'].startswith('swap'):
            continue    # the fork+COW curve and the swap rows have their own tables
        i = ic.get(r['benchmark'])
        flag = ''
        iv = ih = ir = '-'
        if i and i['vmlab'] != 'failed' and r['cpus'] == '1':
            iv, ih, ir = i['vmlab'], i['host'], i['ratio']
            try:
                q = float(r['ratio']) / float(ir)
                if q > SUSPICIOUS or q < 1 / SUSPICIOUS:
                    flag = '**'
            except (ValueError, ZeroDivisionError):
                pass
        out.append([r['benchmark'], r['cpus'], r['vmlab'], r['host'], r['ratio'],
                    iv, ih, ir + flag])
    head = ['benchmark', 'cpus', 'vmlab ns', 'host ns', 'wall ratio',
            'vmlab insn', 'host insn', 'insn ratio']
    r0, i0 = w[0], next(iter(ic.values()))
    print(f"Wall clock: {r0['kernel']} kernel {r0['release']} ({r0['options']}), QEMU"
          f" {r0['qemu']} {r0['mode']}, host CPU {r0['host_cpu']}. Instructions: the same"
          f" kernel and options, QEMU {i0['mode']}. Per operation; ratio = vmlab / host;"
          " ``**`` marks a row whose two ratios differ by more than 2x.")
    print()
    print_table(head, out)
    return 0


def scale(path, xname):
    """One line per row, one column per x: 'vmlab / host' per op."""
    xs, cells = [], {}
    for r in rows(path):
        if r['cpus'] != '1':
            continue
        name = re.sub(r', (\d+ VMAs|arena \d+ MiB)$', '', r['benchmark'])
        if r['x'] not in xs:
            xs.append(r['x'])
        cells.setdefault(name, {})[r['x']] = f"{float(r['vmlab']):.0f} / {float(r['host']):.0f}"
    head = ['row (vmlab / host per op) by ' + xname] + xs
    out = [[n] + [c.get(x, '-') for x in xs] for n, c in cells.items()]
    print_table(head, out)
    print()
    return 0


def fork(icount, wall):
    """The fork+COW rows: per op and per page, instructions and wall."""
    ic, w = one_cpu(rows(icount)), one_cpu(rows(wall)) if os.path.exists(wall) else {}
    head = ['MiB', 'vmlab insn/op', 'host insn/op', 'vmlab insn/page', 'host insn/page',
            'ratio', 'vmlab ms/op', 'host ms/op', 'wall ratio']
    out = []
    for name, r in ic.items():
        m = FORK.match(name)
        if not m or r['vmlab'] == 'failed':
            continue
        pages = int(m.group(1)) * 256
        v, h = float(r['vmlab']), float(r['host'])
        x = w.get(name)
        wv = wh = wr = '-'
        if x and x['vmlab'] != 'failed':
            wv, wh, wr = f"{float(x['vmlab']) / 1e6:.1f}", f"{float(x['host']) / 1e6:.1f}", x['ratio']
        out.append([m.group(1), f"{v:.0f}", f"{h:.0f}", f"{v / pages:.0f}",
                    f"{h / pages:.0f}", r['ratio'], wv, wh, wr])
    if not out:
        print('(no fork+COW rows)')
        return 0
    print_table(head, out)
    return 0


def swap(icount, wall):
    """The swap rows: per page, instructions and wall, and the wall rates."""
    ic, w = one_cpu(rows(icount)), one_cpu(rows(wall)) if os.path.exists(wall) else {}
    head = ['row (per 4 KiB page)', 'vmlab insn', 'host insn', 'ratio', 'vmlab ns',
            'host ns', 'wall ratio', 'vmlab MB/s', 'host MB/s']
    out = []
    for name, r in ic.items():
        if not name.startswith('swap out') or r['vmlab'] == 'failed':
            continue
        x = w.get(name)
        wcols = ['-'] * 5
        if x and x['vmlab'] != 'failed':
            v, h = float(x['vmlab']), float(x['host'])
            wcols = [f"{v:.0f}", f"{h:.0f}", x['ratio'], f"{4096e3 / v:.0f}",
                     f"{4096e3 / h:.0f}"]
        out.append([name, f"{float(r['vmlab']):.0f}", f"{float(r['host']):.0f}",
                    r['ratio']] + wcols)
    if not out:
        print('(no swap rows)')
        return 0
    print_table(head, out)
    return 0


def selftest():
    """The gate against made-up runs: it must pass and fail where it should."""
    head = 'kernel,release,options,host_cpu,qemu,mode,benchmark,cpus,vmlab,host,ratio,unit\n'
    pre = 'stock,6.1,x,cpu,7.2,icount,'
    base = '# produced by: stock kernel 6.1\nbenchmark,vmlab,host\na,100.0,90.0\nb,200.0,90.0\n'
    cases = [('a', '1', '109.0', 'b', '1', '200.0', 0),   # +9%: within
             ('a', '1', '111.0', 'b', '1', '200.0', 1),   # +11%: fails
             ('a', '1', '100.0', 'c', '1', '200.0', 1),   # row b missing
             ('a', '1', '100.0', 'b', '-', 'failed', 1)]  # row b failed
    with tempfile.TemporaryDirectory() as d:
        bp, rp = os.path.join(d, 'base'), os.path.join(d, 'run')
        with open(bp, 'w') as f:
            f.write(base)
        for n1, c1, v1, n2, c2, v2, want in cases:
            with open(rp, 'w') as f:
                f.write(head + f"{pre}{n1},{c1},{v1},90.0,1.0,insn\n"
                        f"{pre}{n2},{c2},{v2},90.0,1.0,insn\n")
            with contextlib.redirect_stdout(io.StringIO()):
                got = gate(bp, rp)
            if got != want:
                print(f"gate selftest: {n2}={v2} gave {got}, want {want}")
                return 1
    print('gate selftest: passes and fails where it should')
    return 0


if __name__ == '__main__':
    cmds = {'gate': (gate, 2), 'baseline': (baseline, 1), 'rst': (rst, 2),
            'scale': (scale, 2), 'fork': (fork, 2), 'swap': (swap, 2),
            'selftest': (selftest, 0)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) != cmds[sys.argv[1]][1] + 2:
        sys.exit(__doc__)
    sys.exit(cmds[sys.argv[1]][0](*sys.argv[2:]))
