"""The booking race for `make bench`: many requests for the same car and slot at the same moment.

`race()` sets up its own store, consultant, test-drive car and lead, fires `workers` concurrent booking attempts
(real threads, each on its own database connection) released together, and removes what it made. Exactly one
attempt may succeed; the others must be refused with a Conflict — an error of any other kind is a failure.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

from django.db import connection, transaction

from showroom.core import clock
from showroom.core.errors import Conflict


def _setup(tag: str):
    from showroom.accounts.models import DealerGroup, Role, User
    from showroom.accounts.services import store_create
    from showroom.catalog.models import Brand, Series, Trim
    from showroom.core.choices import Channel, Source
    from showroom.inventory.models import Vehicle
    from showroom.leads.services import lead_create

    with transaction.atomic():
        group = DealerGroup.objects.create(name=f"race {tag}")
        store = store_create(group=group, name=f"race {tag}", code=f"race-{tag}", city="北京")
        consultant = User.objects.create(username=f"race-{tag}", store=store, role=Role.CONSULTANT, full_name="竞速顾问")
        brand = Brand.objects.create(group=group, name="奥迪", is_own=True)
        series = Series.objects.create(brand=brand, name="A6L", body_type="sedan")
        trim = Trim.objects.create(series=series, name="45 TFSI", model_year=2026, guide_price=Decimal("429800"),
                                   powertrain="petrol", seats=5, drive="fwd")
        car = Vehicle.objects.create(store=store, vin=f"LRACE{tag[:12].upper():0<12}", trim=trim, is_test_drive=True,
                                     plate="京A00000")
        lead, _created = lead_create(actor=consultant, customer_fields={"name": "赛跑", "mobile": "13912345678"},
                                     lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})
    return group, store, consultant, car, lead


def _teardown(group, store) -> None:
    from showroom.accounts.models import User
    from showroom.audit.models import AuditEntry
    from showroom.catalog.models import Brand
    from showroom.customers.models import Customer
    from showroom.followups.models import Activity, Task
    from showroom.inventory.models import Vehicle
    from showroom.leads.models import Lead

    from .models import Booking

    with transaction.atomic():
        Booking.objects.filter(store=store).delete()
        Task.objects.filter(store=store).delete()
        Activity.objects.filter(store=store).delete()
        AuditEntry.objects.filter(store=store).delete()
        Lead.objects.filter(store=store).delete()
        Customer.objects.filter(store=store).delete()
        Vehicle.objects.filter(store=store).delete()
        Brand.objects.filter(group=group).delete()
        User.objects.filter(store=store).delete()
        store.delete()
        group.delete()


def race(*, workers: int = 20) -> dict:
    """`workers` concurrent attempts to book the same car and slot; {"succeeded", "conflicts", "errors"}."""
    from . import services

    tag = uuid.uuid4().hex[:10]
    group, store, consultant, car, lead = _setup(tag)
    starts_at = clock.at_local(clock.today() + dt.timedelta(days=1), 10)
    barrier = threading.Barrier(workers)
    results: list[tuple[str, str]] = []
    lock = threading.Lock()

    def attempt() -> None:
        outcome: tuple[str, str]
        try:
            barrier.wait(timeout=30)
            services.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=starts_at)
            outcome = ("ok", "")
        except Conflict as exc:
            outcome = ("conflict", exc.code)
        except Exception as exc:  # noqa: BLE001 - any other failure is what the race is meant to reveal
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(workers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        _teardown(group, store)
    return {
        "succeeded": sum(1 for kind, _ in results if kind == "ok"),
        "conflicts": sum(1 for kind, _ in results if kind == "conflict"),
        "errors": [detail for kind, detail in results if kind == "error"]
        + [f"{workers - len(results)} attempts did not finish"] * (len(results) < workers),
    }
