"""The store's price settings: validity, limits, floor and unified prices, the insurance rate table, promotions."""

import datetime as dt
from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, PermissionDenied
from showroom.quotes import selectors, services
from showroom.quotes.models import FinancePromotion, InsuranceRate, QuoteSettings, UnifiedPrice

from .conftest import TODAY, make_quote


def test_the_validity_days_set_the_default_valid_until(manager, consultant, lead, trim):
    services.quote_settings_save(actor=manager, fields={"validity_days": 3, "discount_limit": Decimal("10000"),
                                                        "plate_service_fee": Decimal("0")})
    assert make_quote(consultant, lead, trim).valid_until == TODAY + dt.timedelta(days=3)
    with pytest.raises(DomainError) as refused:
        services.quote_settings_save(actor=manager, fields={"validity_days": 0})
    assert refused.value.field == "validity_days"
    entry = AuditEntry.objects.get(action="quotes.settings_changed")
    assert entry.data["changes"]["validity_days"] == [7, 3]


def test_the_store_plate_fee_is_offered_on_a_new_quote(consultant, lead, trim):
    fields = {"trim": trim.pk}
    assert services.quote_create(actor=consultant, lead=lead, fields=fields).plate_service_fee == Decimal("800.00")


def test_consultants_and_receptionists_cannot_change_price_settings(consultant, receptionist, trim, quote_settings):
    for actor in (consultant, receptionist):
        with pytest.raises(PermissionDenied):
            services.quote_settings_save(actor=actor, fields={"validity_days": 30})
        with pytest.raises(PermissionDenied):
            services.floor_price_set(actor=actor, trim=trim, price=Decimal("1"))
        with pytest.raises(PermissionDenied):
            services.insurance_rates_replace(actor=actor, bands=[])
    assert QuoteSettings.objects.get().validity_days == 7


def test_a_unified_price_trim_is_marked_and_unmarked_with_audit(manager, trim):
    services.unified_price_set(actor=manager, trim=trim, unified=True, note="融合直售")
    assert selectors.is_unified_price(manager.store_id, trim.pk)
    services.unified_price_set(actor=manager, trim=trim, unified=False)
    assert not UnifiedPrice.objects.exists()
    assert AuditEntry.objects.filter(action="quotes.unified_price_set").count() == 2


def test_the_floor_price_of_a_competitors_trim_is_refused(manager, competitor_trim):
    with pytest.raises(DomainError) as refused:
        services.floor_price_set(actor=manager, trim=competitor_trim, price=Decimal("300000"))
    assert refused.value.field == "trim"


def test_the_rate_table_estimates_commercial_insurance(manager, consultant, lead, trim):
    services.insurance_rates_replace(actor=manager, bands=[
        {"up_to_price": Decimal("300000"), "base": Decimal("1000"), "rate": Decimal("0.025")},
        {"up_to_price": None, "base": Decimal("1500"), "rate": Decimal("0.02")},
    ])
    quote = make_quote(consultant, lead, trim, commercial_insurance_mode="rate_table",
                       commercial_insurance_amount=None)
    # vehicle price 390,800 is in the open band: 1,500 + 2 % × 390,800
    assert quote.breakdown["commercial_insurance"] == "9316.00"


def test_without_a_rate_table_the_estimate_is_refused_naming_the_field(consultant, lead, trim):
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, commercial_insurance_mode="rate_table")
    assert refused.value.field == "commercial_insurance_mode"


@pytest.mark.parametrize("bands", [
    [{"up_to_price": Decimal("300000"), "base": Decimal("1000"), "rate": Decimal("0.02")}],  # last band not open
    [{"up_to_price": Decimal("300000"), "rate": Decimal("0.02")}, {"up_to_price": Decimal("200000"),
                                                                   "rate": Decimal("0.02")}, {"rate": Decimal("0.02")}],
    [{"up_to_price": None, "rate": None}],
    [{"up_to_price": None, "rate": Decimal("1.5")}],
])
def test_a_malformed_rate_table_is_refused_and_the_old_one_kept(manager, bands):
    services.insurance_rates_replace(actor=manager, bands=[{"up_to_price": None, "base": Decimal("0"),
                                                           "rate": Decimal("0.02")}])
    with pytest.raises(DomainError):
        services.insurance_rates_replace(actor=manager, bands=bands)
    assert InsuranceRate.objects.count() == 1


def test_a_promotion_is_validated_and_listed_while_active(manager, trim, frozen):
    fields = {"name": "3年0息", "lender": "大众汽车金融", "terms": [36], "annual_rate": Decimal("0"),
              "lender_rate": Decimal("0.0399"), "min_down_payment_ratio": Decimal("0.3"), "valid_from": TODAY,
              "valid_until": TODAY + dt.timedelta(days=30), "is_active": True}
    with pytest.raises(DomainError) as refused:
        services.promotion_save(actor=manager, promotion=None, fields={**fields, "annual_rate": Decimal("0.05")})
    assert refused.value.field == "annual_rate"
    with pytest.raises(DomainError) as refused:
        services.promotion_save(actor=manager, promotion=None, fields={**fields, "terms": [18]})
    assert refused.value.field == "terms"
    with pytest.raises(DomainError) as refused:
        services.promotion_save(actor=manager, promotion=None,
                                fields={**fields, "valid_until": TODAY - dt.timedelta(days=1)})
    assert refused.value.field == "valid_until"
    promotion = services.promotion_save(actor=manager, promotion=None, fields=fields, trim_ids=[trim.pk])
    assert list(selectors.active_promotions(manager, trim_id=trim.pk)) == [promotion]
    services.promotion_save(actor=manager, promotion=promotion, fields={**fields, "is_active": False},
                            trim_ids=[trim.pk])
    assert not selectors.active_promotions(manager, trim_id=trim.pk).exists()
    with pytest.raises(DomainError) as refused:
        services.promotion_save(actor=manager, promotion=None, fields=fields)
    assert refused.value.field == "name"
    assert FinancePromotion.objects.count() == 1
    assert AuditEntry.objects.filter(action="quotes.promotion_changed").exists()


def test_only_a_consultant_of_the_store_gets_a_discount_limit(manager, receptionist, consultant, client):
    with pytest.raises(DomainError) as refused:
        services.discount_limit_set(actor=manager, consultant=receptionist, amount=Decimal("20000"))
    assert refused.value.field == "consultant"
    client.force_login(manager)
    response = client.post("/quotes/settings/limits/", {"consultant": receptionist.pk, "amount": "20000"})
    assert response.status_code in (200, 302, 422)
    assert not services.DiscountLimit.objects.filter(consultant=receptionist).exists()
    services.discount_limit_set(actor=manager, consultant=consultant, amount=Decimal("20000"))
    assert services.DiscountLimit.objects.filter(consultant=consultant, amount=Decimal("20000")).exists()
