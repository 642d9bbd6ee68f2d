"""Orders over JSON under /api/v1/: signing from a quote, payments with receipts (and a manager's void of one), the car
(candidates, allocation, release, factory order), changes after signing and the cancellation.

Every endpoint calls the same selectors and services as the pages; an order the caller may not see is a 404, a
refused step a 4xx naming the field, a car taken first by another order a 409.
"""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.accounts.capabilities import Capability, require
from showroom.core.api import Body, Day, Id, Input, Money, Pagination, Version, fields_renamed
from showroom.core.money import to_fen

from . import selectors, services
from .models import (
    CancelledBy,
    ChangeStatus,
    DepositKind,
    OrderStatus,
    PaymentKind,
    PaymentMethod,
    PaymentPlan,
)

router = Router(tags=["orders"])

_AS_IDS = {"quote": "quote_id", "vehicle": "vehicle_id", "trim": "trim_id", "exterior_colour": "exterior_colour_id",
           "interior_colour": "interior_colour_id"}


# --- Output -------------------------------------------------------------------------------------

class Ref(Schema):
    id: int
    name: str


class VehicleRef(Schema):
    id: int
    vin: str
    status: str
    is_display: bool
    is_test_drive: bool
    arrival_date: dt.date | None
    location: str


class OptionLine(Schema):
    name: str
    kind: str = ""
    price: Decimal


class OrderOut(Schema):
    id: int
    number: str
    status: OrderStatus
    status_label: str
    lead_id: int
    quote_id: int
    consultant_id: int | None
    signed_at: dt.datetime
    buyer_name: str
    trim: Ref
    exterior_colour: Ref | None
    interior_colour: Ref | None
    options: list[OptionLine]
    contract_price: Decimal
    fees: Decimal
    amount_due: Decimal
    payment_plan: PaymentPlan
    loan_amount: Decimal
    deposit_kind: DepositKind
    deposit_amount: Decimal
    deposit_paid: Decimal
    paid: Decimal
    outstanding: Decimal
    delivery_date: dt.date | None
    delivery_place: str
    vehicle: VehicleRef | None
    allocated_at: dt.datetime | None
    factory_order_requested_at: dt.datetime | None
    factory_order_note: str
    ready_at: dt.datetime | None
    delivered_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(OrderStatus(obj.status).label)

    @staticmethod
    def resolve_trim(obj) -> dict:
        return {"id": obj.trim_id, "name": f"{obj.trim.series.name} {obj.trim.name}"}

    # Sums computed by the database come back without their scale on SQLite: shown to the fen everywhere.
    @staticmethod
    def resolve_paid(obj) -> Decimal:
        return to_fen(obj.received - obj.refunded)

    @staticmethod
    def resolve_deposit_paid(obj) -> Decimal:
        return to_fen(obj.deposit_paid)

    @staticmethod
    def resolve_outstanding(obj) -> Decimal:
        return to_fen(obj.outstanding)


class PaymentOut(Schema):
    id: int
    order_id: int
    kind: PaymentKind
    kind_label: str
    method: PaymentMethod
    amount: Decimal
    receipt_number: str
    reference: str
    payer: str
    received_at: dt.datetime
    received_by_id: int | None
    notes: str
    void: bool = Field(..., description="Voided by a manager: kept, but no longer counted in the balance.")
    voided_at: dt.datetime | None
    voided_by_id: int | None
    void_reason: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(PaymentKind(obj.kind).label)

    @staticmethod
    def resolve_void(obj) -> bool:
        return obj.is_void


class CancellationOut(Schema):
    order_id: int
    cancelled_by: CancelledBy
    reason: str
    deposit_kind: DepositKind
    deposit_paid: Decimal
    deposit_refunded: Decimal
    deposit_forfeited: Decimal
    compensation: Decimal
    other_refunded: Decimal
    total_refunded: Decimal
    refund_receipt: str | None

    @staticmethod
    def resolve_refund_receipt(obj) -> str | None:
        return obj.refund.receipt_number if obj.refund_id else None


class ChangeOut(Schema):
    id: int
    order_id: int
    status: ChangeStatus
    changes: dict = Field(..., description="{field: [old, new]}; a trim or colour as {id, label}.")
    reason: str
    requested_by_id: int | None
    requested_at: dt.datetime
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_comment: str


