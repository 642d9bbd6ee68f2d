"""A new-energy trim's tax listings: the NEV purchase-tax catalogue and the vehicle and vessel tax exemption, kept by
the services (defaults, the petrol refusal, the 2026 range bar), the form, the API, the sheet import and the trim page."""

import datetime as dt
import importlib
import io
import json
from decimal import Decimal
from random import Random

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from showroom.audit.models import AuditEntry
from showroom.catalog import demo
from showroom.catalog.imports import catalog_import_sheet, template_workbook
from showroom.catalog.models import Trim
from showroom.catalog.services import trim_create, trim_update
from showroom.catalog.tests.factories import TrimFactory
from showroom.catalog.tests.test_import_sheet import csv_bytes, xlsx_bytes
from showroom.core.errors import DomainError

SPECS = {
    "petrol": {"displacement_cc": 1984},
    "phev": {"displacement_cc": 1984, "battery_kwh": "25.9", "range_km": 120},
    "erev": {"displacement_cc": 1496, "battery_kwh": "36.8", "range_km": 212},
    "bev": {"battery_kwh": "100", "range_km": 700},
}


def fields(powertrain="petrol", **extra):
    return {"name": f"{powertrain} 臻选型", "model_year": 2026, "guide_price": "39.98万", "powertrain": powertrain,
            "seats": 5, "drive": "awd", **SPECS[powertrain], **extra}


def refusal(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        call(**kwargs)
    return err.value


def listings(trim) -> tuple[bool, bool]:
    trim.refresh_from_db()
    return trim.nev_tax_catalogue, trim.vessel_tax_exempt


# --- The services -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("powertrain", "listed"), [("bev", (True, True)), ("phev", (True, True)),
                                                     ("erev", (True, True)), ("petrol", (False, False))])
def test_a_new_trim_is_listed_for_both_when_it_is_new_energy_and_for_neither_otherwise(admin, a6l, powertrain, listed):
    trim = trim_create(actor=admin, series=a6l, fields=fields(powertrain))
    assert listings(trim) == listed


@pytest.mark.parametrize("key", ["nev_tax_catalogue", "vessel_tax_exempt"])
def test_a_petrol_trim_cannot_be_listed_and_the_refusal_names_the_field(admin, a6l, key):
    with translation.override("en"):
        err = refusal(trim_create, actor=admin, series=a6l, fields=fields("petrol", **{key: True}))
    assert err.field == key and err.code == f"{key}_not_applicable"
    assert "Petrol car is not a new-energy vehicle" in err.message
    assert not Trim.objects.exists()
    assert listings(trim_create(actor=admin, series=a6l, fields=fields("petrol", **{key: "否"}))) == (False, False)


@pytest.mark.parametrize("powertrain", ["phev", "erev"])
def test_from_2026_a_plug_in_with_less_than_100_km_cannot_be_in_the_purchase_tax_catalogue(admin, a6l, powertrain):
    with translation.override("en"):
        err = refusal(trim_create, actor=admin, series=a6l, fields=fields(powertrain, range_km=80, nev_tax_catalogue=True))
    assert err.field == "nev_tax_catalogue" and err.code == "nev_tax_catalogue_range"
    assert "2026" in err.message and "100 km" in err.message and "80 km" in err.message
    # Left out, such a trim is simply not listed for the reduction; the vessel-tax exemption is a separate listing.
    trim = trim_create(actor=admin, series=a6l, fields=fields(powertrain, range_km=80))
    assert listings(trim) == (False, True)
    assert listings(trim_update(actor=admin, trim=trim, fields={"range_km": 100, "nev_tax_catalogue": "yes"})) == (True, True)


def test_before_2026_a_short_range_plug_in_could_still_be_listed(admin, a6l):
    with time_machine.travel(dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC), tick=False):
        trim = trim_create(actor=admin, series=a6l, fields=fields("phev", range_km=60, nev_tax_catalogue=True))
    assert listings(trim) == (True, True)


def test_shortening_a_listed_plug_ins_range_below_100_km_is_refused_until_it_is_unlisted(admin, a6l):
    trim = trim_create(actor=admin, series=a6l, fields=fields("phev"))
    err = refusal(trim_update, actor=admin, trim=trim, fields={"range_km": 85})
    assert err.field == "nev_tax_catalogue"
    assert listings(trim) == (True, True) and trim.range_km == 120
    trim_update(actor=admin, trim=trim, fields={"range_km": 85, "nev_tax_catalogue": False})
    assert listings(trim) == (False, True)


