"""Stock and catalog data for `make bench`, and the reads worth timing on it.

    generate_stock(store=store, count=10_000)   # the catalog (if the group has none) and 10,000 cars, in seconds
    for name, run in cases(actor): run()        # catalog search and the stock list's first pages
    urls()                                      # the same reads as pages and API requests

The cars are spread like a real store's: most in stock or delivered, some ordered, on the way, reserved or sold,
arrivals over the past year and a half (so a good share is ageing), a few display and test-drive cars.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from showroom.catalog import selectors as catalog
from showroom.catalog.demo import AUDI, COMPETITORS, EXTERIOR, INTERIOR
from showroom.catalog.models import Brand, Colour, Powertrain, Series, Trim
from showroom.core import clock

from . import selectors
from .demo import VIN_PREFIX
from .models import Vehicle, VehicleStatus
from .vin import with_check_digit

BATCH = 2_000
S = VehicleStatus
STATUS_MIX = [(S.IN_STOCK, 50), (S.RESERVED, 8), (S.SOLD, 7), (S.DELIVERED, 25), (S.IN_TRANSIT, 5), (S.FACTORY_ORDER, 5)]
LOCATIONS = ["展厅", "A区", "B区", "C区", "地下库", "外租库"]


def _trim(series: Series, row, dims) -> Trim:
    name, price, powertrain, cc, kwh, km, seats, drive, kw, accel, equipment = row
    return Trim(series=series, name=name, model_year=2026, guide_price=Decimal(price), powertrain=powertrain,
                displacement_cc=cc, battery_kwh=Decimal(kwh) if kwh else None, range_km=km, seats=seats, drive=drive,
                power_kw=kw, acceleration_s=Decimal(accel), length_mm=dims[0], wheelbase_mm=dims[1], key_equipment=equipment,
                # as the catalog service lists a new NEV trim (the bench line-up meets the 2026 range bar)
                nev_tax_catalogue=powertrain in Powertrain.new_energy(), vessel_tax_exempt=powertrain in Powertrain.new_energy())


def ensure_catalog(group_id: int) -> list[Trim]:
    """The demo line-up and competitors for the group (bulk-created, unaudited: bench data), unless it has a catalog."""
    own = list(Trim.objects.filter(series__brand__group_id=group_id, series__brand__is_own=True).select_related("series"))
    if own:
        return own
    with transaction.atomic():
        audi = Brand.objects.create(group_id=group_id, name="奥迪", is_own=True)
        brands = [(audi, AUDI)] + [(Brand.objects.create(group_id=group_id, name=name, sort_order=order), lines)
                                   for order, (name, lines) in enumerate(COMPETITORS, start=1)]
        trims, colours = [], []
        for brand, lines in brands:
            for order, (name, maker, body, dims, rows) in enumerate(lines):
                series = Series.objects.create(brand=brand, name=name, maker=maker, body_type=body, sort_order=order)
                trims += [_trim(series, row, dims) for row in rows]
                colours += [Colour(series=series, kind="exterior", name=n, code=c, surcharge=Decimal(p)) for n, c, p in EXTERIOR]
                colours += [Colour(series=series, kind="interior", name=n, code=c, surcharge=Decimal(p)) for n, c, p in INTERIOR]
        Trim.objects.bulk_create(trims)
        Colour.objects.bulk_create(colours)
    return list(Trim.objects.filter(series__brand__group_id=group_id, series__brand__is_own=True).select_related("series"))


def generate_stock(*, store, count: int = 10_000, seed: int = 1) -> int:
    """Bulk-create `count` cars of the store with valid, unique VINs (and the catalog, if missing); returns count."""
    rng = random.Random(seed)
    trims = ensure_catalog(store.group_id)
    colours: dict[tuple[int, str], list[int]] = {}
    for pk, series_id, kind in Colour.objects.filter(series__in={t.series_id for t in trims}).values_list("pk", "series_id",
                                                                                                            "kind"):
        colours.setdefault((series_id, kind), []).append(pk)
    weights = [5 if t.series.name in ("A6L", "Q5L", "A5L", "Q3") else 2 for t in trims]
    statuses = [s for s, _w in STATUS_MIX]
    status_weights = [w for _s, w in STATUS_MIX]
    today = clock.today()
    # Serial numbers continue after the highest id, so repeated runs never repeat a VIN; plant code "B" keeps them
    # apart from the demo stock's VINs.
    offset = (Vehicle.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    created = 0
    with transaction.atomic():
        batch: list[Vehicle] = []
        for index in range(count):
            trim = rng.choices(trims, weights=weights)[0]
            status = rng.choices(statuses, weights=status_weights)[0]
            wmi, vds = VIN_PREFIX.get(trim.series.name, ("LFV", "3A28W"))
            serial = offset + index
            vin = with_check_digit(f"{wmi}{vds}0{'TS'[serial // 1_000_000 % 2]}B{serial % 1_000_000:06d}")
            arrived = status not in (S.FACTORY_ORDER, S.IN_TRANSIT)
            test_drive = arrived and status == S.IN_STOCK and rng.random() < 0.02
            batch.append(Vehicle(
                store_id=store.pk, vin=vin, trim_id=trim.pk, status=status,
                exterior_colour_id=rng.choice(colours.get((trim.series_id, "exterior"), [None])),
                interior_colour_id=rng.choice(colours.get((trim.series_id, "interior"), [None])),
                arrival_date=today - dt.timedelta(days=rng.randint(0, 540)) if arrived else None,
                location=rng.choice(LOCATIONS) if arrived else "", is_display=arrived and rng.random() < 0.03,
                is_test_drive=test_drive, plate=f"京A{serial % 100000:05d}" if test_drive else "",
            ))
            if len(batch) == BATCH:
                Vehicle.objects.bulk_create(batch)
                created += len(batch)
                batch = []
        if batch:
            Vehicle.objects.bulk_create(batch)
            created += len(batch)
    return created


def cases(actor) -> list[tuple[str, Callable[[], object]]]:
    """The catalog searches and stock list pages people wait for, as the pages call them (count and first page)."""
    series = catalog.series_for(actor, own_brand=True).filter(name="Q5L").first()
    sample = selectors.vehicles_for(actor).order_by("id").values_list("vin", "exterior_colour_id").first() or ("", None)
    ageing_days = selectors.ageing_days_for(actor.store_id)

    def page(qs, size=25):
        return lambda: (qs().count(), list(qs()[:size]))

    return [
        ("catalog: all trims, cheapest first", page(lambda: catalog.trim_search(actor), 24)),
        ("catalog: our new-energy trims 30–45万", page(lambda: catalog.trim_search(
            actor, own_brand=True, powertrain=["bev", "phev", "erev"], price_min=Decimal(300000), price_max=Decimal(450000)), 24)),
        ("catalog: competitors' SUVs, 5+ seats", page(lambda: catalog.trim_search(
            actor, own_brand=False, body_type=["suv"], seats_min=5), 24)),
        ("catalog: text search 'quattro'", page(lambda: catalog.trim_search(actor, query="quattro"), 24)),
        ("stock: first page, longest in stock first", page(lambda: selectors.vehicle_list(actor, ageing_days=ageing_days))),
        ("stock: in stock only", page(lambda: selectors.vehicle_list(actor, status=[S.IN_STOCK], ageing_days=ageing_days))),
        ("stock: ageing only", page(lambda: selectors.vehicle_list(actor, aged=True, ageing_days=ageing_days))),
        ("stock: series Q5L, newest first", page(lambda: selectors.vehicle_list(
            actor, series_id=series.pk if series else None, order="-arrival", ageing_days=ageing_days))),
        ("stock: one colour, by price", page(lambda: selectors.vehicle_list(
            actor, colour_id=sample[1], order="price", ageing_days=ageing_days))),
        ("stock: VIN last 6", page(lambda: selectors.vehicle_list(actor, vin=sample[0][-6:], ageing_days=ageing_days))),
        ("stock: test-drive cars", lambda: list(selectors.test_drive_cars(actor))),
    ]


def urls() -> list[tuple[str, str]]:
    """The same reads as pages and API requests (GET, signed in as a consultant of the store)."""
    return [
        ("page: catalog", "/catalog/"),
        ("page: catalog, new energy 30–45万", "/catalog/?brand=own&powertrain=nev&price_min=30万&price_max=45万"),
        ("page: stock", "/stock/"),
        ("page: stock, ageing only", "/stock/?aged=on"),
        ("api: trims", "/api/v1/catalog/trims"),
        ("api: vehicles", "/api/v1/stock/vehicles"),
        ("api: vehicles in stock", "/api/v1/stock/vehicles?status=in_stock"),
    ]
