"""The allocation race for `make bench`: many orders asking for the same car (配车) at the same moment.

`race()` sets up its own store (showroom/bench/scratch.py), consultant, car in stock and `workers` signed orders of
that trim and colour, fires `workers` concurrent allocations of the one car (real threads, each on its own database
connection) released together, and removes what it made. Exactly one order may get the car; the others must be
refused with a Conflict — an error of any other kind is a failure.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django.db import transaction

from showroom.bench import scratch as bench
from showroom.core import clock


def _setup(workers: int):
    from showroom.catalog.models import Colour
    from showroom.core.choices import Channel, Source
    from showroom.inventory.models import Vehicle
    from showroom.inventory.vin import with_check_digit
    from showroom.leads.models import Stage
    from showroom.leads.services import lead_advance_stage, lead_create
    from showroom.quotes.models import Quote, QuoteStatus

    from .models import Order, PaymentPlan

    with transaction.atomic():
        scratch = bench.scratch_store()
        tag, store, consultant, trim = scratch.tag, scratch.store, scratch.consultant, scratch.trim
        white = Colour.objects.create(series=trim.series, name="冰川白")
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
    return scratch, car, orders


def race(*, workers: int = 20) -> dict:
    """`workers` orders allocating the same car at once; {"succeeded", "conflicts", "errors"}."""
    from showroom.quotes.models import Quote

    from . import services
    from .models import NumberSequence, Order

    scratch, car, orders = _setup(workers)
    attempts = [partial(services.order_allocate, actor=scratch.consultant, order=order, vehicle=car) for order in orders]
    return bench.race(scratch, attempts, own=(Order, Quote, NumberSequence))
