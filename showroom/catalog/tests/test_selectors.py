"""The catalog selectors other apps call: search by brand, powertrain, body, seats and price, within the group."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.catalog.selectors import series_for, trim_search, trims_by_ids
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory, TrimFactory


def _catalog(store):
    audi = BrandFactory(group=store.group, name="奥迪", is_own=True)
    bmw = BrandFactory(group=store.group, name="宝马", is_own=False)
    q5l = SeriesFactory(brand=audi, name="Q5L", body_type="suv")
    q6l = SeriesFactory(brand=audi, name="Q6L e-tron", body_type="suv")
    x3 = SeriesFactory(brand=bmw, name="X3", body_type="suv")
    return {
        "q5l": TrimFactory(series=q5l, name="40 TFSI 时尚动感型", guide_price=Decimal("398800")),
        "q6l": TrimFactory(series=q6l, name="星耀型", powertrain="bev", displacement_cc=None, battery_kwh=Decimal("107"),
                           range_km=770, guide_price=Decimal("369800")),
        "x3": TrimFactory(series=x3, name="xDrive25L", guide_price=Decimal("399900"), seats=5),
    }


def test_search_filters_by_own_brand_powertrain_price_and_text(consultant, store):
    trims = _catalog(store)
    assert list(trim_search(consultant)) == [trims["q6l"], trims["q5l"], trims["x3"]]  # cheapest first
    assert list(trim_search(consultant, own_brand=False)) == [trims["x3"]]
    assert list(trim_search(consultant, powertrain=["bev", "phev"])) == [trims["q6l"]]
    assert list(trim_search(consultant, price_min="380000", price_max=Decimal("399000"))) == [trims["q5l"]]
    assert list(trim_search(consultant, query="宝马 xdrive")) == [trims["x3"]]
    assert list(trim_search(consultant, body_type="sedan")) == []
    assert list(trim_search(consultant, order="-price"))[0] == trims["x3"]


def test_retired_trims_are_left_out_unless_asked_for(consultant, store):
    trims = _catalog(store)
    trims["x3"].is_active = False
    trims["x3"].save()
    assert trims["x3"] not in trim_search(consultant)
    assert trims["x3"] in trim_search(consultant, active_only=False)


def test_another_groups_catalog_is_invisible(consultant, outsider, store):
    trims = _catalog(store)
    assert not trim_search(outsider).exists()
    assert not trims_by_ids(outsider, [t.pk for t in trims.values()]).exists()
    assert set(trims_by_ids(consultant, [trims["x3"].pk, "junk", None])) == {trims["x3"]}
    assert [s.name for s in series_for(consultant, own_brand=True)] == ["Q5L", "Q6L e-tron"]
    assert not series_for(outsider).exists()


def test_search_reads_trims_with_series_and_brand_in_one_query(consultant, store):
    _catalog(store)
    consultant.store  # noqa: B018 - the actor's store is loaded once per request by the views
    with CaptureQueriesContext(connection) as queries:
        names = [f"{t.series.brand.name} {t.series.name} {t.name}" for t in trim_search(consultant)]
    assert len(names) == 3 and len(queries) == 1


def test_odd_filter_values_from_a_caller_are_no_filter_rather_than_an_error(consultant, store):
    _catalog(store)
    assert trim_search(consultant, brand_id="abc", series_id=-1, seats_min="x", price_min="junk").count() == 3


def test_a_group_admin_without_a_store_sees_the_one_groups_catalog(store):
    from showroom.accounts.models import Role
    from showroom.accounts.tests.factories import UserFactory

    trims = _catalog(store)
    group_admin = UserFactory(store=None, role=Role.GROUP_ADMIN)
    assert set(trim_search(group_admin)) == set(trims.values())
