"""Lead pages: the list, filing a lead, one lead with its actions and timeline, and the manager's view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from showroom.accounts.capabilities import Capability, can, require, sees_whole_store
from showroom.accounts.selectors import store_consultants
from showroom.core import clock
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.core.humanize import late_by
from showroom.core.scoping import get_visible
from showroom.core.web import (
    next_url,
    paginate,
    panels,
    querystring_without_page,
    refuse_on_form,
    render_form,
)
from showroom.followups import selectors as followups
from showroom.followups import services as followup_services
from showroom.followups.models import Direction, Outcome, ScriptScenario, TaskStatus
from showroom.reception import selectors as reception
from showroom.reception.models import VisitPurpose

from . import selectors, services
from .forms import (
    AdvanceForm,
    AssignForm,
    ContactForm,
    GradeForm,
    LeadCreateForm,
    LeadEditForm,
    LeadFilterForm,
    LossDecisionForm,
    LossRequestForm,
    ReactivateForm,
    TaskForm,
    source_choices,
)
from .models import MANUAL_GRADES, Lead, LossReason, LossRequest, Stage, Status

# The stage bar shows the steps up to delivery; after-sales follow-up is shown once reached.
BAR_STAGES = [Stage(s) for s in Stage.values]
STEP_CLASSES = {
    "done": "bg-success-subtle text-success-emphasis",
    "skipped": "bg-warning-subtle text-warning-emphasis text-decoration-line-through",
    "current": "bg-primary text-white fw-semibold",
    "todo": "bg-body-secondary text-body-secondary",
}
MANAGER_ROWS = 50


# --- Helpers ---------------------------------------------------------------------------------------

def _lead(request, pk) -> Lead:
    """The lead if the user may see it; a 404 otherwise, exactly as if it did not exist."""
    return get_visible(Lead, request.user, pk, select_related=("customer", "owner"))


def _require_lead_reader(user) -> None:
    """Reception has no lead list of its own: say so (403) instead of an empty list."""
    if not any(can(user, c) for c in (Capability.WORK_LEADS, Capability.CREATE_LEADS)):
        require(user, Capability.WORK_LEADS)


def _done(request, message: str, target: str):
    messages.success(request, message)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _detail_url(lead: Lead) -> str:
    return reverse("leads:detail", args=[lead.pk])


def _plain_amount(value) -> str:
    """300000.00 → "300000" for an input the person edits."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- The list --------------------------------------------------------------------------------------

@login_required
def lead_list(request):
    """Leads the user may see, filtered and sorted; htmx swaps only the table and pushes the URL."""
    user = request.user
    _require_lead_reader(user)
    form = LeadFilterForm(request.GET, actor=user, consultants=store_consultants(user) if sees_whole_store(user) else None)
    page = paginate(request, selectors.lead_list(user, form.filters()))
    now = clock.now()
    can_claim = user.sells and can(user, Capability.CLAIM_LEADS)
    page.object_list = list(page.object_list)
    for lead in page.object_list:
        lead.is_overdue = lead.overdue_at(now)
        lead.claimable = can_claim and lead.owner_id is None and lead.status == Status.OPEN
    context = {
        "form": form, "page": page, "query": querystring_without_page(request), "whole_store": sees_whole_store(user),
        "can_create": can(user, Capability.CREATE_LEADS),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "leads/_table.html" if partial else "leads/lead_list.html", context)


# --- Filing and editing ----------------------------------------------------------------------------

@login_required
def lead_create(request):
    """File a prospect and open a lead; a mobile already in the file leads to the customer's open lead."""
    user = request.user
    require(user, Capability.CREATE_LEADS)
    consultants = store_consultants(user) if can(user, Capability.ASSIGN_LEADS) else None
    form = LeadCreateForm(request.POST or None, consultants=consultants)
    if request.method == "POST" and form.is_valid():
        try:
            lead, created = services.lead_create(
                actor=user, customer_fields=form.customer_fields(), lead_fields=form.lead_fields(),
                owner=form.chosen_owner() if consultants is not None else None, grade=form.cleaned_data["grade"],
            )
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            if created:
                return _done(request, _("Lead filed."), _detail_url(lead))
            # The service refuses (on the mobile) an open lead the user may not see, so this one is theirs to open.
            messages.info(request, _("This customer is already in the file: here is their open lead."))
            return HttpResponseClientRedirect(_detail_url(lead)) if request.htmx else redirect(_detail_url(lead))
    return render_form(request, "leads/lead_create.html", {"form": form}, partial="leads/_create_form.html")


