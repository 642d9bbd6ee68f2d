import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from showroom.audit.models import AuditEntry
from showroom.followups.models import TaskStatus
from showroom.followups.services import task_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def task(consultant, lead):
    return task_create(actor=consultant, lead=lead, title="回访：确认配置", due_at=MORNING - dt.timedelta(hours=1))


def test_the_reschedule_form_starts_from_the_current_due_time_and_title(client, consultant, task):
    client.force_login(consultant)

    page = client.get(reverse("followups:task_reschedule", args=[task.pk])).content.decode()

    assert 'value="2026-03-10T08:00"' in page and 'value="回访：确认配置"' in page


def test_a_consultant_moves_a_follow_up_to_another_time_and_it_is_recorded(client, consultant, lead, task):
    client.force_login(consultant)

    response = client.post(reverse("followups:task_reschedule", args=[task.pk]),
                           {"due_at": "2026-03-12T15:30", "title": "客户出差回来再联系"})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_at == dt.datetime(2026, 3, 12, 15, 30, tzinfo=SHANGHAI) and task.title == "客户出差回来再联系"
    lead.refresh_from_db()
    assert lead.next_follow_up_at == task.due_at
    assert AuditEntry.objects.filter(action="followups.task_rescheduled", actor=consultant).exists()


def test_rescheduling_without_a_time_is_refused_on_its_field(client, consultant, task):
    client.force_login(consultant)

    response = client.post(reverse("followups:task_reschedule", args=[task.pk]), {"due_at": "", "title": "x"},
                           headers={"HX-Request": "true"})

    assert response.status_code == 422 and 'data-field-error="due_at"' in response.content.decode()


def test_a_consultant_cancels_a_follow_up_with_the_reason(client, consultant, task):
    client.force_login(consultant)

    response = client.post(reverse("followups:task_cancel", args=[task.pk]), {"reason": "客户已到店，不必再约"},
                           headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == reverse("followups:workbench")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.result == "客户已到店，不必再约"


def test_cancelling_takes_a_post_only(client, consultant, task):
    client.force_login(consultant)
    assert client.get(reverse("followups:task_cancel", args=[task.pk])).status_code == 405


def test_cancelling_a_closed_task_is_refused(client, consultant, task):
    client.force_login(consultant)
    client.post(reverse("followups:task_cancel", args=[task.pk]), {"reason": "不需要了"})

    again = client.post(reverse("followups:task_cancel", args=[task.pk]), {"reason": "再取消一次"})

    assert again.status_code == 200
    task.refresh_from_db()
    assert task.result == "不需要了"


@pytest.mark.parametrize("intruder", ["colleague", "outsider"])
@pytest.mark.parametrize(("name", "method", "data"), [
    ("followups:task_reschedule", "get", None),
    ("followups:task_reschedule", "post", {"due_at": "2026-03-12T15:30", "title": "改期"}),
    ("followups:task_cancel", "post", {"reason": "不需要了"}),
])
def test_a_colleague_and_another_stores_consultant_get_404_on_someone_elses_task(
    client, request, task, intruder, name, method, data
):
    client.force_login(request.getfixturevalue(intruder))

    response = getattr(client, method)(reverse(name, args=[task.pk]), data)

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.title == "回访：确认配置"


def test_a_due_time_in_a_year_out_of_range_is_refused_on_the_field_and_the_task_keeps_its_time(client, consultant, task):
    client.force_login(consultant)

    response = client.post(reverse("followups:task_reschedule", args=[task.pk]),
                           {"due_at": "0001-01-01T00:00", "title": "回访"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 422 and 'data-field-error="due_at"' in response.content.decode()
    task.refresh_from_db()
    assert task.due_at == MORNING - dt.timedelta(hours=1)
