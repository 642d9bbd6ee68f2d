"""Importing stock from a sheet (库存导入): the OEM's shipping list or the store's own stock sheet, one car a row.

All or nothing: every row is checked first with the vehicle rules of the services (VIN check digit, a trim of the
catalog, colours of its series, arrival date, plate of a test-drive car); one refused row imports nothing, and
the report names each row, column and reason. A VIN already registered is refused, not overwritten. The rows
are written in one transaction in batches, each car with its audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.audit.models import AuditEntry
from showroom.catalog.imports import vocabulary
from showroom.catalog.models import Colour, Trim
from showroom.catalog.scope import actor_group_id
from showroom.catalog.sheets import Sheet, SheetReport, workbook
from showroom.core.errors import Conflict, DomainError
from showroom.reception.intake import _date, _value_key

from .models import Vehicle, VehicleStatus
from .services import vehicle_clean_fields, vehicle_snapshot
from .vin import normalise_vin, with_check_digit

MAX_ROWS = 20_000
BATCH = 500
LOOKUP_CHUNK = 900  # values in one IN (...) list, under SQLite's variable limit

TEMPLATE_COLUMNS = [
    ("vin", "车架号"), ("series", "车系"), ("model_year", "年款"), ("trim", "车型名称"), ("exterior_colour", "外观颜色"),
    ("interior_colour", "内饰颜色"), ("status", "状态"), ("location", "库位"), ("arrival_date", "到店日期"),
    ("is_display", "展车"), ("is_test_drive", "试驾车"), ("plate", "车牌"), ("notes", "备注"),
]
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "vin": ("车架号", "车辆识别代号", "vin", "vin码", "底盘号"),
    "series": ("车系", "车型系列", "series"),
    "model_year": ("年款", "年型", "model year", "year"),
    "trim": ("车型名称", "车型", "配置", "trim", "version"),
    "exterior_colour": ("外观颜色", "车身颜色", "外饰颜色", "颜色", "exterior colour", "exterior color", "colour", "color"),
    "interior_colour": ("内饰颜色", "内饰", "interior colour", "interior color", "interior"),
    "status": ("状态", "车辆状态", "库存状态", "status"),
    "location": ("库位", "位置", "存放位置", "仓库", "location"),
    "arrival_date": ("到店日期", "入库日期", "到库日期", "到货日期", "arrival date", "arrival", "arrived"),
    "is_display": ("展车", "是否展车", "display", "display car"),
    "is_test_drive": ("试驾车", "是否试驾车", "test drive", "test-drive car"),
    "plate": ("车牌", "车牌号", "plate", "licence plate", "license plate"),
    "notes": ("备注", "notes", "note", "remarks"),
}
COLUMN_LABELS = {
    "vin": gettext_lazy("VIN"), "series": gettext_lazy("Series"), "model_year": gettext_lazy("Model year"),
    "trim": gettext_lazy("Trim"), "exterior_colour": gettext_lazy("Exterior colour"),
    "interior_colour": gettext_lazy("Interior colour"), "status": gettext_lazy("Status"),
    "location": gettext_lazy("Location"), "arrival_date": gettext_lazy("Arrival date"),
    "is_display": gettext_lazy("Display car"), "is_test_drive": gettext_lazy("Test-drive car"),
    "plate": gettext_lazy("Licence plate"), "notes": gettext_lazy("Notes"),
}
REQUIRED = ("vin", "series", "trim")
STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    VehicleStatus.FACTORY_ORDER: ("期车", "订车", "厂家订单", "已订货", "factory order", "ordered"),
    VehicleStatus.IN_TRANSIT: ("在途", "运输中", "发运", "in transit", "shipped"),
    VehicleStatus.IN_STOCK: ("在库", "现车", "库存", "在店", "in stock", "stock"),
    VehicleStatus.RESERVED: ("已预订", "预订", "已预留", "预留", "已锁定", "锁车", "reserved"),
    VehicleStatus.SOLD: ("已售", "已销售", "售出", "sold"),
    VehicleStatus.DELIVERED: ("已交车", "已交付", "交车", "delivered"),
}
_YES = {"是", "y", "yes", "true", "1", "√", "✓", "x"}
_NO = {"", "否", "n", "no", "false", "0"}


def _flag(text: str) -> bool | None:
    key = _value_key(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _plain(snapshot: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in snapshot.items()}


def stock_import_sheet(*, actor, data: bytes, filename: str) -> SheetReport:
    """Import the store's cars from a stock or shipping sheet; one refused row imports nothing."""
    require(actor, Capability.MANAGE_STORE)
    if actor.store_id is None:
        raise DomainError(_("Your account has no store: stock belongs to a store."), code="store_required", field="file")
    report = SheetReport(filename=filename)
    sheet = Sheet(data, filename, aliases=COLUMN_ALIASES, labels=COLUMN_LABELS, required=REQUIRED, report=report,
                  max_rows=MAX_ROWS)
    if report.errors:
        return report
    rows = list(sheet.rows())
    if not rows:
        raise DomainError(_("The sheet has no rows below its header."), code="sheet_unreadable", field="file")

    group_id = actor_group_id(actor)
    trims: dict[tuple[str, str], list[Trim]] = defaultdict(list)  # (series, trim name) → trims of each year
    for trim in Trim.objects.filter(series__brand__group_id=group_id).select_related("series"):
        trims[(_value_key(trim.series.name), _value_key(trim.name))].append(trim)
    colours: dict[tuple[int, str, str], Colour] = {}
    for colour in Colour.objects.filter(series__brand__group_id=group_id):
        colours[(colour.series_id, colour.kind, _value_key(colour.name))] = colour
        if colour.code:
            colours.setdefault((colour.series_id, colour.kind, _value_key(colour.code)), colour)
    vins = [normalise_vin(cells.get("vin", "")) for _n, cells in rows]
    taken: set[str] = set()
    for part in _chunks([v for v in vins if v], LOOKUP_CHUNK):
        taken.update(Vehicle.objects.filter(vin__in=part).values_list("vin", flat=True))
    statuses = vocabulary(VehicleStatus, STATUS_ALIASES)

    seen: dict[str, int] = {}
    planned: list[tuple[int, dict]] = []
    for (number, cells), vin in zip(rows, vins, strict=True):
        errors = len(report.errors)
        raw: dict = {"vin": vin, "location": cells.get("location", ""), "notes": cells.get("notes", ""),
                     "plate": cells.get("plate", "")}
        trim = _find_trim(sheet, number, cells, trims)
        raw["trim"] = trim
        for key, kind in (("exterior_colour", "exterior"), ("interior_colour", "interior")):
            text = cells.get(key, "")
            if not text:
                raw[key] = None
            elif trim is not None:
                raw[key] = colours.get((trim.series_id, kind, _value_key(text)))
                if raw[key] is None:
                    sheet.fail(number, key, _("“%(value)s” is not a colour of the %(series)s.")
                               % {"value": text, "series": trim.series.name})
        if cells.get("status"):
            raw["status"] = statuses.get(_value_key(cells["status"]), "")
            if not raw["status"]:
                sheet.fail(number, "status", _("“%(value)s” is not a status: write 期车, 在途, 在库, 已预订, 已售 or 已交车.")
                           % {"value": cells["status"]})
        if cells.get("arrival_date"):
            try:
                raw["arrival_date"] = _date(cells["arrival_date"])
            except ValueError:
                sheet.fail(number, "arrival_date", _("Write the date as 2026-05-31."))
        for key in ("is_display", "is_test_drive"):
            flag = _flag(cells.get(key, ""))
            if flag is None:
                sheet.fail(number, key, _("Write 是 or 否 (yes or no)."))
            raw[key] = bool(flag)
        if vin and vin in seen:
            sheet.fail(number, "vin", _("The same VIN is on row %(row)d already.") % {"row": seen[vin]})
        elif vin:
            seen[vin] = number
        failed = {e.column for e in report.errors[errors:]}
        try:
            clean = vehicle_clean_fields(actor, {k: v for k, v in raw.items() if sheet.column(k) not in failed},
                                         vin_taken=taken.__contains__, trim_known=lambda _trim: True)
        except DomainError as err:
            for key, messages in err.fields.items():
                if sheet.column(key) not in failed and not (key == "trim" and trim is None):
                    sheet.fail(number, key, messages[0])
            continue
        if len(report.errors) == errors:
            planned.append((number, clean))
    if report.errors:
        return report

    content_type = ContentType.objects.get_for_model(Vehicle)
    try:
        with transaction.atomic():
            for batch in _chunks(planned, BATCH):
                vehicles = [Vehicle(store_id=actor.store_id, updated_by=actor, **clean) for _n, clean in batch]
                Vehicle.objects.bulk_create(vehicles)
                if any(v.pk is None for v in vehicles):  # backends without RETURNING: read the ids back by VIN
                    ids = dict(Vehicle.objects.filter(vin__in=[v.vin for v in vehicles]).values_list("vin", "pk"))
                    for vehicle in vehicles:
                        vehicle.pk = ids[vehicle.vin]
                AuditEntry.objects.bulk_create([
                    AuditEntry(store_id=actor.store_id, actor=actor, action="inventory.vehicle_created",
                               target_type=content_type, target_id=v.pk, data=_plain(vehicle_snapshot(v)))
                    for v in vehicles])
            report.created = len(planned)
            audit.record(actor=actor, action="inventory.sheet_imported", target=actor.store, store_id=actor.store_id,
                         data={"filename": filename, "rows": report.rows, "created": report.created})
    except IntegrityError:
        raise Conflict(_("A VIN of the sheet was registered while it was being imported. Import it again."),
                       code="import_conflict", field="file") from None
    return report


