"""Every change to the store's stock: filing a vehicle by VIN, editing it, moving it through its statuses, and
the store's ageing threshold. Store and group admins (MANAGE_STORE) keep the stock; a sale (the orders app, on
behalf of the consultant or manager working the order) moves its car through the same transitions. Every change
is audited."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.catalog.models import Colour, ColourKind, Trim
from showroom.catalog.selectors import trims_for
from showroom.core import clock
from showroom.core.clock import YEARS
from showroom.core.errors import Conflict, DomainError
from showroom.core.scoping import get_visible
from showroom.core.versioning import bump, check_version

from .models import StockSettings, Vehicle, VehicleStatus
from .vin import VIN_PATTERN, is_valid_vin, normalise_vin

S = VehicleStatus
# The moves a car makes, from factory order to delivery; a cancelled sale puts it back in stock.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.FACTORY_ORDER: frozenset({S.IN_TRANSIT, S.IN_STOCK}),
    S.IN_TRANSIT: frozenset({S.IN_STOCK}),
    S.IN_STOCK: frozenset({S.RESERVED, S.SOLD}),
    S.RESERVED: frozenset({S.IN_STOCK, S.SOLD}),
    S.SOLD: frozenset({S.DELIVERED, S.IN_STOCK}),
    S.DELIVERED: frozenset(),
}
ARRIVED = frozenset({S.IN_STOCK, S.RESERVED, S.SOLD, S.DELIVERED})
EDITABLE_FIELDS = ("vin", "trim", "exterior_colour", "interior_colour", "location", "arrival_date", "is_display",
                   "is_test_drive", "plate", "notes")
AUDITED_FIELDS = (*EDITABLE_FIELDS, "status")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# GA 36-2018: blue plates (5 characters after the office letter) and green new-energy plates (6).
PLATE_PATTERN = re.compile(rf"^[{_PROVINCES}][A-HJ-NP-Z]([A-HJ-NP-Z0-9]{{5}}|[DABCEFGHJK][A-HJ-NP-Z0-9]\d{{4}}|\d{{5}}[DABCEFGHJK])$")


def normalise_plate(raw: str) -> str:
    """A plate as typed ("京A·12345", "京a 12345") without the display dot and spaces, upper-cased."""
    return re.sub(r"[\s·•.\-]", "", raw or "").upper()


def vehicle_snapshot(vehicle: Vehicle) -> dict:
    """The audited fields of a vehicle, colours and trim by id."""
    return {f: getattr(vehicle, f"{f}_id") if f in ("trim", "exterior_colour", "interior_colour") else getattr(vehicle, f)
            for f in AUDITED_FIELDS}


def _store(actor):
    require(actor, Capability.MANAGE_STORE)
    if actor.store_id is None:
        raise DomainError(_("Your account has no store: stock belongs to a store."), code="store_required", field="store")
    return actor.store


def _vin_message(vin: str) -> str:
    if len(vin) != 17:
        return _("A VIN has 17 characters; this one has %(n)d.") % {"n": len(vin)}
    if not VIN_PATTERN.match(vin):
        return _("A VIN has only digits and the letters A–Z without I, O and Q.")
    return _("The check digit (9th character) does not match: check the VIN for a typing error.")


def _vin_taken() -> str:
    return _("A vehicle with this VIN is already registered.")


def vehicle_clean_fields(actor, raw: dict, current: Vehicle | None = None, *, vin_taken=None, trim_known=None) -> dict:
    """The vehicle's fields checked, every refusal named by its field: a valid, unused VIN (ISO 3779 check digit),
    a trim of the group's catalog, colours of the trim's series, an arrival date for a car that has arrived, and a
    plate for a test-drive car. The services call it; the stock sheet import checks its rows with it, passing
    `vin_taken(vin)` and `trim_known(trim)` answered from what it looked up for the whole sheet."""
    if vin_taken is None:
        def vin_taken(vin):
            return Vehicle.objects.filter(vin=vin).exclude(pk=getattr(current, "pk", None)).exists()
    if trim_known is None:
        def trim_known(trim):
            return trims_for(actor).filter(pk=trim.pk).exists()
    errors: dict[str, str] = {}
    clean: dict = {}

    def value(key):
        return clean.get(key, getattr(current, key, None) if current is not None else None)

    if "vin" in raw or current is None:
        vin = normalise_vin(str(raw.get("vin") or ""))
        if not vin:
            errors["vin"] = _("Enter the VIN.")
        elif not is_valid_vin(vin):
            errors["vin"] = _vin_message(vin)
        elif vin_taken(vin):
            errors["vin"] = _vin_taken()
        else:
            clean["vin"] = vin
    if "trim" in raw or current is None:
        trim = raw.get("trim")
        if not isinstance(trim, Trim) or not trim_known(trim):
            errors["trim"] = _("Choose a trim of the catalog.")
        else:
            clean["trim"] = trim
    if "status" in raw or current is None:
        status = raw.get("status") or S.IN_STOCK
        if status not in S.values:
            errors["status"] = _("Choose the status.")
        else:
            clean["status"] = status
    for key, limit in (("location", 100), ("notes", 5000)):
        if key in raw or current is None:
            text = str(raw.get(key) or "").replace("\x00", "").strip()
            if len(text) > limit:
                errors[key] = _("At most %(n)d characters.") % {"n": limit}
            else:
                clean[key] = text
    for key in ("is_display", "is_test_drive"):
        if key in raw or current is None:
            clean[key] = bool(raw.get(key, False))
    if "plate" in raw or current is None:
        plate = normalise_plate(str(raw.get("plate") or ""))
        if plate and not PLATE_PATTERN.match(plate):
            errors["plate"] = _("Enter a mainland plate, e.g. 京A12345 or 粤BD12345 (new energy).")
        else:
            clean["plate"] = plate
    if "arrival_date" in raw or current is None:
        day = raw.get("arrival_date")
        if day in (None, ""):
            clean["arrival_date"] = None
        elif not isinstance(day, dt.date) or not YEARS[0] <= day.year <= YEARS[1]:
            errors["arrival_date"] = _("Enter the arrival date, e.g. 2026-05-31.")
        else:
            clean["arrival_date"] = day

    trim = value("trim")
    for key, kind in (("exterior_colour", ColourKind.EXTERIOR), ("interior_colour", ColourKind.INTERIOR)):
        if key not in raw and current is not None and "trim" not in clean:
            continue
        colour = raw[key] if key in raw else value(key)
        if colour is None:
            clean[key] = None
        elif not isinstance(colour, Colour) or colour.kind != kind:
            errors[key] = (_("Choose an exterior colour.") if kind == ColourKind.EXTERIOR else _("Choose an interior colour."))
        elif trim is not None and colour.series_id != trim.series_id:
            errors[key] = _("“%(colour)s” is not a colour of the %(series)s.") % {"colour": colour.name,
                                                                                 "series": trim.series.name}
        else:
            clean[key] = colour

    status, arrival = value("status"), value("arrival_date")
    if "arrival_date" not in errors and "status" not in errors:
        if status in ARRIVED and arrival is None:
            errors["arrival_date"] = _("A car in stock needs its arrival date.")
        elif status in ARRIVED and arrival is not None and arrival > clock.today():
            errors["arrival_date"] = _("A car in stock cannot arrive in the future.")
    if value("is_test_drive") and not value("plate") and "plate" not in errors:
        errors["plate"] = _("A test-drive car needs its licence plate.")
    if errors:
        first = next(iter(errors))
        raise DomainError(errors[first], code=f"{first}_invalid", field=first, fields={k: [m] for k, m in errors.items()})
    return clean


def _save(vehicle: Vehicle, update_fields: list[str] | None) -> None:
    """Save; the VIN's unique constraint catches a car filed by someone else a moment earlier."""
    try:
        with transaction.atomic():
            vehicle.save(update_fields=update_fields)
    except IntegrityError:
        raise DomainError(_vin_taken(), code="vin_taken", field="vin") from None


