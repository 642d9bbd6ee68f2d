import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from showroom.core.choices import Channel, Source
from showroom.followups.models import Activity, Task, TaskKind, TaskStatus
from showroom.followups.services import task_create
from showroom.leads.services import lead_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def task(consultant, lead):
    return task_create(actor=consultant, lead=lead, title="回访：确认配置", due_at=MORNING - dt.timedelta(hours=1))


def _url(task):
    return reverse("followups:task_complete", args=[task.pk])


def _call(**changes):
    return {"channel": "phone", "direction": "outbound", "outcome": "reached",
            "result": "客户对Q5L很感兴趣，想周末带家人来看车。", **changes}


def test_the_call_form_defaults_to_an_outbound_phone_call_and_shows_the_stores_script(client, consultant, task):
    client.force_login(consultant)

    page = client.get(_url(task)).content.decode()

    assert '<option value="phone" selected>' in page
    assert '<option value="outbound" selected>' in page
    assert 'data-testid="call-script"' in page
    assert '<h3 class="h6">邀约到店</h3>' in page  # a plain follow-up invites the customer to the showroom


def test_the_first_call_to_a_new_online_lead_shows_the_first_call_script(client, consultant, manager):
    lead, _ = lead_create(actor=manager, owner=consultant, customer_fields={"name": "吴女士", "mobile": "13700001111"},
                          lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})
    first = Task.objects.get(lead=lead, kind=TaskKind.FIRST_RESPONSE)
    client.force_login(consultant)

    page = client.get(_url(first)).content.decode()

    assert '<h3 class="h6">首次致电新线索：先报身份</h3>' in page
    assert '<h3 class="h6">邀约到店</h3>' not in page


def test_logging_the_call_closes_the_task_logs_the_contact_and_plans_the_next_follow_up_by_grade(
    client, consultant, lead, task
):
    client.force_login(consultant)

    response = client.post(_url(task), _call(grade="A", next="/followups/tasks/"))

    assert response.status_code == 302 and response.url == "/followups/tasks/"
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.outcome == "reached"
    activity = Activity.objects.get(lead=lead)
    assert activity.summary.startswith("客户对Q5L很感兴趣") and activity.actor == consultant and activity.channel == "phone"
    assert task.activity == activity
    lead.refresh_from_db()
    assert lead.grade == "A" and lead.last_contacted_at == MORNING
    follow_up = Task.objects.get(lead=lead, status=TaskStatus.OPEN)
    assert follow_up.kind == TaskKind.CADENCE and follow_up.due_at == MORNING + dt.timedelta(days=3)  # grade A: 3 days
    assert lead.next_follow_up_at == follow_up.due_at


def test_an_agreed_next_step_becomes_the_next_follow_up(client, consultant, lead, task):
    client.force_login(consultant)

    client.post(_url(task), _call(outcome="appointment", next_step="周六到店试驾", next_step_at="2026-03-14T10:00"))

    follow_up = Task.objects.get(lead=lead, status=TaskStatus.OPEN)
    assert follow_up.kind == TaskKind.NEXT_STEP and follow_up.title == "周六到店试驾"
    assert follow_up.due_at == dt.datetime(2026, 3, 14, 10, 0, tzinfo=SHANGHAI)
    assert follow_up.is_appointment


def test_a_call_without_what_was_said_is_refused_on_its_field_and_nothing_is_saved(client, consultant, task):
    client.force_login(consultant)

    response = client.post(_url(task), _call(result=""))

    assert response.status_code == 200
    assert 'data-field-error="result"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not Activity.objects.exists()


def test_a_next_step_in_the_past_is_refused_by_the_service_on_its_field(client, consultant, task):
    client.force_login(consultant)

    response = client.post(_url(task), _call(next_step="回电", next_step_at="2026-03-09T10:00"),
                           headers={"HX-Request": "true"})

    assert response.status_code == 422
    page = response.content.decode()
    assert page.startswith('<div id="task-panel">')
    assert 'data-field-error="next_step_at"' in page
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_in_the_modal_the_form_loads_as_a_fragment_and_a_saved_call_reloads_the_page_it_came_from(
    client, consultant, task
):
    client.force_login(consultant)
    workbench = reverse("followups:workbench")

    fragment = client.get(_url(task), {"modal": "1", "next": workbench}, headers={"HX-Request": "true"})
    saved = client.post(f"{_url(task)}?modal=1", _call(next=workbench), headers={"HX-Request": "true"})

    assert fragment.content.decode().startswith('<div id="task-panel">')
    assert 'class="modal-header"' in fragment.content.decode()
    assert saved["HX-Redirect"] == workbench


def test_an_outside_address_to_go_back_to_is_ignored(client, consultant, task):
    client.force_login(consultant)

    response = client.post(_url(task), _call(next="https://evil.example.com/"))

    assert response.url == reverse("followups:workbench")


def test_a_closed_task_cannot_be_done_twice(client, consultant, task):
    client.force_login(consultant)
    client.post(_url(task), _call())

    again = client.post(_url(task), _call())

    assert again.status_code == 200 and "data-task-closed" in again.content.decode()
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("intruder", ["colleague", "outsider"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_colleague_and_another_stores_consultant_get_404_on_someone_elses_task(
    client, request, task, intruder, method
):
    client.force_login(request.getfixturevalue(intruder))

    response = getattr(client, method)(_url(task), _call() if method == "post" else None)

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not Activity.objects.exists()


def test_the_manager_may_log_the_call_on_a_consultants_task(client, manager, task):
    client.force_login(manager)

    client.post(_url(task), _call())

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_the_call_form_page_runs_a_bounded_number_of_queries(client, consultant, task, django_assert_max_num_queries):
    client.force_login(consultant)
    with django_assert_max_num_queries(8):
        assert client.get(_url(task)).status_code == 200
