"""Follow-up pages: the consultant's workbench, the task list, working a task, and the call scripts."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from showroom.accounts.capabilities import Capability, can, require, sees_whole_store
from showroom.accounts.selectors import task_owners
from showroom.core import clock
from showroom.core.errors import DomainError, NotFound
from showroom.core.humanize import late_by
from showroom.core.scoping import get_visible
from showroom.core.web import form_error, next_url, paginate, panels, querystring_without_page, render_form
from showroom.leads import selectors as leads
from showroom.reception import selectors as reception

from . import selectors, services
from .forms import (
    ScriptForm,
    TaskCancelForm,
    TaskCompleteForm,
    TaskFilterForm,
    TaskRescheduleForm,
)
from .models import ScriptScenario, Task, TaskKind, TaskStatus

# The workbench shows the earliest of the day's work; the task list has the rest.
WORKBENCH_ROWS = 50

# The call script shown beside the form of each kind of task.
SCENARIO_OF_KIND = {TaskKind.FIRST_RESPONSE: ScriptScenario.FIRST_CALL, TaskKind.POST_VISIT: ScriptScenario.POST_VISIT}


def _next_url(request) -> str:
    """Where to go after the action: the page the user came from (if it is ours), or the workbench."""
    return next_url(request, reverse("followups:workbench"))


def _done(request, message: str):
    messages.success(request, message)
    target = _next_url(request)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _mark_overdue(tasks, now) -> list[Task]:
    tasks = list(tasks)
    for task in tasks:
        task.is_overdue = task.overdue_at(now)
        task.late = late_by(task.due_at, now) if task.is_overdue else ""
    return tasks


@login_required
def workbench(request):
    """The consultant's day: follow-ups due and overdue, appointments, walk-ins, pipeline, late first responses."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    now = clock.now()
    due = _mark_overdue(selectors.my_due_tasks(user)[: WORKBENCH_ROWS + 1], now)
    first_response = (
        leads.first_response_overdue(user).filter(owner=user).select_related("customer")
        .order_by("first_response_due_at", "id")[:WORKBENCH_ROWS]
    )
    first_response = list(first_response)
    for lead in first_response:
        lead.late = late_by(lead.first_response_due_at, now)
    walk_ins = list(reception.my_walk_ins_today(user))
    for visit in walk_ins:
        visit.customer_label = reception.customer_label(visit)
    return render(request, "followups/workbench.html", {
        "now": now,
        "due_tasks": due[:WORKBENCH_ROWS],
        "next_param": quote(request.get_full_path(), safe="/"),
        "more_due": len(due) > WORKBENCH_ROWS,
        "overdue_count": sum(1 for task in due if task.is_overdue),
        "appointments": list(selectors.my_appointments_today(user)),
        "walk_ins": walk_ins,
        "pipeline": leads.pipeline_counts(user, owner_id=user.pk),
        "first_response": first_response,
    })


@login_required
def workbench_cards(request):
    """The workbench's cards of the later steps (approvals, orders, deliveries, after-delivery calls): loaded after
    the day's list and refreshed every minute, so a manager's decision shows up without reloading the page."""
    require(request.user, Capability.WORK_LEADS)
    return render(request, "followups/_workbench_cards.html", {
        "panels": panels("WORKBENCH_PANELS", request), "now": clock.now(),
        "return_to": reverse("followups:workbench"),  # where the cards' actions come back to, not this fragment
    })


