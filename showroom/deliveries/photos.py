"""Checking an uploaded delivery photo: a real JPEG or PNG of a sensible size, read from its own bytes.

No imaging library: the headers (JPEG frame markers, the PNG header chunk with its CRC) give the type and the
dimensions, which is enough to refuse renamed documents, scripts, truncated or absurd files.
"""

from __future__ import annotations

import struct
import zlib

from django.utils.translation import gettext as _

from showroom.core.errors import DomainError

MAX_BYTES = 8 * 1024 * 1024
MIN_SIDE = 64
MAX_SIDE = 12000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers that carry the dimensions (all SOFn but DHT, JPG and DAC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _refuse(message: str, code: str = "photo_invalid") -> DomainError:
    return DomainError(message, code=code, field="photo")


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2:
            return None
        if marker in _SOF:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height
        if marker == 0xDA:  # image data before any frame header
            return None
        pos += 2 + length
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 33 + 12:
        return None
    length, kind = struct.unpack(">I4s", data[8:16])
    body, crc = data[16:29], data[29:33]
    if kind != b"IHDR" or length != 13 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
        return None
    if not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
        return None
    width, height = struct.unpack(">II", body[:8])
    return width, height


def too_large() -> DomainError:
    return _refuse(_("The photo is too large (at most %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)},
                   code="photo_too_large")


def check_photo(data: bytes) -> tuple[str, str, int, int]:
    """(content type, extension, width, height) of an acceptable photo; DomainError on the `photo` field otherwise."""
    if not data:
        raise _refuse(_("Choose a photo to upload."), code="photo_required")
    if len(data) > MAX_BYTES:
        raise too_large()
    if data.startswith(b"\xff\xd8\xff"):
        kind, extension = "image/jpeg", "jpg"
        size = _jpeg_size(data) if data.rstrip(b"\x00").endswith(b"\xff\xd9") else None
    elif data.startswith(PNG_MAGIC):
        kind, extension = "image/png", "png"
        size = _png_size(data)
    else:
        raise _refuse(_("Upload a JPEG or PNG photo."), code="photo_type")
    if size is None:
        raise _refuse(_("The photo could not be read; take it again."))
    width, height = size
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise _refuse(_("The photo must be between %(min)s and %(max)s pixels wide and high.")
                      % {"min": MIN_SIDE, "max": MAX_SIDE}, code="photo_dimensions")
    return kind, extension, width, height
