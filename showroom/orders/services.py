"""Every change to orders: signing the contract from the accepted quote, payments with receipts, allocating a car
by VIN (or asking the factory for one), changes after signing, the hand-over and the cancellation (退订).

Scarce things are protected by the database: an order or receipt number is taken from a counter row updated under
its lock (and is unique per store), a car is held by one order through a unique constraint on `Order.vehicle`, and
payments lock the order so two cashiers cannot both take the last yuan of the balance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, can, require, sees_whole_store
from showroom.audit import services as audit
from showroom.catalog.models import Colour, ColourKind, Trim
from showroom.catalog.selectors import trims_for
from showroom.core import clock
from showroom.core.clock import YEARS
from showroom.core.errors import Conflict, DomainError, PermissionDenied
from showroom.core.money import MAX_AMOUNT, to_fen
from showroom.core.scoping import get_visible
from showroom.core.versioning import bump, check_version
from showroom.inventory import services as stock
from showroom.inventory.models import Vehicle, VehicleStatus
from showroom.leads import services as leads
from showroom.leads.models import Lead, Stage, Status
from showroom.quotes import pricing
from showroom.quotes import selectors as quote_selectors
from showroom.quotes import services as quotes
from showroom.quotes.models import CommercialInsurance, Quote, QuoteLine
from showroom.quotes.rates import EARNEST_MONEY_CAP

from .models import (
    ACTIVE_STATUSES,
    Cancellation,
    CancelledBy,
    ChangeRequest,
    ChangeStatus,
    DepositKind,
    NumberKind,
    NumberSequence,
    Order,
    OrderStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentPlan,
)
from .selectors import ZERO, balance_of

# The sales manager's approval right, the one that decides lost sales: it also approves changes to a signed
# contract, a dealer-side cancellation and the sale of a display or test-drive car.
APPROVE = Capability.APPROVE_LOSS
CHANGEABLE_FIELDS = ("contract_price", "trim", "exterior_colour", "interior_colour", "delivery_date", "delivery_place")
# The changes that reprice the contract (its fees and loan follow; they are recorded with the change).
PRICED_FIELDS = ("contract_price", "trim", "exterior_colour", "interior_colour")
MAX_TEXT = 300


# --- Helpers -------------------------------------------------------------------------------------

def may_approve(actor) -> bool:
    """A sales manager (or store admin) of the order's store: approves changes and dealer-side cancellations."""
    return can(actor, APPROVE) and sees_whole_store(actor)


