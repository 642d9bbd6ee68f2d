"""Delivery pages: the week's deliveries, booking one for a lead, and the hand-over on the tablet (PDI, checklist,
signature, photos, completion)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from showroom.accounts.capabilities import Capability, require, sees_whole_store
from showroom.core import clock
from showroom.core.errors import DomainError, NotFound
from showroom.core.scoping import get_visible
from showroom.core.web import form_steps, private, refuse_on_form, signature_png
from showroom.leads.models import Lead
from showroom.leads.services import lead_allowed_actions

from . import selectors, services
from .forms import AppointmentForm, ChecklistForm, PdiForm, PhotoForm, SignatureForm
from .models import CHECKLIST_GROUPS, PDI_ITEMS, Delivery, DeliveryPhoto
from .photos import MAX_BYTES, too_large


def _detail_url(delivery) -> str:
    return reverse("deliveries:detail", args=[delivery.pk])


def _first_day(request) -> dt.date:
    """The Monday of the week asked for (?week=YYYY-MM-DD), this week by default; a garbled or far-off day too."""
    try:
        day = dt.date.fromisoformat(request.GET.get("week") or "")
    except ValueError:
        day = clock.today()
    if abs((day - clock.today()).days) > 366:
        day = clock.today()
    return selectors.week_start(day)


@login_required
def week(request):
    """The week's deliveries, day by day: a consultant's own, the whole store's for a manager."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    first = _first_day(request)
    deliveries = list(selectors.deliveries_of_week(user, first))
    days = [{"day": first + dt.timedelta(days=i), "deliveries": []} for i in range(7)]
    for delivery in deliveries:
        days[(timezone.localtime(delivery.scheduled_at).date() - first).days]["deliveries"].append(delivery)
    return render(request, "deliveries/delivery_week.html", {
        "days": days, "first": first, "previous_week": first - dt.timedelta(days=7), "next_week": first + dt.timedelta(days=7),
        "today": clock.today(), "whole_store": sees_whole_store(user), "count": len(deliveries),
    })


