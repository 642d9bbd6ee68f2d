"""Catalog pages: the browser every consultant uses on the tablet, one trim's sheet, and the admins' upkeep pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from showroom.accounts.capabilities import Capability, can, require
from showroom.core.errors import DomainError, NotFound
from showroom.core.web import (
    form_error,
    next_url,
    paginate,
    querystring_without_page,
    refuse_on_form,
    render_form,
)

from . import imports, selectors, services
from .forms import (
    AccessoryForm,
    BrandForm,
    ColourForm,
    ImportForm,
    OptionForm,
    SeriesForm,
    TrimFilterForm,
    TrimForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BROWSE_PAGE = 24
REPORT_ERROR_ROWS = 200


def _plain(value) -> str:
    """459800.00 → "459800" for an input the admin edits."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- Browsing --------------------------------------------------------------------------------------

@login_required
def browse(request):
    """The catalog for every consultant: filter by brand (ours or competitors), series, powertrain, body, seats, price."""
    user = request.user
    form = TrimFilterForm(request.GET, brands=selectors.brands_for(user), series=selectors.series_for(user))
    page = paginate(request, selectors.trim_search(user, **form.filters()), per_page=BROWSE_PAGE)
    context = {"form": form, "page": page, "query": querystring_without_page(request),
               "can_manage": can(user, Capability.MANAGE_STORE)}
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "catalog/_trim_results.html" if partial else "catalog/trim_list.html", context)


@login_required
def trim_detail(request, pk):
    """One trim: price, specifications, equipment, colours, option packages, fitting accessories and cars in stock."""
    from showroom.inventory.selectors import vehicle_list

    user = request.user
    trim = selectors.trim_get(user, pk)
    in_stock = vehicle_list(user, trim_id=trim.pk, status=["in_stock"]).count() if user.store_id else 0
    return render(request, "catalog/trim_detail.html", {
        "trim": trim, **selectors.trim_sheet(user, trim), "in_stock": in_stock,
        "can_manage": can(user, Capability.MANAGE_STORE),
    })


# --- Upkeep (store and group admins) ---------------------------------------------------------------

@login_required
def manage(request):
    """The admin's overview: brands with their series, and the accessories."""
    user = request.user
    require(user, Capability.MANAGE_STORE)
    return render(request, "catalog/manage.html", {
        "brands": selectors.catalog_tree(user), "accessories": selectors.accessories_for(user, active_only=False),
    })


@login_required
def series_manage(request, pk):
    """One series for the admin: its trims, colours and option packages, retired ones too."""
    user = request.user
    require(user, Capability.MANAGE_STORE)
    series = selectors.series_get(user, pk)
    return render(request, "catalog/series_manage.html", {
        "series": series,
        "trims": selectors.trim_search(user, series_id=series.pk, active_only=False, order="-year"),
        "colours": selectors.colours_for(user, series_id=series.pk, active_only=False),
        "options": selectors.options_for(user, series_id=series.pk, active_only=False),
    })


