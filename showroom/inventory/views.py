"""Stock pages: the stock list with ageing, one vehicle with its status moves, filing and editing, the sheet import
and the store's ageing threshold."""

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
from showroom.audit.selectors import entries_for
from showroom.catalog import selectors as catalog
from showroom.catalog.views import sheet_import_page
from showroom.core import clock
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.core.web import paginate, querystring_without_page, refuse_on_form, render_form

from . import imports, selectors, services
from .forms import StatusForm, StockSettingsForm, VehicleFilterForm, VehicleForm
from .models import Vehicle, VehicleStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_ROWS = 50


def _done(request, message: str, target: str):
    messages.success(request, message)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _mark_ageing(vehicles, ageing_days: int) -> None:
    today = clock.today()
    for vehicle in vehicles:
        vehicle.days = vehicle.days_in_stock(today)
        vehicle.aged = vehicle.days is not None and vehicle.days >= ageing_days


# --- The stock list --------------------------------------------------------------------------------

@login_required
def stock_list(request):
    """The store's cars: filtered, sorted, ageing cars highlighted; htmx swaps only the table and pushes the URL."""
    user = request.user
    ageing_days = selectors.ageing_days_for(user.store_id)
    form = VehicleFilterForm(request.GET, series=catalog.series_for(user, own_brand=True),
                             trims=catalog.trim_search(user, own_brand=True, order="series"),
                             colours=selectors.exterior_colour_names(user))
    page = paginate(request, selectors.vehicle_list(user, ageing_days=ageing_days, **form.filters()))
    page.object_list = list(page.object_list)
    _mark_ageing(page.object_list, ageing_days)
    context = {"form": form, "page": page, "query": querystring_without_page(request), "ageing_days": ageing_days,
               "aged_count": selectors.vehicle_list(user, aged=True, ageing_days=ageing_days).count(),
               "can_manage": can(user, Capability.MANAGE_STORE)}
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "inventory/_vehicle_table.html" if partial else "inventory/vehicle_list.html", context)


# --- One vehicle -----------------------------------------------------------------------------------

@login_required
def vehicle_detail(request, pk):
    """One car: trim, colours, where it is, how long it has been in stock, its status moves and its history."""
    return render(request, "inventory/vehicle_detail.html", _detail_context(request, selectors.vehicle_get(request.user, pk)))


def _detail_context(request, vehicle, status_form=None) -> dict:
    user = request.user
    ageing_days = selectors.ageing_days_for(vehicle.store_id)
    _mark_ageing([vehicle], ageing_days)
    allowed = services.vehicle_allowed_statuses(vehicle)
    can_manage = can(user, Capability.MANAGE_STORE)
    if status_form is None and can_manage and allowed:
        status_form = StatusForm(initial={"version": vehicle.version})
    if status_form is not None:
        status_form.fields["to"].choices = [(s, VehicleStatus(s).label) for s in allowed]
    return {"vehicle": vehicle, "ageing_days": ageing_days, "can_manage": can_manage, "status_form": status_form,
            "history": _history(entries_for(vehicle, limit=HISTORY_ROWS)) if can_manage else []}


def _label(value) -> str:
    if value in VehicleStatus.values:
        return str(VehicleStatus(value).label)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "—" if value in (None, "") else str(value)


def _history(entries) -> list[dict]:
    """The car's audit entries in words: filed, status moves, and which fields changed from what to what."""
    fields = {f.name: str(f.verbose_name) for f in Vehicle._meta.fields}
    lines = []
    for entry in entries:
        data = entry.data or {}
        if entry.action == "inventory.vehicle_status_changed":
            text = _("Status: %(from)s → %(to)s") % {"from": _label(data.get("from")), "to": _label(data.get("to"))}
        elif entry.action == "inventory.vehicle_created":
            text = _("Filed as “%(status)s”") % {"status": _label(data.get("status"))}
        elif entry.action == "inventory.vehicle_updated":
            parts = []
            for field, (old, new) in (data.get("changes") or {}).items():
                if field in ("trim", "exterior_colour", "interior_colour"):
                    parts.append(fields.get(field, field))  # ids say nothing to a reader: name the field only
                else:
                    parts.append(f"{fields.get(field, field)}: {_label(old)} → {_label(new)}")
            text = _("Edited: %(changes)s") % {"changes": "; ".join(parts)}
        else:
            text = entry.action
        lines.append({"at": entry.created_at, "actor": entry.actor, "text": text})
    return lines


@login_required
@require_POST
def vehicle_status(request, pk):
    """Move the car to its next status (in transit, in stock, reserved, sold, delivered)."""
    user = request.user
    vehicle = selectors.vehicle_get(user, pk)
    require(user, Capability.MANAGE_STORE)
    form = StatusForm(request.POST)
    form.fields["to"].choices = VehicleStatus.choices
    if form.is_valid():
        try:
            services.vehicle_change_status(actor=user, vehicle=vehicle, to=form.cleaned_data["to"],
                                           expected_version=form.cleaned_data["version"])
        except DomainError as err:
            # The form shows only the new status: a refused move or a stale version is said above it.
            refuse_on_form(form, DomainError(err.message, code=err.code) if not isinstance(err, NotFound | PermissionDenied)
                           else err)
        else:
            return _done(request, _("The car is now “%(status)s”.") % {"status": VehicleStatus(form.cleaned_data["to"]).label},
                         reverse("inventory:detail", args=[vehicle.pk]))
    response = render(request, "inventory/vehicle_detail.html", _detail_context(request, vehicle, status_form=form))
    response.status_code = 422 if request.htmx else 200
    return response


