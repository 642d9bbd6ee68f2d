"""After the delivery (追踪): registering the owner with the store's call cadence, the satisfaction survey and the
cases low scores open, referrals, and the store's settings (domain file §1.10)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.accounts.models import Store
from showroom.audit import services as audit
from showroom.core import clock
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.followups import services as followups
from showroom.followups.models import ContactChannel, Outcome, TaskStatus
from showroom.leads import services as leads
from showroom.leads.models import Lead

from .models import (
    DEFAULT_LOW_SCORE_PERCENT,
    DEFAULT_QUESTIONS,
    AftercareCall,
    AftercareSettings,
    Case,
    CaseNote,
    CaseStatus,
    OwnedCar,
    Referral,
    ReferralOutcome,
    Scale,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyStatus,
)
from .selectors import default_cadence

# Cases are the manager's tool, like the store's reports: the roles that read those handle the complaints.
HANDLE_CASES = Capability.VIEW_STORE_REPORTS
MAX_CADENCE_STEPS = 20
MAX_CADENCE_DAYS = 3 * 365
SURVEY_WITHOUT_CALL_DAYS = 7


def store_setup(store_id: int) -> AftercareSettings:
    """The store's after-delivery settings, created with the default cadence and survey questions the first time."""
    settings, created = AftercareSettings.objects.get_or_create(
        store_id=store_id, defaults={"cadence": default_cadence(), "low_score_percent": DEFAULT_LOW_SCORE_PERCENT})
    if created and not SurveyQuestion.objects.filter(store_id=store_id).exists():
        SurveyQuestion.objects.bulk_create([SurveyQuestion(store_id=store_id, text=text, scale=scale, position=i)
                                            for i, (text, scale) in enumerate(DEFAULT_QUESTIONS, start=1)])
    return settings


def is_low(score: int, scale: str, percent: int) -> bool:
    """A score below the store's share of the scale's top score (70 %: 6 of 10, 3 of 5)."""
    return score * 100 < percent * Scale(scale).bounds[1]


# --- Becoming an owner ------------------------------------------------------------------------------

def owner_register(*, actor, delivery) -> OwnedCar:
    """The buyer becomes an owner: their car on file with its service advisor, the post-delivery calls of the store's
    cadence as follow-up tasks, and the satisfaction survey due with its call.

    Called by deliveries.services.delivery_complete inside its transaction, after its checks.
    """
    order = delivery.order
    vehicle = order.vehicle
    lead = Lead.objects.select_related("customer").get(pk=delivery.lead_id)
    settings = store_setup(delivery.store_id)
    delivered_at = delivery.completed_at
    owned = OwnedCar.objects.create(
        store_id=delivery.store_id, customer_id=lead.customer_id, lead=lead, delivery=delivery, vehicle=vehicle,
        vin=vehicle.vin, plate=vehicle.plate, model_name=str(vehicle.trim)[:150], delivered_at=delivered_at,
        consultant_id=delivery.consultant_id, service_advisor_id=delivery.service_advisor_id,
        first_service_due=delivery.first_service_due,
    )
    survey_call = None
    calls = []
    for step in settings.cadence:
        due_at = delivered_at + dt.timedelta(days=int(step["days"]))
        title = step["title"]
        if int(step["days"]) == 30 and owned.first_service_due:
            due = _("first service due %(date)s") % {"date": owned.first_service_due.isoformat()}
            title = f"{title}（{due}）"
        task = followups.task_create(actor=actor, lead=lead, title=title[:200], due_at=due_at)
        call = AftercareCall.objects.create(store_id=lead.store_id, lead=lead, owned_car=owned, task=task,
                                            after_days=int(step["days"]), title=title[:200], is_survey=bool(step["survey"]),
                                            due_at=due_at)
        calls.append(call)
        if call.is_survey and survey_call is None:
            survey_call = call
    survey_due = survey_call.due_at if survey_call else delivered_at + dt.timedelta(days=SURVEY_WITHOUT_CALL_DAYS)
    survey = Survey.objects.create(store_id=lead.store_id, lead=lead, owned_car=owned, call=survey_call, due_at=survey_due)
    audit.record(actor=actor, action="aftercare.owner_registered", target=owned, data={
        "customer": lead.customer.name, "vin": owned.vin, "plate": owned.plate, "delivered_at": delivered_at,
        "service_advisor": owned.service_advisor_id, "calls": [[c.after_days, c.title] for c in calls],
        "survey_due": survey.due_at})
    return owned


# --- Survey and cases -------------------------------------------------------------------------------

