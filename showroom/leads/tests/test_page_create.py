"""Filing a lead from the page: budgets typed the Chinese way, sources per channel, duplicates found, not filed."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from showroom.core.choices import Channel, Source
from showroom.customers.models import Customer
from showroom.leads.models import Grade, Lead
from showroom.leads.services import lead_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
URL = reverse("leads:create")
HTMX = {"HTTP_HX_REQUEST": "true"}
FORM = {
    "kind": "person", "name": "张三", "mobile": "138 1234 5678", "wechat_id": "zhangsan_wx", "gender": "male",
    "city": "北京", "channel": Channel.SHOWROOM, "source": Source.WALK_IN, "models_of_interest": "A6L",
    "budget_min": "30万", "budget_max": "¥ 400,000", "expected_purchase_date": "2026-04-30", "grade": "A",
    "notes": "周末带家人来",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _post(client, user, data, **headers):
    client.force_login(user)
    return client.post(URL, data, **headers)


def test_a_consultant_files_a_lead_and_lands_on_it(client, consultant):
    response = _post(client, consultant, FORM)

    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("leads:detail", args=[lead.pk])
    assert lead.owner == consultant and lead.grade == Grade.A
    assert (lead.budget_min, lead.budget_max) == (Decimal("300000.00"), Decimal("400000.00"))
    assert lead.expected_purchase_date == dt.date(2026, 4, 30) and lead.models_of_interest == "A6L"
    customer = lead.customer
    assert (customer.mobile, customer.wechat_id, customer.gender, customer.city) == ("13812345678", "zhangsan_wx",
                                                                                     "male", "北京")
    assert "Lead filed." in client.get(response["Location"]).content.decode()


def test_the_form_offers_the_sources_of_the_chosen_channel(client, consultant):
    client.force_login(consultant)

    page = client.get(URL).content.decode()
    online = client.get(reverse("leads:sources"), {"channel": "online"}).content.decode()

    assert f'hx-get="{reverse("leads:sources")}"' in page and 'hx-target="#id_source"' in page
    assert '<option value="walk_in">' in page and '<option value="autohome">' not in page
    assert '<option value="autohome">' in online and '<option value="walk_in">' not in online


def test_a_budget_that_is_not_money_is_refused_on_its_field(client, consultant):
    response = _post(client, consultant, {**FORM, "budget_min": "很多"}, **HTMX)

    assert response.status_code == 422
    page = response.content.decode()
    assert page.startswith('<div id="lead-create">') and 'data-field-error="budget_min"' in page
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"channel": "online", "source": "walk_in"}, "source"), ({"mobile": "12345"}, "mobile"),
     ({"budget_min": "50万", "budget_max": "40万"}, "budget_max"), ({"name": ""}, "name")],
)
def test_the_services_refusals_show_on_the_field_and_nothing_is_filed(client, consultant, change, field):
    response = _post(client, consultant, {**FORM, **change}, **HTMX)

    assert response.status_code == 422 and f'data-field-error="{field}"' in response.content.decode()
    assert not Lead.objects.exists() and not Customer.objects.exists()


def test_a_customer_already_in_the_file_leads_to_their_open_lead(client, consultant):
    known = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13812345678"},
                        lead_fields={"channel": Channel.PHONE, "source": Source.INBOUND_CALL})[0]

    response = _post(client, consultant, FORM)

    assert response.status_code == 302 and response["Location"] == reverse("leads:detail", args=[known.pk])
    assert Lead.objects.count() == 1
    assert "already in the file" in client.get(response["Location"]).content.decode()


def test_a_mobile_filed_by_a_colleague_is_refused_on_the_mobile_field_without_showing_the_lead(
        client, consultant, colleague):
    lead_create(actor=colleague, customer_fields={"name": "张先生", "mobile": "13812345678"},
                lead_fields={"channel": Channel.PHONE, "source": Source.INBOUND_CALL})

    response = _post(client, consultant, FORM, **HTMX)

    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field-error="mobile"' in page and "李四" in page
    assert "张先生" not in page
    assert Lead.objects.count() == 1


def test_a_manager_picks_the_consultant_and_a_consultant_cannot(client, manager, consultant, colleague):
    client.force_login(consultant)
    assert 'name="owner"' not in client.get(URL).content.decode()

    client.force_login(manager)
    assert f'<option value="{colleague.pk}">李四</option>' in client.get(URL).content.decode()
    response = client.post(URL, {**FORM, "owner": colleague.pk})

    assert response.status_code == 302
    assert Lead.objects.get().owner == colleague


def test_a_consultant_posting_an_owner_files_the_lead_as_their_own(client, consultant, colleague):
    _post(client, consultant, {**FORM, "owner": colleague.pk})

    assert Lead.objects.get().owner == consultant


def test_the_receptionist_may_not_file_leads(client, receptionist):
    client.force_login(receptionist)

    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403
    assert not Lead.objects.exists()