@login_required
def source_options(request):
    """The sources of a channel, as <option>s for the source select (htmx, when the channel changes)."""
    return render(request, "leads/_source_options.html", {
        "choices": source_choices(request.GET.get("channel")), "selected": request.GET.get("source", ""),
    })


@login_required
def lead_edit(request, pk):
    """Edit interest, budget, timing and notes; a save over someone else's newer change is refused."""
    user = request.user
    lead = _lead(request, pk)
    require(user, Capability.WORK_LEADS)
    initial = {
        "version": lead.version, "channel": lead.channel, "source": lead.source,
        "models_of_interest": lead.models_of_interest, "budget_min": _plain_amount(lead.budget_min),
        "budget_max": _plain_amount(lead.budget_max), "expected_purchase_date": lead.expected_purchase_date,
        "notes": lead.notes,
    }
    form = LeadEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(actor=user, lead=lead, fields=form.lead_fields(),
                                 expected_version=form.cleaned_data["version"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Lead saved."), _detail_url(lead))
    return render_form(request, "leads/lead_edit.html", {"form": form, "lead": lead}, partial="leads/_edit_form.html")


# --- One lead --------------------------------------------------------------------------------------

@login_required
def lead_detail(request, pk):
    """The lead: customer, facts, the seven steps, actions, open follow-ups, the call form and the timeline."""
    lead = _lead(request, pk)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead))


def _detail_context(request, lead: Lead, **bound) -> dict:
    """Everything the lead page shows; `bound` replaces an action's empty form by the one that was refused."""
    user = request.user
    now = clock.now()
    allowed = services.lead_allowed_actions(actor=user, lead=lead)
    timeline = selectors.lead_timeline(lead, user)
    tasks = list(followups.tasks_for(user).filter(lead=lead, status=TaskStatus.OPEN).select_related("owner")
                 .order_by("due_at", "id"))
    for task in tasks:
        task.is_overdue = task.overdue_at(now)
    pending = selectors.pending_loss_requests(user).filter(lead=lead).first() if lead.loss_pending else None
    flags = {f"can_{action}": may for action, may in allowed.items()}
    flags["can_decide_loss"] = flags["can_decide_loss"] and pending is not None
    forms = {
        "advance_form": AdvanceForm(lead=lead, initial={"version": lead.version}) if allowed["advance"] else None,
        "grade_form": GradeForm(initial={"version": lead.version, "grade": lead.grade if lead.grade in MANUAL_GRADES else ""}),
        "assign_form": (AssignForm(consultants=store_consultants(user), initial={"version": lead.version})
                        if allowed["assign"] else None),
        "loss_form": LossRequestForm(),
        "decision_form": _decision_form(pending) if pending else None,
        "reactivate_form": ReactivateForm(),
        "contact_form": ContactForm(),
        "task_form": TaskForm(),
    }
    forms.update(bound)
    return {
        "step_panels": panels("LEAD_STEP_PANELS", request, lead),
        "lead": lead, "customer": lead.customer, "now": now, "is_overdue": lead.overdue_at(now),
        "steps": _stage_steps(lead, timeline), "tasks": tasks, "pending_loss": pending,
        "script_groups": _script_groups(user, _default_scenario(lead, timeline)),
        "timeline": _timeline_entries(timeline), **flags, **forms,
    }


def _decision_form(loss_request: LossRequest, data=None) -> LossDecisionForm:
    """The decision form of one loss request (ids apart, as the manager's page lists several)."""
    return LossDecisionForm(data, auto_id=f"decision{loss_request.pk}_%s")


