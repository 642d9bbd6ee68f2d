"""The manager's lead import page: upload, the report (imported, existing, or the refused rows), the template."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from showroom.core.choices import Source
from showroom.customers.tests.factories import CustomerFactory
from showroom.leads.models import Lead
from showroom.leads.tests.factories import LeadFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
GOOD = "姓名,手机号,来源,意向车型\r\n张伟,13800138000,汽车之家,Q5L\r\n王芳,13900139000,懂车帝,A6L\r\n"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office(client, manager):
    client.force_login(manager)
    return client


def _upload(client, text: str, name: str = "leads.csv", encoding: str = "utf-8-sig", **extra):
    sheet = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(reverse("reception:import"), {"file": sheet, **extra})


def test_the_manager_sees_the_upload_form_and_the_template_link(office):
    response = office.get(reverse("reception:import"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and reverse("reception:import_template") in html


def test_a_good_sheet_is_imported_and_the_report_counts_new_known_and_existing(office, store, consultant, colleague):
    LeadFactory(owner=colleague, customer=CustomerFactory(store=store, owner=colleague, mobile="13900139000"))

    response = _upload(office, GOOD)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and (report.imported, report.created, report.existing) == (1, 1, 1)
    html = response.content.decode()
    assert 'data-testid="import-done"' in html and "Leads imported: 1." in html
    assert Lead.objects.get(customer__mobile="13800138000").owner == consultant


def test_a_gbk_sheet_uploaded_from_chinese_excel_is_imported(office, consultant):
    response = _upload(office, GOOD, encoding="gbk")

    assert response.context["report"].created == 2


def test_a_sheet_with_a_refused_row_lists_the_row_and_column_and_imports_nothing(office, consultant):
    response = _upload(office, GOOD + "李娜,1380013800,汽车之家,Q3\r\n")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-refused"' in html and "1 row refused, nothing imported" in html
    assert '<tr data-row-error="4"><td>4</td><td>手机号</td>' in html
    assert not Lead.objects.exists()


def test_the_source_for_rows_without_one_can_be_chosen(office, consultant):
    _upload(office, "姓名,手机号\r\n张伟,13800138000\r\n", default_source=Source.YICHE)

    assert Lead.objects.get().source == Source.YICHE


def test_an_unreadable_file_is_refused_at_the_file_field(office):
    response = office.post(reverse("reception:import"), {"file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64)})

    assert response.status_code == 200 and ".xls" in str(response.context["form"].errors["file"])
    assert response.context["report"] is None


def test_the_template_is_an_excel_sheet_with_the_headers(office):
    response = office.get(reverse("reception:import_template"))

    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert header[:4] == ("姓名", "手机号", "渠道", "来源")


def test_a_consultant_and_a_receptionist_get_403_on_the_import_and_its_template(client, consultant, receptionist):
    for user in (consultant, receptionist):
        client.force_login(user)
        assert client.get(reverse("reception:import")).status_code == 403
        assert _upload(client, GOOD).status_code == 403
        assert client.get(reverse("reception:import_template")).status_code == 403
    assert not Lead.objects.exists()
