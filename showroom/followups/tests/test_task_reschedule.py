"""Moving a follow-up to another time, or cancelling it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskKind, TaskStatus
from showroom.followups.services import task_cancel, task_reschedule, tasks_mark_overdue
from showroom.leads.services import lead_assign, lead_create

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


@pytest.fixture
def task(lead):
    return Task.objects.get(lead=lead, kind=TaskKind.CADENCE)


def test_rescheduling_moves_the_task_clears_its_overdue_flag_and_moves_the_next_follow_up(consultant, lead, task, frozen):
    frozen.shift(dt.timedelta(days=2))
    tasks_mark_overdue()
    later = NOW + dt.timedelta(days=5)

    moved = task_reschedule(actor=consultant, task=task, due_at=later, title=" 周末再约 ")

    moved.refresh_from_db()
    assert (moved.due_at, moved.overdue_since, moved.title) == (later, None, "周末再约")
    lead.refresh_from_db()
    assert lead.next_follow_up_at == later
    entry = AuditEntry.objects.get(action="followups.task_rescheduled")
    assert entry.target_id == lead.pk and entry.data["due_at"] == [task.due_at.isoformat(), later.isoformat()]


def test_rescheduling_without_a_time_or_with_an_empty_title_is_refused(consultant, task):
    with pytest.raises(DomainError) as refused:
        task_reschedule(actor=consultant, task=task, due_at=None)
    assert refused.value.field == "due_at"

    with pytest.raises(DomainError) as refused:
        task_reschedule(actor=consultant, task=task, due_at=NOW + dt.timedelta(days=1), title=" ")
    assert refused.value.field == "title"


def test_cancelling_closes_the_task_with_the_reason_and_the_lead_has_no_next_follow_up(consultant, lead, task):
    task_cancel(actor=consultant, task=task, reason=" 客户出国 ")

    task.refresh_from_db()
    assert (task.status, task.result, task.completed_at) == (TaskStatus.CANCELLED, "客户出国", NOW)
    lead.refresh_from_db()
    assert lead.next_follow_up_at is None
    assert AuditEntry.objects.get(action="followups.task_cancelled").data["task"] == task.pk


def test_a_closed_task_can_be_neither_moved_nor_cancelled(consultant, task):
    task_cancel(actor=consultant, task=task)

    with pytest.raises(DomainError) as refused:
        task_reschedule(actor=consultant, task=task, due_at=NOW + dt.timedelta(days=1))
    assert refused.value.code == "task_closed"
    with pytest.raises(DomainError) as refused:
        task_cancel(actor=consultant, task=task)
    assert refused.value.code == "task_closed"


def test_a_colleague_gets_not_found_and_a_receptionist_is_refused(colleague, outsider, receptionist, task):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            task_reschedule(actor=actor, task=task, due_at=NOW + dt.timedelta(days=1))
        with pytest.raises(NotFound):
            task_cancel(actor=actor, task=task)
    with pytest.raises(PermissionDenied):
        task_cancel(actor=receptionist, task=task)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.due_at == NOW + dt.timedelta(days=1)


def test_a_consultant_may_neither_move_nor_drop_the_follow_up_of_a_lead_still_in_the_pool(
        store, consultant, colleague, manager, lead, task):
    lead_assign(actor=manager, lead=lead, owner=None, reason="休假")
    task.refresh_from_db()
    assert task.owner is None  # the lead and its follow-ups wait in the pool, seen by every consultant to claim

    for action in (lambda: task_reschedule(actor=colleague, task=task, due_at=NOW + dt.timedelta(days=9)),
                   lambda: task_cancel(actor=colleague, task=task, reason="不需要")):
        with pytest.raises(DomainError) as refused:
            action()
        assert refused.value.code == "lead_unassigned"

    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.due_at == NOW + dt.timedelta(days=1)
    assert task_reschedule(actor=manager, task=task, due_at=NOW + dt.timedelta(days=2)).due_at == NOW + dt.timedelta(days=2)
