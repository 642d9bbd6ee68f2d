"""The demo's deliveries and owners: hand-overs signed with a photo, deliveries to come, owners with their calls,
answered surveys with a case for the manager, and a referral lead — with no lead moved backwards."""

import datetime as dt
import random
import zoneinfo

import pytest
import time_machine
from django.db.models import F

from showroom.accounts.demo import seed_demo
from showroom.aftercare.models import (
    AftercareCall,
    Case,
    CaseStatus,
    OwnedCar,
    Referral,
    Survey,
    SurveyStatus,
)
from showroom.core.choices import Source
from showroom.deliveries.demo import booking_times
from showroom.deliveries.models import Delivery, DeliveryStatus
from showroom.deliveries.photos import check_photo
from showroom.leads.models import Stage, StageTransition, Status
from showroom.testdrives.signature import check_png

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
AFTERNOON = dt.datetime(2026, 3, 18, 15, 5, tzinfo=SHANGHAI)


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_EXTENSIONS = ["showroom.catalog.demo.seed", "showroom.inventory.demo.seed",
                                "showroom.deliveries.demo.seed", "showroom.aftercare.demo.seed"]
    with time_machine.travel(AFTERNOON, tick=True):
        return seed_demo(customers=80)


def test_the_demo_hands_cars_over_and_looks_after_the_owners(demo):
    completed = Delivery.objects.filter(status=DeliveryStatus.COMPLETED)
    assert completed.count() >= 3 and Delivery.objects.filter(status=DeliveryStatus.SCHEDULED).exists()
    for delivery in completed:
        check_png(bytes(delivery.signature_png))
        photo = delivery.photos.get()
        check_photo(photo.file.read())
        assert delivery.lead.status == Status.WON and delivery.lead.stage == Stage.DELIVERED
    assert OwnedCar.objects.count() == completed.count()
    assert AftercareCall.objects.filter(task__status="open").exists()
    assert Survey.objects.filter(status=SurveyStatus.DONE, low_score=False).exists()
    assert Case.objects.filter(status=CaseStatus.OPEN).exists()
    given = Referral.objects.filter(outcome="given").select_related("referred_lead")
    assert given and all(r.referred_lead.source == Source.REFERRAL for r in given)
    assert any("Deliveries:" in line for line in demo.extensions)


def test_the_demo_moves_no_lead_backwards(demo):
    assert not StageTransition.objects.filter(to_stage__lt=F("from_stage")).exists()


def test_the_demo_books_its_coming_deliveries_this_week(demo):
    week = AFTERNOON.date() - dt.timedelta(days=AFTERNOON.weekday())
    booked = Delivery.objects.filter(status=DeliveryStatus.SCHEDULED)
    assert booked.count() >= 2
    for delivery in booked:
        day = delivery.scheduled_at.astimezone(SHANGHAI)
        assert day > AFTERNOON and day.date() < week + dt.timedelta(days=7)
    line = next(line for line in demo.extensions if line.startswith("Deliveries:"))
    assert f"{booked.count()} booked for the coming days ({booked.count()} this week)" in line


@pytest.mark.parametrize(("now", "days"), [
    (dt.datetime(2026, 3, 18, 15, 5), ["2026-03-18", "2026-03-19", "2026-03-21"]),  # Wednesday: this week
    (dt.datetime(2026, 3, 21, 9, 0), ["2026-03-21", "2026-03-22", "2026-03-23"]),  # Saturday: Monday for the last
    (dt.datetime(2026, 3, 22, 17, 0), ["2026-03-23", "2026-03-24", "2026-03-25"]),  # Sunday evening: next week
])
def test_the_coming_deliveries_fall_in_the_days_left_of_the_week(now, days):
    now = now.replace(tzinfo=SHANGHAI)
    with time_machine.travel(now, tick=False):
        times = booking_times(now, 3, random.Random(1))
    assert [t.astimezone(SHANGHAI).date().isoformat() for t in times] == days
    assert all(t > now for t in times)
