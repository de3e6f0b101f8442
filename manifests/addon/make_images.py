# Usage: python3 manifests/addon/make_images.py manifests/addon/domoguard
"""Draws DomoGuard's app icon (128x128) and logo (250x100) as PNG with the standard library only."""
import struct, sys, zlib

def png(path, w, h, px):
    raw = b"".join(b"\0" + bytes(c for x in range(w) for c in px(x, y)) for y in range(h))
    def chunk(t, d):
        return struct.pack("!I", len(d)) + t + d + struct.pack("!I", zlib.crc32(t + d) & 0xFFFFFFFF)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack("!IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    open(path, "wb").write(data)

BLUE, LIGHT, WHITE, CLEAR = (3, 105, 161, 255), (125, 200, 240, 255), (255, 255, 255, 255), (0, 0, 0, 0)

def shield(cx, top, size):
    """Inside test for a shield of the given height centred on cx, with a house and a check mark."""
    half = size * 0.42
    def inside(x, y):
        v = (y - top) / size
        if v < 0 or v > 1:
            return None
        if v < 0.55:
            hw = half * (0.86 + 0.14 * min(1, v / 0.12))
        else:
            hw = half * (1 - ((v - 0.55) / 0.45) ** 1.6)
        dx = abs(x - cx)
        if dx > hw:
            return None
        if dx > hw - size * 0.05:
            return LIGHT
        # the house: a roof and a body
        hx, hy = (x - cx) / size, v
        roof = 0.28 <= hy <= 0.46 and abs(hx) <= (hy - 0.28) * 1.35
        body = 0.46 <= hy <= 0.72 and abs(hx) <= 0.2
        door = 0.58 <= hy <= 0.72 and abs(hx) <= 0.05
        if (roof or body) and not door:
            return WHITE
        return BLUE
    return inside

def icon(x, y):
    return shield(64, 6, 116)(x, y) or CLEAR

def logo(x, y):
    c = shield(50, 6, 88)(x, y)
    if c:
        return c
    # three bars, like lines of text, beside the shield
    for i, (y0, length) in enumerate(((30, 150), (48, 120), (66, 90))):
        if y0 <= y < y0 + 9 and 100 <= x < 100 + length:
            return BLUE if i == 0 else LIGHT
    return CLEAR

out = sys.argv[1]
png(f"{out}/icon.png", 128, 128, icon)
png(f"{out}/logo.png", 250, 100, logo)