def _edit(request, *, form, title: str, back: str, save, done: str, after=None):
    """Show the entity's form; on a valid post call the service and go back (or to `after(saved)`), or show its
    refusal on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(dict(form.cleaned_data))
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, done)
            target = next_url(request, after(saved) if after else back)
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return render_form(request, "catalog/entity_form.html", {
        "form": form, "title": title, "back": back, "action": request.get_full_path(),
    }, partial="catalog/_entity_form.html")


def _manage_url() -> str:
    return reverse("catalog:manage")


def _series_url(series_id: int) -> str:
    return reverse("catalog:series_manage", args=[series_id])


@login_required
def brand_create(request):
    require(request.user, Capability.MANAGE_STORE)
    form = BrandForm(request.POST or None)
    return _edit(request, form=form, title=_("New brand"), back=_manage_url(), done=_("Brand added."),
                 save=lambda data: services.brand_create(actor=request.user, fields=data))


@login_required
def brand_edit(request, pk):
    require(request.user, Capability.MANAGE_STORE)
    brand = selectors.brand_get(request.user, pk)
    form = BrandForm(request.POST or None, initial={"name": brand.name, "is_own": brand.is_own, "sort_order": brand.sort_order})
    return _edit(request, form=form, title=_("Edit brand %(name)s") % {"name": brand.name}, back=_manage_url(),
                 done=_("Brand saved."), save=lambda data: services.brand_update(actor=request.user, brand=brand, fields=data))


@login_required
def series_create(request):
    user = request.user
    require(user, Capability.MANAGE_STORE)
    brands = list(selectors.brands_for(user, active_only=False))
    form = SeriesForm(request.POST or None, brands=brands, initial={"brand": request.GET.get("brand")})

    def save(data):
        brand = _get(selectors.brands_for(user, active_only=False), data.pop("brand"))
        return services.series_create(actor=user, brand=brand, fields=data)

    return _edit(request, form=form, title=_("New series"), back=_manage_url(), done=_("Series added."), save=save,
                 after=lambda series: _series_url(series.pk))


@login_required
def series_edit(request, pk):
    require(request.user, Capability.MANAGE_STORE)
    series = selectors.series_get(request.user, pk)
    form = SeriesForm(request.POST or None, initial={f: getattr(series, f) for f in services.SERIES_FIELDS})
    return _edit(request, form=form, title=_("Edit series %(name)s") % {"name": series}, back=_series_url(series.pk),
                 done=_("Series saved."), save=lambda data: services.series_update(actor=request.user, series=series, fields=data))


def _trim_initial(trim) -> dict:
    initial = {f: getattr(trim, f) for f in services.TRIM_FIELDS}
    initial["guide_price"] = _plain(trim.guide_price)
    return initial


@login_required
def trim_create(request):
    user = request.user
    require(user, Capability.MANAGE_STORE)
    series = list(selectors.series_for(user, active_only=False))
    form = TrimForm(request.POST or None, series=series, initial={"series": request.GET.get("series")})

    def save(data):
        chosen = _get(selectors.series_for(user, active_only=False), data.pop("series"))
        return services.trim_create(actor=user, series=chosen, fields=data)

    series_id = selectors.as_id(request.GET.get("series"))
    back = _series_url(series_id) if series_id else _manage_url()
    return _edit(request, form=form, title=_("New trim"), back=back, done=_("Trim added."), save=save,
                 after=lambda trim: _series_url(trim.series_id))


@login_required
def trim_edit(request, pk):
    require(request.user, Capability.MANAGE_STORE)
    trim = selectors.trim_get(request.user, pk)
    form = TrimForm(request.POST or None, initial=_trim_initial(trim))
    return _edit(request, form=form, title=_("Edit trim %(name)s") % {"name": trim}, back=_series_url(trim.series_id),
                 done=_("Trim saved."), save=lambda data: services.trim_update(actor=request.user, trim=trim, fields=data))


@login_required
def colour_create(request, series_pk):
    require(request.user, Capability.MANAGE_STORE)
    series = selectors.series_get(request.user, series_pk)
    form = ColourForm(request.POST or None)
    return _edit(request, form=form, title=_("New colour of %(series)s") % {"series": series}, back=_series_url(series.pk),
                 done=_("Colour added."), save=lambda data: services.colour_create(actor=request.user, series=series, fields=data))


@login_required
def colour_edit(request, pk):
    require(request.user, Capability.MANAGE_STORE)
    colour = _get(selectors.colours_for(request.user, active_only=False), pk)
    form = ColourForm(request.POST or None, initial={"kind": colour.kind, "name": colour.name, "code": colour.code,
                                                     "surcharge": _plain(colour.surcharge)})
    return _edit(request, form=form, title=_("Edit colour %(name)s") % {"name": colour.name},
                 back=_series_url(colour.series_id), done=_("Colour saved."),
                 save=lambda data: services.colour_update(actor=request.user, colour=colour, fields=data))


@login_required
def option_create(request, series_pk):
    require(request.user, Capability.MANAGE_STORE)
    series = selectors.series_get(request.user, series_pk)
    form = OptionForm(request.POST or None)
    return _edit(request, form=form, title=_("New option package of %(series)s") % {"series": series},
                 back=_series_url(series.pk), done=_("Option package added."),
                 save=lambda data: services.option_create(actor=request.user, series=series, fields=data))


@login_required
def option_edit(request, pk):
    require(request.user, Capability.MANAGE_STORE)
    option = _get(selectors.options_for(request.user, active_only=False), pk)
    form = OptionForm(request.POST or None, initial={"name": option.name, "code": option.code,
                                                     "description": option.description, "price": _plain(option.price)})
    return _edit(request, form=form, title=_("Edit option package %(name)s") % {"name": option.name},
                 back=_series_url(option.series_id), done=_("Option package saved."),
                 save=lambda data: services.option_update(actor=request.user, option=option, fields=data))


def _accessory_save(user, accessory=None):
    def save(data):
        series_id = data.pop("series", None)
        brand = accessory.brand if accessory else _get(selectors.brands_for(user, active_only=False), data.pop("brand"))
        data["series"] = _get(selectors.series_for(user, active_only=False, brand_id=brand.pk), series_id) if series_id else None
        if accessory is None:
            return services.accessory_create(actor=user, brand=brand, fields=data)
        return services.accessory_update(actor=user, accessory=accessory, fields=data)
    return save


@login_required
def accessory_create(request):
    user = request.user
    require(user, Capability.MANAGE_STORE)
    form = AccessoryForm(request.POST or None, brands=selectors.brands_for(user, active_only=False),
                         series=selectors.series_for(user, active_only=False), initial={"brand": request.GET.get("brand")})
    return _edit(request, form=form, title=_("New accessory"), back=_manage_url(), done=_("Accessory added."),
                 save=_accessory_save(user))


@login_required
def accessory_edit(request, pk):
    user = request.user
    require(user, Capability.MANAGE_STORE)
    accessory = _get(selectors.accessories_for(user, active_only=False), pk)
    form = AccessoryForm(request.POST or None, series=selectors.series_for(user, active_only=False, brand_id=accessory.brand_id),
                         initial={"series": accessory.series_id, "name": accessory.name, "category": accessory.category,
                                  "code": accessory.code, "price": _plain(accessory.price)})
    return _edit(request, form=form, title=_("Edit accessory %(name)s") % {"name": accessory.name}, back=_manage_url(),
                 done=_("Accessory saved."), save=_accessory_save(user, accessory))


# What can be retired, how to find it in the actor's group, and the services that retire and reinstate it.
RETIRABLE = {
    "brand": (lambda u: selectors.brands_for(u, active_only=False), "brand", services.brand_retire, services.brand_reinstate),
    "series": (lambda u: selectors.series_for(u, active_only=False), "series", services.series_retire,
               services.series_reinstate),
    "trim": (selectors.trims_for, "trim", services.trim_retire, services.trim_reinstate),
    "colour": (lambda u: selectors.colours_for(u, active_only=False), "colour", services.colour_retire,
               services.colour_reinstate),
    "option": (lambda u: selectors.options_for(u, active_only=False), "option", services.option_retire,
               services.option_reinstate),
    "accessory": (lambda u: selectors.accessories_for(u, active_only=False), "accessory", services.accessory_retire,
                  services.accessory_reinstate),
}


@login_required
@require_POST
def set_active(request, kind, pk):
    """Retire (take off sale) or reinstate a catalog entry; nothing is deleted."""
    user = request.user
    require(user, Capability.MANAGE_STORE)
    if kind not in RETIRABLE:
        raise NotFound()
    finder, argument, retire, reinstate = RETIRABLE[kind]
    obj = _get(finder(user), pk)
    active = request.POST.get("active") == "1"
    (reinstate if active else retire)(actor=user, **{argument: obj})
    messages.success(request, _("“%(name)s” is back on sale.") % {"name": obj} if active
                     else _("“%(name)s” is retired.") % {"name": obj})
    target = next_url(request, _manage_url())
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


# --- Sheet import ----------------------------------------------------------------------------------

def sheet_import_page(request, *, run, imported, template: str, context: dict):
    """The upload page of a sheet import (price list, stock sheet): imported in full, or nothing and the refused rows
    listed. `run(actor=, data=, filename=)` imports; `imported(report)` says what was imported."""
    require(request.user, Capability.MANAGE_STORE)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = run(actor=request.user, data=upload.read(), filename=upload.name)
        except DomainError as err:
            form_error(form, err)
        else:
            if report.ok:
                messages.success(request, imported(report))
    return render(request, template, {
        "form": form, "report": report, "errors_shown": report.errors[:REPORT_ERROR_ROWS] if report else [],
        "errors_more": max(0, len(report.errors) - REPORT_ERROR_ROWS) if report else 0, **context,
    })


@login_required
def import_sheet(request):
    """An admin uploads a price list: imported in full, or nothing and the refused rows listed."""
    return sheet_import_page(
        request, run=imports.catalog_import_sheet, template="catalog/import.html",
        imported=lambda report: _("Trims imported: %(created)d new, %(updated)d updated.")
        % {"created": report.created, "updated": report.updated},
        context={"template_url": reverse("catalog:import_template"), "title": _("Import trims from a price list")})


@login_required
@require_GET
def import_template(request):
    """The trim sheet template (Excel), with an example row and the explanation of each column."""
    require(request.user, Capability.MANAGE_STORE)
    response = HttpResponse(imports.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="catalog-import-template.xlsx"'
    return response
