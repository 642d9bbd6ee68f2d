"""Editing a customer: the same fields as filing, full values never prefilled, and a version check."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from showroom.audit.models import AuditEntry
from showroom.customers.services import customer_create, customer_set_tags, customer_update

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def customer(consultant):
    customer = customer_create(actor=consultant, fields={
        "name": "张三", "mobile": "13800138000", "id_number": "11010519491231002X", "city": "北京", "source": "walk_in",
    })[0]
    customer_set_tags(actor=consultant, customer=customer, names=["置换"])
    customer.refresh_from_db()
    return customer


def _url(customer):
    return reverse("customers:edit", args=[customer.pk])


def _form(customer, **changes):
    data = {"version": customer.version, "kind": customer.kind, "name": customer.name, "contact_name": "",
            "mobile": "", "wechat_id": "", "gender": customer.gender, "city": customer.city, "district": "",
            "id_number": "", "source": customer.source, "tags": "置换", "notes": ""}
    return {**data, **changes}


def test_the_form_is_filled_with_the_current_values_but_never_the_full_mobile_or_id_number(
        client, consultant, customer):
    client.force_login(consultant)

    page = client.get(_url(customer)).content.decode()

    assert f'name="version" value="{customer.version}"' in page
    assert 'value="张三"' in page and 'value="北京"' in page and 'value="置换"' in page
    assert 'placeholder="138****8000"' in page and 'placeholder="110105********002X"' in page
    assert "13800138000" not in page and "11010519491231002X" not in page


def test_a_save_changes_the_fields_and_tags_keeps_the_mobile_left_empty_and_is_audited(client, consultant, customer):
    client.force_login(consultant)

    response = client.post(_url(customer), _form(customer, city="上海", district="浦东新区", tags="置换, 老客户"))

    assert response.status_code == 302 and response["Location"] == reverse("customers:detail", args=[customer.pk])
    customer.refresh_from_db()
    assert (customer.city, customer.district, customer.mobile, customer.id_number) == (
        "上海", "浦东新区", "13800138000", "11010519491231002X")
    assert set(customer.tags.values_list("name", flat=True)) == {"置换", "老客户"}
    changes = AuditEntry.objects.get(action="customers.updated").data["changes"]
    assert changes == {"city": ["北京", "上海"], "district": ["", "浦东新区"]}
    assert "Customer saved." in client.get(response["Location"]).content.decode()


def test_typing_a_mobile_replaces_it_and_ticking_the_box_removes_the_id_number(client, consultant, customer):
    client.force_login(consultant)

    client.post(_url(customer), _form(customer, mobile="+86 139 0000 1111", clear_id_number="on"))

    customer.refresh_from_db()
    assert (customer.mobile, customer.mobile_last4, customer.id_number) == ("13900001111", "1111", "")


def test_a_save_after_someone_elses_save_is_refused_with_who_and_when_and_changes_nothing(
        client, consultant, manager, customer, frozen):
    client.force_login(consultant)
    loaded = _form(customer, name="张三丰", tags="改了")
    frozen.shift(dt.timedelta(minutes=5))
    customer_update(actor=manager, customer=customer, fields={"city": "天津"}, expected_version=customer.version)

    response = client.post(_url(customer), loaded, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-form-error="version"' in page
    assert "changed by 赵经理" in page and "Reload the page" in page
    customer.refresh_from_db()
    assert (customer.name, customer.city) == ("张三", "天津")
    assert set(customer.tags.values_list("name", flat=True)) == {"置换"}


def test_a_mobile_filed_under_a_colleagues_customer_is_refused_on_the_mobile_field(
        client, consultant, colleague, customer):
    customer_create(actor=colleague, fields={"name": "李雷", "mobile": "13900001111"})
    client.force_login(consultant)

    response = client.post(_url(customer), _form(customer, mobile="13900001111"))

    page = response.content.decode()
    assert 'data-field-error="mobile"' in page and "customer of 李四" in page
    customer.refresh_from_db()
    assert customer.mobile == "13800138000"


def test_a_bad_id_number_is_shown_on_its_field(client, consultant, customer):
    client.force_login(consultant)

    response = client.post(_url(customer), _form(customer, id_number="110105194912310021"))

    assert 'data-field-error="id_number"' in response.content.decode()
    customer.refresh_from_db()
    assert customer.id_number == "11010519491231002X"


def test_a_manager_edits_any_customer_of_the_store(client, manager, customer):
    client.force_login(manager)

    client.post(_url(customer), _form(customer, wechat_id="zs_wx"))

    customer.refresh_from_db()
    assert customer.wechat_id == "zs_wx" and customer.updated_by == manager
