"""Reading orders: a consultant's own and a manager's whole store, one order with its money, the cars that could be
allocated to it, the payments and receipts, and the change requests awaiting a manager."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from showroom.core.errors import NotFound
from showroom.core.money import to_fen
from showroom.core.scoping import get_visible
from showroom.inventory import selectors as stock
from showroom.inventory.models import Vehicle, VehicleStatus

from .models import ACTIVE_STATUSES, ChangeRequest, ChangeStatus, Order, OrderStatus, Payment, PaymentKind

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)
# Statuses before a car is allocated: the orders a manager has to find a car (or a factory order) for.
AWAITING_ALLOCATION = (OrderStatus.SIGNED, OrderStatus.DEPOSIT_PAID)


@dataclass(frozen=True)
class Balance:
    """The money of an order: what is due, what came in, what went back, what is still outstanding."""

    amount_due: Decimal
    deposit_paid: Decimal
    received: Decimal
    refunded: Decimal

    @property
    def paid(self) -> Decimal:
        return self.received - self.refunded

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount_due - self.paid, ZERO)


def _sum(kinds=None, exclude=None) -> Sum:
    condition = Q(voided_at__isnull=True)  # a voided payment stays listed but counts for nothing
    if kinds:
        condition &= Q(kind__in=kinds)
    if exclude:
        condition &= ~Q(kind__in=exclude)
    return Coalesce(Sum("amount", filter=condition), Value(ZERO), output_field=_MONEY)


def _payment_sums():
    return {
        "deposit_paid": _sum(kinds=[PaymentKind.DEPOSIT]),
        "received": _sum(exclude=[PaymentKind.REFUND]),
        "refunded": _sum(kinds=[PaymentKind.REFUND]),
    }


def balance_of(order: Order) -> Balance:
    """What the order's buyer has paid and still owes, from its payments (one query)."""
    sums = Payment.objects.filter(order_id=order.pk).aggregate(**_payment_sums())
    # SQLite sums decimals without their scale (20000 for 20000.00): to the fen, as every amount is shown.
    return Balance(amount_due=order.amount_due, **{key: to_fen(value) for key, value in sums.items()})


