"""Quotes over JSON under /api/v1/: a lead's quote versions with the full calculation, issuing, the discount
approval, the negotiation rounds and the finance promotions in force.

Every endpoint calls the same selectors and services as the pages; a lead or quote the caller may not see is a
404, a refusal a 4xx naming the field (calc's refusals included), a decided approval a 409.
"""


import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.core.api import Body, Day, Id, Input, Money, Pagination, When, fields_renamed
from showroom.core.scoping import get_visible
from showroom.leads.models import Lead

from . import selectors, services
from .models import (
    ApprovalStatus,
    CommercialInsurance,
    DepositKind,
    LineKind,
    Objection,
    PaymentMethod,
    QuoteStatus,
    SubsidyScheme,
)
from .rates import ALLOWED_TERMS

router = Router(tags=["quotes"])

_AS_IDS = {"trim": "trim_id", "exterior_colour": "exterior_colour_id", "interior_colour": "interior_colour_id",
           "promotion": "promotion_id", "competitor_trim": "competitor_trim_id", "quote": "quote_id"}
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=8, decimal_places=6,
                                description="A fraction: 0.0399 = 3.99 %.")]


# --- Output -------------------------------------------------------------------------------------------


class LineOut(Schema):
    kind: LineKind
    name: str
    amount: Decimal
    option_id: int | None
    accessory_id: int | None


class QuoteOut(Schema):
    id: int
    lead_id: int
    number: str
    version: int
    status: QuoteStatus
    status_label: str
    expired: bool = Field(..., description="Issued or approved and past valid_until: it cannot be accepted.")
    trim_id: int
    trim: str
    guide_price: Decimal
    discount: Decimal
    unified_price: bool
    vehicle_price: Decimal
    total: Decimal = Field(..., description="落地价: every item to drive away.")
    cash_due_at_signing: Decimal
    cash_due_at_delivery: Decimal
    amount_financed: Decimal
    monthly_instalment: Decimal | None
    payment_method: PaymentMethod
    purchase_date: dt.date
    valid_until: dt.date
    needs_approval: bool
    below_floor: bool
    created_at: dt.datetime
    issued_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_expired(obj) -> bool:
        return obj.is_expired

    @staticmethod
    def resolve_trim(obj) -> str:
        return f"{obj.trim.series.name} {obj.trim.model_year} {obj.trim.name}"


class QuoteDetailOut(QuoteOut):
    exterior_colour_id: int | None
    interior_colour_id: int | None
    commercial_insurance_mode: CommercialInsurance
    commercial_insurance_amount: Decimal | None
    plate_service_fee: Decimal
    extended_warranty: Decimal
    extended_warranty_name: str
    has_trade_in: bool
    trade_in_brand: str
    trade_in_model: str
    trade_in_year: int | None
    trade_in_mileage_km: int | None
    trade_in_plate: str
    trade_in_value: Decimal
    trade_in_bonus: Decimal
    subsidy_scheme: SubsidyScheme
    loan_lender: str
    loan_term_months: int | None
    loan_annual_rate: Decimal | None
    loan_down_payment_ratio: Decimal | None
    loan_down_payment_amount: Decimal | None
    promotion_id: int | None
    deposit_amount: Decimal
    deposit_kind: DepositKind
    notes: str
    lines: list[LineOut]
    breakdown: dict = Field(..., description="calc.QuoteBreakdown: every item, the loan and the cash due "
                                             "(money as strings, exact to the fen).")

    @staticmethod
    def resolve_lines(obj) -> list:
        return getattr(obj, "line_list", None) or list(obj.lines.all())


class ApprovalOut(Schema):
    id: int
    quote_id: int
    quote_number: str
    lead_id: int
    customer: str
    status: ApprovalStatus
    reason: str
    discount: Decimal
    limit: Decimal
    floor_price: Decimal | None
    below_floor: bool
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    comment: str

    @staticmethod
    def resolve_quote_number(obj) -> str:
        return obj.quote.number

    @staticmethod
    def resolve_lead_id(obj) -> int:
        return obj.quote.lead_id

    @staticmethod
    def resolve_customer(obj) -> str:
        return obj.quote.lead.customer.name

    @staticmethod
    def resolve_requested_by(obj) -> str:
        return obj.requested_by.display_name if obj.requested_by else ""

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.display_name if obj.decided_by else None


class RoundOut(Schema):
    id: int
    lead_id: int
    quote_id: int | None
    happened_at: dt.datetime
    counter_offer: Decimal | None
    objections: list[Objection]
    competitor_trim_id: int | None
    competitor: str
    competitor_price: Decimal | None
    trade_in_value_asked: Decimal | None
    customer_said: str
    answer: str
    consultant: str

    @staticmethod
    def resolve_competitor(obj) -> str:
        return str(obj.competitor_trim) if obj.competitor_trim else obj.competitor_text

    @staticmethod
    def resolve_consultant(obj) -> str:
        return obj.consultant.display_name if obj.consultant else ""


