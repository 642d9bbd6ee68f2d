"""Contacts and follow-up tasks over JSON: log a contact on a lead, list and work the tasks."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.accounts.capabilities import Capability, require
from showroom.core import clock
from showroom.core.api import Body, Id, Input, Pagination, When, fields_renamed
from showroom.core.scoping import get_visible
from showroom.leads.api import CustomerRef, UserRef
from showroom.leads.models import Grade, Lead

from . import selectors, services
from .models import ContactChannel, Direction, Outcome, Task, TaskKind, TaskStatus

router = Router()

_AS_TASK_ID = {"task": "task_id", "lead": "lead_id"}


# --- Output -------------------------------------------------------------------------------------

class ActivityOut(Schema):
    id: int
    lead_id: int
    actor: UserRef | None
    channel: ContactChannel
    direction: Direction
    outcome: Outcome
    summary: str
    next_step: str
    next_step_at: dt.datetime | None
    occurred_at: dt.datetime
    created_at: dt.datetime


class TaskOut(Schema):
    id: int
    lead_id: int
    customer: CustomerRef
    owner: UserRef | None
    kind: TaskKind
    title: str
    due_at: dt.datetime
    status: TaskStatus
    is_appointment: bool
    overdue: bool
    overdue_since: dt.datetime | None
    completed_at: dt.datetime | None
    outcome: Outcome | Literal[""]
    result: str
    created_at: dt.datetime

    @staticmethod
    def resolve_customer(obj):
        return obj.lead.customer

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.overdue_at(clock.now())


# --- Input --------------------------------------------------------------------------------------

class ContactIn(Body):
    channel: ContactChannel
    direction: Direction = Direction.OUTBOUND
    outcome: Outcome
    next_step: str = Field("", max_length=200)
    next_step_at: When | None = Field(None, description="When the agreed next step is due; schedules the follow-up.")
    grade: Grade | None = Field(None, description="Re-grade the lead (H, A, B or C) with this contact.")


class ActivityIn(ContactIn):
    summary: str = Field(..., max_length=5000)
    occurred_at: When | None = Field(None, description="Default: now.")


class TaskFiltersIn(Input):
    owner_id: Id | None = None
    mine: bool | None = Field(None, description="Only my tasks (the default for consultants).")
    status: Literal["open", "done", "cancelled", "all"] = "open"
    due: Literal["", "overdue", "today", "week"] = ""
    kind: TaskKind | None = None


class TaskIn(Body):
    title: str = Field(..., max_length=200)
    due_at: When


class TaskCompleteIn(ContactIn):
    result: str = Field(..., max_length=5000, description="What was said or done.")


class TaskRescheduleIn(Body):
    due_at: When
    title: str = Field(None, max_length=200)


class TaskCancelIn(Body):
    reason: str = Field("", max_length=1000)


# --- Helpers ------------------------------------------------------------------------------------

def _task(request, task_id: int) -> Task:
    return get_visible(Task, request.auth, task_id, select_related=("lead", "lead__customer", "owner"))


# --- Activities ---------------------------------------------------------------------------------

@router.get("/leads/{lead_id}/activities", response=list[ActivityOut], tags=["activities"])
@paginate(Pagination, page_size=25)
def list_activities(request, lead_id: Id):
    """The contacts logged on the lead, newest first."""
    lead = get_visible(Lead, request.auth, lead_id)
    return selectors.lead_activities(request.auth, lead.pk)


@router.post("/leads/{lead_id}/activities", response={201: ActivityOut}, tags=["activities"])
def log_activity(request, lead_id: Id, payload: ActivityIn):
    """Log a contact; it answers the first-response and post-visit tasks and sets the next follow-up."""
    lead = get_visible(Lead, request.auth, lead_id)
    data = payload.dict()
    data["grade"] = data["grade"] or ""
    with fields_renamed(_AS_TASK_ID):
        return Reply(201, services.activity_log(actor=request.auth, lead=lead, **data))


# --- Tasks --------------------------------------------------------------------------------------

@router.get("/tasks", response=list[TaskOut], tags=["tasks"])
@paginate(Pagination, page_size=25)
def list_tasks(request, filters: TaskFiltersIn = Query(...)):  # noqa: B008
    """Follow-up tasks, earliest first; a consultant sees their own unless `mine=false`."""
    actor = request.auth
    require(actor, Capability.WORK_LEADS)
    mine = filters.mine if filters.mine is not None else (actor.sells and filters.owner_id is None)
    return selectors.task_list(actor, owner_id=filters.owner_id, status="" if filters.status == "all" else filters.status,
                               due=filters.due, kind=filters.kind or "", mine=mine)


@router.post("/leads/{lead_id}/tasks", response={201: TaskOut}, tags=["tasks"])
def create_task(request, lead_id: Id, payload: TaskIn):
    """Schedule a follow-up on the lead."""
    lead = get_visible(Lead, request.auth, lead_id)
    with fields_renamed(_AS_TASK_ID):
        task = services.task_create(actor=request.auth, lead=lead, **payload.dict())
    return Reply(201, _task(request, task.pk))


@router.get("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def get_task(request, task_id: Id):
    return _task(request, task_id)


@router.post("/tasks/{task_id}/complete", response=TaskOut, tags=["tasks"])
def complete_task(request, task_id: Id, payload: TaskCompleteIn):
    """Do the follow-up: the contact is logged on the lead and the task closed with its outcome."""
    data = payload.dict()
    data["grade"] = data["grade"] or ""
    with fields_renamed({**_AS_TASK_ID, "summary": "result"}):
        services.task_complete(actor=request.auth, task=_task(request, task_id), **data)
    return _task(request, task_id)


@router.patch("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def reschedule_task(request, task_id: Id, payload: TaskRescheduleIn):
    """Move the follow-up to another time (and optionally rename it)."""
    with fields_renamed(_AS_TASK_ID):
        services.task_reschedule(actor=request.auth, task=_task(request, task_id), **payload.dict(exclude_unset=True))
    return _task(request, task_id)


@router.post("/tasks/{task_id}/cancel", response=TaskOut, tags=["tasks"])
def cancel_task(request, task_id: Id, payload: TaskCancelIn | None = None):
    """Drop the follow-up (the body with a reason is optional)."""
    with fields_renamed(_AS_TASK_ID):
        services.task_cancel(actor=request.auth, task=_task(request, task_id), reason=payload.reason if payload else "")
    return _task(request, task_id)
