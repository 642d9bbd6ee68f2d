"""Keeping trims: the powertrain's required specifications, price and seats, unique names, retiring, audit."""

from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.catalog.models import Trim
from showroom.catalog.services import (
    brand_create,
    series_create,
    trim_create,
    trim_reinstate,
    trim_retire,
    trim_update,
)
from showroom.catalog.tests.factories import TrimFactory
from showroom.core.errors import DomainError, NotFound, PermissionDenied


def petrol(**extra):
    return {"name": "45 TFSI quattro 臻选动感型", "model_year": 2026, "guide_price": "45.98万", "powertrain": "petrol",
            "displacement_cc": "1984", "seats": 5, "drive": "awd", "power_kw": 195, "acceleration_s": "6.5",
            "length_mm": 5050, "wheelbase_mm": 3024, "key_equipment": "矩阵式LED大灯\n全景天窗", **extra}


def refused(**kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        trim_create(**kwargs)
    return err.value


def test_an_admin_adds_a_petrol_trim_with_its_guide_price_in_wan_and_it_is_audited(admin, a6l):
    trim = trim_create(actor=admin, series=a6l, fields=petrol())
    assert trim.guide_price == Decimal("459800.00")
    assert trim.displacement_cc == 1984 and trim.acceleration_s == Decimal("6.5")
    assert trim.equipment_list == ["矩阵式LED大灯", "全景天窗"]
    entry = AuditEntry.objects.get(action="catalog.trim_created")
    assert entry.actor == admin and entry.target_id == trim.pk and entry.store_id == admin.store_id
    assert entry.data["guide_price"] == "459800.00"


def test_a_petrol_trim_without_displacement_is_refused_at_that_field(admin, a6l):
    err = refused(actor=admin, series=a6l, fields=petrol(displacement_cc=""))
    assert err.field == "displacement_cc"
    assert not Trim.objects.exists()


def test_a_battery_electric_trim_needs_battery_and_range_and_has_no_displacement(admin, a6l):
    err = refused(actor=admin, series=a6l, fields=petrol(powertrain="bev", displacement_cc=None))
    assert set(err.fields) == {"battery_kwh", "range_km"}
    err = refused(actor=admin, series=a6l, fields=petrol(powertrain="bev", battery_kwh="100", range_km="700km"))
    assert err.field == "displacement_cc"
    trim = trim_create(actor=admin, series=a6l, fields=petrol(powertrain="bev", displacement_cc=None, battery_kwh="100 kWh",
                                                              range_km="700"))
    assert trim.battery_kwh == Decimal("100.0") and trim.range_km == 700


@pytest.mark.parametrize("powertrain", ["phev", "erev"])
def test_plug_in_and_range_extended_trims_need_displacement_battery_and_range(admin, a6l, powertrain):
    err = refused(actor=admin, series=a6l, fields=petrol(powertrain=powertrain, displacement_cc=None))
    assert set(err.fields) == {"displacement_cc", "battery_kwh", "range_km"}
    trim = trim_create(actor=admin, series=a6l, fields=petrol(powertrain=powertrain, battery_kwh=25.9, range_km=180))
    assert trim.is_new_energy


def test_a_petrol_trim_has_no_electric_range(admin, a6l):
    assert refused(actor=admin, series=a6l, fields=petrol(range_km=50)).field == "range_km"


@pytest.mark.parametrize(("fields", "field"), [
    ({"guide_price": "0"}, "guide_price"), ({"guide_price": "-1"}, "guide_price"), ({"guide_price": "abc"}, "guide_price"),
    ({"seats": 0}, "seats"), ({"seats": 10}, "seats"), ({"seats": "five"}, "seats"), ({"model_year": 1999}, "model_year"),
    ({"powertrain": "steam"}, "powertrain"), ({"drive": "6wd"}, "drive"), ({"name": "  "}, "name"),
    ({"wheelbase_mm": 5100}, "wheelbase_mm"), ({"acceleration_s": "0.5"}, "acceleration_s"),
])
def test_bad_values_are_refused_with_the_field_named(admin, a6l, fields, field):
    assert field in refused(actor=admin, series=a6l, fields=petrol(**fields)).fields
    assert not Trim.objects.exists()


def test_the_same_trim_name_and_year_in_a_series_is_refused_with_a_message_on_the_name(admin, a6l):
    trim_create(actor=admin, series=a6l, fields=petrol())
    err = refused(actor=admin, series=a6l, fields=petrol())
    assert err.field == "name" and "A6L" in str(err.message)
    trim_create(actor=admin, series=a6l, fields=petrol(model_year=2025))  # another model year is another trim


def test_a_consultant_cannot_keep_the_catalog(consultant, a6l):
    with pytest.raises(PermissionDenied):
        trim_create(actor=consultant, series=a6l, fields=petrol())


def test_another_groups_series_is_not_found(admin, foreign_series):
    with pytest.raises(NotFound):
        trim_create(actor=admin, series=foreign_series, fields=petrol())


def test_an_update_checks_the_result_and_audits_old_and_new_values(admin, a6l):
    trim = trim_create(actor=admin, series=a6l, fields=petrol())
    with pytest.raises(DomainError) as err:
        trim_update(actor=admin, trim=trim, fields={"powertrain": "bev"})
    assert "battery_kwh" in err.value.fields
    trim_update(actor=admin, trim=trim, fields={"guide_price": "449800"})
    trim.refresh_from_db()
    assert trim.guide_price == Decimal("449800.00")
    entry = AuditEntry.objects.get(action="catalog.trim_updated")
    assert entry.data == {"changes": {"guide_price": ["459800.00", "449800.00"]}}


def test_a_retired_trim_stays_and_can_be_reinstated(admin, a6l):
    trim = TrimFactory(series=a6l)
    trim_retire(actor=admin, trim=trim)
    trim.refresh_from_db()
    assert Trim.objects.filter(pk=trim.pk).exists() and not trim.is_active
    trim_reinstate(actor=admin, trim=trim)
    trim.refresh_from_db()
    assert trim.is_active
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "catalog.trim_retired", "catalog.trim_reinstated"]


def test_brand_and_series_names_are_unique_with_a_field_message(admin, audi):
    with pytest.raises(DomainError) as err:
        brand_create(actor=admin, fields={"name": "奥迪"})
    assert err.value.field == "name"
    series_create(actor=admin, brand=audi, fields={"name": "Q5L", "body_type": "suv"})
    with pytest.raises(DomainError) as err:
        series_create(actor=admin, brand=audi, fields={"name": "Q5L", "body_type": "suv"})
    assert err.value.field == "name"
