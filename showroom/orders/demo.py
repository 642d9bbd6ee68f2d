"""Demo data of the orders app (see settings.DEMO_EXTENSIONS): orders signed from the issued quotes of demo leads
(those at the order step first), or — when the quotes demo left none — from quotes made through the quotes services
for a few negotiating leads on cars of the demo stock. Deposits of each legal kind paid by the usual means, cars
allocated from stock, a factory order, balances paid, one order ready for delivery, one change awaiting the manager
and one cancellation by the buyer (its lead back in the negotiation). Everything goes through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from showroom.accounts.models import User
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.inventory.models import Vehicle, VehicleStatus
from showroom.leads.models import Lead, Stage, Status
from showroom.quotes import services as quotes
from showroom.quotes.models import Quote, QuoteStatus

from . import selectors, services
from .models import Order, PaymentMethod

TARGET = 8
PLACES = ("本店新车交付区", "本店交车仪式厅", "客户指定地点（送车上门）")
METHODS = (PaymentMethod.WECHAT_PAY, PaymentMethod.ALIPAY, PaymentMethod.BANK_CARD, PaymentMethod.TRANSFER,
           PaymentMethod.CASH)


def _attempt(step):
    """Run one demo story in a savepoint: a refusal leaves nothing of it behind."""
    try:
        with transaction.atomic():
            return step()
    except DomainError:
        return None


def _sellers() -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(username__in=("sales1", "sales2", "sales3", "keyaccount"))}


def _quoted_leads(store, sellers) -> list[Quote]:
    """Issued, valid quotes of open leads without an order: leads already at the order step first."""
    ordered = Order.objects.values("lead_id")
    found = (Quote.objects.filter(store=store, status=QuoteStatus.ISSUED, valid_until__gte=clock.today(),
                                  lead__status=Status.OPEN, lead__owner_id__in=list(sellers), lead__loss_pending=False)
             .exclude(lead_id__in=ordered).select_related("lead").order_by("-lead__stage", "lead_id", "-version"))
    seen, signable = set(), []
    for quote in found:
        if quote.lead_id not in seen:
            seen.add(quote.lead_id)
            signable.append(quote)
    return signable


def _quote_on_stock(lead: Lead, actor, car: Vehicle, rng) -> Quote:
    """A quote for a car of the stock, issued (the lead is negotiating already)."""
    deposit_kind = rng.choice(("earnest", "earnest", "advance"))
    fields = {"trim": car.trim_id, "exterior_colour": car.exterior_colour_id, "interior_colour": car.interior_colour_id,
              "discount": Decimal(rng.choice((3000, 5000, 8000))), "deposit_kind": deposit_kind,
              "deposit_amount": Decimal(rng.choice((10000, 20000))), "plate_service_fee": Decimal("0.00")}
    quote = quotes.quote_create(actor=actor, lead=lead, fields=fields, lines=[])
    return quotes.quote_issue(actor=actor, quote=quote)


def _sign(quote: Quote, actor, rng, today: dt.date) -> Order:
    return services.order_sign(actor=actor, quote=quote, delivery_date=today + dt.timedelta(days=rng.randint(7, 45)),
                               delivery_place=rng.choice(PLACES))


def _stock_quotes(store, sellers, rng, today, wanted: int) -> list[Order]:
    """Quote cars of the stock to negotiating leads and sign them (the quotes demo left too few to allocate)."""
    cars = list(Vehicle.objects.filter(store=store, status=VehicleStatus.IN_STOCK, is_display=False,
                                       is_test_drive=False, orders__isnull=True).order_by("arrival_date", "pk"))
    leads = list(Lead.objects.filter(store=store, status=Status.OPEN, stage=Stage.NEGOTIATION, loss_pending=False,
                                     owner_id__in=list(sellers)).exclude(orders__isnull=False).order_by("pk"))
    rng.shuffle(leads)
    signed: list[Order] = []
    for lead, car in zip(leads, cars[::2], strict=False):
        if len(signed) >= wanted:
            break
        seller = sellers[lead.owner_id]
        order = _attempt(lambda lead=lead, car=car, seller=seller: _sign(
            _quote_on_stock(lead, seller, car, rng), seller, rng, today))
        if order is not None:
            signed.append(order)
    return signed


def seed(*, store, rng) -> list[str]:
    sellers = _sellers()
    today = clock.today()
    orders: list[Order] = []
    for quote in _quoted_leads(store, sellers)[:TARGET]:
        order = _attempt(lambda q=quote: _sign(q, sellers[q.lead.owner_id], rng, today))
        if order is not None:
            orders.append(order)
    matched = [o for o in orders if selectors.allocation_candidates(sellers[o.consultant_id], o).exists()]
    if len(matched) < 3:
        orders += _stock_quotes(store, sellers, rng, today, max(3 - len(matched), TARGET // 2 - len(orders)))

    counts = {"deposit": 0, "allocated": 0, "factory": 0, "paid": 0, "ready": 0, "change": 0, "cancelled": 0}
    # The stories of the orders that found a car in stock, in turn: paid and ready, a delivery change awaiting the
    # manager, paid in full, allocated with the balance open.
    car_stories = iter(("ready", "change", "paid", "allocated"))
    for index, order in enumerate(orders):
        seller = sellers[order.consultant_id]
        method = METHODS[index % len(METHODS)]
        if _attempt(lambda o=order, m=method, s=seller: services.payment_record(
                actor=s, order=o, kind="deposit", method=m, amount=o.deposit_amount, reference=f"DEMO{o.pk:06d}")):
            counts["deposit"] += 1
        if index == len(orders) - 1 and len(orders) >= 4:
            if _attempt(lambda o=order, s=seller: services.order_cancel(
                    actor=s, order=o, cancelled_by="buyer", reason="客户家庭决定暂缓购车")):
                counts["cancelled"] += 1
            continue
        candidate = selectors.allocation_candidates(seller, order).first()
        story = next(car_stories, "allocated") if candidate is not None else "factory"
        if story == "factory":
            if _attempt(lambda o=order, s=seller: services.order_request_factory_order(
                    actor=s, order=o, note="库存无匹配车辆，申请期车")):
                counts["factory"] += 1
            continue
        if _attempt(lambda o=order, c=candidate, s=seller: services.order_allocate(actor=s, order=o, vehicle=c)):
            counts["allocated"] += 1
        if story in ("ready", "paid"):
            balance = selectors.balance_of(order).outstanding
            if _attempt(lambda o=order, b=balance, s=seller: services.payment_record(
                    actor=s, order=o, kind="balance", method=PaymentMethod.TRANSFER, amount=b)):
                counts["paid"] += 1
            if story == "ready" and _attempt(lambda o=order, s=seller: services.order_mark_ready(actor=s, order=o)):
                counts["ready"] += 1
        if story == "change" and _attempt(lambda o=order, s=seller: services.order_change(
                actor=s, order=o, changes={"delivery_date": today + dt.timedelta(days=50)},
                reason="客户出差，交车推迟")):
            counts["change"] += 1
    c = counts
    return [
        f"Orders: {len(orders)} signed; {c['deposit']} deposits paid, {c['allocated']} cars allocated, "
        f"{c['factory']} factory orders, {c['paid']} paid in full, {c['ready']} ready for delivery, "
        f"{c['change']} change awaiting the manager, {c['cancelled']} cancelled",
    ]
