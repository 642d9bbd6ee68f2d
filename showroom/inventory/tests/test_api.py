"""The stock API: the list with filters and pages, one car, filing, editing with versions, status moves."""

import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.inventory.models import Vehicle
from showroom.inventory.tests.factories import VehicleFactory, vin_for

API = "/api/v1/stock"
TODAY = dt.date(2026, 11, 20)


def send(client, method, path, data):
    return getattr(client, method)(API + path, data=json.dumps(data), content_type="application/json")


def test_the_list_shows_the_stores_cars_with_days_in_stock_and_ageing(client, consultant, trim, outsider):
    aged = VehicleFactory(store=consultant.store, trim=trim, arrival_date=TODAY - dt.timedelta(days=100))
    VehicleFactory(store=consultant.store, trim=trim, arrival_date=TODAY - dt.timedelta(days=5))
    VehicleFactory(store=outsider.store)
    client.force_login(consultant)
    body = client.get(API + "/vehicles").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["id"] == aged.pk and first["days_in_stock"] == 100 and first["aged"] is True
    assert first["trim"]["series"] == "A6L" and first["trim"]["brand"]["name"] == "奥迪"
    assert client.get(API + "/vehicles", {"aged": "true"}).json()["count"] == 1
    assert client.get(API + "/vehicles", {"vin": aged.vin[-6:]}).json()["items"][0]["id"] == aged.pk
    assert client.get(API + "/vehicles", {"status": "bogus"}).status_code == 422


def test_the_list_runs_the_same_queries_for_one_or_many_cars(client, consultant, trim):
    client.force_login(consultant)
    VehicleFactory(store=consultant.store, trim=trim)
    with CaptureQueriesContext(connection) as one:
        client.get(API + "/vehicles")
    for n in range(20):
        VehicleFactory(store=consultant.store, trim=trim, vin=vin_for(500 + n))
    with CaptureQueriesContext(connection) as many:
        client.get(API + "/vehicles")
    assert len(one) == len(many)


def test_another_stores_car_is_404(client, admin, outsider):
    car = VehicleFactory(store=outsider.store)
    client.force_login(admin)
    assert client.get(f"{API}/vehicles/{car.pk}").status_code == 404
    assert send(client, "post", f"/vehicles/{car.pk}/status", {"to": "reserved"}).status_code == 404
    assert send(client, "patch", f"/vehicles/{car.pk}", {"version": 1, "location": "X"}).status_code == 404


def test_an_admin_files_a_car_and_bad_input_is_a_field_message(client, admin, trim, white):
    client.force_login(admin)
    payload = {"vin": vin_for(3), "trim_id": trim.pk, "exterior_colour_id": white.pk, "arrival_date": "2026-11-10"}
    bad_vin = send(client, "post", "/vehicles", {**payload, "vin": "LFV2A2FY0T0000001"})
    assert bad_vin.status_code == 400 and "vin" in bad_vin.json()["fields"]
    created = send(client, "post", "/vehicles", payload)
    assert created.status_code == 201 and created.json()["exterior_colour"]["name"] == white.name
    again = send(client, "post", "/vehicles", payload)
    assert again.status_code == 400 and again.json()["fields"]["vin"]
    assert send(client, "post", "/vehicles", {**payload, "vin": vin_for(4), "trim_id": 999999}).json()["fields"]["trim_id"]
    assert send(client, "post", "/vehicles", {**payload, "vin": vin_for(4), "is_test_drive": True}).json()["fields"]["plate"]


def test_edits_carry_the_version_and_status_moves_follow_the_rules(client, admin, trim):
    car = VehicleFactory(store=admin.store, trim=trim)
    client.force_login(admin)
    assert send(client, "patch", f"/vehicles/{car.pk}", {"version": 1, "location": "展厅"}).json()["version"] == 2
    assert send(client, "patch", f"/vehicles/{car.pk}", {"version": 1, "location": "B"}).status_code == 409
    moved = send(client, "post", f"/vehicles/{car.pk}/status", {"to": "reserved"})
    assert moved.status_code == 200 and moved.json()["status"] == "reserved"
    refused = send(client, "post", f"/vehicles/{car.pk}/status", {"to": "delivered"})
    assert refused.status_code == 400 and refused.json()["code"] == "status_transition"
    assert Vehicle.objects.get(pk=car.pk).status == "reserved"


def test_a_consultant_reads_stock_but_cannot_change_it(client, consultant, trim):
    car = VehicleFactory(store=consultant.store, trim=trim)
    client.force_login(consultant)
    assert client.get(f"{API}/vehicles/{car.pk}").status_code == 200
    assert send(client, "post", f"/vehicles/{car.pk}/status", {"to": "reserved"}).status_code == 403
    assert send(client, "post", "/vehicles", {"vin": vin_for(8), "trim_id": trim.pk}).status_code == 403
