"""Twenty requests for the same car and slot at the same moment: exactly one books it, the others get a Conflict."""

import threading

import pytest
from django.db import connection

from showroom.core.errors import Conflict
from showroom.followups.models import Task
from showroom.testdrives import services as td
from showroom.testdrives.benchmark import race
from showroom.testdrives.models import Booking, SlotHold

from .conftest import TOMORROW, at, file_lead

WORKERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_of_one_slot_for_different_customers_let_exactly_one_win(consultant, car, frozen):
    leads = [file_lead(consultant, name=f"客户{i}", mobile=f"139000{i:05d}") for i in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)
    outcomes = [None] * WORKERS

    def attempt(i):
        try:
            barrier.wait(timeout=30)
            td.testdrive_book(actor=consultant, lead=leads[i], vehicle=car, starts_at=at(TOMORROW, 10))
            outcomes[i] = "ok"
        except Conflict as exc:
            outcomes[i] = exc.code
        except Exception as exc:  # noqa: BLE001 - reported in the assertion below
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["ok"] + ["slot_taken"] * (WORKERS - 1), outcomes
    winner = Booking.objects.get()
    assert SlotHold.objects.count() == 2 and set(SlotHold.objects.values_list("booking", flat=True)) == {winner.pk}
    assert Task.objects.filter(title__contains="京A").count() == 1  # only the winner's reminder


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_race_reports_one_success_and_nineteen_conflicts():
    result = race(workers=WORKERS)
    assert result == {"succeeded": 1, "conflicts": WORKERS - 1, "errors": []}
    assert not Booking.objects.exists()  # the race cleans up after itself