def vehicle_create(*, actor, fields: dict) -> Vehicle:
    """File a vehicle of the store by its VIN: a factory order, a car on its way or one already in stock."""
    store = _store(actor)
    clean = vehicle_clean_fields(actor, fields)
    with transaction.atomic():
        vehicle = Vehicle(store=store, updated_by=actor, **clean)
        _save(vehicle, None)
        audit.record(actor=actor, action="inventory.vehicle_created", target=vehicle, data=vehicle_snapshot(vehicle))
    return vehicle


def vehicle_update(*, actor, vehicle: Vehicle, fields: dict, expected_version: int | None) -> Vehicle:
    """Correct a vehicle's VIN, trim, colours, location, arrival, flags or plate; refused if changed meanwhile."""
    _store(actor)
    with transaction.atomic():
        vehicle = get_visible(Vehicle, actor, vehicle.pk, for_update=True, select_related=("updated_by",))
        check_version(vehicle, expected_version)
        clean = vehicle_clean_fields(actor, {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}, vehicle)
        before = vehicle_snapshot(vehicle)
        for key, value in clean.items():
            setattr(vehicle, key, value)
        _save(vehicle, bump(vehicle, actor, list(clean)))
        audit.record_changes(actor=actor, action="inventory.vehicle_updated", target=vehicle, before=before,
                             after=vehicle_snapshot(vehicle))
    return vehicle


def vehicle_allowed_statuses(vehicle: Vehicle) -> list[str]:
    """The statuses the car can move to next."""
    return [s for s in S.values if s in TRANSITIONS[vehicle.status]]


