"""Demo data of the deliveries app (see settings.DEMO_EXTENSIONS): hand-overs of the last days, each
with the PDI, the checklist, the customer's drawn signature and a ceremony photo drawn in code, and deliveries still
to come this week (the workbench's "this week" cards; the next week's first days once this one is nearly over). Orders with a car and the money in (from the orders demo) are delivered first; when there are too few, leads
at the quote step sign an order for a car in stock. Everything goes through the services; no lead moves backwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from showroom.accounts.models import Role, User
from showroom.catalog.models import Powertrain
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.inventory.models import Vehicle, VehicleStatus
from showroom.leads.models import Lead, Stage, Status
from showroom.orders import services as orders
from showroom.orders.models import ACTIVE_STATUSES, Order
from showroom.orders.selectors import balance_of
from showroom.quotes import services as quotes
from showroom.testdrives.signature import as_data_url, drawn_signature, encode_png

from . import services
from .models import CHECKLIST_ITEMS, PDI_ITEMS, Delivery
from .selectors import week_start

# Days ago the cars were handed over; how many deliveries stay booked, on the days left of this week (Monday to Sunday,
# the workbench's "this week" cards) and, when the week is nearly over, on the first days of the next.
COMPLETED_DAYS_AGO = (12, 10, 8, 5, 3, 1, 0)
UPCOMING = 3
HOURS = (10, 14, 16)
PLACES = ("交车区1号位", "交车区2号位", "VIP交车间")
PDI_NOTES = ("", "", "右后轮胎压已调整至2.5bar", "车载系统已升级至最新版本")


def ceremony_photo(seed: int, width: int = 320, height: int = 200) -> bytes:
    """A small picture drawn in code (a sky, a floor and a car-coloured block), a different tint for each seed."""
    tint = ((seed * 53) % 180 + 40, (seed * 97) % 120 + 60, (seed * 31) % 160 + 60)
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            if 70 < y < 150 and 60 < x < 260:
                row += bytes((*tint, 255))
            elif y >= 150:
                row += bytes((90, 90, 95, 255))
            else:
                row += bytes((200, 220 - y // 4, 250, 255))
        rows.append(bytes(row))
    return encode_png(width, height, rows)


def _attempt(step) -> object | None:
    """Run one demo story in a savepoint: a refusal leaves nothing of it behind."""
    try:
        with transaction.atomic():
            return step()
    except DomainError:
        return None


def _sellers() -> list[User]:
    return list(User.objects.filter(username__in=("sales1", "sales2", "sales3", "keyaccount")).order_by("username"))


def _ready_orders(store, sellers) -> list[Order]:
    return list(Order.objects.filter(store=store, status__in=ACTIVE_STATUSES, vehicle__isnull=False, delivery__isnull=True,
                                     lead__status=Status.OPEN, lead__stage=Stage.ORDER, lead__owner__in=sellers)
                .select_related("lead__owner", "vehicle__trim").order_by("pk"))


def _sign_for_stock(store, sellers, wanted: int, rng, when: dt.datetime) -> list[Order]:
    """Leads at the quote step sign an order for a car in stock (quote → order → car → deposit)."""
    made: list[Order] = []
    cars = list(Vehicle.objects.filter(store=store, status=VehicleStatus.IN_STOCK, is_display=False, is_test_drive=False,
                                       trim__series__brand__is_own=True, orders__isnull=True)
                .select_related("trim").order_by("pk"))
    leads = list(Lead.objects.filter(store=store, status=Status.OPEN, stage=Stage.NEGOTIATION, owner__in=sellers,
                                     loss_pending=False, orders__isnull=True).select_related("owner").order_by("pk"))
    rng.shuffle(cars)
    for lead in leads:
        if len(made) >= wanted or not cars:
            break
        car = cars.pop()
        actor = lead.owner

        def sign(lead=lead, car=car, actor=actor):
            quote = quotes.quote_create(actor=actor, lead=lead, fields={
                "trim": car.trim_id, "discount": Decimal(rng.choice((5000, 8000, 12000))), "deposit_kind": "earnest",
                "deposit_amount": Decimal("20000"), "plate_service_fee": Decimal("0")})
            quote = quotes.quote_issue(actor=actor, quote=quote)
            order = orders.order_sign(actor=actor, quote=quote, delivery_place="4S店交车区")
            order = orders.order_allocate(actor=actor, order=order, vehicle=car)
            orders.payment_record(actor=actor, order=order, kind="deposit", method="wechat_pay",
                                  amount=order.deposit_amount, received_at=when)
            return order

        order = _attempt(sign)
        if order is not None:
            made.append(order)
    return made


def booking_times(now: dt.datetime, count: int, rng) -> list[dt.datetime]:
    """`count` appointments still to come, spread over the days left of this week (from today), each at an hour of
    HOURS not yet past; the next week's first days only for what does not fit."""
    today = clock.today()
    sunday = week_start(today) + dt.timedelta(days=6)
    days, day = [], today
    while len(days) < count or day <= sunday:
        hours = [h for h in HOURS if clock.at_local(day, h) > now]
        if hours:
            days.append((day, hours))
        day += dt.timedelta(days=1)
    this_week = [entry for entry in days if entry[0] <= sunday]
    if len(this_week) >= count:
        chosen = [this_week[i * len(this_week) // count] for i in range(count)]
    else:
        chosen = days[:count]
    return [clock.at_local(day, rng.choice(hours)) for day, hours in chosen]


def _pay_up(order: Order, when: dt.datetime) -> None:
    outstanding = balance_of(order).outstanding
    if outstanding > 0:
        kind = "loan" if order.payment_plan == "loan" and order.loan_amount else "balance"
        amount = min(order.loan_amount, outstanding) if kind == "loan" else outstanding
        orders.payment_record(actor=order.lead.owner, order=order, kind=kind, method="transfer", amount=amount,
                              received_at=when)
        if balance_of(order).outstanding > 0:
            orders.payment_record(actor=order.lead.owner, order=order, kind="balance", method="transfer",
                                  amount=balance_of(order).outstanding, received_at=when)


def _hand_over(*, order: Order, advisor: User, at: dt.datetime, place: str, seed: int, complete: bool) -> Delivery:
    actor = order.lead.owner
    booked_at = at - dt.timedelta(days=3)
    delivery = services.delivery_schedule(actor=actor, lead=order.lead, scheduled_at=at, place=place,
                                          service_advisor=advisor, now=booked_at)
    if not complete:
        return delivery
    charges = order.vehicle.trim.powertrain in Powertrain.new_energy()
    _pay_up(order, at - dt.timedelta(days=1))
    delivery = services.delivery_sign_off_pdi(actor=actor, delivery=delivery, inspector=advisor,
                                              results={code: True for code, _l in PDI_ITEMS},
                                              notes=PDI_NOTES[seed % len(PDI_NOTES)], now=at - dt.timedelta(hours=20))
    items = {code: True for group, code, _l in CHECKLIST_ITEMS if charges or group != "ev"}
    delivery = services.delivery_record_checklist(actor=actor, delivery=delivery, items=items,
                                                  first_service_due=(at + dt.timedelta(days=180)).date(),
                                                  first_service_km=5000 if not charges else None)
    delivery = services.delivery_sign(actor=actor, delivery=delivery, signer_name=order.buyer_name,
                                      signature_data_url=as_data_url(drawn_signature(1000 + seed)),
                                      now=at + dt.timedelta(minutes=40))
    services.delivery_add_photo(actor=actor, delivery=delivery, data=ceremony_photo(seed), caption="交车仪式合影")
    return services.delivery_complete(actor=actor, delivery=delivery, now=at + dt.timedelta(minutes=45))


def seed(*, store, rng) -> list[str]:
    advisor = User.objects.filter(store=store, role=Role.SERVICE_ADVISOR, is_active=True).order_by("pk").first()
    sellers = _sellers()
    if advisor is None or not sellers:
        return []
    now = clock.now()
    # The orders demo's paid-up orders are handed over, its others only booked: their open balances stay as they are.
    ready = _ready_orders(store, sellers)
    paid = [o for o in ready if balance_of(o).outstanding == 0][:len(COMPLETED_DAYS_AGO)]
    unpaid = [o for o in ready if o not in paid][:UPCOMING]
    missing = len(COMPLETED_DAYS_AGO) + UPCOMING - len(paid) - len(unpaid)
    own = _sign_for_stock(store, sellers, missing, rng, now - dt.timedelta(days=20)) if missing > 0 else []
    # However few cars there are, two deliveries stay booked for the coming days.
    reserve = max(0, min(2, len(own)) - len(unpaid))
    for_completion = paid + own[:len(own) - reserve]
    to_complete = for_completion[:len(COMPLETED_DAYS_AGO)]
    to_book = unpaid + for_completion[len(COMPLETED_DAYS_AGO):] + own[len(own) - reserve:]
    completed = upcoming = this_week = 0
    plans = [(order, now - dt.timedelta(days=d, hours=2), True) for order, d in zip(to_complete, COMPLETED_DAYS_AGO,
                                                                                     strict=False)]
    plans += [(order, at, False) for order, at in zip(to_book, booking_times(now, UPCOMING, rng), strict=False)]
    sunday = week_start(clock.today()) + dt.timedelta(days=6)
    for n, (order, at, complete) in enumerate(plans):
        done = _attempt(lambda order=order, at=at, complete=complete, n=n: _hand_over(
            order=order, advisor=advisor, at=at, place=PLACES[n % len(PLACES)], seed=n, complete=complete))
        if done is not None:
            completed += complete
            upcoming += not complete
            this_week += not complete and timezone.localtime(at).date() <= sunday
    return [f"Deliveries: {completed} handed over (signed, with photos), {upcoming} booked for the coming days "
            f"({this_week} this week)"]
