"""Test-drive pages: booking a slot, the day and week calendars, the drive on the tablet, the store's routes."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from showroom.accounts.capabilities import Capability, can, require
from showroom.core import clock
from showroom.core.errors import DomainError, NotFound
from showroom.core.scoping import get_visible
from showroom.core.web import form_steps, refuse_on_form, signature_png
from showroom.leads.models import Lead, Stage
from showroom.leads.services import lead_allowed_actions

from . import selectors, services
from .forms import (
    AgreementForm,
    BookForm,
    CompleteForm,
    LicenceForm,
    PolicyForm,
    ReasonForm,
    RouteForm,
    StartForm,
)
from .models import FEEDBACK_ASPECTS, Booking, BookingStatus, Route


def _day(request, default: dt.date | None = None) -> dt.date:
    """The day asked for (?day=YYYY-MM-DD), today by default; a garbled or far-off day is today too."""
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or request.POST.get("day") or "")
    except ValueError:
        return default or clock.today()
    return day if abs((day - clock.today()).days) <= 366 else clock.today()


def _policy_store(request, cars) -> int | None:
    return request.user.store_id or (cars[0].store_id if cars else None)


def _lead(request, lead_id) -> Lead:
    return get_visible(Lead, request.user, lead_id, select_related=("customer", "owner"))


def _drive_url(booking) -> str:
    return reverse("testdrives:drive", args=[booking.pk])


# --- Booking ----------------------------------------------------------------------------------------

def _slot_grid(request, day, cars, policy):
    starts, rows = selectors.day_board(request.user, day=day, cars=cars, policy=policy)
    return {"times": [timezone.localtime(s).strftime("%H:%M") for s in starts], "rows": rows}


def _book_page(request, *, lead, booking=None):
    user = request.user
    require(user, Capability.WORK_LEADS)
    cars = list(selectors.test_drive_cars(user).filter(store_id=lead.store_id))
    routes = list(selectors.routes_for(user, active_only=True).filter(store_id=lead.store_id))
    policy = selectors.store_policy(lead.store_id)
    default_day = timezone.localtime(booking.starts_at).date() if booking else None
    day = _day(request, default_day)
    initial = {"route": booking.route_id if booking else None, "version": booking.version if booking else None}
    form = BookForm(request.POST or None, routes=routes, initial=initial)
    if request.method == "POST" and form.is_valid():
        car_id, starts_at = form.cleaned_data["starts_at"]
        car = next((c for c in cars if c.pk == car_id), None)
        try:
            if car is None:
                raise DomainError(_("Choose a test-drive car of the store."), code="vehicle_invalid", field="starts_at")
            if booking is None:
                booking = services.testdrive_book(actor=user, lead=lead, vehicle=car, starts_at=starts_at,
                                                  slots=form.cleaned_data["slots"], route=form.cleaned_data["route"])
                messages.success(request, _("Test drive booked."))
            else:
                services.testdrive_reschedule(actor=user, booking=booking, vehicle=car, starts_at=starts_at,
                                              slots=form.cleaned_data["slots"],
                                              expected_version=form.cleaned_data["version"])
                messages.success(request, _("Test drive moved."))
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return redirect(_drive_url(booking))
    chosen = request.POST.get("starts_at", "")
    context = {"lead": lead, "booking": booking, "form": form, "day": day, "chosen": chosen,
               "previous_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1),
               **_slot_grid(request, day, cars, policy), "policy": policy, "cars": cars}
    template = "testdrives/_slot_picker.html" if request.htmx and request.method == "GET" else "testdrives/booking_form.html"
    return render(request, template, context, status=422 if form.errors and request.htmx else 200)


@login_required
def book(request, lead_id):
    """Book a test drive for the lead: pick a day, then a free slot of a car, and the route."""
    return _book_page(request, lead=_lead(request, lead_id))


@login_required
def move(request, pk):
    """Move a booked test drive to another slot or car."""
    booking = selectors.booking_detail(request.user, pk)
    if booking.status != BookingStatus.BOOKED:
        return redirect(_drive_url(booking))
    return _book_page(request, lead=booking.lead, booking=booking)


# --- Calendars --------------------------------------------------------------------------------------

@login_required
def calendar_day(request):
    """All test-drive cars against the day's slots; a colleague's booking shows as busy, without the customer."""
    user = request.user
    cars = list(selectors.test_drive_cars(user))
    store_id = _policy_store(request, cars)
    cars = [c for c in cars if c.store_id == store_id]
    policy = selectors.store_policy(store_id)
    day = _day(request)
    context = {"day": day, "previous_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1),
               "today": clock.today(), **_slot_grid(request, day, cars, policy), "policy": policy}
    return render(request, "testdrives/calendar_day.html", context)


@login_required
def car_week(request, pk):
    """One test-drive car's week, a row per day."""
    user = request.user
    car = selectors.test_drive_cars(user).filter(pk=pk).first()
    if car is None:
        raise NotFound()
    first = _day(request)
    policy = selectors.store_policy(car.store_id)
    times, rows = selectors.car_week(user, car=car, first_day=first, policy=policy)
    return render(request, "testdrives/car_week.html", {
        "car": car, "times": times, "rows": rows, "first": first, "previous_week": first - dt.timedelta(days=7),
        "next_week": first + dt.timedelta(days=7), "today": clock.today(),
    })


