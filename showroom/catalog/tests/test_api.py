"""The catalog API: search with filters and pages, one trim with its colours and options, upkeep by admins only."""

import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.audit.models import AuditEntry
from showroom.catalog.models import Trim
from showroom.catalog.tests.factories import (
    AccessoryFactory,
    BrandFactory,
    ColourFactory,
    SeriesFactory,
    TrimFactory,
)

API = "/api/v1/catalog"


def send(client, method, path, data):
    return getattr(client, method)(API + path, data=json.dumps(data), content_type="application/json")


def test_trims_are_searched_by_powertrain_and_price_with_pages(client, consultant, a6l, store):
    TrimFactory(series=a6l, guide_price=Decimal("420000"))
    ev = TrimFactory(series=SeriesFactory(brand=a6l.brand, name="Q6L e-tron"), powertrain="bev", displacement_cc=None,
                     battery_kwh=Decimal("107"), range_km=770, guide_price=Decimal("369800"))
    TrimFactory(series=SeriesFactory(brand=BrandFactory(group=store.group, name="特斯拉", is_own=False), name="Model Y"),
                powertrain="bev", displacement_cc=None, battery_kwh=Decimal("62"), range_km=593, guide_price=Decimal("263500"))
    client.force_login(consultant)
    body = client.get(API + "/trims", {"powertrain": "bev", "own_brand": "true"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == ev.pk and item["series"]["name"] == "Q6L e-tron" and item["brand"]["is_own"] is True
    assert item["new_energy"] is True and item["range_km"] == 770 and Decimal(item["guide_price"]) == Decimal("369800")
    assert client.get(API + "/trims", {"price_max": "300000"}).json()["count"] == 1
    assert client.get(API + "/trims", {"page_size": 1}).json()["items"][0]["brand"]["name"] == "特斯拉"
    assert client.get(API + "/trims", {"seats_min": 12}).status_code == 422


def test_the_trim_list_runs_the_same_queries_for_one_or_many_trims(client, consultant, a6l):
    client.force_login(consultant)
    TrimFactory(series=a6l)
    with CaptureQueriesContext(connection) as one:
        client.get(API + "/trims")
    for _n in range(20):
        TrimFactory(series=a6l)
    with CaptureQueriesContext(connection) as many:
        client.get(API + "/trims")
    assert len(one) == len(many)


def test_a_trim_comes_with_its_colours_options_and_accessories(client, consultant, a6l):
    trim = TrimFactory(series=a6l)
    ColourFactory(series=a6l, name="天云灰", surcharge=Decimal("12000"))
    AccessoryFactory(brand=a6l.brand, name="行车记录仪")
    client.force_login(consultant)
    body = client.get(f"{API}/trims/{trim.pk}").json()
    assert [c["name"] for c in body["colours"]] == ["天云灰"]
    assert [a["name"] for a in body["accessories"]] == ["行车记录仪"]
    assert body["key_equipment"] == trim.equipment_list


def test_another_groups_records_are_404(client, outsider, a6l):
    trim = TrimFactory(series=a6l)
    client.force_login(outsider)
    assert client.get(f"{API}/trims/{trim.pk}").status_code == 404
    assert client.get(API + "/trims").json()["count"] == 0
    assert client.get(API + "/series").json() == []


def test_an_admin_creates_a_trim_and_a_rule_refusal_names_the_field(client, admin, a6l):
    client.force_login(admin)
    payload = {"series_id": a6l.pk, "name": "55 e-tron", "model_year": 2026, "guide_price": "398000", "powertrain": "bev",
               "seats": 5, "drive": "awd"}
    refused = send(client, "post", "/trims", payload)
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"battery_kwh", "range_km"}
    created = send(client, "post", "/trims", {**payload, "battery_kwh": "100", "range_km": 700, "key_equipment": ["HUD"]})
    assert created.status_code == 201 and created.json()["key_equipment"] == ["HUD"]
    trim_id = created.json()["id"]
    patched = send(client, "patch", f"/trims/{trim_id}", {"guide_price": "388000", "is_active": False})
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert Trim.objects.get(pk=trim_id).guide_price == Decimal("388000.00")
    duplicate = send(client, "post", "/trims", {**payload, "battery_kwh": "100", "range_km": 700})
    assert duplicate.status_code == 400 and "name" in duplicate.json()["fields"]


def test_a_consultant_cannot_change_the_catalog(client, consultant, a6l):
    client.force_login(consultant)
    assert send(client, "post", "/brands", {"name": "蔚来"}).status_code == 403
    assert send(client, "patch", f"/series/{a6l.pk}", {"name": "A6"}).status_code == 403


def test_admins_keep_brands_and_series_over_the_api(client, admin, audi):
    client.force_login(admin)
    brand = send(client, "post", "/brands", {"name": "蔚来"})
    assert brand.status_code == 201 and brand.json()["is_own"] is False
    series = send(client, "post", "/series", {"brand_id": brand.json()["id"], "name": "ES6", "body_type": "suv"})
    assert series.status_code == 201
    assert send(client, "patch", f"/series/{series.json()['id']}", {"is_active": False}).json()["is_active"] is False
    assert send(client, "post", "/brands", {"name": "蔚来"}).json()["fields"]["name"]


def test_admins_keep_colours_options_and_accessories_over_the_api(client, admin, a6l, foreign_series):
    client.force_login(admin)
    colour = send(client, "post", f"/series/{a6l.pk}/colours", {"name": "天云灰", "surcharge": "8000"})
    assert colour.status_code == 201 and Decimal(colour.json()["surcharge"]) == Decimal("8000")
    assert send(client, "patch", f"/colours/{colour.json()['id']}", {"is_active": False}).json()["is_active"] is False
    assert client.get(f"{API}/series/{a6l.pk}/colours").json() == []
    option = send(client, "post", f"/series/{a6l.pk}/options", {"name": "豪华舒适包", "price": "28000"})
    assert option.status_code == 201
    assert send(client, "patch", f"/options/{option.json()['id']}", {"price": "26000"}).json()["price"] == "26000.00"
    accessory = send(client, "post", "/accessories", {"brand_id": a6l.brand_id, "series_id": a6l.pk, "name": "轮毂",
                                                      "price": "19800"})
    assert accessory.status_code == 201 and accessory.json()["series_id"] == a6l.pk
    wrong = send(client, "post", "/accessories", {"brand_id": a6l.brand_id, "series_id": foreign_series.pk, "name": "x",
                                                  "price": "1"})
    assert wrong.status_code == 400 and "series_id" in wrong.json()["fields"]
    assert send(client, "post", f"/series/{foreign_series.pk}/colours", {"name": "白"}).status_code == 404
    assert send(client, "patch", f"/accessories/{accessory.json()['id']}", {"series_id": None}).json()["series_id"] is None


def test_a_refused_change_does_not_retire_the_record_it_came_with(client, admin, a6l):
    trim = TrimFactory(series=a6l, name="45 TFSI", guide_price=Decimal("428800"))
    colour = ColourFactory(series=a6l, name="冰川白", surcharge=Decimal("0"))
    client.force_login(admin)
    refused = send(client, "patch", f"/trims/{trim.pk}", {"is_active": False, "name": " "})
    assert refused.status_code in (400, 422)
    assert send(client, "patch", f"/colours/{colour.pk}", {"is_active": False, "name": " "}).status_code in (400, 422)
    assert send(client, "patch", f"/series/{a6l.pk}", {"is_active": False, "name": " "}).status_code in (400, 422)
    trim.refresh_from_db(), colour.refresh_from_db(), a6l.refresh_from_db()
    assert trim.is_active and colour.is_active and a6l.is_active
    assert not AuditEntry.objects.exists()
