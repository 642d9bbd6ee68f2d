"""Read a PDF's structure and text without a PDF library: enough to prove the quote PDF is well formed and that
its Chinese text is there as text (ReportLab writes the CID font's strings as UTF-16BE)."""

import base64
import re
import zlib

_STREAM = re.compile(rb"<<((?:(?!<<).)*?)>>\s*stream\r?\n(.*?)\r?\n?endstream", re.S)
_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i:i + 1]
        if c == b"\\":
            nxt = raw[i + 1:i + 2]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
                continue
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            i += 1
            continue
        out += c
        i += 1
    return bytes(out)


def check_structure(data: bytes) -> int:
    """Assert the file is a PDF with a cross-reference table and a trailer; return its page count."""
    assert data.startswith(b"%PDF-1."), "not a PDF header"
    assert data.rstrip().endswith(b"%%EOF"), "no end-of-file marker"
    assert b"xref" in data and b"trailer" in data and b"startxref" in data
    offset = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    assert data[offset:offset + 4] == b"xref", "startxref does not point at the xref table"
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 1
    return pages


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages (UTF-16BE strings of the CID font), after checking the structure."""
    check_structure(data)
    texts = []
    for header, body in _STREAM.findall(data):
        if b"/ASCII85Decode" in header:
            body = base64.a85decode(re.sub(rb"\s", b"", body).removesuffix(b"~>"))
        if b"/FlateDecode" in header:
            body = zlib.decompress(body)
        for literal in _STRING.findall(body):
            raw = _unescape(literal[1:-1])
            if len(raw) % 2 == 0 and raw:
                try:
                    texts.append(raw.decode("utf-16-be"))
                    continue
                except UnicodeDecodeError:
                    pass
            texts.append(raw.decode("latin-1"))
    return "\n".join(texts)
