"""Reading the customer file: lists and the search Chinese staff expect (name, pinyin, mobile, 尾号)."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from showroom.accounts.models import user_display_name
from showroom.audit.models import PiiAccess
from showroom.core.labels import choice_labels
from showroom.core.paging import KeyedPages

from .identity import mask_id_number, mask_mobile
from .models import ConsentRecord, Customer, CustomerKind, Tag

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
    number = _typed_number(query)
    if number is None:
        return None
    kind, digits = number
    if kind == "mobile":
        return Q(**{f"{prefix}mobile": digits})
    if kind == "last4":
        return Q(**{f"{prefix}mobile_last4": digits})
    return _prefix(f"{prefix}mobile", digits)


def _typed_number(query: str) -> tuple[str, str] | None:
    """A number typed in the search box as ("mobile" | "last4" | "start", its digits): a full mainland mobile
    (with or without +86), the last four digits (尾号), or the start of a number; None for anything else."""
    text = (query or "").strip()
    if not text or not _DIGITS.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    elif digits.startswith("0086") and len(digits) == 15:
        digits = digits[4:]
    return ({11: "mobile", 4: "last4"}.get(len(digits), "start"), digits)


def _few_matches(query: str) -> bool:
    """A search whose matches the database reads and sorts in full for any page: a name (no index serves its
    order), a full mobile or its last four digits (a handful of customers); not the start of a number."""
    number = _typed_number(query)
    return bool(name_search_alternatives(query)) or (number is not None and number[0] != "start")


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


SORTS = ("-created_at", "created_at", "name_pinyin", "-name_pinyin", "-updated_at")  # the list's orders, first the default


def customer_pages(actor, *, table: bool = False, **filters) -> KeyedPages:
    """The customer list page and API, a page at a time: the page's keys from the scoped, searched, filtered query,
    then its rows: customers with their consultant, or with `table` the page's table rows (_table_rows).
    A search for a name or a number counts its matches in the same query (KeyedPages `counted`): two queries a page
    instead of three, and the visibility rule of a consultant, six branches with a name search, built and compiled
    once. The rows are read by id without the scope: the ids come from the scoped keys, and the scope repeated on
    a list of ids made SQLite read all of a consultant's customers (0.1 -> 5 ms)."""
    order = filters.pop("order", "-created_at")
    return KeyedPages(_customers(actor, **filters), _ordering(order),
                      rows=_table_rows if table else Customer.objects.select_related("owner"),
                      counted=_few_matches(filters.get("query", "")))


_TABLE_FIELDS = ("pk", "name", "kind", "contact_name", "mobile", "id_number", "city", "district", "source",
                 "created_at", "owner_id", "owner__full_name", "owner__first_name", "owner__last_name",
                 "owner__username", "tags__name")


def _table_rows(ids: list[int]) -> list[dict]:
    """The customer list page's rows of these customers, in the order of `ids` (found by customer_pages' scoped
    keys, never by anything else): what its table shows (the masked mobile and ID number, choice labels, tag
    names, the consultant's name), read as values in one query (a row a tag). Customers as model instances with
    their consultant and prefetched tags took three times as long."""
    kinds, sources = choice_labels(Customer, "kind"), choice_labels(Customer, "source")
    rows: dict[int, dict] = {}
    for v in Customer.objects.filter(pk__in=ids).order_by("pk", "tags__name").values(*_TABLE_FIELDS):
        row = rows.get(v["pk"])
        if row is None:
            row = rows[v["pk"]] = {
                "pk": v["pk"], "name": v["name"], "contact_name": v["contact_name"],
                "company": v["kind"] == CustomerKind.COMPANY, "kind": kinds.get(v["kind"], v["kind"]),
                "masked_mobile": mask_mobile(v["mobile"]), "masked_id_number": mask_id_number(v["id_number"]),
                "city": v["city"], "district": v["district"],
                "source": sources.get(v["source"], v["source"]) if v["source"] else "",
                "tags": [], "created_at": v["created_at"],
                "consultant": v["owner_id"] and user_display_name(
                    v["owner__full_name"], v["owner__first_name"], v["owner__last_name"], v["owner__username"]),
            }
        if v["tags__name"] is not None:
            row["tags"].append(v["tags__name"])
    return [rows[pk] for pk in ids if pk in rows]


def customer_list(actor, *, order: str = "-created_at", **filters) -> QuerySet[Customer]:
    """The customers the actor may see, searched, filtered and sorted, with their consultant (the export, the
    merge candidates)."""
    return _customers(actor, **filters).select_related("owner").order_by(*_ordering(order))


def _ordering(order: str) -> list[str]:
    return [order if order in SORTS else "-created_at", "-id"]


def _customers(actor, *, query: str = "", owner_id: int | None = None, kind: str = "", tag: str = "",
               unassigned: bool = False) -> QuerySet[Customer]:
    names = name_search_alternatives(query)
    if names:
        qs = Customer.objects.visible_to(actor, matching=names)
    else:
        qs = customers_for(actor)
        condition = search_filter(query)
        if condition is not None:
            qs = qs.filter(condition)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    elif unassigned:
        qs = qs.filter(owner__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tags__name=tag)
    return qs


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
