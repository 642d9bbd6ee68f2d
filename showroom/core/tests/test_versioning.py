"""The version check behind "changed by … at …, reload": the second of two concurrent edits is refused."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.core.errors import Conflict
from showroom.core.versioning import check_version
from showroom.customers.services import customer_create, customer_update

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 14, 30, tzinfo=SHANGHAI)


@pytest.fixture
def customer(consultant):
    with time_machine.travel(NOW, tick=False):
        customer, _ = customer_create(actor=consultant, fields={"name": "张三"})
        return customer_update(actor=consultant, customer=customer, fields={"city": "北京"}, expected_version=1)


def test_the_current_version_or_no_version_passes(customer):
    check_version(customer, 2)
    check_version(customer, "2")
    check_version(customer, None)


@pytest.mark.parametrize("expected", [1, 3, "1", "abc", "", 2.5j])
def test_any_other_version_is_refused_with_who_saved_last_and_when(customer, expected):
    with pytest.raises(Conflict) as refused:
        check_version(customer, expected)

    assert refused.value.code == "stale_version" and refused.value.field == "version"
    assert "王小明" in str(refused.value.message) and "March 10, 2026, 2:30 p.m." in str(refused.value.message)


def test_a_record_changed_by_the_scheduler_names_nobody(customer):
    customer.updated_by = None

    with pytest.raises(Conflict) as refused:
        check_version(customer, 1)

    assert "someone else" in str(refused.value.message)


def test_the_english_message_does_not_double_the_full_stop_after_the_time(customer):
    from django.utils import translation

    with translation.override("en"), pytest.raises(Conflict) as refused:
        check_version(customer, customer.version + 1)
    assert "p.m. Reload" in str(refused.value.message) and ".." not in str(refused.value.message)
