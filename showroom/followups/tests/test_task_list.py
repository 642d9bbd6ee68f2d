"""The follow-up lists: my tasks due today and overdue, today's appointments, the task list by window."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.core.choices import Channel, Source
from showroom.followups.models import Outcome, TaskKind, TaskStatus
from showroom.followups.selectors import (
    my_appointments_today,
    my_due_tasks,
    overdue_by_consultant,
    task_list,
)
from showroom.followups.services import activity_log, task_cancel, task_create
from showroom.leads.services import lead_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)  # a Tuesday morning


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _lead(actor, n):
    return lead_create(actor=actor, customer_fields={"name": f"客户{n}", "mobile": f"1380000{n:04d}"},
                       lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})[0]


def _titles(tasks):
    return [t.title for t in tasks]


def test_my_due_tasks_are_the_overdue_and_todays_earliest_first_and_only_mine(consultant, colleague):
    lead = _lead(consultant, 1)
    task_create(actor=consultant, lead=lead, title="今晚", due_at=NOW + dt.timedelta(hours=12))  # 22:00 today
    task_create(actor=consultant, lead=lead, title="昨天", due_at=NOW - dt.timedelta(days=1))
    task_create(actor=consultant, lead=lead, title="明天一早", due_at=NOW + dt.timedelta(hours=14, minutes=30))
    done = task_create(actor=consultant, lead=lead, title="取消了", due_at=NOW)
    task_cancel(actor=consultant, task=done)
    task_create(actor=colleague, lead=_lead(colleague, 2), title="同事的", due_at=NOW)

    assert _titles(my_due_tasks(consultant)) == ["昨天", "今晚"]


def test_todays_appointments_are_the_agreed_visits_and_test_drives(consultant):
    lead = _lead(consultant, 1)
    activity_log(actor=consultant, lead=lead, channel="phone", outcome=Outcome.APPOINTMENT, summary="约试驾",
                 next_step="下午试驾", next_step_at=NOW + dt.timedelta(hours=5))
    task_create(actor=consultant, lead=lead, title="发资料", due_at=NOW + dt.timedelta(hours=2))

    assert _titles(my_appointments_today(consultant)) == ["下午试驾"]


def test_the_task_list_filters_by_window_status_kind_and_owner(manager, consultant, colleague):
    lead = _lead(consultant, 1)  # a cadence follow-up tomorrow
    task_create(actor=consultant, lead=lead, title="过期", due_at=NOW - dt.timedelta(hours=1))
    task_create(actor=consultant, lead=lead, title="下周五", due_at=NOW + dt.timedelta(days=10))
    _lead(colleague, 2)

    assert _titles(task_list(consultant, due="overdue")) == ["过期"]
    assert _titles(task_list(consultant, due="today")) == ["过期"]
    assert len(task_list(consultant, due="week")) == 2
    assert _titles(task_list(consultant, kind=TaskKind.MANUAL)) == ["过期", "下周五"]
    assert len(task_list(manager)) == 4
    assert len(task_list(manager, owner_id=colleague.pk)) == 1
    assert len(task_list(manager, mine=True)) == 0
    assert len(task_list(consultant, status=TaskStatus.DONE)) == 0
    assert overdue_by_consultant(manager) == {consultant.pk: 1}


def test_the_task_list_runs_the_same_number_of_queries_for_2_or_20_tasks(consultant):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = list(task_list(consultant))
            [(t.lead.customer.name, t.owner.display_name) for t in rows]
        return len(ctx.captured_queries), len(rows)

    for n in range(2):
        _lead(consultant, n)
    small = count()
    for n in range(2, 20):
        _lead(consultant, n)
    large = count()

    assert (small[1], large[1]) == (2, 20) and small[0] == large[0]
