"""Money as the showroom writes it: ¥459,800 on price tags, 45.98万 where space is short.

    {% load money %} … {{ trim.guide_price|yuan }} · {{ trim.guide_price|wan }}
"""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """¥459,800 (fen shown only when there are any)."""
    if value in (None, ""):
        return "—"
    amount = Decimal(value)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"¥{text}"


@register.filter
def wan(value) -> str:
    """45.98万, the way guide prices are quoted."""
    if value in (None, ""):
        return "—"
    text = f"{Decimal(value) / 10000:.2f}".rstrip("0").rstrip(".")
    return f"{text}万"