def _stage_steps(lead: Lead, timeline: list[dict]) -> list[dict]:
    """The steps of the process with what happened to each: done, skipped, current, still to come."""
    skipped = {int(s) for item in timeline if item["kind"] == "transition" for s in item["obj"].skipped}
    steps = []
    for stage in BAR_STAGES:
        if stage == Stage.FOLLOW_UP and lead.stage < Stage.FOLLOW_UP:
            continue
        if stage == lead.stage:
            state = "current"
        elif stage < lead.stage:
            state = "skipped" if stage in skipped else "done"
        else:
            state = "todo"
        steps.append({"stage": stage, "label": stage.label, "state": state, "css": STEP_CLASSES[state]})
    return steps


def _default_scenario(lead: Lead, timeline: list[dict]) -> str:
    """The script to open first: the first call, the call after a visit, or an invitation to visit."""
    if lead.stage == Stage.FIRST_CONTACT and lead.first_contacted_at is None:
        return ScriptScenario.FIRST_CALL
    if any(item["kind"] == "visit" for item in timeline):
        return ScriptScenario.POST_VISIT
    return ScriptScenario.VISIT_INVITATION


def _script_groups(user, open_scenario: str) -> list[dict]:
    scripts = list(followups.scripts_for(user))
    groups = []
    for value, label in ScriptScenario.choices:
        rows = [s for s in scripts if s.scenario == value]
        if rows:
            groups.append({"scenario": value, "label": label, "scripts": rows, "open": value == open_scenario})
    return groups


# --- The timeline: audit data as readable lines -------------------------------------------------------

ACTION_LABELS = {
    "leads.created": gettext_lazy("Lead filed"),
    "leads.enquiry_repeated": gettext_lazy("Enquired again"),
    "leads.updated": gettext_lazy("Lead edited"),
    "leads.reassigned": gettext_lazy("Given to another consultant"),
    "leads.claimed": gettext_lazy("Taken from the pool"),
    "leads.stage_advanced": gettext_lazy("Moved to another step"),
    "leads.grade_changed": gettext_lazy("Grade changed"),
    "leads.loss_requested": gettext_lazy("Loss requested"),
    "leads.loss_approved": gettext_lazy("Loss approved"),
    "leads.loss_rejected": gettext_lazy("Loss rejected"),
    "leads.reactivated": gettext_lazy("Reactivated"),
    "leads.woke_up": gettext_lazy("Customer reached again: lead reopened"),
    "leads.went_dormant": gettext_lazy("Went dormant"),
    "followups.activity_logged": gettext_lazy("Contact logged"),
    "followups.task_created": gettext_lazy("Follow-up scheduled"),
    "followups.task_rescheduled": gettext_lazy("Follow-up rescheduled"),
    "followups.task_cancelled": gettext_lazy("Follow-up cancelled"),
}
FIELD_LABELS = {
    "stage": gettext_lazy("Stage"),
    "status": gettext_lazy("Status"),
    "grade": gettext_lazy("Grade"),
    "channel": gettext_lazy("Channel"),
    "source": gettext_lazy("Source"),
    "models_of_interest": gettext_lazy("Models of interest"),
    "budget_min": gettext_lazy("Budget from"),
    "budget_max": gettext_lazy("Budget up to"),
    "expected_purchase_date": gettext_lazy("Expected purchase"),
    "notes": gettext_lazy("Notes"),
    "owner": gettext_lazy("Consultant"),
    "reason": gettext_lazy("Reason"),
    "comment": gettext_lazy("Comment"),
    "skipped": gettext_lazy("Skipped steps"),
    "competitor": gettext_lazy("Competitor"),
    "title": gettext_lazy("Follow-up"),
    "due_at": gettext_lazy("Due"),
    "days_without_contact": gettext_lazy("Days without contact"),
    "external_ref": gettext_lazy("Platform reference"),
    "outcome": gettext_lazy("Outcome"),
    "direction": gettext_lazy("Direction"),
}
# Audit entries the timeline already shows better: the contact itself and the stage change.
SHOWN_ELSEWHERE = {"followups.activity_logged", "leads.stage_advanced", "leads.returned_to_negotiation"}
HIDDEN_KEYS = {"activity", "task", "from_id", "to_id", "owner_id"}
CHOICES_OF = {"stage": Stage, "status": Status, "channel": Channel, "source": Source, "outcome": Outcome,
              "direction": Direction}
