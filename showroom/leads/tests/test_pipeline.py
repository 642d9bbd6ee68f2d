"""The pipeline figures: my leads per stage and grade, the store's per consultant, one lead's timeline."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.core.choices import Channel, Source
from showroom.followups.models import Outcome
from showroom.followups.services import activity_log
from showroom.leads.models import Grade, LossReason, Stage
from showroom.leads.selectors import lead_timeline, pipeline_by_consultant, pipeline_counts
from showroom.leads.services import (
    lead_advance_stage,
    lead_assign,
    lead_create,
    lead_decide_loss,
    lead_request_loss,
)
from showroom.reception.services import visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _lead(actor, n, **kwargs):
    return lead_create(actor=actor, customer_fields={"name": f"客户{n}", "mobile": f"1380000{n:04d}"}, lead_fields=WALK_IN,
                       **kwargs)[0]


def test_my_pipeline_counts_my_open_leads_per_stage_and_grade(consultant, colleague, manager):
    _lead(consultant, 1, grade=Grade.H)
    moved = _lead(consultant, 2, grade=Grade.A)
    lead_advance_stage(actor=consultant, lead=moved, to=Stage.NEEDS_ANALYSIS)
    lost = _lead(consultant, 3)
    lead_decide_loss(actor=manager, request=lead_request_loss(actor=consultant, lead=lost, reason=LossReason.PRICE),
                     approve=True)
    _lead(colleague, 4, grade=Grade.H)

    counts = pipeline_counts(consultant)

    assert counts["total"] == 2
    assert dict(counts["stages"])[Stage.FIRST_CONTACT] == 1 and dict(counts["stages"])[Stage.NEEDS_ANALYSIS] == 1
    assert dict(counts["grades"]) == {Grade.N: 0, Grade.H: 1, Grade.A: 1, Grade.B: 0, Grade.C: 0, Grade.O: 0}
    assert pipeline_counts(manager)["total"] == 3
    assert pipeline_counts(manager, owner_id=colleague.pk)["total"] == 1


def test_the_manager_sees_each_consultants_pipeline_and_overdue_follow_ups(consultant, colleague, manager, frozen):
    _lead(consultant, 1)
    _lead(consultant, 2, grade=Grade.C)
    frozen.shift(dt.timedelta(days=2))

    rows = {row["owner"]: row for row in pipeline_by_consultant(manager)}

    assert rows[consultant]["total"] == 2 and rows[consultant]["overdue"] == 1
    assert rows[colleague]["total"] == 0 and rows[colleague]["overdue"] == 0
    assert rows[consultant]["stages"][0] == 2


def test_the_timeline_shows_contacts_stage_changes_visits_and_audit_newest_first(receptionist, consultant, frozen):
    lead = _lead(consultant, 1)
    frozen.shift(dt.timedelta(hours=1))
    activity_log(actor=consultant, lead=lead, channel="phone", outcome=Outcome.APPOINTMENT, summary="约来店")
    frozen.shift(dt.timedelta(hours=1))
    visit_register(actor=receptionist, mobile="13800000001")
    frozen.shift(dt.timedelta(hours=1))
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS)

    items = lead_timeline(lead)

    kinds = [item["kind"] for item in items]
    assert {"activity", "transition", "visit", "audit"} <= set(kinds)
    assert [item["at"] for item in items] == sorted((item["at"] for item in items), reverse=True)
    assert items[0]["at"] == NOW + dt.timedelta(hours=3)


def test_the_timeline_reads_each_kind_of_row_through_its_own_visibility_rule(store, receptionist, consultant):
    advisor = UserFactory(store=store, role=Role.SERVICE_ADVISOR)
    lead = _lead(advisor, 1, owner=None)
    lead_assign(actor=UserFactory(store=store, role=Role.MANAGER), lead=lead, owner=consultant)
    activity_log(actor=consultant, lead=lead, channel="phone", outcome=Outcome.APPOINTMENT, summary="约来店")
    visit_register(actor=receptionist, mobile="13800000001")

    seen_by_owner = {item["kind"] for item in lead_timeline(lead, consultant)}
    seen_by_referrer = {item["kind"] for item in lead_timeline(lead, advisor)}

    assert {"activity", "transition", "visit", "audit"} <= seen_by_owner
    # The service advisor who referred the customer follows the lead, not reception's showroom log.
    assert "activity" in seen_by_referrer and "visit" not in seen_by_referrer


def test_the_timeline_runs_the_same_number_of_queries_however_long_the_history(consultant):
    lead = _lead(consultant, 1)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            [(item["actor"] and item["actor"].display_name) for item in lead_timeline(lead)]
        return len(ctx.captured_queries)

    activity_log(actor=consultant, lead=lead, channel="phone", outcome=Outcome.REACHED, summary="1")
    small = count()
    for n in range(10):
        activity_log(actor=consultant, lead=lead, channel="phone", outcome=Outcome.REACHED, summary=str(n))
    assert count() == small
