"""A consultant schedules a follow-up of their own on a lead."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskKind, TaskStatus
from showroom.followups.services import task_create
from showroom.leads.models import LossReason
from showroom.leads.services import lead_create, lead_decide_loss, lead_request_loss

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


def test_a_consultant_adds_a_follow_up_which_becomes_the_next_one_if_earlier(consultant, lead):
    task = task_create(actor=consultant, lead=lead, title=" 寄报价单 ", due_at=NOW + dt.timedelta(hours=3))

    assert (task.kind, task.title, task.owner, task.status, task.created_by) == (
        TaskKind.MANUAL, "寄报价单", consultant, TaskStatus.OPEN, consultant,
    )
    lead.refresh_from_db()
    assert lead.next_follow_up_at == NOW + dt.timedelta(hours=3)
    assert AuditEntry.objects.get(action="followups.task_created").data["title"] == "寄报价单"


def test_a_follow_up_later_than_the_cadence_leaves_the_next_follow_up_alone(consultant, lead):
    task_create(actor=consultant, lead=lead, title="月底回访", due_at=NOW + dt.timedelta(days=20))

    lead.refresh_from_db()
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=1)


@pytest.mark.parametrize(("title", "due_at", "field"), [("  ", NOW, "title"), ("回访", None, "due_at")])
def test_a_follow_up_needs_what_and_when(consultant, lead, title, due_at, field):
    with pytest.raises(DomainError) as refused:
        task_create(actor=consultant, lead=lead, title=title, due_at=due_at)

    assert refused.value.field == field
    assert Task.objects.filter(kind=TaskKind.MANUAL).count() == 0


def test_no_follow_up_on_a_lost_lead(consultant, manager, lead):
    lead_decide_loss(actor=manager, request=lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE),
                     approve=True)

    with pytest.raises(DomainError) as refused:
        task_create(actor=consultant, lead=lead, title="回访", due_at=NOW + dt.timedelta(days=1))

    assert refused.value.code == "lead_closed"


def test_a_colleague_gets_not_found_and_a_receptionist_is_refused(colleague, outsider, receptionist, lead):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            task_create(actor=actor, lead=lead, title="回访", due_at=NOW)
    with pytest.raises(PermissionDenied):
        task_create(actor=receptionist, lead=lead, title="回访", due_at=NOW)
