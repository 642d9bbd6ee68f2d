"""After-delivery care over JSON under /api/v1/: owners' cars and their calls, satisfaction surveys, cases and
referrals. The same selectors and services as the pages; records the caller may not see are 404."""

import datetime as dt
from typing import Annotated

from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import BeforeValidator

from showroom.accounts.capabilities import require
from showroom.core.api import Body, Id, Input, Pagination, fields_renamed
from showroom.leads.api import UserRef

from . import selectors, services
from .models import CaseStatus, ReferralOutcome, Scale, SurveyStatus

router = Router(tags=["aftercare"])


# --- Output -------------------------------------------------------------------------------------

class OwnedCarOut(Schema):
    id: int
    lead_id: int
    customer_id: int
    customer: str
    vin: str
    plate: str
    model_name: str
    delivered_at: dt.datetime
    first_service_due: dt.date | None
    consultant: UserRef | None
    service_advisor: UserRef | None

    @staticmethod
    def resolve_customer(obj) -> str:
        return obj.customer.name


class CallOut(Schema):
    id: int
    task_id: int
    title: str
    after_days: int
    due_at: dt.datetime
    is_survey: bool
    status: str = Field(..., description="The follow-up task's status: open, done or cancelled.")

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.task.status


class AnswerOut(Schema):
    text: str
    scale: Scale
    score: int
    low: bool


class SurveyOut(Schema):
    id: int
    lead_id: int
    owned_car_id: int
    customer: str
    status: SurveyStatus
    due_at: dt.datetime
    submitted_at: dt.datetime | None
    low_score: bool
    comments: str
    answers: list[AnswerOut]

    @staticmethod
    def resolve_customer(obj) -> str:
        return obj.lead.customer.name

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.answers.all())


class QuestionOut(Schema):
    id: int
    text: str
    scale: Scale
    min_score: int
    max_score: int

    @staticmethod
    def resolve_min_score(obj) -> int:
        return Scale(obj.scale).bounds[0]

    @staticmethod
    def resolve_max_score(obj) -> int:
        return Scale(obj.scale).bounds[1]


class NoteOut(Schema):
    id: int
    text: str
    author: UserRef | None
    created_at: dt.datetime


class CaseOut(Schema):
    id: int
    lead_id: int
    survey_id: int
    customer: str
    status: CaseStatus
    summary: str
    resolution: str
    opened_at: dt.datetime
    closed_by: UserRef | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_customer(obj) -> str:
        return obj.lead.customer.name


class CaseDetailOut(CaseOut):
    notes: list[NoteOut]

    @staticmethod
    def resolve_notes(obj) -> list:
        return list(obj.notes.select_related("author"))


class ReferralOut(Schema):
    id: int
    owned_car_id: int
    outcome: ReferralOutcome
    referred_lead_id: int | None
    notes: str
    created_at: dt.datetime


# --- Input --------------------------------------------------------------------------------------

class SurveyFilter(Input):
    status: SurveyStatus | None = None


def _blank_is_all(value):
    """`?status=` (present but empty) asks for every status."""
    return None if value == "" else value


class CaseFilter(Input):
    status: Annotated[CaseStatus | None, BeforeValidator(_blank_is_all)] = Field(
        CaseStatus.OPEN, description="open (default) or closed; status= (empty) for all.")


class SubmitIn(Body):
    scores: dict[int, int] = Field(..., description="A score for every question in use: {question id: score}.")
    comments: str = Field("", max_length=5000)


class NoteIn(Body):
    text: str = Field(..., max_length=5000)


class CloseIn(Body):
    resolution: str = Field(..., max_length=5000)


class ProspectIn(Body):
    name: str = Field(..., max_length=100)
    mobile: str = Field(..., max_length=20)
    models_of_interest: str = Field("", max_length=200)


class ReferralIn(Body):
    outcome: ReferralOutcome
    notes: str = Field("", max_length=300)
    prospect: ProspectIn | None = Field(None, description="The referred person, when the outcome is `given`.")


def _question_ids(survey) -> list[int]:
    return [q.pk for q in selectors.survey_questions(survey.store_id)]


# --- Endpoints ----------------------------------------------------------------------------------

@router.get("/owned-cars", response=list[OwnedCarOut])
@paginate(Pagination, page_size=25)
def owned_cars(request):
    """Owners' cars, newest delivery first: the caller's own buyers, the whole store's for a manager."""
    return selectors.owned_cars_for(request.auth)