def _clean_scores(questions: list[SurveyQuestion], scores: dict) -> dict[int, int]:
    given = {}
    for key, value in (scores or {}).items():
        try:
            given[int(key)] = value
        except (TypeError, ValueError):
            raise DomainError(_("Unknown survey question."), code="question_unknown", field="scores") from None
    known = {q.pk for q in questions}
    if set(given) - known:
        raise DomainError(_("Unknown survey question."), code="question_unknown", field="scores")
    clean = {}
    for question in questions:
        low, high = Scale(question.scale).bounds
        value = given.get(question.pk)
        if value in (None, ""):
            raise DomainError(_("Score every question (“%(q)s” is not answered).") % {"q": question.text},
                              code="score_missing", field=f"q{question.pk}")
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if not low <= number <= high:
            raise DomainError(_("Give “%(q)s” a score from %(low)s to %(high)s.") % {"q": question.text, "low": low,
                                                                                     "high": high},
                              code="score_out_of_range", field=f"q{question.pk}")
        clean[question.pk] = number
    return clean


def survey_submit(*, actor, survey: Survey, scores: dict, comments: str = "", now: dt.datetime | None = None) -> Survey:
    """Record the owner's satisfaction scores, question by question; a low score opens a case for the manager and the
    survey call is done with it."""
    require(actor, Capability.WORK_LEADS)
    comments = (comments or "").strip()
    if len(comments) > 5000:
        raise DomainError(_("The comments are too long (at most 5000 characters)."), code="comments_too_long",
                          field="comments")
    with transaction.atomic():
        survey = get_visible(Survey, actor, survey.pk, for_update=True)
        lead = Lead.objects.get(pk=survey.lead_id)
        leads.require_may_work(actor, lead)
        if survey.status == SurveyStatus.DONE:
            raise DomainError(_("This survey has already been answered."), code="survey_done", field="scores")
        questions = list(SurveyQuestion.objects.filter(store_id=survey.store_id, active=True))
        if not questions:
            raise DomainError(_("The store has no survey questions in use."), code="no_questions", field="scores")
        clean = _clean_scores(questions, scores)
        percent = store_setup(survey.store_id).low_score_percent
        answers = [SurveyAnswer(survey=survey, question=q, text=q.text, scale=q.scale, score=clean[q.pk],
                                low=is_low(clean[q.pk], q.scale, percent), position=i)
                   for i, q in enumerate(questions, start=1)]
        SurveyAnswer.objects.bulk_create(answers)
        now = now or clock.now()
        survey.status, survey.comments, survey.submitted_by, survey.submitted_at = SurveyStatus.DONE, comments, actor, now
        survey.low_score = any(a.low for a in answers)
        survey.save(update_fields=["status", "comments", "submitted_by", "submitted_at", "low_score"])
        audit.record(actor=actor, action="aftercare.survey_submitted", target=survey, data={
            "scores": {a.text: a.score for a in answers}, "low": [a.text for a in answers if a.low], "comments": comments,
            "status": [SurveyStatus.DUE, SurveyStatus.DONE]})
        if survey.low_score:
            summary = "；".join(f"{a.text} {a.score}/{a.top}" for a in answers if a.low)
            case = Case.objects.create(store_id=survey.store_id, lead=lead, survey=survey, summary=summary[:500],
                                       opened_at=now)
            audit.record(actor=actor, action="aftercare.case_opened", target=case, data={"survey": survey.pk,
                                                                                         "summary": case.summary})
        if survey.call_id:
            task = survey.call.task
            if task.status == TaskStatus.OPEN:
                followups.task_complete(actor=actor, task=task, channel=ContactChannel.PHONE, outcome=Outcome.REACHED,
                                        result=_("Satisfaction survey answered.") + (f" {comments}" if comments else ""))
    return survey


def _manager_case(actor, case: Case) -> Case:
    require(actor, HANDLE_CASES)
    return get_visible(Case, actor, case.pk, for_update=True)


