"""How pages print money (`{% load money %}`): price tags in whole yuan unless there are fen, 万 where space is short."""

from decimal import Decimal

import pytest
from django.template import Context, Template


def _render(text: str, **context) -> str:
    return Template("{% load money %}" + text).render(Context(context))


@pytest.mark.parametrize(("amount", "shown"), [
    (Decimal("459800.00"), "¥459,800"),
    (Decimal("1280.50"), "¥1,280.50"),
    (Decimal("0"), "¥0"),
    (None, "—"),
    ("", "—"),
])
def test_a_price_tag_shows_whole_yuan_and_the_fen_only_when_there_are_any(amount, shown):
    assert _render("{{ amount|yuan }}", amount=amount) == shown


@pytest.mark.parametrize(("amount", "shown"), [
    (Decimal("459800"), "45.98万"),
    (Decimal("400000"), "40万"),
    (Decimal("398860"), "39.89万"),
    (None, "—"),
])
def test_a_guide_price_in_wan_drops_trailing_zeros(amount, shown):
    assert _render("{{ amount|wan }}", amount=amount) == shown
