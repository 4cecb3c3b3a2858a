#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a picture tools/vmlab-map drew from a frame map.

    png-check.py VMLAB_MAP FRAMEMAP PNG

The PNG must be valid (signature, every chunk's CRC, IHDR, IDAT that
inflates to exactly the rows IHDR announces, IEND), as large as
`vmlab-map --geometry` says, and the centre of every frame's square must
have the colour `vmlab-map --palette` gives that frame's byte. Prints one
line; exit 0 when all holds, 1 otherwise.
"""
import struct
import subprocess
import sys
import zlib


def fail(msg):
    print("png-check: " + msg)
    sys.exit(1)


def chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG signature")
    pos = 8
    while pos < len(data):
        if pos + 8 > len(data):
            fail("truncated chunk header")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            fail("bad CRC in chunk %r" % kind)
        yield kind, body
        pos += 12 + length


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(png):
    ihdr, idat, end = None, b"", False
    for kind, body in chunks(png):
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            end = True
    if not ihdr or not end:
        fail("no IHDR or no IEND")
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype != 2 or interlace:
        fail("expected 8-bit RGB, not interlaced: %r" % (ihdr,))
    raw = zlib.decompress(idat)
    stride = w * 3
    if len(raw) != h * (stride + 1):
        fail("IDAT inflates to %d bytes, rows need %d" % (len(raw), h * (stride + 1)))
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - 3] if x >= 3 else 0
            b = prev[x]
            c = prev[x - 3] if x >= 3 else 0
            if f == 1:
                line[x] = (line[x] + a) & 0xff
            elif f == 2:
                line[x] = (line[x] + b) & 0xff
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xff
            elif f == 4:
                line[x] = (line[x] + paeth(a, b, c)) & 0xff
            elif f != 0:
                fail("unknown filter %d in row %d" % (f, y))
        rows.append(line)
        prev = line
    return w, h, rows


def main():
    tool, fmap, pngfile = sys.argv[1:4]
    geo = subprocess.run([tool, "--geometry", fmap], check=True, capture_output=True,
                         text=True).stdout.split()
    g = dict(zip(geo[0::2], map(int, geo[1::2])))
    palette = {}
    for line in subprocess.run([tool, "--palette"], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        code, r, gr, b = line.split()[:4]
        palette[int(code, 16)] = (int(r), int(gr), int(b))
    frames = open(fmap, "rb").read()
    w, h, rows = decode(open(pngfile, "rb").read())
    if (w, h) != (g["width"], g["height"]):
        fail("%dx%d, --geometry says %dx%d" % (w, h, g["width"], g["height"]))
    sq, cols = g["square"], g["cols"]
    if sq < 3:	# zone lines run along a square's top edge, not its centre
        fail("squares of %d px: draw with -s 3 or more to check" % sq)
    bad = 0
    for i, code in enumerate(frames):
        x = g["map_x"] + (i % cols) * sq + sq // 2
        y = g["map_y"] + (i // cols) * sq + sq // 2
        px = tuple(rows[y][x * 3:x * 3 + 3])
        if px != palette.get(code, (0, 0, 0)):
            bad += 1
            if bad <= 5:
                print("frame %d: byte 0x%02x drawn %r, palette %r" % (i, code, px,
                                                                     palette.get(code)))
    if bad:
        fail("%d of %d frames in the wrong colour" % (bad, len(frames)))
    print("png-check: %s: valid %dx%d PNG, all %d frames in their colours"
          % (pngfile, w, h, len(frames)))


if __name__ == "__main__":
    main()
