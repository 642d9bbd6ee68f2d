"""Reading the catalog: what a consultant compares, presents and quotes, always within the actor's dealer group.

Other apps (needs analysis, presentations, test drives, quotes) call these; a record of another group is
answered as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Prefetch, Q, QuerySet

from showroom.core.errors import NotFound

from .models import Accessory, Brand, Colour, OptionPackage, Powertrain, Series, Trim
from .scope import group_rule

TRIM_ORDERS = {
    "price": ("guide_price", "id"),
    "-price": ("-guide_price", "-id"),
    "series": ("-series__brand__is_own", "series__brand__sort_order", "series__brand__name", "series__sort_order",
               "series__name", "-model_year", "guide_price", "id"),
    "-year": ("-model_year", "guide_price", "id"),
    "name": ("name", "id"),
}


def brands_for(actor, *, own_brand: bool | None = None, active_only: bool = True) -> QuerySet[Brand]:
    """The brands of the actor's dealer group: ours first, then the competitors."""
    qs = Brand.objects.filter(group_rule(actor))
    if own_brand is not None:
        qs = qs.filter(is_own=own_brand)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def series_for(actor, own_brand: bool | None = None, *, active_only: bool = True,
               brand_id=None) -> QuerySet[Series]:
    """The model lines of the actor's group (ours, the competitors' or both), with their brand."""
    qs = Series.objects.filter(group_rule(actor, "brand__")).select_related("brand")
    if own_brand is not None:
        qs = qs.filter(brand__is_own=own_brand)
    if active_only:
        qs = qs.filter(is_active=True, brand__is_active=True)
    if as_id(brand_id):
        qs = qs.filter(brand_id=as_id(brand_id))
    return qs.order_by("-brand__is_own", "brand__sort_order", "brand__name", "sort_order", "name")


def trims_for(actor) -> QuerySet[Trim]:
    """Every trim of the actor's group, retired ones included (for detail pages and stock)."""
    return Trim.objects.filter(group_rule(actor, "series__brand__")).select_related("series", "series__brand")


def _as_list(value) -> list[str]:
    if value in (None, "", []):
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


def as_id(value) -> int | None:
    """An id as a caller may pass it (int or text); anything else (“²”, 5,000 digits, “-1”) is none."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def trim_search(actor, *, query: str = "", brand_id=None, own_brand: bool | None = None, series_id=None,
                powertrain: str | list | None = None, body_type: str | list | None = None, seats_min: int | None = None,
                price_min=None, price_max=None, active_only: bool = True, order: str = "price") -> QuerySet[Trim]:
    """Find trims to compare or present: by brand (ours or a competitor), series, powertrain, body, seats and guide
    price, and by text in the trim, series or brand name."""
    qs = trims_for(actor)
    if active_only:
        qs = qs.filter(is_active=True, series__is_active=True, series__brand__is_active=True)
    if as_id(brand_id):
        qs = qs.filter(series__brand_id=as_id(brand_id))
    if own_brand is not None:
        qs = qs.filter(series__brand__is_own=own_brand)
    if as_id(series_id):
        qs = qs.filter(series_id=as_id(series_id))
    powertrains = _as_list(powertrain)
    if powertrains:
        qs = qs.filter(powertrain__in=powertrains)
    bodies = _as_list(body_type)
    if bodies:
        qs = qs.filter(series__body_type__in=bodies)
    if as_id(seats_min):
        qs = qs.filter(seats__gte=as_id(seats_min))
    low, high = _amount(price_min), _amount(price_max)
    if low is not None:
        qs = qs.filter(guide_price__gte=low)
    if high is not None:
        qs = qs.filter(guide_price__lte=high)
    for word in (query or "").split()[:5]:
        qs = qs.filter(Q(name__icontains=word) | Q(series__name__icontains=word) | Q(series__brand__name__icontains=word)
                       | Q(series__maker__icontains=word))
    return qs.order_by(*TRIM_ORDERS.get(order, TRIM_ORDERS["price"]))


def trims_by_ids(actor, ids: Iterable) -> QuerySet[Trim]:
    """The trims with these ids that the actor's group owns (others are left out, as if they did not exist)."""
    clean = []
    for value in ids or ():
        try:
            clean.append(int(value))
        except (TypeError, ValueError):
            continue
    return trims_for(actor).filter(pk__in=clean)


def trim_get(actor, pk) -> Trim:
    """One trim of the actor's group; NotFound (404) otherwise."""
    try:
        return trims_for(actor).get(pk=pk)
    except (Trim.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def series_get(actor, pk) -> Series:
    try:
        return Series.objects.filter(group_rule(actor, "brand__")).select_related("brand").get(pk=pk)
    except (Series.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def brand_get(actor, pk) -> Brand:
    try:
        return Brand.objects.filter(group_rule(actor)).get(pk=pk)
    except (Brand.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def colours_for(actor, *, series_id=None, active_only: bool = True) -> QuerySet[Colour]:
    """Paints and interiors of the group's series, with their surcharge."""
    qs = Colour.objects.filter(group_rule(actor, "series__brand__"))
    if series_id is not None:
        qs = qs.filter(series_id=series_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("kind", "surcharge", "name", "id")


def options_for(actor, *, series_id=None, active_only: bool = True) -> QuerySet[OptionPackage]:
    """Factory option packages of the group's series, with their price."""
    qs = OptionPackage.objects.filter(group_rule(actor, "series__brand__"))
    if series_id is not None:
        qs = qs.filter(series_id=series_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("price", "name", "id")


def accessories_for(actor, *, brand_id=None, active_only: bool = True) -> QuerySet[Accessory]:
    """Dealer accessories (精品) of the group's brands."""
    qs = Accessory.objects.filter(group_rule(actor, "brand__")).select_related("brand", "series")
    if brand_id is not None:
        qs = qs.filter(brand_id=brand_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("category", "price", "name", "id")


def accessories_fitting(actor, trim: Trim, *, active_only: bool = True) -> QuerySet[Accessory]:
    """The accessories that fit a trim: those of its series and those of its brand for every series."""
    return accessories_for(actor, brand_id=trim.series.brand_id, active_only=active_only).filter(
        Q(series__isnull=True) | Q(series_id=trim.series_id))


def trim_sheet(actor, trim: Trim) -> dict:
    """Everything the trim page and a quote need beside the trim: colours, option packages, fitting accessories."""
    colours = list(colours_for(actor, series_id=trim.series_id))
    return {
        "exterior": [c for c in colours if c.kind == "exterior"],
        "interior": [c for c in colours if c.kind == "interior"],
        "options": list(options_for(actor, series_id=trim.series_id)),
        "accessories": list(accessories_fitting(actor, trim)),
    }


def catalog_tree(actor) -> list[Brand]:
    """The admin's overview: every brand of the group (retired too) with its series and their trim counts."""
    series = (Series.objects.annotate(trim_count=Count("trims", filter=Q(trims__is_active=True)))
              .order_by("sort_order", "name"))
    return list(Brand.objects.filter(group_rule(actor)).prefetch_related(Prefetch("series", queryset=series))
                .order_by("-is_own", "sort_order", "name"))


def powertrain_needs(powertrain: str) -> dict[str, bool]:
    """Which specifications a powertrain requires (for forms that show or hide fields)."""
    return {"displacement": powertrain in Powertrain.with_engine(), "battery": powertrain in Powertrain.with_battery()}
