"""The test-drive API: cars with free slots, routes, and a lead's booking through the drive."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.inventory.tests.factories import DemoCarFactory
from showroom.leads.models import Stage
from showroom.testdrives import services as td
from showroom.testdrives.models import Booking, BookingStatus, Route

from .conftest import TODAY, TOMORROW, at, file_lead

API = "/api/v1"


def post(client, path, data=None):
    return client.post(API + path, data=json.dumps(data if data is not None else {}), content_type="application/json")


@pytest.fixture
def booking(consultant, lead, car):
    return td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 10))


def test_the_cars_list_their_free_slots_of_the_day(client, consultant, booking, car):
    client.force_login(consultant)
    cars = client.get(API + "/test-drives/cars", {"day": TODAY.isoformat()}).json()
    assert [c["plate"] for c in cars] == ["京A12345"]
    free = cars[0]["free_slots"]
    assert "2026-03-10T10:30:00+08:00" in free and "2026-03-10T10:00:00+08:00" not in free
    assert "2026-03-10T09:30:00+08:00" not in free  # already over


def test_the_cars_list_costs_the_same_queries_with_one_or_many_cars(client, consultant, booking, store):
    client.force_login(consultant)
    with CaptureQueriesContext(connection) as one:
        client.get(API + "/test-drives/cars", {"day": TODAY.isoformat()})
    for _ in range(4):
        DemoCarFactory(store=store)
    with CaptureQueriesContext(connection) as many:
        client.get(API + "/test-drives/cars", {"day": TODAY.isoformat()})
    assert len(many) == len(one)


def test_booking_over_the_api_and_a_second_booking_of_the_slot_is_409(client, consultant, lead, car, route, frozen):
    client.force_login(consultant)
    body = {"vehicle_id": car.pk, "starts_at": "2026-03-11T10:00:00+08:00", "slots": 2, "route_id": route.pk}
    response = post(client, f"/leads/{lead.pk}/test-drives", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "booked" and created["vehicle"]["plate"] == "京A12345"
    assert created["ends_at"].startswith("2026-03-11T03:00:00") or created["ends_at"].startswith("2026-03-11T11:00:00")

    other = file_lead(consultant, name="李雷", mobile="13900139000")
    refused = post(client, f"/leads/{other.pk}/test-drives", {**body, "slots": 1})
    assert refused.status_code == 409
    assert refused.json()["code"] == "slot_taken" and "starts_at" in refused.json()["fields"]


def test_bad_booking_input_answers_4xx_naming_the_field(client, consultant, lead, car, store):
    client.force_login(consultant)
    off_grid = post(client, f"/leads/{lead.pk}/test-drives", {"vehicle_id": car.pk, "starts_at": "2026-03-11T10:10:00"})
    assert off_grid.status_code == 400 and "starts_at" in off_grid.json()["fields"]
    unknown_car = post(client, f"/leads/{lead.pk}/test-drives", {"vehicle_id": 999999, "starts_at": "2026-03-11T10:00:00"})
    assert unknown_car.status_code == 400 and "vehicle_id" in unknown_car.json()["fields"]
    bad_shape = post(client, f"/leads/{lead.pk}/test-drives", {"vehicle_id": car.pk, "starts_at": "soon", "slots": 99})
    assert bad_shape.status_code == 422 and {"starts_at", "slots"} <= set(bad_shape.json()["fields"])


def test_the_whole_drive_over_the_api(client, consultant, booking, route, signature_url, frozen):
    client.force_login(consultant)
    base = f"/test-drives/bookings/{booking.pk}"
    expired = post(client, base + "/licence", {"licence_number": "110105199001011234", "licence_class": "C1",
                                                "licence_valid_until": "2026-01-01", "licence_first_issued": "2015-01-01"})
    assert expired.status_code == 400 and "licence_valid_until" in expired.json()["fields"]
    assert post(client, base + "/licence", {"licence_number": "110105199001011234", "licence_class": "C1",
                                            "licence_valid_until": "2030-01-01",
                                            "licence_first_issued": "2015-01-01"}).status_code == 200
    blank = post(client, base + "/agreement", {"route_id": route.pk, "signer_name": "张三", "accepted": True,
                                               "signature": "data:image/png;base64,AAAA"})
    assert blank.status_code == 400 and "signature" in blank.json()["fields"]
    signed = post(client, base + "/agreement", {"route_id": route.pk, "signer_name": "张三", "accepted": True,
                                                "signature": signature_url})
    assert signed.status_code == 200 and signed.json()["signed_at"]
    assert post(client, base + "/start", {"odometer_start": 100}).json()["status"] == "in_progress"
    backwards = post(client, base + "/complete", {"odometer_end": 90, "score_overall": 4})
    assert backwards.status_code == 400 and "odometer_end" in backwards.json()["fields"]
    done = post(client, base + "/complete", {"odometer_end": 109, "score_overall": 4, "score_space": 5,
                                             "customer_comments": "空间大"}).json()
    assert done["status"] == "completed" and done["scores"]["overall"] == 4 and done["scores"]["comfort"] is None
    booking.lead.refresh_from_db()
    assert booking.lead.stage == Stage.NEGOTIATION


def test_cancel_no_show_and_decline_over_the_api(client, consultant, lead, car):
    client.force_login(consultant)
    first = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    assert post(client, f"/test-drives/bookings/{first.pk}/cancel", {"reason": "改期"}).json()["status"] == "cancelled"
    today = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 10))
    assert post(client, f"/test-drives/bookings/{today.pk}/no-show", {"reason": "未到店"}).json()["status"] == "no_show"
    declined = post(client, f"/leads/{lead.pk}/test-drives/decline", {"reason": "不需要试驾"})
    assert declined.status_code == 201 and declined.json()["status"] == "declined"
    lead.refresh_from_db()
    assert lead.stage == Stage.NEGOTIATION


def test_rescheduling_over_the_api(client, consultant, booking, car):
    client.force_login(consultant)
    moved = post(client, f"/test-drives/bookings/{booking.pk}/reschedule",
                 {"vehicle_id": car.pk, "starts_at": "2026-03-11T15:00:00+08:00", "version": booking.version})
    assert moved.status_code == 200
    booking.refresh_from_db()
    assert booking.starts_at == at(TOMORROW, 15)


def test_a_lead_lists_its_test_drives_with_a_constant_number_of_queries(client, consultant, lead, car, store):
    client.force_login(consultant)
    td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 9))
    with CaptureQueriesContext(connection) as one:
        assert client.get(API + f"/leads/{lead.pk}/test-drives").json()["count"] == 1
    for hour in (11, 13, 15):
        td.testdrive_book(actor=consultant, lead=lead, vehicle=DemoCarFactory(store=store), starts_at=at(TOMORROW, hour))
    with CaptureQueriesContext(connection) as many:
        assert client.get(API + f"/leads/{lead.pk}/test-drives").json()["count"] == 4
    assert len(many) == len(one)


def test_a_colleague_and_another_store_get_404_on_the_lead_and_its_bookings(client, colleague, outsider, booking):
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(API + f"/leads/{booking.lead_id}/test-drives").status_code == 404
        assert client.get(API + f"/test-drives/bookings/{booking.pk}").status_code == 404
        assert post(client, f"/test-drives/bookings/{booking.pk}/cancel").status_code == 404
        assert post(client, f"/leads/{booking.lead_id}/test-drives/decline", {"reason": "x"}).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED


def test_routes_over_the_api_are_managed_by_managers(client, manager, consultant, route, store):
    client.force_login(consultant)
    assert [r["name"] for r in client.get(API + "/test-drives/routes").json()] == [route.name]
    assert post(client, "/test-drives/routes", {"name": "山路", "distance_km": "12.0", "typical_minutes": 30}).status_code == 403
    client.force_login(manager)
    created = post(client, "/test-drives/routes", {"name": "山路", "distance_km": "12.0", "typical_minutes": 30})
    assert created.status_code == 201
    changed = client.put(API + f"/test-drives/routes/{created.json()['id']}", data=json.dumps(
        {"name": "山路", "distance_km": "12.5", "typical_minutes": 35, "active": False}), content_type="application/json")
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert Route.objects.filter(store=store).count() == 2


def test_every_test_drive_endpoint_is_in_the_openapi_schema(client, consultant):
    client.force_login(consultant)
    paths = client.get(API + "/openapi.json").json()["paths"]
    for path in ("/api/v1/test-drives/cars", "/api/v1/test-drives/routes", "/api/v1/leads/{lead_id}/test-drives",
                 "/api/v1/test-drives/bookings/{booking_id}/complete", "/api/v1/test-drives/bookings/{booking_id}/agreement"):
        assert path in paths
