"""The quote sheet as a PDF (A4), drawn with ReportLab in an embedded Chinese font.

The text is set in Noto Serif SC (a Song face, SIL Open Font License), from the subset in fonts/ beside this module
(GB 2312, the catalogs' characters and common name characters; fonts/README.md says where it comes from and how to
remake it). ReportLab embeds again only the glyphs a quote uses, so the PDF carries its font (a FontFile2 stream of
a few dozen kilobytes) and prints the same in every reader, with no Asian font pack asked for. Each embedded subset
has a ToUnicode map, so the text stays searchable and copyable.

A character the subset lacks (a rare name character such as 頔) is set in STSong-Light, the CID font every PDF
reader provides for Adobe-GB1 (GBK and more), referenced, not embedded. If the font file is missing altogether
(a broken install) the whole sheet falls back to STSong-Light, with a warning in the log.

ReportLab cannot embold a TrueType face and a bold file would double the asset, so headings are emboldened by
stroking the glyph outlines as well as filling them (text render mode 2).
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

logger = logging.getLogger(__name__)

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSerifSC-Regular-subset.ttf"
FONT = "NotoSerifSC"
FALLBACK_FONT = "STSong-Light"
BOLD_STROKE = 0.035  # outline stroke for the emboldened headings, as a fraction of the font size
MARGIN = 16 * mm
LINE = 5.6 * mm


@functools.cache
def _fonts() -> frozenset[int] | None:
    """Register the fonts once; the code points the embedded font has, or None when it is missing."""
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    try:
        font = TTFont(FONT, str(FONT_FILE))
    except (OSError, TTFError) as error:  # a missing, unreadable or damaged file
        logger.warning("Quote PDF font %s cannot be read (%s): the PDF uses the reader's %s, not embedded.",
                       FONT_FILE, error, FALLBACK_FONT)
        return None
    pdfmetrics.registerFont(font)
    return frozenset(code for code, glyph in font.face.charToGlyph.items() if glyph)


def _runs(text: str) -> list[tuple[str, str]]:
    """The text cut into runs of one font: the embedded one, or STSong-Light for what it lacks."""
    covered = _fonts()
    if covered is None:
        return [(FALLBACK_FONT, text)] if text else []
    runs: list[tuple[str, str]] = []
    for char in text:
        font = FONT if ord(char) in covered else FALLBACK_FONT
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def text_width(text: str, size: float) -> float:
    """The width of a text as the sheet sets it, in points."""
    return sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in _runs(text))


# The half-width yen, which Chinese print sets full-width; and the U+2212 minus and U+00B7 middle dot, which the
# fallback Song face lacks in some readers (kept for a sheet that looks the same either way).
_PRINTABLE = str.maketrans({"−": "-", "·": "，", "¥": "￥"})


def printable(text: str) -> str:
    """A text as the PDF sets it (see _PRINTABLE)."""
    return str(text).translate(_PRINTABLE)


def _fit(text: str, size: float, width: float) -> str:
    """Cut a text that would run into the next column (a long accessory name), with an ellipsis."""
    text = printable(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


class _Page:
    def __init__(self, pdf: canvas.Canvas, sheet: dict):
        self.pdf, self.sheet = pdf, sheet
        self.width, self.height = A4
        self.y = self.height - MARGIN
        self.page = 1

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + 8 * mm:
            self.footer()
            self.pdf.showPage()
            self.page += 1
            self.y = self.height - MARGIN
            title = _("Quote %(number)s") % {"number": self.sheet["number"]}
            self.text(MARGIN, f"{self.sheet['store']}  {title}", 8)
            self.y -= LINE

    def text(self, x: float, value: str, size: float = 10, *, right: bool = False, centre: bool = False,
             bold: bool = False, y: float | None = None) -> None:
        value = printable(value)
        if right or centre:
            x -= text_width(value, size) / (1 if right else 2)
        if bold:  # fill and stroke the outlines; the render mode and line width end with restoreState
            self.pdf.saveState()
            self.pdf.setLineWidth(size * BOLD_STROKE)
        line = self.pdf.beginText(x, self.y if y is None else y)
        if bold:
            line.setTextRenderMode(2)
        for font, chunk in _runs(value):
            line.setFont(font, size)
            line.textOut(chunk)
        self.pdf.drawText(line)
        if bold:
            self.pdf.restoreState()

    def rule(self, weight: float = 0.4) -> None:
        self.pdf.setLineWidth(weight)
        self.pdf.line(MARGIN, self.y, self.width - MARGIN, self.y)

    def footer(self) -> None:
        self.text(self.width / 2, _("Page %(page)s · all prices include VAT") % {"page": self.page}, 8, centre=True,
                  y=MARGIN / 2)


def _day(value) -> str:
    return formats.date_format(value, "Y-m-d") if value else "—"


def render(sheet: dict) -> bytes:
    """The sheet (sheet.build) as PDF bytes; call it with the Chinese translation active."""
    buffer = io.BytesIO()
    # the initial font goes into every page's preamble: the embedded one, so the file names no other
    initial = FONT if _fonts() is not None else FALLBACK_FONT
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=initial, initialFontSize=10)
    pdf.setTitle(_("Quote %(number)s") % {"number": sheet["number"]})
    pdf.setAuthor(sheet["store"])
    pdf.setSubject(sheet["customer"])
    page = _Page(pdf, sheet)
    right = page.width - MARGIN

    page.text(page.width / 2, sheet["store"], 15, centre=True, bold=True)
    page.y -= 6 * mm
    contact = " · ".join(x for x in (sheet["store_city"], sheet["store_phone"]) if x)
    if contact:
        page.text(page.width / 2, contact, 9, centre=True)
        page.y -= 6 * mm
    page.text(page.width / 2, _("Vehicle purchase quote"), 13, centre=True, bold=True)
    page.y -= 8 * mm

    meta = [
        (_("Quote no."), _("%(number)s (version %(version)s)") % {"number": sheet["number"], "version": sheet["version"]}),
        (_("Date"), _day(sheet["date"])),
        (_("Customer"), f"{sheet['customer']} {sheet['customer_mobile']}".strip()),
        (_("Valid until"), _("%(day)s (expired)") % {"day": _day(sheet["valid_until"])} if sheet["expired"]
         else _day(sheet["valid_until"])),
        (_("Sales consultant"), f"{sheet['consultant']} {sheet['consultant_mobile']}".strip()),
        (_("Status"), sheet["status"]),
    ]
    half = (page.width - 2 * MARGIN) / 2
    for index in range(0, len(meta), 2):
        for column, (label, value) in enumerate(meta[index:index + 2]):
            page.text(MARGIN + column * half, _fit(f"{label}：{value}", 9.5, half - 4 * mm), 9.5)
        page.y -= LINE
    page.y -= 1 * mm
    page.rule(0.8)
    page.y -= LINE

    for section in sheet["sections"]:
        page.need(LINE * 3)
        page.text(MARGIN, section["title"], 11.5, bold=True)
        page.y -= LINE
        for row in section["rows"]:
            page.need(LINE)
            size = 10.5 if row["strong"] else 9.5
            page.text(MARGIN + 4 * mm, _fit(row["label"], size, page.width - 2 * MARGIN - 50 * mm), size,
                      bold=row["strong"])
            page.text(right, row["value"], size, right=True, bold=row["strong"])
            page.y -= LINE
        page.y -= 1.5 * mm

    page.need(LINE * 2)
    page.rule(0.8)
    page.y -= LINE
    page.text(MARGIN, _("Total to drive away (落地价)"), 12, bold=True)
    page.text(right, sheet["total"], 12, right=True, bold=True)
    page.y -= LINE * 1.4

    notes = [_("All prices include VAT. Purchase tax and 车船税 are due by law; insurance, plate service, "
               "accessories, packages and financing are offered and may be bought elsewhere.")]
    if sheet["unified_price"]:
        notes.append(_("This trim is sold at the unified national price (融合直售)."))
    if sheet["notes"]:
        notes += [line for line in sheet["notes"].splitlines() if line.strip()]
    for note in notes:
        # wrap by width: Chinese has no spaces, so cut by characters
        text = note
        while text:
            page.need(LINE)
            cut = len(text)
            while text_width(text[:cut], 9) > page.width - 2 * MARGIN and cut > 1:
                cut -= 1
            page.text(MARGIN, text[:cut], 9)
            text = text[cut:]
            page.y -= LINE * 0.9

    page.need(LINE * 5)
    page.y -= LINE * 2
    third = (page.width - 2 * MARGIN) / 3
    for column, label in enumerate((_("Customer"), _("Sales consultant"), _("Sales manager"))):
        page.text(MARGIN + column * third, f"{label}：____________", 10)
    page.y -= LINE * 1.6
    for column in range(3):
        page.text(MARGIN + column * third, _("Date") + "：____________", 10)
    page.footer()
    pdf.save()
    return buffer.getvalue()
