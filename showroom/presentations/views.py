"""Presentation pages: the walk-around scripts (managers edit them), a presentation on a lead with its checklist,
and the side-by-side comparison (tablet and print)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from showroom.accounts.capabilities import Capability, can, require
from showroom.catalog import selectors as catalog
from showroom.core import clock
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.core.scoping import get_visible
from showroom.core.web import refuse_on_form, render_form
from showroom.leads.models import Lead, Status
from showroom.leads.services import lead_allowed_actions
from showroom.needs.selectors import latest_of

from . import selectors, services
from .forms import CompareForm, PointForm, PresentationForm


def _require_reader(user) -> None:
    """Sales staff read the scripts and comparisons; other roles are told they may not (403)."""
    if not (can(user, Capability.WORK_LEADS) or can(user, Capability.EDIT_SCRIPTS)):
        require(user, Capability.WORK_LEADS)


def _own_series(request, series_id):
    series = catalog.series_get(request.user, series_id)
    if not series.brand.is_own:
        raise NotFound()
    return series


def _done(request, message: str, target: str):
    messages.success(request, message)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _lead_url(lead_id) -> str:
    return reverse("leads:detail", args=[lead_id])


# --- The walk-around scripts -------------------------------------------------------------------------

@login_required
def script_index(request):
    """Our series and the size of each one's walk-around script."""
    _require_reader(request.user)
    return render(request, "presentations/script_index.html", {
        "series_list": selectors.scripted_series(request.user), "can_edit": can(request.user, Capability.EDIT_SCRIPTS),
    })


def _script_context(request, series, *, add_form=None) -> dict:
    return {"series": series, "positions": selectors.script_of(request.user, series),
            "can_edit": can(request.user, Capability.EDIT_SCRIPTS), "add_form": add_form or PointForm()}


@login_required
def script_detail(request, series_id):
    """The six positions of a series with their FAB points; managers add, reword, reorder and retire them."""
    _require_reader(request.user)
    series = _own_series(request, series_id)
    return render(request, "presentations/script_detail.html", _script_context(request, series))


@login_required
@require_POST
def point_add(request, series_id):
    series = _own_series(request, series_id)
    require(request.user, Capability.EDIT_SCRIPTS)
    form = PointForm(request.POST)
    if form.is_valid():
        try:
            services.walkaround_point_add(actor=request.user, series=series, fields=form.cleaned_data)
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Point added."), reverse("presentations:script", args=[series.pk]))
    return render_form(request, "presentations/script_detail.html",
                       _script_context(request, series, add_form=form) | {"form": form},
                       partial="presentations/_point_form.html")


@login_required
def point_edit(request, pk):
    """Reword a talking point or move it to another position."""
    point = selectors.point_get(request.user, pk)
    require(request.user, Capability.EDIT_SCRIPTS)
    initial = {f: getattr(point, f) for f in ("position", "feature", "advantage", "benefit", "evidence")}
    form = PointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.walkaround_point_update(actor=request.user, point=point, fields=form.cleaned_data)
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Point saved."), reverse("presentations:script", args=[point.series_id]))
    return render_form(request, "presentations/point_edit.html", {"form": form, "point": point, "add_form": form},
                       partial="presentations/_point_form.html")


@login_required
@require_POST
def point_retire(request, pk):
    point = selectors.point_get(request.user, pk)
    services.walkaround_point_retire(actor=request.user, point=point)
    return _done(request, _("Point taken out of the script."), reverse("presentations:script", args=[point.series_id]))


@login_required
@require_POST
def point_move(request, pk):
    point = selectors.point_get(request.user, pk)
    try:
        services.walkaround_point_move(actor=request.user, point=point, direction=request.POST.get("direction", ""))
    except (NotFound, PermissionDenied):
        raise
    except DomainError as err:
        messages.error(request, str(err.message))
    target = reverse("presentations:script", args=[point.series_id])
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


# --- A presentation on a lead ------------------------------------------------------------------------

def _checklist_context(request, lead, series, form, presentation=None) -> dict:
    positions = selectors.script_of(request.user, series)
    if presentation is not None:  # points retired since stay ticked on the record
        shown = {p.pk for group in positions for p in group["points"]}
        for point in presentation.covered_points.all():
            if point.pk not in shown:
                next(g for g in positions if g["position"] == point.position)["points"].append(point)
    ticked = {catalog.as_id(v) for v in form["covered"].value() or []}
    for group in positions:
        group["rows"] = [{"point": p, "ticked": p.pk in ticked} for p in group["points"]]
    allowed = lead_allowed_actions(actor=request.user, lead=lead)
    return {"lead": lead, "series": series, "positions": positions, "form": form, "presentation": presentation,
            "can_work": allowed["edit"] and lead.status != Status.LOST}


