"""Reading quotes, approvals, negotiation rounds and the store's price settings, always within the actor's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from showroom.accounts.capabilities import Capability, can, sees_whole_store
from showroom.core.scoping import get_visible

from .models import (
    ApprovalRequest,
    ApprovalStatus,
    DiscountLimit,
    FinancePromotion,
    FloorPrice,
    InsuranceRate,
    NegotiationRound,
    Quote,
    QuoteLine,
    QuoteSettings,
    UnifiedPrice,
)

# Who decides approvals and edits the store's price settings: the sales manager and the store's admins (the roles
# that already approve lost sales and edit the sales scripts).
APPROVE_QUOTES = Capability.APPROVE_LOSS
EDIT_PRICE_SETTINGS = Capability.EDIT_SCRIPTS

QUOTE_RELATED = ("trim", "trim__series", "trim__series__brand", "exterior_colour", "interior_colour", "promotion",
                 "created_by")


def may_approve(user) -> bool:
    """The user decides discount approvals and may quote below the floor price."""
    return can(user, APPROVE_QUOTES) and sees_whole_store(user)


def may_edit_settings(user) -> bool:
    return can(user, EDIT_PRICE_SETTINGS) and sees_whole_store(user)


def store_settings(store_id: int) -> QuoteSettings:
    """The store's quote settings; the defaults (unsaved) until a manager saves them."""
    found = QuoteSettings.objects.filter(store_id=store_id).first()
    return found or QuoteSettings(store_id=store_id)


def discount_limit(user, store_id: int) -> Decimal | None:
    """The dealer discount the user may give without approval; None: no limit (a manager)."""
    if may_approve(user):
        return None
    own = DiscountLimit.objects.filter(consultant_id=user.pk, store_id=store_id).values_list("amount", flat=True).first()
    return own if own is not None else store_settings(store_id).discount_limit


def floor_price(store_id: int, trim_id: int) -> Decimal | None:
    return FloorPrice.objects.filter(store_id=store_id, trim_id=trim_id).values_list("price", flat=True).first()


def is_unified_price(store_id: int, trim_id: int) -> bool:
    return UnifiedPrice.objects.filter(store_id=store_id, trim_id=trim_id).exists()


def insurance_bands(store_id: int) -> list[InsuranceRate]:
    return list(InsuranceRate.objects.filter(store_id=store_id))


def quotes_for_lead(actor, lead) -> QuerySet[Quote]:
    """A lead's quote versions, newest first, with what the lead card and the comparison show."""
    return (Quote.objects.visible_to(actor).filter(lead_id=lead.pk).select_related(*QUOTE_RELATED)
            .order_by("-version"))


def quote_get(actor, pk, *, with_lines: bool = True) -> Quote:
    """One quote the actor may see (404 otherwise), with its lead, customer, consultant and lines."""
    quote = get_visible(Quote, actor, pk, select_related=(*QUOTE_RELATED, "lead", "lead__customer", "lead__owner",
                                                          "store", "issued_by"))
    if with_lines:
        quote.line_list = list(quote.lines.all())
    return quote


def quotes_with_lines(actor, lead, ids=None) -> list[Quote]:
    """A lead's quotes (or some of them) with their lines, oldest version first: for the comparison."""
    qs = quotes_for_lead(actor, lead).select_related("lead", "lead__customer", "store").prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.order_by(
        "kind", "position", "pk"), to_attr="line_list"))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return sorted(qs, key=lambda q: q.version)


def approvals_pending(actor) -> QuerySet[ApprovalRequest]:
    """Requests waiting for the manager's decision, oldest first."""
    if not may_approve(actor):
        return ApprovalRequest.objects.none()
    return (ApprovalRequest.objects.visible_to(actor).filter(status=ApprovalStatus.PENDING)
            .select_related("quote", "quote__lead", "quote__lead__customer", "quote__trim", "quote__trim__series",
                            "requested_by")
            .order_by("requested_at", "pk"))


def approvals_of_consultant(actor) -> QuerySet[ApprovalRequest]:
    """The consultant's own requests: pending ones and decisions not yet seen (their workbench notice)."""
    return (ApprovalRequest.objects.visible_to(actor).filter(requested_by_id=actor.pk)
            .filter(Q(status=ApprovalStatus.PENDING) | Q(status__in=(ApprovalStatus.APPROVED, ApprovalStatus.REJECTED),
                                                         seen_at__isnull=True))
            .select_related("quote", "quote__lead", "quote__lead__customer", "decided_by")
            .order_by("-requested_at", "-pk"))


def approval_get(actor, pk) -> ApprovalRequest:
    return get_visible(ApprovalRequest, actor, pk, select_related=("quote", "quote__lead", "quote__lead__customer",
                                                                   "quote__trim", "requested_by", "decided_by"))


def approvals_of_quote(actor, quote) -> QuerySet[ApprovalRequest]:
    return (ApprovalRequest.objects.visible_to(actor).filter(quote_id=quote.pk)
            .select_related("requested_by", "decided_by").order_by("-requested_at", "-pk"))


def rounds_for_lead(actor, lead) -> QuerySet[NegotiationRound]:
    """The negotiation log of a lead, newest first."""
    return (NegotiationRound.objects.visible_to(actor).filter(lead_id=lead.pk)
            .select_related("quote", "competitor_trim", "competitor_trim__series", "competitor_trim__series__brand",
                            "consultant")
            .order_by("-happened_at", "-pk"))


def promotions_for(actor) -> QuerySet[FinancePromotion]:
    """The store's finance promotions, current ones first."""
    return FinancePromotion.objects.visible_to(actor).prefetch_related("trims").order_by("-is_active", "-valid_until",
                                                                                          "name")


def active_promotions(actor, *, trim_id=None, on: dt.date | None = None) -> QuerySet[FinancePromotion]:
    """Promotions in use and valid on the day (for a trim: those listing it or listing no trim)."""
    from showroom.core import clock

    day = on or clock.today()
    qs = FinancePromotion.objects.visible_to(actor).filter(is_active=True, valid_from__lte=day, valid_until__gte=day)
    if trim_id is not None:
        qs = qs.filter(Q(trims__isnull=True) | Q(trims=trim_id)).distinct()
    return qs.prefetch_related("trims").order_by("annual_rate", "name")


def promotion_get(actor, pk) -> FinancePromotion:
    return get_visible(FinancePromotion, actor, pk)


def floor_prices(actor) -> QuerySet[FloorPrice]:
    return FloorPrice.objects.visible_to(actor).select_related("trim", "trim__series").order_by("trim__series__name",
                                                                                                "trim__guide_price")


def unified_prices(actor) -> QuerySet[UnifiedPrice]:
    return UnifiedPrice.objects.visible_to(actor).select_related("trim", "trim__series").order_by("trim__series__name")


def discount_limits(actor) -> QuerySet[DiscountLimit]:
    return DiscountLimit.objects.visible_to(actor).select_related("consultant").order_by("consultant__full_name")
