import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.core.choices import Channel, Source
from showroom.followups.models import Activity, Task, TaskKind, TaskStatus
from showroom.followups.services import activity_log
from showroom.leads.models import Grade
from showroom.leads.services import lead_create
from showroom.leads.tests.factories import LeadFactory

API = "/api/v1"
NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def post(client, path, data):
    return client.post(API + path, data=json.dumps(data), content_type="application/json")


def call(**extra):
    return {"channel": "phone", "outcome": "reached", "summary": "客户周末想来试驾 Q5L", **extra}


@time_machine.travel(NOW, tick=False)
def test_logging_a_call_answers_the_first_response_task_and_books_the_next_step(client, manager, consultant):
    lead, _created = lead_create(actor=manager, customer_fields={"name": "刘女士", "mobile": "13700001111"},
                                 lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME}, owner=consultant)
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/activities",
                    call(next_step="邀约试驾", next_step_at="2026-03-07T10:00:00", grade="H"))
    assert response.status_code == 201
    body = response.json()
    assert body["actor"]["id"] == consultant.pk and body["outcome"] == "reached"
    assert dt.datetime.fromisoformat(body["next_step_at"]) == dt.datetime(2026, 3, 7, 2, 0, tzinfo=dt.UTC)
    lead.refresh_from_db()
    assert lead.first_contacted_at == NOW and lead.grade == Grade.H
    assert Task.objects.get(lead=lead, kind=TaskKind.FIRST_RESPONSE).status == TaskStatus.DONE
    assert Task.objects.get(lead=lead, kind=TaskKind.NEXT_STEP, status=TaskStatus.OPEN).title == "邀约试驾"


def test_the_activities_of_a_lead_are_listed_newest_first(client, consultant, lead):
    first = activity_log(actor=consultant, lead=lead, channel="phone", outcome="no_answer", summary="未接")
    second = activity_log(actor=consultant, lead=lead, channel="wechat", outcome="message_sent", summary="发了车型资料")
    client.force_login(consultant)
    body = client.get(API + f"/leads/{lead.pk}/activities").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_activity_list_runs_the_same_number_of_queries_for_2_and_20_contacts(client, consultant, lead):
    for _ in range(2):
        activity_log(actor=consultant, lead=lead, channel="phone", outcome="no_answer", summary="未接")
    client.force_login(consultant)
    url = API + f"/leads/{lead.pk}/activities"
    _queries(client, url)
    two = _queries(client, url)
    for _ in range(18):
        activity_log(actor=consultant, lead=lead, channel="phone", outcome="no_answer", summary="未接")
    assert _queries(client, url) == two


@pytest.mark.parametrize(("payload", "field"), [
    (call(summary="  "), "summary"),
    (call(channel="pigeon"), "channel"),
    (call(outcome=None), "outcome"),
    (call(direction="sideways"), "direction"),
    (call(occurred_at="2999-01-01T10:00:00"), "occurred_at"),
    (call(occurred_at="2030-01-01T10:00:00"), "occurred_at"),
    (call(occurred_at="2026-13-01T10:00:00"), "occurred_at"),
    (call(occurred_at=10**20), "occurred_at"),
    (call(next_step="再联系"), "next_step_at"),
    (call(next_step_at="2020-01-01T10:00:00"), "next_step_at"),
    (call(next_step_at="9999-12-31T23:59:59-14:00"), "next_step_at"),
    (call(grade="F"), "grade"),
    (call(summary=["a"]), "summary"),
    (call(summary="x" * 5001), "summary"),
])
def test_bad_contact_input_answers_4xx_with_the_field(client, consultant, lead, payload, field):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/activities", payload)
    assert 400 <= response.status_code < 500
    assert field in response.json()["fields"], response.json()
    assert not Activity.objects.exists()


def test_a_pool_lead_must_be_claimed_before_contacts_are_logged(client, consultant, store):
    pool = LeadFactory(store=store, owner=None)
    client.force_login(consultant)
    response = post(client, f"/leads/{pool.pk}/activities", call())
    assert response.status_code == 400
    assert response.json()["code"] == "lead_unassigned" and "lead_id" in response.json()["fields"]


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
def test_someone_elses_lead_answers_404_for_its_activities(client, request, lead, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(API + f"/leads/{lead.pk}/activities").status_code == 404
    assert post(client, f"/leads/{lead.pk}/activities", call()).status_code == 404
    assert not Activity.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_contact_time_with_any_iso_offset_is_stored_as_that_moment(client, consultant, lead):
    client.force_login(consultant)

    response = post(client, f"/leads/{lead.pk}/activities", call(occurred_at="2026-03-01T02:00:00-23:59"))

    assert response.status_code == 201
    assert Activity.objects.get().occurred_at == dt.datetime(2026, 3, 2, 1, 59, tzinfo=dt.UTC)
