"""Importing trims from a sheet (车型导入): one row per trim, as the OEM's or a pricing site's price list has it.

All or nothing: every row is checked first with the trim rules of the services; if any row is refused, nothing
is imported and the report names each row, column and reason. Brands and series the group does not have yet
are created; a trim already in the catalog (same series, model year and name) is updated with the sheet's
columns. Everything is written in one transaction through the catalog services, so it is audited as well.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.core.errors import DomainError
from showroom.reception.intake import _value_key

from . import services
from .models import BodyType, Brand, Drive, Powertrain, Series, Trim
from .scope import actor_group_id
from .sheets import Sheet, SheetReport, report_errors, workbook

MAX_ROWS = 5_000

TEMPLATE_COLUMNS = [
    ("brand", "品牌"), ("series", "车系"), ("body_type", "车身类型"), ("maker", "厂商"), ("model_year", "年款"),
    ("name", "车型名称"), ("guide_price", "厂商指导价"), ("powertrain", "能源类型"), ("displacement_cc", "排量(cc)"),
    ("battery_kwh", "电池容量(kWh)"), ("range_km", "纯电续航(km)"), ("seats", "座位数"), ("drive", "驱动方式"),
    ("power_kw", "最大功率(kW)"), ("acceleration_s", "0-100km/h加速(s)"), ("length_mm", "车长(mm)"),
    ("wheelbase_mm", "轴距(mm)"), ("key_equipment", "核心配置"), ("nev_tax_catalogue", "购置税减免目录"),
    ("vessel_tax_exempt", "车船税减免"),
]
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "brand": ("品牌", "品牌名称", "brand"),
    "series": ("车系", "车型系列", "系列", "series", "model line"),
    "body_type": ("车身类型", "车身", "车身结构", "级别", "body", "body type"),
    "maker": ("厂商", "生产厂商", "厂家", "制造商", "maker", "manufacturer"),
    "model_year": ("年款", "年型", "车型年款", "model year", "year"),
    "name": ("车型名称", "车型", "配置", "配置名称", "款型", "trim", "trim name", "version"),
    "guide_price": ("厂商指导价", "指导价", "官方指导价", "售价", "价格", "guide price", "msrp", "price"),
    "powertrain": ("能源类型", "动力类型", "燃料类型", "动力", "powertrain", "fuel", "energy"),
    "displacement_cc": ("排量", "排量(cc)", "排量(ml)", "displacement", "displacement cc"),
    "battery_kwh": ("电池容量", "电池容量(kwh)", "电池", "battery", "battery kwh"),
    "range_km": ("纯电续航", "续航里程", "纯电续航里程", "续航", "cltc续航", "range", "electric range", "range km"),
    "seats": ("座位数", "座位", "座椅数", "seats"),
    "drive": ("驱动方式", "驱动", "drive", "drivetrain"),
    "power_kw": ("最大功率", "功率", "最大功率(kw)", "power", "power kw"),
    "acceleration_s": ("0-100km/h加速", "百公里加速", "加速", "0-100", "0-100km/h", "acceleration"),
    "length_mm": ("车长", "长度", "长", "length", "length mm"),
    "wheelbase_mm": ("轴距", "wheelbase", "wheelbase mm"),
    "key_equipment": ("核心配置", "主要配置", "配置亮点", "亮点配置", "key equipment", "equipment", "highlights"),
    "nev_tax_catalogue": ("购置税减免目录", "购置税减免", "减免购置税", "减免车辆购置税目录", "免征购置税", "购置税目录",
                          "nev tax catalogue", "purchase tax reduction", "purchase tax catalogue"),
    "vessel_tax_exempt": ("车船税减免", "免征车船税", "减免车船税", "车船税免征", "车船税减免目录", "vessel tax exempt",
                          "vessel tax exemption", "vehicle and vessel tax exempt"),
}
COLUMN_LABELS = {
    "brand": gettext_lazy("Brand"), "series": gettext_lazy("Series"), "body_type": gettext_lazy("Body type"),
    "maker": gettext_lazy("Maker"), "model_year": gettext_lazy("Model year"), "name": gettext_lazy("Trim"),
    "guide_price": gettext_lazy("Guide price"), "powertrain": gettext_lazy("Powertrain"),
    "displacement_cc": gettext_lazy("Displacement (cc)"), "battery_kwh": gettext_lazy("Battery (kWh)"),
    "range_km": gettext_lazy("Electric range (km)"), "seats": gettext_lazy("Seats"), "drive": gettext_lazy("Drive"),
    "power_kw": gettext_lazy("Power (kW)"), "acceleration_s": gettext_lazy("0–100 km/h (s)"),
    "length_mm": gettext_lazy("Length (mm)"), "wheelbase_mm": gettext_lazy("Wheelbase (mm)"),
    "key_equipment": gettext_lazy("Key equipment"),
    "nev_tax_catalogue": gettext_lazy("Listed for the NEV purchase-tax reduction"),
    "vessel_tax_exempt": gettext_lazy("Listed as exempt from vehicle and vessel tax"),
}
REQUIRED = ("brand", "series", "model_year", "name", "guide_price", "powertrain", "seats", "drive")
TRIM_COLUMNS = tuple(name for name in services.TRIM_FIELDS)

POWERTRAIN_ALIASES: dict[str, tuple[str, ...]] = {
    Powertrain.PETROL: ("汽油", "燃油", "汽油机", "汽油+48v轻混系统", "48v轻混", "轻混", "mhev", "petrol", "gasoline", "gas", "ice"),
    Powertrain.DIESEL: ("柴油", "diesel"),
    Powertrain.HYBRID: ("油电混合", "油电混动", "混动", "混合动力", "hev", "hybrid", "full hybrid"),
    Powertrain.PLUG_IN_HYBRID: ("插混", "插电混动", "插电式混合动力", "插电混合动力", "phev", "plug-in hybrid", "plugin hybrid"),
    Powertrain.RANGE_EXTENDER: ("增程", "增程式", "增程式电动", "增程电动", "erev", "reev", "range extender",
                                "range-extended electric", "range extended"),
    Powertrain.ELECTRIC: ("纯电", "纯电动", "电动", "bev", "ev", "electric", "battery electric"),
}
BODY_ALIASES: dict[str, tuple[str, ...]] = {
    BodyType.SEDAN: ("轿车", "三厢", "三厢车", "三厢轿车", "中型车", "中大型车", "紧凑型车", "sedan", "saloon", "limousine"),
    BodyType.HATCHBACK: ("两厢", "两厢车", "掀背", "hatchback", "hatch"),
    BodyType.FASTBACK: ("溜背", "溜背轿跑", "sportback", "fastback", "liftback"),
    BodyType.ESTATE: ("旅行车", "旅行版", "estate", "wagon", "avant"),
    BodyType.SUV: ("suv", "紧凑型suv", "中型suv", "中大型suv", "大型suv", "小型suv"),
    BodyType.COUPE_SUV: ("轿跑suv", "coupe suv", "coupé suv", "suv coupe"),
    BodyType.MPV: ("mpv", "商务车"),
    BodyType.COUPE: ("轿跑", "双门轿跑", "跑车", "coupe", "coupé", "gt"),
    BodyType.CONVERTIBLE: ("敞篷", "敞篷车", "cabriolet", "convertible"),
}
DRIVE_ALIASES: dict[str, tuple[str, ...]] = {
    Drive.FRONT: ("前驱", "前置前驱", "两驱", "fwd", "front", "front-wheel drive"),
    Drive.REAR: ("后驱", "前置后驱", "后置后驱", "rwd", "rear", "rear-wheel drive"),
    Drive.ALL: ("四驱", "全时四驱", "适时四驱", "双电机四驱", "quattro", "awd", "4wd", "all-wheel drive", "4matic", "xdrive"),
}


def vocabulary(choices, aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Labels a sheet may write for a choice: codes, aliases, and the labels in English and Chinese."""
    words = {_value_key(a): value for value, names in aliases.items() for a in names}
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            words.update({_value_key(str(label)): value for value, label in choices.choices})
    words.update({_value_key(v): v for v in choices.values})
    return words


