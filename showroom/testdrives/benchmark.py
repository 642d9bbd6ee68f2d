"""The booking race for `make bench`: many requests for the same car and slot at the same moment.

`race()` sets up its own store (showroom/bench/scratch.py), consultant, test-drive car and lead, fires `workers`
concurrent booking attempts (real threads, each on its own database connection) released together, and removes what
it made. Exactly one attempt may succeed; the others must be refused with a Conflict — an error of any other kind is
a failure.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction

from showroom.bench import scratch as bench
from showroom.core import clock


def _setup():
    from showroom.core.choices import Channel, Source
    from showroom.inventory.models import Vehicle
    from showroom.leads.services import lead_create

    with transaction.atomic():
        scratch = bench.scratch_store()
        car = Vehicle.objects.create(store=scratch.store, vin=f"LRACE{scratch.tag[:12].upper():0<12}", trim=scratch.trim,
                                     is_test_drive=True, plate="京A00000")
        lead, _created = lead_create(actor=scratch.consultant, customer_fields={"name": "赛跑", "mobile": "13912345678"},
                                     lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})
    return scratch, car, lead


def race(*, workers: int = 20) -> dict:
    """`workers` concurrent attempts to book the same car and slot; {"succeeded", "conflicts", "errors"}."""
    from . import services
    from .models import Booking

    scratch, car, lead = _setup()
    starts_at = clock.at_local(clock.today() + dt.timedelta(days=1), 10)
    book = partial(services.testdrive_book, actor=scratch.consultant, lead=lead, vehicle=car, starts_at=starts_at)
    return bench.race(scratch, [book] * workers, own=(Booking,))