@router.get("/owned-cars/{owned_car_id}", response=OwnedCarOut)
def owned_car(request, owned_car_id: Id):
    return selectors.owned_car_get(request.auth, owned_car_id)


class PlateIn(Body):
    plate: str = Field("", max_length=20, description="The plate as registered, e.g. 京A12345; empty clears it.")


@router.patch("/owned-cars/{owned_car_id}", response=OwnedCarOut)
def set_plate(request, owned_car_id: Id, payload: PlateIn):
    """Record the owner's plate once the car is registered."""
    owned = selectors.owned_car_get(request.auth, owned_car_id)
    return services.owned_car_set_plate(actor=request.auth, owned_car=owned, plate=payload.plate)


@router.get("/owned-cars/{owned_car_id}/calls", response=list[CallOut])
def calls(request, owned_car_id: Id):
    """The post-delivery calls of the owner, each done through its follow-up task."""
    return list(selectors.calls_of(request.auth, selectors.owned_car_get(request.auth, owned_car_id)))


@router.get("/owned-cars/{owned_car_id}/referrals", response=list[ReferralOut])
def referrals(request, owned_car_id: Id):
    return list(selectors.referrals_of(request.auth, selectors.owned_car_get(request.auth, owned_car_id)))


@router.post("/owned-cars/{owned_car_id}/referrals", response={201: ReferralOut})
def record_referral(request, owned_car_id: Id, payload: ReferralIn):
    """Record the owner's answer to a referral request; a referral given files the prospect as a new lead."""
    owned = selectors.owned_car_get(request.auth, owned_car_id)
    prospect = payload.prospect.dict() if payload.prospect else None
    return Reply(201, services.referral_record(actor=request.auth, owned_car=owned, outcome=payload.outcome,
                                               notes=payload.notes, prospect=prospect))


@router.get("/survey-questions", response=list[QuestionOut])
def questions(request):
    """The store's survey questions in use, in order, with their score range."""
    return selectors.survey_questions(request.auth.store_id)


@router.get("/surveys", response=list[SurveyOut])
@paginate(Pagination, page_size=25)
def surveys(request, filters: SurveyFilter = Query(...)):  # noqa: B008
    """Satisfaction surveys, latest due first, with their scores per question."""
    qs = selectors.surveys_for(request.auth)
    return qs.filter(status=filters.status) if filters.status else qs


@router.get("/surveys/{survey_id}", response=SurveyOut)
def survey(request, survey_id: Id):
    found = selectors.survey_get(request.auth, survey_id)
    return selectors.surveys_for(request.auth).get(pk=found.pk)


@router.post("/surveys/{survey_id}/submit", response=SurveyOut)
def submit(request, survey_id: Id, payload: SubmitIn):
    """Record the owner's scores; a score below the store's threshold opens a case for the manager."""
    found = selectors.survey_get(request.auth, survey_id)
    with fields_renamed({f"q{key}": f"scores.{key}" for key in _question_ids(found)}):
        services.survey_submit(actor=request.auth, survey=found, scores=payload.scores, comments=payload.comments)
    return selectors.surveys_for(request.auth).get(pk=found.pk)


@router.get("/cases", response=list[CaseOut])
@paginate(Pagination, page_size=25)
def cases(request, filters: CaseFilter = Query(...)):  # noqa: B008
    """Satisfaction cases (managers): open ones by default."""
    require(request.auth, services.HANDLE_CASES)
    return selectors.cases_for(request.auth, status=filters.status)


@router.get("/cases/{case_id}", response=CaseDetailOut)
def case(request, case_id: Id):
    require(request.auth, services.HANDLE_CASES)
    return selectors.case_get(request.auth, case_id)


@router.post("/cases/{case_id}/notes", response={201: NoteOut})
def add_note(request, case_id: Id, payload: NoteIn):
    """Note what was done about the owner's complaint."""
    return Reply(201, services.case_add_note(actor=request.auth, case=selectors.case_get(request.auth, case_id),
                                             text=payload.text))


@router.post("/cases/{case_id}/close", response=CaseDetailOut)
def close(request, case_id: Id, payload: CloseIn):
    """Close the case with its resolution."""
    services.case_close(actor=request.auth, case=selectors.case_get(request.auth, case_id), resolution=payload.resolution)
    return selectors.case_get(request.auth, case_id)