def _own_flag(text: str) -> bool:
    return _value_key(text) in {"是", "本品", "y", "yes", "true", "1", "own"}


def catalog_import_sheet(*, actor, data: bytes, filename: str) -> SheetReport:
    """Import an OEM or pricing-site price list: new brands, series and trims are added, known trims updated;
    one refused row imports nothing."""
    require(actor, Capability.MANAGE_STORE)
    group_id = actor_group_id(actor)
    if group_id is None:
        raise DomainError(_("Your account belongs to no dealer group."), code="group_required")
    report = SheetReport(filename=filename)
    sheet = Sheet(data, filename, aliases=COLUMN_ALIASES, labels=COLUMN_LABELS, required=REQUIRED, report=report,
                  max_rows=MAX_ROWS)
    if report.errors:
        return report
    powertrains = vocabulary(Powertrain, POWERTRAIN_ALIASES)
    bodies = vocabulary(BodyType, BODY_ALIASES)
    drives = vocabulary(Drive, DRIVE_ALIASES)
    brands = {b.name: b for b in Brand.objects.filter(group_id=group_id)}
    series_by_key = {(s.brand.name, s.name): s for s in Series.objects.filter(brand__group_id=group_id).select_related("brand")}
    trims = {(t.series.brand.name, t.series.name, t.model_year, t.name): t
             for t in Trim.objects.filter(series__brand__group_id=group_id).select_related("series__brand")}

    planned: list[tuple[int, dict]] = []
    new_series: dict[tuple[str, str], dict] = {}
    seen: dict[tuple, int] = {}
    for number, cells in sheet.rows():
        errors = len(report.errors)
        brand, series = cells.get("brand", "")[:50], cells.get("series", "")[:50]
        if not brand:
            sheet.fail(number, "brand", _("Enter the brand, e.g. 奥迪."))
        if not series:
            sheet.fail(number, "series", _("Enter the series, e.g. A6L."))
        raw = {key: cells[key] for key in TRIM_COLUMNS if key in cells}
        for key, words, message in (
            ("powertrain", powertrains, _("“%(value)s” is not a powertrain: write 汽油, 柴油, 油电混合, 插混, 增程 or 纯电.")),
            ("drive", drives, _("“%(value)s” is not a drive: write 前驱, 后驱 or 四驱.")),
        ):
            if cells.get(key):
                raw[key] = words.get(_value_key(cells[key]), f"?{cells[key]}")
                if raw[key].startswith("?"):
                    sheet.fail(number, key, message % {"value": cells[key]})
                    raw.pop(key)
        body, body_refused = "", False
        if cells.get("body_type"):
            body = bodies.get(_value_key(cells["body_type"]), "")
            body_refused = not body
            if body_refused:
                sheet.fail(number, "body_type", _("“%(value)s” is not a body type: write 轿车, 两厢, 溜背, 旅行车, SUV, 轿跑SUV, MPV, "
                                                  "轿跑 or 敞篷.") % {"value": cells["body_type"]})
        known_series = series_by_key.get((brand, series))
        if brand and series and known_series is None and (brand, series) not in new_series and not body and not body_refused:
            sheet.fail(number, "body_type", _("A new series needs its body type."))
        existing = None
        try:
            clean = services.trim_clean_fields(raw)  # the year and name of the row, checked as a new trim
            key = (brand, series, clean["model_year"], clean["name"])
            existing = trims.get(key)
            if existing is not None:
                services.trim_clean_fields(raw, existing)
        except DomainError as err:
            already = {e.column for e in report.errors[errors:]}
            for field, messages in err.fields.items():
                if sheet.column(field) not in already:
                    sheet.fail(number, field, messages[0])
            continue
        if key in seen:
            sheet.fail(number, "name", _("The same trim is on row %(row)d already.") % {"row": seen[key]})
        seen[key] = number
        if len(report.errors) > errors:
            continue
        if known_series is None and (brand, series) not in new_series:
            new_series[(brand, series)] = {"name": series, "body_type": body, "maker": cells.get("maker", "")[:50]}
        planned.append((number, {"brand": brand, "series": series, "raw": raw, "existing": existing}))
    if report.errors:
        return report
    if not planned:
        raise DomainError(_("The sheet has no rows below its header."), code="sheet_unreadable", field="file")

    with transaction.atomic():
        for name in {row["brand"] for _n, row in planned} - set(brands):
            brands[name] = services.brand_create(actor=actor, fields={"name": name, "is_own": False})
            report.notes["brands"] = report.notes.get("brands", 0) + 1
        for (brand, name), fields in new_series.items():
            series_by_key[(brand, name)] = services.series_create(actor=actor, brand=brands[brand], fields=fields)
            report.notes["series"] = report.notes.get("series", 0) + 1
        for number, row in planned:
            try:
                if row["existing"] is None:
                    services.trim_create(actor=actor, series=series_by_key[(row["brand"], row["series"])], fields=row["raw"])
                    report.created += 1
                else:
                    services.trim_update(actor=actor, trim=row["existing"], fields=row["raw"])
                    report.updated += 1
            except DomainError as err:  # changed by someone else since the check: nothing of the sheet is kept
                report_errors(sheet, number, err)
                transaction.set_rollback(True)
                report.created = report.updated = 0
                report.notes.clear()
                return report
        audit.record(actor=actor, action="catalog.sheet_imported", target=actor.store or brands[planned[0][1]["brand"]],
                     store_id=actor.store_id, data={"filename": filename, "rows": report.rows, "created": report.created,
                                                    "updated": report.updated, **report.notes})
    return report


