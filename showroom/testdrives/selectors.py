"""Reading test drives: the store's cars and routes, a lead's drives, and the calendars of the cars.

The calendars read the cars' occupancy (`SlotHold`: car, time, consultant — no customer data) for the whole store,
and the bookings themselves only through `Booking.objects.visible_to(actor)`: a consultant sees a colleague's
booking as a busy slot, never whose customer it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.utils import timezone

from showroom.core import clock
from showroom.inventory import selectors as stock
from showroom.inventory.models import Vehicle

from .models import GRAIN, Booking, Policy, Route, SlotHold


def store_policy(store_id: int | None) -> Policy:
    """The store's test-drive policy, or the defaults (9:00–18:00, 30-minute slots) if it has set none."""
    return Policy.objects.filter(store_id=store_id).first() or Policy(store_id=store_id)


def test_drive_cars(actor) -> QuerySet[Vehicle]:
    """The store's test-drive cars that can still be driven (the stock app decides which), by series and plate."""
    return stock.test_drive_cars(actor).select_related("trim__series")


def routes_for(actor, *, active_only: bool = False) -> QuerySet[Route]:
    """The store's test-drive routes, those in use first."""
    qs = Route.objects.visible_to(actor)
    return qs.filter(active=True) if active_only else qs


def bookings_for_lead(actor, lead) -> QuerySet[Booking]:
    """The lead's test drives, newest first, with car and route (without the signature image)."""
    return (Booking.objects.visible_to(actor).filter(lead=lead)
            .select_related("vehicle__trim__series", "route", "consultant")
            .defer("signature_png", "agreement_text")
            .order_by(F("starts_at").desc(nulls_last=True), "-pk"))  # a decline without a slot last, on every database


def booking_detail(actor, pk) -> Booking:
    from showroom.core.scoping import get_visible

    return get_visible(Booking, actor, pk, select_related=(
        "lead__customer", "lead__owner", "vehicle__trim__series", "route", "consultant"))


def slot_starts(policy: Policy, day: dt.date) -> list[dt.datetime]:
    """The start times of the store's slots on a day."""
    start = clock.at_local(day, policy.opens_at.hour, policy.opens_at.minute)
    end = clock.at_local(day, policy.closes_at.hour, policy.closes_at.minute)
    length = dt.timedelta(minutes=policy.slot_minutes)
    out = []
    while start + length <= end:
        out.append(start)
        start += length
    return out


@dataclass
class Cell:
    start: dt.datetime
    state: str  # free, past, mine (a booking the user may open), busy (someone else's)
    booking_id: int | None = None  # shown (linked) only for "mine"; for "busy" it only groups the slots
    first: bool = False  # the first slot of its booking on this row
    title: str = ""
    consultant: str = ""
    status: str = ""


@dataclass
class Row:
    label: str
    key: object
    cells: list[Cell] = field(default_factory=list)


def _occupancy(actor, *, cars: list[Vehicle], start: dt.datetime, end: dt.datetime):
    """Held quarter hours of the cars in [start, end), by car; and the bookings among them the actor may open."""
    holds = list(SlotHold.objects.visible_to(actor)
                 .filter(vehicle_id__in=[c.pk for c in cars], starts_at__gte=start, starts_at__lt=end)
                 .values("vehicle_id", "starts_at", "booking_id", "booking__status", "booking__consultant__full_name",
                         "booking__consultant__username"))
    by_car: dict[int, dict[dt.datetime, dict]] = {}
    for hold in holds:
        by_car.setdefault(hold["vehicle_id"], {})[hold["starts_at"]] = hold
    ids = {h["booking_id"] for h in holds}
    visible = {b.pk: b for b in Booking.objects.visible_to(actor).filter(pk__in=ids).select_related("lead__customer")
               .only("pk", "status", "lead__customer__name", "lead__id", "starts_at", "ends_at")} if ids else {}
    return by_car, visible


def _cell(start: dt.datetime, length: dt.timedelta, held: dict[dt.datetime, dict], visible: dict, now: dt.datetime,
          previous: Cell | None) -> Cell:
    moment = start
    hold = None
    while moment < start + length:
        hold = held.get(moment)
        if hold:
            break
        moment += GRAIN
    if hold is None:
        return Cell(start=start, state="past" if start + length <= now else "free")
    booking_id = hold["booking_id"]
    booking = visible.get(booking_id)
    first = previous is None or previous.booking_id != booking_id
    consultant = hold["booking__consultant__full_name"] or hold["booking__consultant__username"] or ""
    if booking is not None:
        return Cell(start=start, state="mine", booking_id=booking_id, first=first, title=booking.lead.customer.name,
                    consultant=consultant, status=hold["booking__status"])
    return Cell(start=start, state="busy", booking_id=booking_id, first=first, consultant=consultant,
                status=hold["booking__status"])


def _row(label, key, starts: list[dt.datetime], length, held, visible, now) -> Row:
    row = Row(label=label, key=key)
    previous = None
    for start in starts:
        previous = _cell(start, length, held, visible, now, previous)
        row.cells.append(previous)
    return row


def day_board(actor, *, day: dt.date, cars: list[Vehicle], policy: Policy) -> tuple[list[dt.datetime], list[Row]]:
    """The day calendar: every test-drive car against the store's slots, with the bookings (names only where the
    user may see the lead). Two queries whatever the number of cars and bookings."""
    starts = slot_starts(policy, day)
    if not starts or not cars:
        return starts, [Row(label=str(car), key=car) for car in cars]
    start, end = clock.day_range(day)
    held, visible = _occupancy(actor, cars=cars, start=start, end=end)
    length = dt.timedelta(minutes=policy.slot_minutes)
    now = clock.now()
    return starts, [_row(car, car, starts, length, held.get(car.pk, {}), visible, now) for car in cars]


def car_week(actor, *, car: Vehicle, first_day: dt.date, policy: Policy, days: int = 7) -> tuple[list[str], list[Row]]:
    """One car's week: a row per day against the store's slots."""
    day_list = [first_day + dt.timedelta(days=i) for i in range(days)]
    starts_by_day = {d: slot_starts(policy, d) for d in day_list}
    start, _end = clock.day_range(first_day)
    end = clock.day_range(day_list[-1])[1]
    held, visible = _occupancy(actor, cars=[car], start=start, end=end)
    length = dt.timedelta(minutes=policy.slot_minutes)
    now = clock.now()
    times = [timezone.localtime(s).strftime("%H:%M") for s in starts_by_day[first_day]]
    rows = [_row(d, d, starts_by_day[d], length, held.get(car.pk, {}), visible, now) for d in day_list]
    return times, rows


def free_slots(actor, *, day: dt.date, cars: list[Vehicle], policy: Policy) -> dict[int, list[dt.datetime]]:
    """For each car, the slots of the day nobody holds and that are not over yet."""
    _starts, rows = day_board(actor, day=day, cars=cars, policy=policy)
    return {row.key.pk: [c.start for c in row.cells if c.state == "free"] for row in rows}
