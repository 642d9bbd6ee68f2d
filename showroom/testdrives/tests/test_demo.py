"""The demo's test drives: routes, bookings this week, completed drives with signatures, a no-show and a decline."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db.models import F

from showroom.accounts.demo import seed_demo
from showroom.leads.models import Stage, StageTransition
from showroom.testdrives.models import Booking, BookingStatus, Route
from showroom.testdrives.signature import check_png

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
AFTERNOON = dt.datetime(2026, 3, 18, 15, 5, tzinfo=SHANGHAI)


def add_test_drive_cars(*, store, rng):
    """Stand-in for the stock app's demo: five plated test-drive cars of the store."""
    from showroom.inventory.tests.factories import DemoCarFactory

    for plate in ("京A6L001", "京A5L002", "京Q5L003", "京Q3A004", "京Q6L005"):
        DemoCarFactory(store=store, plate=plate)
    return []


@pytest.fixture
def demo(db, settings):
    settings.DEMO_EXTENSIONS = ["showroom.testdrives.tests.test_demo.add_test_drive_cars", "showroom.testdrives.demo.seed"]
    with time_machine.travel(AFTERNOON, tick=True):
        summary = seed_demo(customers=80)
    return summary


def test_the_demo_has_routes_bookings_drives_a_no_show_and_a_decline(demo):
    assert Route.objects.filter(active=True).count() == 3 and Route.objects.filter(active=False).count() == 1
    by_status = {s: Booking.objects.filter(status=s).count() for s in BookingStatus.values}
    assert by_status["booked"] >= 5 and by_status["completed"] >= 3
    assert by_status["in_progress"] == 1 and by_status["no_show"] == 1 and by_status["declined"] == 1
    for booking in Booking.objects.filter(status=BookingStatus.COMPLETED):
        check_png(bytes(booking.signature_png))
        assert booking.score_overall and booking.odometer_end > booking.odometer_start
        assert booking.lead.stage == Stage.NEGOTIATION
    assert any("Test drives:" in line for line in demo.extensions)


def test_the_demo_moves_no_lead_backwards(demo):
    assert not StageTransition.objects.filter(to_stage__lt=F("from_stage")).exists()
    booked = Booking.objects.filter(status=BookingStatus.BOOKED).select_related("lead")
    assert all(b.lead.stage <= Stage.TEST_DRIVE for b in booked)