# --- Input --------------------------------------------------------------------------------------

class OrderFilters(Input):
    status: OrderStatus | None = None
    consultant_id: Id | None = None
    awaiting_allocation: bool = False
    balance_outstanding: bool = False
    q: str = Field("", max_length=50, description="Order number or buyer.")


class SignIn(Body):
    quote_id: Id = Field(..., description="An issued, valid quote of the lead; it is accepted by the signing.")
    deposit_kind: DepositKind | None = Field(None, description="Default: the quote's.")
    deposit_amount: Money | None = Field(None, ge=0, description="Default: the quote's. 定金 at most 20 % of the price.")
    buyer_name: str = Field("", max_length=50, description="Default: the customer's name.")
    delivery_date: Day | None = None
    delivery_place: str = Field("", max_length=200)
    notes: str = Field("", max_length=2000)


class PaymentIn(Body):
    kind: PaymentKind
    method: PaymentMethod
    amount: Money = Field(..., gt=0)
    reference: str = Field("", max_length=64)
    payer: str = Field("", max_length=100)
    notes: str = Field("", max_length=300)


class CandidatesIn(Input):
    include_demo_cars: bool = False


class AllocateIn(Body):
    vehicle_id: Id
    allow_demo_car: bool = Field(False, description="Sell a display or test-drive car (a manager's decision).")


class OrderReasonIn(Body):
    reason: str = Field(..., max_length=300)


class FactoryOrderIn(Body):
    note: str = Field("", max_length=300)


class CancelIn(Body):
    cancelled_by: CancelledBy
    reason: str = Field(..., max_length=300)
    refund_method: PaymentMethod = PaymentMethod.TRANSFER


class ChangeIn(Body):
    contract_price: Money | None = Field(None, gt=0)
    trim_id: Id | None = None
    exterior_colour_id: Id | None = None
    interior_colour_id: Id | None = None
    delivery_date: Day | None = None
    delivery_place: str | None = Field(None, max_length=200)
    reason: str = Field(..., max_length=300)
    version: Version | None = None


class DecisionIn(Body):
    approve: bool
    comment: str = Field("", max_length=300)


# --- Helpers ------------------------------------------------------------------------------------

def _order(request, order_id: int):
    require(request.auth, Capability.WORK_LEADS)
    return selectors.order_get(request.auth, order_id)


def _out(request, order):
    """The order as answered: reread with its money and catalog entries."""
    return (selectors.with_balance(selectors.orders_for(request.auth))
            .select_related("trim__series", "exterior_colour", "interior_colour", "vehicle").get(pk=order.pk))


# --- Endpoints ----------------------------------------------------------------------------------

@router.get("/orders", response=list[OrderOut])
@paginate(Pagination, page_size=25)
def order_list(request, filters: OrderFilters = Query(...)):  # noqa: B008
    """Orders the caller may see (a consultant's own, a manager's store), newest first."""
    require(request.auth, Capability.WORK_LEADS)
    return selectors.order_list(request.auth, status=filters.status, consultant_id=filters.consultant_id,
                                awaiting_allocation=filters.awaiting_allocation,
                                balance_outstanding=filters.balance_outstanding, query=filters.q
                                ).select_related("interior_colour")


@router.post("/orders", response={201: OrderOut})
def sign(request, payload: SignIn):
    """Sign the purchase contract from an issued quote: the quote is accepted, the lead moves to the order step."""
    data = payload.dict()
    with fields_renamed(_AS_IDS):
        order = services.order_sign(actor=request.auth, quote=data.pop("quote_id"), **data)
    return Reply(201, _out(request, order))


@router.get("/orders/{order_id}", response=OrderOut)
def order_detail(request, order_id: Id):
    """One order with its contract, money and car."""
    return _out(request, _order(request, order_id))


@router.get("/orders/{order_id}/payments", response=list[PaymentOut])
def payments(request, order_id: Id):
    """The order's payments and refunds with their receipt numbers, oldest first."""
    return list(selectors.payments_for(request.auth, _order(request, order_id)))