def case_add_note(*, actor, case: Case, text: str) -> CaseNote:
    """Note what was done about the owner's complaint (a call back, an offer, a repair booked)."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note."), code="note_required", field="text")
    if len(text) > 5000:
        raise DomainError(_("The note is too long (at most 5000 characters)."), code="note_too_long", field="text")
    with transaction.atomic():
        case = _manager_case(actor, case)
        note = CaseNote.objects.create(case=case, author=actor, text=text)
        audit.record(actor=actor, action="aftercare.case_noted", target=case, data={"note": note.pk, "text": text})
    return note


def case_close(*, actor, case: Case, resolution: str) -> Case:
    """Close the case with how it was resolved."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(_("Say how the case was resolved."), code="resolution_required", field="resolution")
    if len(resolution) > 5000:
        raise DomainError(_("The resolution is too long (at most 5000 characters)."), code="resolution_too_long",
                          field="resolution")
    with transaction.atomic():
        case = _manager_case(actor, case)
        if case.status == CaseStatus.CLOSED:
            raise DomainError(_("This case is already closed."), code="case_closed", field="resolution")
        case.status, case.resolution, case.closed_by, case.closed_at = CaseStatus.CLOSED, resolution, actor, clock.now()
        case.save(update_fields=["status", "resolution", "closed_by", "closed_at"])
        audit.record(actor=actor, action="aftercare.case_closed", target=case, data={
            "status": [CaseStatus.OPEN, CaseStatus.CLOSED], "resolution": resolution})
    return case


# --- Referrals --------------------------------------------------------------------------------------

def referral_record(*, actor, owned_car: OwnedCar, outcome: str, notes: str = "", prospect: dict | None = None) -> Referral:
    """The owner was asked for a referral: asked, declined, or a referral given — the referred prospect becomes a new
    lead with source referral, linked to the owner who referred them."""
    require(actor, Capability.WORK_LEADS)
    if outcome not in ReferralOutcome.values:
        raise DomainError(_("Choose what the owner said."), code="outcome_invalid", field="outcome")
    notes = (notes or "").strip()
    if len(notes) > 300:
        raise DomainError(_("The notes are too long (at most 300 characters)."), code="notes_too_long", field="notes")
    prospect = prospect or {}
    if outcome == ReferralOutcome.GIVEN:
        if not (prospect.get("name") or "").strip():
            raise DomainError(_("Enter the referred person's name."), code="name_required", field="name")
        if not (prospect.get("mobile") or "").strip():
            raise DomainError(_("Enter the referred person's mobile."), code="mobile_required", field="mobile")
    with transaction.atomic():
        owned = get_visible(OwnedCar, actor, owned_car.pk, for_update=True)
        owner_lead = Lead.objects.select_related("customer").get(pk=owned.lead_id)
        leads.require_may_work(actor, owner_lead)
        referred = None
        if outcome == ReferralOutcome.GIVEN:
            models_of_interest = (prospect.get("models_of_interest") or "").strip()[:200]
            referred, created = leads.lead_create(
                actor=actor,
                customer_fields={"name": prospect["name"].strip(), "mobile": prospect["mobile"].strip()},
                lead_fields={"channel": Channel.PROACTIVE, "source": Source.REFERRAL,
                             "models_of_interest": models_of_interest,
                             "notes": _("Referred by %(owner)s (owner of %(car)s).") % {"owner": owner_lead.customer.name,
                                                                                      "car": str(owned)}},
                owner=None if actor.sells else owner_lead.owner, referrer=owner_lead.customer,
            )
            if referred.customer_id == owner_lead.customer_id:
                raise DomainError(_("The owner cannot refer themselves; a repeat purchase is a new lead of theirs."),
                                  code="referral_self", field="mobile")
            if not created:
                raise DomainError(_("This person is already a prospect of the store (%(name)s)."
                                    ) % {"name": referred.customer.name}, code="prospect_exists", field="mobile")
        referral = Referral.objects.create(store_id=owned.store_id, lead=owner_lead, owned_car=owned, outcome=outcome,
                                           referred_lead=referred, notes=notes, recorded_by=actor)
        audit.record(actor=actor, action="aftercare.referral_recorded", target=owned, data={
            "referral": referral.pk, "outcome": outcome, "referred_lead": getattr(referred, "pk", None), "notes": notes})
    return referral


# --- The store's settings ---------------------------------------------------------------------------

def _clean_cadence(steps: list[dict]) -> list[dict]:
    clean = []
    for number, step in enumerate(steps or [], start=1):
        try:
            days = int(step.get("days"))
        except (TypeError, ValueError, AttributeError):
            days = -1
        if not 1 <= days <= MAX_CADENCE_DAYS:
            raise DomainError(_("Step %(n)s: give the days after delivery (1 to %(max)s).") % {"n": number,
                                                                                             "max": MAX_CADENCE_DAYS},
                              code="cadence_days_invalid", field="cadence")
        title = (step.get("title") or "").strip()
        if not title or len(title) > 150:
            raise DomainError(_("Step %(n)s: give the call a title (at most 150 characters).") % {"n": number},
                              code="cadence_title_invalid", field="cadence")
        clean.append({"days": days, "title": title, "survey": bool(step.get("survey"))})
    if not clean:
        raise DomainError(_("Plan at least one call after delivery."), code="cadence_empty", field="cadence")
    if len(clean) > MAX_CADENCE_STEPS:
        raise DomainError(_("At most %(n)s calls after delivery.") % {"n": MAX_CADENCE_STEPS}, code="cadence_too_long",
                          field="cadence")
    if len({s["days"] for s in clean}) != len(clean):
        raise DomainError(_("Two calls fall on the same day after delivery."), code="cadence_duplicate", field="cadence")
    if sum(s["survey"] for s in clean) > 1:
        raise DomainError(_("Mark only one call as the survey call."), code="cadence_two_surveys", field="cadence")
    return sorted(clean, key=lambda s: s["days"])


