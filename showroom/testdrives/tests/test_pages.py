"""The test-drive pages: the lead card, booking, the calendars, the drive on the tablet, routes and policy."""

import datetime as dt

import pytest
from django.urls import reverse

from showroom.inventory.tests.factories import DemoCarFactory
from showroom.leads.models import Stage
from showroom.testdrives import services as td
from showroom.testdrives.models import Booking, BookingStatus, Policy, Route

from .conftest import TODAY, TOMORROW, at, file_lead

LICENCE_POST = {"licence_number": "110105199001011234", "licence_class": "C1", "licence_valid_until": "2030-05-01",
                "licence_first_issued": "2015-05-01"}


@pytest.fixture
def booking(consultant, lead, car):
    return td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 10))


def slot(car, day, hour, minute=0):
    return f"{car.pk}@{at(day, hour, minute).isoformat()}"


# --- Lead page card ------------------------------------------------------------------------------------

def test_the_lead_page_shows_the_booked_drive_and_the_book_button(client, consultant, booking):
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[booking.lead_id])).content.decode()
    assert 'data-testid="testdrive-panel"' in page and "京A12345" in page
    assert reverse("testdrives:book", args=[booking.lead_id]) in page


def test_the_lead_card_costs_the_same_queries_with_one_or_many_drives(client, consultant, lead, car, store,
                                                                       django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(consultant)
    url = reverse("leads:detail", args=[lead.pk])
    td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 9))
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for hour in (11, 13, 15):
        td.testdrive_book(actor=consultant, lead=lead, vehicle=DemoCarFactory(store=store), starts_at=at(TOMORROW, hour))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_declining_from_the_lead_card_moves_the_lead_on(client, consultant, lead):
    client.force_login(consultant)
    client.post(reverse("testdrives:decline_lead", args=[lead.pk]), {"reason": "已试驾过同款", "advance": "on"})
    lead.refresh_from_db()
    assert lead.stage == Stage.NEGOTIATION
    assert Booking.objects.get(lead=lead).status == BookingStatus.DECLINED


# --- Booking ---------------------------------------------------------------------------------------------

def test_the_booking_page_offers_the_free_slots_and_books_one(client, consultant, lead, car, route):
    client.force_login(consultant)
    url = reverse("testdrives:book", args=[lead.pk])
    page = client.get(url, {"day": TOMORROW.isoformat()}).content.decode()
    assert slot(car, TOMORROW, 10) in page

    response = client.post(url + f"?day={TOMORROW}", {"starts_at": slot(car, TOMORROW, 10), "slots": "2", "route": route.pk})

    booking = Booking.objects.get(lead=lead)
    assert response.status_code == 302 and response["Location"] == reverse("testdrives:drive", args=[booking.pk])
    assert booking.ends_at == at(TOMORROW, 11) and booking.route == route


def test_a_taken_slot_is_refused_on_the_page_with_the_booked_time(client, consultant, colleague, car, frozen):
    other = file_lead(colleague, name="李雷", mobile="13900139000")
    td.testdrive_book(actor=colleague, lead=other, vehicle=car, starts_at=at(TOMORROW, 10))
    mine = file_lead(consultant)
    client.force_login(consultant)

    response = client.post(reverse("testdrives:book", args=[mine.pk]), {"starts_at": slot(car, TOMORROW, 10), "slots": "1"})

    assert response.status_code == 200
    assert "This car is already booked from" in response.content.decode()
    assert not Booking.objects.filter(lead=mine).exists()


@pytest.mark.parametrize("start", ["9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00+09:00", "1999-03-11T10:00:00"])
def test_a_slot_in_a_far_year_is_a_form_error_not_an_error_page(client, consultant, lead, car, start):
    client.force_login(consultant)
    response = client.post(reverse("testdrives:book", args=[lead.pk]), {"starts_at": f"{car.pk}@{start}", "slots": "1"})
    assert response.status_code == 200 and "Choose a free slot." in response.content.decode()
    assert not Booking.objects.filter(lead=lead).exists()


