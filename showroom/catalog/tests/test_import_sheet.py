"""Importing trims from a sheet: Chinese labels, new brands and series, updates, and nothing from a refused sheet."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from showroom.audit.models import AuditEntry
from showroom.catalog.imports import catalog_import_sheet, template_workbook
from showroom.catalog.models import Brand, Series, Trim
from showroom.catalog.tests.factories import TrimFactory
from showroom.core.errors import DomainError, PermissionDenied

HEADER = ["品牌", "车系", "车身类型", "厂商", "年款", "车型名称", "厂商指导价", "能源类型", "排量(cc)", "电池容量(kWh)",
          "纯电续航(km)", "座位数", "驱动方式", "最大功率(kW)", "0-100km/h加速(s)", "车长(mm)", "轴距(mm)", "核心配置"]
ROWS = [
    ["奥迪", "A6L", "轿车", "一汽奥迪", "2026款", "45 TFSI quattro 臻选动感型", "45.98万", "汽油", "1984", "", "", "5", "四驱",
     "195", "6.5", "5050", "3024", "矩阵式LED大灯; 全景天窗"],
    ["奥迪", "Q6L e-tron", "SUV", "一汽奥迪", "2026", "后驱 星耀型", "369800", "纯电", "", "107", "770", "5", "后驱",
     "270", "5.9", "4900", "3000", ""],
    ["理想", "L6", "SUV", "理想汽车", "2025", "Pro", "24.98万", "增程", "1496", "36.8", "212", "5", "四驱",
     "300", "5.4", "4925", "2920", ""],
    ["特斯拉", "Model 3", "轿车", "特斯拉中国", "2025", "后轮驱动版", "235500", "BEV", "", "60", "634", "5", "RWD",
     "194", "6.1", "4720", "2875", ""],
]


def csv_bytes(rows) -> bytes:
    return "\r\n".join(",".join(str(v) for v in row) for row in rows).encode("utf-8-sig")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_a_price_list_with_chinese_labels_adds_brands_series_and_trims(admin, audi, make):
    report = catalog_import_sheet(actor=admin, data=make([HEADER, *ROWS]), filename="prices")
    assert report.ok, report.errors
    assert report.created == 4 and report.updated == 0
    assert set(Brand.objects.values_list("name", flat=True)) == {"奥迪", "理想", "特斯拉"}
    assert not Brand.objects.get(name="理想").is_own and Brand.objects.get(name="奥迪").is_own
    l6 = Trim.objects.get(series__name="L6")
    assert (l6.powertrain, l6.displacement_cc, l6.battery_kwh, l6.range_km) == ("erev", 1496, Decimal("36.8"), 212)
    assert l6.guide_price == Decimal("249800.00")
    assert Trim.objects.get(series__name="Q6L e-tron").powertrain == "bev"
    assert Series.objects.get(name="A6L").body_type == "sedan"
    assert AuditEntry.objects.filter(action="catalog.sheet_imported").count() == 1
    assert AuditEntry.objects.filter(action="catalog.trim_created").count() == 4


def test_a_known_trim_is_updated_not_duplicated(admin, a6l):
    trim = TrimFactory(series=a6l, name="45 TFSI quattro 臻选动感型", model_year=2026, guide_price=Decimal("470000"))
    report = catalog_import_sheet(actor=admin, data=csv_bytes([HEADER, ROWS[0]]), filename="prices.csv")
    assert report.ok and report.updated == 1 and report.created == 0
    trim.refresh_from_db()
    assert trim.guide_price == Decimal("459800.00")
    assert Trim.objects.count() == 1


def test_a_sheet_with_a_bad_row_imports_nothing_and_names_each_row_and_column(admin, audi):
    bad = [
        ROWS[0],
        ["奥迪", "Q5L", "SUV", "", "2026", "40 TFSI", "0", "汽油", "1984", "", "", "12", "四驱", "", "", "", "", ""],
        ["奥迪", "Q6L e-tron", "SUV", "", "2026", "星耀型", "369800", "纯电", "", "", "", "5", "后驱", "", "", "", "", ""],
        ["奥迪", "Q3", "", "", "2026", "35 TFSI", "289800", "蒸汽", "1395", "", "", "5", "前驱", "", "", "", "", ""],
    ]
    report = catalog_import_sheet(actor=admin, data=csv_bytes([HEADER, *bad]), filename="prices.csv")
    assert not report.ok
    problems = {(e.row, e.column) for e in report.errors}
    assert {(3, "厂商指导价"), (3, "座位数"), (4, "电池容量(kWh)"), (4, "纯电续航(km)"), (5, "能源类型"),
            (5, "车身类型")} <= problems
    assert all(e.row != 2 for e in report.errors)
    assert not Trim.objects.exists() and not Series.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_sheet_without_a_required_column_is_refused_at_its_header(admin):
    report = catalog_import_sheet(actor=admin, data=csv_bytes([HEADER[:6], ROWS[0][:6]]), filename="x.csv")
    assert {e.column for e in report.errors} >= {"Guide price", "Powertrain"}
    assert all(e.row == 1 for e in report.errors)


def test_the_same_trim_twice_in_a_sheet_is_refused(admin):
    report = catalog_import_sheet(actor=admin, data=csv_bytes([HEADER, ROWS[0], ROWS[0]]), filename="x.csv")
    assert [(e.row, e.column) for e in report.errors] == [(3, "车型名称")]


def test_only_admins_import_and_an_empty_file_is_a_clear_refusal(admin, consultant):
    with pytest.raises(PermissionDenied):
        catalog_import_sheet(actor=consultant, data=csv_bytes([HEADER, *ROWS]), filename="x.csv")
    with pytest.raises(DomainError) as err:
        catalog_import_sheet(actor=admin, data=b"", filename="x.csv")
    assert err.value.field == "file"


def test_the_template_reads_back_without_errors(admin):
    book = load_workbook(io.BytesIO(template_workbook()))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    report = catalog_import_sheet(actor=admin, data=xlsx_bytes(rows), filename="template.xlsx")
    assert report.ok and report.created == 1
