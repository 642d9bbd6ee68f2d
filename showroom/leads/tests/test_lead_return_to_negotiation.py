"""The one way back in the seven steps: a cancelled order returns the lead from "Order" to "Quote and negotiation",
with who, when and why on its timeline and in the audit."""

import datetime as dt

import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.leads.models import Grade, Stage, StageTransition, Status
from showroom.leads.services import (
    lead_advance_stage,
    lead_create,
    lead_return_to_negotiation,
    lead_set_grade,
)
from showroom.leads.tests.scenario import NOW, WALK_IN, frozen  # noqa: F401 - shared fixtures

REASON = "订单 SO2026-000001 已退订：客户资金问题"


@pytest.fixture
def filed(consultant):
    """张三's walk-in lead, owned by the consultant."""
    return lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                       lead_fields=WALK_IN)[0]


@pytest.fixture
def ordered(consultant, filed):
    lead = filed
    for stage in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION, Stage.ORDER):
        lead = lead_advance_stage(actor=consultant, lead=lead, to=stage)
    return lead


def test_the_lead_goes_back_to_the_negotiation_ungraded_with_a_follow_up_tomorrow(consultant, ordered):
    lead_return_to_negotiation(actor=consultant, lead=ordered, reason=REASON)

    ordered.refresh_from_db()
    assert (ordered.stage, ordered.grade, ordered.status) == (Stage.NEGOTIATION, Grade.N, Status.OPEN)
    assert ordered.next_follow_up_at == NOW + dt.timedelta(days=1)
    back = StageTransition.objects.filter(lead=ordered).latest("id")
    assert (back.from_stage, back.to_stage, back.reason, back.actor) == (Stage.ORDER, Stage.NEGOTIATION, REASON,
                                                                         consultant)
    entry = AuditEntry.objects.get(action="leads.returned_to_negotiation")
    assert entry.actor == consultant and entry.data["reason"] == REASON and entry.data["grade"] == ["O", "N"]
    # Grade O followed the order; the consultant grades the customer again.
    lead_set_grade(actor=consultant, lead=ordered, grade=Grade.A)


def test_a_lead_not_at_the_order_step_does_not_go_back(consultant, filed):
    with pytest.raises(DomainError) as refused:
        lead_return_to_negotiation(actor=consultant, lead=filed, reason=REASON)
    assert refused.value.code == "lead_not_ordered"
    assert not StageTransition.objects.filter(lead=filed, to_stage=Stage.NEGOTIATION).exists()


def test_the_move_back_needs_its_reason(consultant, ordered):
    with pytest.raises(DomainError) as refused:
        lead_return_to_negotiation(actor=consultant, lead=ordered, reason="  ")
    assert refused.value.field == "reason"
    ordered.refresh_from_db()
    assert ordered.stage == Stage.ORDER


def test_only_who_works_the_lead_moves_it_back(store, consultant, colleague, receptionist, ordered):
    with pytest.raises(NotFound):
        lead_return_to_negotiation(actor=colleague, lead=ordered, reason=REASON)
    for user in (receptionist, UserFactory(store=store, role=Role.SERVICE_ADVISOR)):
        with pytest.raises(PermissionDenied):
            lead_return_to_negotiation(actor=user, lead=ordered, reason=REASON)
    ordered.refresh_from_db()
    assert ordered.stage == Stage.ORDER


def test_the_timeline_shows_the_move_back_once_as_a_stage_change_with_its_reason(client, consultant, ordered):
    from django.urls import reverse

    lead_return_to_negotiation(actor=consultant, lead=ordered, reason=REASON)
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[ordered.pk])).content.decode()

    assert "leads.returned_to_negotiation" not in page
    assert page.count(REASON) == 1
