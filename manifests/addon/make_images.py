# Usage: python3 manifests/addon/make_images.py manifests/addon/domoguard
#        python3 manifests/addon/make_images.py bindings/homeassistant/custom_components/domoguard/brand --brand
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

def icon_at(n):
    s = n / 128
    inside = shield(64 * s, 6 * s, 116 * s)
    return lambda x, y: inside(x, y) or CLEAR

def logo_at(k):
    inside = shield(50 * k, 6 * k, 88 * k)
    def px(x, y):
        c = inside(x, y)
        if c:
            return c
        # three bars, like lines of text, beside the shield
        for i, (y0, length) in enumerate(((30, 150), (48, 120), (66, 90))):
            if y0 * k <= y < (y0 + 9) * k and 100 * k <= x < (100 + length) * k:
                return BLUE if i == 0 else LIGHT
        return CLEAR
    return px

out = sys.argv[1]
if len(sys.argv) > 2 and sys.argv[2] == "--brand":
    # The integration's own brand images (Home Assistant 2026.3+ serves custom_components/<domain>/brand/).
    png(f"{out}/icon.png", 256, 256, icon_at(256))
    png(f"{out}/icon@2x.png", 512, 512, icon_at(512))
    png(f"{out}/logo.png", 500, 200, logo_at(2))
else:
    png(f"{out}/icon.png", 128, 128, icon_at(128))
    png(f"{out}/logo.png", 250, 100, logo_at(1))