def _point_ids(positions) -> list[int]:
    return [p.pk for group in positions for p in group["points"]]


@login_required
def presentation_new(request, lead_id):
    """Start a presentation: choose the car, then tick the points while walking round it."""
    lead = get_visible(Lead, request.user, lead_id, select_related=("customer", "owner"))
    require(request.user, Capability.WORK_LEADS)
    series_id = request.POST.get("series") or request.GET.get("series")
    if not series_id:
        return render(request, "presentations/presentation_choose.html", {
            "lead": lead, "series_list": selectors.scripted_series(request.user)})
    series = _own_series(request, series_id)
    positions = selectors.script_of(request.user, series)
    form = PresentationForm(request.POST or None, point_ids=_point_ids(positions))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            presentation = services.presentation_record(
                actor=request.user, lead=lead, series=series, covered_point_ids=data["covered"],
                reactions=data["reactions"], objections=data["objections"], complete="complete" in request.POST)
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            if presentation.is_completed:
                return _done(request, _("Presentation recorded: next, the test drive."), _lead_url(lead.pk))
            return _done(request, _("Presentation saved."), reverse("presentations:detail", args=[presentation.pk]))
    return render_form(request, "presentations/presentation_form.html", _checklist_context(request, lead, series, form))


@login_required
def presentation_detail(request, pk):
    """A presentation's checklist and notes, editable while the customer is still here."""
    presentation = selectors.presentation_get(request.user, pk)
    lead = presentation.lead
    covered = [p.pk for p in presentation.covered_points.all()]
    positions = selectors.script_of(request.user, presentation.series)
    form = PresentationForm(
        request.POST or None, point_ids=list(dict.fromkeys([*_point_ids(positions), *covered])),
        initial={"version": presentation.version, "covered": covered, "reactions": presentation.reactions,
                 "objections": presentation.objections},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            presentation = services.presentation_update(
                actor=request.user, presentation=presentation, covered_point_ids=data["covered"],
                reactions=data["reactions"], objections=data["objections"], expected_version=data["version"])
            if "complete" in request.POST:
                services.presentation_complete(actor=request.user, presentation=presentation)
                return _done(request, _("Presentation recorded: next, the test drive."), _lead_url(lead.pk))
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Presentation saved."), reverse("presentations:detail", args=[presentation.pk]))
    return render_form(request, "presentations/presentation_form.html",
                       _checklist_context(request, lead, presentation.series, form, presentation))


@login_required
@require_POST
def presentation_complete(request, pk):
    presentation = selectors.presentation_get(request.user, pk)
    try:
        services.presentation_complete(actor=request.user, presentation=presentation,
                                       expected_version=request.POST.get("version") or None)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("Presentation recorded: next, the test drive."))
    target = _lead_url(presentation.lead_id)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


# --- Comparison --------------------------------------------------------------------------------------

@login_required
def compare(request):
    """Our trim beside up to three competitors', differences marked; from a lead it starts from its models."""
    user = request.user
    _require_reader(user)
    lead = None
    data = request.GET.copy()
    if data.get("lead"):
        lead = get_visible(Lead, user, data["lead"], select_related=("customer",))
        if not data.get("own") and not data.getlist("vs"):
            own_id, others = selectors.comparison_prefill(user, lead, analysis=latest_of(user, lead))
            data["own"] = own_id or ""
            data.setlist("vs", [str(i) for i in others])
    trims = list(catalog.trim_search(user, active_only=True, order="series"))
    form = CompareForm(data, own_trims=[t for t in trims if t.series.brand.is_own],
                       competitor_trims=[t for t in trims if not t.series.brand.is_own])
    table = None
    if form.is_valid() and form.cleaned_data["own"]:
        vs = form.cleaned_data["vs"]
        if len(vs) > selectors.MAX_COMPETITORS:
            form.add_error("vs", _("Choose at most %(count)s competitors.") % {"count": selectors.MAX_COMPETITORS})
        else:
            own, others = selectors.comparison_trims(user, form.cleaned_data["own"], vs)
            table = selectors.comparison(own, others)
    return render(request, "presentations/compare.html", {
        "form": form, "table": table, "lead": lead, "store": user.store, "today": clock.today(),
    })
