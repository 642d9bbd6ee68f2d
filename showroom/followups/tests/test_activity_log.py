"""Logging a contact on a lead: validated, it answers event tasks and sets the next follow-up."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Activity, Direction, Outcome, Task, TaskKind, TaskStatus
from showroom.followups.services import activity_log, task_create
from showroom.leads.models import Grade, LossReason, Status
from showroom.leads.services import lead_create, lead_decide_loss, lead_request_loss, lead_set_grade
from showroom.reception.services import visit_register

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


def _log(actor, lead, **kwargs):
    return activity_log(actor=actor, lead=lead, **{"channel": "phone", "outcome": Outcome.REACHED, "summary": "聊了预算", **kwargs})


def _follow_ups(lead):
    return list(Task.objects.filter(lead=lead, status=TaskStatus.OPEN, kind__in=(TaskKind.CADENCE, TaskKind.NEXT_STEP)))


def test_a_logged_call_is_kept_on_the_lead_with_who_when_and_what(consultant, lead):
    activity = _log(consultant, lead, direction=Direction.INBOUND, summary="  客户来电问Q5L价格  ")

    activity.refresh_from_db()
    assert (activity.lead, activity.actor, activity.store_id) == (lead, consultant, lead.store_id)
    assert (activity.channel, activity.direction, activity.outcome) == ("phone", "inbound", "reached")
    assert activity.summary == "客户来电问Q5L价格" and activity.occurred_at == NOW
    lead.refresh_from_db()
    assert lead.first_contacted_at == NOW and lead.last_contacted_at == NOW
    entry = AuditEntry.objects.get(action="followups.activity_logged")
    assert entry.target_id == lead.pk and entry.data["activity"] == activity.pk


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"summary": "   "}, "summary", "summary_required"),
        ({"summary": None}, "summary", "summary_required"),
        ({"channel": "pigeon"}, "channel", "channel_invalid"),
        ({"direction": "sideways"}, "direction", "direction_invalid"),
        ({"outcome": "maybe"}, "outcome", "outcome_invalid"),
        ({"occurred_at": NOW + dt.timedelta(minutes=6)}, "occurred_at", "occurred_in_future"),
        ({"next_step": "试驾", "next_step_at": NOW - dt.timedelta(minutes=1)}, "next_step_at", "next_step_past"),
        ({"next_step_at": NOW}, "next_step_at", "next_step_past"),
        ({"next_step": "试驾"}, "next_step_at", "next_step_date_required"),
        ({"grade": "O"}, "grade", "grade_invalid"),
    ],
)
def test_an_invalid_contact_is_refused_on_its_field_and_nothing_is_logged(consultant, lead, kwargs, field, code):
    with pytest.raises(DomainError) as refused:
        _log(consultant, lead, **kwargs)

    assert (refused.value.field, refused.value.code) == (field, code)
    assert not Activity.objects.exists()
    lead.refresh_from_db()
    assert lead.first_contacted_at is None


def test_a_contact_a_few_minutes_ahead_of_the_server_clock_is_accepted(consultant, lead):
    activity = _log(consultant, lead, occurred_at=NOW + dt.timedelta(minutes=4))

    assert activity.occurred_at == NOW + dt.timedelta(minutes=4)


def test_a_call_logged_late_counts_from_when_it_happened(consultant, lead):
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.B)

    _log(consultant, lead, occurred_at=NOW - dt.timedelta(days=2))

    lead.refresh_from_db()
    assert lead.last_contacted_at == NOW - dt.timedelta(days=2)
    assert lead.next_follow_up_at == NOW - dt.timedelta(days=2) + dt.timedelta(days=7)


def test_any_contact_answers_the_first_response_task_of_an_online_lead(store, consultant):
    platform = UserFactory(store=store, role=Role.INTEGRATION)
    lead, _ = lead_create(actor=platform, customer_fields={"name": "李四", "mobile": "13900139000"},
                          lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})

    activity = _log(consultant, lead, outcome=Outcome.NO_ANSWER, summary="未接通")

    task = Task.objects.get(lead=lead, kind=TaskKind.FIRST_RESPONSE)
    assert (task.status, task.outcome, task.activity, task.completed_at) == (TaskStatus.DONE, "no_answer", activity, NOW)


def test_a_contact_answers_the_call_owed_after_a_first_showroom_visit(receptionist, consultant):
    visit = visit_register(actor=receptionist, mobile="13900139000", name="李四")
    post_visit = Task.objects.get(lead=visit.lead, kind=TaskKind.POST_VISIT)

    _log(consultant, visit.lead, summary="感谢来店")

    post_visit.refresh_from_db()
    assert post_visit.status == TaskStatus.DONE


def test_an_agreed_next_step_replaces_the_grade_follow_up(consultant, lead):
    tomorrow_3pm = NOW + dt.timedelta(days=1, hours=5)

    _log(consultant, lead, outcome=Outcome.APPOINTMENT, next_step=" 周三来店试驾 ", next_step_at=tomorrow_3pm)

    [task] = _follow_ups(lead)
    assert (task.kind, task.title, task.due_at, task.is_appointment) == (TaskKind.NEXT_STEP, "周三来店试驾", tomorrow_3pm, True)
    lead.refresh_from_db()
    assert lead.next_follow_up_at == tomorrow_3pm


def test_a_reached_contact_without_a_next_step_plans_the_grade_interval_from_the_contact(consultant, lead, frozen):
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.A)
    frozen.shift(dt.timedelta(days=1))

    _log(consultant, lead)

    [task] = _follow_ups(lead)
    assert task.kind == TaskKind.CADENCE and task.due_at == NOW + dt.timedelta(days=1 + 3)


def test_a_no_answer_keeps_the_follow_up_that_was_planned(consultant, lead, frozen):
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.B)
    planned = _follow_ups(lead)[0].due_at
    frozen.shift(dt.timedelta(days=1))

    _log(consultant, lead, outcome=Outcome.NO_ANSWER, summary="没接")

    assert [t.due_at for t in _follow_ups(lead)] == [planned]
    lead.refresh_from_db()
    assert lead.last_contacted_at is None and lead.first_contacted_at == NOW + dt.timedelta(days=1)


def test_a_no_answer_on_a_lead_without_a_follow_up_plans_one(consultant, lead):
    Task.objects.filter(lead=lead).delete()  # as after its follow-up was cancelled by hand

    _log(consultant, lead, outcome=Outcome.BUSY, summary="在开会")

    assert [t.due_at for t in _follow_ups(lead)] == [NOW + dt.timedelta(days=1)]


def test_a_contact_may_regrade_the_lead_and_the_follow_up_uses_the_new_grade(consultant, lead):
    _log(consultant, lead, grade=Grade.H)

    lead.refresh_from_db()
    assert lead.grade == Grade.H
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=2)
    assert AuditEntry.objects.get(action="leads.grade_changed").data == {"from": "N", "to": "H"}


def test_a_contact_does_not_touch_the_consultants_own_tasks(consultant, lead):
    own = task_create(actor=consultant, lead=lead, title="寄资料", due_at=NOW + dt.timedelta(hours=3))

    _log(consultant, lead)

    own.refresh_from_db()
    assert own.status == TaskStatus.OPEN


def test_a_lost_lead_cannot_take_contacts_until_reactivated(consultant, manager, lead):
    lead_decide_loss(actor=manager, request=lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE),
                     approve=True)

    with pytest.raises(DomainError) as refused:
        _log(consultant, lead)

    assert refused.value.code == "lead_lost"
    lead.refresh_from_db()
    assert lead.status == Status.LOST


def test_a_manager_may_log_on_a_consultants_lead_but_a_colleague_gets_not_found(manager, colleague, outsider, lead):
    _log(manager, lead, summary="经理回访")

    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            _log(actor, lead)
    assert Activity.objects.count() == 1


def test_a_receptionist_cannot_log_contacts(receptionist, lead):
    with pytest.raises(PermissionDenied):
        _log(receptionist, lead)
