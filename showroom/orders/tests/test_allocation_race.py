"""Twenty orders allocating the same car at the same moment: exactly one gets it, the others get a Conflict."""

import pytest

from showroom.orders.benchmark import race
from showroom.orders.models import Order

WORKERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_allocations_of_one_car_let_exactly_one_win():
    result = race(workers=WORKERS)
    assert result == {"succeeded": 1, "conflicts": WORKERS - 1, "errors": []}
    assert not Order.objects.exists()  # the race cleans up after itself
