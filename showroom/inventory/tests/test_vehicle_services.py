"""Filing and moving stock: VIN rules, colours of the series, the status transitions, plates, versions and audit."""

import datetime as dt

import pytest

from showroom.audit.models import AuditEntry
from showroom.catalog.tests.factories import ColourFactory, SeriesFactory, TrimFactory
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.inventory import selectors
from showroom.inventory.models import StockSettings, Vehicle, VehicleStatus
from showroom.inventory.selectors import ageing_days_for, vehicle_list
from showroom.inventory.services import (
    stock_settings_update,
    vehicle_change_status,
    vehicle_create,
    vehicle_update,
)
from showroom.inventory.tests.factories import DemoCarFactory, VehicleFactory, vin_for

TODAY = dt.date(2026, 11, 20)


def fields(trim, **extra):
    return {"vin": vin_for(1).lower()[:8] + " " + vin_for(1).lower()[8:], "trim": trim, "status": "in_stock",
            "arrival_date": dt.date(2026, 11, 1), "location": "A区-12", **extra}


def refused(**kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        vehicle_create(**kwargs)
    return err.value


def test_an_admin_files_a_car_by_its_vin_typed_in_lower_case_with_spaces(admin, trim, white, black_interior):
    car = vehicle_create(actor=admin, fields=fields(trim, exterior_colour=white, interior_colour=black_interior))
    assert car.vin == vin_for(1) and car.store == admin.store and car.version == 1
    entry = AuditEntry.objects.get(action="inventory.vehicle_created")
    assert entry.target_id == car.pk and entry.data["vin"] == vin_for(1) and entry.data["exterior_colour"] == white.pk


@pytest.mark.parametrize(("vin", "words"), [
    ("LFV2A2FY0T000001", "17 characters"), ("LFV2A2FYOT0000001", "without I, O and Q"), ("LFV2A2FY0T0000001", "check digit"),
])
def test_a_bad_vin_is_refused_with_the_reason(admin, trim, vin, words):
    err = refused(actor=admin, fields=fields(trim, vin=vin))
    assert err.field == "vin" and words in str(err.message)
    assert not Vehicle.objects.exists()


def test_a_duplicate_vin_is_refused_with_a_field_message(admin, trim):
    VehicleFactory(store=admin.store, vin=vin_for(1), trim=trim)
    err = refused(actor=admin, fields=fields(trim))
    assert err.field == "vin" and "already registered" in str(err.message)


def test_a_colour_of_another_series_or_the_wrong_kind_is_refused(admin, trim, a6l, black_interior):
    other = ColourFactory(series=SeriesFactory(brand=a6l.brand, name="Q5L"), name="极地白")
    err = refused(actor=admin, fields=fields(trim, exterior_colour=other, interior_colour=ColourFactory(series=a6l)))
    assert err.fields.keys() == {"exterior_colour", "interior_colour"}
    assert "A6L" in err.fields["exterior_colour"][0]


def test_a_trim_of_another_groups_catalog_is_refused(admin, other_store):
    foreign = TrimFactory()
    assert refused(actor=admin, fields=fields(foreign)).field == "trim"


def test_a_test_drive_car_needs_a_valid_plate(admin, trim):
    assert refused(actor=admin, fields=fields(trim, is_test_drive=True)).field == "plate"
    assert refused(actor=admin, fields=fields(trim, is_test_drive=True, plate="ABC")).field == "plate"
    car = vehicle_create(actor=admin, fields=fields(trim, is_test_drive=True, plate="京a·12345"))
    assert car.plate == "京A12345"
    assert list(selectors.test_drive_cars(admin)) == [car]


def test_a_car_in_stock_needs_its_arrival_date_but_a_factory_order_does_not(admin, trim):
    assert refused(actor=admin, fields=fields(trim, arrival_date=None)).field == "arrival_date"
    car = vehicle_create(actor=admin, fields=fields(trim, arrival_date=None, status="factory_order"))
    assert car.arrival_date is None


def test_a_consultant_cannot_file_stock(consultant, trim):
    with pytest.raises(PermissionDenied):
        vehicle_create(actor=consultant, fields=fields(trim))


def test_a_car_moves_along_the_allowed_statuses_and_arrives_today(admin, trim):
    car = vehicle_create(actor=admin, fields=fields(trim, status="factory_order", arrival_date=None))
    for status in ("in_transit", "in_stock", "reserved", "in_stock", "sold", "delivered"):
        car = vehicle_change_status(actor=admin, vehicle=car, to=status)
    assert car.status == VehicleStatus.DELIVERED and car.arrival_date == TODAY
    assert AuditEntry.objects.filter(action="inventory.vehicle_status_changed").count() == 6


@pytest.mark.parametrize(("start", "to"), [("factory_order", "sold"), ("in_stock", "delivered"), ("delivered", "in_stock"),
                                           ("in_transit", "reserved")])
def test_a_transition_out_of_order_is_refused(admin, trim, start, to):
    car = VehicleFactory(store=admin.store, trim=trim, status=start)
    with pytest.raises(DomainError) as err:
        vehicle_change_status(actor=admin, vehicle=car, to=to)
    assert err.value.code == "status_transition" and err.value.field == "status"
    car.refresh_from_db()
    assert car.status == start


def test_an_edit_over_a_newer_change_is_refused(admin, trim):
    car = VehicleFactory(store=admin.store, trim=trim)
    vehicle_update(actor=admin, vehicle=car, fields={"location": "B区"}, expected_version=1)
    with pytest.raises(Conflict):
        vehicle_update(actor=admin, vehicle=car, fields={"location": "C区"}, expected_version=1)
    car.refresh_from_db()
    assert car.location == "B区" and car.version == 2
    entry = AuditEntry.objects.get(action="inventory.vehicle_updated")
    assert entry.data == {"changes": {"location": ["主库", "B区"]}}


def test_changing_the_trim_to_another_series_refuses_the_old_colours(admin, trim, white, a6l):
    car = VehicleFactory(store=admin.store, trim=trim, exterior_colour=white)
    q5l = TrimFactory(series=SeriesFactory(brand=a6l.brand, name="Q5L"))
    with pytest.raises(DomainError) as err:
        vehicle_update(actor=admin, vehicle=car, fields={"trim": q5l}, expected_version=None)
    assert err.value.field == "exterior_colour"


def test_another_stores_car_is_not_found(admin, outsider):
    car = VehicleFactory(store=outsider.store)
    with pytest.raises(NotFound):
        vehicle_update(actor=admin, vehicle=car, fields={"location": "X"}, expected_version=None)


def test_ageing_uses_the_stores_threshold(admin, trim):
    old = VehicleFactory(store=admin.store, trim=trim, arrival_date=TODAY - dt.timedelta(days=90))
    VehicleFactory(store=admin.store, trim=trim, arrival_date=TODAY - dt.timedelta(days=89))
    VehicleFactory(store=admin.store, trim=trim, arrival_date=TODAY - dt.timedelta(days=200), status="sold")
    assert ageing_days_for(admin.store_id) == 90
    assert list(vehicle_list(admin, aged=True)) == [old]
    assert old.is_aged(TODAY, 90) and old.days_in_stock(TODAY) == 90
    stock_settings_update(actor=admin, ageing_days=30)
    assert StockSettings.objects.get(store=admin.store).ageing_days == 30
    assert vehicle_list(admin, aged=True).count() == 2
    assert AuditEntry.objects.filter(action="inventory.ageing_days_changed").exists()
    with pytest.raises(DomainError) as err:
        stock_settings_update(actor=admin, ageing_days=0)
    assert err.value.field == "ageing_days"


def test_test_drive_cars_leave_out_sold_cars_and_other_stores(admin, trim, outsider):
    mine = DemoCarFactory(store=admin.store, trim=trim)
    DemoCarFactory(store=admin.store, trim=trim, status="sold")
    DemoCarFactory(store=outsider.store)
    assert list(selectors.test_drive_cars(admin)) == [mine]


def test_the_list_finds_a_car_by_the_last_six_characters_of_its_vin(admin, trim):
    car = VehicleFactory(store=admin.store, trim=trim, vin=vin_for(42))
    VehicleFactory(store=admin.store, trim=trim, vin=vin_for(43))
    assert list(vehicle_list(admin, vin=car.vin[-6:].lower())) == [car]
    assert list(vehicle_list(admin, vin=car.vin)) == [car]