MONEY_KEYS = {"budget_min", "budget_max"}


def _money(value) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"¥{amount:,.0f}" if amount == amount.to_integral_value() else f"¥{amount:,.2f}"


def _when(value) -> str:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "Y-m-d")
    return str(value)


def _value(key: str, value) -> str:
    """One audited value as a person reads it: labels for choices, money in yuan, local times."""
    if value in (None, ""):
        return _("Unassigned pool") if key == "owner" else "—"
    if key == "skipped":
        return "、".join(str(Stage(int(v)).label) for v in value if int(v) in Stage.values)
    if key == "reason" and value in LossReason.values:
        return str(LossReason(value).label)
    if key in CHOICES_OF:
        choices = CHOICES_OF[key]
        try:
            return str(choices(int(value) if key == "stage" else value).label)
        except ValueError:
            return str(value)
    if key in MONEY_KEYS:
        return _money(value)
    if key in ("due_at", "expected_purchase_date"):
        return _when(value)
    return str(value)


def audit_lines(action: str, data: dict) -> list[str]:
    """An audit entry's data as "field: old → new" lines with translated labels."""
    data = data or {}
    if action == "leads.updated":
        items = list((data.get("changes") or {}).items())
    elif action == "leads.created":
        items = [(k, v) for k, v in data.items() if k not in ("stage", "status", "notes")]
    elif action in ("leads.reassigned", "leads.claimed"):
        items = [("owner", [data.get("from"), data.get("to")]), ("reason", data.get("reason"))]
    elif action == "leads.grade_changed":
        items = [("grade", [data.get("from"), data.get("to")])]
    else:
        items = list(data.items())
    lines = []
    for key, value in items:
        if key in HIDDEN_KEYS:
            continue
        label = FIELD_LABELS.get(key, key)
        if key != "skipped" and isinstance(value, list) and len(value) == 2:
            old, new = _value(key, value[0]), _value(key, value[1])
            if old != new:
                lines.append(f"{label}: {old} → {new}")
        elif value not in (None, "", []):
            lines.append(f"{label}: {_value(key, value)}")
    return lines


def _timeline_entries(items: list[dict]) -> list[dict]:
    """The lead's timeline as the page shows it: a title, readable lines and the free text of each item."""
    entries = []
    for item in items:
        obj, kind = item["obj"], item["kind"]
        lines: list[str] = []
        text = ""
        if kind == "activity":
            title = f"{obj.get_channel_display()} · {obj.get_direction_display()} · {obj.get_outcome_display()}"
            text = obj.summary
            if obj.next_step or obj.next_step_at:
                lines.append(_("Next step: %(step)s %(when)s") % {
                    "step": obj.next_step or "", "when": _when(obj.next_step_at) if obj.next_step_at else ""})
        elif kind == "transition":
            if obj.from_status != obj.to_status:
                title = f"{obj.get_from_status_display()} → {obj.get_to_status_display()}"
            elif obj.from_stage != obj.to_stage:
                title = f"{obj.get_from_stage_display()} → {obj.get_to_stage_display()}"
            else:
                continue  # the lead was opened: its audit entry says so
            if obj.skipped:
                lines.append(f"{FIELD_LABELS['skipped']}: {'、'.join(obj.skipped_labels)}")
            if obj.reason:
                lines.append(f"{FIELD_LABELS['reason']}: {obj.reason}")
        elif kind == "visit":
            title = _("Showroom visit %(batch)s") % {"batch": obj.batch_no}
            lines.append(_("First visit") if obj.is_first_visit else _("Repeat visit"))
            lines.append(ngettext("%(n)s person", "%(n)s people", obj.party_size) % {"n": obj.party_size})
            if obj.purpose != VisitPurpose.SALES:
                lines.append(str(obj.get_purpose_display()))
            if obj.left_at:
                lines.append(_("Left at %(time)s") % {"time": _when(obj.left_at)})
        else:
            if obj.action in SHOWN_ELSEWHERE:
                continue
            title = str(ACTION_LABELS.get(obj.action, obj.action))
            lines = audit_lines(obj.action, obj.data)
        entries.append({"kind": kind, "at": item["at"], "actor": item["actor"], "title": title, "lines": lines,
                        "text": text})
    return entries