def test_a_plug_in_hybrid_outside_the_exemption_catalogue_is_kept_so_and_the_change_is_audited(admin, a6l):
    trim = trim_create(actor=admin, series=a6l, fields=fields("phev", vessel_tax_exempt="否"))
    assert listings(trim) == (True, False)
    trim_update(actor=admin, trim=trim, fields={"vessel_tax_exempt": True})
    assert listings(trim) == (True, True)
    entry = AuditEntry.objects.get(action="catalog.trim_updated")
    assert entry.data["changes"] == {"vessel_tax_exempt": [False, True]}
    assert AuditEntry.objects.get(action="catalog.trim_created").data["vessel_tax_exempt"] is False


def test_a_battery_electric_car_is_outside_the_vessel_tax_so_it_always_counts_as_exempt(admin, a6l):
    trim = trim_create(actor=admin, series=a6l, fields=fields("bev", vessel_tax_exempt=False, nev_tax_catalogue=False))
    assert listings(trim) == (False, True)
    assert trim.outside_vessel_tax


def test_changing_the_powertrain_brings_or_drops_the_listings(admin, a6l):
    trim = trim_create(actor=admin, series=a6l, fields=fields("phev", vessel_tax_exempt=False))
    trim_update(actor=admin, trim=trim, fields={"powertrain": "petrol", "battery_kwh": None, "range_km": None})
    assert listings(trim) == (False, False)
    trim_update(actor=admin, trim=trim, fields={"powertrain": "erev", "battery_kwh": "40", "range_km": 90})
    assert listings(trim) == (False, True)  # 90 km: cannot be in the purchase-tax catalogue
    trim_update(actor=admin, trim=trim, fields={"powertrain": "bev", "displacement_cc": None, "range_km": 500,
                                                "nev_tax_catalogue": True})
    assert listings(trim) == (True, True)
    # Another change leaves the listings alone.
    trim_update(actor=admin, trim=trim, fields={"guide_price": "38万"})
    assert listings(trim) == (True, True)


def test_a_listing_that_is_neither_yes_nor_no_is_refused(admin, a6l):
    err = refusal(trim_create, actor=admin, series=a6l, fields=fields("bev", nev_tax_catalogue="maybe"))
    assert err.field == "nev_tax_catalogue" and err.code == "nev_tax_catalogue_invalid"


def test_the_migration_lists_existing_new_energy_trims_except_short_range_plug_ins(a6l):
    petrol = TrimFactory(series=a6l, nev_tax_catalogue=False, vessel_tax_exempt=False)
    bev = TrimFactory(series=a6l, powertrain="bev", displacement_cc=None, battery_kwh=Decimal("100"), range_km=700,
                      nev_tax_catalogue=False, vessel_tax_exempt=False)
    short = TrimFactory(series=a6l, powertrain="phev", battery_kwh=Decimal("17.9"), range_km=60,
                        nev_tax_catalogue=False, vessel_tax_exempt=False)
    erev = TrimFactory(series=a6l, powertrain="erev", battery_kwh=Decimal("36.8"), range_km=212,
                       nev_tax_catalogue=False, vessel_tax_exempt=False)
    migration = importlib.import_module("showroom.catalog.migrations.0003_trim_tax_listings")
    migration.listed_as_before(apps, None)
    assert [listings(t) for t in (petrol, bev, short, erev)] == [(False, False), (True, True), (False, True), (True, True)]


# --- The API ----------------------------------------------------------------------------------------

API = "/api/v1/catalog"


def send(client, method, path, data):
    return getattr(client, method)(API + path, data=json.dumps(data), content_type="application/json")


