"""Grading a lead H/A/B/C sets how soon the consultant follows up, from the store's grade policy."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import Role
from showroom.accounts.services import store_update_settings
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskKind, TaskStatus
from showroom.leads.models import DEFAULT_GRADE_POLICIES, Grade, GradePolicy, Stage
from showroom.leads.services import lead_advance_stage, lead_create, lead_set_grade

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lead(consultant):
    return lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=WALK_IN)[0]


def _follow_ups(lead):
    return Task.objects.filter(lead=lead, status=TaskStatus.OPEN, kind__in=(TaskKind.CADENCE, TaskKind.NEXT_STEP))


def test_a_new_store_starts_with_the_default_cadence_per_grade(store):
    policies = {p.grade: (p.horizon_days, p.follow_up_days) for p in GradePolicy.objects.filter(store=store)}

    assert policies == DEFAULT_GRADE_POLICIES
    assert {g: days for g, (_, days) in policies.items() if g in "HABC"} == {"H": 2, "A": 3, "B": 7, "C": 15}


@pytest.mark.parametrize(("grade", "days"), [(Grade.H, 2), (Grade.A, 3), (Grade.B, 7), (Grade.C, 15)])
def test_each_grade_sets_the_next_follow_up_at_its_interval(consultant, lead, grade, days):
    lead_set_grade(actor=consultant, lead=lead, grade=grade)

    lead.refresh_from_db()
    assert lead.grade == grade
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=days)
    assert [t.due_at for t in _follow_ups(lead)] == [NOW + dt.timedelta(days=days)]


def test_the_stores_own_intervals_override_the_defaults(store, consultant, lead):
    admin = UserFactory(store=store, role=Role.STORE_ADMIN)
    store_update_settings(actor=admin, store=store, fields={}, grade_policies={Grade.H: (5, 1), Grade.B: (21, 5)})

    lead_set_grade(actor=consultant, lead=lead, grade=Grade.H)
    lead.refresh_from_db()
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=1)

    lead_set_grade(actor=consultant, lead=lead, grade=Grade.B)
    lead.refresh_from_db()
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=5)


def test_another_stores_intervals_do_not_apply(store, other_store, consultant, lead):
    GradePolicy.objects.filter(store=other_store, grade=Grade.A).update(follow_up_days=1)

    lead_set_grade(actor=consultant, lead=lead, grade=Grade.A)

    lead.refresh_from_db()
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=3)


def test_regrading_later_recomputes_the_next_follow_up_from_now_and_keeps_one_follow_up_task(consultant, lead, frozen):
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.C)
    frozen.shift(dt.timedelta(days=4))

    lead_set_grade(actor=consultant, lead=lead, grade=Grade.H)

    lead.refresh_from_db()
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=6)
    assert _follow_ups(lead).count() == 1


def test_a_grade_change_is_audited_from_old_to_new(consultant, lead):
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.B)
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.A)

    entries = AuditEntry.objects.filter(action="leads.grade_changed").order_by("id")
    assert [e.data for e in entries] == [{"from": "N", "to": "B"}, {"from": "B", "to": "A"}]


def test_setting_the_same_grade_again_changes_nothing(consultant, lead):
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.B)
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.B)

    lead.refresh_from_db()
    assert lead.version == 2
    assert AuditEntry.objects.filter(action="leads.grade_changed").count() == 1


@pytest.mark.parametrize("grade", [Grade.N, Grade.O, Grade.D, Grade.F, "X", ""])
def test_only_h_a_b_and_c_can_be_set_by_hand(consultant, lead, grade):
    with pytest.raises(DomainError) as refused:
        lead_set_grade(actor=consultant, lead=lead, grade=grade)

    assert refused.value.code == "grade_invalid" and refused.value.field == "grade"
    lead.refresh_from_db()
    assert lead.grade == Grade.N


def test_an_ordered_lead_keeps_its_grade_o(consultant, lead):
    for stage in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION, Stage.ORDER):
        lead_advance_stage(actor=consultant, lead=lead, to=stage)

    with pytest.raises(DomainError) as refused:
        lead_set_grade(actor=consultant, lead=lead, grade=Grade.H)

    assert refused.value.code == "grade_locked"


def test_a_colleague_gets_not_found_and_a_receptionist_is_refused(colleague, outsider, receptionist, lead):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            lead_set_grade(actor=actor, lead=lead, grade=Grade.H)
    with pytest.raises(PermissionDenied):
        lead_set_grade(actor=receptionist, lead=lead, grade=Grade.H)


def test_a_follow_up_interval_below_one_day_is_refused_by_the_store_settings(store):
    admin = UserFactory(store=store, role=Role.STORE_ADMIN)

    with pytest.raises(DomainError) as refused:
        store_update_settings(actor=admin, store=store, fields={}, grade_policies={Grade.H: (7, 0)})

    assert refused.value.field == "follow_up_H"
    assert GradePolicy.objects.get(store=store, grade=Grade.H).follow_up_days == 2
