"""Two admins file the same VIN at the same moment: exactly one car is filed, the other is told the VIN is taken."""

import datetime as dt
import threading

import pytest
from django.db import connection

from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError
from showroom.inventory.models import Vehicle
from showroom.inventory.services import vehicle_create
from showroom.inventory.tests.factories import vin_for


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", call())
        except DomainError as exc:
            results[i] = ("refused", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_the_same_vin_filed_twice_at_once_is_filed_once(admin, trim, attempt):
    fields = {"vin": vin_for(7), "trim": trim, "status": "in_stock", "arrival_date": dt.date(2026, 11, 1)}
    results = _race(lambda: vehicle_create(actor=admin, fields=dict(fields)),
                    lambda: vehicle_create(actor=admin, fields=dict(fields)))
    assert sorted(kind for kind, _value in results) == ["ok", "refused"], results
    refused = next(value for kind, value in results if kind == "refused")
    assert refused.field == "vin" and refused.code in ("vin_invalid", "vin_taken")
    assert Vehicle.objects.filter(vin=vin_for(7)).count() == 1
    assert AuditEntry.objects.filter(action="inventory.vehicle_created").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(2))
def test_two_reservations_of_the_same_car_at_once_reserve_it_once(admin, trim, attempt):
    from showroom.inventory.services import vehicle_change_status
    from showroom.inventory.tests.factories import VehicleFactory

    car = VehicleFactory(store=admin.store, trim=trim)
    results = _race(lambda: vehicle_change_status(actor=admin, vehicle=car, to="reserved"),
                    lambda: vehicle_change_status(actor=admin, vehicle=car, to="reserved"))
    assert sorted(kind for kind, _value in results) == ["ok", "refused"], results
    car.refresh_from_db()
    assert car.status == "reserved" and car.version == 2
    assert AuditEntry.objects.filter(action="inventory.vehicle_status_changed").count() == 1
