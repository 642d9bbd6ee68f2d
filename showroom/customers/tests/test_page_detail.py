"""One customer's card: masked values, consent, leads, visits, tags and the history, for whom may see it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.core.choices import Channel, Source
from showroom.customers.models import ConsentKind, ConsentMethod
from showroom.customers.services import (
    customer_create,
    customer_record_consent,
    customer_reveal,
    customer_set_tags,
    customer_update,
)
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_create
from showroom.leads.tests.factories import LeadFactory
from showroom.reception.services import visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def customer(consultant):
    return customer_create(actor=consultant, fields={
        "name": "张三", "mobile": "13800138000", "id_number": "11010519491231002X", "wechat_id": "zs_wx",
        "city": "北京", "district": "朝阳区", "notes": "想看Q5L",
    })[0]


def _page(client, user, customer) -> str:
    client.force_login(user)
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, testid: str) -> str:
    """One card of the page, up to the next card."""
    start = page.index(f'data-testid="{testid}"')
    end = page.find('<div class="card mb-3"', start)
    return page[start: end if end != -1 else None]


def test_the_card_shows_the_mobile_and_id_number_masked_with_a_show_button(client, consultant, customer):
    page = _page(client, consultant, customer)

    assert "138****8000" in page and "110105********002X" in page
    assert "13800138000" not in page and "11010519491231002X" not in page
    assert 'data-testid="reveal-mobile"' in page and 'data-testid="reveal-id_number"' in page
    assert reverse("customers:reveal", args=[customer.pk]) in page
    assert "zs_wx" in page and "北京" in page and "朝阳区" in page and "想看Q5L" in page
    assert reverse("customers:edit", args=[customer.pk]) in page


def test_no_show_button_for_a_value_the_customer_does_not_have(client, consultant):
    customer = customer_create(actor=consultant, fields={"name": "李四", "mobile": "13900001111"})[0]

    page = _page(client, consultant, customer)

    assert 'data-testid="reveal-mobile"' in page and 'data-testid="reveal-id_number"' not in page


def test_the_card_lists_the_customers_leads_with_stage_grade_status_and_consultant(client, consultant, customer):
    lead, _ = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={**WALK_IN, "models_of_interest": "Q5L"}, grade="H")
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS, expected_version=None)

    page = _page(client, consultant, customer)

    leads = _section(page, "customer-leads")
    assert reverse("leads:detail", args=[lead.pk]) in leads
    assert "Needs analysis" in leads and "badge-grade-H" in leads and "Open" in leads and "王小明" in leads
    assert "Q5L" in leads


def test_the_card_lists_the_showroom_visits(client, consultant, receptionist, customer):
    visit_register(actor=receptionist, mobile="13800138000", party_size=3)

    page = _page(client, consultant, customer)

    visits = _section(page, "customer-visits")
    assert "2026-03-10 10:00" in visits and "3 people" in visits and "王小明" in visits


def test_the_card_shows_tags(client, consultant, customer):
    customer_set_tags(actor=consultant, customer=customer, names=["置换", "老客户"])

    page = _page(client, consultant, customer)

    assert page.count('data-testid="tag"') == 2 and "置换" in page and "老客户" in page


def test_the_history_shows_who_changed_what_from_old_to_new_with_personal_data_masked(
        client, consultant, customer, frozen):
    frozen.shift(dt.timedelta(hours=1))
    customer_update(actor=consultant, customer=customer, fields={"city": "上海", "mobile": "13900001111"},
                    expected_version=customer.version)

    page = _page(client, consultant, customer)

    history = _section(page, "customer-history")
    assert "Edited" in history and "Filed" in history
    assert "City: 北京 → 上海" in history
    assert "Mobile: 138****8000 → 139****1111" in history
    assert "2026-03-10 11:00 · 王小明" in history
    assert "13800138000" not in page and "13900001111" not in page and "11010519491231002X" not in page
    assert history.index("Edited") < history.index("Filed")


def test_a_manager_sees_in_the_history_who_was_shown_a_full_value_and_a_consultant_does_not(
        client, consultant, manager, customer):
    customer_reveal(actor=consultant, customer=customer, field="mobile", purpose="回访")

    managers = _section(_page(client, manager, customer), "customer-history")
    assert "Full value shown: Mobile" in managers and "王小明" in managers and "回访" in managers
    assert "Full value shown" not in _page(client, consultant, customer)


def test_the_edit_and_merge_buttons_follow_the_role(client, consultant, manager, customer):
    consultants = _page(client, consultant, customer)
    assert reverse("customers:merge", args=[customer.pk]) not in consultants
    managers = _page(client, manager, customer)
    assert reverse("customers:merge", args=[customer.pk]) in managers
    assert reverse("customers:edit", args=[customer.pk]) in managers


PATHS = [
    ("get", "customers:detail", {}),
    ("get", "customers:edit", {}),
    ("post", "customers:edit", {"kind": "person", "name": "改名"}),
    ("post", "customers:reveal", {"field": "mobile"}),
    ("post", "customers:consent", {"kind": "contact", "granted": "1", "method": "verbal"}),
    ("get", "customers:merge", {}),
    ("post", "customers:merge", {"duplicate": 1}),
]


@pytest.mark.parametrize(("method", "name", "data"), PATHS)
@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
def test_a_colleague_another_store_and_reception_get_404_on_every_path_of_someone_elses_customer(
        client, request, customer, method, name, data, who):
    from showroom.audit.models import AuditEntry, PiiAccess

    entries = AuditEntry.objects.count()
    client.force_login(request.getfixturevalue(who))

    response = getattr(client, method)(reverse(name, args=[customer.pk]), data)

    assert response.status_code == 404
    assert "张三" not in response.content.decode()
    assert AuditEntry.objects.count() == entries and not PiiAccess.objects.exists()


def test_a_customer_that_does_not_exist_is_the_same_404(client, consultant):
    client.force_login(consultant)

    assert client.get(reverse("customers:detail", args=[999999])).status_code == 404


def test_a_customer_in_the_pool_is_open_to_every_consultant_of_the_store(client, colleague, manager):
    pooled = customer_create(actor=manager, fields={"name": "钱七", "mobile": "13700000001"})[0]

    assert "钱七" in _page(client, colleague, pooled)


def _queries(client, user, customer) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, user, customer)
    return len(queries)


def test_the_page_needs_the_same_number_of_queries_for_2_or_20_leads_visits_consents_and_changes(
        client, consultant, manager, receptionist, customer):
    def add(n):
        for i in range(n):
            LeadFactory(owner=consultant, customer=customer)
            visit_register(actor=receptionist, mobile="13800138000")
            customer_record_consent(actor=consultant, customer=customer, kind=ConsentKind.CONTACT, granted=bool(i % 2),
                                    method=ConsentMethod.PHONE)
            customer_reveal(actor=consultant, customer=customer, field="mobile")

    add(2)
    _page(client, manager, customer)
    few = _queries(client, manager, customer)
    add(18)
    many = _queries(client, manager, customer)

    assert few == many
    assert _section(_page(client, manager, customer), "customer-visits").count("data-visit=") == 20
