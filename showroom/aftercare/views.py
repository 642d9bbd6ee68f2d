"""After-delivery pages: the satisfaction survey, the manager's cases, referrals from the lead page, and the store's
settings (cadence, survey questions, low-score threshold)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from showroom.accounts.capabilities import Capability, require
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.core.web import form_steps, next_url, paginate, refuse_on_form

from . import selectors, services
from .forms import (
    CaseCloseForm,
    CaseNoteForm,
    PlateForm,
    QuestionForm,
    ReferralForm,
    SettingsForm,
    SurveyForm,
)
from .models import CaseStatus, SurveyQuestion, SurveyStatus


def _lead_url(lead_id) -> str:
    return reverse("leads:detail", args=[lead_id])


@login_required
def survey(request, pk):
    """The owner's satisfaction survey: a score per question of the store, and their comments."""
    user = request.user
    found = selectors.survey_get(user, pk)
    if found.status == SurveyStatus.DONE:
        return render(request, "aftercare/survey_form.html", {"survey": found, "answers": selectors.answers_of(found)})
    require(user, Capability.WORK_LEADS)
    questions = selectors.survey_questions(found.store_id)
    form = SurveyForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(actor=user, survey=found, scores=form.scores(), comments=form.cleaned_data["comments"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Survey recorded. Thank you!"))
            return redirect(next_url(request, _lead_url(found.lead_id)))
    return render(request, "aftercare/survey_form.html", {"survey": found, "form": form, "questions": questions},
                  status=422 if form.errors else 200)


@login_required
def case_list(request):
    """Cases opened by low survey scores: the open ones first (managers)."""
    user = request.user
    require(user, services.HANDLE_CASES)
    status = request.GET.get("status", CaseStatus.OPEN)
    status = status if status in (*CaseStatus.values, "all") else CaseStatus.OPEN
    page = paginate(request, selectors.cases_for(user, status=None if status == "all" else status))
    template = "aftercare/_case_table.html" if request.htmx else "aftercare/case_list.html"
    return render(request, template, {"page": page, "status": status, "statuses": CaseStatus.choices,
                                      "query": f"status={status}", "list_url": reverse("aftercare:cases")})


def _case_page(request, case, status: int = 200, **forms):
    context = {"case": case, "answers": selectors.answers_of(case.survey), "notes": list(case.notes.select_related("author")),
               "note_form": CaseNoteForm(), "close_form": CaseCloseForm(), **forms}
    return render(request, "aftercare/case_detail.html", context, status=status)


def _case(user, pk):
    require(user, services.HANDLE_CASES)
    return selectors.case_get(user, pk)


@login_required
def case_detail(request, pk):
    """A case: the owner, the low scores, the notes of what was done, and its resolution."""
    return _case_page(request, _case(request.user, pk))


_case_step = form_steps(load=_case, page=_case_page, success_url=lambda case: reverse("aftercare:case", args=[case.pk]))


@_case_step(CaseNoteForm, "note_form", gettext_lazy("Note added."))
def case_note(user, case, data, form):
    """A note of what was done for the owner."""
    services.case_add_note(actor=user, case=case, text=data["text"])


@_case_step(CaseCloseForm, "close_form", gettext_lazy("Case closed."), then=lambda case: reverse("aftercare:cases"))
def case_close(user, case, data, form):
    """Close the case with its resolution; back to the open cases."""
    services.case_close(actor=user, case=case, resolution=data["resolution"])


@login_required
def referral(request, pk):
    """Ask the owner for a referral: asked, declined, or the referred person filed as a new lead."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    owned = selectors.owned_car_get(user, pk)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = services.referral_record(actor=user, owned_car=owned, outcome=data["outcome"], notes=data["notes"],
                                             prospect={k: data[k] for k in ("name", "mobile", "models_of_interest")})
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Referral recorded."))
            if found.referred_lead_id:
                return redirect(_lead_url(found.referred_lead_id))
            return redirect(_lead_url(owned.lead_id))
    return render(request, "aftercare/referral_form.html", {"owned": owned, "form": form},
                  status=422 if form.errors else 200)


@login_required
def plate(request, pk):
    """Record the owner's plate once the car is registered."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    owned = selectors.owned_car_get(user, pk)
    form = PlateForm(request.POST or None, initial={"plate": owned.plate})
    if request.method == "POST" and form.is_valid():
        try:
            services.owned_car_set_plate(actor=user, owned_car=owned, plate=form.cleaned_data["plate"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Plate recorded."))
            return redirect(_lead_url(owned.lead_id))
    return render(request, "aftercare/plate_form.html", {"owned": owned, "form": form},
                  status=422 if form.errors else 200)


@login_required
def store_settings(request):
    """The store's post-delivery cadence, low-score threshold and survey questions (managers, store admins)."""
    user = request.user
    require(user, Capability.EDIT_SCRIPTS)
    current = selectors.store_settings(user.store_id)
    form = SettingsForm(request.POST or None, initial={"cadence": SettingsForm.as_text(current.cadence),
                                                       "low_score_percent": current.low_score_percent})
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(actor=user, cadence=form.cleaned_data["cadence"],
                                   low_score_percent=form.cleaned_data["low_score_percent"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("After-delivery settings saved."))
            return redirect("aftercare:settings")
    return render(request, "aftercare/settings_form.html", {
        "form": form, "questions": list(selectors.questions_for_settings(user)), "question_form": QuestionForm(),
    }, status=422 if form.errors else 200)


@login_required
def question_edit(request, pk=None):
    """Add or change a survey question (managers, store admins)."""
    user = request.user
    require(user, Capability.EDIT_SCRIPTS)
    question = get_visible(SurveyQuestion, user, pk) if pk else None
    initial = ({"text": question.text, "scale": question.scale, "position": question.position, "active": question.active}
               if question else None)
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(actor=user, question=question, **form.cleaned_data)
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Question saved."))
            return redirect("aftercare:settings")
    return render(request, "aftercare/question_form.html", {"form": form, "question": question},
                  status=422 if form.errors else 200)
