"""Logging contacts, working follow-up tasks, keeping call scripts, and the scheduled cadence run."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.accounts.models import Store
from showroom.audit import services as audit
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.leads import services as leads
from showroom.leads.models import MANUAL_GRADES, Lead, Status

from . import cadence
from .models import (
    REACHED_OUTCOMES,
    Activity,
    CallScript,
    ContactChannel,
    Direction,
    Outcome,
    ScriptScenario,
    Task,
    TaskKind,
    TaskStatus,
)

# Tasks a logged contact fulfils by itself: the first response, and the call after a first visit.
_ANSWERED_BY_ANY_CONTACT = (TaskKind.FIRST_RESPONSE, TaskKind.POST_VISIT)


def _check_contact(*, channel: str, direction: str, outcome: str, summary: str, occurred_at: dt.datetime,
                   next_step_at: dt.datetime | None, next_step: str) -> None:
    if channel not in ContactChannel.values:
        raise DomainError(_("Choose how you contacted the customer."), code="channel_invalid", field="channel")
    if direction not in Direction.values:
        raise DomainError(_("Choose inbound or outbound."), code="direction_invalid", field="direction")
    if outcome not in Outcome.values:
        raise DomainError(_("Choose the outcome of the contact."), code="outcome_invalid", field="outcome")
    if not summary.strip():
        raise DomainError(_("Write what was said or done."), code="summary_required", field="summary")
    if occurred_at > clock.now() + dt.timedelta(minutes=5):
        raise DomainError(_("A contact cannot be logged in the future."), code="occurred_in_future", field="occurred_at")
    if next_step_at is not None and next_step_at <= clock.now():
        raise DomainError(_("The next step must be in the future."), code="next_step_past", field="next_step_at")
    if next_step.strip() and next_step_at is None:
        raise DomainError(_("Give the date of the next step."), code="next_step_date_required", field="next_step_at")


def activity_log(*, actor, lead: Lead, channel: str, outcome: str, summary: str, direction: str = Direction.OUTBOUND,
                 occurred_at: dt.datetime | None = None, next_step: str = "", next_step_at: dt.datetime | None = None,
                 grade: str = "", task: Task | None = None) -> Activity:
    """Log a contact on the lead; it answers the first-response and post-visit tasks, may re-grade the
    lead, and sets the next follow-up (the agreed next step, or the grade's interval)."""
    require(actor, Capability.WORK_LEADS)
    occurred_at = occurred_at or clock.now()
    next_step = (next_step or "").strip()
    _check_contact(channel=channel, direction=direction, outcome=outcome, summary=summary or "", occurred_at=occurred_at,
                   next_step_at=next_step_at, next_step=next_step)
    if grade and grade not in MANUAL_GRADES:
        raise DomainError(_("Choose grade H, A, B or C."), code="grade_invalid", field="grade")
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        if lead.owner_id is None:
            raise DomainError(_("Claim or assign the lead before logging contacts on it."), code="lead_unassigned", field="lead")
        if lead.status in (Status.LOST,):
            raise DomainError(_("The lead is closed as lost; a manager must reactivate it first."), code="lead_lost", field="lead")
        activity = Activity.objects.create(
            store_id=lead.store_id, lead=lead, actor=actor, channel=channel, direction=direction, outcome=outcome,
            summary=summary.strip(), next_step=next_step[:200], next_step_at=next_step_at, occurred_at=occurred_at,
        )
        reached = outcome in REACHED_OUTCOMES
        leads.lead_record_contact(actor=actor, lead=lead, at=occurred_at, reached=reached)
        if task is not None:
            _complete(task=task, lead=lead, activity=activity, outcome=outcome, result=summary)
        done = Task.objects.filter(lead=lead, status=TaskStatus.OPEN, kind__in=_ANSWERED_BY_ANY_CONTACT)
        done.update(status=TaskStatus.DONE, completed_at=clock.now(), outcome=outcome, activity=activity)
        audit.record(actor=actor, action="followups.activity_logged", target=lead, data={
            "channel": channel, "direction": direction, "outcome": outcome, "activity": activity.pk,
        })
        if grade and lead.status == Status.OPEN and grade != lead.grade:
            lead = leads.lead_set_grade(actor=actor, lead=lead, grade=grade)
        if lead.status == Status.OPEN:
            if next_step_at is not None:
                cadence.schedule_follow_up(lead=lead, actor=actor, due_at=next_step_at, kind=TaskKind.NEXT_STEP,
                                           title=next_step or _("Agreed next step"),
                                           is_appointment=outcome == Outcome.APPOINTMENT)
            elif reached or not _has_open_follow_up(lead):
                cadence.plan_by_grade(lead=lead, actor=actor, base=occurred_at if reached else clock.now())
        cadence.sync_next_follow_up(lead)
    return activity


def _has_open_follow_up(lead: Lead) -> bool:
    return Task.objects.filter(lead=lead, status=TaskStatus.OPEN, kind__in=cadence.FOLLOW_UP_KINDS).exists()


def _complete(*, task: Task, lead: Lead, activity: Activity | None, outcome: str, result: str) -> None:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.lead_id != lead.pk:
        raise DomainError(_("This task belongs to another lead."), code="task_other_lead", field="task")
    if task.status != TaskStatus.OPEN:
        raise DomainError(_("This task is already closed."), code="task_closed", field="task")
    task.status, task.completed_at, task.outcome, task.result, task.activity = (
        TaskStatus.DONE, clock.now(), outcome, result.strip(), activity,
    )
    task.save(update_fields=["status", "completed_at", "outcome", "result", "activity", "updated_at"])


def task_complete(*, actor, task: Task, channel: str, outcome: str, result: str, direction: str = Direction.OUTBOUND,
                  next_step: str = "", next_step_at: dt.datetime | None = None, grade: str = "") -> Task:
    """Do a follow-up: the contact is logged on the lead and the task closed with its outcome."""
    require(actor, Capability.WORK_LEADS)
    task = get_visible(Task, actor, task.pk)
    if task.status != TaskStatus.OPEN:
        raise DomainError(_("This task is already closed."), code="task_closed", field="task")
    activity_log(actor=actor, lead=task.lead, channel=channel, direction=direction, outcome=outcome, summary=result,
                 next_step=next_step, next_step_at=next_step_at, grade=grade, task=task)
    task.refresh_from_db()
    return task


def task_create(*, actor, lead: Lead, title: str, due_at: dt.datetime) -> Task:
    """Schedule a follow-up of the consultant's own on the lead."""
    require(actor, Capability.WORK_LEADS)
    if not (title or "").strip():
        raise DomainError(_("Say what is to be done."), code="title_required", field="title")
    if due_at is None:
        raise DomainError(_("Give the due date."), code="due_required", field="due_at")
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        leads.require_may_work(actor, lead)
        if lead.status not in (Status.OPEN, Status.WON):
            raise DomainError(_("Follow-ups can be scheduled only on an open or won lead."), code="lead_closed", field="lead")
        task = cadence.open_event_task(lead=lead, actor=actor, kind=TaskKind.MANUAL, due_at=due_at, title=title.strip())
        audit.record(actor=actor, action="followups.task_created", target=lead, data={"task": task.pk, "title": task.title,
                                                                                       "due_at": due_at})
        cadence.sync_next_follow_up(lead)
    return task


def task_reschedule(*, actor, task: Task, due_at: dt.datetime, title: str | None = None) -> Task:
    """Move a follow-up to another time (and optionally rename it)."""
    require(actor, Capability.WORK_LEADS)
    if due_at is None:
        raise DomainError(_("Give the due date."), code="due_required", field="due_at")
    if title is not None and not title.strip():
        raise DomainError(_("Say what is to be done."), code="title_required", field="title")
    with transaction.atomic():
        task = get_visible(Task, actor, task.pk, for_update=True, select_related=("lead",))
        leads.require_may_work(actor, task.lead)
        if task.status != TaskStatus.OPEN:
            raise DomainError(_("This task is already closed."), code="task_closed", field="task")
        before = task.due_at
        task.due_at, task.overdue_since = due_at, None
        fields = ["due_at", "overdue_since", "updated_at"]
        if title is not None:
            task.title = title.strip()[:200]
            fields.append("title")
        task.save(update_fields=fields)
        audit.record(actor=actor, action="followups.task_rescheduled", target=task.lead,
                     data={"task": task.pk, "due_at": [before, due_at]})
        cadence.sync_next_follow_up(task.lead)
    return task


def task_cancel(*, actor, task: Task, reason: str = "") -> Task:
    """Drop a follow-up that is no longer needed, with the reason."""
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        task = get_visible(Task, actor, task.pk, for_update=True, select_related=("lead",))
        leads.require_may_work(actor, task.lead)
        if task.status != TaskStatus.OPEN:
            raise DomainError(_("This task is already closed."), code="task_closed", field="task")
        task.status, task.completed_at, task.result = TaskStatus.CANCELLED, clock.now(), reason.strip()
        task.save(update_fields=["status", "completed_at", "result", "updated_at"])
        audit.record(actor=actor, action="followups.task_cancelled", target=task.lead, data={"task": task.pk, "reason": reason})
        cadence.sync_next_follow_up(task.lead)
    return task


def tasks_mark_overdue(*, now: dt.datetime | None = None) -> int:
    """Scheduled: flag open tasks whose due time has passed (for highlighting and timeliness figures)."""
    now = now or clock.now()
    return Task.objects.filter(status=TaskStatus.OPEN, due_at__lt=now, overdue_since__isnull=True).update(overdue_since=now)


def cadence_run(*, now: dt.datetime | None = None) -> dict:
    """The scheduled run: mark overdue tasks, then move leads without contact for too long to dormant."""
    now = now or clock.now()
    return {"overdue_tasks": tasks_mark_overdue(now=now), "dormant_leads": leads.leads_mark_dormant(now=now)}


# --- Call scripts -----------------------------------------------------------------------------------

def script_save(*, actor, store: Store, scenario: str, title: str, body: str, position: int = 0, active: bool = True,
                script: CallScript | None = None) -> CallScript:
    """Create or edit a phone script of the store (managers)."""
    require(actor, Capability.EDIT_SCRIPTS)
    if scenario not in ScriptScenario.values:
        raise DomainError(_("Choose the scenario of the script."), code="scenario_invalid", field="scenario")
    if not title.strip():
        raise DomainError(_("Give the script a title."), code="title_required", field="title")
    if not body.strip():
        raise DomainError(_("Write the script."), code="body_required", field="body")
    if actor.store_id and store.pk != actor.store_id:
        raise DomainError(_("Choose a script of your store."), code="store_invalid", field="store")
    with transaction.atomic():
        if script is None:
            script = CallScript(store=store)
        elif script.store_id != store.pk:
            raise DomainError(_("Choose a script of your store."), code="store_invalid", field="store")
        script.scenario, script.title, script.body = scenario, title.strip()[:100], body.strip()
        script.position, script.active, script.updated_by = position, active, actor
        script.save()
    return script
