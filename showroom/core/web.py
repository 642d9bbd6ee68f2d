"""Helpers for the HTML views: domain errors onto forms, htmx-aware rendering, pagination."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError

PAGE_SIZE = 25


def form_error(form, err: DomainError) -> None:
    """Show a service's refusal on the form: at the field it names, or at the top."""
    placed = False
    for field, msgs in err.fields.items():
        if field in form.fields:
            for msg in msgs:
                form.add_error(field, msg)
            placed = True
    if not placed:
        form.add_error(None, str(err.message))


def render_form(request, template: str, context: dict, *, partial: str | None = None) -> HttpResponse:
    """Render a page with a form; a form with errors answers 422 to htmx so it swaps the errors in."""
    form = context.get("form")
    invalid = bool(form is not None and form.is_bound and form.errors)
    status = 422 if invalid and request.htmx else 200
    return render(request, partial if (partial and request.htmx) else template, context, status=status)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page of a list (a bad page number gives the nearest page, never an error)."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def refuse(request, err: DomainError) -> None:
    messages.error(request, str(err.message) or _("The action was refused."))
