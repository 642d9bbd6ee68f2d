"""A manager brings a lost or dormant lead back to life, with a reason."""

import datetime as dt

import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskStatus
from showroom.leads.models import Grade, LossReason, StageTransition, Status
from showroom.leads.services import (
    lead_decide_loss,
    lead_reactivate,
    lead_request_loss,
    lead_set_grade,
    leads_mark_dormant,
)
from showroom.leads.tests.scenario import NOW, SHANGHAI, WALK_IN, frozen, lead  # noqa: F401 - shared fixtures


@pytest.fixture
def lost(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.POSTPONED)
    lead_decide_loss(actor=manager, request=request, approve=True)
    lead.refresh_from_db()
    return lead


def test_a_manager_reactivates_a_lost_lead_it_comes_back_ungraded_with_a_follow_up_tomorrow(consultant, manager, lost):
    lead_reactivate(actor=manager, lead=lost, reason=" 客户重新询价 ")

    lost.refresh_from_db()
    assert (lost.status, lost.grade) == (Status.OPEN, Grade.N)
    task = Task.objects.get(lead=lost, status=TaskStatus.OPEN)
    assert task.owner == consultant and task.due_at == NOW + dt.timedelta(days=1)
    assert lost.next_follow_up_at == task.due_at
    move = StageTransition.objects.filter(lead=lost).latest("id")
    assert (move.from_status, move.to_status, move.reason) == (Status.LOST, Status.OPEN, "客户重新询价")
    entry = AuditEntry.objects.get(action="leads.reactivated")
    assert entry.actor == manager and entry.data == {"status": ["lost", "open"], "grade": ["F", "N"], "reason": "客户重新询价"}


def test_a_manager_reactivates_a_dormant_lead_and_it_keeps_its_grade(consultant, manager, lead, store, frozen):
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.C)
    frozen.shift(dt.timedelta(days=store.dormant_after_days + 1))
    leads_mark_dormant()

    lead_reactivate(actor=manager, lead=lead, reason="车展邀约")

    lead.refresh_from_db()
    assert (lead.status, lead.grade) == (Status.OPEN, Grade.C)


def test_reactivating_needs_a_reason(manager, lost):
    with pytest.raises(DomainError) as refused:
        lead_reactivate(actor=manager, lead=lost, reason="   ")

    assert refused.value.field == "reason"
    lost.refresh_from_db()
    assert lost.status == Status.LOST


def test_only_a_manager_may_reactivate(consultant, lost):
    with pytest.raises(PermissionDenied):
        lead_reactivate(actor=consultant, lead=lost, reason="客户回来了")


def test_an_open_lead_cannot_be_reactivated(manager, lead):
    with pytest.raises(DomainError) as refused:
        lead_reactivate(actor=manager, lead=lead, reason="试试")

    assert refused.value.code == "lead_not_closed"


def test_another_stores_manager_gets_not_found(other_store, lost):
    with pytest.raises(NotFound):
        lead_reactivate(actor=UserFactory(store=other_store, role=Role.MANAGER), lead=lost, reason="试试")
