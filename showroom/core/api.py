"""The JSON API: one NinjaAPI under /api/v1/, bearer-token or session auth, errors as {message, code, fields}."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import AfterValidator, ConfigDict, field_validator

from .clock import YEARS
from .errors import DomainError
from .paging import MAX_PAGE, KeyedPages


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from showroom.accounts.services import token_user

        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The signed-in browser session (CSRF-checked for writes), so pages can call the API too."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="Showroom API",
    version="1",
    description="Customers, leads, contacts, follow-ups and showroom visits of a dealership. "
    "Authenticate with `POST /api/v1/auth/token` and send `Authorization: Bearer <token>`.",
    auth=[BearerToken(), Session(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
)


# --- Input shapes shared by every endpoint -------------------------------------------------------
# Schemas check shape only; these bounds keep values the database cannot store (ids past 64 bits,
# years past 9999, NUL characters) from ever reaching it, so bad input is a 422, never a 500.

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=2**31 - 1)]
# Yuan with fen; 10 digits before the point is what the database columns hold.
Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]


def _within_years(value):
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(_("Enter a date between %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]})
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without an offset is the store's local time (Asia/Shanghai). A time with one is converted to it:
    ISO 8601 allows offsets up to ±23:59, PostgreSQL refuses those past ±15:59."""
    value = _within_years(value)
    return timezone.make_aware(value) if timezone.is_naive(value) else timezone.localtime(value)


When = Annotated[dt.datetime, AfterValidator(_aware)]
Day = Annotated[dt.date, AfterValidator(_within_years)]


class Input(Schema):
    """Base of query and body schemas: text must be storable (no NUL, valid Unicode)."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value):
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError(_("Text cannot contain NUL characters."))
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(_("Text must be valid Unicode.")) from None
        return value


class Body(Input):
    """A request body: unknown fields are refused, so a misspelt field is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Pagination(PageNumberPagination):
    """Page-number pagination with bounds (a page past the last one is empty, never an error)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=100)

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        if not (isinstance(queryset, KeyedPages) and queryset.counted):
            return super().paginate_queryset(queryset, pagination, request, **params)
        size = self._get_page_size(pagination.page_size)
        items, count = queryset.rows_and_count((pagination.page - 1) * size, size)
        return {self.items_attribute: items, "count": queryset.count() if count is None else count}


@contextmanager
def fields_renamed(mapping: dict[str, str]) -> Iterator[None]:
    """Report a service's field names as the API's input names (`owner` -> `owner_id`)."""
    try:
        yield
    except DomainError as err:
        err.fields = {mapping.get(key, key): value for key, value in err.fields.items()}
        if err.field:
            err.field = mapping.get(err.field, err.field)
        raise


_FIELD_PART = re.compile(r"^\w+$")


def _fields_from_validation(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        # Drop the parameter source and pydantic's union-member tags ("str-enum[Source]", "literal['']").
        loc = [str(part) for part in error.get("loc", [])
               if part not in ("body", "query", "path", "payload", "form", "filters") and _FIELD_PART.match(str(part))]
        messages = fields.setdefault(".".join(loc) or "__all__", [])
        message = str(error.get("msg", _("Invalid value.")))
        if message not in messages:
            messages.append(message)
    return fields


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    body = {"message": _("Some fields are invalid."), "code": "invalid_input", "fields": _fields_from_validation(exc.errors)}
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"message": _("Not found."), "code": "not_found", "fields": {}}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    body = {"message": _("Sign in, or send a valid bearer token."), "code": "unauthenticated", "fields": {}}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        body = {"message": _("The request body is not valid JSON."), "code": "malformed_json", "fields": {"__all__": [
            _("Send a JSON object.")]}}
        return api.create_response(request, body, status=400)
    return api.create_response(request, {"message": str(exc), "code": "http_error", "fields": {}}, status=exc.status_code)


def register_routers() -> None:
    """Mount each app's router (called once from the URL configuration)."""
    from showroom.accounts.api import router as accounts_router
    from showroom.aftercare.api import router as aftercare_router
    from showroom.catalog.api import router as catalog_router
    from showroom.customers.api import router as customers_router
    from showroom.deliveries.api import router as deliveries_router
    from showroom.followups.api import router as followups_router
    from showroom.inventory.api import router as inventory_router
    from showroom.leads.api import router as leads_router
    from showroom.needs.api import router as needs_router
    from showroom.orders.api import router as orders_router
    from showroom.presentations.api import router as presentations_router
    from showroom.quotes.api import router as quotes_router
    from showroom.reception.api import router as reception_router
    from showroom.testdrives.api import router as testdrives_router

    api.add_router("/auth", accounts_router)
    api.add_router("/customers", customers_router)
    api.add_router("/leads", leads_router)
    api.add_router("/", followups_router)
    api.add_router("/visits", reception_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/stock", inventory_router)
    api.add_router("/", needs_router)
    api.add_router("/", presentations_router)
    api.add_router("/", testdrives_router)
    api.add_router("/", quotes_router)
    api.add_router("/", orders_router)
    api.add_router("/", deliveries_router)
    api.add_router("/", aftercare_router)
