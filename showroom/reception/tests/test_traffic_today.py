"""Today's showroom figures: sales batches first and repeat, captured, people, and the non-sales visits."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.reception.models import VisitPurpose
from showroom.reception.selectors import in_showroom_now, my_walk_ins_today, traffic_today, visits_today
from showroom.reception.services import visit_record_departure, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 16, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_todays_traffic_counts_sales_batches_people_and_capture_and_keeps_other_visits_apart(
    receptionist, consultant, manager, frozen
):
    yesterday = NOW - dt.timedelta(days=1)
    visit_register(actor=receptionist, mobile="13800000009", arrived_at=yesterday)  # yesterday's
    first = visit_register(actor=receptionist, mobile="13800000001", party_size=3)
    visit_register(actor=receptionist, party_size=2)  # no mobile: not captured
    visit_register(actor=receptionist, mobile="13800000009", party_size=1)  # back again today
    visit_register(actor=receptionist, purpose=VisitPurpose.SERVICE, party_size=4)
    frozen.shift(dt.timedelta(minutes=10))
    visit_record_departure(actor=receptionist, visit=first)

    figures = traffic_today(manager)

    assert figures == {"batches": 3, "first": 2, "repeat": 1, "captured_first": 1, "people": 6, "non_sales": 1,
                       "in_showroom": 3, "capture_rate": 50}
    assert len(visits_today(receptionist)) == 4
    assert len(in_showroom_now(receptionist)) == 3
    assert first not in in_showroom_now(receptionist)


def test_a_day_without_visitors_has_no_capture_rate(manager):
    assert traffic_today(manager)["capture_rate"] is None and traffic_today(manager)["people"] == 0


def test_a_consultant_sees_their_own_walk_ins_today(receptionist, consultant, colleague):
    mine = visit_register(actor=receptionist, mobile="13800000001", consultant=consultant)
    visit_register(actor=receptionist, mobile="13800000002", consultant=colleague)

    assert list(my_walk_ins_today(consultant)) == [mine]
    assert list(visits_today(consultant)) == [mine]


def test_another_stores_figures_are_their_own(receptionist, consultant, outsider):
    from showroom.accounts.models import Role
    from showroom.accounts.tests.factories import UserFactory

    visit_register(actor=receptionist, mobile="13800000001")
    their_manager = UserFactory(store=outsider.store, role=Role.MANAGER)

    assert traffic_today(their_manager)["batches"] == 0
