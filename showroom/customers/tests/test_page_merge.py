"""A manager merges a duplicate record: find it, compare side by side, confirm; the survivor keeps everything."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from showroom.core.choices import Channel, Source
from showroom.customers.models import Customer
from showroom.customers.services import customer_create, customer_set_tags, customer_update
from showroom.leads.services import lead_create
from showroom.reception.services import visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def survivor(consultant):
    lead, _ = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={**WALK_IN, "models_of_interest": "A6L"})
    customer_set_tags(actor=consultant, customer=lead.customer, names=["老客户"])
    return lead.customer


@pytest.fixture
def duplicate(consultant, receptionist):
    visit = visit_register(actor=receptionist, mobile="13900001111", name="张先生", consultant=consultant)
    customer = visit.customer
    customer_update(actor=consultant, customer=customer, fields={"city": "北京", "id_number": "360426199101010071"},
                    expected_version=customer.version)
    return customer


def _url(customer, **params):
    return reverse("customers:merge", args=[customer.pk])


def _get(client, user, survivor, params=None, **headers):
    client.force_login(user)
    return client.get(_url(survivor), params or {}, **headers)


def test_the_manager_finds_the_duplicate_by_the_same_search_as_the_list(client, manager, survivor, duplicate):
    for query in ("zhang", "zxs", "张", "1111", "13900001111"):
        page = _get(client, manager, survivor, {"q": query}).content.decode()
        assert f'data-candidate="{duplicate.pk}"' in page
        assert f'data-candidate="{survivor.pk}"' not in page  # never merged into itself
    page = _get(client, manager, survivor, {"q": "zhang"}).content.decode()
    assert "139****1111" in page and "13900001111" not in page


def test_the_search_swaps_in_only_the_candidates_with_htmx(client, manager, survivor, duplicate):
    response = _get(client, manager, survivor, {"q": "zxs"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="merge-candidates")

    page = response.content.decode()
    assert page.startswith('<div id="merge-candidates"') and f'data-candidate="{duplicate.pk}"' in page


def test_the_preview_shows_both_records_side_by_side_masked_with_what_the_survivor_takes_over(
        client, manager, survivor, duplicate):
    page = _get(client, manager, survivor, {"duplicate": duplicate.pk}).content.decode()

    preview = page[page.index('data-testid="merge-preview"'):]
    assert "张三" in preview and "张先生" in preview
    assert "138****8000" in preview and "139****1111" in preview and "360426********0071" in preview
    assert "13900001111" not in page and "360426199101010071" not in page
    assert "taken from the duplicate" in preview  # city and ID number fill the survivor's empty fields
    assert 'name="duplicate"' in preview and f'value="{duplicate.pk}"' in preview


def test_confirming_merges_and_the_survivor_shows_the_leads_visits_and_history_of_both(
        client, manager, survivor, duplicate):
    client.force_login(manager)

    response = client.post(_url(survivor), {"duplicate": duplicate.pk})

    assert response.status_code == 302 and response["Location"] == reverse("customers:detail", args=[survivor.pk])
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    survivor.refresh_from_db()
    assert survivor.city == "北京" and survivor.mobile == "13800138000"
    page = client.get(response["Location"]).content.decode()
    assert "now holds the leads, visits and history of both records" in page
    leads = page[page.index('data-testid="customer-leads"'):page.index('data-testid="customer-visits"')]
    assert leads.count("data-lead=") == 2 and "A6L" in leads
    visits = page[page.index('data-testid="customer-visits"'):page.index('data-testid="customer-history"')]
    assert visits.count("data-visit=") == 1
    history = page[page.index('data-testid="customer-history"'):]
    assert "Merged with a duplicate record" in history and "张先生" in history and "139****1111" in history
    assert history.count(">Filed<") == 2  # both records' filing, the duplicate's history moved over
    assert "City: — → 北京" in history  # the duplicate's edit
    assert "13900001111" not in page


def test_a_consultant_may_not_merge_even_their_own_customers(client, consultant, survivor, duplicate):
    assert _get(client, consultant, survivor).status_code == 403

    response = client.post(_url(survivor), {"duplicate": duplicate.pk})

    assert response.status_code == 403
    assert Customer.objects.filter(pk=duplicate.pk).exists()


def test_a_customer_of_another_store_is_not_found_as_a_duplicate(client, manager, outsider, survivor):
    other = customer_create(actor=outsider, fields={"name": "张三", "mobile": "13800138000"})[0]

    assert _get(client, manager, survivor, {"duplicate": other.pk}).status_code == 404
    page = _get(client, manager, survivor, {"q": "zs"}).content.decode()
    assert f'data-candidate="{other.pk}"' not in page
    response = client.post(_url(survivor), {"duplicate": other.pk})
    assert response.status_code == 404
    assert Customer.objects.filter(pk=other.pk).exists()


def test_merging_a_record_into_itself_is_refused_with_a_message(client, manager, survivor):
    client.force_login(manager)

    response = client.post(_url(survivor), {"duplicate": survivor.pk}, follow=True)

    assert "Choose two different customers to merge." in response.content.decode()
    assert Customer.objects.filter(pk=survivor.pk).exists()
