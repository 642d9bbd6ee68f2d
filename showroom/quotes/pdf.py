"""The quote sheet as a PDF (A4), drawn with ReportLab in its built-in Chinese font.

STSong-Light is one of the CID fonts every PDF reader provides (Adobe-GB1, the GBK repertoire, so rare name
characters such as 喆 or 堃 print too); it is referenced, not embedded, so the file stays a few kilobytes and no
font file ships with the app. Text is written as UTF-16 (the UniGB-UCS2-H encoding), which keeps it searchable and
copyable in the reader.
"""

from __future__ import annotations

import io

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
MARGIN = 16 * mm
LINE = 5.6 * mm

_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


# Characters the Song face has no glyph for in every reader (U+2212 minus, U+00B7 middle dot) and the half-width yen,
# which Chinese print sets full-width.
_PRINTABLE = str.maketrans({"−": "-", "·": "，", "¥": "￥"})


def printable(text: str) -> str:
    """A text as the PDF sets it (see _PRINTABLE)."""
    return str(text).translate(_PRINTABLE)


def _fit(text: str, size: float, width: float) -> str:
    """Cut a text that would run into the next column (a long accessory name), with an ellipsis."""
    text = printable(text)
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
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

    def text(self, x: float, value: str, size: float = 10, *, right: bool = False, centre: bool = False) -> None:
        self.pdf.setFont(FONT, size)
        value = printable(value)
        if right:
            self.pdf.drawRightString(x, self.y, value)
        elif centre:
            self.pdf.drawCentredString(x, self.y, value)
        else:
            self.pdf.drawString(x, self.y, value)

    def rule(self, weight: float = 0.4) -> None:
        self.pdf.setLineWidth(weight)
        self.pdf.line(MARGIN, self.y, self.width - MARGIN, self.y)

    def footer(self) -> None:
        self.pdf.setFont(FONT, 8)
        self.pdf.drawCentredString(self.width / 2, MARGIN / 2,
                                   printable(_("Page %(page)s · all prices include VAT") % {"page": self.page}))


def _day(value) -> str:
    return formats.date_format(value, "Y-m-d") if value else "—"


def render(sheet: dict) -> bytes:
    """The sheet (sheet.build) as PDF bytes; call it with the Chinese translation active."""
    _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Quote %(number)s") % {"number": sheet["number"]})
    pdf.setAuthor(sheet["store"])
    pdf.setSubject(sheet["customer"])
    page = _Page(pdf, sheet)
    right = page.width - MARGIN

    page.text(page.width / 2, sheet["store"], 15, centre=True)
    page.y -= 6 * mm
    contact = " · ".join(x for x in (sheet["store_city"], sheet["store_phone"]) if x)
    if contact:
        page.text(page.width / 2, contact, 9, centre=True)
        page.y -= 6 * mm
    page.text(page.width / 2, _("Vehicle purchase quote"), 13, centre=True)
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
        page.text(MARGIN, section["title"], 11.5)
        page.y -= LINE
        for row in section["rows"]:
            page.need(LINE)
            size = 10.5 if row["strong"] else 9.5
            page.text(MARGIN + 4 * mm, _fit(row["label"], size, page.width - 2 * MARGIN - 50 * mm), size)
            page.text(right, row["value"], size, right=True)
            page.y -= LINE
        page.y -= 1.5 * mm

    page.need(LINE * 2)
    page.rule(0.8)
    page.y -= LINE
    page.text(MARGIN, _("Total to drive away (落地价)"), 12)
    page.text(right, sheet["total"], 12, right=True)
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
            while pdfmetrics.stringWidth(text[:cut], FONT, 9) > page.width - 2 * MARGIN and cut > 1:
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