def settings_save(*, actor, cadence: list[dict], low_score_percent: int) -> AftercareSettings:
    """Set the store's post-delivery cadence and the score below which a survey opens a case (managers, admins)."""
    require(actor, Capability.EDIT_SCRIPTS)
    if actor.store_id is None:
        raise DomainError(_("Sign in with an account of the store to change its settings."), code="store_required", field="store")
    cadence = _clean_cadence(cadence)
    try:
        percent = int(low_score_percent)
    except (TypeError, ValueError):
        percent = 0
    if not 1 <= percent <= 100:
        raise DomainError(_("Give the threshold as a share of the top score, 1 to 100 %."), code="threshold_invalid",
                          field="low_score_percent")
    with transaction.atomic():
        Store.objects.select_for_update().get(pk=actor.store_id)
        settings = store_setup(actor.store_id)
        before = {"cadence": settings.cadence, "low_score_percent": settings.low_score_percent}
        settings.cadence, settings.low_score_percent, settings.updated_by = cadence, percent, actor
        settings.save(update_fields=["cadence", "low_score_percent", "updated_by", "updated_at"])
        audit.record_changes(actor=actor, action="aftercare.settings_changed", target=settings, before=before,
                             after={"cadence": cadence, "low_score_percent": percent})
    return settings


def question_save(*, actor, text: str, scale: str, position: int = 0, active: bool = True,
                  question: SurveyQuestion | None = None) -> SurveyQuestion:
    """Add or change a question of the store's satisfaction survey; answers given keep the wording they were asked."""
    require(actor, Capability.EDIT_SCRIPTS)
    text = (text or "").strip()
    if not text or len(text) > 200:
        raise DomainError(_("Write the question (at most 200 characters)."), code="question_invalid", field="text")
    if scale not in Scale.values:
        raise DomainError(_("Choose the scale of the answers."), code="scale_invalid", field="scale")
    try:
        position = int(position or 0)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= 999:
        raise DomainError(_("Give the order as a number from 0 to 999."), code="position_invalid", field="position")
    with transaction.atomic():
        if question is None:
            if actor.store_id is None:
                raise DomainError(_("Sign in with an account of the store to change its settings."), code="store_required", field="store")
            store_setup(actor.store_id)
            question = SurveyQuestion(store_id=actor.store_id)
            before = {}
        else:
            question = get_visible(SurveyQuestion, actor, question.pk, for_update=True)
            before = {"text": question.text, "scale": question.scale, "position": question.position,
                      "active": question.active}
        question.text, question.scale, question.position, question.active = text, scale, position, bool(active)
        question.save()
        audit.record_changes(actor=actor, action="aftercare.question_saved", target=question, before=before, after={
            "text": text, "scale": scale, "position": position, "active": bool(active)})
    return question


def owned_car_set_plate(*, actor, owned_car: OwnedCar, plate: str) -> OwnedCar:
    """The owner's plate, once the car is registered (上牌 comes days or weeks after the hand-over); empty clears a
    mistyped one. Checked as the stock checks a test-drive car's plate; audited old → new."""
    from showroom.inventory.services import PLATE_PATTERN, normalise_plate

    require(actor, Capability.WORK_LEADS)
    plate = normalise_plate(plate)
    if plate and not PLATE_PATTERN.match(plate):
        raise DomainError(_("Enter a mainland plate, e.g. 京A12345 or 粤BD12345 (new energy)."), code="plate_invalid",
                          field="plate")
    with transaction.atomic():
        owned = get_visible(OwnedCar, actor, owned_car.pk, for_update=True)
        leads.require_may_work(actor, Lead.objects.get(pk=owned.lead_id))
        if owned.plate == plate:
            return owned
        previous, owned.plate = owned.plate, plate
        owned.save(update_fields=["plate"])
        audit.record(actor=actor, action="aftercare.plate_recorded", target=owned, data={"plate": [previous, plate]})
    return owned
