"""The customer's drawn signature: a PNG sent as a data URL by the tablet's signature pad, checked before storing.

No imaging library: the checks read the PNG's own structure (signature, chunk CRCs, the header, the pixel
stream), which is enough to refuse anything that is not a real, non-empty, reasonably sized drawing.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib

from django.utils.translation import gettext as _

from showroom.core.errors import DomainError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PREFIX = "data:image/png;base64,"
MAX_BYTES = 300 * 1024
MAX_SIDE = 4000
MIN_SIDE = 50
# Bytes per pixel for 8-bit samples by colour type (greyscale, RGB, palette, grey+alpha, RGBA).
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _refuse(message: str) -> DomainError:
    return DomainError(message, code="signature_invalid", field="signature")


def decode_data_url(data_url: str) -> bytes:
    """The PNG bytes of a `data:image/png;base64,…` URL, checked; DomainError on the `signature` field otherwise."""
    text = (data_url or "").strip()
    if not text:
        raise DomainError(_("The customer has not signed yet."), code="signature_required", field="signature")
    if not text.startswith(PREFIX):
        raise _refuse(_("The signature must be a PNG image drawn on the signature pad."))
    encoded = text[len(PREFIX):]
    if len(encoded) > MAX_BYTES * 4 // 3 + 8:
        raise _refuse(_("The signature image is too large (at most %(kb)s KB).") % {"kb": MAX_BYTES // 1024})
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(_("The signature could not be read; clear the pad and sign again.")) from None
    check_png(png)
    return png


def check_png(png: bytes) -> tuple[int, int]:
    """Refuse bytes that are not a complete, non-empty PNG drawing of a sensible size; returns (width, height)."""
    if len(png) > MAX_BYTES:
        raise _refuse(_("The signature image is too large (at most %(kb)s KB).") % {"kb": MAX_BYTES // 1024})
    unreadable = _refuse(_("The signature could not be read; clear the pad and sign again."))
    if not png.startswith(PNG_MAGIC):
        raise unreadable
    pos, header, data, ended = len(PNG_MAGIC), None, [], False
    while pos + 12 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        crc = png[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            raise unreadable
        if header is None and kind != b"IHDR":
            raise unreadable
        if kind == b"IHDR":
            if length != 13:
                raise unreadable
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data.append(body)
        elif kind == b"IEND":
            ended = True
            break
        pos += 12 + length
    if header is None or not data or not ended:
        raise unreadable
    width, height, depth, colour, _compression, _filter, interlace = header
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise _refuse(_("The signature image must be between %(min)s and %(max)s pixels wide and high.")
                      % {"min": MIN_SIDE, "max": MAX_SIDE})
    if depth != 8 or colour not in _CHANNELS or interlace != 0:
        raise unreadable
    row = 1 + width * _CHANNELS[colour]
    expected = row * height
    try:
        decompressor = zlib.decompressobj()
        pixels = decompressor.decompress(b"".join(data), expected + 1)
    except zlib.error:
        raise unreadable from None
    if len(pixels) != expected:
        raise unreadable
    # A cleared pad is fully transparent: every byte but the rows' filter bytes is zero.
    ink = any(pixels[r * row + 1:(r + 1) * row].strip(b"\x00") for r in range(height))
    if not ink:
        raise DomainError(_("The signature pad is empty: the customer must sign."), code="signature_empty",
                          field="signature")
    return width, height


def encode_png(width: int, height: int, rows: list[bytes], *, colour: int = 6) -> bytes:
    """A PNG of raw 8-bit rows (each row without its filter byte): for the demo's drawn signatures and the tests."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + r for r in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def drawn_signature(seed: int, *, width: int = 360, height: int = 120) -> bytes:
    """A signature-like scribble (a few joined strokes in dark blue on transparent) as a PNG, deterministic by seed."""
    import math
    import random

    rng = random.Random(seed)
    canvas = [bytearray(width * 4) for _ in range(height)]

    def dot(x: float, y: float) -> None:
        for dx in (0, 1):
            for dy in (0, 1):
                px, py = int(x) + dx, int(y) + dy
                if 0 <= px < width and 0 <= py < height:
                    canvas[py][px * 4:px * 4 + 4] = bytes((20, 40, 110, 255))

    x, y = 20.0, height * 0.6
    for _stroke in range(rng.randint(3, 5)):
        span = rng.uniform(50, 90)
        amp, freq, phase = rng.uniform(12, 30), rng.uniform(0.08, 0.2), rng.uniform(0, 6.28)
        for i in range(int(span * 3)):
            t = i / 3
            dot(x + t, y + amp * math.sin(freq * t + phase) - t * 0.1)
        x += span * 0.9
    for i in range(int(x - 20)):
        dot(20 + i, height * 0.85 + 3 * math.sin(i / 25))
    return encode_png(width, height, [bytes(r) for r in canvas])


def as_data_url(png: bytes) -> str:
    return PREFIX + base64.b64encode(png).decode("ascii")
