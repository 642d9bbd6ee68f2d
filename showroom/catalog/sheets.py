"""Reading a catalog or stock sheet (CSV or XLSX) row by row, by column headers in Chinese or English.

The file reading (encodings, Excel workbooks, cell text) is the lead import's (showroom.reception.intake);
this module maps a sheet's headers to fields and collects the per-row report that both imports show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from showroom.core.errors import DomainError
from showroom.reception.intake import _HEADER_PARTS, RowError, _header_key, _rows, _text, _unreadable


@dataclass
class SheetReport:
    """What an import did, or why it did nothing: every refused row with its column and reason."""

    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_refused(self) -> int:
        return len({e.row for e in self.errors})


class Sheet:
    """The header row read into {field: column index}; `rows()` yields (row number, {field: cell text})."""

    def __init__(self, data: bytes, filename: str, *, aliases: dict[str, tuple[str, ...]], labels: dict,
                 required: tuple[str, ...], report: SheetReport, max_rows: int):
        if not data:
            raise _unreadable(_("The file is empty."))
        self.labels = labels
        self.report = report
        self.max_rows = max_rows
        self._rows = enumerate(_rows(data, filename), start=1)  # numbered as the sheet shows them
        header_row, header = next(self._rows, (0, None))
        while header is not None and not any(_text(v) for v in header):
            header_row, header = next(self._rows, (0, None))
        if header is None:
            raise _unreadable(_("The sheet is empty: the first row must name the columns."))
        by_key = {_header_key(alias): name for name, names in aliases.items() for alias in (name, *names)}
        self.headers = [_text(h) for h in header]
        self.columns: dict[str, int] = {}
        for index, title in enumerate(self.headers):
            if not title:
                continue
            name = by_key.get(_header_key(title))
            if name is None:  # "车系/Series", "指导价 (元)": either part will do
                name = next((by_key[k] for part in _HEADER_PARTS.split(title) if (k := _header_key(part)) in by_key), None)
            if name is None or name in self.columns:
                report.ignored_columns.append(title)
            else:
                self.columns[name] = index
        for name in required:
            if name not in self.columns:
                report.errors.append(RowError(header_row, str(labels.get(name, name)),
                                              _("The sheet has no column for this (required).")))

    def column(self, name: str) -> str:
        """The column as the sheet heads it (or the field's label, if the sheet has no such column)."""
        return self.headers[self.columns[name]] if name in self.columns else str(self.labels.get(name, name))

    def fail(self, row: int, name: str, message) -> None:
        self.report.errors.append(RowError(row, self.column(name), str(message)))

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in self._rows:
            if not any(_text(v) for v in values):
                continue
            self.report.rows += 1
            if self.report.rows > self.max_rows:
                raise DomainError(_("The sheet has more than %(n)s rows: split it into smaller sheets.")
                                  % {"n": f"{self.max_rows:,}"}, code="sheet_too_large", field="file")
            yield number, {name: _text(values[index]) if index < len(values) else "" for name, index in self.columns.items()}


def report_errors(sheet: Sheet, number: int, err: DomainError, columns: dict[str, str] | None = None) -> None:
    """A service's refusal of one row, at the columns of the fields it names."""
    columns = columns or {}
    if not err.fields:
        sheet.fail(number, "", err.message)
        return
    for key, messages in err.fields.items():
        for message in messages:
            sheet.fail(number, columns.get(key, key), message)


def workbook(title: str, columns: list[tuple[str, str]], example: list, explanations: dict[str, str]) -> bytes:
    """A template workbook: the headers the importer reads, one example row, and a sheet explaining each column."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([header for _name, header in columns])
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(1, len(columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    notes = book.create_sheet("help")
    notes.append([_("Column"), _("What to write")])
    for name, header in columns:
        notes.append([header, explanations.get(name, "")])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
