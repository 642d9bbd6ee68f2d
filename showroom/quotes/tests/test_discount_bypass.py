"""A consultant cannot give more than their limit, go under the floor price or off the unified price by other means
than the discount: a catalog option or accessory quoted cheaper or free, or the brand trade-in bonus. The quote's
own figures stay what the customer is charged."""

from decimal import Decimal

import pytest
from django.urls import reverse

from showroom.catalog.tests.factories import OptionPackageFactory
from showroom.core.errors import DomainError
from showroom.quotes import services
from showroom.quotes.models import ApprovalRequest, QuoteStatus

from .conftest import make_quote
from .test_pages import form_data

LIMIT = Decimal("10000")
TRADE_IN = {"has_trade_in": True, "trade_in_brand": "大众", "trade_in_model": "帕萨特", "trade_in_value": Decimal("50000")}


@pytest.fixture
def luxury(series):
    return OptionPackageFactory(series=series, name="豪华包", price=Decimal("60000"))


@pytest.fixture
def unified(manager, trim):
    services.unified_price_set(actor=manager, trim=trim, unified=True, note="融合直售")
    return trim


def test_an_option_package_given_free_needs_the_managers_approval(consultant, lead, trim, luxury):
    quote = make_quote(consultant, lead, trim, discount=LIMIT,
                       lines=[{"kind": "option", "option": luxury.pk, "amount": Decimal("0")}])
    # the sheet still says what the customer pays: the guide price, the package at ¥0, ¥10,000 off
    assert quote.vehicle_price == trim.guide_price - LIMIT
    assert [line.amount for line in quote.lines.all()] == [Decimal("0.00")]
    assert quote.needs_approval
    with pytest.raises(DomainError) as refused:
        services.quote_issue(actor=consultant, quote=quote)
    assert refused.value.code == "approval_required"


def test_an_accessory_given_free_as_a_sweetener_counts_against_the_limit(consultant, lead, trim, mats):
    free_mats = [{"kind": "accessory", "accessory": mats.pk, "amount": Decimal("0")}]
    assert make_quote(consultant, lead, trim, discount=Decimal("9000"), lines=free_mats).needs_approval  # 10,280
    within = make_quote(consultant, lead, trim, discount=Decimal("8000"), lines=free_mats)  # 9,280
    assert not within.needs_approval
    assert services.quote_issue(actor=consultant, quote=within).status == QuoteStatus.ISSUED


def test_items_at_or_above_their_catalog_price_give_nothing_away(consultant, lead, trim, comfort, mats):
    quote = make_quote(consultant, lead, trim, discount=LIMIT, lines=[
        {"kind": "option", "option": comfort.pk},
        {"kind": "accessory", "accessory": mats.pk, "amount": Decimal("1780")},  # with fitting
        {"kind": "store_fee", "name": "上牌服务", "amount": Decimal("0")}])
    assert not quote.needs_approval
    # a dearer accessory does not pay for a larger discount on the car
    assert make_quote(consultant, lead, trim, discount=LIMIT + 1, lines=[
        {"kind": "accessory", "accessory": mats.pk, "amount": Decimal("5000")}]).needs_approval


def test_the_trade_in_bonus_counts_against_the_limit(consultant, manager, lead, trim):
    beyond = make_quote(consultant, lead, trim, discount=LIMIT, trade_in_bonus=Decimal("80000"), **TRADE_IN)
    assert beyond.needs_approval and beyond.vehicle_price == trim.guide_price - Decimal("90000")
    shared = make_quote(consultant, lead, trim, discount=Decimal("5000"), trade_in_bonus=Decimal("5000"), **TRADE_IN)
    assert not shared.needs_approval
    # the manager decides their own price
    assert not make_quote(manager, lead, trim, discount=LIMIT, trade_in_bonus=Decimal("80000"), **TRADE_IN).needs_approval


