"""What a quote really gives away (limits.py): dealer discount, trade-in bonus and catalog items quoted below their
price, against the consultant's limit, the floor price and the unified national price. No database."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from showroom.quotes import limits
from showroom.quotes.limits import CatalogLine

D = Decimal
LIMIT = D("10000")


def line(list_price, charged, name="舒适包"):
    return CatalogLine(name=name, list_price=D(list_price), charged=D(charged))


def test_an_item_given_free_is_its_whole_catalog_price_off():
    assert line("1280", "0").given_away == D("1280")
    assert line("12000", "11000").given_away == D("1000")
    assert line("12000", "12000").given_away == 0


def test_an_item_charged_above_its_catalog_price_buys_no_discount_elsewhere():
    assert line("1280", "1780").given_away == 0
    given = limits.effective_discount(discount=D("12000"), trade_in_bonus=D(0), lines=[line("1280", "1780")])
    assert given == D("12000")


def test_the_effective_discount_adds_discount_bonus_and_every_item_below_its_price():
    given = limits.effective_discount(discount=D("8000"), trade_in_bonus=D("5000"), lines=[
        line("60000", "0", "豪华包"), line("1280", "980", "脚垫"), line("3000", "3500", "行车记录仪")])
    assert given == D("8000") + D("5000") + D("60000") + D("300")


def test_a_free_option_is_beyond_the_limit_though_the_discount_is_within_it():
    verdict = limits.assess(guide_price=D("398800"), discount=LIMIT, trade_in_bonus=D(0),
                            lines=[line("60000", "0")], limit=LIMIT, floor=None)
    assert verdict.effective_discount == D("70000") and verdict.needs_approval and not verdict.below_floor


def test_the_trade_in_bonus_counts_against_the_limit():
    assert limits.assess(guide_price=D("398800"), discount=LIMIT, trade_in_bonus=D("80000"), limit=LIMIT,
                         floor=None).needs_approval
    within = limits.assess(guide_price=D("398800"), discount=D("5000"), trade_in_bonus=D("5000"), limit=LIMIT,
                           floor=None)
    assert within.effective_discount == LIMIT and not within.needs_approval


@pytest.mark.parametrize(("discount", "free", "below"), [
    (D("10000"), D("0"), False),       # 388,800 = the floor
    (D("10000"), D("1280"), True),     # the mats given free take it under
    (D("0"), D("10001"), True),
])
def test_the_floor_price_is_compared_with_the_guide_price_less_everything_given_away(discount, free, below):
    verdict = limits.assess(guide_price=D("398800"), discount=discount, trade_in_bonus=D(0),
                            lines=[line(free, "0", "脚垫")] if free else [], limit=D("50000"), floor=D("388800"))
    assert verdict.below_floor is below
    assert verdict.needs_approval is below  # within the limit: only the floor asks for the manager


def test_a_manager_has_no_limit_but_a_quote_below_the_floor_is_still_flagged():
    verdict = limits.assess(guide_price=D("398800"), discount=D("50000"), trade_in_bonus=D("30000"),
                            lines=[line("60000", "0")], limit=None, floor=D("350000"))
    assert verdict.below_floor and not verdict.needs_approval


def test_a_unified_price_trim_takes_no_bonus_and_no_item_off_or_above_its_catalog_price():
    assert limits.unified_price_refusal(trade_in_bonus=D(0), lines=[line("12000", "12000")]) is None
    bonus = limits.unified_price_refusal(trade_in_bonus=D("5000"), lines=[])
    assert bonus.code == "unified_price" and bonus.field == "trade_in_bonus"
    for charged in ("0", "11999", "12001"):
        refusal = limits.unified_price_refusal(trade_in_bonus=D(0), lines=[line("12000", charged)])
        assert refusal.field == "lines" and "舒适包" in str(refusal.message) and "¥12,000" in str(refusal.message)


def test_only_lines_of_catalog_items_have_a_list_price():
    pack = SimpleNamespace(price=D("12000"))
    mats = SimpleNamespace(price=D("1280"))
    lines = [SimpleNamespace(name="舒适包", amount=D("0"), option=pack, accessory=None),
             SimpleNamespace(name="脚垫", amount=D("980"), option=None, accessory=mats),
             SimpleNamespace(name="上牌服务", amount=D("0"), option=None, accessory=None)]
    assert limits.catalog_lines(lines) == (line("12000", "0", "舒适包"), line("1280", "980", "脚垫"))


def test_a_new_unified_price_version_leaves_catalog_items_to_the_catalog_and_keeps_fees():
    raw = [{"kind": "option", "option": 3, "amount": D("11000"), "name": "舒适包"},
           {"kind": "accessory", "accessory": 5, "amount": D("980"), "name": "脚垫"},
           {"kind": "store_fee", "name": "上牌服务", "amount": D("500"), "option": None, "accessory": None}]
    out = limits.at_catalog_price(raw)
    assert [r["amount"] for r in out] == [None, None, D("500")]
    assert out[0]["option"] == 3 and raw[0]["amount"] == D("11000")  # the copy, not the source, is changed
