import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.customers.tests.factories import CustomerFactory
from showroom.leads.models import Lead
from showroom.reception.models import Visit
from showroom.reception.services import visit_register

API = "/api/v1"
NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def post(client, path, data=None):
    return client.post(API + path, data=json.dumps(data if data is not None else {}), content_type="application/json")


@pytest.fixture
def visit(receptionist, consultant):
    """A walk-in batch without a mobile yet, with the owning consultant."""
    return visit_register(actor=receptionist, party_size=2, consultant=consultant)


def test_the_receptionist_registers_a_walk_in_and_it_goes_to_the_consultant_whose_turn_it_is(client, receptionist, consultant):
    client.force_login(receptionist)
    response = post(client, "/visits", {"party_size": 3, "mobile": "13700002222", "name": "陈先生", "models_of_interest": "A6L"})
    assert response.status_code == 201
    body = response.json()
    assert body["consultant"] == {"id": consultant.pk, "name": consultant.display_name}
    assert body["captured"] is True and body["is_first_visit"] is True and body["in_showroom"] is True
    assert body["customer"] == {"id": Visit.objects.get().customer_id, "name": "陈**", "mobile_masked": "137****2222"}
    assert "13700002222" not in response.content.decode()
    assert body["batch_no"] == "20260302-001"
    assert body["lead_id"] is None  # reception routes the batch; the lead is the consultant's
    assert Visit.objects.get().lead.owner == consultant


def test_the_day_log_lists_today_by_default_and_another_day_on_request(client, receptionist, visit):
    client.force_login(receptionist)
    assert [item["id"] for item in client.get(API + "/visits").json()["items"]] == [visit.pk]
    assert client.get(API + "/visits?date=2026-03-01").json()["count"] == 0
    assert client.get(API + "/visits?date=2026-03-02").json()["count"] == 1
    assert client.get(API + "/visits?date=2026-02-30").status_code == 422
    assert client.get(API + "/visits?date=0001-01-01").status_code == 422


def test_a_consultant_sees_only_their_own_batches(client, receptionist, consultant, colleague, visit):
    visit_register(actor=receptionist, consultant=colleague)
    client.force_login(consultant)
    assert [item["id"] for item in client.get(API + "/visits").json()["items"]] == [visit.pk]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_day_log_runs_the_same_number_of_queries_for_2_and_20_visits(client, receptionist, consultant):
    for n in range(2):
        visit_register(actor=receptionist, consultant=consultant, mobile=f"1370000{n:04d}")
    client.force_login(receptionist)
    _queries(client, API + "/visits")
    two = _queries(client, API + "/visits")
    for n in range(2, 20):
        visit_register(actor=receptionist, consultant=consultant, mobile=f"1370000{n:04d}")
    assert client.get(API + "/visits").json()["count"] == 20
    assert _queries(client, API + "/visits") == two


def test_the_consultant_records_the_departure_once(client, consultant, visit):
    client.force_login(consultant)
    response = post(client, f"/visits/{visit.pk}/departure", {"left_at": "2026-03-02T09:59:00"})
    assert response.status_code == 400 and "left_at" in response.json()["fields"]  # before the arrival
    response = post(client, f"/visits/{visit.pk}/departure")
    assert response.status_code == 200
    assert response.json()["in_showroom"] is False
    again = post(client, f"/visits/{visit.pk}/departure")
    assert again.status_code == 400 and again.json()["code"] == "already_left"


def test_the_consultant_captures_the_mobile_of_a_batch_and_a_lead_is_opened(client, consultant, visit):
    client.force_login(consultant)
    response = post(client, f"/visits/{visit.pk}/capture", {"mobile": "13700003333", "name": "周女士"})
    assert response.status_code == 200
    body = response.json()
    assert body["captured"] is True and body["customer"]["name"] == "周女士"
    assert Lead.objects.get(pk=body["lead_id"]).owner == consultant
    again = post(client, f"/visits/{visit.pk}/capture", {"mobile": "13700004444"})
    assert again.status_code == 400 and again.json()["code"] == "already_captured"


