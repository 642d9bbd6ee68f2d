"""The batch leaves: its departure time is recorded once, and never before it arrived or in the future."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound
from showroom.reception.selectors import in_showroom_now
from showroom.reception.services import visit_record_departure, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def visit(receptionist, consultant):
    return visit_register(actor=receptionist, mobile="13800138000", consultant=consultant)


def test_the_consultant_records_the_departure_and_the_batch_leaves_the_live_board(consultant, receptionist, visit, frozen):
    frozen.shift(dt.timedelta(minutes=45))

    visit_record_departure(actor=consultant, visit=visit)

    visit.refresh_from_db()
    assert visit.left_at == NOW + dt.timedelta(minutes=45) and not visit.in_showroom
    assert list(in_showroom_now(receptionist)) == []
    assert AuditEntry.objects.get(action="reception.visit_departed").actor == consultant


def test_reception_records_a_departure_time_given_afterwards(receptionist, visit, frozen):
    frozen.shift(dt.timedelta(hours=2))

    visit_record_departure(actor=receptionist, visit=visit, left_at=NOW + dt.timedelta(hours=1))

    visit.refresh_from_db()
    assert visit.left_at == NOW + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("left_at", "code"),
    [(NOW - dt.timedelta(minutes=1), "left_before_arrival"), (NOW + dt.timedelta(minutes=10), "left_in_future")],
)
def test_a_departure_before_the_arrival_or_in_the_future_is_refused(receptionist, visit, left_at, code):
    with pytest.raises(DomainError) as refused:
        visit_record_departure(actor=receptionist, visit=visit, left_at=left_at)

    assert refused.value.code == code and refused.value.field == "left_at"
    visit.refresh_from_db()
    assert visit.left_at is None


def test_a_departure_is_recorded_only_once(receptionist, consultant, visit, frozen):
    frozen.shift(dt.timedelta(minutes=30))
    visit_record_departure(actor=receptionist, visit=visit)
    frozen.shift(dt.timedelta(minutes=30))

    with pytest.raises(DomainError) as refused:
        visit_record_departure(actor=consultant, visit=visit)

    assert refused.value.code == "already_left"
    visit.refresh_from_db()
    assert visit.left_at == NOW + dt.timedelta(minutes=30)


def test_a_colleague_and_another_store_get_not_found(colleague, outsider, visit):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            visit_record_departure(actor=actor, visit=visit)
