"""The signature pad's PNG: only a real, non-empty drawing of sensible size is stored."""

import base64
import struct
import zlib

import pytest

from showroom.core.errors import DomainError
from showroom.testdrives.signature import (
    MAX_BYTES,
    as_data_url,
    check_png,
    decode_data_url,
    drawn_signature,
    encode_png,
)


def test_a_drawn_signature_is_accepted():
    png = decode_data_url(as_data_url(drawn_signature(7)))
    assert check_png(png) == (360, 120)


@pytest.mark.parametrize("url", [
    "", "data:image/jpeg;base64,/9j/4AAQ", "data:image/png;base64,***", "data:image/png;base64,"
    + base64.b64encode(b"GIF89a not a png").decode(),
])
def test_anything_but_a_png_data_url_is_refused_on_the_signature_field(url):
    with pytest.raises(DomainError) as refused:
        decode_data_url(url)
    assert refused.value.field == "signature"


def test_an_empty_pad_is_refused():
    blank = encode_png(300, 100, [bytes(300 * 4)] * 100)
    with pytest.raises(DomainError) as refused:
        decode_data_url(as_data_url(blank))
    assert refused.value.code == "signature_empty"


def test_a_png_with_a_broken_checksum_is_refused():
    png = bytearray(drawn_signature(1))
    png[40] ^= 0xFF
    with pytest.raises(DomainError):
        check_png(bytes(png))


def test_a_truncated_png_is_refused():
    with pytest.raises(DomainError):
        check_png(drawn_signature(1)[:-20])


def test_a_tiny_or_huge_image_is_refused():
    with pytest.raises(DomainError):
        check_png(encode_png(10, 10, [b"\xff" * 40] * 10))
    header = struct.pack(">IIBBBBB", 5000, 100, 8, 6, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header))
    with pytest.raises(DomainError):
        check_png(b"\x89PNG\r\n\x1a\n" + chunk)


def test_a_file_over_the_size_limit_is_refused_before_decoding():
    with pytest.raises(DomainError) as refused:
        decode_data_url("data:image/png;base64," + "A" * (MAX_BYTES * 2))
    assert "KB" in str(refused.value.message)
