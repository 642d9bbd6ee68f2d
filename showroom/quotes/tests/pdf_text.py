"""Read a quote PDF back: its structure checked by hand (cross-reference table, trailer, pages) and its text as a
reader would copy it, through pypdf (the embedded TrueType subsets map their codes back to Unicode)."""

import io
import re

from pypdf import PdfReader


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
    """The text drawn on the pages, as a reader copies it (through each font's ToUnicode map), after checking the
    structure."""
    check_structure(data)
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)