def test_the_api_shows_and_keeps_the_listings_and_refuses_what_the_rules_refuse(client, admin, a6l):
    client.force_login(admin)
    payload = {"series_id": a6l.pk, **fields("phev", range_km=80), "guide_price": "399800"}
    refused = send(client, "post", "/trims", {**payload, "nev_tax_catalogue": True})
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["nev_tax_catalogue"]
    created = send(client, "post", "/trims", payload)
    assert created.status_code == 201
    body = created.json()
    assert (body["nev_tax_catalogue"], body["vessel_tax_exempt"]) == (False, True)
    patched = send(client, "patch", f"/trims/{body['id']}", {"range_km": 105, "nev_tax_catalogue": True,
                                                              "vessel_tax_exempt": False})
    assert patched.status_code == 200
    assert (patched.json()["nev_tax_catalogue"], patched.json()["vessel_tax_exempt"]) == (True, False)
    detail = client.get(f"{API}/trims/{body['id']}").json()
    assert detail["nev_tax_catalogue"] is True and detail["vessel_tax_exempt"] is False
    petrol = send(client, "post", "/trims", {"series_id": a6l.pk, **fields("petrol"), "guide_price": "399800",
                                             "vessel_tax_exempt": True})
    assert petrol.status_code == 400 and list(petrol.json()["fields"]) == ["vessel_tax_exempt"]


# --- The form and the trim page ----------------------------------------------------------------------

def form_data(series, powertrain, **extra):
    return {"series": series.pk, **fields(powertrain), **extra}


def test_the_new_trim_form_offers_both_listings_ticked_and_saves_what_the_admin_leaves_ticked(client, admin, a6l):
    client.force_login(admin)
    url = reverse("catalog:trim_create")
    page = client.get(url).content.decode()
    assert 'name="nev_tax_catalogue" id="id_nev_tax_catalogue" checked' in page
    assert 'name="vessel_tax_exempt" id="id_vessel_tax_exempt" checked' in page
    assert client.post(url, form_data(a6l, "erev", nev_tax_catalogue="on")).status_code == 302
    assert listings(Trim.objects.get(powertrain="erev")) == (True, False)
    # The boxes of a petrol trim are not its to tick: it is saved without the listings.
    assert client.post(url, form_data(a6l, "petrol", nev_tax_catalogue="on", vessel_tax_exempt="on")).status_code == 302
    assert listings(Trim.objects.get(powertrain="petrol")) == (False, False)


def test_the_form_shows_the_2026_range_bar_at_the_purchase_tax_box(client, admin, a6l):
    client.force_login(admin)
    trim = TrimFactory(series=a6l, powertrain="phev", battery_kwh=Decimal("25.9"), range_km=120)
    url = reverse("catalog:trim_edit", args=[trim.pk])
    assert 'name="nev_tax_catalogue" id="id_nev_tax_catalogue" checked' in client.get(url).content.decode()
    data = form_data(a6l, "phev", name=trim.name, range_km=80, nev_tax_catalogue="on", vessel_tax_exempt="on")
    data.pop("series")
    refused = client.post(url, data)
    assert 'data-field-error="nev_tax_catalogue"' in refused.content.decode()
    assert listings(trim) == (True, True) and trim.range_km == 120
    data.pop("nev_tax_catalogue")
    assert client.post(url, data).status_code == 302
    assert listings(trim) == (False, True) and trim.range_km == 80


def test_the_trim_page_shows_both_listings_of_a_new_energy_trim_only(client, consultant, a6l):
    phev = TrimFactory(series=a6l, powertrain="phev", battery_kwh=Decimal("25.9"), range_km=120, vessel_tax_exempt=False)
    bev = TrimFactory(series=a6l, powertrain="bev", displacement_cc=None, battery_kwh=Decimal("100"), range_km=700,
                      nev_tax_catalogue=False)
    petrol = TrimFactory(series=a6l)
    client.force_login(consultant)
    page = client.get(reverse("catalog:trim_detail", args=[phev.pk])).content.decode()
    assert 'data-testid="nev-tax-catalogue" data-listed="yes"' in page
    assert 'data-testid="vessel-tax-exempt" data-listed="no"' in page
    page = client.get(reverse("catalog:trim_detail", args=[bev.pk])).content.decode()
    assert 'data-testid="nev-tax-catalogue" data-listed="no"' in page
    assert 'data-testid="vessel-tax-exempt" data-listed="outside"' in page
    page = client.get(reverse("catalog:trim_detail", args=[petrol.pk])).content.decode()
    assert 'data-testid="nev-tax-catalogue"' not in page and 'data-testid="vessel-tax-exempt"' not in page


