"""Doing a follow-up: the contact is logged and the task closed with its outcome."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Activity, Outcome, Task, TaskKind, TaskStatus
from showroom.followups.services import task_cancel, task_complete, task_create
from showroom.leads.models import Grade
from showroom.leads.services import lead_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lead(consultant):
    return lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                       lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN}, grade=Grade.B)[0]


@pytest.fixture
def cadence_task(lead):
    return Task.objects.get(lead=lead, kind=TaskKind.CADENCE)


def test_doing_a_follow_up_logs_the_call_closes_the_task_and_plans_the_next_one(consultant, lead, cadence_task, frozen):
    frozen.shift(dt.timedelta(days=7))

    done = task_complete(actor=consultant, task=cadence_task, channel="phone", outcome=Outcome.REACHED, result=" 下周来店 ")

    assert (done.status, done.outcome, done.result, done.completed_at) == (
        TaskStatus.DONE, "reached", "下周来店", NOW + dt.timedelta(days=7),
    )
    activity = Activity.objects.get(lead=lead)
    assert done.activity == activity and activity.summary == "下周来店"
    nxt = Task.objects.get(lead=lead, status=TaskStatus.OPEN)
    assert nxt.kind == TaskKind.CADENCE and nxt.due_at == NOW + dt.timedelta(days=14)
    lead.refresh_from_db()
    assert lead.next_follow_up_at == nxt.due_at


def test_doing_a_follow_up_with_an_agreed_next_step_schedules_that_step(consultant, lead, cadence_task):
    when = NOW + dt.timedelta(days=2)

    task_complete(actor=consultant, task=cadence_task, channel="wechat", outcome=Outcome.APPOINTMENT, result="约了试驾",
                  next_step="试驾Q5L", next_step_at=when, grade=Grade.H)

    nxt = Task.objects.get(lead=lead, status=TaskStatus.OPEN)
    assert (nxt.kind, nxt.title, nxt.due_at, nxt.is_appointment) == (TaskKind.NEXT_STEP, "试驾Q5L", when, True)
    lead.refresh_from_db()
    assert lead.grade == Grade.H


def test_doing_a_manual_task_closes_it_and_leaves_the_cadence_in_place(consultant, lead, cadence_task):
    manual = task_create(actor=consultant, lead=lead, title="寄资料", due_at=NOW + dt.timedelta(hours=2))

    task_complete(actor=consultant, task=manual, channel="mailing", outcome=Outcome.MESSAGE_SENT, result="已寄出")

    manual.refresh_from_db()
    cadence_task.refresh_from_db()
    assert manual.status == TaskStatus.DONE
    assert cadence_task.status == TaskStatus.OPEN


def test_a_follow_up_without_a_result_is_refused_and_stays_open(consultant, cadence_task):
    with pytest.raises(DomainError) as refused:
        task_complete(actor=consultant, task=cadence_task, channel="phone", outcome=Outcome.REACHED, result="  ")

    assert refused.value.field == "summary"
    cadence_task.refresh_from_db()
    assert cadence_task.status == TaskStatus.OPEN
    assert not Activity.objects.exists()


def test_a_closed_task_cannot_be_done_again(consultant, cadence_task):
    task_cancel(actor=consultant, task=cadence_task, reason="客户出差")

    with pytest.raises(DomainError) as refused:
        task_complete(actor=consultant, task=cadence_task, channel="phone", outcome=Outcome.REACHED, result="再打")

    assert refused.value.code == "task_closed"
    assert not Activity.objects.exists()


def test_a_colleague_gets_not_found_and_a_receptionist_is_refused(colleague, outsider, receptionist, cadence_task):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            task_complete(actor=actor, task=cadence_task, channel="phone", outcome=Outcome.REACHED, result="x")
    with pytest.raises(PermissionDenied):
        task_complete(actor=receptionist, task=cadence_task, channel="phone", outcome=Outcome.REACHED, result="x")
    cadence_task.refresh_from_db()
    assert cadence_task.status == TaskStatus.OPEN
