#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark and counter CSVs in, PNG plots out (gnuplot, Debian's gnuplot-nox).

  bench-plot.py OUTDIR [--wall CSV] [--icount CSV] [--arena CSV] [--vmas CSV]
                       [--counters CSV]
        render every plot whose CSVs are given and exist (a missing CSV
        skips its plots, with a note):
          ratios.png       vmlab/host per row, wall and instructions
                           (--wall and --icount: bench.sh's CSVs)
          scale-arena.png  per-op cost by arena size (bench-scale.sh's)
          scale-vmas.png   per-op cost by VMAs in the mm (bench-scale.sh's)
          forkcow.png      the fork+COW curve, per page (the fork+COW rows
                           of --icount, and of --wall when present)
          counters.png     free pages by order and faults per second over a
                           run (counters.sh's CSV)
  bench-plot.py selftest
        render all five from tests/bench/sample/ into a temporary directory
        and check each is a valid PNG of a sane size, with no gnuplot
        warning; exit 1 otherwise

The CSVs are turned into tab-separated data files first (their quoted
fields hold commas that gnuplot's CSV reading splits).
"""
import csv
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, '..', 'bench', 'sample')
TERM = "set terminal pngcairo size {w},{h} font 'sans,9' noenhanced\n"
FORK = re.compile(r'^fork\+COW (\d+) MiB')
# One colour per buddy order, 0 (small, warm) to 10 (large, cool).
ORDER_COLOURS = ['#b2182b', '#d6604d', '#f4a582', '#fddbc7', '#e6f5d0', '#b8e186',
                 '#7fbc41', '#4d9221', '#92c5de', '#4393c3', '#2166ac']


def rows(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(line for line in f if not line.startswith('#')))


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def one_cpu(table):
    return {r['benchmark']: r for r in table if r['cpus'] in ('1', '-')}


def write(path, lines):
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def quote(s):
    return '"' + s.replace('"', "'") + '"'


def ratios(tmp, wall, icount):
    """Clustered bars: wall ratio and instruction ratio per 1-CPU row."""
    w, i = one_cpu(rows(wall)), one_cpu(rows(icount))
    lines = []
    for name, r in w.items():
        if name.startswith('mem:') or FORK.match(name):
            continue
        wr, ir = num(r['ratio']), num(i.get(name, {}).get('ratio'))
        if wr is None or not wr:
            continue
        short = name if len(name) <= 44 else name[:42] + '..'
        lines.append(f"{quote(short)}\t{wr}\t{ir if ir else 'NaN'}")
    dat = os.path.join(tmp, 'ratios.dat')
    write(dat, lines)
    return TERM.format(w=1100, h=760) + f"""
set bmargin 16
set rmargin 8
set title 'vmlab / host per operation (below 1: vmlab cheaper); log scale'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.05:*]
set grid ytics
set xtics rotate by -40 nomirror
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5
plot '{dat}' using 2:xtic(1) title 'wall-clock ratio', \\
     '' using 3 title 'instruction ratio (icount)'
"""


def scale(tmp, path, xname, tag, logbase):
    """One line per row and side, per-op cost against the x value."""
    table = [r for r in rows(path) if r['cpus'] in ('1', '-')]
    names = [n for n in dict.fromkeys(r['benchmark'] for r in table)
             if not n.startswith('mem:')]
    plots = []
    for k, name in enumerate(names):
        pts = sorted((num(r['x']), num(r['vmlab']), num(r['host']))
                     for r in table if r['benchmark'] == name)
        dat = os.path.join(tmp, f'{tag}-{k}.dat')
        write(dat, [f"{x}\t{v}\t{h}" for x, v, h in pts if None not in (x, v, h)])
        plots.append(f"'{dat}' using 1:2 with linespoints lc {k + 1} pt 7 dt 1 "
                     f"title {quote('vmlab: ' + name)}")
        plots.append(f"'{dat}' using 1:3 with linespoints lc {k + 1} pt 6 dt 2 "
                     f"title {quote('host: ' + name)}")
    return TERM.format(w=900, h=560) + f"""
set title 'instructions per operation by {xname} (icount; solid vmlab, dashed host)'
set logscale x {logbase}
set logscale y
set grid
set xlabel '{xname}'
set ylabel 'instructions per op'
set key outside bottom center horizontal maxrows 4
plot {', '.join(plots)}
"""


def fork_points(path):
    pts = []
    for name, r in one_cpu(rows(path)).items():
        m = FORK.match(name)
        v, h = num(r['vmlab']), num(r['host'])
        if m and v and h:
            pages = int(m.group(1)) * 256
            pts.append((int(m.group(1)), v / pages, h / pages))
    return sorted(pts)


def forkcow(tmp, icount, wall):
    """Per page of the region: instructions (and wall ns when given)."""
    panels = [('instructions per page (icount, 1 vCPU)', fork_points(icount))]
    if wall and os.path.exists(wall):
        panels.append(('wall ns per page (TCG, 2 vCPUs, shared machine)',
                       fork_points(wall)))
    panels = [(t, p) for t, p in panels if p]
    if not panels:
        return None
    s = TERM.format(w=450 * len(panels) + 100, h=480)
    s += f"set multiplot layout 1,{len(panels)} title " \
         "'fork of an mm with N MiB written + the child COW-writes every page'\n"
    s += "set tmargin 4\nset logscale x 2\nset grid\nset xlabel 'MiB written'\nset yrange [0:*]\n"
    s += "set key top right\n"
    for k, (title, pts) in enumerate(panels):
        dat = os.path.join(tmp, f'fork-{k}.dat')
        write(dat, [f"{x}\t{v}\t{h}" for x, v, h in pts])
        s += f"set title '{title}'\n"
        s += f"plot '{dat}' using 1:2 with linespoints pt 7 lw 2 title 'vmlab', " \
             f"'' using 1:3 with linespoints pt 6 lw 2 dt 2 title 'host (a process)'\n"
    return s + "unset multiplot\n"


def counters(tmp, path):
    """Free pages by order (stacked areas) and faults per second."""
    table = rows(path)
    orders = sorted((int(k[6:]) for k in table[0] if k.startswith('free_o')))
    lines, prev = [], None
    for r in table:
        t, f = num(r['t_ms']), num(r['pgfault'])
        free = [num(r[f'free_o{o}']) * (1 << o) for o in orders]
        rate = 'NaN'
        if prev and t > prev[0]:
            rate = (f - prev[1]) * 1000.0 / (t - prev[0])
        prev = (t, f)
        cum = [sum(free[:k + 1]) for k in range(len(free))]
        lines.append('\t'.join(str(x) for x in [t / 1000.0, rate] + cum))
    dat = os.path.join(tmp, 'counters.dat')
    write(dat, lines)
    marks = ''
    phases = re.sub(r'\.csv$', '', path) + '-phases.txt'
    if os.path.exists(phases):
        for line in open(phases):
            t, _, label = line.strip().partition(' ')
            if num(t) is not None and label != 'end':
                marks += (f"set arrow from {t}, graph 0 to {t}, graph 1 nohead dt 3 lc 'gray40'\n"
                          f"set label {quote(label)} at {t}, graph 0.97 offset 0.5,0 "
                          "font 'sans,8'\n")
    areas = []
    for k in reversed(range(len(orders))):
        areas.append(f"'{dat}' using 1:{k + 3} with filledcurves x1 "
                     f"lc rgb '{ORDER_COLOURS[k % len(ORDER_COLOURS)]}' "
                     f"title 'order {orders[k]}'")
    return TERM.format(w=900, h=700) + f"""
set multiplot layout 2,1 title 'vmlab counters over a run (sampled from debugfs)'
set grid
set lmargin at screen 0.09
set rmargin at screen 0.80
{marks}
set xlabel 'seconds'
set title 'free pages by the order of their free block (stacked)'
set ylabel 'free pages'
set key outside right
set style fill solid 0.7
plot {', '.join(areas)}
set title 'page faults per second (vmstat pgfault)'
set ylabel 'faults / s'
unset key
plot '{dat}' using 1:2 with steps lw 2
unset multiplot
"""


def gnuplot(script, png):
    """Render; returns gnuplot's stderr (warnings) and raises on failure."""
    p = subprocess.run(['gnuplot'], input=f"set output '{png}'\n" + script,
                       text=True, capture_output=True)
    if p.returncode:
        raise RuntimeError(f"gnuplot failed for {png}: {p.stderr.strip()}")
    return p.stderr.strip()


def render(out, args):
    os.makedirs(out, exist_ok=True)
    have = {k: v for k, v in args.items() if v and os.path.exists(v)}
    jobs = []
    if 'wall' in have and 'icount' in have:
        jobs.append(('ratios.png', lambda t: ratios(t, have['wall'], have['icount'])))
    if 'arena' in have:
        jobs.append(('scale-arena.png',
                     lambda t: scale(t, have['arena'], 'arena size (MiB)', 'arena', 2)))
    if 'vmas' in have:
        jobs.append(('scale-vmas.png',
                     lambda t: scale(t, have['vmas'], 'VMAs in the mm', 'vmas', 10)))
    if 'icount' in have:
        jobs.append(('forkcow.png', lambda t: forkcow(t, have['icount'], have.get('wall'))))
    if 'counters' in have:
        jobs.append(('counters.png', lambda t: counters(t, have['counters'])))
    for k, v in args.items():
        if v and k not in have:
            print(f"note: {v} not found: its plots skipped")
    made, warnings = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for png, make in jobs:
            script = make(tmp)
            if script is None:
                print(f"note: no data for {png}: skipped")
                continue
            path = os.path.join(out, png)
            w = gnuplot(script, path)
            if w:
                warnings.append(f"{png}: {w}")
            made.append(path)
    for p in made:
        print(f"wrote {p}")
    return made, warnings


def png_size(path):
    """(width, height) of a valid PNG, or None: signature, IHDR and its CRC."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 33 or data[:8] != b'\x89PNG\r\n\x1a\n' or data[12:16] != b'IHDR':
        return None
    if struct.unpack('>I', data[29:33])[0] != zlib.crc32(data[12:29]):
        return None
    if not data.endswith(b'IEND\xaeB`\x82'):
        return None
    return struct.unpack('>II', data[16:24])


def selftest():
    s = lambda n: os.path.join(SAMPLE, n)
    with tempfile.TemporaryDirectory() as out:
        made, warnings = render(out, {
            'wall': s('stock-wall.csv'), 'icount': s('stock-icount.csv'),
            'arena': s('scale-arena.csv'), 'vmas': s('scale-vmas.csv'),
            'counters': s('counters.csv')})
        bad = [f"gnuplot warned: {w}" for w in warnings]
        want = ['ratios.png', 'scale-arena.png', 'scale-vmas.png', 'forkcow.png', 'counters.png']
        for png in want:
            path = os.path.join(out, png)
            size = png_size(path) if os.path.exists(path) else None
            if not size or min(size) < 200 or os.path.getsize(path) < 5000:
                bad.append(f"{png}: missing, not a valid PNG or blank ({size})")
        # The checker must refuse a broken file.
        broken = os.path.join(out, 'broken.png')
        with open(os.path.join(out, want[0]), 'rb') as f:
            data = bytearray(f.read())
        data[20] ^= 1
        with open(broken, 'wb') as f:
            f.write(data)
        if png_size(broken):
            bad.append("the PNG check accepted a corrupted IHDR")
    for b in bad:
        print(f"FAILED {b}")
    if bad:
        return 1
    print(f"plots: {len(want)} PNGs rendered from tests/bench/sample/ and valid")
    return 0


def main(argv):
    if argv[1:2] == ['selftest']:
        return selftest()
    if len(argv) < 2 or argv[1].startswith('-'):
        print(__doc__, file=sys.stderr)
        return 2
    args, k = {}, 2
    while k < len(argv):
        opt = argv[k].lstrip('-')
        if opt not in ('wall', 'icount', 'arena', 'vmas', 'counters') or k + 1 >= len(argv):
            print(__doc__, file=sys.stderr)
            return 2
        args[opt] = argv[k + 1]
        k += 2
    made, warnings = render(argv[1], args)
    for w in warnings:
        print(f"gnuplot: {w}", file=sys.stderr)
    return 0 if made else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