def test_the_floor_price_counts_everything_given_away(consultant, manager, lead, trim, mats):
    services.floor_price_set(actor=manager, trim=trim, price=trim.guide_price - Decimal("9000"))
    quote = make_quote(consultant, lead, trim, discount=Decimal("8000"),
                       lines=[{"kind": "accessory", "accessory": mats.pk, "amount": Decimal("0")}])
    assert quote.below_floor and quote.needs_approval
    bonus = make_quote(consultant, lead, trim, discount=Decimal("5000"), trade_in_bonus=Decimal("5000"), **TRADE_IN)
    assert bonus.below_floor


def test_the_manager_is_asked_for_the_whole_concession(consultant, lead, trim, luxury):
    quote = make_quote(consultant, lead, trim, discount=LIMIT, trade_in_bonus=Decimal("2000"), **TRADE_IN,
                       lines=[{"kind": "option", "option": luxury.pk, "amount": Decimal("50000")}])
    approval = services.quote_request_approval(actor=consultant, quote=quote, reason="客户要求豪华包优惠")
    assert approval.discount == Decimal("22000.00") and approval.limit == LIMIT
    assert ApprovalRequest.objects.get().discount == Decimal("22000.00")
    assert quote.discount == LIMIT  # the quote keeps its own discount


def test_a_unified_price_trim_takes_no_trade_in_bonus(consultant, lead, unified):
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, unified, discount=Decimal("0"), trade_in_bonus=Decimal("40000"), **TRADE_IN)
    assert refused.value.code == "unified_price" and refused.value.field == "trade_in_bonus"
    # the trade-in itself is welcome: its value pays part of the cash due
    quote = make_quote(consultant, lead, unified, discount=Decimal("0"), **TRADE_IN)
    assert quote.vehicle_price == unified.guide_price


def test_a_unified_price_trim_quotes_catalog_items_at_their_catalog_price(consultant, manager, lead, unified, comfort,
                                                                          mats):
    for amount in (Decimal("0"), Decimal("11000"), Decimal("13000")):
        with pytest.raises(DomainError) as refused:
            make_quote(consultant, lead, unified, discount=Decimal("0"),
                       lines=[{"kind": "option", "option": comfort.pk, "amount": amount}])
        assert refused.value.code == "unified_price" and refused.value.field == "lines"
    with pytest.raises(DomainError):  # not even the manager
        make_quote(manager, lead, unified, discount=Decimal("0"),
                   lines=[{"kind": "accessory", "accessory": mats.pk, "amount": Decimal("0")}])
    quote = make_quote(consultant, lead, unified, discount=Decimal("0"), lines=[
        {"kind": "option", "option": comfort.pk}, {"kind": "accessory", "accessory": mats.pk},
        {"kind": "store_fee", "name": "上牌服务", "amount": Decimal("500")}])
    assert quote.vehicle_price == unified.guide_price + comfort.price and not quote.needs_approval


def test_a_new_version_of_a_unified_price_quote_follows_the_catalogs_new_prices(consultant, lead, unified, comfort):
    first = make_quote(consultant, lead, unified, discount=Decimal("0"), lines=[
        {"kind": "option", "option": comfort.pk}, {"kind": "store_fee", "name": "上牌服务", "amount": Decimal("500")}])
    comfort.price = Decimal("12500")
    comfort.save()
    second = services.quote_new_version(actor=consultant, quote=first)
    assert sorted((line.name, line.amount) for line in second.lines.all()) == [
        ("上牌服务", Decimal("500.00")), ("舒适包", Decimal("12500.00"))]


def test_the_live_totals_warn_of_a_free_option_before_saving(client, consultant, lead, trim, luxury):
    client.force_login(consultant)
    data = form_data(trim, discount="10000", option=[str(luxury.pk)], **{f"option_amount_{luxury.pk}": "0"})
    content = client.post(reverse("quotes:preview", args=[lead.pk]), data, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="needs-approval"' in content


def test_the_form_shows_why_a_unified_price_trims_item_is_refused(client, consultant, lead, unified, comfort):
    client.force_login(consultant)
    data = form_data(unified, discount="0", option=[str(comfort.pk)], **{f"option_amount_{comfort.pk}": "0"})
    response = client.post(reverse("quotes:create", args=[lead.pk]), data, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 422 and not lead.quotes.exists()
    assert "data-form-error" in content and "¥12,000" in content  # the package's catalog price, in the message
