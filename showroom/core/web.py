"""Helpers for the HTML views: domain errors onto forms, htmx-aware rendering, pagination, the steps of a page of
several forms, private images."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import DomainError, NotFound, PermissionDenied
from .paging import KeyedPaginator

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


def refuse_on_form(form, err: DomainError) -> None:
    """A service's refusal on the form's fields; a record out of sight or a role without the right is not a form
    error but the 404 / 403 page (the middleware renders it)."""
    if isinstance(err, NotFound | PermissionDenied):
        raise err
    form_error(form, err)


def next_url(request, default: str) -> str:
    """Where to go after an action: the `next` the page sent (in the form or the query), if it is a path of ours.
    Only a path: `redirect()` would read a bare word ("abc") as a URL name and fail with a 500."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return target
    return default


def render_form(request, template: str, context: dict, *, partial: str | None = None) -> HttpResponse:
    """Render a page with a form; a form with errors answers 422 to htmx so it swaps the errors in."""
    form = context.get("form")
    invalid = bool(form is not None and form.is_bound and form.errors)
    status = 422 if invalid and request.htmx else 200
    return render(request, partial if (partial and request.htmx) else template, context, status=status)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page of a list (a bad page number gives the nearest page, never an error)."""
    paginator = KeyedPaginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def refuse(request, err: DomainError) -> None:
    messages.error(request, str(err.message) or _("The action was refused."))


def panels(setting: str, request, *args) -> list[dict]:
    """The cards other apps add to a page (settings.LEAD_STEP_PANELS, WORKBENCH_PANELS, MANAGER_PANELS): each
    function takes the request (and the page's record) and returns {"template": …, …context} or None."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    found = []
    for path in getattr(settings, setting):
        panel = import_string(path)(request, *args)
        if panel:
            found.append(panel)
    return found


def form_steps(*, load: Callable, page: Callable[..., HttpResponse], success_url: Callable[..., str]):
    """The steps of a page that carries several forms about one record (the test drive, the delivery hand-over, the
    order).

    Returns a decorator `step(form_class, form_key, done, *, files=False, form_kwargs=None, then=None)` that turns
    `act(user, record, data, form)`, the step's service call, into the step's POST view (signed-in users): the
    record is `load(user, pk)`; a valid form runs `act`, then the message `done` and a redirect to
    `success_url(record)` (or the step's own `then(record)`); invalid input or a service's refusal brings the page
    back with the form and its errors: `page(request, record, status=422, **{form_key: form})`, the record loaded
    afresh. `form_kwargs(user, record)` gives the form's other arguments."""

    def step(form_class, form_key: str, done, *, files: bool = False, form_kwargs: Callable | None = None,
             then: Callable[..., str] | None = None):
        def decorate(act):
            @login_required
            @require_POST
            def view(request, pk):
                user = request.user
                record = load(user, pk)
                extra = form_kwargs(user, record) if form_kwargs else {}
                form = form_class(request.POST, request.FILES if files else None, **extra)
                if form.is_valid():
                    try:
                        act(user, record, form.cleaned_data, form)
                    except DomainError as err:
                        refuse_on_form(form, err)
                    else:
                        messages.success(request, str(done))
                        return redirect((then or success_url)(record))
                return page(request, load(user, pk), status=422, **{form_key: form})

            for name in ("__module__", "__name__", "__qualname__", "__doc__"):
                setattr(view, name, getattr(act, name))
            return view

        return decorate

    return step


def private(response: HttpResponse) -> HttpResponse:
    """A response for the one who asked only: never kept by a shared cache, never sniffed as another type."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def signature_png(record) -> HttpResponse:
    """The customer's drawn signature kept on `record` (`signature_png`), as a private PNG; 404 while there is none."""
    if not record.signature_png:
        raise NotFound()
    return private(HttpResponse(bytes(record.signature_png), content_type="image/png"))
