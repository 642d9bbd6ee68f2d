"""Order and receipt numbers: sequential per store, kind and year, never the same twice under concurrency."""

import threading

import pytest
from django.db import connection, transaction

from showroom.orders.services import next_number

WORKERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_signings_get_twenty_consecutive_numbers(store):
    barrier = threading.Barrier(WORKERS)
    numbers, errors = [], []
    lock = threading.Lock()

    def take():
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                number = next_number(store.pk, "SO", 2026)
            with lock:
                numbers.append(number)
        except Exception as exc:  # noqa: BLE001 - reported in the assertion below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(numbers) == [f"SO2026-{n:06d}" for n in range(1, WORKERS + 1)]


def test_numbers_of_each_kind_and_year_count_separately(store):
    assert [next_number(store.pk, "SO", 2026), next_number(store.pk, "SK", 2026), next_number(store.pk, "SO", 2026),
            next_number(store.pk, "SO", 2027)] == ["SO2026-000001", "SK2026-000001", "SO2026-000002", "SO2027-000001"]
