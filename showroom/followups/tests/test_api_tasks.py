import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.followups.models import Activity, Task, TaskStatus
from showroom.followups.services import task_cancel, task_create
from showroom.leads.tests.factories import LeadFactory

API = "/api/v1"
NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def post(client, path, data=None):
    return client.post(API + path, data=json.dumps(data if data is not None else {}), content_type="application/json")


def patch(client, path, data):
    return client.patch(API + path, data=json.dumps(data), content_type="application/json")


def at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


@pytest.fixture
def task(consultant, lead):
    return task_create(actor=consultant, lead=lead, title="回访：确认试驾时间", due_at=at(3))


def test_a_consultant_lists_their_own_tasks_by_default_and_a_manager_the_stores(client, consultant, colleague, manager, task):
    other = task_create(actor=colleague, lead=LeadFactory(owner=colleague), title="回访", due_at=at(1))
    client.force_login(consultant)
    body = client.get(API + "/tasks").json()
    assert [item["id"] for item in body["items"]] == [task.pk]
    item = body["items"][0]
    assert item["customer"]["mobile_masked"].count("*") == 4
    assert item["owner"]["id"] == consultant.pk and item["overdue"] is False
    client.force_login(manager)
    assert [item["id"] for item in client.get(API + "/tasks").json()["items"]] == [other.pk, task.pk]
    assert [item["id"] for item in client.get(API + f"/tasks?owner_id={colleague.pk}").json()["items"]] == [other.pk]


def test_the_task_list_filters_by_due_window_status_and_kind(client, consultant, lead, task):
    late = task_create(actor=consultant, lead=lead, title="逾期回访", due_at=at(-5))
    later = task_create(actor=consultant, lead=lead, title="下周回访", due_at=at(24 * 10))
    task_cancel(actor=consultant, task=later)
    client.force_login(consultant)

    def ids(query):
        response = client.get(API + "/tasks" + query)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("?due=overdue") == [late.pk]
    assert ids("?due=today") == [late.pk, task.pk]
    assert ids("?status=cancelled") == [later.pk]
    assert ids("?status=all") == [late.pk, task.pk, later.pk]
    assert ids("?kind=manual&due=week") == [late.pk, task.pk]
    assert client.get(API + "/tasks?due=yesterday").status_code == 422
    assert client.get(API + "/tasks?kind=chores").status_code == 422
    assert client.get(API + "/tasks").json()["items"][0]["overdue"] is True


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_task_list_runs_the_same_number_of_queries_for_2_and_20_tasks(client, consultant):
    def add():
        task_create(actor=consultant, lead=LeadFactory(owner=consultant), title="回访", due_at=at(2))

    for _ in range(2):
        add()
    client.force_login(consultant)
    _queries(client, API + "/tasks")
    two = _queries(client, API + "/tasks")
    for _ in range(18):
        add()
    assert client.get(API + "/tasks").json()["count"] == 20
    assert _queries(client, API + "/tasks") == two


def test_the_receptionist_has_no_task_list(client, receptionist, task):
    client.force_login(receptionist)
    assert client.get(API + "/tasks").status_code == 403
    assert client.get(API + f"/tasks/{task.pk}").status_code == 404


def test_a_consultant_schedules_a_follow_up_on_their_lead(client, consultant, lead):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/tasks", {"title": "发送报价单", "due_at": "2026-03-03T09:30:00+08:00"})
    assert response.status_code == 201
    body = response.json()
    assert body["lead_id"] == lead.pk and body["status"] == "open" and body["kind"] == "manual"
    assert dt.datetime.fromisoformat(body["due_at"]) == dt.datetime(2026, 3, 3, 1, 30, tzinfo=dt.UTC)
    lead.refresh_from_db()
    assert lead.next_follow_up_at == dt.datetime(2026, 3, 3, 1, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("payload", "field"), [
    ({"title": "  ", "due_at": "2026-03-03T09:30:00"}, "title"),
    ({"title": "回访"}, "due_at"),
    ({"title": "回访", "due_at": "tomorrow"}, "due_at"),
    ({"title": "回访", "due_at": "1900-01-01T00:00:00"}, "due_at"),
    ({"title": "x" * 201, "due_at": "2026-03-03T09:30:00"}, "title"),
    ({"title": "回访", "due_at": "2026-03-03T09:30:00", "owner_id": 3}, "owner_id"),
])
def test_bad_task_input_answers_4xx_with_the_field(client, consultant, lead, payload, field):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/tasks", payload)
    assert 400 <= response.status_code < 500
    assert field in response.json()["fields"]


def test_completing_a_task_logs_the_contact_and_closes_it(client, consultant, task):
    client.force_login(consultant)
    response = post(client, f"/tasks/{task.pk}/complete",
                    {"channel": "phone", "outcome": "appointment", "result": "约好周六 10 点试驾",
                     "next_step": "试驾", "next_step_at": "2026-03-07T10:00:00"})
    assert response.status_code == 200
    assert response.json()["status"] == "done" and response.json()["outcome"] == "appointment"
    activity = Activity.objects.get()
    assert activity.summary == "约好周六 10 点试驾"
    again = post(client, f"/tasks/{task.pk}/complete", {"channel": "phone", "outcome": "reached", "result": "x"})
    assert again.status_code == 400
    assert again.json()["code"] == "task_closed" and "task_id" in again.json()["fields"]


def test_completing_a_task_without_a_result_is_refused_on_result(client, consultant, task):
    client.force_login(consultant)
    response = post(client, f"/tasks/{task.pk}/complete", {"channel": "phone", "outcome": "reached", "result": ""})
    assert response.status_code == 400 and "result" in response.json()["fields"]
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_a_consultant_reschedules_and_renames_a_task(client, consultant, task):
    client.force_login(consultant)
    response = patch(client, f"/tasks/{task.pk}", {"due_at": "2026-03-04T15:00:00", "title": "回访：改到周三"})
    assert response.status_code == 200
    assert response.json()["title"] == "回访：改到周三"
    assert dt.datetime.fromisoformat(response.json()["due_at"]) == dt.datetime(2026, 3, 4, 7, 0, tzinfo=dt.UTC)
    assert patch(client, f"/tasks/{task.pk}", {"title": "no date"}).status_code == 422
    assert "title" in patch(client, f"/tasks/{task.pk}", {"due_at": "2026-03-04T15:00:00", "title": None}).json()["fields"]


def test_a_consultant_cancels_a_task_with_or_without_a_reason(client, consultant, lead, task):
    client.force_login(consultant)
    response = post(client, f"/tasks/{task.pk}/cancel", {"reason": "客户已到店"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    other = task_create(actor=consultant, lead=lead, title="回访", due_at=at(4))
    assert client.post(API + f"/tasks/{other.pk}/cancel", content_type="application/json").status_code == 200
    assert Task.objects.get(pk=other.pk).status == TaskStatus.CANCELLED


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
def test_someone_elses_task_answers_404_everywhere(client, request, lead, task, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(API + f"/tasks/{task.pk}").status_code == 404
    assert post(client, f"/tasks/{task.pk}/complete", {"channel": "phone", "outcome": "reached", "result": "x"}).status_code == 404
    assert patch(client, f"/tasks/{task.pk}", {"due_at": "2026-03-04T15:00:00"}).status_code == 404
    assert post(client, f"/tasks/{task.pk}/cancel").status_code == 404
    assert post(client, f"/leads/{lead.pk}/tasks", {"title": "x", "due_at": "2026-03-04T15:00:00"}).status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.due_at == at(3)
    assert Task.objects.count() == 1
