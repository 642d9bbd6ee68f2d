"""The JSON API: one NinjaAPI under /api/v1/, bearer-token or session auth, errors as {message, code, fields}."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from .errors import DomainError


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


def _fields_from_validation(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "payload", "form")]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(error.get("msg", _("Invalid value."))))
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
    return api.create_response(request, {"message": str(exc), "code": "http_error", "fields": {}}, status=exc.status_code)


def register_routers() -> None:
    """Mount each app's router (called once from the URL configuration)."""
    from showroom.accounts.api import router as accounts_router
    from showroom.customers.api import router as customers_router
    from showroom.followups.api import router as followups_router
    from showroom.leads.api import router as leads_router
    from showroom.reception.api import router as reception_router

    api.add_router("/auth", accounts_router)
    api.add_router("/customers", customers_router)
    api.add_router("/leads", leads_router)
    api.add_router("/", followups_router)
    api.add_router("/visits", reception_router)