class PromotionOut(Schema):
    id: int
    name: str
    lender: str
    trim_ids: list[int] = Field(..., description="Empty: every trim.")
    terms: list[int] = Field(..., description="Empty: any term.")
    annual_rate: Decimal
    lender_rate: Decimal
    min_down_payment_ratio: Decimal
    valid_from: dt.date
    valid_until: dt.date
    conditions: str

    @staticmethod
    def resolve_trim_ids(obj) -> list[int]:
        return [t.pk for t in obj.trims.all()]


# --- Input --------------------------------------------------------------------------------------------


class LineIn(Body):
    kind: LineKind
    name: str = Field("", max_length=100, description="Empty for a catalog item: its name is used.")
    amount: Money | None = Field(None, description="Empty for a catalog item: its price is used.")
    option_id: Id | None = None
    accessory_id: Id | None = None


class QuoteIn(Body):
    trim_id: Id
    exterior_colour_id: Id | None = None
    interior_colour_id: Id | None = None
    purchase_date: Day | None = Field(None, description="Expected invoice date (default today).")
    valid_until: Day | None = Field(None, description="Default: today + the store's validity days.")
    discount: Money = Decimal(0)
    commercial_insurance_mode: CommercialInsurance = CommercialInsurance.NONE
    commercial_insurance_amount: Money | None = None
    plate_service_fee: Money | None = Field(None, description="Default: the store's plate service fee.")
    extended_warranty: Money = Decimal(0)
    extended_warranty_name: str = Field("", max_length=100)
    has_trade_in: bool = False
    trade_in_brand: str = Field("", max_length=50)
    trade_in_model: str = Field("", max_length=50)
    trade_in_year: int | None = Field(None, ge=1980, le=2100)
    trade_in_mileage_km: int | None = Field(None, ge=0, le=2_000_000)
    trade_in_plate: str = Field("", max_length=10)
    trade_in_value: Money = Decimal(0)
    trade_in_bonus: Money = Decimal(0)
    subsidy_scheme: SubsidyScheme = SubsidyScheme.NONE
    payment_method: PaymentMethod = PaymentMethod.FULL
    loan_lender: str = Field("", max_length=100)
    loan_term_months: int | None = Field(None, description=f"One of {ALLOWED_TERMS}.")
    loan_annual_rate: Rate | None = None
    loan_down_payment_ratio: Rate | None = None
    loan_down_payment_amount: Money | None = None
    promotion_id: Id | None = None
    deposit_amount: Money = Decimal(0)
    deposit_kind: DepositKind = DepositKind.EARNEST
    notes: str = Field("", max_length=2000)
    lines: list[LineIn] = Field(default_factory=list, max_length=40)

    def service_args(self) -> tuple[dict, list[dict]]:
        data = self.dict()
        lines = [{"kind": line["kind"], "name": line["name"], "amount": line["amount"], "option": line["option_id"],
                  "accessory": line["accessory_id"]} for line in data.pop("lines")]
        fields = {_AS_FIELDS.get(key, key): value for key, value in data.items()}
        return fields, lines


_AS_FIELDS = {value: key for key, value in _AS_IDS.items()}


class IssueIn(Body):
    skip_reason: str = Field("", max_length=300, description="Needed when the lead skipped the test drive.")


class QuoteReasonIn(Body):
    reason: str = Field(..., max_length=500)


class CommentIn(Body):
    comment: str = Field("", max_length=500)


class RoundIn(Body):
    quote_id: Id | None = None
    happened_at: When | None = None
    counter_offer: Money | None = None
    objections: list[Objection] = Field(default_factory=list, max_length=10)
    competitor_trim_id: Id | None = None
    competitor_text: str = Field("", max_length=100)
    competitor_price: Money | None = None
    trade_in_value_asked: Money | None = None
    customer_said: str = Field("", max_length=2000)
    answer: str = Field(..., max_length=2000)


class PromotionQuery(Input):
    trim_id: Id | None = None
    on: Day | None = Field(None, description="The day (default today).")


# --- Endpoints ----------------------------------------------------------------------------------------


def _lead(request, lead_id) -> Lead:
    return get_visible(Lead, request.auth, lead_id)


def _quote(request, quote_id):
    return selectors.quote_get(request.auth, quote_id)


@router.get("/leads/{lead_id}/quotes", response=list[QuoteOut])
@paginate(Pagination, page_size=25)
def lead_quotes(request, lead_id: Id):
    """The lead's quote versions, newest first."""
    return selectors.quotes_for_lead(request.auth, _lead(request, lead_id))


