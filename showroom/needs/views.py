"""Needs pages of a lead: the questionnaire, the overview with suggested models and the grade, and the history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from showroom.accounts.capabilities import Capability, can, require
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.core.scoping import get_visible
from showroom.core.web import refuse_on_form, render_form
from showroom.leads.forms import GradeForm
from showroom.leads.models import Lead, Stage, Status
from showroom.leads.services import lead_allowed_actions

from . import selectors, services
from .forms import CompleteForm, ConfirmModelsForm, QuestionnaireForm


def _lead(request, lead_id) -> Lead:
    return get_visible(Lead, request.user, lead_id, select_related=("customer", "owner"))


def _overview_url(lead: Lead) -> str:
    return reverse("needs:analysis", args=[lead.pk])


def _done(request, message: str, target: str):
    messages.success(request, message)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@login_required
def questionnaire(request, lead_id):
    """Ask the questions (prefilled with the current answers); each save is a new version."""
    lead = _lead(request, lead_id)
    require(request.user, Capability.WORK_LEADS)
    latest = selectors.latest_of(request.user, lead)
    form = QuestionnaireForm(request.POST or None, initial=QuestionnaireForm.initial_from(latest))
    if request.method == "POST" and form.is_valid():
        try:
            analysis = services.needs_record(actor=request.user, lead=lead, answers=form.answers(),
                                             based_on=form.cleaned_data["based_on"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Answers saved as version %(number)s.") % {"number": analysis.number},
                         _overview_url(lead))
    return render_form(request, "needs/needs_questionnaire.html", {"form": form, "lead": lead, "latest": latest},
                       partial="needs/_questionnaire_form.html")


def _overview_context(request, lead: Lead, *, confirm_form=None) -> dict:
    user = request.user
    latest = selectors.latest_of(user, lead)
    suggestions = selectors.suggestions_for(user, latest) if latest else []
    grade = selectors.grade_suggestion(lead, latest)
    allowed = lead_allowed_actions(actor=user, lead=lead)
    if latest and confirm_form is None:
        confirm_form = _confirm_form(latest, suggestions)
    return {
        "lead": lead, "latest": latest, "answers": selectors.answer_rows(latest), "suggestions": suggestions,
        "grade_suggestion": grade, "can_work": allowed["edit"] and lead.status != Status.LOST,
        "can_grade": allowed["grade"] and grade is not None and grade.applicable,
        "grade_form": GradeForm(initial={"version": lead.version, "grade": grade.grade if grade else ""}),
        "confirm_form": confirm_form, "presentation_stage": Stage.PRESENTATION,
        "complete_form": CompleteForm(initial={"version": lead.version}),
    }


def _confirm_form(latest, suggestions, data=None) -> ConfirmModelsForm:
    trims = {s.trim.pk: s.trim for s in suggestions} | {t.pk: t for t in latest.confirmed_trims.all()}
    return ConfirmModelsForm(data, trim_choices=[(pk, str(t)) for pk, t in trims.items()],
                             initial={"based_on": latest.number, "trims": [t.pk for t in latest.confirmed_trims.all()]})


@login_required
def analysis(request, lead_id):
    """The current answers, the models that fit them with the reasons, the suggested grade and the next step."""
    lead = _lead(request, lead_id)
    return render(request, "needs/needs_analysis.html", _overview_context(request, lead))


@login_required
@require_POST
def confirm(request, lead_id):
    """Confirm the models of interest among the suggestions."""
    lead = _lead(request, lead_id)
    latest = selectors.latest_of(request.user, lead)
    if latest is None:
        raise NotFound()
    form = _confirm_form(latest, selectors.suggestions_for(request.user, latest), request.POST)
    if form.is_valid():
        try:
            services.needs_confirm_models(actor=request.user, lead=lead, trim_ids=form.cleaned_data["trims"],
                                          based_on=form.cleaned_data["based_on"])
        except DomainError as err:
            refuse_on_form(form, err if "trim_ids" not in err.fields else _renamed(err))
        else:
            return _done(request, _("Models of interest confirmed."), _overview_url(lead))
    return render_form(request, "needs/needs_analysis.html", _overview_context(request, lead, confirm_form=form))


def _renamed(err: DomainError) -> DomainError:
    err.fields = {"trims" if k == "trim_ids" else k: v for k, v in err.fields.items()}
    return err


@login_required
@require_POST
def complete(request, lead_id):
    """The needs are clear: move the lead on to the vehicle presentation."""
    lead = _lead(request, lead_id)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.needs_complete(actor=request.user, lead=lead, expected_version=form.cleaned_data["version"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as err:
            messages.error(request, str(err.message))
        else:
            messages.success(request, _("Needs analysis completed: next, the vehicle presentation."))
    target = reverse("leads:detail", args=[lead.pk])
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@login_required
def history(request, lead_id):
    """Every saved version of the answers: who, when, and what changed."""
    lead = _lead(request, lead_id)
    return render(request, "needs/needs_history.html", {
        "lead": lead, "versions": selectors.versions_of(request.user, lead),
        "can_work": can(request.user, Capability.WORK_LEADS),
    })