def template_workbook() -> bytes:
    """The trim sheet template: the columns the importer reads, an example row, and what to write in each."""
    example = ["奥迪", "A6L", "轿车", "一汽奥迪", 2026, "45 TFSI quattro 臻选动感型", 459800, "汽油", 1984, "", "", 5, "四驱",
               195, 6.5, 5050, 3024, "矩阵式LED大灯; 全景天窗; 自适应巡航", "", ""]
    explanations = {
        "brand": _("Required. A brand the catalog does not have yet is added as a competitor."),
        "series": _("Required. A new series is added to the brand with the body type and maker of its first row."),
        "body_type": _("Required for a new series: 轿车, 两厢, 溜背, 旅行车, SUV, 轿跑SUV, MPV, 轿跑, 敞篷."),
        "maker": _("Optional, e.g. 一汽奥迪, 上汽奥迪, 进口."),
        "model_year": _("Required, e.g. 2026. Series, model year and trim name identify a trim: a known one is updated."),
        "name": _("Required, e.g. 45 TFSI quattro 臻选动感型."),
        "guide_price": _("Required, in yuan or 万: 459800 or 45.98万."),
        "powertrain": _("Required: 汽油, 柴油, 油电混合, 插混, 增程, 纯电 (or petrol, diesel, hybrid, PHEV, EREV, BEV)."),
        "displacement_cc": _("Required for cars with an engine (petrol, diesel, hybrids, range extenders), in cc."),
        "battery_kwh": _("Required for plug-in hybrids, range extenders and battery electric cars."),
        "range_km": _("Electric range (CLTC), required with the battery."),
        "seats": _("Required, 1 to 9."),
        "drive": _("Required: 前驱, 后驱 or 四驱."),
        "key_equipment": _("Items separated by semicolons or line breaks."),
        "nev_tax_catalogue": _("New-energy cars only, optional: 是 or 否 (yes or no); empty: yes, unless a plug-in hybrid or "
                               "range extender has less than 100 km of electric range."),
        "vessel_tax_exempt": _("Plug-in hybrids and range extenders only, optional: 是 or 否 (yes or no); empty: yes."),
    }
    return workbook("trims", TEMPLATE_COLUMNS, example, explanations)
