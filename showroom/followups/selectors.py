"""Reading contacts and follow-ups: the workbench's lists, the task list, scripts by scenario."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from showroom.core import clock

from .models import Activity, CallScript, Task, TaskStatus


def tasks_for(actor) -> QuerySet[Task]:
    """The follow-up tasks the actor may see."""
    return Task.objects.visible_to(actor)


def task_list(actor, *, owner_id: int | None = None, status: str = TaskStatus.OPEN, due: str = "", kind: str = "",
              mine: bool = False) -> QuerySet[Task]:
    """Tasks filtered by owner, status and due window ("overdue", "today", "week"), earliest first."""
    qs = tasks_for(actor).select_related("lead", "lead__customer", "owner")
    if mine:
        qs = qs.filter(owner=actor)
    elif owner_id:
        qs = qs.filter(owner_id=owner_id)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    now = clock.now()
    start, end = clock.day_range()
    if due == "overdue":
        qs = qs.filter(due_at__lt=now)
    elif due == "today":
        qs = qs.filter(due_at__gte=start, due_at__lt=end)
    elif due == "week":
        qs = qs.filter(due_at__lt=end + dt.timedelta(days=6))
    return qs.order_by("due_at", "id")


# What a task row on the workbench shows: loading only these keeps fifty rows cheap to build.
ROW_FIELDS = ("id", "store_id", "lead_id", "owner_id", "kind", "title", "due_at", "status", "is_appointment",
              "lead__grade", "lead__customer__name", "lead__customer__mobile")


def my_due_tasks(actor) -> QuerySet[Task]:
    """The consultant's open tasks due by the end of today (overdue ones included), earliest first."""
    return (
        tasks_for(actor).filter(owner=actor, status=TaskStatus.OPEN, due_at__lt=clock.end_of_today())
        .select_related("lead", "lead__customer").only(*ROW_FIELDS).order_by("due_at", "id")
    )


def my_appointments_today(actor) -> QuerySet[Task]:
    start, end = clock.day_range()
    return (
        tasks_for(actor).filter(owner=actor, is_appointment=True, due_at__gte=start, due_at__lt=end)
        .select_related("lead", "lead__customer").only(*ROW_FIELDS).order_by("due_at", "id")
    )


def overdue_by_consultant(actor) -> dict[int | None, int]:
    return dict(
        tasks_for(actor).filter(status=TaskStatus.OPEN, due_at__lt=clock.now())
        .values_list("owner_id").annotate(n=Count("id")).order_by()
    )


def activities_for(actor) -> QuerySet[Activity]:
    return Activity.objects.visible_to(actor)


def lead_activities(actor, lead_id: int) -> QuerySet[Activity]:
    return activities_for(actor).filter(lead_id=lead_id).select_related("actor").order_by("-occurred_at", "-id")


def scripts_for(actor, *, scenario: str = "", include_inactive: bool = False) -> QuerySet[CallScript]:
    """The store's call scripts (scripts are store knowledge, not customer data)."""
    if actor.store_id is None:
        return CallScript.objects.none()
    qs = CallScript.objects.filter(store_id=actor.store_id)
    if not include_inactive:
        qs = qs.filter(active=True)
    if scenario:
        qs = qs.filter(Q(scenario=scenario))
    return qs.order_by("scenario", "position", "id")