def _move(*, actor, vehicle: Vehicle, to: str, data: dict | None = None) -> Vehicle:
    """Move the (locked) car along TRANSITIONS and audit it: the one way a car's status changes, for the stock keepers
    and for a sale alike. A car arriving in stock without an arrival date (or with one in the future) arrives today."""
    if to not in TRANSITIONS[vehicle.status]:
        raise DomainError(_("A car that is “%(from)s” cannot become “%(to)s”.")
                          % {"from": S(vehicle.status).label, "to": S(to).label}, code="status_transition",
                          field="status")
    previous = vehicle.status
    vehicle.status = to
    changed = ["status"]
    today = clock.today()
    if to in ARRIVED and (vehicle.arrival_date is None or vehicle.arrival_date > today):
        vehicle.arrival_date = today
        changed.append("arrival_date")
    vehicle.save(update_fields=bump(vehicle, actor, changed))
    audit.record(actor=actor, action="inventory.vehicle_status_changed", target=vehicle,
                 data={"from": previous, "to": to, "arrival_date": vehicle.arrival_date, **(data or {})})
    return vehicle


def vehicle_change_status(*, actor, vehicle: Vehicle, to: str, expected_version: int | None = None) -> Vehicle:
    """Move a car on: ordered → in transit → in stock → reserved → sold → delivered (a cancelled sale goes back to
    stock). A car allocated to an order goes back to stock only when the order releases it."""
    _store(actor)
    with transaction.atomic():
        vehicle = get_visible(Vehicle, actor, vehicle.pk, for_update=True, select_related=("updated_by",))
        check_version(vehicle, expected_version)
        if to not in S.values:
            raise DomainError(_("Choose the status."), code="status_invalid", field="status")
        held_by = vehicle.orders.values_list("number", flat=True).first() if to == S.IN_STOCK else None
        if held_by:
            # The order would keep a car the stock shows as free: the release goes through the order.
            raise DomainError(_("The car %(vin)s is allocated to order %(order)s: release it from the order instead.")
                              % {"vin": vehicle.vin, "order": held_by}, code="vehicle_allocated", field="status")
        _move(actor=actor, vehicle=vehicle, to=to)
    return vehicle


# --- A sale moves the car ---------------------------------------------------------------------------
# The consultant or manager working an order moves its car (the stock keepers' own service above needs
# MANAGE_STORE): reserved when allocated, back in stock when released or cancelled, sold and delivered at the
# hand-over. The caller (the orders app) holds the order's lock and passes its number for the car's history.

def _sale_move(*, actor, vehicle: Vehicle, to: str, order_number: str) -> Vehicle:
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        car = get_visible(Vehicle, actor, getattr(vehicle, "pk", vehicle), for_update=True)
        if to not in TRANSITIONS[car.status]:
            raise Conflict(_("The car %(vin)s is “%(status)s” and cannot become “%(to)s”.")
                           % {"vin": car.vin, "status": S(car.status).label, "to": S(to).label},
                           code="vehicle_status", field="vehicle")
        return _move(actor=actor, vehicle=car, to=to, data={"order": order_number})


def vehicle_reserve_for_sale(*, actor, vehicle: Vehicle, order_number: str) -> Vehicle:
    """The car in stock is allocated to an order: it is reserved for the buyer."""
    return _sale_move(actor=actor, vehicle=vehicle, to=S.RESERVED, order_number=order_number)


def vehicle_release_from_sale(*, actor, vehicle: Vehicle, order_number: str) -> Vehicle:
    """The order let the car go (released, or the order cancelled): a reserved or sold car is back in stock."""
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        car = get_visible(Vehicle, actor, getattr(vehicle, "pk", vehicle), for_update=True)
        if car.status not in (S.RESERVED, S.SOLD):
            return car  # a car the stock keepers moved on meanwhile stays where they put it
        return _move(actor=actor, vehicle=car, to=S.IN_STOCK, data={"order": order_number})


def vehicle_mark_sold(*, actor, vehicle: Vehicle, order_number: str) -> Vehicle:
    """The order's car is sold (at the hand-over, once the money is in)."""
    return _sale_move(actor=actor, vehicle=vehicle, to=S.SOLD, order_number=order_number)


def vehicle_mark_delivered(*, actor, vehicle: Vehicle, order_number: str) -> Vehicle:
    """The sold car is handed over to its owner and leaves the stock."""
    return _sale_move(actor=actor, vehicle=vehicle, to=S.DELIVERED, order_number=order_number)


def stock_settings_update(*, actor, ageing_days) -> StockSettings:
    """Set after how many days in stock the store's cars are flagged as ageing."""
    store = _store(actor)
    try:
        days = int(ageing_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 3650:
        raise DomainError(_("Enter a number of days from 1 to 3650."), code="ageing_days_invalid", field="ageing_days")
    with transaction.atomic():
        settings, _created = StockSettings.objects.select_for_update().get_or_create(store=store)
        previous = settings.ageing_days
        if previous != days or _created:
            settings.ageing_days = days
            settings.save()
            audit.record(actor=actor, action="inventory.ageing_days_changed", target=settings, store_id=store.pk,
                         data={"from": previous, "to": days})
    return settings