# --- Actions on one lead ------------------------------------------------------------------------------

def _act(request, lead: Lead, *, name: str, form, partial: str, run, extra: dict | None = None):
    """Run an action form: on success back to the lead (or `next`); refused, the form shows why on its fields
    (422 with the form's partial for htmx; the whole lead page otherwise)."""
    if request.method == "POST":
        if form.is_valid():
            try:
                message = run(form.cleaned_data)
            except DomainError as err:
                refuse_on_form(form, err)
            else:
                return _done(request, message, next_url(request, _detail_url(lead)))
    elif not request.htmx:
        return redirect(_detail_url(lead))
    if request.htmx:
        context = {"lead": lead, name: form, "form": form, "next": next_url(request, ""), **(extra or {})}
        return render_form(request, partial, context)
    context = _detail_context(request, lead, **{name: form}) | {"form": form}
    return render_form(request, "leads/lead_detail.html", context)


def _redrawn(request, form_class, **kwargs):
    """An action form redrawn on GET (htmx) from what was typed so far: it shows or hides dependent fields."""
    return form_class(initial=request.GET.dict(), **kwargs)


@login_required
def lead_advance(request, pk):
    """Move the lead on; a move over a step needs the reason (the field appears when the target skips)."""
    lead = _lead(request, pk)
    form = AdvanceForm(request.POST, lead=lead) if request.method == "POST" else _redrawn(request, AdvanceForm, lead=lead)

    def run(data):
        services.lead_advance_stage(actor=request.user, lead=lead, to=data["to"], skip_reason=data["skip_reason"],
                                    expected_version=data["version"])
        return _("Moved to “%(stage)s”.") % {"stage": Stage(data["to"]).label}

    return _act(request, lead, name="advance_form", form=form, partial="leads/_advance_form.html", run=run)


@login_required
def lead_grade(request, pk):
    lead = _lead(request, pk)
    form = GradeForm(request.POST or None)

    def run(data):
        services.lead_set_grade(actor=request.user, lead=lead, grade=data["grade"], expected_version=data["version"])
        return _("Grade set to %(grade)s; the next follow-up follows the grade.") % {"grade": data["grade"]}

    return _act(request, lead, name="grade_form", form=form, partial="leads/_grade_form.html", run=run)


@login_required
@require_POST
def lead_claim(request, pk):
    """A consultant takes a lead from the store's pool."""
    lead = _lead(request, pk)
    try:
        services.lead_claim(actor=request.user, lead=lead)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as err:
        messages.error(request, str(err.message))
        target = next_url(request, _detail_url(lead))
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return _done(request, _("The lead is yours now."), _detail_url(lead))


@login_required
def lead_assign(request, pk):
    """A manager gives the lead to a consultant, or back to the pool, with the reason."""
    lead = _lead(request, pk)
    require(request.user, Capability.ASSIGN_LEADS)
    form = AssignForm(request.POST or None, consultants=store_consultants(request.user))

    def run(data):
        owner = form.chosen_owner()
        services.lead_assign(actor=request.user, lead=lead, owner=owner, reason=data["reason"],
                             expected_version=data["version"])
        if owner is None:
            return _("The lead is back in the pool.")
        return _("The lead now belongs to %(name)s.") % {"name": owner.display_name}

    return _act(request, lead, name="assign_form", form=form, partial="leads/_assign_form.html", run=run)


@login_required
def lead_request_loss(request, pk):
    """Apply to close the lead as lost; the competitor's details are asked when the customer bought one."""
    lead = _lead(request, pk)
    form = LossRequestForm(request.POST) if request.method == "POST" else _redrawn(request, LossRequestForm)

    def run(data):
        services.lead_request_loss(actor=request.user, lead=lead, **data)
        return _("Loss request sent to the manager.")

    return _act(request, lead, name="loss_form", form=form, partial="leads/_loss_form.html", run=run)


