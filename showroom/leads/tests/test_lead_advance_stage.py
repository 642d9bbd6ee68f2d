"""The seven steps: forward only, a skipped step needs a reason, order and delivery set grade and status."""

import datetime as dt

import pytest

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskKind, TaskStatus
from showroom.followups.services import task_create
from showroom.leads.models import Grade, Stage, StageTransition, Status
from showroom.leads.services import (
    lead_advance_stage,
    lead_create,
    lead_decide_loss,
    lead_request_loss,
    lead_set_grade,
)
from showroom.leads.tests.scenario import NOW, SHANGHAI, WALK_IN, frozen, lead  # noqa: F401 - shared fixtures


def _walk(actor, lead, *stages):
    for stage in stages:
        lead = lead_advance_stage(actor=actor, lead=lead, to=stage)
    return lead


def test_a_consultant_moves_a_lead_one_step_forward_and_the_move_is_recorded(consultant, lead):
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS)

    lead.refresh_from_db()
    assert lead.stage == Stage.NEEDS_ANALYSIS and lead.status == Status.OPEN and lead.version == 2
    move = StageTransition.objects.filter(lead=lead).latest("id")
    assert (move.from_stage, move.to_stage, move.skipped, move.reason, move.actor) == (
        Stage.FIRST_CONTACT, Stage.NEEDS_ANALYSIS, [], "", consultant,
    )
    entry = AuditEntry.objects.get(action="leads.stage_advanced")
    assert entry.data["from"] == Stage.FIRST_CONTACT and entry.data["to"] == Stage.NEEDS_ANALYSIS


def test_skipping_a_step_without_a_reason_is_refused_and_nothing_is_saved(consultant, lead):
    with pytest.raises(DomainError) as refused:
        lead_advance_stage(actor=consultant, lead=lead, to=Stage.TEST_DRIVE, skip_reason="  ")

    assert refused.value.field == "skip_reason" and refused.value.code == "skip_reason_required"
    assert "Needs analysis" in str(refused.value.message) and "Vehicle presentation" in str(refused.value.message)
    lead.refresh_from_db()
    assert lead.stage == Stage.FIRST_CONTACT and lead.version == 1
    assert not AuditEntry.objects.filter(action="leads.stage_advanced").exists()


def test_skipping_steps_with_a_reason_records_the_skipped_steps_and_the_reason(consultant, lead):
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.TEST_DRIVE, skip_reason=" 老车主，车型已定 ")

    move = StageTransition.objects.filter(lead=lead).latest("id")
    assert move.skipped == [Stage.NEEDS_ANALYSIS, Stage.PRESENTATION]
    assert move.skipped_labels == ["Needs analysis", "Vehicle presentation"]
    assert move.reason == "老车主，车型已定"
    entry = AuditEntry.objects.get(action="leads.stage_advanced")
    assert entry.data["skipped"] == [20, 30] and entry.data["reason"] == "老车主，车型已定"


@pytest.mark.parametrize("to", [Stage.PRESENTATION, Stage.NEEDS_ANALYSIS, Stage.FIRST_CONTACT])
def test_a_lead_cannot_move_back_or_stay_on_its_step(consultant, lead, to):
    _walk(consultant, lead, Stage.NEEDS_ANALYSIS, Stage.PRESENTATION)

    with pytest.raises(DomainError) as refused:
        lead_advance_stage(actor=consultant, lead=lead, to=to)

    assert refused.value.code == "stage_backwards"
    lead.refresh_from_db()
    assert lead.stage == Stage.PRESENTATION


@pytest.mark.parametrize("to", ["", "presentation", 35, None, 999])
def test_a_step_that_does_not_exist_is_refused(consultant, lead, to):
    with pytest.raises(DomainError) as refused:
        lead_advance_stage(actor=consultant, lead=lead, to=to)

    assert refused.value.code == "stage_invalid" and refused.value.field == "to"


def test_an_order_sets_grade_o_and_the_follow_up_moves_to_the_order_cadence(consultant, lead):
    lead = _walk(consultant, lead, Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION)

    lead_advance_stage(actor=consultant, lead=lead, to=Stage.ORDER)

    lead.refresh_from_db()
    assert lead.grade == Grade.O and lead.status == Status.OPEN
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=3)


