"""Showroom visits over JSON: the day's log, registering a batch, departure, capture, and reception's mobile match."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.accounts.capabilities import Capability, require
from showroom.accounts.models import User
from showroom.core import clock
from showroom.core.api import Body, Day, Id, Input, Pagination, When, fields_renamed
from showroom.core.errors import DomainError, NotFound
from showroom.customers.identity import normalise_mobile
from showroom.leads.api import CustomerRef, UserRef

from . import selectors, services
from .models import Visit, VisitPurpose

router = Router(tags=["visits"])

_AS_CONSULTANT_ID = {"consultant": "consultant_id"}


class VisitOut(Schema):
    """A batch in the showroom log. The customer's name is masked, and the lead left out, where the customer is not
    the caller's (reception; a consultant standing in for a colleague)."""

    id: int
    batch_no: str
    arrived_at: dt.datetime
    left_at: dt.datetime | None
    in_showroom: bool
    party_size: int
    is_first_visit: bool
    invited: bool
    purpose: VisitPurpose
    captured: bool
    customer: CustomerRef | None
    lead_id: int | None
    consultant: UserRef | None
    models_of_interest: str
    notes: str
    created_at: dt.datetime

    @staticmethod
    def resolve_customer(obj):
        if obj.customer_id is None:
            return None
        return {"id": obj.customer_id, "name": selectors.customer_label(obj), "masked_mobile": obj.customer.masked_mobile}

    @staticmethod
    def resolve_lead_id(obj):
        return obj.lead_id if obj.lead_visible else None


class MatchedCustomerOut(Schema):
    id: int
    name: str = Field(..., description="Masked (张**): reception sees who it is, not the customer file.")
    mobile_masked: str = Field(..., alias="masked_mobile")
    owner: UserRef | None
    repeat: bool = Field(..., description="The customer came to the showroom before (a repeat visit).")


class MatchOut(Schema):
    matched: bool
    customer: MatchedCustomerOut | None


class VisitDayIn(Input):
    date: Day | None = Field(None, description="The local day (Asia/Shanghai); default today.")


class VisitIn(Body):
    party_size: int = Field(1, ge=1, le=32767)
    purpose: VisitPurpose = VisitPurpose.SALES
    mobile: str = Field("", max_length=30, description="Recorded: the visit counts as captured (留档).")
    name: str = Field("", max_length=100)
    is_first_visit: bool | None = Field(None, description="Default: worked out from the customer file.")
    invited: bool = False
    consultant_id: Id | None = Field(None, description="Default: the customer's own consultant, or whose turn it is.")
    models_of_interest: str = Field("", max_length=200)
    notes: str = Field("", max_length=300)
    arrived_at: When | None = Field(None, description="Default: now.")


class DepartureIn(Body):
    left_at: When | None = Field(None, description="Default: now.")


class CaptureIn(Body):
    mobile: str = Field(..., max_length=30)
    name: str = Field("", max_length=100)


def _visit(request, visit_id: int) -> Visit:
    """The visit if the caller may see it (a 404 otherwise), marked with what of its customer and lead they see."""
    visit = selectors.visits_shown_to(request.auth).filter(pk=visit_id).first()
    if visit is None:
        raise NotFound()
    return visit


def _consultant(actor, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, store_id=actor.store_id).first() if actor.store_id else None
    if user is None:
        raise DomainError(_("Choose a consultant of this store."), code="consultant_invalid", field="consultant_id")
    return user


@router.get("", response=list[VisitOut])
@paginate(Pagination, page_size=50)
def list_visits(request, filters: VisitDayIn = Query(...)):  # noqa: B008
    """The showroom log of one day (today by default), latest arrival first."""
    start, end = clock.day_range(filters.date)
    return (
        selectors.visits_shown_to(request.auth).filter(arrived_at__gte=start, arrived_at__lt=end)
        .order_by("-arrived_at", "-id")
    )


@router.get("/match", response=MatchOut)
def match(request, mobile: str = Query(..., max_length=30)):  # noqa: B008
    """Reception's narrow match by full mobile: the customer's name, masked mobile and consultant, nothing more."""
    require(request.auth, Capability.REGISTER_VISITS)
    customer = selectors.reception_match(request.auth, normalise_mobile(mobile))
    return {"matched": customer is not None, "customer": customer}


@router.post("", response={201: VisitOut})
def register(request, payload: VisitIn):
    """Register a batch arriving; it is matched to the customer file and given to a consultant."""
    data = payload.dict()
    consultant = _consultant(request.auth, data.pop("consultant_id"))
    with fields_renamed(_AS_CONSULTANT_ID):
        visit = services.visit_register(actor=request.auth, consultant=consultant, **data)
    return Reply(201, _visit(request, visit.pk))


@router.get("/{visit_id}", response=VisitOut)
def get_visit(request, visit_id: Id):
    return _visit(request, visit_id)


@router.post("/{visit_id}/departure", response=VisitOut)
def departure(request, visit_id: Id, payload: DepartureIn):
    """The batch left: record the time (now by default)."""
    services.visit_record_departure(actor=request.auth, visit=_visit(request, visit_id), left_at=payload.left_at)
    return _visit(request, visit_id)


@router.post("/{visit_id}/capture", response=VisitOut)
def capture(request, visit_id: Id, payload: CaptureIn):
    """Record the mobile of a batch registered without one: the visit counts as captured and opens a lead."""
    services.visit_capture(actor=request.auth, visit=_visit(request, visit_id), mobile=payload.mobile, name=payload.name)
    return _visit(request, visit_id)
