import datetime as dt
import json

import pytest
import time_machine

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.followups.models import Task, TaskKind
from showroom.leads.models import Lead

API = "/api/v1"
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def platform(store):
    """The account a lead platform (here Autohome) posts with."""
    return UserFactory(store=store, role=Role.INTEGRATION, username="autohome-bot")


def bearer(client, user):
    response = client.post(API + "/auth/token", data=json.dumps({"username": user.username, "password": "pw-for-tests-1"}),
                           content_type="application/json")
    assert response.status_code == 200
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def intake(client, headers, **fields):
    payload = {"name": "刘女士", "mobile": "13700001111", "source": "autohome", "external_ref": "AH-778812",
               "models_of_interest": "Q5L", **fields}
    return client.post(API + "/leads/intake", data=json.dumps(payload), content_type="application/json", **headers)


@time_machine.travel(NOW, tick=False)
def test_a_platform_lead_gets_the_first_response_deadline_and_the_consultant_whose_turn_it_is(client, platform, consultant):
    response = intake(client, bearer(client, platform))
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    assert body["owner"] == {"id": consultant.pk, "name": consultant.display_name}
    assert dt.datetime.fromisoformat(body["first_response_due_at"]) == NOW + dt.timedelta(hours=2)
    lead = Lead.objects.get(pk=body["lead_id"])
    assert (lead.channel, lead.source, lead.external_ref) == ("online", "autohome", "AH-778812")
    assert lead.customer.mobile == "13700001111"
    assert Task.objects.filter(lead=lead, kind=TaskKind.FIRST_RESPONSE, owner=consultant).exists()


def test_posting_the_same_platform_lead_twice_returns_the_first_one(client, platform, consultant):
    headers = bearer(client, platform)
    first = intake(client, headers).json()
    again = intake(client, headers, name="刘女士 (重复推送)")
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["lead_id"] == first["lead_id"]
    assert Lead.objects.count() == 1


def test_a_second_platform_reference_for_a_customer_with_an_open_lead_does_not_open_another(client, platform, consultant):
    headers = bearer(client, platform)
    first = intake(client, headers).json()
    other = intake(client, headers, source="dongchedi", external_ref="DCD-1")
    assert other.status_code == 200 and other.json()["lead_id"] == first["lead_id"]


def test_a_store_that_keeps_new_leads_in_the_pool_answers_owner_null(client, store, platform, consultant):
    store.lead_assignment = LeadAssignment.POOL
    store.save()
    body = intake(client, bearer(client, platform)).json()
    assert body["owner"] is None
    assert Lead.objects.get(pk=body["lead_id"]).owner is None


def test_a_manager_may_post_platform_leads_too(client, manager, consultant):
    client.force_login(manager)
    assert intake(client, {}).status_code == 201


def test_extra_platform_fields_are_ignored(client, platform, consultant):
    assert intake(client, bearer(client, platform), province="北京", ad_campaign="spring").status_code == 201


@pytest.mark.parametrize(("fields", "field"), [
    ({"source": "walk_in"}, "source"),
    ({"source": "myspace"}, "source"),
    ({"external_ref": ""}, "external_ref"),
    ({"external_ref": "x" * 65}, "external_ref"),
    ({"mobile": "010-12345678"}, "mobile"),
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"mobile": 13700001111}, "mobile"),
])
def test_a_bad_platform_lead_is_refused_on_its_field(client, platform, fields, field):
    response = intake(client, bearer(client, platform), **fields)
    assert 400 <= response.status_code < 500
    assert field in response.json()["fields"]
    assert not Lead.objects.exists()


def test_reception_may_not_post_platform_leads(client, receptionist):
    client.force_login(receptionist)
    assert intake(client, {}).status_code == 403


def test_the_platform_account_sees_only_the_leads_it_posted(client, platform, consultant, lead):
    headers = bearer(client, platform)
    posted = intake(client, headers).json()["lead_id"]
    listed = client.get(API + "/leads", **headers).json()
    assert [item["id"] for item in listed["items"]] == [posted]
    assert client.get(API + f"/leads/{lead.pk}", **headers).status_code == 404
    assert client.post(API + f"/leads/{posted}/advance", data=json.dumps({"to": 20}), content_type="application/json",
                       **headers).status_code == 403


def test_a_consultant_posting_a_colleagues_platform_reference_is_told_whose_it_is_and_given_nothing(
        client, platform, consultant, colleague):
    theirs = intake(client, bearer(client, platform)).json()
    assert theirs["owner"]["id"] == consultant.pk

    response = intake(client, bearer(client, colleague), mobile="13700002222")

    assert response.status_code == 400 and response.json()["code"] == "lead_exists"
    assert str(theirs["lead_id"]) not in response.content.decode()
    assert Lead.objects.count() == 1
