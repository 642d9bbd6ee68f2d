"""The follow-up cadence: which task a lead needs next, and when (used by lead and contact services).

A lead has at most one open *follow-up* task (kind cadence or agreed next step): the grade's interval
sets it, an agreed next step with a date replaces it. Event tasks (first response, the call after a
first visit) and tasks a consultant adds by hand live beside it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils.translation import gettext as _

from showroom.core import clock
from showroom.leads.models import DEFAULT_GRADE_POLICIES, GradePolicy, Lead, Status

from .models import Task, TaskKind, TaskStatus

FOLLOW_UP_KINDS = (TaskKind.CADENCE, TaskKind.NEXT_STEP)


def policy_for(store_id: int, grade: str) -> tuple[int | None, int | None]:
    """(purchase horizon days, follow-up interval days) for a grade in a store; (None, None) if no cadence."""
    row = GradePolicy.objects.filter(store_id=store_id, grade=grade).values_list("horizon_days", "follow_up_days").first()
    if row is not None:
        return row
    return DEFAULT_GRADE_POLICIES.get(grade, (None, None))


def schedule_follow_up(*, lead: Lead, actor, due_at: dt.datetime, kind: str = TaskKind.CADENCE, title: str = "",
                       is_appointment: bool = False) -> Task | None:
    """Set the lead's one open follow-up task to `due_at` (creating it if there is none)."""
    if lead.status != Status.OPEN:
        return None
    title = title or _("Follow up (grade %(grade)s)") % {"grade": lead.grade}
    task = Task.objects.filter(lead=lead, status=TaskStatus.OPEN, kind__in=FOLLOW_UP_KINDS).order_by("due_at").first()
    if task is None:
        task = Task.objects.create(
            store_id=lead.store_id, lead=lead, owner_id=lead.owner_id, kind=kind, title=title[:200], due_at=due_at,
            is_appointment=is_appointment, created_by=actor if getattr(actor, "pk", None) else None,
        )
    else:
        task.kind, task.title, task.due_at, task.owner_id, task.overdue_since = kind, title[:200], due_at, lead.owner_id, None
        task.is_appointment = is_appointment
        task.save(update_fields=["kind", "title", "due_at", "owner", "overdue_since", "is_appointment", "updated_at"])
    return task


def plan_by_grade(*, lead: Lead, actor, base: dt.datetime | None = None) -> Task | None:
    """Schedule the next follow-up one grade interval after `base` (now by default)."""
    _, interval = policy_for(lead.store_id, lead.grade)
    if interval is None:
        return None
    return schedule_follow_up(lead=lead, actor=actor, due_at=(base or clock.now()) + dt.timedelta(days=interval))


def open_event_task(*, lead: Lead, actor, kind: str, due_at: dt.datetime, title: str) -> Task:
    """A task caused by an event (a new online lead, a first visit), owned by the lead's consultant."""
    return Task.objects.create(
        store_id=lead.store_id, lead=lead, owner_id=lead.owner_id, kind=kind, title=title[:200], due_at=due_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def close_open_tasks(*, lead: Lead, kinds: tuple[str, ...] | None = None) -> int:
    """Cancel a lead's open tasks (it was lost, went dormant or was won)."""
    qs = Task.objects.filter(lead=lead, status=TaskStatus.OPEN)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.update(status=TaskStatus.CANCELLED, completed_at=clock.now())


def reassign_open_tasks(*, lead: Lead) -> int:
    return Task.objects.filter(lead=lead, status=TaskStatus.OPEN).update(owner_id=lead.owner_id)


def sync_next_follow_up(lead: Lead) -> None:
    """Keep the lead's "next follow-up" equal to its earliest open task."""
    due = Task.objects.filter(lead=lead, status=TaskStatus.OPEN).aggregate(due=Min("due_at"))["due"]
    if due != lead.next_follow_up_at:
        lead.next_follow_up_at = due
        Lead.objects.filter(pk=lead.pk).update(next_follow_up_at=due)
