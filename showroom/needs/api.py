"""The needs API under /api/v1/: the versions of a lead's answers, a new version, the models that fit them, the
confirmation of the models of interest, and completing the step. Same services and selectors as the pages."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema
from ninja import Status as Reply

from showroom.accounts.capabilities import Capability, require
from showroom.core.api import Body, Id, Version
from showroom.core.errors import NotFound
from showroom.core.scoping import get_visible
from showroom.leads.api import LeadOut, UserRef
from showroom.leads.models import Lead

from . import selectors, services

router = Router(tags=["needs"])

_TEXT = 2000


# --- Output -------------------------------------------------------------------------------------

class SuggestedTrimRef(Schema):
    id: int
    name: str
    series: str
    guide_price: Decimal

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_series(obj) -> str:
        return obj.series.name


class AnswerChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class AnswersOut(Schema):
    purpose: str
    drivers: str
    decision_maker: str
    household_size: int | None
    usage: list[str]
    daily_km: int | None
    budget_min: Decimal | None
    budget_max: Decimal | None
    payment: str
    current_brand: str
    current_model: str
    current_year: int | None
    current_mileage_km: int | None
    trade_in: str
    considered_models: str
    competitors: str
    powertrain: str
    body_type: str
    seats_min: int | None
    colour: str
    home_charging: bool | None
    home_parking: bool | None
    must_have: str
    expected_purchase_date: dt.date | None
    concerns: str
    notes: str


class NeedsAnalysisOut(AnswersOut):
    id: int
    lead_id: int
    number: int = Field(..., description="The version number; send it as `based_on` to revise these answers.")
    created_by: UserRef | None
    created_at: dt.datetime
    confirmed_trims: list[SuggestedTrimRef]
    confirmed_at: dt.datetime | None
    completed_at: dt.datetime | None
    changes: list[AnswerChangeOut] = Field(..., description="What this version changed against the one before.")

    @staticmethod
    def resolve_confirmed_trims(obj) -> list:
        return list(obj.confirmed_trims.all())

    @staticmethod
    def resolve_changes(obj) -> list:
        return getattr(obj, "changes", [])


class SuggestionOut(Schema):
    trim: SuggestedTrimRef
    fits: bool
    matches: list[str]
    misses: list[str]
    over_budget: Decimal
    confirmed: bool


class GradeSuggestionOut(Schema):
    grade: str
    days: int
    reason: str
    applicable: bool = Field(..., description="The lead's grade differs and may be set to it (POST /leads/{id}/grade).")


class SuggestionsOut(Schema):
    version: int
    grade: GradeSuggestionOut | None
    trims: list[SuggestionOut]


# --- Input --------------------------------------------------------------------------------------

class AnswersIn(Body):
    """The whole set of answers of the new version: every answer optional, one left out is unanswered in it.
    Ranges and choices are checked by the service (400 naming every field at fault)."""

    based_on: int | None = Field(None, ge=0, le=2**31 - 1,
                                 description="The version you revise (0 for the first); a newer save answers 409.")
    purpose: str = Field("", max_length=20, description="first_car, replacement or additional")
    drivers: str = Field("", max_length=100)
    decision_maker: str = Field("", max_length=100)
    household_size: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    usage: list[str] = Field(default_factory=list, max_length=10,
                             description="commute, family, business, leisure, long_distance")
    daily_km: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    budget_min: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    budget_max: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    payment: str = Field("", max_length=10, description="full, loan or lease")
    current_brand: str = Field("", max_length=50)
    current_model: str = Field("", max_length=50)
    current_year: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    current_mileage_km: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    trade_in: str = Field("", max_length=10, description="yes, no or undecided")
    considered_models: str = Field("", max_length=200)
    competitors: str = Field("", max_length=200)
    powertrain: str = Field("", max_length=10, description="petrol, diesel, hev, phev, erev or bev")
    body_type: str = Field("", max_length=20)
    seats_min: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    colour: str = Field("", max_length=50)
    home_charging: bool | None = None
    home_parking: bool | None = None
    must_have: str = Field("", max_length=_TEXT)
    expected_purchase_date: dt.date | None = None
    concerns: str = Field("", max_length=_TEXT)
    notes: str = Field("", max_length=_TEXT)


class ConfirmIn(Body):
    trim_ids: list[Id] = Field(..., max_length=20, description="Our trims the customer is interested in (1 to 5).")
    based_on: int | None = Field(None, ge=0, le=2**31 - 1)


class NeedsCompleteIn(Body):
    version: Version | None = Field(None, description="The lead's version you read; a newer change answers 409.")


# --- Endpoints ----------------------------------------------------------------------------------

def _lead(request, lead_id: int) -> Lead:
    return get_visible(Lead, request.auth, lead_id)


def _latest_or_404(request, lead: Lead):
    latest = selectors.latest_of(request.auth, lead)
    if latest is None:
        raise NotFound()
    return latest


@router.get("/leads/{lead_id}/needs-analyses", response=list[NeedsAnalysisOut])
def list_versions(request, lead_id: Id):
    """Every version of the lead's answers, newest first, each with what it changed."""
    return selectors.versions_of(request.auth, _lead(request, lead_id))


@router.post("/leads/{lead_id}/needs-analyses", response={201: NeedsAnalysisOut})
def record(request, lead_id: Id, payload: AnswersIn):
    """Save the answers as the next version; budget and expected purchase go to the lead."""
    data = payload.dict()
    based_on = data.pop("based_on")
    analysis = services.needs_record(actor=request.auth, lead=_lead(request, lead_id), answers=data, based_on=based_on)
    versions = selectors.versions_of(request.auth, analysis.lead)
    return Reply(201, versions[0])


@router.get("/leads/{lead_id}/needs-analyses/suggestions", response=SuggestionsOut)
def suggestions(request, lead_id: Id):
    """Our current trims ranked by fit to the latest answers, with the reasons; and the suggested grade."""
    require(request.auth, Capability.WORK_LEADS)
    lead = _lead(request, lead_id)
    latest = _latest_or_404(request, lead)
    return {"version": latest.number, "grade": selectors.grade_suggestion(lead, latest),
            "trims": selectors.suggestions_for(request.auth, latest)}


@router.post("/leads/{lead_id}/needs-analyses/confirm", response=NeedsAnalysisOut)
def confirm(request, lead_id: Id, payload: ConfirmIn):
    """Confirm the models of interest; the lead's models of interest follow."""
    lead = _lead(request, lead_id)
    services.needs_confirm_models(actor=request.auth, lead=lead, trim_ids=payload.trim_ids, based_on=payload.based_on)
    return selectors.versions_of(request.auth, lead)[0]


@router.post("/leads/{lead_id}/needs-analyses/complete", response=LeadOut)
def complete(request, lead_id: Id, payload: NeedsCompleteIn):
    """The needs are clear: the lead moves on to the presentation (never backwards)."""
    lead = services.needs_complete(actor=request.auth, lead=_lead(request, lead_id), expected_version=payload.version)
    return get_visible(Lead, request.auth, lead.pk, select_related=("customer", "owner"))
