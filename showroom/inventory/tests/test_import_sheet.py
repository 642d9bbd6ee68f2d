"""Importing stock from a sheet: cars by VIN with Chinese labels, and nothing from a refused sheet."""

import io

import pytest
from openpyxl import Workbook

from showroom.audit.models import AuditEntry
from showroom.core.errors import PermissionDenied
from showroom.inventory.imports import stock_import_sheet
from showroom.inventory.models import Vehicle
from showroom.inventory.tests.factories import VehicleFactory, vin_for

HEADER = ["车架号", "车系", "年款", "车型名称", "外观颜色", "内饰颜色", "状态", "库位", "到店日期", "展车", "试驾车", "车牌"]


def row(n, **cells):
    values = {"vin": vin_for(n), "series": "A6L", "year": "2026款", "trim": "45 TFSI quattro 臻选动感型", "ext": "冰川白",
              "int": "黑色", "status": "在库", "location": "A区", "arrival": "2026/10/08", "display": "否", "td": "否",
              "plate": ""}
    values.update(cells)
    return list(values.values())


def csv_bytes(rows) -> bytes:
    return "\r\n".join(",".join(str(v) for v in r) for r in rows).encode("gb18030")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_a_stock_sheet_with_chinese_labels_files_every_car_with_its_audit(admin, trim, white, black_interior, make):
    rows = [HEADER, row(1), row(2, status="期车", arrival="", ext="", int=""), row(3, td="是", plate="京A·12345")]
    report = stock_import_sheet(actor=admin, data=make(rows), filename="stock")
    assert report.ok, report.errors
    assert report.created == 3
    first = Vehicle.objects.get(vin=vin_for(1))
    assert (first.trim, first.exterior_colour, first.interior_colour, first.status) == (trim, white, black_interior, "in_stock")
    assert Vehicle.objects.get(vin=vin_for(2)).status == "factory_order"
    assert Vehicle.objects.get(vin=vin_for(3)).is_test_drive
    assert AuditEntry.objects.filter(action="inventory.vehicle_created").count() == 3
    assert AuditEntry.objects.filter(action="inventory.sheet_imported").count() == 1


def test_a_sheet_with_bad_rows_imports_nothing_and_names_row_and_column(admin, trim, white, black_interior):
    VehicleFactory(store=admin.store, trim=trim, vin=vin_for(9))
    rows = [HEADER, row(1), row(2, ext="火山红"), row(9), row(4, trim="不存在"), row(5, td="是"),
            ["LFV2A2FY0T0000001", *row(6)[1:]], row(1), row(7, status="报废", arrival="明天")]
    report = stock_import_sheet(actor=admin, data=csv_bytes(rows), filename="stock.csv")
    problems = {(e.row, e.column) for e in report.errors}
    assert problems == {(3, "外观颜色"), (4, "车架号"), (5, "车型名称"), (6, "车牌"), (7, "车架号"), (8, "车架号"),
                        (9, "状态"), (9, "到店日期")}
    assert Vehicle.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_consultant_cannot_import_stock(consultant, trim):
    with pytest.raises(PermissionDenied):
        stock_import_sheet(actor=consultant, data=csv_bytes([HEADER, row(1)]), filename="x.csv")
