"""Demo data of the inventory app (see settings.DEMO_EXTENSIONS): about sixty Audis of the demo store with valid
VINs, across every status and arrival date (some past the ageing threshold), five plated test-drive cars (A5L,
A6L, Q3, Q5L, Q6L e-tron) and a few display cars, filed and moved through the stock services by the admin."""

from __future__ import annotations

import datetime as dt

from showroom.accounts.models import User
from showroom.catalog.models import Colour, Trim
from showroom.core import clock

from . import services
from .models import Vehicle, VehicleStatus
from .vin import with_check_digit

S = VehicleStatus
# Series → (WMI, VDS) as on FAW-Audi (LFV) and imported (WAU) cars; the 10th character 'T' is model year 2026.
VIN_PREFIX = {"A3L": ("LFV", "2A28Y"), "A5L": ("LFV", "3A28F"), "A6L": ("LFV", "3A24K"), "Q2L": ("LFV", "2B2GA"),
              "Q3": ("LFV", "2A2F3"), "Q5L": ("LFV", "3B2FY"), "Q5L Sportback": ("LFV", "3B2FS"),
              "Q6L e-tron": ("LFV", "4C3E6"), "Q7": ("WAU", "ZZZ4M"), "e-tron GT": ("WAU", "ZZZFW")}
TEST_DRIVE = [("A5L", "京A5L123"), ("A6L", "京AA6L88"), ("Q3", "京AQ3Q33"), ("Q5L", "京AQ5L66"), ("Q6L e-tron", "京AD06666")]
# How many cars of each status, and how many days ago the ones on the lot arrived (a range to draw from).
PLAN = [(S.FACTORY_ORDER, 6, None), (S.IN_TRANSIT, 7, None), (S.IN_STOCK, 22, (3, 85)), (S.IN_STOCK, 7, (95, 240)),
        (S.RESERVED, 6, (10, 120)), (S.SOLD, 4, (20, 70)), (S.DELIVERED, 4, (30, 150))]
LOCATIONS = ["展厅", "A区", "B区", "C区", "地下库"]


def _vin(series_name: str, serial: int) -> str:
    wmi, vds = VIN_PREFIX.get(series_name, ("LFV", "3A28W"))
    return with_check_digit(f"{wmi}{vds}0T1{serial:06d}")


def seed(*, store, rng) -> list[str]:
    """The store's stock: test-drive and display cars, stock of every age, cars ordered, on the way, sold."""
    if Vehicle.objects.filter(store=store).exists():
        return []
    trims = list(Trim.objects.filter(series__brand__group_id=store.group_id, series__brand__is_own=True)
                 .select_related("series").order_by("series__sort_order", "guide_price"))
    if not trims:
        return []
    admin = User.objects.get(username="admin")
    colours: dict[tuple[int, str], list[Colour]] = {}
    for colour in Colour.objects.filter(series__in={t.series_id for t in trims}).order_by("surcharge", "name"):
        colours.setdefault((colour.series_id, colour.kind), []).append(colour)
    today = clock.today()
    serials = iter(rng.sample(range(100_000, 999_999), 200))

    def file(trim, *, status, days_ago=None, **extra):
        exterior = colours.get((trim.series_id, "exterior"), [None])
        interior = colours.get((trim.series_id, "interior"), [None])
        fields = {"vin": _vin(trim.series.name, next(serials)), "trim": trim, "status": status,
                  "exterior_colour": rng.choice(exterior), "interior_colour": rng.choice(interior),
                  "arrival_date": today - dt.timedelta(days=days_ago) if days_ago is not None else None,
                  "location": "" if status in (S.FACTORY_ORDER, S.IN_TRANSIT) else rng.choice(LOCATIONS), **extra}
        return services.vehicle_create(actor=admin, fields=fields)

    by_series: dict[str, list[Trim]] = {}
    for trim in trims:
        by_series.setdefault(trim.series.name, []).append(trim)
    for series_name, plate in TEST_DRIVE:
        options = by_series.get(series_name)
        if options:
            file(options[-1], status=S.IN_STOCK, days_ago=rng.randint(60, 200), is_test_drive=True, plate=plate,
                 location="试驾车位", notes="试驾车，每日检查油量/电量与清洁")
    displays = 0
    for series_name in ("A6L", "Q5L", "Q6L e-tron"):
        if series_name in by_series:
            file(rng.choice(by_series[series_name]), status=S.IN_STOCK, days_ago=rng.randint(30, 150), is_display=True,
                 location="展厅")
            displays += 1
    # Popular lines sell in bigger numbers: weight the draw towards them.
    weights = [5 if t.series.name in ("A6L", "Q5L", "A5L", "Q3") else 2 if t.series.name != "e-tron GT" else 1 for t in trims]
    counts: dict[str, int] = {}
    for status, count, days in PLAN:
        for _n in range(count):
            trim = rng.choices(trims, weights=weights)[0]
            file(trim, status=status, days_ago=rng.randint(*days) if days else None)
            counts[status] = counts.get(status, 0) + 1
    total = Vehicle.objects.filter(store=store).count()
    aged = total and _aged_count(store, today)
    return [f"Stock: {total} vehicles ({', '.join(f'{S(s).label} {n}' for s, n in counts.items())}), "
            f"{len(TEST_DRIVE)} test-drive cars, {displays} display cars, {aged} ageing"]


def _aged_count(store, today) -> int:
    from .selectors import AGEING_STATUSES, aged_since, ageing_days_for

    return Vehicle.objects.filter(store=store, status__in=AGEING_STATUSES,
                                  arrival_date__lte=aged_since(ageing_days_for(store.pk), today)).count()