def test_reception_matches_a_mobile_and_sees_only_the_masked_number_and_the_consultant(client, receptionist, consultant, store):
    customer = CustomerFactory(store=store, owner=consultant, mobile="13800138000", mobile_last4="8000")
    client.force_login(receptionist)
    response = client.get(API + "/visits/match?mobile=138-0013-8000")
    assert response.status_code == 200
    assert response.json() == {"matched": True, "customer": {
        "id": customer.pk, "name": customer.name[0] + "*" * min(len(customer.name) - 1, 3), "mobile_masked": "138****8000",
        "owner": {"id": consultant.pk, "name": consultant.display_name}, "repeat": False}}
    assert customer.name not in response.content.decode()  # as on the board: who it is, not the name
    assert client.get(API + "/visits/match?mobile=13900000000").json() == {"matched": False, "customer": None}
    bad = client.get(API + "/visits/match?mobile=12345")
    assert bad.status_code == 400 and "mobile" in bad.json()["fields"]
    assert client.get(API + "/visits/match").status_code == 422


def test_a_consultant_standing_in_for_a_colleague_sees_the_batch_but_not_the_colleagues_customer_or_lead(
        client, receptionist, consultant, colleague):
    walk_in = visit_register(actor=receptionist, mobile="13700002222", name="陈先生", consultant=consultant)
    repeat = visit_register(actor=receptionist, mobile="13700002222", consultant=colleague)  # consultant is busy
    assert repeat.lead == walk_in.lead and repeat.lead.owner == consultant

    client.force_login(colleague)
    body = client.get(API + f"/visits/{repeat.pk}").json()
    listed = client.get(API + "/visits").json()["items"]

    assert body["customer"]["name"] == "陈**" and body["lead_id"] is None
    assert [(item["id"], item["customer"]["name"], item["lead_id"]) for item in listed] == [(repeat.pk, "陈**", None)]
    assert "陈先生" not in json.dumps([body, listed], ensure_ascii=False)
    client.force_login(consultant)
    assert client.get(API + f"/visits/{walk_in.pk}").json()["customer"]["name"] == "陈先生"
    assert client.get(API + f"/visits/{walk_in.pk}").json()["lead_id"] == walk_in.lead_id


def test_a_consultant_may_not_use_receptions_match(client, consultant):
    client.force_login(consultant)
    assert client.get(API + "/visits/match?mobile=13800138000").status_code == 403


@pytest.mark.parametrize(("payload", "field"), [
    ({"party_size": 0}, "party_size"),
    ({"party_size": 51}, "party_size"),
    ({"party_size": 10**30}, "party_size"),
    ({"party_size": "many"}, "party_size"),
    ({"purpose": "shopping"}, "purpose"),
    ({"mobile": "12345"}, "mobile"),
    ({"arrived_at": "2026-03-02T12:00:00"}, "arrived_at"),
    ({"arrived_at": "yesterday"}, "arrived_at"),
    ({"consultant_id": 10**12}, "consultant_id"),
    ({"notes": "\x00"}, "notes"),
])
def test_bad_visit_input_answers_4xx_with_the_field(client, receptionist, payload, field):
    client.force_login(receptionist)
    response = post(client, "/visits", payload)
    assert 400 <= response.status_code < 500
    assert field in response.json()["fields"], response.json()
    assert not Visit.objects.exists()


def test_a_consultant_of_another_store_cannot_be_given_a_batch(client, receptionist, outsider):
    client.force_login(receptionist)
    response = post(client, "/visits", {"consultant_id": outsider.pk})
    assert response.status_code == 400 and "consultant_id" in response.json()["fields"]


@pytest.mark.parametrize("who", ["colleague", "outsider", "other_reception"])
def test_someone_elses_batch_answers_404_everywhere(client, request, visit, who):
    if who == "other_reception":
        user = UserFactory(store=request.getfixturevalue("other_store"), role=Role.RECEPTIONIST)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(API + f"/visits/{visit.pk}").status_code == 404
    assert post(client, f"/visits/{visit.pk}/departure").status_code == 404
    assert post(client, f"/visits/{visit.pk}/capture", {"mobile": "13700005555"}).status_code == 404
    visit.refresh_from_db()
    assert visit.left_at is None and visit.captured is False
    assert client.get(API + "/visits").json()["count"] == 0
