"""Reading the store's stock: the stock list, one vehicle, the test-drive fleet and the ageing threshold."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet

from showroom.catalog.selectors import as_id
from showroom.core import clock
from showroom.core.scoping import get_visible

from .models import DEFAULT_AGEING_DAYS, StockSettings, Vehicle, VehicleStatus
from .vin import normalise_vin

# Cars that count towards stock age: on the lot, for sale or promised to a buyer.
AGEING_STATUSES = (VehicleStatus.IN_STOCK, VehicleStatus.RESERVED)
# The stock list by default: every car not yet handed over.
CURRENT_STATUSES = tuple(s for s in VehicleStatus.values if s != VehicleStatus.DELIVERED)
VEHICLE_ORDERS = {
    "arrival": (F("arrival_date").asc(nulls_last=True), "id"),
    "-arrival": (F("arrival_date").desc(nulls_last=True), "-id"),
    "price": ("trim__guide_price", "id"),
    "-price": ("-trim__guide_price", "-id"),
    "vin": ("vin",),
    "series": ("trim__series__sort_order", "trim__series__name", "trim__guide_price", "id"),
    "status": ("status", F("arrival_date").asc(nulls_last=True), "id"),
}


def vehicles_for(actor) -> QuerySet[Vehicle]:
    """The vehicles of the actor's store."""
    return Vehicle.objects.visible_to(actor)


def ageing_days_for(store_id: int | None) -> int:
    """After how many days in stock the store warns about a car (库龄预警)."""
    if store_id is None:
        return DEFAULT_AGEING_DAYS
    days = StockSettings.objects.filter(store_id=store_id).values_list("ageing_days", flat=True).first()
    return days or DEFAULT_AGEING_DAYS


def aged_since(ageing_days: int, today: dt.date | None = None) -> dt.date:
    """Cars that arrived on or before this day are ageing."""
    return (today or clock.today()) - dt.timedelta(days=ageing_days)


def _list(value) -> list:
    if value in (None, "", []):
        return []
    return [value] if isinstance(value, str | int) else [v for v in value if v not in (None, "")]


def vehicle_list(actor, *, status=None, series_id=None, trim_id=None, powertrain=None, colour_id=None, colour_name="",
                 is_display: bool | None = None, is_test_drive: bool | None = None, aged: bool = False,
                 vin: str = "", order: str = "arrival", ageing_days: int | None = None) -> QuerySet[Vehicle]:
    """The stock list: the store's cars by status, series, trim, powertrain, colour (one colour of a series, or a paint
    by name across series), display or test-drive flag, ageing,
    or VIN (in full or its last six characters), with trim, series, brand and colours in the same query.
    `status` "all" lists delivered cars too; by default they are left out."""
    qs = vehicles_for(actor).select_related("trim__series__brand", "exterior_colour", "interior_colour")
    statuses = _list(status)
    if statuses == ["all"]:
        pass
    elif statuses:
        qs = qs.filter(status__in=statuses)
    else:
        qs = qs.filter(status__in=CURRENT_STATUSES)
    if as_id(series_id):
        qs = qs.filter(trim__series_id=as_id(series_id))
    if as_id(trim_id):
        qs = qs.filter(trim_id=as_id(trim_id))
    powertrains = _list(powertrain)
    if powertrains:
        qs = qs.filter(trim__powertrain__in=powertrains)
    if as_id(colour_id):
        qs = qs.filter(Q(exterior_colour_id=as_id(colour_id)) | Q(interior_colour_id=as_id(colour_id)))
    if colour_name:
        qs = qs.filter(exterior_colour__name=colour_name)
    if is_display is not None:
        qs = qs.filter(is_display=is_display)
    if is_test_drive is not None:
        qs = qs.filter(is_test_drive=is_test_drive)
    if aged:
        days = ageing_days if ageing_days is not None else ageing_days_for(actor.store_id)
        qs = qs.filter(status__in=AGEING_STATUSES, arrival_date__lte=aged_since(days))
    text = normalise_vin(vin)
    if text:
        qs = qs.filter(vin=text) if len(text) == 17 else qs.filter(vin__endswith=text)
    return qs.order_by(*VEHICLE_ORDERS.get(order, VEHICLE_ORDERS["arrival"]))


def vehicle_get(actor, pk) -> Vehicle:
    """One vehicle of the actor's store; NotFound (404) otherwise."""
    return get_visible(Vehicle, actor, pk, select_related=("trim__series__brand", "exterior_colour", "interior_colour",
                                                            "updated_by"))


def exterior_colour_names(actor) -> list[str]:
    """The paints of our brand's series, by name (the stock list filters cars by paint across series)."""
    from showroom.catalog.selectors import colours_for

    return sorted(set(colours_for(actor).filter(kind="exterior", series__brand__is_own=True).values_list("name", flat=True)))


def test_drive_cars(actor) -> QuerySet[Vehicle]:
    """The store's test-drive cars (试驾车) that are still the store's: not sold or delivered."""
    return (vehicles_for(actor).filter(is_test_drive=True)
            .exclude(status__in=(VehicleStatus.SOLD, VehicleStatus.DELIVERED))
            .select_related("trim__series__brand", "exterior_colour").order_by("trim__series__name", "plate", "id"))
