"""Leads without a successful contact for the store's configured days go dormant; reaching them wakes them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.followups.models import Outcome, Task, TaskStatus
from showroom.followups.services import activity_log
from showroom.leads.models import Grade, LossReason, Stage, StageTransition, Status
from showroom.leads.services import (
    lead_advance_stage,
    lead_create,
    lead_decide_loss,
    lead_request_loss,
    lead_set_grade,
    leads_mark_dormant,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def store30(store):
    store.dormant_after_days = 30
    store.save()
    return store


def _lead(owner, n=0):
    return lead_create(actor=owner, customer_fields={"name": f"客户{n}", "mobile": f"1380013{n:04d}"}, lead_fields=WALK_IN)[0]


def _call(actor, lead, outcome=Outcome.REACHED):
    return activity_log(actor=actor, lead=lead, channel="phone", outcome=outcome, summary="电话回访")


def test_a_lead_nobody_reached_for_the_stores_days_goes_dormant_and_its_tasks_are_cancelled(store30, consultant, frozen):
    lead = _lead(consultant)
    frozen.shift(dt.timedelta(days=30, seconds=1))

    assert leads_mark_dormant() == 1

    lead.refresh_from_db()
    assert lead.status == Status.DORMANT and lead.next_follow_up_at is None and lead.version == 2
    assert not Task.objects.filter(lead=lead, status=TaskStatus.OPEN).exists()
    move = StageTransition.objects.filter(lead=lead).latest("id")
    assert (move.from_status, move.to_status, move.actor) == (Status.OPEN, Status.DORMANT, None)
    assert "30" in move.reason


def test_a_lead_is_still_open_one_moment_before_the_configured_days(store30, consultant, frozen):
    lead = _lead(consultant)
    frozen.shift(dt.timedelta(days=30) - dt.timedelta(seconds=1))

    assert leads_mark_dormant() == 0
    lead.refresh_from_db()
    assert lead.status == Status.OPEN


def test_going_dormant_is_audited_with_no_actor_and_the_old_and_new_status(store30, consultant, frozen):
    lead = _lead(consultant)
    frozen.shift(dt.timedelta(days=31))

    leads_mark_dormant()

    entry = AuditEntry.objects.get(action="leads.went_dormant")
    assert entry.actor is None and entry.target_id == lead.pk and entry.store_id == lead.store_id
    assert entry.data == {"status": ["open", "dormant"], "days_without_contact": 30}


def test_a_successful_contact_restarts_the_clock_but_an_unanswered_call_does_not(store30, consultant, frozen):
    reached = _lead(consultant, 1)
    unanswered = _lead(consultant, 2)
    frozen.shift(dt.timedelta(days=20))
    _call(consultant, reached, Outcome.REACHED)
    _call(consultant, unanswered, Outcome.NO_ANSWER)
    frozen.shift(dt.timedelta(days=11))

    assert leads_mark_dormant() == 1

    reached.refresh_from_db()
    unanswered.refresh_from_db()
    assert reached.status == Status.OPEN
    assert unanswered.status == Status.DORMANT


def test_each_store_uses_its_own_number_of_days(store30, other_store, consultant, outsider, frozen):
    other_store.dormant_after_days = 90
    other_store.save()
    mine = _lead(consultant, 1)
    theirs = _lead(outsider, 2)
    frozen.shift(dt.timedelta(days=60))

    leads_mark_dormant()

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Status.DORMANT, Status.OPEN)


def test_ordered_won_lost_and_pending_loss_leads_never_go_dormant(store30, consultant, manager, frozen):
    ordered, won, lost, pending = (_lead(consultant, n) for n in range(4))
    for stage in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION, Stage.ORDER):
        lead_advance_stage(actor=consultant, lead=ordered, to=stage)
        lead_advance_stage(actor=consultant, lead=won, to=stage)
    lead_advance_stage(actor=consultant, lead=won, to=Stage.DELIVERED)
    lead_decide_loss(actor=manager, request=lead_request_loss(actor=consultant, lead=lost, reason=LossReason.PRICE), approve=True)
    lead_request_loss(actor=consultant, lead=pending, reason=LossReason.PRICE)
    frozen.shift(dt.timedelta(days=100))

    assert leads_mark_dormant() == 0
    assert not AuditEntry.objects.filter(action="leads.went_dormant").exists()


def test_a_second_run_finds_nothing_more_to_do(store30, consultant, frozen):
    _lead(consultant)
    frozen.shift(dt.timedelta(days=31))

    assert leads_mark_dormant() == 1
    assert leads_mark_dormant() == 0
    assert AuditEntry.objects.filter(action="leads.went_dormant").count() == 1


def test_many_leads_go_dormant_in_batches(store30, consultant, frozen):
    leads = [_lead(consultant, n) for n in range(5)]
    frozen.shift(dt.timedelta(days=31))

    assert leads_mark_dormant(batch=2) == 5

    assert AuditEntry.objects.filter(action="leads.went_dormant").count() == 5
    assert {lead.pk for lead in leads} == set(
        AuditEntry.objects.filter(action="leads.went_dormant").values_list("target_id", flat=True)
    )


def test_reaching_a_dormant_customer_wakes_the_lead_and_plans_the_next_follow_up(store30, consultant, frozen):
    lead = _lead(consultant)
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.B)
    frozen.shift(dt.timedelta(days=31))
    leads_mark_dormant()

    _call(consultant, lead, Outcome.REACHED)

    lead.refresh_from_db()
    assert lead.status == Status.OPEN and lead.grade == Grade.B
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=31 + 7)
    entry = AuditEntry.objects.get(action="leads.woke_up")
    assert entry.actor == consultant and entry.data["status"] == ["dormant", "open"]


def test_an_unanswered_call_to_a_dormant_customer_leaves_the_lead_dormant(store30, consultant, frozen):
    lead = _lead(consultant)
    frozen.shift(dt.timedelta(days=31))
    leads_mark_dormant()

    _call(consultant, lead, Outcome.NO_ANSWER)

    lead.refresh_from_db()
    assert lead.status == Status.DORMANT
    assert not Task.objects.filter(lead=lead, status=TaskStatus.OPEN).exists()


def test_the_owner_still_sees_a_dormant_lead_and_a_colleague_does_not(store30, consultant, colleague, frozen):
    from showroom.leads.selectors import leads_for

    lead = _lead(consultant)
    frozen.shift(dt.timedelta(days=31))
    leads_mark_dormant()

    assert list(leads_for(consultant)) == [lead]
    assert list(leads_for(colleague)) == []