def test_a_garbled_slot_is_a_form_error(client, consultant, lead):
    client.force_login(consultant)
    response = client.post(reverse("testdrives:book", args=[lead.pk]), {"starts_at": "x@nonsense", "slots": "1"})
    assert response.status_code == 200 and "Choose a free slot." in response.content.decode()


def test_the_booking_page_costs_the_same_queries_with_one_or_many_cars_and_bookings(client, consultant, lead, car, store):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(consultant)
    url = reverse("testdrives:book", args=[lead.pk])
    td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 9))
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"day": TOMORROW.isoformat()})
    for i in range(4):
        extra = DemoCarFactory(store=store)
        td.testdrive_book(actor=consultant, lead=file_lead(consultant, name=f"客户{i}", mobile=f"1390000{i:04d}"),
                          vehicle=extra, starts_at=at(TOMORROW, 10 + i))
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"day": TOMORROW.isoformat()})
    assert len(many) == len(few)


def test_a_colleague_and_another_store_get_404_on_booking_for_the_lead(client, colleague, outsider, lead):
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(reverse("testdrives:book", args=[lead.pk])).status_code == 404


def test_moving_the_booking_on_the_page(client, consultant, booking, car):
    client.force_login(consultant)
    response = client.post(reverse("testdrives:move", args=[booking.pk]),
                           {"starts_at": slot(car, TOMORROW, 16), "slots": "1", "version": booking.version})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == at(TOMORROW, 16)


# --- Calendars -------------------------------------------------------------------------------------------

def test_the_day_calendar_shows_a_colleagues_booking_as_busy_without_the_customer(client, consultant, colleague, car, frozen):
    other = file_lead(colleague, name="欧阳娜娜", mobile="13900139000")
    td.testdrive_book(actor=colleague, lead=other, vehicle=car, starts_at=at(TOMORROW, 10))
    mine = file_lead(consultant, name="张三丰", mobile="13800138001")
    td.testdrive_book(actor=consultant, lead=mine, vehicle=car, starts_at=at(TOMORROW, 11))
    client.force_login(consultant)

    page = client.get(reverse("testdrives:calendar"), {"day": TOMORROW.isoformat()}).content.decode()

    assert "欧阳娜娜" not in page and "张三丰" in page
    assert 'data-cell="busy"' in page and "李四" in page  # the colleague's name, as who holds the car


def test_a_manager_sees_every_customer_on_the_calendar(client, manager, consultant, colleague, car, frozen):
    td.testdrive_book(actor=colleague, lead=file_lead(colleague, name="欧阳娜娜", mobile="13900139000"), vehicle=car,
                      starts_at=at(TOMORROW, 10))
    client.force_login(manager)
    assert "欧阳娜娜" in client.get(reverse("testdrives:calendar"), {"day": TOMORROW.isoformat()}).content.decode()


def test_the_calendar_costs_the_same_queries_with_one_or_many_cars_and_bookings(client, consultant, car, store, frozen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(consultant)
    url = reverse("testdrives:calendar")
    td.testdrive_book(actor=consultant, lead=file_lead(consultant), vehicle=car, starts_at=at(TOMORROW, 10))
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"day": TOMORROW.isoformat()})
    for i in range(5):
        td.testdrive_book(actor=consultant, lead=file_lead(consultant, name=f"客户{i}", mobile=f"1390000{i:04d}"),
                          vehicle=DemoCarFactory(store=store), starts_at=at(TOMORROW, 9 + i))
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"day": TOMORROW.isoformat()})
    assert len(many) == len(one)


def test_the_car_week_shows_seven_days_and_hides_other_stores_cars(client, consultant, outsider, booking, car):
    client.force_login(consultant)
    page = client.get(reverse("testdrives:car_week", args=[car.pk]), {"day": TODAY.isoformat()}).content.decode()
    assert page.count("data-row=") == 7 and "张三" in page
    client.force_login(outsider)
    assert client.get(reverse("testdrives:car_week", args=[car.pk])).status_code == 404


