"""The allocation race for `make bench`: many orders asking for the same car (配车) at the same moment.

`race()` sets up its own store, consultant, car in stock and `workers` signed orders of that trim and colour, fires
`workers` concurrent allocations of the one car (real threads, each on its own database connection) released
together, and removes what it made. Exactly one order may get the car; the others must be refused with a Conflict —
an error of any other kind is a failure.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

from django.db import connection, transaction

from showroom.core import clock
from showroom.core.errors import Conflict


def _setup(tag: str, workers: int):
    from showroom.accounts.models import DealerGroup, Role, User
    from showroom.accounts.services import store_create
    from showroom.catalog.models import Brand, Colour, Series, Trim
    from showroom.core.choices import Channel, Source
    from showroom.inventory.models import Vehicle
    from showroom.inventory.vin import with_check_digit
    from showroom.leads.models import Stage
    from showroom.leads.services import lead_advance_stage, lead_create
    from showroom.quotes.models import Quote, QuoteStatus

    from .models import Order, PaymentPlan

    with transaction.atomic():
        group = DealerGroup.objects.create(name=f"race {tag}")
        store = store_create(group=group, name=f"race {tag}", code=f"race-{tag}", city="北京")
        consultant = User.objects.create(username=f"race-{tag}", store=store, role=Role.CONSULTANT, full_name="竞速顾问")
        brand = Brand.objects.create(group=group, name="奥迪", is_own=True)
        series = Series.objects.create(brand=brand, name="A6L", body_type="sedan")
        trim = Trim.objects.create(series=series, name="45 TFSI", model_year=2026, guide_price=Decimal("429800"),
                                   powertrain="petrol", seats=5, drive="fwd")
        white = Colour.objects.create(series=series, name="冰川白")
        car = Vehicle.objects.create(store=store, vin=with_check_digit(f"LRACE0000{int(tag[:6], 16) % 10**8:08d}"),
                                     trim=trim, exterior_colour=white, arrival_date=clock.today() - dt.timedelta(days=30))
        orders = []
        today = clock.today()
        for i in range(workers):
            lead, _created = lead_create(actor=consultant, customer_fields={"name": f"赛跑{i}", "mobile": f"1390000{i:04d}"},
                                         lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})
            lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.ORDER, skip_reason="bench")
            # The race is about the car, not about quoting: the accepted quote and the order are filed directly.
            quote = Quote.objects.create(
                store=store, lead=lead, number=f"Q-{tag}-{i}", version=1, status=QuoteStatus.ACCEPTED,
                purchase_date=today, valid_until=today, trim=trim, exterior_colour=white, guide_price=trim.guide_price,
                vehicle_price=trim.guide_price, total=trim.guide_price, cash_due_at_signing=Decimal("20000"),
                cash_due_at_delivery=trim.guide_price - Decimal("20000"), deposit_amount=Decimal("20000"))
            orders.append(Order.objects.create(
                store=store, lead=lead, quote=quote, number=f"SO-{tag}-{i}", consultant=consultant, signed_at=clock.now(),
                buyer_name=f"赛跑{i}", trim=trim, exterior_colour=white, contract_price=trim.guide_price,
                payment_plan=PaymentPlan.FULL, deposit_kind="earnest", deposit_amount=Decimal("20000"), created_by=consultant))
    return group, store, consultant, car, orders


def _teardown(group, store) -> None:
    from showroom.accounts.models import User
    from showroom.audit.models import AuditEntry
    from showroom.catalog.models import Brand
    from showroom.customers.models import Customer
    from showroom.followups.models import Activity, Task
    from showroom.inventory.models import Vehicle
    from showroom.leads.models import Lead
    from showroom.quotes.models import Quote

    from .models import NumberSequence, Order

    with transaction.atomic():
        Order.objects.filter(store=store).delete()
        Quote.objects.filter(store=store).delete()
        NumberSequence.objects.filter(store=store).delete()
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
    """`workers` orders allocating the same car at once; {"succeeded", "conflicts", "errors"}."""
    from . import services

    tag = uuid.uuid4().hex[:10]
    group, store, consultant, car, orders = _setup(tag, workers)
    barrier = threading.Barrier(workers)
    results: list[tuple[str, str]] = []
    lock = threading.Lock()

    def attempt(order) -> None:
        outcome: tuple[str, str]
        try:
            barrier.wait(timeout=30)
            services.order_allocate(actor=consultant, order=order, vehicle=car)
            outcome = ("ok", "")
        except Conflict as exc:
            outcome = ("conflict", exc.code)
        except Exception as exc:  # noqa: BLE001 - any other failure is what the race is meant to reveal
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(order,)) for order in orders]
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