@router.post("/orders/{order_id}/payments", response={201: PaymentOut})
def add_payment(request, order_id: Id, payload: PaymentIn):
    """Take a payment and issue its receipt; more than the outstanding balance is refused."""
    return Reply(201, services.payment_record(actor=request.auth, order=_order(request, order_id), **payload.dict()))


@router.post("/orders/{order_id}/payments/{payment_id}/void", response=PaymentOut)
def void_payment(request, order_id: Id, payment_id: Id, payload: OrderReasonIn):
    """A manager voids a payment taken by mistake, with the reason: it stays listed, marked void, and no longer counts
    in the balance. Refunds, payments already void (409) and a delivered or cancelled order's are refused."""
    order = _order(request, order_id)
    with fields_renamed({"payment": "payment_id"}):
        return services.payment_void(actor=request.auth, payment=selectors.order_payment_get(request.auth, order, payment_id),
                                     reason=payload.reason)


@router.get("/orders/{order_id}/allocation/candidates", response=list[VehicleRef])
def candidates(request, order_id: Id, filters: CandidatesIn = Query(...)):  # noqa: B008
    """Cars in stock matching the order, no other order's, oldest arrival first (at most 50)."""
    order = _order(request, order_id)
    return list(selectors.allocation_candidates(request.auth, order, include_demo_cars=filters.include_demo_cars)[:50])


@router.post("/orders/{order_id}/allocation", response=OrderOut)
def allocate(request, order_id: Id, payload: AllocateIn):
    """Allocate a car by VIN (配车); the car is reserved. A car taken by another order first is a 409."""
    with fields_renamed(_AS_IDS):
        order = services.order_allocate(actor=request.auth, order=_order(request, order_id), vehicle=payload.vehicle_id,
                                        allow_demo_car=payload.allow_demo_car)
    return _out(request, order)


@router.post("/orders/{order_id}/allocation/release", response=OrderOut)
def release(request, order_id: Id, payload: OrderReasonIn):
    """Give the allocated car back to stock."""
    return _out(request, services.order_release_vehicle(actor=request.auth, order=_order(request, order_id),
                                                        reason=payload.reason))


@router.post("/orders/{order_id}/factory-order", response=OrderOut)
def factory_order(request, order_id: Id, payload: FactoryOrderIn):
    """No matching car in stock: record the request for a factory order (期车)."""
    return _out(request, services.order_request_factory_order(actor=request.auth, order=_order(request, order_id),
                                                              note=payload.note))


@router.post("/orders/{order_id}/ready", response=OrderOut)
def ready(request, order_id: Id):
    """The allocated car has passed its PDI: the order is ready for delivery."""
    return _out(request, services.order_mark_ready(actor=request.auth, order=_order(request, order_id)))


@router.post("/orders/{order_id}/cancellation", response={201: CancellationOut})
def cancel(request, order_id: Id, payload: CancelIn):
    """Cancel the order (退订) with the deposit's refund rule; the refund voucher and the cancellation are recorded."""
    return Reply(201, services.order_cancel(actor=request.auth, order=_order(request, order_id), **payload.dict()))


@router.get("/orders/{order_id}/changes", response=list[ChangeOut])
def changes(request, order_id: Id):
    """The order's changes after signing, newest first."""
    return list(selectors.change_requests_for(request.auth, _order(request, order_id)))


@router.post("/orders/{order_id}/changes", response={201: ChangeOut})
def change(request, order_id: Id, payload: ChangeIn):
    """Change the contract: a manager's change applies at once (status approved), a consultant's awaits a manager."""
    data = payload.dict(exclude_unset=True)
    reason, version = data.pop("reason"), data.pop("version", None)
    wanted = {key.removesuffix("_id"): value for key, value in data.items()}
    with fields_renamed(_AS_IDS):
        request_ = services.order_change(actor=request.auth, order=_order(request, order_id), changes=wanted,
                                         reason=reason, expected_version=version)
    return Reply(201, request_)


@router.post("/order-changes/{change_id}/decision", response=ChangeOut)
def decide(request, change_id: Id, payload: DecisionIn):
    """A manager approves (applies) or rejects a consultant's change."""
    change_request = selectors.change_request_get(request.auth, change_id)
    return services.order_decide_change(actor=request.auth, request=change_request, approve=payload.approve,
                                        comment=payload.comment)
