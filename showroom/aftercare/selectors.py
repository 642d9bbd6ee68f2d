"""Reading the after-delivery work: owners' cars, post-delivery calls and surveys due, cases, referrals, settings."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from showroom.core import clock
from showroom.core.scoping import get_visible
from showroom.followups.models import TaskStatus

from .models import (
    DEFAULT_CADENCE,
    DEFAULT_LOW_SCORE_PERCENT,
    AftercareCall,
    AftercareSettings,
    Case,
    CaseStatus,
    OwnedCar,
    Referral,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyStatus,
)


def owned_cars_for(actor) -> QuerySet[OwnedCar]:
    """The owners the actor looks after: their own buyers, the whole store's for a manager."""
    return (OwnedCar.objects.visible_to(actor)
            .select_related("customer", "consultant", "service_advisor").order_by("-delivered_at", "-pk"))


def owned_car_get(actor, pk) -> OwnedCar:
    return get_visible(OwnedCar, actor, pk, select_related=("customer", "consultant", "service_advisor"))


def owned_car_of_lead(actor, lead) -> OwnedCar | None:
    return owned_cars_for(actor).filter(lead_id=lead.pk).first()


def calls_of(actor, owned: OwnedCar) -> QuerySet[AftercareCall]:
    return AftercareCall.objects.visible_to(actor).filter(owned_car_id=owned.pk).select_related("task").order_by("due_at")


def calls_due(actor) -> QuerySet[AftercareCall]:
    """The actor's post-delivery calls still open and due by the end of today, the oldest first."""
    return (AftercareCall.objects.visible_to(actor)
            .filter(task__owner_id=actor.pk, task__status=TaskStatus.OPEN, due_at__lt=clock.end_of_today())
            .select_related("lead__customer", "task", "owned_car").order_by("due_at", "pk"))


def surveys_for(actor) -> QuerySet[Survey]:
    return (Survey.objects.visible_to(actor).select_related("lead__customer", "owned_car", "submitted_by")
            .prefetch_related(Prefetch("answers", queryset=SurveyAnswer.objects.order_by("position", "pk")))
            .order_by("-due_at", "-pk"))


def survey_get(actor, pk) -> Survey:
    return get_visible(Survey, actor, pk, select_related=("lead__customer", "owned_car", "submitted_by"))


def surveys_due(actor) -> QuerySet[Survey]:
    """Surveys of the actor's owners not yet answered and due by the end of today."""
    return (Survey.objects.visible_to(actor)
            .filter(status=SurveyStatus.DUE, lead__owner_id=actor.pk, due_at__lt=clock.end_of_today())
            .select_related("lead__customer", "owned_car").order_by("due_at", "pk"))


def survey_questions(store_id) -> list[SurveyQuestion]:
    """The store's survey questions in use, in order."""
    return list(SurveyQuestion.objects.filter(store_id=store_id, active=True).order_by("position", "pk"))


def answers_of(survey: Survey) -> list[SurveyAnswer]:
    return list(SurveyAnswer.objects.filter(survey_id=survey.pk).order_by("position", "pk"))


def cases_for(actor, *, status: str | None = CaseStatus.OPEN) -> QuerySet[Case]:
    """Satisfaction cases the actor may see: open ones first by age, or all."""
    qs = Case.objects.visible_to(actor).select_related("lead__customer", "lead__owner", "survey", "closed_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-opened_at", "-pk")


def case_get(actor, pk) -> Case:
    return get_visible(Case, actor, pk, select_related=("lead__customer", "lead__owner", "survey__owned_car", "closed_by"))


def referrals_of(actor, owned: OwnedCar) -> QuerySet[Referral]:
    return (Referral.objects.visible_to(actor).filter(owned_car_id=owned.pk)
            .select_related("referred_lead__customer", "recorded_by").order_by("-created_at", "-pk"))


def referrals_for(actor) -> QuerySet[Referral]:
    return (Referral.objects.visible_to(actor).select_related("owned_car__customer", "referred_lead__customer", "recorded_by")
            .order_by("-created_at", "-pk"))


def referrer_of(actor, lead) -> OwnedCar | None:
    """The owned car of the owner who referred this lead, if the actor may see it."""
    if not lead.referrer_id:
        return None
    return owned_cars_for(actor).filter(customer_id=lead.referrer_id).first()


def default_cadence() -> list[dict]:
    """The post-delivery calls of domain §1.10, as a store starts with them."""
    return [{"days": days, "title": title, "survey": survey} for days, title, survey in DEFAULT_CADENCE]


def store_settings(store_id) -> AftercareSettings:
    """The store's after-delivery settings, or the defaults (unsaved) before a manager or the first delivery sets them."""
    found = AftercareSettings.objects.filter(store_id=store_id).first()
    return found or AftercareSettings(store_id=store_id, cadence=default_cadence(), low_score_percent=DEFAULT_LOW_SCORE_PERCENT)


def questions_for_settings(actor) -> QuerySet[SurveyQuestion]:
    return SurveyQuestion.objects.visible_to(actor).order_by("-active", "position", "pk")
