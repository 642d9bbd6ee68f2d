"""In Chromium on a tablet-sized screen: the customer signs the test-drive agreement with a finger-like stroke on
the signature pad, and the day calendar shows the booking."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import StoreFactory, UserFactory
from showroom.core import clock
from showroom.core.choices import Channel, Source
from showroom.inventory.tests.factories import DemoCarFactory
from showroom.leads.services import lead_create
from showroom.testdrives import services as td
from showroom.testdrives.models import Booking, Route
from showroom.testdrives.signature import check_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_customer_signs_on_the_pad_and_the_signature_is_stored_and_shown(open_page, live_server):
    store = StoreFactory(name="广华奥迪 4S 店")
    consultant = UserFactory(store=store, role=Role.CONSULTANT, username="sales1", full_name="王磊", language="zh-hans")
    car = DemoCarFactory(store=store, plate="京A6L001")
    route = Route.objects.create(store=store, name="城市综合路线", distance_km="8.5", typical_minutes=25)
    lead, _ = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car,
                                starts_at=clock.at_local(clock.today() + dt.timedelta(days=1), 10))
    td.testdrive_check_licence(actor=consultant, booking=booking, ride_only=True)

    page = open_page(consultant, viewport=(1024, 1366))
    page.goto(f"{live_server.url}/testdrives/bookings/{booking.pk}/")
    expect(page.get_by_text("试乘试驾协议").first).to_be_visible()
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 120)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(box["x"] + 40 + i * 12, box["y"] + 120 + (25 if i % 4 < 2 else -25), steps=2)
    page.mouse.up()
    page.select_option("#id_route", str(route.pk))
    page.check("#id_accepted")
    page.get_by_role("button", name="签署协议").click()

    expect(page.get_by_test_id("signature")).to_be_visible()
    booking = Booking.objects.get(pk=booking.pk)
    assert booking.signer_name == "张三" and booking.route == route
    check_png(bytes(booking.signature_png))

    page.goto(f"{live_server.url}/testdrives/?day={booking.starts_at.astimezone(clock.local_now().tzinfo):%Y-%m-%d}")
    expect(page.locator('[data-cell="mine"] a').first).to_contain_text("张三")


def test_sending_an_empty_pad_is_refused_on_the_page(open_page, live_server):
    store = StoreFactory()
    consultant = UserFactory(store=store, role=Role.CONSULTANT, username="sales2", language="zh-hans")
    Route.objects.create(store=store, name="短途试乘路线", distance_km="4", typical_minutes=15)
    lead, _ = lead_create(actor=consultant, customer_fields={"name": "李四", "mobile": "13800138001"},
                          lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=DemoCarFactory(store=store),
                                starts_at=clock.at_local(clock.today() + dt.timedelta(days=1), 11))
    td.testdrive_check_licence(actor=consultant, booking=booking, ride_only=True)

    page = open_page(consultant)
    page.goto(f"{live_server.url}/testdrives/bookings/{booking.pk}/")
    page.check("#id_accepted")
    page.get_by_role("button", name="签署协议").click()

    expect(page.locator('[data-field-error="signature"]')).to_contain_text("客户尚未签名")
    assert Booking.objects.get(pk=booking.pk).signed_at is None
