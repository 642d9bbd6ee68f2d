"""Capturing a batch registered without a mobile: the consultant (or reception) adds it and the visit counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.customers.models import Customer
from showroom.leads.models import Lead
from showroom.reception.models import VisitPurpose
from showroom.reception.selectors import traffic_today
from showroom.reception.services import visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 14, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def walk_in(receptionist, consultant):
    """A batch registered without a mobile, handed to `consultant`."""
    return visit_register(actor=receptionist, party_size=2)


def test_the_consultant_of_the_batch_adds_the_mobile_and_the_visit_is_captured_with_a_lead(
    client, receptionist, consultant, walk_in
):
    client.force_login(consultant)
    url = reverse("reception:capture", args=[walk_in.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"mobile": "138 0013 8000", "name": "刘女士", "next": "/followups/workbench/"})

    assert response.status_code == 302 and response.url == "/followups/workbench/"
    walk_in.refresh_from_db()
    assert walk_in.captured and walk_in.customer.name == "刘女士" and walk_in.customer.mobile == "13800138000"
    lead = Lead.objects.get()
    assert walk_in.lead == lead and lead.owner == consultant
    assert traffic_today(receptionist)["capture_rate"] == 100


def test_reception_captures_from_the_board_and_returns_to_it(client, receptionist, walk_in):
    client.force_login(receptionist)

    response = client.post(reverse("reception:capture", args=[walk_in.pk]), {"mobile": "13800138000"})

    assert response.status_code == 302 and response.url == reverse("reception:board")
    walk_in.refresh_from_db()
    assert walk_in.captured and Customer.objects.get().name == "Walk-in 8000"


def test_a_wrong_mobile_is_shown_at_the_field_and_nothing_is_captured(client, consultant, walk_in):
    client.force_login(consultant)

    response = client.post(reverse("reception:capture", args=[walk_in.pk]), {"mobile": "12345"},
                           headers={"HX-Request": "true"})

    assert response.status_code == 422 and 'data-field-error="mobile"' in response.content.decode()
    walk_in.refresh_from_db()
    assert not walk_in.captured and not Customer.objects.exists()


def test_a_visit_already_captured_or_not_for_sales_offers_no_form(client, receptionist, consultant):
    captured = visit_register(actor=receptionist, mobile="13800138000")
    service = visit_register(actor=receptionist, purpose=VisitPurpose.SERVICE)
    client.force_login(receptionist)

    first = client.get(reverse("reception:capture", args=[captured.pk]))
    second = client.get(reverse("reception:capture", args=[service.pk]))

    assert not first.context["can_capture"] and 'data-testid="already-captured"' in first.content.decode()
    assert not second.context["can_capture"] and "Only a sales visit opens a lead." in second.content.decode()
    refused = client.post(reverse("reception:capture", args=[captured.pk]), {"mobile": "13800138001"})
    assert "This visit already has a mobile number." in refused.content.decode()


def test_a_colleague_and_an_outsider_get_404_on_the_capture_of_a_visit_that_is_not_theirs(
    client, consultant, colleague, outsider, walk_in
):
    url = reverse("reception:capture", args=[walk_in.pk])
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"mobile": "13800138000"}).status_code == 404
    walk_in.refresh_from_db()
    assert not walk_in.captured and not Customer.objects.exists()


def test_a_service_advisor_who_works_no_leads_gets_403_on_the_capture(client, store, walk_in):
    client.force_login(UserFactory(store=store, role=Role.SERVICE_ADVISOR))

    assert client.get(reverse("reception:capture", args=[walk_in.pk])).status_code == 403
