"""Leads over JSON: the list, one lead, its stage transitions, grade, owner, loss, timeline, and platform intake.

Every endpoint calls the same selectors and services as the pages; a lead the caller may not see is a 404.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.accounts.capabilities import Capability, can, require
from showroom.accounts.models import User
from showroom.core import clock
from showroom.core.api import Body, Day, Id, Input, Money, Pagination, Version, fields_renamed
from showroom.core.choices import Channel, Source
from showroom.core.errors import Conflict, DomainError
from showroom.core.scoping import get_visible
from showroom.customers.api import CustomerFieldsIn

from . import selectors, services
from .models import Grade, Lead, LossReason, LossRequest, LossRequestStatus, Stage, Status

router = Router(tags=["leads"])

_CUSTOMER_FIELDS = ("kind", "name", "contact_name", "mobile", "wechat_id", "gender", "city", "district", "id_number")
_AS_CUSTOMER_INPUT = {name: f"customer.{name}" for name in _CUSTOMER_FIELDS}
_AS_OWNER_ID = {"owner": "owner_id"}


# --- Output -------------------------------------------------------------------------------------

class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name


class CustomerRef(Schema):
    id: int
    name: str
    mobile_masked: str = Field(..., alias="masked_mobile")


class LeadOut(Schema):
    id: int
    customer: CustomerRef
    owner: UserRef | None
    channel: Channel
    source: Source
    models_of_interest: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    expected_purchase_date: dt.date | None
    stage: Stage
    stage_label: str
    status: Status
    grade: Grade
    next_follow_up_at: dt.datetime | None
    first_response_due_at: dt.datetime | None
    first_contacted_at: dt.datetime | None
    last_contacted_at: dt.datetime | None
    overdue: bool
    loss_pending: bool
    external_ref: str
    notes: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(Stage(obj.stage).label)

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.overdue_at(clock.now())


class LeadCreatedOut(Schema):
    created: bool
    lead: LeadOut


class LossRequestOut(Schema):
    id: int
    lead_id: int
    reason: LossReason
    reason_label: str
    competitor_brand: str
    competitor_model: str
    competitor_price: Decimal | None
    notes: str
    status: LossRequestStatus
    requested_by: UserRef | None
    requested_at: dt.datetime
    decided_by: UserRef | None
    decided_at: dt.datetime | None
    decision_comment: str

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return str(LossReason(obj.reason).label)


class TimelineItemOut(Schema):
    kind: Literal["activity", "transition", "visit", "audit"]
    at: dt.datetime
    actor: UserRef | None
    title: str
    detail: dict[str, Any]


class IntakeOut(Schema):
    created: bool
    lead_id: int
    status: Status
    first_response_due_at: dt.datetime | None = Field(..., description="Contact the customer by this time.")
    owner: UserRef | None = Field(..., description="The consultant the lead went to; null: in the store's pool.")


# --- Input --------------------------------------------------------------------------------------

Sort = Literal["-created_at", "created_at", "next_follow_up_at", "-updated_at", "grade", "stage"]


class LeadFiltersIn(Input):
    q: str = Field("", max_length=100, description="Name, pinyin or initials, full mobile or its last four digits.")
    owner_id: Id | None = None
    unassigned: bool = False
    stage: Stage | None = None
    status: Status | None = None
    grade: Grade | None = None
    channel: Channel | None = None
    source: Source | None = None
    overdue: bool = False
    order: Sort = "-created_at"

    def to_filters(self) -> selectors.LeadFilters:
        return selectors.LeadFilters(
            query=self.q, owner_id=self.owner_id, unassigned=self.unassigned, stage=self.stage, status=self.status or "",
            grade=self.grade or "", channel=self.channel or "", source=self.source or "", overdue=self.overdue, order=self.order,
        )


class LeadCreateIn(Body):
    customer: CustomerFieldsIn
    channel: Channel
    source: Source
    models_of_interest: str = Field("", max_length=200)
    budget_min: Money | None = None
    budget_max: Money | None = None
    expected_purchase_date: Day | None = None
    notes: str = Field("", max_length=5000)
    grade: Grade = Grade.N
    owner_id: Id | None = Field(None, description="A consultant of the store (managers); default: by the store's rule.")


class LeadPatchIn(Body):
    version: Version = Field(..., description="The version you read; a newer save by someone else answers 409.")
    channel: Channel = None  # type: ignore[assignment]  # omitted: unchanged; null is refused
    source: Source = None  # type: ignore[assignment]
    models_of_interest: str = Field(None, max_length=200)
    budget_min: Money | None = None
    budget_max: Money | None = None
    expected_purchase_date: Day | None = None
    notes: str = Field(None, max_length=5000)


class AdvanceIn(Body):
    to: Stage = Field(..., description="The stage to move to (only forward).")
    skip_reason: str = Field("", max_length=300, description="Required when the move skips a step.")
    version: Version | None = None


class GradeIn(Body):
    grade: Grade = Field(..., description="H, A, B or C; O, D and F follow from order, delivery and loss.")
    version: Version | None = None


class AssignIn(Body):
    owner_id: Id | None = Field(..., description="A consultant of the store, or null for the unassigned pool.")
    reason: str = Field("", max_length=300)
    version: Version | None = None


class LossRequestIn(Body):
    reason: LossReason
    competitor_brand: str = Field("", max_length=50)
    competitor_model: str = Field("", max_length=50)
    competitor_price: Money | None = None
    notes: str = Field("", max_length=5000)


class LossDecisionIn(Body):
    approve: bool
    comment: str = Field("", max_length=300, description="Required when the loss is rejected.")


class ReactivateIn(Body):
    reason: str = Field(..., max_length=300)


class IntakeIn(Input):
    """A lead from a platform (Autohome, Dongchedi, the OEM site…). Extra platform fields are ignored."""

    name: str = Field(..., min_length=1, max_length=100)
    mobile: str = Field(..., min_length=1, max_length=30)
    source: Source = Field(..., description="The platform, e.g. autohome; must be an online source.")
    external_ref: str = Field(..., min_length=1, max_length=64, description="The platform's id of the lead.")
    models_of_interest: str = Field("", max_length=200)
    city: str = Field("", max_length=30)
    notes: str = Field("", max_length=5000)


# --- Helpers ------------------------------------------------------------------------------------

def _lead(request, lead_id: int) -> Lead:
    return get_visible(Lead, request.auth, lead_id, select_related=("customer", "owner"))


def _store_user(user_id: int | None, *, store_id: int | None) -> User | None:
    """A user of the lead's store named by id; a wrong id is the service's "choose a consultant" refusal."""
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, store_id=store_id).first() if store_id else None
    if user is None:
        raise DomainError(_("Choose an active consultant of this store."), code="owner_invalid", field="owner_id")
    return user


def _require_lead_reader(actor) -> None:
    """Reception has no lead list of its own: say so (403) instead of answering an empty list."""
    if not any(can(actor, c) for c in (Capability.WORK_LEADS, Capability.CREATE_LEADS, Capability.INTAKE_LEADS)):
        require(actor, Capability.WORK_LEADS)


# --- Endpoints ----------------------------------------------------------------------------------

@router.get("", response=list[LeadOut])
@paginate(Pagination, page_size=25)
def list_leads(request, filters: LeadFiltersIn = Query(...)):  # noqa: B008
    """Leads you may see, filtered and sorted, with their customer (mobile masked) and consultant."""
    _require_lead_reader(request.auth)
    return selectors.lead_list(request.auth, filters.to_filters())


@router.post("", response={201: LeadCreatedOut, 200: LeadCreatedOut})
def create_lead(request, payload: LeadCreateIn):
    """File a prospect and open a lead; an open lead for the same mobile answers 200 with `created: false`."""
    actor = request.auth
    data = payload.dict()
    customer_fields = {**data.pop("customer"), "source": data["source"]}
    owner = _store_user(data.pop("owner_id"), store_id=actor.store_id)
    grade = data.pop("grade")
    with fields_renamed({**_AS_CUSTOMER_INPUT, **_AS_OWNER_ID}):
        lead, created = services.lead_create(actor=actor, customer_fields=customer_fields, lead_fields=data, owner=owner,
                                             grade=grade)
    if not created and not selectors.leads_for(actor).filter(pk=lead.pk).exists():
        owner_name = lead.owner.display_name if lead.owner else _("the unassigned pool")
        raise Conflict(_("This customer already has an open lead (%(owner)s).") % {"owner": owner_name},
                       code="lead_exists", field="customer.mobile")
    return Reply(201 if created else 200, {"created": created, "lead": lead})


@router.post("/intake", response={201: IntakeOut, 200: IntakeOut}, tags=["intake"])
def intake(request, payload: IntakeIn):
    """A lead platform posts a lead. Idempotent by (source, external_ref): a repeat answers 200 with the same lead.

    The lead gets the store's first-response deadline and goes to a consultant by the store's rule
    (round robin among those on duty) or to the pool (`owner` null).
    """
    data = payload.dict()
    lead, created = services.lead_create(
        actor=request.auth,
        customer_fields={"name": data["name"], "mobile": data["mobile"], "city": data["city"], "source": data["source"]},
        lead_fields={"channel": Channel.ONLINE, "source": data["source"], "models_of_interest": data["models_of_interest"],
                     "notes": data["notes"]},
        external_ref=data["external_ref"],
    )
    body = {"created": created, "lead_id": lead.pk, "status": lead.status,
            "first_response_due_at": lead.first_response_due_at, "owner": lead.owner}
    return Reply(201 if created else 200, body)


@router.get("/loss-requests", response=list[LossRequestOut])
@paginate(Pagination, page_size=25)
def pending_loss_requests(request):
    """Loss applications awaiting a manager's decision, oldest first."""
    require(request.auth, Capability.APPROVE_LOSS)
    return selectors.pending_loss_requests(request.auth).select_related("decided_by")