@router.post("/leads/{lead_id}/quotes", response={201: QuoteDetailOut})
def create_quote(request, lead_id: Id, payload: QuoteIn):
    """Draft a quote version for the lead; the figures are calculated by the service."""
    fields, lines = payload.service_args()
    with fields_renamed(_AS_IDS):
        quote = services.quote_create(actor=request.auth, lead=_lead(request, lead_id), fields=fields, lines=lines)
    return Reply(201, _quote(request, quote.pk))


@router.get("/quotes/{quote_id}", response=QuoteDetailOut)
def quote_detail(request, quote_id: Id):
    """One quote with its inputs, lines and the full calculation."""
    return _quote(request, quote_id)


@router.put("/quotes/{quote_id}", response=QuoteDetailOut)
def update_quote(request, quote_id: Id, payload: QuoteIn):
    """Change a draft (every input and line is replaced)."""
    fields, lines = payload.service_args()
    with fields_renamed(_AS_IDS):
        quote = services.quote_update(actor=request.auth, quote=_quote(request, quote_id), fields=fields, lines=lines)
    return _quote(request, quote.pk)


@router.post("/quotes/{quote_id}/versions", response={201: QuoteDetailOut})
def new_version(request, quote_id: Id):
    """Start the next version from this quote (a copy, recalculated with today's catalog price)."""
    quote = services.quote_new_version(actor=request.auth, quote=_quote(request, quote_id))
    return Reply(201, _quote(request, quote.pk))


@router.post("/quotes/{quote_id}/issue", response=QuoteOut)
def issue(request, quote_id: Id, payload: IssueIn):
    """Hand the quote to the customer (within the limit or approved, and still valid)."""
    quote = services.quote_issue(actor=request.auth, quote=_quote(request, quote_id), skip_reason=payload.skip_reason)
    return _quote(request, quote.pk)


@router.post("/quotes/{quote_id}/decline", response=QuoteOut)
def decline(request, quote_id: Id, payload: QuoteReasonIn):
    """The customer declined this version."""
    quote = services.quote_decline(actor=request.auth, quote=_quote(request, quote_id), reason=payload.reason)
    return _quote(request, quote.pk)


@router.post("/quotes/{quote_id}/request-approval", response={201: ApprovalOut})
def request_approval(request, quote_id: Id, payload: QuoteReasonIn):
    """Ask the sales manager to approve a discount beyond the limit or a price below the floor."""
    approval = services.quote_request_approval(actor=request.auth, quote=_quote(request, quote_id),
                                               reason=payload.reason)
    return Reply(201, selectors.approval_get(request.auth, approval.pk))


@router.get("/quote-approvals", response=list[ApprovalOut])
@paginate(Pagination, page_size=25)
def pending_approvals(request):
    """Requests waiting for the sales manager's decision, oldest first (empty for other roles)."""
    return selectors.approvals_pending(request.auth)


@router.post("/quote-approvals/{approval_id}/approve", response=ApprovalOut)
def approve(request, approval_id: Id, payload: CommentIn):
    approval = services.approval_decide(actor=request.auth, approval=selectors.approval_get(request.auth, approval_id),
                                        approve=True, comment=payload.comment)
    return selectors.approval_get(request.auth, approval.pk)


@router.post("/quote-approvals/{approval_id}/reject", response=ApprovalOut)
def reject(request, approval_id: Id, payload: CommentIn):
    """Reject with a comment for the consultant (required)."""
    approval = services.approval_decide(actor=request.auth, approval=selectors.approval_get(request.auth, approval_id),
                                        approve=False, comment=payload.comment)
    return selectors.approval_get(request.auth, approval.pk)


@router.get("/leads/{lead_id}/negotiation-rounds", response=list[RoundOut])
@paginate(Pagination, page_size=25)
def rounds(request, lead_id: Id):
    """The lead's negotiation log, newest first."""
    return selectors.rounds_for_lead(request.auth, _lead(request, lead_id))


@router.post("/leads/{lead_id}/negotiation-rounds", response={201: RoundOut})
def record_round(request, lead_id: Id, payload: RoundIn):
    """Log a round: counter-offer, objections (with a competitor's car and price) and the answer."""
    fields = {_AS_FIELDS.get(key, key): value for key, value in payload.dict().items()}
    with fields_renamed(_AS_IDS):
        entry = services.negotiation_record(actor=request.auth, lead=_lead(request, lead_id), fields=fields)
    return Reply(201, selectors.rounds_for_lead(request.auth, entry.lead).get(pk=entry.pk))


@router.get("/finance-promotions", response=list[PromotionOut])
def promotions(request, filters: Query[PromotionQuery]):
    """Finance promotions in force on the day (for a trim: those that include it)."""
    return list(selectors.active_promotions(request.auth, trim_id=filters.trim_id, on=filters.on))
