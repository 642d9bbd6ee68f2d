"""In Chromium on a tablet-sized screen: the customer signs the delivery confirmation on the pad (the test-drive
signature pad, reused) and the car is handed over."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from showroom.core import clock
from showroom.deliveries import services
from showroom.deliveries.models import Delivery, DeliveryStatus
from showroom.testdrives.signature import check_png

from .conftest import ALL_PDI, PETROL_CHECKLIST, ordered_lead

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_customer_signs_the_delivery_confirmation_and_the_car_is_handed_over(open_page, live_server, consultant,
                                                                                  trim, advisor, media):
    lead, _order = ordered_lead(consultant, trim)
    delivery = services.delivery_schedule(actor=consultant, lead=lead, place="交车区1号位", service_advisor=advisor,
                                          scheduled_at=clock.at_local(clock.today() + dt.timedelta(days=1), 10))
    services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    services.delivery_record_checklist(actor=consultant, delivery=delivery, items=PETROL_CHECKLIST, first_service_km=5000)

    page = open_page(consultant, viewport=(1024, 1366))
    page.goto(f"{live_server.url}/deliveries/{delivery.pk}/")
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 120)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(box["x"] + 40 + i * 12, box["y"] + 120 + (25 if i % 4 < 2 else -25), steps=2)
    page.mouse.up()
    page.get_by_test_id("signature-form").get_by_role("button").last.click()

    expect(page.get_by_test_id("signature")).to_be_visible()
    check_png(bytes(Delivery.objects.get(pk=delivery.pk).signature_png))
    page.get_by_test_id("complete").click()
    expect(page.get_by_test_id("aftercare-panel")).to_be_visible()
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.COMPLETED