def test_delivery_wins_the_lead_grades_it_d_and_cancels_its_follow_ups(consultant, lead):
    lead = _walk(consultant, lead, Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION, Stage.ORDER)

    lead_advance_stage(actor=consultant, lead=lead, to=Stage.DELIVERED)

    lead.refresh_from_db()
    assert (lead.status, lead.grade, lead.stage) == (Status.WON, Grade.D, Stage.DELIVERED)
    assert not Task.objects.filter(lead=lead, status=TaskStatus.OPEN, kind__in=(TaskKind.CADENCE, TaskKind.NEXT_STEP)).exists()
    assert lead.next_follow_up_at is None
    move = StageTransition.objects.filter(lead=lead).latest("id")
    assert (move.from_status, move.to_status) == (Status.OPEN, Status.WON)


def test_a_won_lead_moves_on_to_after_sales_follow_up_and_no_further(consultant, lead):
    lead = _walk(consultant, lead, Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION,
                 Stage.ORDER, Stage.DELIVERED)

    lead_advance_stage(actor=consultant, lead=lead, to=Stage.FOLLOW_UP)

    lead.refresh_from_db()
    assert lead.stage == Stage.FOLLOW_UP and lead.status == Status.WON


def test_a_lost_lead_cannot_move(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason="price")
    lead_decide_loss(actor=manager, request=request, approve=True)

    with pytest.raises(DomainError) as refused:
        lead_advance_stage(actor=manager, lead=lead, to=Stage.NEEDS_ANALYSIS)

    assert refused.value.code == "lead_not_open"


def test_a_lead_in_the_pool_must_be_assigned_before_it_moves(store, manager):
    store.lead_assignment = LeadAssignment.POOL
    store.save()
    platform = UserFactory(store=store, role=Role.INTEGRATION)
    pooled, _ = lead_create(actor=platform, customer_fields={"name": "李四", "mobile": "13900139000"},
                            lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})

    with pytest.raises(DomainError) as refused:
        lead_advance_stage(actor=manager, lead=pooled, to=Stage.NEEDS_ANALYSIS)

    assert refused.value.code == "lead_unassigned"


def test_moving_from_an_outdated_page_is_refused(consultant, lead):
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.B)

    with pytest.raises(Conflict):
        lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS, expected_version=1)


def test_a_manager_may_move_a_consultants_lead_but_not_a_colleague_or_receptionist(manager, colleague, receptionist, lead):
    lead_advance_stage(actor=manager, lead=lead, to=Stage.NEEDS_ANALYSIS)

    with pytest.raises(NotFound):
        lead_advance_stage(actor=colleague, lead=lead, to=Stage.PRESENTATION)
    with pytest.raises(PermissionDenied):
        lead_advance_stage(actor=receptionist, lead=lead, to=Stage.PRESENTATION)
    lead.refresh_from_db()
    assert lead.stage == Stage.NEEDS_ANALYSIS


def test_manual_tasks_survive_delivery_for_the_after_sales_calls(consultant, lead):
    lead = _walk(consultant, lead, Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION, Stage.ORDER)
    thanks = task_create(actor=consultant, lead=lead, title="交车后24小时回访", due_at=NOW + dt.timedelta(days=2))

    lead_advance_stage(actor=consultant, lead=lead, to=Stage.DELIVERED)

    thanks.refresh_from_db()
    assert thanks.status == TaskStatus.OPEN
    lead.refresh_from_db()
    assert lead.next_follow_up_at == thanks.due_at


def test_an_open_lead_cannot_skip_to_after_sales_follow_up_without_a_delivery(consultant, lead):
    with pytest.raises(DomainError) as refused:
        lead_advance_stage(actor=consultant, lead=lead, to=Stage.FOLLOW_UP, skip_reason="老客户")

    assert refused.value.code == "not_delivered" and refused.value.field == "to"
    lead.refresh_from_db()
    assert lead.stage == Stage.FIRST_CONTACT and lead.status == Status.OPEN


def test_skipping_straight_to_delivery_with_a_reason_wins_the_lead(consultant, lead):
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.DELIVERED, skip_reason="现车，当天成交交车")

    lead.refresh_from_db()
    assert (lead.stage, lead.status, lead.grade) == (Stage.DELIVERED, Status.WON, Grade.D)