# --- Filing and editing ----------------------------------------------------------------------------

def _choices(user):
    trims = {t.pk: t for t in catalog.trims_for(user).order_by("-series__brand__is_own", "series__sort_order",
                                                               "series__name", "-model_year", "guide_price")}
    colours = {c.pk: c for c in catalog.colours_for(user, active_only=False)}
    return trims, colours


def _colours_of(colours: dict, trim) -> list:
    return [c for c in colours.values() if trim is not None and c.series_id == trim.series_id]


def _vehicle_form(request, *, trims, colours, trim_id, editing: bool, initial=None):
    trim = trims.get(trim_id)
    return VehicleForm(request.POST or None, initial=initial, editing=editing,
                       trims=[t for t in trims.values() if t.is_active or t.pk == trim_id],
                       colours=[c for c in _colours_of(colours, trim) if c.is_active or c.pk in (initial or {}).values()])


def _posted_trim(request, default=None):
    value = request.POST.get("trim") or request.GET.get("trim") or default
    return catalog.as_id(value)


@login_required
def vehicle_create(request):
    """File a car by its VIN: a factory order, a car on its way, or one in stock."""
    user = request.user
    require(user, Capability.MANAGE_STORE)
    trims, colours = _choices(user)
    form = _vehicle_form(request, trims=trims, colours=colours, trim_id=_posted_trim(request), editing=False,
                         initial={"trim": _posted_trim(request)})
    if request.method == "POST" and form.is_valid():
        try:
            vehicle = services.vehicle_create(actor=user, fields=form.vehicle_fields(trims=trims, colours=colours))
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Vehicle %(vin)s filed.") % {"vin": vehicle.vin},
                         reverse("inventory:detail", args=[vehicle.pk]))
    return render_form(request, "inventory/vehicle_form.html", {"form": form, "vehicle": None},
                       partial="inventory/_vehicle_form.html")


@login_required
def vehicle_edit(request, pk):
    """Correct a car's VIN, trim, colours, location, arrival, flags or plate; a save over a newer change is refused."""
    user = request.user
    vehicle = selectors.vehicle_get(user, pk)
    require(user, Capability.MANAGE_STORE)
    trims, colours = _choices(user)
    initial = {"version": vehicle.version, "vin": vehicle.vin, "trim": vehicle.trim_id,
               "exterior_colour": vehicle.exterior_colour_id, "interior_colour": vehicle.interior_colour_id,
               "arrival_date": vehicle.arrival_date, "location": vehicle.location, "is_display": vehicle.is_display,
               "is_test_drive": vehicle.is_test_drive, "plate": vehicle.plate, "notes": vehicle.notes}
    form = _vehicle_form(request, trims=trims, colours=colours, trim_id=_posted_trim(request, vehicle.trim_id),
                         editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.vehicle_update(actor=user, vehicle=vehicle, fields=form.vehicle_fields(trims=trims, colours=colours),
                                    expected_version=form.cleaned_data["version"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Vehicle saved."), reverse("inventory:detail", args=[vehicle.pk]))
    return render_form(request, "inventory/vehicle_form.html", {"form": form, "vehicle": vehicle},
                       partial="inventory/_vehicle_form.html")


@login_required
@require_GET
def colour_fields(request):
    """The colour selects for the trim just chosen (htmx, when the trim changes on the vehicle form)."""
    user = request.user
    require(user, Capability.MANAGE_STORE)
    trims, colours = _choices(user)
    trim_id = _posted_trim(request)
    form = VehicleForm(None, trims=list(trims.values()), colours=[c for c in _colours_of(colours, trims.get(trim_id))
                                                                   if c.is_active])
    return render(request, "inventory/_colour_fields.html", {"form": form})


# --- Import and settings ---------------------------------------------------------------------------

@login_required
def import_sheet(request):
    """An admin uploads a stock or shipping sheet: imported in full, or nothing and the refused rows listed."""
    return sheet_import_page(request, run=imports.stock_import_sheet, template="inventory/import.html", context={},
                             imported=lambda report: _("Vehicles imported: %(n)d.") % {"n": report.created})


@login_required
@require_GET
def import_template(request):
    """The stock sheet template (Excel), with an example row and the explanation of each column."""
    require(request.user, Capability.MANAGE_STORE)
    response = HttpResponse(imports.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="stock-import-template.xlsx"'
    return response


@login_required
def stock_settings(request):
    """The store's ageing threshold (库龄预警), for store and group admins."""
    user = request.user
    require(user, Capability.MANAGE_STORE)
    form = StockSettingsForm(request.POST or None, initial={"ageing_days": selectors.ageing_days_for(user.store_id)})
    if request.method == "POST" and form.is_valid():
        try:
            services.stock_settings_update(actor=user, ageing_days=form.cleaned_data["ageing_days"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Stock settings saved."), reverse("inventory:list"))
    return render_form(request, "inventory/stock_settings.html", {"form": form})