@login_required
def task_list(request):
    """Follow-up tasks with filters; managers see the whole store's and can pick a consultant."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    whole_store = sees_whole_store(user)
    form = TaskFilterForm(request.GET, owners=task_owners(user) if whole_store else None)
    filters = form.filters()
    if not whole_store:
        filters.update(owner_id=None, mine=True)
    page = paginate(request, selectors.task_list(user, **filters))
    page.object_list = _mark_overdue(page.object_list, clock.now())
    context = {"form": form, "page": page, "whole_store": whole_store, "query": querystring_without_page(request),
               "next": request.get_full_path()}
    template = "followups/_task_table.html" if request.htmx else "followups/task_list.html"
    return render(request, template, context)


def _open_task(request, pk) -> Task:
    return get_visible(Task, request.user, pk, select_related=("lead", "lead__customer", "owner"))


def _panel_context(request, task: Task, form) -> dict:
    return {"task": task, "form": form, "next": _next_url(request), "in_modal": request.GET.get("modal") == "1",
            "closed": task.status != TaskStatus.OPEN, "is_overdue": task.overdue_at(clock.now())}


@login_required
def task_complete(request, pk):
    """Log the call that does the follow-up, beside the store's script for it."""
    user = request.user
    task = _open_task(request, pk)
    form = TaskCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_complete(actor=user, task=task, **form.cleaned_data)
        except DomainError as err:
            form_error(form, err)
        else:
            return _done(request, _("Follow-up done and logged on the lead."))
    scenario = SCENARIO_OF_KIND.get(task.kind, ScriptScenario.VISIT_INVITATION)
    context = _panel_context(request, task, form) | {"scripts": list(selectors.scripts_for(user, scenario=scenario))}
    return render_form(request, "followups/task_complete.html", context, partial="followups/_task_complete.html")


@login_required
def task_reschedule(request, pk):
    """Move a follow-up to another time, or drop it."""
    user = request.user
    task = _open_task(request, pk)
    form = TaskRescheduleForm(request.POST or None, initial={"due_at": task.due_at, "title": task.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.task_reschedule(actor=user, task=task, **form.cleaned_data)
        except DomainError as err:
            form_error(form, err)
        else:
            return _done(request, _("Follow-up rescheduled."))
    context = _panel_context(request, task, form) | {"cancel_form": TaskCancelForm()}
    return render_form(request, "followups/task_reschedule.html", context, partial="followups/_task_reschedule.html")


@login_required
@require_POST
def task_cancel(request, pk):
    """Drop a follow-up that is no longer needed, with the reason."""
    user = request.user
    task = _open_task(request, pk)
    form = TaskCancelForm(request.POST)
    if form.is_valid():
        try:
            services.task_cancel(actor=user, task=task, reason=form.cleaned_data["reason"])
        except DomainError as err:
            form_error(form, err)
        else:
            return _done(request, _("Follow-up cancelled."))
    context = _panel_context(request, task, TaskRescheduleForm(initial={"due_at": task.due_at, "title": task.title}))
    context["cancel_form"] = form
    template = "followups/_task_reschedule.html" if request.htmx else "followups/task_reschedule.html"
    return render(request, template, context, status=422 if request.htmx else 200)


@login_required
def script_list(request):
    """The store's call scripts by scenario; managers also see the ones out of use, and edit them."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    can_edit = can(user, Capability.EDIT_SCRIPTS)
    scripts = list(selectors.scripts_for(user, include_inactive=can_edit))
    groups = [(label, [s for s in scripts if s.scenario == value]) for value, label in ScriptScenario.choices]
    return render(request, "followups/script_list.html", {
        "groups": [(label, rows) for label, rows in groups if rows], "can_edit": can_edit, "empty": not scripts,
    })


def _script_form(request, script=None):
    user = request.user
    require(user, Capability.EDIT_SCRIPTS)
    if script is None and user.store is None:
        raise NotFound()
    initial = {"scenario": script.scenario, "title": script.title, "body": script.body, "position": script.position,
               "active": script.active} if script else {"scenario": request.GET.get("scenario") or ScriptScenario.FIRST_CALL}
    form = ScriptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.script_save(actor=user, store=script.store if script else user.store, script=script,
                                 **form.cleaned_data)
        except DomainError as err:
            form_error(form, err)
        else:
            messages.success(request, _("Call script saved."))
            return redirect("followups:scripts")
    return render_form(request, "followups/script_form.html", {"form": form, "script": script})


@login_required
def script_create(request):
    """A manager writes a new call script for the store."""
    return _script_form(request)


@login_required
def script_edit(request, pk):
    """A manager edits one of the store's call scripts (or takes it out of use)."""
    require(request.user, Capability.EDIT_SCRIPTS)
    script = selectors.scripts_for(request.user, include_inactive=True).select_related("store").filter(pk=pk).first()
    if script is None:
        raise NotFound()
    return _script_form(request, script)