@login_required
def lead_decide_loss(request, pk):
    """A manager approves a loss request (the lead closes as lost) or sends it back with a comment."""
    loss_request = get_visible(LossRequest, request.user, pk, select_related=("lead", "lead__customer", "lead__owner",
                                                                              "requested_by"))
    lead = loss_request.lead
    require(request.user, Capability.APPROVE_LOSS)
    form = _decision_form(loss_request, request.POST or None)

    def run(data):
        services.lead_decide_loss(actor=request.user, request=loss_request, approve=data["approve"], comment=data["comment"])
        if data["approve"]:
            return _("Loss approved: the lead is closed as lost.")
        return _("Loss rejected: the lead goes back to the consultant.")

    return _act(request, lead, name="decision_form", form=form, partial="leads/_decision_form.html", run=run,
                extra={"loss_request": loss_request})


@login_required
def lead_reactivate(request, pk):
    lead = _lead(request, pk)
    form = ReactivateForm(request.POST or None)

    def run(data):
        services.lead_reactivate(actor=request.user, lead=lead, reason=data["reason"])
        return _("The lead is open again.")

    return _act(request, lead, name="reactivate_form", form=form, partial="leads/_reactivate_form.html", run=run)


@login_required
def lead_log_contact(request, pk):
    """Log a call, message or visit on the lead; it may re-grade the lead and sets the next follow-up."""
    lead = _lead(request, pk)
    form = ContactForm(request.POST or None)

    def run(data):
        followup_services.activity_log(actor=request.user, lead=lead, **data)
        return _("Contact logged.")

    return _act(request, lead, name="contact_form", form=form, partial="leads/_contact_form.html", run=run)


@login_required
def lead_add_task(request, pk):
    lead = _lead(request, pk)
    form = TaskForm(request.POST or None)

    def run(data):
        followup_services.task_create(actor=request.user, lead=lead, title=data["title"], due_at=data["due_at"])
        return _("Follow-up scheduled.")

    return _act(request, lead, name="task_form", form=form, partial="leads/_task_form.html", run=run)


# --- The manager's view --------------------------------------------------------------------------------

@login_required
def manager(request):
    """The store at a glance: pipeline by consultant, loss approvals, late first responses, pool and traffic."""
    user = request.user
    require(user, Capability.VIEW_STORE_REPORTS)
    stages = [Stage(s) for s in Stage.values if s < Stage.DELIVERED]
    pipeline = selectors.pipeline_by_consultant(user)
    chart = {
        "stages": [str(s.label) for s in stages],
        "consultants": [row["owner"].display_name if row["owner"] else str(_("Unassigned pool")) for row in pipeline],
        "series": [[row["stages"][i] for row in pipeline] for i in range(len(stages))],
    }
    late = (selectors.first_response_overdue(user).select_related("customer", "owner")
            .order_by("first_response_due_at", "id")[: MANAGER_ROWS + 1])
    late = list(late)
    for lead in late:
        lead.late = late_by(lead.first_response_due_at, clock.now())
    pool = selectors.lead_list(user, selectors.LeadFilters(unassigned=True, status=Status.OPEN))
    return render(request, "leads/lead_manager.html", {
        "stages": stages, "pipeline": pipeline, "chart": chart,
        "totals": {"stages": [sum(row["stages"][i] for row in pipeline) for i in range(len(stages))],
                   "total": sum(row["total"] for row in pipeline), "overdue": sum(row["overdue"] for row in pipeline)},
        "pending": [{"request": r, "form": _decision_form(r)} for r in selectors.pending_loss_requests(user)],
        "first_response": late[:MANAGER_ROWS], "more_first_response": len(late) > MANAGER_ROWS,
        "pool_count": pool.count(), "traffic": reception.traffic_today(user),
        "in_showroom": list(reception.in_showroom_now(user)), "now": clock.now(),
        "next": request.get_full_path(), "panels": panels("MANAGER_PANELS", request),
    })