@router.post("/loss-requests/{request_id}/decision", response=LossRequestOut)
def decide_loss(request, request_id: Id, payload: LossDecisionIn):
    """A manager approves the loss (the lead closes as lost, grade F) or rejects it with a comment."""
    loss_request = get_visible(LossRequest, request.auth, request_id)
    return services.lead_decide_loss(actor=request.auth, request=loss_request, **payload.dict())


@router.get("/{lead_id}", response=LeadOut)
def get_lead(request, lead_id: Id):
    return _lead(request, lead_id)


@router.patch("/{lead_id}", response=LeadOut)
def update_lead(request, lead_id: Id, payload: LeadPatchIn):
    """Edit interest, budget, timing and notes; send the `version` you read — a newer save answers 409."""
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.lead_update(actor=request.auth, lead=_lead(request, lead_id), fields=data, expected_version=version)


@router.post("/{lead_id}/advance", response=LeadOut)
def advance(request, lead_id: Id, payload: AdvanceIn):
    """Move the lead forward in the seven steps; skipping a step needs `skip_reason`."""
    return services.lead_advance_stage(actor=request.auth, lead=_lead(request, lead_id), to=payload.to,
                                       skip_reason=payload.skip_reason, expected_version=payload.version)


@router.post("/{lead_id}/grade", response=LeadOut)
def set_grade(request, lead_id: Id, payload: GradeIn):
    """Re-grade the lead; the next follow-up moves to the grade's interval."""
    return services.lead_set_grade(actor=request.auth, lead=_lead(request, lead_id), grade=payload.grade,
                                   expected_version=payload.version)