# --- The drive --------------------------------------------------------------------------------------

def _drive_context(request, booking, **bound) -> dict:
    user = request.user
    routes = list(selectors.routes_for(user, active_only=True).filter(store_id=booking.store_id))
    policy = selectors.store_policy(booking.store_id)
    lead = booking.lead
    needs_skip_reason = lead.stage < Stage.PRESENTATION and lead.is_open
    forms = {
        "licence_form": LicenceForm(initial={
            "ride_only": booking.ride_only, "licence_number": booking.licence_number,
            "licence_class": booking.licence_class, "licence_valid_until": booking.licence_valid_until,
            "licence_first_issued": booking.licence_first_issued}),
        "agreement_form": AgreementForm(routes=routes, initial={"route": booking.route_id,
                                                                "signer_name": booking.signer_name or lead.customer.name}),
        "start_form": StartForm(),
        "complete_form": CompleteForm(),
        "reason_form": ReasonForm(),
    }
    forms.update(bound)
    complete = forms["complete_form"]
    return {
        "booking": booking, "lead": lead, "policy": policy, "routes": routes, **forms,
        "can_work": lead_allowed_actions(actor=user, lead=lead)["edit"], "needs_skip_reason": needs_skip_reason,
        "score_fields": [complete[name] for name, _label in FEEDBACK_ASPECTS],
        "scores": [(label, getattr(booking, name)) for name, label in FEEDBACK_ASPECTS],
        "no_show_allowed": clock.now() >= booking.starts_at if booking.starts_at else False,
        "agreement_text": booking.agreement_text or policy.agreement_text,
        "decline_advances": lead.is_open and Stage.PRESENTATION <= lead.stage < Stage.NEGOTIATION,
    }


def _drive_page(request, booking, *, status: int = 200, **bound):
    return render(request, "testdrives/booking_drive.html", _drive_context(request, booking, **bound), status=status)


@login_required
def drive(request, pk):
    """The test drive on the tablet: licence → agreement and signature → start → finish with the feedback."""
    return _drive_page(request, selectors.booking_detail(request.user, pk))


def _routes(user, booking) -> dict:
    return {"routes": list(selectors.routes_for(user, active_only=True).filter(store_id=booking.store_id))}


# One step of the drive: on a refusal the page comes back with the form and its errors.
_step = form_steps(load=selectors.booking_detail, page=_drive_page, success_url=_drive_url)


@_step(LicenceForm, "licence_form", gettext_lazy("Licence recorded."))
def licence(user, booking, data, form):
    services.testdrive_check_licence(
        actor=user, booking=booking, ride_only=data["ride_only"], number=data["licence_number"],
        licence_class=data["licence_class"], valid_until=data["licence_valid_until"],
        first_issued=data["licence_first_issued"])