def _find_trim(sheet: Sheet, number: int, cells: dict, trims: dict) -> Trim | None:
    """The trim a row names by series, trim name and (when several years share the name) model year."""
    series, name = cells.get("series", ""), cells.get("trim", "")
    if not series or not name:
        sheet.fail(number, "trim" if series else "series", _("Enter the series and the trim, e.g. A6L and "
                                                             "45 TFSI quattro 臻选动感型."))
        return None
    candidates = trims.get((_value_key(series), _value_key(name)), [])
    year_text = cells.get("model_year", "").removesuffix("款").removesuffix("年")
    if year_text:
        candidates = [t for t in candidates if str(t.model_year) == year_text]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        sheet.fail(number, "trim", _("The catalog has no trim “%(trim)s” of the %(series)s%(year)s.")
                   % {"trim": name, "series": series, "year": f" ({year_text})" if year_text else ""})
    else:
        sheet.fail(number, "model_year", _("Several model years have this trim: write the model year."))
    return None


def template_workbook() -> bytes:
    """The stock sheet template: the columns the importer reads, an example row, and what to write in each."""
    example = [with_check_digit("LFV3A28W0T3000011"), "A6L", 2026, "45 TFSI quattro 臻选动感型", "冰川白", "黑色", "在库", "A区-12",
               "2026-10-08", "否", "否", "", ""]
    explanations = {
        "vin": _("Required. 17 characters; the check digit (9th) is verified. A VIN already registered is refused."),
        "series": _("Required, as in the catalog, e.g. A6L."),
        "model_year": _("Needed when the same trim name exists for several model years."),
        "trim": _("Required, the trim's name as in the catalog."),
        "exterior_colour": _("A colour of the series, by name or code."),
        "interior_colour": _("An interior of the series, by name or code."),
        "status": _("期车, 在途, 在库, 已预订, 已售, 已交车; in stock when empty."),
        "arrival_date": _("Required for cars that have arrived, e.g. 2026-05-31."),
        "is_display": _("是 or 否."),
        "is_test_drive": _("是 or 否; a test-drive car needs its plate."),
        "plate": _("E.g. 京A12345, or 粤BD12345 for new energy."),
    }
    return workbook("stock", TEMPLATE_COLUMNS, example, explanations)
