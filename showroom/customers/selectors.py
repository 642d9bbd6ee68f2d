"""Reading the customer file: lists and the search Chinese staff expect (name, pinyin, mobile, 尾号)."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet

from showroom.audit.models import PiiAccess

from .models import ConsentRecord, Customer, Tag

_DIGITS = re.compile(r"^\+?[\d\s-]+$")
_LATIN = re.compile(r"^[A-Za-z\s]+$")


def _prefix(field: str, value: str) -> Q:
    """field starts with value, written as a range so that a plain B-tree index serves it on any database."""
    return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\uffff"})


def search_filter(query: str, prefix: str = "") -> Q | None:
    """The filter for what someone typed in the search box; None for an empty query.
    `prefix` reaches the customer from another model ("customer__")."""
    alternatives = name_search_alternatives(query, prefix)
    if alternatives:
        return alternatives[0] if len(alternatives) == 1 else alternatives[0] | alternatives[1]
    text = (query or "").strip()
    if not text:
        return None
    if _DIGITS.match(text):
        digits = re.sub(r"\D", "", text)
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        elif digits.startswith("0086") and len(digits) == 15:
            digits = digits[4:]
        if len(digits) == 11:
            return Q(**{f"{prefix}mobile": digits})
        if len(digits) == 4:
            return Q(**{f"{prefix}mobile_last4": digits})
        return _prefix(f"{prefix}mobile", digits)
    return None


def name_search_alternatives(query: str, prefix: str = "") -> list[Q] | None:
    """A search by name: the name typed in Chinese, or its pinyin, full or initials ("zs" finds 张三), as
    alternative conditions; None when the query is empty or a number (mobile, last four digits)."""
    text = (query or "").strip()
    if not text or _DIGITS.match(text):
        return None
    if _LATIN.match(text):
        key = re.sub(r"\s", "", text).lower()
        return [_prefix(f"{prefix}name_initials", key), _prefix(f"{prefix}name_pinyin", key)]
    return [_prefix(f"{prefix}name", text)]


def customers_named(actor, query: str) -> QuerySet[Customer] | None:
    """The ids of the customers the actor may see whose name (or its pinyin) the query starts; None for a query
    that is not a name. A lead search filters on these: the customer file's name indexes find them, where a
    condition on each lead's customer would join every lead of the list to its customer first."""
    names = name_search_alternatives(query)
    return Customer.objects.visible_to(actor, matching=names).values("pk") if names else None


def customers_for(actor) -> QuerySet[Customer]:
    """The customers the actor may see."""
    return Customer.objects.visible_to(actor)


def customer_table(actor, **filters) -> QuerySet[Customer]:
    """The customer list page: `customer_list` with each row's tags (as `tag_list`, read without a queryset a row)."""
    return customer_list(actor, **filters).prefetch_related(Prefetch("tags", to_attr="tag_list"))


def customer_list(actor, *, query: str = "", owner_id: int | None = None, kind: str = "", tag: str = "",
                  order: str = "-created_at", unassigned: bool = False) -> QuerySet[Customer]:
    """The customer list page and API: scoped, searched, filtered and sorted."""
    names = name_search_alternatives(query)
    if names:
        qs = Customer.objects.visible_to(actor, matching=names)
    else:
        qs = customers_for(actor)
        condition = search_filter(query)
        if condition is not None:
            qs = qs.filter(condition)
    qs = qs.select_related("owner")
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    elif unassigned:
        qs = qs.filter(owner__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tags__name=tag)
    allowed = {"-created_at", "created_at", "name_pinyin", "-name_pinyin", "-updated_at"}
    return qs.order_by(order if order in allowed else "-created_at", "-id")


def customer_match_for_reception(actor, mobile: str) -> Customer | None:
    """The customer filed under this full mobile number, for reception's match (no history beyond it)."""
    return Customer.objects.matched_by_mobile(actor, mobile).select_related("owner").first()


def tag_names_for(actor) -> list[str]:
    """The tag names of the actor's store (every store for a group admin), for the list's tag filter."""
    from showroom.accounts.capabilities import sees_all_stores

    tags = Tag.objects.all() if sees_all_stores(actor) else Tag.objects.filter(store_id=actor.store_id)
    return list(tags.order_by("name").values_list("name", flat=True).distinct())


def consents_for(actor, customer: Customer) -> QuerySet[ConsentRecord]:
    """The consent given and withdrawn by the customer, newest first, with who recorded it."""
    return ConsentRecord.objects.visible_to(actor).filter(customer=customer).select_related("recorded_by")


def pii_accesses_for(actor, customer: Customer) -> QuerySet[PiiAccess]:
    """Who was shown a full mobile or ID number of this customer (a manager's view of the PIPL log)."""
    return PiiAccess.objects.visible_to(actor).filter(customer=customer).select_related("actor").order_by("-created_at", "-id")