def _sum_subquery(field: str):
    per_order = (Payment.objects.filter(order_id=OuterRef("pk")).order_by().values("order_id")
                 .annotate(total=_payment_sums()[field]).values("total"))
    return Coalesce(Subquery(per_order, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def with_balance(qs: QuerySet[Order]) -> QuerySet[Order]:
    """Orders with `deposit_paid`, `received`, `refunded` and `outstanding` (amount due − paid; nothing for a
    delivered or cancelled order) annotated."""
    return (qs.annotate(deposit_paid=_sum_subquery("deposit_paid"), received=_sum_subquery("received"),
                        refunded=_sum_subquery("refunded"))
            .annotate(outstanding=Case(
                When(status__in=ACTIVE_STATUSES, then=F("contract_price") + F("fees") - F("received") + F("refunded")),
                default=Value(ZERO), output_field=_MONEY)))


def orders_for(actor) -> QuerySet[Order]:
    """The orders the actor may see: a consultant's own leads', the whole store's for a manager."""
    return Order.objects.visible_to(actor)


def order_list(actor, *, status: str | list | None = None, consultant_id=None, awaiting_allocation: bool = False,
               balance_outstanding: bool = False, query: str = "") -> QuerySet[Order]:
    """The order list: newest signed first, by status, consultant, awaiting a car, or with a balance still to pay."""
    qs = with_balance(orders_for(actor)).select_related("lead__customer", "consultant", "trim__series",
                                                         "exterior_colour", "vehicle")
    statuses = [status] if isinstance(status, str) and status else [s for s in (status or []) if s]
    if statuses:
        qs = qs.filter(status__in=statuses)
    if consultant_id:
        qs = qs.filter(consultant_id=consultant_id)
    if awaiting_allocation:
        qs = qs.filter(status__in=AWAITING_ALLOCATION, vehicle__isnull=True)
    if balance_outstanding:
        qs = qs.filter(status__in=ACTIVE_STATUSES, outstanding__gt=0)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(buyer_name__icontains=query))
    return qs.order_by("-signed_at", "-id")


def order_get(actor, pk) -> Order:
    """One order the actor may see, with its lead, customer, car and catalog entries; NotFound (404) otherwise."""
    return get_visible(Order, actor, pk, select_related=(
        "lead__customer", "lead__owner", "quote", "consultant", "trim__series", "exterior_colour", "interior_colour",
        "vehicle__trim", "updated_by", "created_by"))


def orders_for_lead(actor, lead) -> QuerySet[Order]:
    """The lead's orders, the running one first, with their money."""
    return (with_balance(orders_for(actor).filter(lead=lead))
            .select_related("trim__series", "exterior_colour", "vehicle").order_by("-signed_at", "-id"))


def payments_for(actor, order: Order) -> QuerySet[Payment]:
    """The order's payments and refunds with their receipt numbers, oldest first, the voided ones too."""
    return Payment.objects.visible_to(actor).filter(order_id=order.pk).select_related("received_by", "voided_by")


def order_payment_get(actor, order: Order, pk) -> Payment:
    """One payment of this order the actor may see; NotFound otherwise (another order's payment too)."""
    payment = get_visible(Payment, actor, pk)
    if payment.order_id != order.pk:
        raise NotFound()
    return payment


def payment_get(actor, pk) -> Payment:
    """One payment (for its printed receipt) the actor may see; NotFound otherwise."""
    return get_visible(Payment, actor, pk, select_related=(
        "order__lead__customer", "order__trim__series", "order__store", "received_by", "voided_by"))


def change_requests_for(actor, order: Order) -> QuerySet[ChangeRequest]:
    """The order's changes after signing, newest first."""
    return (ChangeRequest.objects.visible_to(actor).filter(order_id=order.pk)
            .select_related("requested_by", "decided_by"))


def pending_changes(actor) -> QuerySet[ChangeRequest]:
    """Change requests awaiting a manager's decision, oldest first."""
    return (ChangeRequest.objects.visible_to(actor).filter(status=ChangeStatus.PENDING)
            .select_related("order__lead__customer", "requested_by").order_by("requested_at", "id"))


def change_request_get(actor, pk) -> ChangeRequest:
    return get_visible(ChangeRequest, actor, pk, select_related=("order",))


def allocation_candidates(actor, order: Order, *, include_demo_cars: bool = False) -> QuerySet[Vehicle]:
    """Cars in stock matching the order (same trim and colours) that no order holds, oldest arrival first; display
    and test-drive cars only when asked for."""
    qs = (stock.vehicles_for(actor)
          .filter(store_id=order.store_id, trim_id=order.trim_id, status=VehicleStatus.IN_STOCK)
          .exclude(orders__vehicle__isnull=False)
          .select_related("trim__series", "exterior_colour", "interior_colour"))
    if order.exterior_colour_id:
        qs = qs.filter(exterior_colour_id=order.exterior_colour_id)
    if order.interior_colour_id:
        qs = qs.filter(interior_colour_id=order.interior_colour_id)
    if not include_demo_cars:
        qs = qs.filter(is_display=False, is_test_drive=False)
    return qs.order_by(F("arrival_date").asc(nulls_last=True), "id")


def signable_quotes(actor, lead) -> list:
    """The lead's quotes an order can be signed from: issued to the customer and still valid, newest version first."""
    from showroom.core import clock
    from showroom.quotes.models import QuoteStatus
    from showroom.quotes.selectors import quotes_for_lead

    return list(quotes_for_lead(actor, lead).filter(status=QuoteStatus.ISSUED,
                                                    valid_until__gte=clock.today()))