@router.post("/{lead_id}/assign", response=LeadOut)
def assign(request, lead_id: Id, payload: AssignIn):
    """A manager gives the lead to a consultant, or back to the pool (`owner_id: null`)."""
    lead = _lead(request, lead_id)
    owner = _store_user(payload.owner_id, store_id=lead.store_id)
    with fields_renamed(_AS_OWNER_ID):
        return services.lead_assign(actor=request.auth, lead=lead, owner=owner, reason=payload.reason,
                                    expected_version=payload.version)


@router.post("/{lead_id}/claim", response=LeadOut)
def claim(request, lead_id: Id):
    """Take an unassigned lead from the store's pool."""
    with fields_renamed(_AS_OWNER_ID):
        return services.lead_claim(actor=request.auth, lead=_lead(request, lead_id))


@router.post("/{lead_id}/loss-requests", response={201: LossRequestOut})
def request_loss(request, lead_id: Id, payload: LossRequestIn):
    """Apply to close the lead as lost (战败), with the reason; a manager decides."""
    loss_request = services.lead_request_loss(actor=request.auth, lead=_lead(request, lead_id), **payload.dict())
    return Reply(201, loss_request)


@router.post("/{lead_id}/reactivate", response=LeadOut)
def reactivate(request, lead_id: Id, payload: ReactivateIn):
    """A manager reopens a lost or dormant lead."""
    return services.lead_reactivate(actor=request.auth, lead=_lead(request, lead_id), reason=payload.reason)


@router.get("/{lead_id}/timeline", response=list[TimelineItemOut])
def timeline(request, lead_id: Id):
    """Contacts, stage changes, showroom visits and audit entries of the lead, newest first."""
    return [_timeline_item(item) for item in selectors.lead_timeline(_lead(request, lead_id), request.auth)]


def _timeline_item(item: dict) -> dict:
    obj, kind = item["obj"], item["kind"]
    if kind == "activity":
        title = f"{obj.get_channel_display()} · {obj.get_outcome_display()}"
        detail = {"id": obj.pk, "channel": obj.channel, "direction": obj.direction, "outcome": obj.outcome,
                  "summary": obj.summary, "next_step": obj.next_step, "next_step_at": obj.next_step_at}
    elif kind == "transition":
        if obj.from_status != obj.to_status:
            title = f"{obj.get_from_status_display()} → {obj.get_to_status_display()}"
        else:
            title = f"{obj.get_from_stage_display()} → {obj.get_to_stage_display()}"
        detail = {"from_stage": obj.from_stage, "to_stage": obj.to_stage, "from_status": obj.from_status,
                  "to_status": obj.to_status, "skipped": obj.skipped, "reason": obj.reason}
    elif kind == "visit":
        title = _("Showroom visit %(batch)s") % {"batch": obj.batch_no}
        detail = {"id": obj.pk, "batch_no": obj.batch_no, "purpose": obj.purpose, "party_size": obj.party_size,
                  "is_first_visit": obj.is_first_visit, "left_at": obj.left_at}
    else:
        title = obj.action
        detail = {"action": obj.action, "data": obj.data}
    return {"kind": kind, "at": item["at"], "actor": item["actor"], "title": title, "detail": detail}
