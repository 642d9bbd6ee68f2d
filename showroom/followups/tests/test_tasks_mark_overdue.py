"""The scheduled run flags overdue follow-ups once, and sends neglected leads to dormant."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.core.choices import Channel, Source
from showroom.followups.models import Task, TaskStatus
from showroom.followups.services import cadence_run, task_cancel, task_create, tasks_mark_overdue
from showroom.leads.models import Status
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
                       lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})[0]


def test_open_tasks_past_their_time_are_flagged_overdue_from_the_moment_of_the_run(consultant, lead, frozen):
    soon = task_create(actor=consultant, lead=lead, title="回访", due_at=NOW + dt.timedelta(hours=1))
    later = task_create(actor=consultant, lead=lead, title="报价", due_at=NOW + dt.timedelta(hours=3))
    cancelled = task_create(actor=consultant, lead=lead, title="取消的", due_at=NOW + dt.timedelta(minutes=30))
    task_cancel(actor=consultant, task=cancelled)
    frozen.shift(dt.timedelta(hours=2))

    assert tasks_mark_overdue() == 1

    soon.refresh_from_db()
    later.refresh_from_db()
    cancelled.refresh_from_db()
    assert soon.overdue_since == NOW + dt.timedelta(hours=2)
    assert later.overdue_since is None and cancelled.overdue_since is None


def test_a_task_stays_flagged_from_the_first_run_that_saw_it_late(consultant, lead, frozen):
    task = task_create(actor=consultant, lead=lead, title="回访", due_at=NOW + dt.timedelta(hours=1))
    frozen.shift(dt.timedelta(hours=2))
    tasks_mark_overdue()
    frozen.shift(dt.timedelta(hours=5))

    assert tasks_mark_overdue() == 0

    task.refresh_from_db()
    assert task.overdue_since == NOW + dt.timedelta(hours=2)


def test_the_cadence_run_does_both_jobs_and_reports_what_it_did(store, consultant, lead, frozen):
    store.dormant_after_days = 10
    store.save()
    frozen.shift(dt.timedelta(days=11))

    assert cadence_run() == {"overdue_tasks": 1, "dormant_leads": 1}

    lead.refresh_from_db()
    assert lead.status == Status.DORMANT
    assert not Task.objects.filter(status=TaskStatus.OPEN).exists()


def test_the_cadence_run_accepts_the_time_to_run_as(store, consultant, lead):
    assert cadence_run(now=NOW + dt.timedelta(days=2)) == {"overdue_tasks": 1, "dormant_leads": 0}