@login_required
def schedule(request, lead_id):
    """Book the delivery of the lead's ordered car: when, where, and the paired service advisor."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    lead = get_visible(Lead, user, lead_id, select_related=("customer", "owner"))
    advisors = selectors.service_advisors(lead.store_id)
    form = AppointmentForm(request.POST or None, advisors=advisors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delivery = services.delivery_schedule(actor=user, lead=lead, scheduled_at=data["scheduled_at"],
                                                  place=data["place"], service_advisor=data["service_advisor"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Delivery booked."))
            return redirect(_detail_url(delivery))
    return render(request, "deliveries/delivery_schedule.html", {"lead": lead, "form": form},
                  status=422 if form.errors else 200)


def _context(request, delivery, **bound) -> dict:
    user = request.user
    advisors = selectors.service_advisors(delivery.store_id)
    order = delivery.order
    forms = {
        "appointment_form": AppointmentForm(advisors=advisors, initial={
            "scheduled_at": timezone.localtime(delivery.scheduled_at), "place": delivery.place,
            "service_advisor": delivery.service_advisor_id, "version": delivery.version}),
        "pdi_form": PdiForm(advisors=advisors, initial={
            "inspector": delivery.pdi_inspector_id or delivery.service_advisor_id, "pdi_notes": delivery.pdi_notes,
            "version": delivery.version, **{f"pdi_{code}": delivery.pdi_signed and delivery.pdi_results.get(code, False)
                                            for code, _l in PDI_ITEMS}}),
        "checklist_form": ChecklistForm(items=delivery.checklist_items(), initial={
            "first_service_due": delivery.first_service_due, "first_service_km": delivery.first_service_km,
            "version": delivery.version, **{f"item_{code}": delivery.checklist_ticked(code)
                                            for _g, code, _l in delivery.checklist_items()}}),
        "signature_form": SignatureForm(initial={"signer_name": delivery.signer_name or delivery.lead.customer.name}),
        "photo_form": PhotoForm(),
    }
    forms.update(bound)
    can_work = lead_allowed_actions(actor=user, lead=delivery.lead)["edit"]
    blockers = services.completion_blockers(delivery, order) if delivery.is_open else []
    return {
        "delivery": delivery, "lead": delivery.lead, "order": order, "vehicle": order.vehicle, **forms,
        "checklist_groups": forms["checklist_form"].groups(CHECKLIST_GROUPS),
        "photos": list(selectors.photos_of(user, delivery)), "can_work": can_work and delivery.is_open,
        "blockers": [str(b.message) for b in blockers], "max_mb": MAX_BYTES // (1024 * 1024),
    }


def _page(request, delivery, *, status: int = 200, **bound):
    return render(request, "deliveries/delivery_detail.html", _context(request, delivery, **bound), status=status)


@login_required
def detail(request, pk):
    """The hand-over on the tablet: appointment → PDI → checklist → signature → photos → complete."""
    return _page(request, selectors.delivery_get(request.user, pk))


def _advisors(user, delivery) -> dict:
    return {"advisors": selectors.service_advisors(delivery.store_id)}


# One step of the hand-over: a refusal brings the page back with the form and its errors (422).
_step = form_steps(load=selectors.delivery_get, page=_page, success_url=_detail_url)


@_step(AppointmentForm, "appointment_form", gettext_lazy("Appointment saved."), form_kwargs=_advisors)
def appointment(user, delivery, data, form):
    services.delivery_reschedule(actor=user, delivery=delivery, scheduled_at=data["scheduled_at"], place=data["place"],
                                 service_advisor=data["service_advisor"], expected_version=data["version"])


@_step(PdiForm, "pdi_form", gettext_lazy("PDI signed off."), form_kwargs=_advisors)
def pdi(user, delivery, data, form):
    services.delivery_sign_off_pdi(actor=user, delivery=delivery, results=form.results(), inspector=data["inspector"],
                                   notes=data["pdi_notes"], expected_version=data["version"])


@_step(ChecklistForm, "checklist_form", gettext_lazy("Checklist saved."),
       form_kwargs=lambda user, delivery: {"items": delivery.checklist_items()})
def checklist(user, delivery, data, form):
    services.delivery_record_checklist(actor=user, delivery=delivery, items=form.ticked(),
                                       first_service_due=data["first_service_due"],
                                       first_service_km=data["first_service_km"], expected_version=data["version"])


@_step(SignatureForm, "signature_form", gettext_lazy("Delivery confirmation signed."))
def sign(user, delivery, data, form):
    services.delivery_sign(actor=user, delivery=delivery, signer_name=data["signer_name"],
                           signature_data_url=data["signature"])


@_step(PhotoForm, "photo_form", gettext_lazy("Photo added."), files=True)
def photo_add(user, delivery, data, form):
    upload = data["photo"]
    if upload is not None and upload.size > MAX_BYTES:  # not read into memory at all
        raise too_large()
    services.delivery_add_photo(actor=user, delivery=delivery, data=upload.read() if upload else b"",
                                caption=data["caption"])


@login_required
@require_POST
def photo_remove(request, pk):
    photo = get_visible(DeliveryPhoto, request.user, pk)
    try:
        services.delivery_remove_photo(actor=request.user, photo=photo)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("Photo removed."))
    return redirect(reverse("deliveries:detail", args=[photo.delivery_id]))


@login_required
@require_POST
def complete(request, pk):
    """Hand the car over; the page lists what is still missing if it is refused."""
    delivery = selectors.delivery_get(request.user, pk)
    try:
        services.delivery_complete(actor=request.user, delivery=delivery)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        messages.error(request, str(err.message))
        return _page(request, selectors.delivery_get(request.user, pk), status=422)
    messages.success(request, _("The car is delivered. Congratulations! The follow-up calls are planned."))
    return redirect(reverse("leads:detail", args=[delivery.lead_id]))


@login_required
def photo(request, pk):
    """A delivery photo, to whoever may open the delivery (never cached by a shared proxy)."""
    found = get_visible(DeliveryPhoto, request.user, pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    return private(FileResponse(handle, content_type=found.content_type))


@login_required
def signature_image(request, pk):
    """The customer's signature on the delivery confirmation, to whoever may open the delivery."""
    return signature_png(get_visible(Delivery, request.user, pk))
