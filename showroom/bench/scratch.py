"""The scratch store of a race (`make bench`, showroom/bench/races.py) and the race itself.

    scratch = scratch_store()                # inside the caller's transaction: group, store, consultant, an A6L trim
    ...                                      # what the race is about (a car, leads, orders), made in that store
    race(scratch, attempts, own=(Booking,))  # every attempt at once, on its own thread; then the store is removed

Each attempt runs on a thread of its own (so on its own database connection); they are released together. Exactly
one may succeed; the others must be refused with a Conflict — an error of any other kind is a failure.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from showroom.core.errors import Conflict


@dataclass(frozen=True)
class Scratch:
    tag: str
    group: object
    store: object
    consultant: object
    trim: object


def scratch_store() -> Scratch:
    """A dealer group and store of their own (named by a fresh tag), its consultant and an A6L 45 TFSI trim."""
    from showroom.accounts.models import DealerGroup, Role, User
    from showroom.accounts.services import store_create
    from showroom.catalog.models import Brand, Series, Trim

    tag = uuid.uuid4().hex[:10]
    group = DealerGroup.objects.create(name=f"race {tag}")
    store = store_create(group=group, name=f"race {tag}", code=f"race-{tag}", city="北京")
    consultant = User.objects.create(username=f"race-{tag}", store=store, role=Role.CONSULTANT, full_name="竞速顾问")
    brand = Brand.objects.create(group=group, name="奥迪", is_own=True)
    series = Series.objects.create(brand=brand, name="A6L", body_type="sedan")
    trim = Trim.objects.create(series=series, name="45 TFSI", model_year=2026, guide_price=Decimal("429800"),
                               powertrain="petrol", seats=5, drive="fwd")
    return Scratch(tag=tag, group=group, store=store, consultant=consultant, trim=trim)


def remove(scratch: Scratch, *, own: Iterable[type] = ()) -> None:
    """Delete the race's rows: first those of the `own` models (by store), then the leads, customers, follow-ups,
    audit entries, cars, catalog and users the race made, the store and its group."""
    from showroom.accounts.models import User
    from showroom.audit.models import AuditEntry
    from showroom.catalog.models import Brand
    from showroom.customers.models import Customer
    from showroom.followups.models import Activity, Task
    from showroom.inventory.models import Vehicle
    from showroom.leads.models import Lead

    store = scratch.store
    with transaction.atomic():
        for model in (*own, Task, Activity, AuditEntry, Lead, Customer, Vehicle):
            model.objects.filter(store=store).delete()
        Brand.objects.filter(group=scratch.group).delete()
        User.objects.filter(store=store).delete()
        store.delete()
        scratch.group.delete()


def race(scratch: Scratch, attempts: list[Callable[[], object]], *, own: Iterable[type] = ()) -> dict:
    """Every attempt at once, each on its own thread and database connection, then `remove(scratch, own=own)`;
    {"succeeded", "conflicts", "errors"}."""
    workers = len(attempts)
    barrier = threading.Barrier(workers)
    results: list[tuple[str, str]] = []
    lock = threading.Lock()

    def attempt(run: Callable[[], object]) -> None:
        outcome: tuple[str, str]
        try:
            barrier.wait(timeout=30)
            run()
            outcome = ("ok", "")
        except Conflict as exc:
            outcome = ("conflict", exc.code)
        except Exception as exc:  # noqa: BLE001 - any other failure is what the race is meant to reveal
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(run,)) for run in attempts]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        remove(scratch, own=own)
    return {
        "succeeded": sum(1 for kind, _ in results if kind == "ok"),
        "conflicts": sum(1 for kind, _ in results if kind == "conflict"),
        "errors": [detail for kind, detail in results if kind == "error"]
        + [f"{workers - len(results)} attempts did not finish"] * (len(results) < workers),
    }