# --- The sheet import ----------------------------------------------------------------------------------

HEADER = ["品牌", "车系", "车身类型", "年款", "车型名称", "厂商指导价", "能源类型", "排量(cc)", "电池容量(kWh)", "纯电续航(km)",
          "座位数", "驱动方式", "购置税减免目录", "车船税减免"]


def row(series, name, powertrain, cc, kwh, km, catalogue, exempt):
    return ["奥迪", series, "SUV", "2026", name, "39.98万", powertrain, cc, kwh, km, "5", "四驱", catalogue, exempt]


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_a_sheet_gives_the_listings_as_yes_or_no_in_either_language_and_empty_is_yes_for_new_energy(admin, audi, make):
    rows = [
        row("Q5L", "e-hybrid 是否", "插混", "1984", "25.9", "120", "是", "否"),
        row("Q5L", "e-hybrid yes no", "PHEV", "1984", "25.9", "120", "Yes", "no"),
        row("Q6L e-tron", "empty", "纯电", "", "100", "700", "", ""),
        row("Q5L", "short range", "增程", "1496", "20", "80", "", "是"),
        row("Q5L", "petrol", "汽油", "1984", "", "", "否", ""),
    ]
    report = catalog_import_sheet(actor=admin, data=make([HEADER, *rows]), filename="prices")
    assert report.ok, report.errors
    by_name = {t.name: (t.nev_tax_catalogue, t.vessel_tax_exempt) for t in Trim.objects.all()}
    assert by_name == {"e-hybrid 是否": (True, False), "e-hybrid yes no": (True, False), "empty": (True, True),
                       "short range": (False, True), "petrol": (False, False)}


def test_a_sheet_row_with_a_listing_the_rules_refuse_imports_nothing_and_names_the_column(admin, audi):
    rows = [
        row("Q5L", "short range", "插混", "1984", "20", "80", "是", "是"),
        row("Q5L", "petrol", "汽油", "1984", "", "", "", "是"),
        row("Q5L", "garbled", "纯电", "", "100", "700", "也许", ""),
    ]
    with translation.override("en"):
        report = catalog_import_sheet(actor=admin, data=csv_bytes([HEADER, *rows]), filename="prices.csv")
    assert not report.ok and not Trim.objects.exists()
    assert [(e.row, e.column) for e in report.errors] == [(2, "购置税减免目录"), (3, "车船税减免"), (4, "购置税减免目录")]
    assert "100 km" in report.errors[0].message


def test_a_known_trim_keeps_its_listings_when_the_sheet_leaves_them_empty(admin, a6l):
    trim = TrimFactory(series=a6l, name="e-hybrid", powertrain="phev", battery_kwh=Decimal("25.9"), range_km=120,
                       vessel_tax_exempt=False)
    report = catalog_import_sheet(actor=admin, data=csv_bytes([HEADER, row("A6L", "e-hybrid", "插混", "1984", "25.9",
                                                                           "120", "", "")]), filename="prices.csv")
    assert report.ok and report.updated == 1
    assert listings(trim) == (True, False)


def test_the_sheet_template_has_the_listing_columns_and_its_example_row_still_imports(admin, audi):
    data = template_workbook()
    book = load_workbook(io.BytesIO(data))
    assert [cell.value for cell in book["trims"][1]][-2:] == ["购置税减免目录", "车船税减免"]
    assert [row[0] for row in book["help"].iter_rows(values_only=True)][-2:] == ["购置税减免目录", "车船税减免"]
    assert catalog_import_sheet(actor=admin, data=data, filename="template.xlsx").created == 1
    assert listings(Trim.objects.get()) == (False, False)


# --- The demo line-up ----------------------------------------------------------------------------------

def test_the_demo_line_up_lists_its_new_energy_trims_the_range_extender_included(admin, store):
    demo.seed(store=store, rng=Random(7))
    l6 = Trim.objects.get(series__name="L6")
    assert (l6.powertrain, l6.nev_tax_catalogue, l6.vessel_tax_exempt) == ("erev", True, True)
    assert not Trim.objects.filter(powertrain__in=["bev", "erev", "phev"], nev_tax_catalogue=False).exists()
    assert not Trim.objects.exclude(powertrain__in=["bev", "erev", "phev"]).filter(nev_tax_catalogue=True).exists()