def _amount(value, field: str) -> Decimal:
    try:
        amount = to_fen(value if isinstance(value, Decimal | int) else str(value))
    except (TypeError, ValueError, InvalidOperation):
        raise DomainError(_("Enter an amount in yuan."), code="amount_invalid", field=field) from None
    if amount <= 0:
        raise DomainError(_("Enter an amount above zero."), code="amount_not_positive", field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(_("Enter an amount in yuan."), code="amount_invalid", field=field)
    return amount


def _text(value, field: str, limit: int = MAX_TEXT, *, required: bool = False) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise DomainError(_("Give the reason."), code=f"{field}_required", field=field)
    if len(text) > limit:
        raise DomainError(_("At most %(n)d characters.") % {"n": limit}, code=f"{field}_too_long", field=field)
    return text


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def _earnest_cap(deposit_kind: str, deposit: Decimal, price: Decimal, field: str) -> None:
    """定金 above 20 % of the contract price is not 定金 (Civil Code Art. 586): refuse the excess."""
    cap = to_fen(price * EARNEST_MONEY_CAP)
    if deposit_kind == DepositKind.EARNEST and deposit > cap:
        raise DomainError(
            _("Earnest money (定金) may be at most 20 %% of the contract price, %(cap)s; the excess would not be "
              "earnest money. Lower it or agree an advance payment (订金).") % {"cap": _yuan(cap)},
            code="earnest_over_cap", field=field)


def next_number(store_id: int, kind: str, year: int | None = None) -> str:
    """The store's next number of this kind for the year ("SO2026-000123"); call inside the caller's transaction.

    The counter row is updated in place (the update takes its row lock until commit), so concurrent callers get
    consecutive numbers; the first number of a year creates the row in a savepoint, and a second creator retries
    the update."""
    year = year or clock.today().year
    for _attempt in range(3):
        if NumberSequence.objects.filter(store_id=store_id, kind=kind, year=year).update(last=F("last") + 1):
            break
        try:
            with transaction.atomic():
                NumberSequence.objects.create(store_id=store_id, kind=kind, year=year, last=1)
            break
        except IntegrityError:
            continue
    last = NumberSequence.objects.filter(store_id=store_id, kind=kind, year=year).values_list("last", flat=True).get()
    return f"{kind}{year}-{last:06d}"


def _lock_order(actor, order: Order) -> Order:
    """The order, locked, if the actor may see it and may work its lead."""
    require(actor, Capability.WORK_LEADS)
    locked = get_visible(Order, actor, order.pk, for_update=True, select_related=("updated_by",))
    lead = Lead.objects.get(pk=locked.lead_id)
    leads.require_may_work(actor, lead)
    locked.lead = lead
    return locked


def _require_active(order: Order, field: str | None = None) -> None:
    if order.status not in ACTIVE_STATUSES:
        raise DomainError(_("This order is %(status)s; it can no longer be changed.") % {"status": order.get_status_display()},
                          code="order_closed", field=field)


# --- Signing -------------------------------------------------------------------------------------

def _contract_options(quote: Quote) -> list[dict]:
    return [{"name": line.name, "kind": line.kind, "price": str(line.amount)}
            for line in QuoteLine.objects.filter(quote_id=quote.pk).order_by("kind", "position", "pk")]


def order_sign(*, actor, quote: Quote, deposit_kind: str | None = None, deposit_amount=None, buyer_name: str = "",
               delivery_date: dt.date | None = None, delivery_place: str = "", notes: str = "") -> Order:
    """Sign the purchase contract from the lead's quote: the quote is accepted, the order numbered, the lead moved to
    the order step. Price, car and payment plan are the quote's; the deposit's kind and amount may be agreed now."""
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        # The lead before its quote, as the quote and cancellation services lock them: never one waiting on the other.
        lead_id = get_visible(Quote, actor, getattr(quote, "pk", quote)).lead_id
        lead = get_visible(Lead, actor, lead_id, for_update=True, select_related=("customer",))
        quote = get_visible(Quote, actor, getattr(quote, "pk", quote), for_update=True)
        leads.require_may_work(actor, lead)
        if lead.status != Status.OPEN or lead.owner_id is None:
            raise DomainError(_("Only an open lead of a consultant can sign an order."), code="lead_not_open", field="quote")
        if Order.objects.filter(quote_id=quote.pk).exclude(status=OrderStatus.CANCELLED).exists():
            raise Conflict(_("An order has already been signed from this quote."), code="quote_ordered", field="quote")
        kind = deposit_kind or quote.deposit_kind
        if kind not in DepositKind.values:
            raise DomainError(_("Choose the kind of deposit."), code="deposit_kind_invalid", field="deposit_kind")
        deposit = _amount(quote.deposit_amount if deposit_amount in (None, "") else deposit_amount, "deposit_amount")
        price = quote.vehicle_price
        _earnest_cap(kind, deposit, price, "deposit_amount")
        if deposit > quote.total:
            raise DomainError(_("The deposit cannot be more than the total, %(total)s.") % {"total": _yuan(quote.total)},
                              code="deposit_over_total", field="deposit_amount")
        buyer = _text(buyer_name, "buyer_name", 50) or lead.customer.name
        if not buyer:
            raise DomainError(_("Enter the buyer's name as in the contract."), code="buyer_required", field="buyer_name")
        _check_delivery_date(delivery_date)
        quotes.quote_accept(actor=actor, quote=quote)
        now = clock.now()
        order = Order(
            store_id=lead.store_id, lead=lead, quote=quote, number=next_number(lead.store_id, NumberKind.ORDER),
            consultant_id=lead.owner_id, signed_at=now, buyer_name=buyer, trim_id=quote.trim_id,
            exterior_colour_id=quote.exterior_colour_id, interior_colour_id=quote.interior_colour_id,
            options=_contract_options(quote), contract_price=price, fees=max(quote.total - price, ZERO),
            payment_plan=PaymentPlan.LOAN if quote.payment_method == PaymentPlan.LOAN else PaymentPlan.FULL,
            loan_amount=quote.amount_financed or ZERO, deposit_kind=kind, deposit_amount=deposit,
            delivery_date=delivery_date, delivery_place=_text(delivery_place, "delivery_place", 200),
            notes=_text(notes, "notes", 2000), created_by=actor, updated_by=actor,
        )
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError:
            raise Conflict(_("An order has already been signed from this quote."), code="quote_ordered", field="quote") from None
        audit.record(actor=actor, action="orders.signed", target=order, data={
            "number": order.number, "quote": quote.number, "contract_price": price, "fees": order.fees,
            "deposit_kind": kind, "deposit_amount": deposit, "trim": order.trim_id, "delivery_date": delivery_date,
        })
        if lead.stage < Stage.ORDER:
            skipped = Stage.between(lead.stage, Stage.ORDER)
            leads.lead_advance_stage(
                actor=actor, lead=lead, to=Stage.ORDER,
                skip_reason=_("Order %(number)s signed.") % {"number": order.number} if skipped else "")
    return order


def _check_delivery_date(day) -> None:
    if day is None:
        return
    if not isinstance(day, dt.date) or not YEARS[0] <= day.year <= YEARS[1]:
        raise DomainError(_("Enter the delivery date, e.g. 2026-05-31."), code="delivery_date_invalid", field="delivery_date")
    if day < clock.today():
        raise DomainError(_("The delivery date cannot be in the past."), code="delivery_date_past", field="delivery_date")


# --- Payments ------------------------------------------------------------------------------------

RECEIVABLE = (PaymentKind.DEPOSIT, PaymentKind.BALANCE, PaymentKind.LOAN, PaymentKind.TRADE_IN)


def payment_record(*, actor, order: Order, kind: str, method: str, amount, reference: str = "", payer: str = "",
                   notes: str = "", received_at: dt.datetime | None = None) -> Payment:
    """Take a payment for the order (deposit, balance, loan disbursement or trade-in credit) and issue its receipt;
    more than the outstanding balance, a deposit beyond the one agreed, a loan disbursement beyond the loan or a
    trade-in credit beyond the quote's trade-in value (or without a trade-in) is refused."""
    with transaction.atomic():
        order = _lock_order(actor, order)
        _require_active(order, "amount")
        if kind not in RECEIVABLE:
            raise DomainError(_("Choose what the payment is for."), code="kind_invalid", field="kind")
        if method not in PaymentMethod.values:
            raise DomainError(_("Choose how it was paid."), code="method_invalid", field="method")
        if (kind == PaymentKind.TRADE_IN) != (method == PaymentMethod.TRADE_IN):
            raise DomainError(_("A trade-in credit is paid by the trade-in car, and only it."), code="method_trade_in",
                              field="method")
        if kind == PaymentKind.LOAN and order.payment_plan != PaymentPlan.LOAN:
            raise DomainError(_("This order is paid in full, without a loan."), code="no_loan", field="kind")
        amount = _amount(amount, "amount")
        balance = balance_of(order)
        if kind == PaymentKind.DEPOSIT:
            _within_agreed(amount, order.deposit_amount, balance.deposit_paid, code="deposit_exceeded", message=_(
                "The deposit agreed is %(agreed)s and %(paid)s of it is paid: at most %(open)s more can be taken as "
                "deposit; take the rest as balance."))
        elif kind == PaymentKind.LOAN:
            _within_agreed(amount, order.loan_amount, _paid_as(order, kind), code="loan_exceeded", message=_(
                "The loan is %(agreed)s and %(paid)s of it is disbursed: at most %(open)s more can be taken as loan "
                "disbursement; take the rest as balance."))
        elif kind == PaymentKind.TRADE_IN:
            trade_in = Quote.objects.filter(pk=order.quote_id).values("has_trade_in", "trade_in_value").get()
            if not trade_in["has_trade_in"]:
                raise DomainError(_("The contract has no trade-in: no trade-in credit can be taken."),
                                  code="no_trade_in", field="kind")
            _within_agreed(amount, trade_in["trade_in_value"], _paid_as(order, kind), code="trade_in_exceeded",
                           message=_("The trade-in is valued at %(agreed)s and %(paid)s of it is credited: at most "
                                     "%(open)s more can be credited; take the rest as balance."))
        if amount > balance.outstanding:
            raise DomainError(_("This is more than the outstanding balance of %(outstanding)s: overpayment is refused.")
                              % {"outstanding": _yuan(balance.outstanding)}, code="overpayment", field="amount")
        when = received_at or clock.now()
        if when > clock.now() + dt.timedelta(minutes=5):
            raise DomainError(_("A payment cannot be received in the future."), code="received_future", field="received_at")
        payment = Payment.objects.create(
            store_id=order.store_id, order=order, kind=kind, method=method, amount=amount,
            receipt_number=next_number(order.store_id, NumberKind.RECEIPT), reference=_text(reference, "reference", 64),
            payer=_text(payer, "payer", 100) or order.buyer_name, received_at=when, received_by=actor,
            notes=_text(notes, "notes"),
        )
        audit.record(actor=actor, action="orders.payment_recorded", target=order, data={
            "receipt": payment.receipt_number, "kind": kind, "method": method, "amount": amount,
            "outstanding": [balance.outstanding, balance.outstanding - amount]})
        if kind == PaymentKind.DEPOSIT and order.status == OrderStatus.SIGNED \
                and balance.deposit_paid + amount >= order.deposit_amount:
            _set_status(actor, order, OrderStatus.DEPOSIT_PAID)
    return payment


def payment_void(*, actor, payment: Payment | int, reason: str) -> Payment:
    """Void a payment taken by mistake (a mistyped amount, the wrong order): a sales manager's decision, with the
    reason. The payment and its receipt stay, marked void, and no longer count in the balance; an order whose deposit
    is no longer paid in full goes back from "deposit paid" to "signed". Refunds, payments already void and the
    payments of a delivered or cancelled order cannot be voided."""
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        order_id = get_visible(Payment, actor, getattr(payment, "pk", payment)).order_id
        # The order first, as payment_record locks it: a void and a payment of one order never overlap.
        order = _lock_order(actor, Order(pk=order_id))
        if not may_approve(actor):
            raise PermissionDenied(_("Only a sales manager can void a payment."))
        payment = Payment.objects.select_for_update().get(pk=getattr(payment, "pk", payment))
        if payment.is_refund:
            raise DomainError(_("A refund cannot be voided."), code="refund_not_voidable", field="payment")
        if payment.is_void:
            raise Conflict(_("Payment %(receipt)s is already void.") % {"receipt": payment.receipt_number},
                           code="payment_already_void", field="payment")
        _require_active(order, "payment")
        before = balance_of(order)
        payment.voided_at, payment.voided_by, payment.void_reason = clock.now(), actor, reason
        payment.save(update_fields=["voided_at", "voided_by", "void_reason"])
        after = balance_of(order)
        audit.record(actor=actor, action="orders.payment_voided", target=order, data={
            "receipt": payment.receipt_number, "kind": payment.kind, "method": payment.method, "amount": payment.amount,
            "reason": reason, "outstanding": [before.outstanding, after.outstanding]})
        # The reverse of payment_record's step: "deposit paid" holds only while the agreed deposit is paid in full.
        if order.status == OrderStatus.DEPOSIT_PAID and after.deposit_paid < order.deposit_amount:
            _set_status(actor, order, OrderStatus.SIGNED)
    return payment


def _within_agreed(amount: Decimal, agreed: Decimal, paid: Decimal, *, code: str, message: str) -> None:
    """Refuse more of a kind of payment than the contract agreed (the deposit, the loan, the trade-in value)."""
    still_open = agreed - paid
    if amount > still_open:
        raise DomainError(message % {"agreed": _yuan(agreed), "paid": _yuan(paid), "open": _yuan(max(still_open, ZERO))},
                          code=code, field="amount")


def _paid_as(order: Order, kind: str) -> Decimal:
    """What the order has received as this kind of payment."""
    total = (Payment.objects.filter(order_id=order.pk, kind=kind, voided_at__isnull=True)
             .aggregate(total=Sum("amount"))["total"])
    return to_fen(total or ZERO)


def _set_status(actor, order: Order, to: str, extra: list[str] = ()) -> None:
    previous, order.status = order.status, to
    order.save(update_fields=bump(order, actor, ["status", *extra]))
    audit.record(actor=actor, action="orders.status_changed", target=order, data={"from": previous, "to": to})


def _status_without_car(order: Order) -> str:
    deposit_paid = balance_of(order).deposit_paid
    return OrderStatus.DEPOSIT_PAID if order.deposit_amount and deposit_paid >= order.deposit_amount else OrderStatus.SIGNED


# --- Allocation ----------------------------------------------------------------------------------

def order_allocate(*, actor, order: Order, vehicle: Vehicle, allow_demo_car: bool = False) -> Order:
    """Allocate a car from stock by VIN (配车): same trim and colours, in stock, held by no other order; a display or
    test-drive car only when a manager allows it. The car is reserved for the order."""
    with transaction.atomic():
        order = _lock_order(actor, order)
        _require_active(order, "vehicle")
        if order.vehicle_id is not None:
            raise DomainError(_("A car is already allocated to this order; release it first."), code="already_allocated",
                              field="vehicle")
        if order.status not in (OrderStatus.SIGNED, OrderStatus.DEPOSIT_PAID):
            raise DomainError(_("A car can be allocated to a signed order only."), code="order_status", field="vehicle")
        car = Vehicle.objects.visible_to(actor).select_for_update(of=("self",)).filter(
            pk=getattr(vehicle, "pk", vehicle), store_id=order.store_id).first()
        if car is None:
            raise DomainError(_("Choose a car of the store's stock."), code="vehicle_invalid", field="vehicle")
        if car.trim_id != order.trim_id or (order.exterior_colour_id and car.exterior_colour_id != order.exterior_colour_id) \
                or (order.interior_colour_id and car.interior_colour_id != order.interior_colour_id):
            raise DomainError(_("The car %(vin)s does not match the order's trim and colours.") % {"vin": car.vin},
                              code="vehicle_mismatch", field="vehicle")
        if car.is_display or car.is_test_drive:
            if not allow_demo_car:
                raise DomainError(_("The car %(vin)s is a display or test-drive car; allow it explicitly to sell it.")
                                  % {"vin": car.vin}, code="demo_car", field="vehicle")
            if not may_approve(actor):
                raise PermissionDenied(_("Only a sales manager can sell a display or test-drive car."))
        if car.status != VehicleStatus.IN_STOCK or car.orders.exists():
            raise Conflict(_("The car %(vin)s has just been allocated to another order; choose another car.")
                           % {"vin": car.vin}, code="vehicle_taken", field="vehicle")
        order.vehicle, order.allocated_at, order.allows_demo_car = car, clock.now(), bool(allow_demo_car)
        previous = order.status
        order.status = OrderStatus.ALLOCATED
        try:
            with transaction.atomic():
                order.save(update_fields=bump(order, actor, ["vehicle", "allocated_at", "allows_demo_car", "status"]))
        except IntegrityError:
            raise Conflict(_("The car %(vin)s has just been allocated to another order; choose another car.")
                           % {"vin": car.vin}, code="vehicle_taken", field="vehicle") from None
        stock.vehicle_reserve_for_sale(actor=actor, vehicle=car, order_number=order.number)
        audit.record(actor=actor, action="orders.vehicle_allocated", target=order, data={
            "vin": car.vin, "vehicle": car.pk, "demo_car": car.is_display or car.is_test_drive,
            "status": [previous, order.status]})
    return order


def order_release_vehicle(*, actor, order: Order, reason: str) -> Order:
    """Take the car back from the order (it returns to stock); the order waits for another car."""
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        order = _lock_order(actor, order)
        _require_active(order, "reason")
        if order.vehicle_id is None:
            raise DomainError(_("No car is allocated to this order."), code="not_allocated", field="reason")
        car = _release(actor, order)
        previous = order.status
        order.status = _status_without_car(order)
        order.save(update_fields=bump(order, actor, ["vehicle", "allocated_at", "ready_at", "status"]))
        audit.record(actor=actor, action="orders.vehicle_released", target=order,
                     data={"vin": car.vin, "vehicle": car.pk, "reason": reason, "status": [previous, order.status]})
    return order


def _release(actor, order: Order) -> Vehicle:
    """The order lets its car go (the caller saves the order): the car is back in stock."""
    car = stock.vehicle_release_from_sale(actor=actor, vehicle=order.vehicle_id, order_number=order.number)
    order.vehicle, order.allocated_at, order.ready_at = None, None, None
    return car


def order_request_factory_order(*, actor, order: Order, note: str = "") -> Order:
    """No matching car in stock: ask the factory for one (期车); the stock keeper files it when it is ordered."""
    note = _text(note, "note")
    with transaction.atomic():
        order = _lock_order(actor, order)
        _require_active(order, "note")
        if order.vehicle_id is not None:
            raise DomainError(_("A car is already allocated to this order."), code="already_allocated", field="note")
        if order.factory_order_requested_at is not None:
            raise DomainError(_("A factory order has already been requested for this order."), code="factory_requested",
                              field="note")
        order.factory_order_requested_at, order.factory_order_note = clock.now(), note
        order.save(update_fields=bump(order, actor, ["factory_order_requested_at", "factory_order_note"]))
        audit.record(actor=actor, action="orders.factory_order_requested", target=order, data={"note": note})
    return order


def order_mark_ready(*, actor, order: Order) -> Order:
    """The allocated car has passed its PDI and is prepared: the order is ready for delivery."""
    with transaction.atomic():
        order = _lock_order(actor, order)
        if order.status != OrderStatus.ALLOCATED:
            raise DomainError(_("Only an order with an allocated car can be made ready."), code="order_status", field="status")
        order.ready_at = clock.now()
        _set_status(actor, order, OrderStatus.READY, ["ready_at"])
    return order


def order_mark_delivered(*, actor, order: Order) -> Order:
    """The car is handed over: the order is delivered and the car leaves the stock as sold and delivered. The balance
    (or the loan disbursement) must be in; the lead's step is the delivery's to move."""
    with transaction.atomic():
        order = _lock_order(actor, order)
        if order.status not in (OrderStatus.ALLOCATED, OrderStatus.READY) or order.vehicle_id is None:
            raise DomainError(_("Only an order with an allocated car can be delivered."), code="order_status", field="status")
        outstanding = balance_of(order).outstanding
        if outstanding > 0:
            raise DomainError(_("%(outstanding)s is still outstanding: take the balance or the loan disbursement before "
                                "the hand-over.") % {"outstanding": _yuan(outstanding)}, code="balance_outstanding",
                              field="status")
        car = order.vehicle
        if car.status != VehicleStatus.SOLD:
            car = stock.vehicle_mark_sold(actor=actor, vehicle=car, order_number=order.number)
        car = stock.vehicle_mark_delivered(actor=actor, vehicle=car, order_number=order.number)
        order.delivered_at = clock.now()
        _set_status(actor, order, OrderStatus.DELIVERED, ["delivered_at"])
        audit.record(actor=actor, action="orders.delivered", target=order, data={"vin": car.vin})
    return order


# --- Cancellation --------------------------------------------------------------------------------

def refund_rule(deposit_kind: str, cancelled_by: str, deposit_paid: Decimal) -> dict[str, Decimal]:
    """The deposit's fate when an order is cancelled (domain §1.7): 定金 is lost by a buyer who backs out and paid back
    double by a dealer who does; 订金 and the intention fee are refunded; a locked-order deposit is lost by the buyer
    and refunded by the dealer."""
    refunded = forfeited = compensation = ZERO
    if deposit_kind == DepositKind.EARNEST:
        if cancelled_by == CancelledBy.BUYER:
            forfeited = deposit_paid
        else:
            refunded = compensation = deposit_paid
    elif deposit_kind == DepositKind.LOCKED and cancelled_by == CancelledBy.BUYER:
        forfeited = deposit_paid
    else:
        refunded = deposit_paid
    return {"deposit_refunded": refunded, "deposit_forfeited": forfeited, "compensation": compensation}


def order_cancel(*, actor, order: Order, cancelled_by: str, reason: str,
                 refund_method: str = PaymentMethod.TRANSFER) -> Cancellation:
    """Cancel the order (退订): the deposit's rule is applied and recorded, every other payment refunded, a refund
    voucher issued, the car returned to stock and a delivery booked for it called off; the quote it was signed from is closed and the lead goes back to
    the negotiation, so a new quote can be accepted and signed. A dealer-side cancellation is a manager's decision."""
    if cancelled_by not in CancelledBy.values:
        raise DomainError(_("Choose who backs out of the contract."), code="cancelled_by_invalid", field="cancelled_by")
    if refund_method not in PaymentMethod.values or refund_method == PaymentMethod.TRADE_IN:
        raise DomainError(_("Choose how the refund is paid."), code="method_invalid", field="refund_method")
    reason = _text(reason, "reason", required=True)
    # deliveries.services imports this module, so its cancellation hook is imported when it is needed.
    from showroom.deliveries import services as deliveries

    with transaction.atomic():
        # The order's delivery is locked before the order, in the order the delivery services lock them.
        booked = deliveries.delivery_lock_for_order(order)
        order = _lock_order(actor, order)
        _require_active(order, "cancelled_by")
        if cancelled_by == CancelledBy.DEALER and not may_approve(actor):
            raise PermissionDenied(_("Only a sales manager can cancel an order on the dealer's side."))
        balance = balance_of(order)
        other_paid = balance.paid - balance.deposit_paid
        rule = refund_rule(order.deposit_kind, cancelled_by, balance.deposit_paid)
        total = rule["deposit_refunded"] + rule["compensation"] + other_paid
        refund = None
        if total > 0:
            refund = Payment.objects.create(
                store_id=order.store_id, order=order, kind=PaymentKind.REFUND, method=refund_method, amount=total,
                receipt_number=next_number(order.store_id, NumberKind.REFUND), payer=order.buyer_name,
                received_at=clock.now(), received_by=actor, notes=reason)
        cancellation = Cancellation.objects.create(
            order=order, cancelled_by=cancelled_by, reason=reason, deposit_kind=order.deposit_kind,
            deposit_paid=balance.deposit_paid, other_refunded=other_paid, refund=refund, recorded_by=actor, **rule)
        vin = _release(actor, order).vin if order.vehicle_id else ""
        deliveries.delivery_cancel_with_order(actor=actor, delivery=booked, order=order, reason=reason)
        ChangeRequest.objects.filter(order=order, status=ChangeStatus.PENDING).update(
            status=ChangeStatus.REJECTED, decided_by=actor, decided_at=clock.now(),
            decision_comment=_("The order was cancelled."))
        order.cancelled_at = clock.now()
        _set_status(actor, order, OrderStatus.CANCELLED, ["cancelled_at", "vehicle", "allocated_at", "ready_at"])
        audit.record(actor=actor, action="orders.cancelled", target=order, data={
            "cancelled_by": cancelled_by, "reason": reason, "deposit_kind": order.deposit_kind,
            "deposit_paid": balance.deposit_paid, **rule, "other_refunded": other_paid, "total_refunded": total,
            "refund_receipt": refund.receipt_number if refund else "", "vin": vin})
        _reopen_sale(actor, order, reason)
    return cancellation


def _reopen_sale(actor, order: Order, reason: str) -> None:
    """After a cancellation the customer can be sold to again: the contract's quote no longer counts as accepted and
    the lead is back at "Quote and negotiation" (unless another order of the lead still runs)."""
    why = _("Order %(number)s was cancelled: %(reason)s") % {"number": order.number, "reason": reason}
    quotes.quote_cancel_acceptance(actor=actor, quote=order.quote, reason=why[:300])
    lead = order.lead
    others = Order.objects.filter(lead_id=lead.pk, status__in=ACTIVE_STATUSES).exclude(pk=order.pk)
    if lead.status == Status.OPEN and lead.stage == Stage.ORDER and not others.exists():
        leads.lead_return_to_negotiation(actor=actor, lead=lead, reason=why)


# --- Changes after signing -----------------------------------------------------------------------

def _plain(value):
    if isinstance(value, Trim | Colour):
        return {"id": value.pk, "label": str(value.name)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _clean_changes(actor, order: Order, raw: dict) -> dict:
    """The requested new values, checked against the order; {field: new value} for those that differ."""
    clean: dict = {}
    for field, value in raw.items():
        if field not in CHANGEABLE_FIELDS:
            raise DomainError(_("This part of the contract cannot be changed."), code="field_invalid", field=field)
        if field == "contract_price":
            value = _amount(value, field)
        elif field == "trim":
            trim = trims_for(actor).filter(pk=getattr(value, "pk", value)).select_related("series").first() \
                if value not in (None, "") else None
            if trim is None:
                raise DomainError(_("Choose a trim of the catalog."), code="trim_invalid", field=field)
            value = trim
        elif field in ("exterior_colour", "interior_colour"):
            value = Colour.objects.filter(pk=getattr(value, "pk", value)).first() if value not in (None, "") else None
        elif field == "delivery_date":
            _check_delivery_date(value)
        elif field == "delivery_place":
            value = _text(value, field, 200)
        if _plain(value) != _plain(getattr(order, field)):
            clean[field] = value
    trim = clean.get("trim", order.trim)
    for field, kind in (("exterior_colour", ColourKind.EXTERIOR), ("interior_colour", ColourKind.INTERIOR)):
        if field not in clean and "trim" not in clean:
            continue
        colour = clean.get(field, getattr(order, field))
        if colour is not None and (colour.kind != kind or colour.series_id != trim.series_id):
            raise DomainError(_("Choose a colour of the %(series)s.") % {"series": trim.series.name},
                              code="colour_invalid", field=field)
    if not clean:
        raise DomainError(_("Nothing would change."), code="no_change", field=next(iter(raw), None) or "reason")
    if order.vehicle_id and {"trim", "exterior_colour", "interior_colour"} & set(clean):
        raise DomainError(_("A car is allocated to this order: release it before changing the trim or colours."),
                          code="release_first", field=next(f for f in ("trim", "exterior_colour", "interior_colour") if f in clean))
    priced = [field for field in PRICED_FIELDS if field in clean]
    if priced:
        if "contract_price" in clean:
            _earnest_cap(order.deposit_kind, order.deposit_amount, clean["contract_price"], "contract_price")
        clean.update(_repriced(order, clean, focus=priced[0]))
        price, fees = clean.get("contract_price", order.contract_price), clean.get("fees", order.fees)
        _earnest_cap(order.deposit_kind, order.deposit_amount, price, priced[0])
        paid = balance_of(order).paid
        if price + fees < paid:
            raise DomainError(_("The buyer has already paid %(paid)s, more than the new price and fees.")
                              % {"paid": _yuan(paid)}, code="price_below_paid", field=priced[0])
    return clean


def _calculate(quote: Quote, *, trim: Trim, exterior: Colour | None, interior: Colour | None, lines, tables: dict):
    quote_input = pricing.build_input(quote, trim=trim, lines=lines, exterior=exterior, interior=interior,
                                      promotion=quote.promotion, **tables)
    return pricing.calculate(quote_input)


def _repriced(order: Order, clean: dict, *, focus: str) -> dict:
    """The contract price, fees (purchase tax, insurance …) and loan of the order after a change of its price, trim
    or colours, recalculated as the quote was (quotes/pricing.py): the quote's inputs with the order's trim, colours,
    deposit and discount as they stand, then the change. A new trim or colour keeps the order's discount; a new
    price is the discount changed. {field: new value} for the figures that move."""
    quote = Quote.objects.select_related("promotion").get(pk=order.quote_id)
    lines = list(QuoteLine.objects.filter(quote_id=quote.pk))
    # The store's tables, as the quote service passes them.
    tables = {"vessel_tax_table": quote_selectors.store_settings(quote.store_id).vessel_tax_table(), "rate_table": (
        pricing.insurance_table(quote_selectors.insurance_bands(quote.store_id))
        if quote.commercial_insurance_mode == CommercialInsurance.RATE_TABLE else None)}
    quote.deposit_amount, quote.deposit_kind = order.deposit_amount, order.deposit_kind
    try:
        # The discount the order's price stands for today (a manager's earlier price change moved it).
        quote.guide_price = order.trim.guide_price
        now = _calculate(quote, trim=order.trim, exterior=order.exterior_colour, interior=order.interior_colour,
                         lines=lines, tables=tables)
        quote.discount += now.vehicle_price - order.contract_price
        trim = clean.get("trim", order.trim)
        records = {"trim": trim, "lines": lines, "tables": tables,
                   "exterior": clean.get("exterior_colour", order.exterior_colour),
                   "interior": clean.get("interior_colour", order.interior_colour)}
        quote.guide_price = trim.guide_price
        result = _calculate(quote, **records)
        if "contract_price" in clean:
            quote.discount += result.vehicle_price - clean["contract_price"]
            if quote.discount < 0:
                raise DomainError(_("The contract price cannot be above the list price of %(price)s.")
                                  % {"price": _yuan(result.list_price - result.brand_trade_in_bonus)},
                                  code="price_above_list", field="contract_price")
            result = _calculate(quote, **records)
    except DomainError as err:  # a refusal of the quote's calculation, shown on the field that was changed
        raise DomainError(err.message, code=err.code, field=err.field if err.field == "contract_price" else focus) \
            from None
    figures = {"contract_price": result.vehicle_price, "fees": max(result.total - result.vehicle_price, ZERO),
               "loan_amount": result.amount_financed if order.payment_plan == PaymentPlan.LOAN else order.loan_amount}
    return {field: value for field, value in figures.items() if value != getattr(order, field)}


def _apply(actor, order: Order, clean: dict) -> None:
    for field, value in clean.items():
        setattr(order, field, value)
    order.save(update_fields=bump(order, actor, list(clean)))


def order_change(*, actor, order: Order, changes: dict, reason: str, expected_version: int | None = None) -> ChangeRequest:
    """Change a signed contract (price, trim, colours, delivery date or place): a manager's change applies at once; a
    consultant's becomes a request for a manager to decide. Old → new is recorded either way."""
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        order = _lock_order(actor, order)
        check_version(order, expected_version)
        _require_active(order, "reason")
        clean = _clean_changes(actor, order, dict(changes))
        recorded = {field: [_plain(getattr(order, field)), _plain(value)] for field, value in clean.items()}
        approve = may_approve(actor)
        if not approve and ChangeRequest.objects.filter(order=order, status=ChangeStatus.PENDING).exists():
            raise Conflict(_("A change of this order is already awaiting a manager's decision."), code="change_pending",
                           field="reason")
        request = ChangeRequest(order=order, changes=recorded, reason=reason, requested_by=actor)
        if approve:
            request.status, request.decided_by, request.decided_at = ChangeStatus.APPROVED, actor, clock.now()
            _apply(actor, order, clean)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            raise Conflict(_("A change of this order is already awaiting a manager's decision."), code="change_pending",
                           field="reason") from None
        audit.record(actor=actor, action="orders.changed" if approve else "orders.change_requested", target=order,
                     data={"changes": recorded, "reason": reason, "request": request.pk})
    return request


def order_decide_change(*, actor, request: ChangeRequest, approve: bool, comment: str = "") -> ChangeRequest:
    """A manager approves (the change is applied) or rejects a consultant's change to a signed contract."""
    comment = _text(comment, "comment")
    require(actor, APPROVE)
    if not may_approve(actor):
        raise PermissionDenied(_("Only a sales manager can decide a change to a signed order."))
    with transaction.atomic():
        request = get_visible(ChangeRequest, actor, getattr(request, "pk", request), for_update=True)
        if request.status != ChangeStatus.PENDING:
            raise Conflict(_("This change has already been decided."), code="change_decided", field="comment")
        order = _lock_order(actor, request.order)
        if approve:
            _require_active(order, "comment")
            if any(_plain(getattr(order, f)) != old for f, (old, _new) in request.changes.items()):
                raise Conflict(_("The order has changed since this request was made; reject it and ask again."),
                               code="change_stale", field="comment")
            raw = {f: (new["id"] if isinstance(new, dict) else new) for f, (_old, new) in request.changes.items()
                   if f in CHANGEABLE_FIELDS}  # the fees and loan are recalculated
            if "delivery_date" in raw and raw["delivery_date"]:
                raw["delivery_date"] = dt.date.fromisoformat(raw["delivery_date"])
            _apply(actor, order, _clean_changes(actor, order, raw))
        request.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
        request.decided_by, request.decided_at, request.decision_comment = actor, clock.now(), comment
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        audit.record(actor=actor, action="orders.change_approved" if approve else "orders.change_rejected", target=order,
                     data={"changes": request.changes, "comment": comment, "request": request.pk})
    return request


def order_allowed_actions(*, actor, order: Order, outstanding: Decimal) -> dict[str, bool]:
    """What the actor may do to the order as it stands (the page shows only these; the services decide anyway)."""
    works = can(actor, Capability.WORK_LEADS) and (order.lead.owner_id == actor.pk or sees_whole_store(actor))
    active = order.status in ACTIVE_STATUSES
    return {
        "pay": works and active and outstanding > 0,
        "allocate": works and order.status in (OrderStatus.SIGNED, OrderStatus.DEPOSIT_PAID) and order.vehicle_id is None,
        "release": works and active and order.vehicle_id is not None,
        "factory_order": works and active and order.vehicle_id is None and order.factory_order_requested_at is None,
        "ready": works and order.status == OrderStatus.ALLOCATED,
        "change": works and active,
        "cancel": works and active,
        "approve": may_approve(actor),
        "void": works and active and may_approve(actor),
    }
