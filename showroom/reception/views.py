"""Reception pages: the showroom board (来店登记), capturing a batch's mobile, and the lead sheet import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from showroom.accounts.capabilities import Capability, can, require
from showroom.accounts.selectors import store_consultants
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.core.web import form_error, next_url, render_form
from showroom.customers.identity import looks_like_mobile, normalise_mobile

from . import intake, selectors, services
from .forms import (
    CaptureForm,
    DepartureForm,
    LeadImportForm,
    ReassignForm,
    VisitRegisterForm,
)
from .models import Visit, VisitPurpose

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_ERROR_ROWS = 500  # refused rows listed on the page; the count says how many more


def _visit(request, pk) -> Visit:
    return get_visible(Visit, request.user, pk, select_related=("consultant",))


# --- The board ----------------------------------------------------------------------------------------

def _board_context(request, *, error: DomainError | None = None) -> dict:
    """Who is in the showroom, today's log and figures, and the consultants on the floor: a fixed number of queries."""
    user = request.user
    now = clock.now()
    in_showroom = list(selectors.in_showroom_now(user))
    for visit in in_showroom:
        visit.minutes_in = max(0, int((now - visit.arrived_at).total_seconds() // 60))
    busy = {}
    for visit in in_showroom:
        if visit.consultant_id:
            busy.setdefault(visit.consultant_id, []).append(visit.batch_no)
    consultants = store_consultants(user)
    next_in_turn = services.next_consultant(user.store) if user.store_id else None
    floor = [
        {"user": c, "busy_with": busy.get(c.pk, []), "next": next_in_turn is not None and c.pk == next_in_turn.pk}
        for c in consultants
    ]
    floor.sort(key=lambda row: (not row["next"], not row["user"].on_duty, bool(row["busy_with"]), row["user"].display_name))
    return {
        "now": now,
        "in_showroom": in_showroom,
        "visits": list(selectors.visits_today(user)),
        "traffic": selectors.traffic_today(user),
        "floor": floor,
        "consultants": consultants,
        "next_in_turn": next_in_turn,
        "error": error,
    }


def _register_form(request, data=None, *, context: dict) -> VisitRegisterForm:
    return VisitRegisterForm(data, consultants=context["consultants"], next_in_turn=context["next_in_turn"])


@login_required
@require_GET
def board(request):
    """The receptionist's screen: quick registration on top, the showroom now and today's log below."""
    require(request.user, Capability.REGISTER_VISITS)
    context = _board_context(request)
    if request.htmx:
        return render(request, "reception/_board.html", context | {"oob": True})
    context["form"] = _register_form(request, context=context)
    return render(request, "reception/visit_board.html", context)


@login_required
@require_POST
def register(request):
    """Register a batch arriving; it is matched to the customer file and handed to a consultant."""
    require(request.user, Capability.REGISTER_VISITS)
    context = _board_context(request)
    form = _register_form(request, request.POST, context=context)
    if form.is_valid():
        try:
            visit = services.visit_register(actor=request.user, **form.service_arguments())
        except DomainError as err:
            form_error(form, err)
        else:
            done = _registered_message(visit)
            if request.htmx:
                context = _board_context(request)
                response = render(request, "reception/_register_form.html", context | {
                    "form": _register_form(request, context=context), "registered": done})
                response["HX-Trigger"] = "visits-changed"
                return response
            messages.success(request, done)
            return redirect("reception:board")
    context["form"] = form
    return render_form(request, "reception/visit_board.html", context, partial="reception/_register_form.html")


def _registered_message(visit: Visit) -> str:
    if visit.consultant_id:
        text = _("Batch %(batch)s registered: %(consultant)s takes them.") % {
            "batch": visit.batch_no, "consultant": visit.consultant.display_name}
    else:
        text = _("Batch %(batch)s registered.") % {"batch": visit.batch_no}
    if visit.purpose == VisitPurpose.SALES and not visit.captured:
        text += " " + _("No mobile yet: the visit is not captured.")
    return text


@login_required
@require_GET
def match(request):
    """Typing a full mobile shows only the match: masked name and mobile, their consultant, a repeat visit."""
    user = request.user
    require(user, Capability.REGISTER_VISITS)
    raw = request.GET.get("mobile", "")
    context = {"complete": False, "customer": None}
    if looks_like_mobile(raw):
        context["complete"] = True
        context["customer"] = selectors.reception_match(user, normalise_mobile(raw))
    return render(request, "reception/_match.html", context)


def _after_board_action(request, *, done: str | None = None, error: DomainError | None = None):
    """Answer an action on a batch: the fresh board to the board, or back to the page it came from."""
    user = request.user
    on_board = request.htmx and not request.POST.get("next") and can(user, Capability.REGISTER_VISITS)
    if on_board:
        return render(request, "reception/_board.html", _board_context(request, error=error) | {"done": done, "oob": True})
    if error is not None:
        messages.error(request, str(error.message))
    elif done:
        messages.success(request, done)
    default = reverse("reception:board") if can(user, Capability.REGISTER_VISITS) else reverse("home")
    target = next_url(request, default)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@login_required
@require_POST
def depart(request, pk):
    """The batch left: reception, or the batch's own consultant, records the time (now by default)."""
    visit = _visit(request, pk)
    form = DepartureForm(request.POST)
    if not form.is_valid():
        return _after_board_action(request, error=DomainError(form.errors["left_at"][0], code="left_at_invalid",
                                                              field="left_at"))
    try:
        visit = services.visit_record_departure(actor=request.user, visit=visit, left_at=form.cleaned_data["left_at"])
    except DomainError as err:
        return _after_board_action(request, error=err)
    return _after_board_action(request, done=_("Batch %(batch)s left at %(time)s.") % {
        "batch": visit.batch_no, "time": timezone.localtime(visit.left_at).strftime("%H:%M")})


@login_required
@require_POST
def reassign(request, pk):
    """Reception hands a batch to another consultant (the first was busy, or the customer asked)."""
    require(request.user, Capability.REGISTER_VISITS)
    visit = _visit(request, pk)
    form = ReassignForm(request.POST, consultants=store_consultants(request.user))
    if not form.is_valid():
        return _after_board_action(request, error=DomainError(_("Choose a consultant of this store."),
                                                              code="consultant_invalid", field="consultant"))
    try:
        visit = services.visit_reassign(actor=request.user, visit=visit,
                                        consultant=form.consultants[form.cleaned_data["consultant"]])
    except DomainError as err:
        return _after_board_action(request, error=err)
    return _after_board_action(request, done=_("Batch %(batch)s handed to %(consultant)s.") % {
        "batch": visit.batch_no, "consultant": visit.consultant.display_name})


@login_required
def capture(request, pk):
    """A consultant (or reception) adds the mobile of a batch registered without one: it counts as captured."""
    user = request.user
    if not can(user, Capability.WORK_LEADS):
        require(user, Capability.REGISTER_VISITS)
    visit = _visit(request, pk)
    form = CaptureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_capture(actor=user, visit=visit, **form.cleaned_data)
        except DomainError as err:
            form_error(form, err)
        else:
            done = _("Batch %(batch)s is captured and has a lead.") % {"batch": visit.batch_no}
            return _after_board_action(request, done=done)
    default = reverse("reception:board") if can(user, Capability.REGISTER_VISITS) else reverse("home")
    return render_form(request, "reception/visit_capture.html", {
        "form": form, "visit": visit, "next": next_url(request, default),
        "can_capture": not visit.captured and visit.purpose == VisitPurpose.SALES,
    }, partial="reception/_capture_form.html")


# --- Lead sheet import --------------------------------------------------------------------------------

@login_required
def lead_import(request):
    """A manager uploads a platform's lead sheet: imported in full, or nothing and the refused rows listed."""
    require(request.user, Capability.IMPORT_LEADS)
    form = LeadImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = intake.leads_import_sheet(actor=request.user, data=upload.read(), filename=upload.name,
                                               default_source=form.cleaned_data["default_source"])
        except DomainError as err:
            form_error(form, err)
        else:
            if report.ok:
                messages.success(request, _("Leads imported: %(n)d.") % {"n": report.imported})
    context = {"form": form, "report": report}
    if report is not None and report.errors:
        context["errors_shown"] = report.errors[:REPORT_ERROR_ROWS]
        context["errors_more"] = max(0, len(report.errors) - REPORT_ERROR_ROWS)
        context["rows_refused"] = len({e.row for e in report.errors})
    return render(request, "reception/lead_import.html", context)


@login_required
@require_GET
def lead_import_template(request):
    """The import template: an Excel sheet with the columns the importer reads, and their explanation."""
    require(request.user, Capability.IMPORT_LEADS)
    response = HttpResponse(intake.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="leads-import-template.xlsx"'
    return response
