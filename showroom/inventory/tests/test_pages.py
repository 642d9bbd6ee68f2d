"""The stock pages: the list with filters and ageing, one vehicle, filing and editing, status moves, import, settings."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.audit.models import AuditEntry
from showroom.catalog.tests.factories import ColourFactory, SeriesFactory, TrimFactory
from showroom.inventory.models import Vehicle
from showroom.inventory.tests.factories import DemoCarFactory, VehicleFactory, vin_for

LIST = reverse("inventory:list")
TODAY = dt.date(2026, 11, 20)


def test_every_staff_member_sees_the_stores_stock_with_ageing_cars_highlighted(client, consultant, trim, outsider):
    aged = VehicleFactory(store=consultant.store, trim=trim, arrival_date=TODAY - dt.timedelta(days=120))
    fresh = VehicleFactory(store=consultant.store, trim=trim, arrival_date=TODAY - dt.timedelta(days=3))
    theirs = VehicleFactory(store=outsider.store)
    client.force_login(consultant)
    body = client.get(LIST).content.decode()
    assert f'data-vehicle="{aged.pk}" data-aged="1"' in body and f'data-vehicle="{fresh.pk}">' in body
    assert f'data-vehicle="{theirs.pk}"' not in body
    assert body.index(f'data-vehicle="{aged.pk}"') < body.index(f'data-vehicle="{fresh.pk}"')  # longest in stock first
    assert "1 car ageing (90 days or more in stock)" in body
    only_aged = client.get(LIST, {"aged": "on"}, headers={"HX-Request": "true"}).content.decode()
    assert only_aged.count("data-vehicle=") == 1 and "<html" not in only_aged
    assert "data-testid=\"new-vehicle\"" not in body


def test_the_list_filters_by_vin_tail_series_and_test_drive_flag(client, consultant, trim, a6l):
    car = VehicleFactory(store=consultant.store, trim=trim, vin=vin_for(77))
    demo = DemoCarFactory(store=consultant.store, trim=TrimFactory(series=SeriesFactory(brand=a6l.brand, name="Q5L")))
    client.force_login(consultant)
    assert client.get(LIST, {"vin": car.vin[-6:]}).content.decode().count("data-vehicle=") == 1
    assert f'data-vehicle="{demo.pk}"' in client.get(LIST, {"test_drive": "1"}).content.decode()
    assert f'data-vehicle="{car.pk}"' not in client.get(LIST, {"series": demo.trim.series_id}).content.decode()
    assert client.get(LIST, {"series": "x", "status": "nonsense", "sort": "?", "page": "99"}).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_the_list_and_its_htmx_table_run_the_same_queries_for_one_or_many_cars(client, consultant, trim, headers):
    client.force_login(consultant)
    VehicleFactory(store=consultant.store, trim=trim)
    client.get(LIST, headers=headers)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST, headers=headers)
    for n in range(30):
        VehicleFactory(store=consultant.store, trim=TrimFactory(series=trim.series), vin=vin_for(1000 + n),
                       exterior_colour=ColourFactory(series=trim.series))
    with CaptureQueriesContext(connection) as many:
        client.get(LIST, headers=headers)
    assert len(one) == len(many)


def test_another_stores_vehicle_is_404_on_every_page(client, admin, outsider):
    car = VehicleFactory(store=outsider.store)
    client.force_login(admin)
    for name in ("inventory:detail", "inventory:edit"):
        assert client.get(reverse(name, args=[car.pk])).status_code == 404
    assert client.post(reverse("inventory:status", args=[car.pk]), {"to": "reserved"}).status_code == 404


@pytest.mark.parametrize("name", ["inventory:create", "inventory:import", "inventory:import_template", "inventory:settings"])
def test_a_consultant_cannot_open_the_stock_keeping_pages(client, consultant, name):
    client.force_login(consultant)
    assert client.get(reverse(name)).status_code == 403


def test_a_consultant_opens_a_car_but_cannot_move_it(client, consultant, trim):
    car = VehicleFactory(store=consultant.store, trim=trim)
    client.force_login(consultant)
    body = client.get(reverse("inventory:detail", args=[car.pk])).content.decode()
    assert car.vin in body and 'data-testid="status-form"' not in body
    assert client.post(reverse("inventory:status", args=[car.pk]), {"to": "reserved"}).status_code == 403


def test_an_admin_files_a_car_and_sees_the_rules_on_the_form(client, admin, trim, white):
    client.force_login(admin)
    other = ColourFactory(series=SeriesFactory(brand=trim.series.brand, name="Q3"))
    data = {"vin": vin_for(5), "trim": trim.pk, "exterior_colour": other.pk, "status": "in_stock",
            "arrival_date": "2026-11-02", "is_test_drive": "on"}
    refused = client.post(reverse("inventory:create"), data, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and 'data-field-error="exterior_colour"' in refused.content.decode()
    refused = client.post(reverse("inventory:create"), {**data, "exterior_colour": white.pk}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and 'data-field-error="plate"' in refused.content.decode()
    assert not Vehicle.objects.exists()
    done = client.post(reverse("inventory:create"), {**data, "exterior_colour": white.pk, "plate": "京A12345"})
    car = Vehicle.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("inventory:detail", args=[car.pk])
    assert car.is_test_drive and car.exterior_colour == white


def test_a_duplicate_vin_shows_a_field_message(client, admin, trim):
    VehicleFactory(store=admin.store, trim=trim, vin=vin_for(5))
    client.force_login(admin)
    response = client.post(reverse("inventory:create"), {"vin": vin_for(5), "trim": trim.pk, "status": "in_stock",
                                                         "arrival_date": "2026-11-02"})
    assert 'data-field-error="vin"' in response.content.decode()


def test_an_edit_over_a_newer_change_is_refused_on_the_form(client, admin, trim):
    car = VehicleFactory(store=admin.store, trim=trim)
    Vehicle.objects.filter(pk=car.pk).update(version=3)
    client.force_login(admin)
    response = client.post(reverse("inventory:edit", args=[car.pk]), {"version": 2, "vin": car.vin, "trim": trim.pk,
                                                                       "arrival_date": "2026-11-01", "location": "B区"})
    assert 'data-field-error="version"' in response.content.decode()
    car.refresh_from_db()
    assert car.location == "主库"


def test_an_admin_moves_a_car_to_reserved_and_a_wrong_move_is_refused(client, admin, trim):
    car = VehicleFactory(store=admin.store, trim=trim)
    client.force_login(admin)
    assert client.post(reverse("inventory:status", args=[car.pk]), {"to": "reserved", "version": 1}).status_code == 302
    car.refresh_from_db()
    assert car.status == "reserved"
    assert "Status: In stock → Reserved" in client.get(reverse("inventory:detail", args=[car.pk])).content.decode()
    refused = client.post(reverse("inventory:status", args=[car.pk]), {"to": "delivered", "version": 2})
    assert refused.status_code == 200 and "cannot become" in refused.content.decode()
    car.refresh_from_db()
    assert car.status == "reserved"


def test_the_colour_selects_follow_the_chosen_trim(client, admin, trim, white):
    other = ColourFactory(series=SeriesFactory(brand=trim.series.brand, name="Q3"), name="火山红")
    client.force_login(admin)
    body = client.get(reverse("inventory:colour_fields"), {"trim": trim.pk}).content.decode()
    assert white.name in body and other.name not in body


def test_an_admin_sets_the_ageing_threshold(client, admin, trim):
    VehicleFactory(store=admin.store, trim=trim, arrival_date=TODAY - dt.timedelta(days=40))
    client.force_login(admin)
    assert client.post(reverse("inventory:settings"), {"ageing_days": "30"}).status_code == 302
    assert 'data-aged="1"' in client.get(LIST).content.decode()
    assert 'data-field-error="ageing_days"' in client.post(reverse("inventory:settings"), {"ageing_days": "0"}).content.decode()


def test_the_import_page_reports_refused_rows_and_imports_nothing(client, admin, trim):
    client.force_login(admin)
    upload = io.BytesIO(f"车架号,车系,车型名称,到店日期\r\n{vin_for(1)},A6L,{trim.name},2026-11-01\r\nBAD,A6L,{trim.name},2026-11-01\r\n"
                        .encode())
    upload.name = "stock.csv"
    body = client.post(reverse("inventory:import"), {"file": upload}).content.decode()
    assert 'data-row-error="3"' in body and not Vehicle.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_vehicle_page_runs_a_fixed_number_of_queries_whatever_its_history(client, admin, trim):
    from showroom.inventory.services import vehicle_update

    car = VehicleFactory(store=admin.store, trim=trim)
    client.force_login(admin)
    url = reverse("inventory:detail", args=[car.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        vehicle_update(actor=admin, vehicle=car, fields={"location": f"区{n}"}, expected_version=None)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


@pytest.mark.parametrize("garbled", ["²", "9" * 5000])
def test_a_garbled_trim_on_the_vehicle_form_is_refused_on_its_field_not_an_error(client, admin, garbled):
    client.force_login(admin)
    assert client.get(reverse("inventory:colour_fields"), {"trim": garbled}).status_code == 200
    assert client.get(reverse("inventory:create"), {"trim": garbled}).status_code == 200
    response = client.post(reverse("inventory:create"), {"vin": vin_for(5), "trim": garbled, "status": "in_stock"})
    assert response.status_code in (200, 422) and 'data-field-error="trim"' in response.content.decode()
    assert not Vehicle.objects.exists()
