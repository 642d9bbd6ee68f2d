"""A manager exports the filtered customer list to Excel: scoped like the list, masked, capped, audited."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from showroom.audit.models import AuditEntry, PiiAccess
from showroom.customers import services
from showroom.customers.services import customer_create, customer_set_tags
from showroom.customers.tests.factories import CustomerFactory

URL = reverse("customers:export")


def _file(actor, name, mobile=None, **fields):
    return customer_create(actor=actor, fields={"name": name, "mobile": mobile, **fields})[0]


def _export(client, user, params=None):
    client.force_login(user)
    return client.get(URL, params or {})


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return list(book.worksheets[0].iter_rows(values_only=True))


def _about(response) -> list[str]:
    book = load_workbook(io.BytesIO(response.content))
    return [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]


def test_a_manager_downloads_the_stores_customers_with_mobile_and_id_number_masked(
        client, manager, consultant, colleague, outsider):
    zhang = _file(consultant, "张三", "13812345678", id_number="11010519491231002X", city="北京")
    customer_set_tags(actor=consultant, customer=zhang, names=["置换"])
    _file(colleague, "李雷", "13900001111")
    _file(outsider, "外店客户", "13700000003")

    response = _export(client, manager)

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    header, *rows = _sheet(response)
    assert header[:6] == ("No.", "Name", "Type", "Contact person", "Mobile", "Resident ID number")
    by_name = {row[1]: row for row in rows}
    assert set(by_name) == {"张三", "李雷"}
    zs = by_name["张三"]
    assert zs[0] == zhang.pk and zs[4] == "138****5678" and zs[5] == "110105********002X"
    assert zs[7] == "北京" and zs[10] == "置换" and zs[11] == "王小明"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "13812345678" not in xml and "11010519491231002X" not in xml
    assert not PiiAccess.objects.exists()  # an export is not a reveal


def test_the_export_follows_the_lists_search_and_filters(client, manager, consultant, colleague):
    _file(consultant, "张三", "13812345678")
    _file(consultant, "王五", "13900005678")
    _file(colleague, "张伟", "13700001234")

    assert [r[1] for r in _sheet(_export(client, manager, {"q": "zs"}))[1:]] == ["张三"]
    assert sorted(r[1] for r in _sheet(_export(client, manager, {"q": "5678"}))[1:]) == ["张三", "王五"]
    assert [r[1] for r in _sheet(_export(client, manager, {"owner": colleague.pk}))[1:]] == ["张伟"]
    ordered = [r[1] for r in _sheet(_export(client, manager, {"sort": "name_pinyin"}))[1:]]
    assert ordered == ["王五", "张三", "张伟"]


def test_each_export_is_audited_with_its_filters_and_size(client, manager, consultant):
    _file(consultant, "张三", "13812345678")

    _export(client, manager, {"q": "zs"})

    entry = AuditEntry.objects.get(action="customers.exported")
    assert entry.actor == manager and entry.store_id == manager.store_id
    assert entry.data["rows"] == 1 and entry.data["filters"]["query"] == "zs"


@pytest.mark.parametrize("who", ["consultant", "colleague", "receptionist", "outsider"])
def test_only_managers_may_export(client, request, consultant, who):
    _file(consultant, "张三", "13812345678")

    response = _export(client, request.getfixturevalue(who))

    assert response.status_code == 403
    assert "张三" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="customers.exported").exists()


def test_a_larger_list_is_cut_at_the_limit_with_a_message(client, manager, consultant, monkeypatch):
    monkeypatch.setattr(services, "EXPORT_LIMIT", 2)
    for i in range(3):
        _file(consultant, f"客户{i}", f"1380000000{i}")

    response = _export(client, manager)

    assert len(_sheet(response)) == 1 + 2
    note = "Only the first 2 of 3 customers were exported. Narrow the filters to export the rest."
    assert note in _about(response)
    assert note in client.get(reverse("customers:list")).content.decode()


def test_a_name_that_looks_like_a_formula_stays_plain_text(client, manager, consultant):
    _file(consultant, '=HYPERLINK("http://evil.example","点我")', "13812345678")

    book = load_workbook(io.BytesIO(_export(client, manager).content))
    cell = book.worksheets[0]["B2"]

    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_export_needs_the_same_number_of_queries_for_2_or_20_customers(client, manager, consultant):
    def add(n):
        for _ in range(n):
            customer = CustomerFactory(store=consultant.store, owner=consultant)
            customer.tags.create(store=consultant.store, name=f"标签{customer.pk}")

    add(2)
    _export(client, manager)
    with CaptureQueriesContext(connection) as few:
        _export(client, manager)
    add(18)
    with CaptureQueriesContext(connection) as many:
        assert len(_sheet(_export(client, manager))) == 21

    assert len(few) == len(many)