def test_the_car_week_costs_the_same_queries_with_one_or_many_bookings(client, consultant, car, frozen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(consultant)
    url = reverse("testdrives:car_week", args=[car.pk])
    with CaptureQueriesContext(connection) as none:
        client.get(url, {"day": TODAY.isoformat()})
    for i in range(4):
        td.testdrive_book(actor=consultant, lead=file_lead(consultant, name=f"客户{i}", mobile=f"1390000{i:04d}"),
                          vehicle=car, starts_at=at(TOMORROW + dt.timedelta(days=i), 10))
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"day": TODAY.isoformat()})
    assert len(many) == len(none) + 1  # the bookings' names: one more query once there are any


# --- The drive -------------------------------------------------------------------------------------------

def test_the_whole_drive_on_the_tablet(client, consultant, booking, route, signature_url, frozen):
    client.force_login(consultant)
    drive = reverse("testdrives:drive", args=[booking.pk])
    assert client.post(reverse("testdrives:licence", args=[booking.pk]), LICENCE_POST).status_code == 302
    response = client.post(reverse("testdrives:agreement", args=[booking.pk]), {
        "route": route.pk, "signer_name": "张三", "accepted": "on", "signature": signature_url})
    assert response.status_code == 302
    page = client.get(drive).content.decode()
    assert "试乘试驾协议" in page and reverse("testdrives:signature", args=[booking.pk]) in page
    assert client.post(reverse("testdrives:start", args=[booking.pk]), {"odometer_start": "3200"}).status_code == 302
    frozen.shift(dt.timedelta(minutes=30))
    response = client.post(reverse("testdrives:complete", args=[booking.pk]), {
        "odometer_end": "3211", "score_acceleration": "5", "score_handling": "4", "score_overall": "5",
        "customer_comments": "很满意", "consultant_notes": "准备报价"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED and booking.distance_km == 11 and booking.score_comfort is None
    page = client.get(drive).content.decode()
    assert 'data-testid="feedback"' in page and "很满意" in page


def test_an_expired_licence_is_shown_on_its_field(client, consultant, booking):
    client.force_login(consultant)
    response = client.post(reverse("testdrives:licence", args=[booking.pk]), {**LICENCE_POST, "licence_valid_until": "2025-01-01"})
    assert response.status_code == 422
    assert 'data-field-error="licence_valid_until"' in response.content.decode()


def test_a_missing_signature_is_shown_on_the_pad(client, consultant, booking, route):
    td.testdrive_check_licence(actor=consultant, booking=booking, ride_only=True)
    client.force_login(consultant)
    response = client.post(reverse("testdrives:agreement", args=[booking.pk]),
                           {"route": route.pk, "signer_name": "张三", "accepted": "on", "signature": ""})
    assert response.status_code == 422 and 'data-field-error="signature"' in response.content.decode()


def test_the_end_odometer_below_the_start_is_shown_on_its_field(client, consultant, booking, route, signature_url):
    td.testdrive_check_licence(actor=consultant, booking=booking, ride_only=True)
    td.testdrive_sign_agreement(actor=consultant, booking=booking, signer_name="张三", accepted=True,
                                signature_data_url=signature_url, route=route)
    td.testdrive_start(actor=consultant, booking=booking, odometer_start=500)
    client.force_login(consultant)
    response = client.post(reverse("testdrives:complete", args=[booking.pk]), {"odometer_end": "499", "score_overall": "4"})
    assert response.status_code == 422 and 'data-field-error="odometer_end"' in response.content.decode()


def test_a_no_show_is_recorded_on_the_page(client, consultant, booking):
    client.force_login(consultant)
    client.post(reverse("testdrives:no_show", args=[booking.pk]), {"reason": "联系不上"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_a_colleague_and_another_store_get_404_on_the_drive_and_the_signature(client, consultant, colleague, outsider,
                                                                              booking, route, signature_url):
    td.testdrive_check_licence(actor=consultant, booking=booking, ride_only=True)
    td.testdrive_sign_agreement(actor=consultant, booking=booking, signer_name="张三", accepted=True,
                                signature_data_url=signature_url, route=route)
    client.force_login(consultant)
    image = client.get(reverse("testdrives:signature", args=[booking.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    for user in (colleague, outsider):
        client.force_login(user)
        for name in ("drive", "signature"):
            assert client.get(reverse(f"testdrives:{name}", args=[booking.pk])).status_code == 404
        assert client.post(reverse("testdrives:cancel", args=[booking.pk]), {"reason": "x"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_reception_cannot_work_a_drive(client, receptionist, booking):
    client.force_login(receptionist)
    assert client.post(reverse("testdrives:cancel", args=[booking.pk])).status_code == 404


# --- Routes and policy -----------------------------------------------------------------------------------

def test_a_manager_adds_a_route_and_a_consultant_sees_it_but_cannot_edit(client, manager, consultant):
    client.force_login(manager)
    response = client.post(reverse("testdrives:route_create"), {
        "name": "高速路线", "description": "高速并线与定速巡航", "distance_km": "15.5", "typical_minutes": "30", "active": "on"})
    assert response.status_code == 302
    route = Route.objects.get(name="高速路线")
    client.force_login(consultant)
    assert "高速路线" in client.get(reverse("testdrives:routes")).content.decode()
    assert client.get(reverse("testdrives:route_edit", args=[route.pk])).status_code == 403


def test_a_route_of_another_store_is_404(client, manager, other_store):
    route = Route.objects.create(store=other_store, name="外店路线", distance_km=5, typical_minutes=20)
    client.force_login(manager)
    assert client.get(reverse("testdrives:route_edit", args=[route.pk])).status_code == 404


def test_a_duplicate_route_name_is_refused_on_its_field(client, manager, route):
    client.force_login(manager)
    response = client.post(reverse("testdrives:route_create"), {
        "name": route.name, "distance_km": "5", "typical_minutes": "20"})
    assert response.status_code == 422 and 'data-field-error="name"' in response.content.decode()


def test_the_route_list_costs_the_same_queries_with_one_or_many_routes(client, manager, store, route):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("testdrives:routes"))
    for i in range(5):
        Route.objects.create(store=store, name=f"路线{i}", distance_km=5, typical_minutes=20)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("testdrives:routes"))
    assert len(many) == len(one)


def test_a_manager_sets_the_store_hours_and_slot_length(client, manager, store):
    client.force_login(manager)
    response = client.post(reverse("testdrives:policy"), {
        "opens_at": "08:30", "closes_at": "20:00", "slot_minutes": "60", "agreement_text": "试乘试驾协议" * 20})
    assert response.status_code == 302
    policy = Policy.objects.get(store=store)
    assert (policy.opens_at, policy.closes_at, policy.slot_minutes) == (dt.time(8, 30), dt.time(20), 60)
    assert not policy.probationary_may_drive


def test_hours_off_the_quarter_hour_are_refused(client, manager):
    client.force_login(manager)
    response = client.post(reverse("testdrives:policy"), {
        "opens_at": "08:10", "closes_at": "20:00", "slot_minutes": "30", "agreement_text": "试乘试驾协议" * 20})
    assert response.status_code == 422 and 'data-field-error="opens_at"' in response.content.decode()


def test_changing_the_day_on_the_booking_page_swaps_only_the_slot_grid(client, consultant, lead, car):
    client.force_login(consultant)
    response = client.get(reverse("testdrives:book", args=[lead.pk]), {"day": TOMORROW.isoformat()}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and slot(car, TOMORROW, 15) in page


def test_declining_a_booked_drive_on_its_page_frees_the_car_and_moves_the_lead_on(client, consultant, booking):
    client.force_login(consultant)
    page = client.get(reverse("testdrives:drive", args=[booking.pk])).content.decode()
    assert 'data-testid="decline-form"' in page and 'name="advance"' in page
    response = client.post(reverse("testdrives:decline", args=[booking.pk]), {"reason": "预算不够，暂不试驾", "advance": "on"})
    assert response.status_code == 302
    booking.refresh_from_db()
    booking.lead.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED and booking.lead.stage == Stage.NEGOTIATION
