"""The quote PDF carries its own Chinese font: it prints the same in every reader, with no Asian font pack asked
for, and its text copies back as written."""

import io
import logging
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from showroom.quotes import pdf

from .conftest import issued_quote
from .pdf_text import pdf_text

LINES = [{"kind": "accessory", "name": "全包围脚垫", "amount": Decimal("1280")},
         {"kind": "store_fee", "name": "上牌服务（含临牌）", "amount": Decimal("500")}]


def fonts(data: bytes) -> dict[str, bool]:
    """Each font the pages use, by its base name, and whether the file carries it (FontFile2 = TrueType)."""
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    return found


def quote_pdf(client, consultant, lead, trim, *, customer="欧阳娜娜", lines=LINES) -> bytes:
    lead.customer.name = customer
    lead.customer.save(update_fields=["name"])
    quote = issued_quote(consultant, lead, trim, lines=lines)
    client.force_login(consultant)
    response = client.get(reverse("quotes:pdf", args=[quote.pk]))
    assert response.status_code == 200
    return response.content


@pytest.fixture
def missing_font(monkeypatch, tmp_path):
    """A broken install: the font file is not there."""
    monkeypatch.setattr(pdf, "FONT_FILE", tmp_path / "missing.ttf")
    pdf._fonts.cache_clear()
    yield
    monkeypatch.undo()
    pdf._fonts.cache_clear()


def test_the_pdf_embeds_a_subset_of_its_chinese_font_and_needs_no_reader_font(client, consultant, lead, trim):
    data = quote_pdf(client, consultant, lead, trim)
    used = fonts(data)
    assert used and all(used.values()), used
    assert all("NotoSerifSC" in name for name in used), used
    assert b"STSong-Light" not in data


def test_chinese_names_and_items_copy_back_out_of_the_pdf(client, consultant, lead, trim):
    text = pdf_text(quote_pdf(client, consultant, lead, trim))
    assert "欧阳娜娜" in text and "全包围脚垫" in text and "上牌服务（含临牌）" in text
    assert "报价单" in text and "落地价合计" in text and "销售顾问" in text and "含增值税" in text


def test_the_pdf_stays_small_because_only_the_glyphs_used_are_embedded(client, consultant, lead, trim):
    data = quote_pdf(client, consultant, lead, trim)
    print(f"quote PDF with embedded font subset: {len(data):,} bytes")  # noqa: T201 - the size, for the record
    assert len(data) < 150_000
    assert os.path.getsize(pdf.FONT_FILE) > 10 * len(data)


def test_a_rare_name_character_the_subset_lacks_prints_in_the_readers_song_font(client, consultant, lead, trim):
    assert ord("頔") not in pdf._fonts()
    data = quote_pdf(client, consultant, lead, trim, customer="李頔")
    used = fonts(data)
    assert any("STSong-Light" in name for name in used) and any(embedded for embedded in used.values())
    assert "李頔" in pdf_text(data)


def test_without_its_font_file_the_pdf_still_prints_in_the_readers_song_font_and_says_so(
        client, consultant, lead, trim, missing_font, caplog):
    with caplog.at_level(logging.WARNING, logger="showroom.quotes.pdf"):
        data = quote_pdf(client, consultant, lead, trim)
    assert "missing.ttf" in caplog.text
    assert fonts(data) == {"/STSong-Light": False}
    assert "欧阳娜娜" in pdf_text(data)