@_step(AgreementForm, "agreement_form", gettext_lazy("Agreement signed."), form_kwargs=_routes)
def agreement(user, booking, data, form):
    services.testdrive_sign_agreement(actor=user, booking=booking, signer_name=data["signer_name"],
                                      signature_data_url=data["signature"], accepted=data["accepted"], route=data["route"])


@_step(StartForm, "start_form", gettext_lazy("Drive started. Have a safe drive!"))
def start(user, booking, data, form):
    services.testdrive_start(actor=user, booking=booking, odometer_start=data["odometer_start"])


@_step(CompleteForm, "complete_form", gettext_lazy("Test drive completed; the lead moves on to the quote."))
def complete(user, booking, data, form):
    services.testdrive_complete(actor=user, booking=booking, odometer_end=data["odometer_end"], scores=form.scores(),
                                customer_comments=data["customer_comments"], consultant_notes=data["consultant_notes"],
                                skip_reason=data["skip_reason"])


@_step(ReasonForm, "reason_form", gettext_lazy("Test drive cancelled."))
def cancel(user, booking, data, form):
    services.testdrive_cancel(actor=user, booking=booking, reason=data["reason"])


@_step(ReasonForm, "reason_form", gettext_lazy("No-show recorded."))
def no_show(user, booking, data, form):
    services.testdrive_no_show(actor=user, booking=booking, reason=data["reason"])


@_step(ReasonForm, "reason_form", gettext_lazy("Decline recorded."))
def decline(user, booking, data, form):
    services.testdrive_decline(actor=user, lead=booking.lead, booking=booking, reason=data["reason"],
                               advance=data["advance"])


@login_required
@require_POST
def decline_lead(request, lead_id):
    """The customer declines a test drive (none booked): recorded on the lead page's card."""
    lead = _lead(request, lead_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.testdrive_decline(actor=request.user, lead=lead, reason=form.cleaned_data["reason"],
                                       advance=form.cleaned_data["advance"])
        except DomainError as err:
            if err.status in (403, 404):
                raise
            messages.error(request, str(err.message))
        else:
            messages.success(request, _("Decline recorded."))
    return redirect(reverse("leads:detail", args=[lead.pk]))


@login_required
def signature_image(request, pk):
    """The customer's signature, to whoever may open the test drive (never cached by a shared proxy)."""
    return signature_png(get_visible(Booking, request.user, pk))


# --- The store's routes and policy -------------------------------------------------------------------

@login_required
def route_list(request):
    """The store's test-drive routes and its test-drive policy."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    return render(request, "testdrives/route_list.html", {
        "routes": list(selectors.routes_for(user)), "policy": selectors.store_policy(user.store_id),
        "can_edit": can(user, Capability.EDIT_SCRIPTS),
    })


@login_required
def route_edit(request, pk=None):
    """Create or edit a route (managers and store admins)."""
    user = request.user
    require(user, Capability.EDIT_SCRIPTS)
    route = get_visible(Route, user, pk) if pk else None
    initial = {"name": route.name, "description": route.description, "distance_km": route.distance_km,
               "typical_minutes": route.typical_minutes, "active": route.active} if route else {"active": True}
    form = RouteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.route_save(actor=user, route=route, **form.cleaned_data)
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Route saved."))
            return redirect("testdrives:routes")
    return render(request, "testdrives/route_form.html", {"form": form, "route": route},
                  status=422 if form.errors else 200)


@login_required
def policy_edit(request):
    """The store's test-drive hours, slot length, probationary rule and agreement text (managers, store admins)."""
    user = request.user
    require(user, Capability.EDIT_SCRIPTS)
    policy = selectors.store_policy(user.store_id)
    form = PolicyForm(request.POST or None, initial={
        "opens_at": policy.opens_at, "closes_at": policy.closes_at, "slot_minutes": policy.slot_minutes,
        "probationary_may_drive": policy.probationary_may_drive, "agreement_text": policy.agreement_text})
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(actor=user, **form.cleaned_data)
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Test-drive policy saved."))
            return redirect("testdrives:routes")
    return render(request, "testdrives/policy_form.html", {"form": form}, status=422 if form.errors else 200)
