"""The catalog pages: browsing for everyone in the group, the trim sheet, admins' forms, retiring, and the import."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from showroom.audit.models import AuditEntry
from showroom.catalog.models import Trim
from showroom.catalog.tests.factories import (
    AccessoryFactory,
    BrandFactory,
    ColourFactory,
    OptionPackageFactory,
    SeriesFactory,
    TrimFactory,
)

BROWSE = reverse("catalog:browse")


def _trims(series, n):
    return [TrimFactory(series=series, guide_price=Decimal(300000 + i * 1000)) for i in range(n)]


def test_a_consultant_browses_the_catalog_and_filters_competitors(client, consultant, a6l, store):
    _trims(a6l, 2)
    x3 = TrimFactory(series=SeriesFactory(brand=BrandFactory(group=store.group, name="宝马", is_own=False), name="X3"))
    client.force_login(consultant)
    page = client.get(BROWSE)
    assert page.status_code == 200 and page.content.decode().count("data-trim=") == 3
    assert "data-testid=\"manage-catalog\"" not in page.content.decode()
    only = client.get(BROWSE, {"brand": "competitor"}, headers={"HX-Request": "true"})
    assert only.content.decode().count("data-trim=") == 1 and f'data-trim="{x3.pk}"' in only.content.decode()
    assert "<html" not in only.content.decode()


def test_bad_filter_values_are_ignored_not_an_error(client, consultant, a6l):
    _trims(a6l, 1)
    client.force_login(consultant)
    assert client.get(BROWSE, {"price_min": "abc", "series": "x", "seats_min": "99", "page": "zz"}).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_the_browser_and_its_htmx_results_run_the_same_queries_for_one_or_many_trims(client, consultant, a6l, headers):
    client.force_login(consultant)
    _trims(a6l, 1)
    client.get(BROWSE, headers=headers)
    with CaptureQueriesContext(connection) as one:
        client.get(BROWSE, headers=headers)
    _trims(a6l, 30)
    with CaptureQueriesContext(connection) as many:
        client.get(BROWSE, headers=headers)
    assert len(one) == len(many)


def test_the_trim_page_shows_specs_colours_options_and_fitting_accessories(client, consultant, a6l):
    trim = TrimFactory(series=a6l)
    ColourFactory(series=a6l, name="天云灰", surcharge=Decimal("12000"))
    OptionPackageFactory(series=a6l, name="豪华舒适包")
    AccessoryFactory(brand=a6l.brand, name="全景行车记录仪")
    AccessoryFactory(brand=a6l.brand, name="Q5L专用脚垫", series=SeriesFactory(brand=a6l.brand, name="Q5L"))
    client.force_login(consultant)
    body = client.get(reverse("catalog:trim_detail", args=[trim.pk])).content.decode()
    assert "¥398,800" in body and "天云灰" in body and "+¥12,000" in body and "豪华舒适包" in body
    assert "全景行车记录仪" in body and "Q5L专用脚垫" not in body


def test_the_trim_page_runs_a_fixed_number_of_queries(client, consultant, a6l):
    trim = TrimFactory(series=a6l)
    client.force_login(consultant)
    url = reverse("catalog:trim_detail", args=[trim.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        ColourFactory(series=a6l)
        OptionPackageFactory(series=a6l)
        AccessoryFactory(brand=a6l.brand, name=f"精品{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_another_groups_trim_is_404(client, outsider, a6l):
    trim = TrimFactory(series=a6l)
    client.force_login(outsider)
    assert client.get(reverse("catalog:trim_detail", args=[trim.pk])).status_code == 404
    assert f'data-trim="{trim.pk}"' not in client.get(BROWSE).content.decode()


@pytest.mark.parametrize("name", ["catalog:manage", "catalog:brand_create", "catalog:series_create", "catalog:trim_create",
                                  "catalog:import", "catalog:import_template", "catalog:accessory_create"])
def test_a_consultant_cannot_open_the_upkeep_pages(client, consultant, name):
    client.force_login(consultant)
    assert client.get(reverse(name)).status_code == 403


def test_an_admin_adds_a_trim_and_sees_field_errors_from_the_rules(client, admin, a6l):
    client.force_login(admin)
    url = reverse("catalog:trim_create") + f"?series={a6l.pk}"
    data = {"series": a6l.pk, "name": "40 TFSI 豪华致雅型", "model_year": 2026, "guide_price": "42.79万", "powertrain": "bev",
            "seats": 5, "drive": "fwd"}
    refused = client.post(url, data, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert 'data-field-error="battery_kwh"' in refused.content.decode()
    assert not Trim.objects.exists()
    done = client.post(url, {**data, "powertrain": "petrol", "displacement_cc": 1984})
    assert done.status_code == 302 and done["Location"] == reverse("catalog:series_manage", args=[a6l.pk])
    assert Trim.objects.get().guide_price == Decimal("427900.00")


def test_an_admin_retires_a_trim_and_it_leaves_the_browser(client, admin, a6l):
    trim = TrimFactory(series=a6l)
    client.force_login(admin)
    response = client.post(reverse("catalog:set_active", args=["trim", trim.pk]), {"active": "0"})
    assert response.status_code == 302
    trim.refresh_from_db()
    assert not trim.is_active
    assert f'data-trim="{trim.pk}"' not in client.get(BROWSE).content.decode()
    assert AuditEntry.objects.filter(action="catalog.trim_retired").exists()


def test_the_upkeep_pages_of_another_groups_records_are_404(client, admin, foreign_series):
    trim = TrimFactory(series=foreign_series)
    client.force_login(admin)
    assert client.get(reverse("catalog:series_manage", args=[foreign_series.pk])).status_code == 404
    assert client.get(reverse("catalog:trim_edit", args=[trim.pk])).status_code == 404
    assert client.post(reverse("catalog:set_active", args=["trim", trim.pk]), {"active": "0"}).status_code == 404


def test_the_manage_pages_render_with_a_fixed_number_of_queries(client, admin, a6l):
    client.force_login(admin)
    TrimFactory(series=a6l)
    urls = [reverse("catalog:manage"), reverse("catalog:series_manage", args=[a6l.pk])]
    counts = []
    for _round in range(2):
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        for i in range(4):
            TrimFactory(series=SeriesFactory(brand=a6l.brand, name=f"S{_round}{i}"))
            TrimFactory(series=a6l)
            ColourFactory(series=a6l)
            AccessoryFactory(brand=a6l.brand, name=f"精品{_round}{i}")
    assert counts[:2] == counts[2:]


def test_the_import_page_shows_the_refused_rows_and_imports_nothing(client, admin):
    client.force_login(admin)
    sheet = "品牌,车系,车身类型,年款,车型名称,厂商指导价,能源类型,座位数,驱动方式\r\n奥迪,A6L,轿车,2026,45 TFSI,0,汽油,5,四驱\r\n"
    upload = io.BytesIO(sheet.encode("utf-8"))
    upload.name = "prices.csv"
    body = client.post(reverse("catalog:import"), {"file": upload}).content.decode()
    assert 'data-testid="import-refused"' in body and 'data-row-error="2"' in body
    assert not Trim.objects.exists()


def test_the_template_downloads_as_a_workbook(client, admin):
    client.force_login(admin)
    response = client.get(reverse("catalog:import_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert next(book.active.iter_rows(values_only=True))[:3] == ("品牌", "车系", "车身类型")


def test_an_admin_adds_a_brand_series_colour_option_and_accessory_through_the_forms(client, admin, audi):
    from showroom.catalog.models import Accessory, Brand, Colour, OptionPackage, Series

    client.force_login(admin)
    assert client.post(reverse("catalog:brand_create"), {"name": "沃尔沃", "sort_order": 3}).status_code == 302
    volvo = Brand.objects.get(name="沃尔沃")
    assert not volvo.is_own
    response = client.post(reverse("catalog:series_create"), {"brand": volvo.pk, "name": "XC60", "body_type": "suv"})
    series = Series.objects.get(name="XC60")
    assert response["Location"] == reverse("catalog:series_manage", args=[series.pk])
    assert client.post(reverse("catalog:colour_create", args=[series.pk]),
                       {"kind": "exterior", "name": "水晶白", "surcharge": "1.2万"}).status_code == 302
    assert Colour.objects.get(name="水晶白").surcharge == Decimal("12000.00")
    assert client.post(reverse("catalog:option_create", args=[series.pk]), {"name": "舒适包", "price": "9800"}).status_code == 302
    assert OptionPackage.objects.filter(series=series, name="舒适包").exists()
    assert client.post(reverse("catalog:accessory_create"), {"brand": volvo.pk, "series": series.pk, "name": "脚垫",
                                                             "price": "1280"}).status_code == 302
    assert Accessory.objects.get(name="脚垫").series == series
    taken = client.post(reverse("catalog:brand_create"), {"name": "沃尔沃"})
    assert 'data-field-error="name"' in taken.content.decode()
    assert AuditEntry.objects.filter(action__startswith="catalog.", action__endswith="_created").count() == 5


def test_an_edit_form_saves_changes_and_shows_the_rules_refusal(client, admin, a6l):
    trim = TrimFactory(series=a6l)
    client.force_login(admin)
    url = reverse("catalog:trim_edit", args=[trim.pk])
    form = client.get(url).content.decode()
    assert 'value="398800"' in form
    data = {"name": trim.name, "model_year": 2026, "guide_price": "39.58万", "powertrain": "phev", "displacement_cc": 1984,
            "seats": 5, "drive": "awd"}
    refused = client.post(url, data)
    assert 'data-field-error="battery_kwh"' in refused.content.decode()
    assert client.post(url, {**data, "battery_kwh": "25.9", "range_km": "110"}).status_code == 302
    trim.refresh_from_db()
    assert trim.powertrain == "phev" and trim.guide_price == Decimal("395800.00")


@pytest.mark.parametrize("series", ["²", "9" * 5000])
def test_a_garbled_series_on_the_new_trim_link_leads_back_to_the_catalog_not_an_error(client, admin, series):
    client.force_login(admin)
    response = client.get(reverse("catalog:trim_create"), {"series": series})
    assert response.status_code == 200 and reverse("catalog:manage") in response.content.decode()
