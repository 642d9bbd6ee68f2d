"""Every change to test drives: booking a car's slot, moving and cancelling it, the licence check, the signed
agreement, the drive itself with its feedback, no-shows and declines; and the store's routes and policy.

A booking takes its car's time as `SlotHold` rows under a unique constraint, inserted in a savepoint: of two
requests for the same time the database lets exactly one in, and the other gets a Conflict naming the booked
time — nothing of it is saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.core import clock
from showroom.core.errors import Conflict, DomainError
from showroom.core.scoping import get_visible
from showroom.core.versioning import bump, check_version
from showroom.followups import services as followups
from showroom.followups.models import TaskStatus
from showroom.inventory.models import Vehicle
from showroom.leads import services as leads
from showroom.leads.models import Lead, Stage, Status

from . import signature
from .models import (
    CAR_CLASSES,
    FEEDBACK_ASPECTS,
    GRAIN,
    Booking,
    BookingStatus,
    LicenceClass,
    Policy,
    Route,
    SlotHold,
)
from .selectors import store_policy, test_drive_cars

MAX_SLOTS = 6  # one booking covers at most this many slots (three hours at 30 minutes)
BOOK_AHEAD_DAYS = 60
MAX_ODOMETER = 2_000_000
MAX_DRIVE_KM = 500
MIN_AGE_OF_LICENCE = dt.timedelta(days=365)


# --- Helpers -------------------------------------------------------------------------------------

def _hm(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _span_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    return f"{_when(starts_at)}–{_hm(ends_at)}"


def _grains(starts_at: dt.datetime, ends_at: dt.datetime) -> list[dt.datetime]:
    out, moment = [], starts_at
    while moment < ends_at:
        out.append(moment)
        moment += GRAIN
    return out


def _lock_booking(actor, booking: Booking) -> Booking:
    """The booking and its lead, locked, if the actor may see them; the lead must be workable by the actor."""
    booking = get_visible(Booking, actor, booking.pk, for_update=True)
    lead = get_visible(Lead, actor, booking.lead_id, for_update=True, select_related=("customer",))
    leads.require_may_work(actor, lead)
    booking.lead = lead
    return booking


def _require_status(booking: Booking, *allowed: str, field: str | None = None) -> None:
    if booking.status not in allowed:
        raise DomainError(
            _("This test drive is %(status)s; that step is no longer possible.") % {"status": booking.get_status_display()},
            code="booking_status", field=field)


def _check_slot(*, policy: Policy, starts_at: dt.datetime, slots: int, now: dt.datetime) -> dt.datetime:
    """The end of a booking of `slots` slots from `starts_at`, which must be a slot of the store's day, not over."""
    try:
        slots = int(slots)
    except (TypeError, ValueError):
        slots = 0
    if not 1 <= slots <= MAX_SLOTS:
        raise DomainError(_("Book between 1 and %(max)s slots.") % {"max": MAX_SLOTS}, code="slots_invalid", field="slots")
    if starts_at is None:
        raise DomainError(_("Choose a free slot."), code="slot_required", field="starts_at")
    local = timezone.localtime(starts_at)
    day = local.date()
    opens = clock.at_local(day, policy.opens_at.hour, policy.opens_at.minute)
    closes = clock.at_local(day, policy.closes_at.hour, policy.closes_at.minute)
    length = dt.timedelta(minutes=policy.slot_minutes)
    offset = starts_at - opens
    if starts_at < opens or starts_at >= closes or offset % length or local.second or local.microsecond:
        raise DomainError(
            _("Choose one of the store's slots: every %(minutes)s minutes from %(opens)s to %(closes)s.")
            % {"minutes": policy.slot_minutes, "opens": policy.opens_at.strftime("%H:%M"),
               "closes": policy.closes_at.strftime("%H:%M")},
            code="slot_invalid", field="starts_at")
    ends_at = starts_at + slots * length
    if ends_at > closes:
        raise DomainError(_("The drive must end by %(closes)s, when the store's test drives end.")
                          % {"closes": policy.closes_at.strftime("%H:%M")}, code="slot_after_hours", field="slots")
    if ends_at <= now:
        raise DomainError(_("This slot is already over; choose a later one."), code="slot_past", field="starts_at")
    if day > timezone.localtime(now).date() + dt.timedelta(days=BOOK_AHEAD_DAYS):
        raise DomainError(_("Test drives can be booked up to %(days)s days ahead.") % {"days": BOOK_AHEAD_DAYS},
                          code="slot_too_far", field="starts_at")
    return ends_at


def _bookable_car(actor, vehicle: Vehicle, lead: Lead) -> Vehicle:
    car = test_drive_cars(actor).filter(pk=getattr(vehicle, "pk", None), store_id=lead.store_id).first()
    if car is None:
        raise DomainError(_("Choose a test-drive car of the store."), code="vehicle_invalid", field="vehicle")
    return car


def _route(actor, route, store_id: int, *, required: bool = False) -> Route | None:
    if route is None:
        if required:
            raise DomainError(_("Choose the test-drive route."), code="route_required", field="route")
        return None
    found = Route.objects.visible_to(actor).filter(pk=getattr(route, "pk", route), store_id=store_id, active=True).first()
    if found is None:
        raise DomainError(_("Choose one of the store's test-drive routes in use."), code="route_invalid", field="route")
    return found


def _hold(*, booking: Booking, vehicle: Vehicle, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """Take the car's time for the booking, or refuse with the booking already holding it."""
    grains = _grains(starts_at, ends_at)
    taken = _holder(vehicle, grains)
    if taken is None:
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the outer transaction usable on PostgreSQL
                SlotHold.objects.bulk_create([SlotHold(booking=booking, vehicle=vehicle, starts_at=g) for g in grains])
            return
        except IntegrityError:
            taken = _holder(vehicle, grains)
    if taken is not None:
        raise Conflict(_("This car is already booked from %(start)s to %(end)s.")
                       % {"start": _when(taken.starts_at), "end": _hm(taken.ends_at)}, code="slot_taken", field="starts_at")
    raise Conflict(_("This car was booked for that time a moment ago; choose another slot."), code="slot_taken",
                   field="starts_at")


def _holder(vehicle: Vehicle, grains: list[dt.datetime]) -> Booking | None:
    hold = (SlotHold.objects.filter(vehicle=vehicle, starts_at__in=grains).select_related("booking")
            .only("booking__starts_at", "booking__ends_at").order_by("starts_at").first())
    return hold.booking if hold else None


def _release(booking: Booking) -> None:
    SlotHold.objects.filter(booking=booking).delete()


def _check_lead_free(lead: Lead, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: int | None = None) -> None:
    """One customer cannot be on two test drives at once (the lead is locked, so this cannot race)."""
    other = (Booking.objects.filter(lead=lead, status__in=(BookingStatus.BOOKED, BookingStatus.IN_PROGRESS),
                                    starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(pk=exclude).first())
    if other is not None:
        raise Conflict(_("The customer already has a test drive from %(start)s to %(end)s.")
                       % {"start": _when(other.starts_at), "end": _hm(other.ends_at)}, code="lead_busy", field="starts_at")


def _reminder_due(starts_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The morning before the drive, to confirm it with the customer; for a drive booked later than that, within the
    hour (and before the drive), so the reminder is not overdue the moment it is made."""
    day_before = clock.at_local(timezone.localtime(starts_at).date() - dt.timedelta(days=1), 10)
    if day_before > now:
        return day_before
    return max(now, min(now + dt.timedelta(hours=1), starts_at - dt.timedelta(minutes=30)))


def _plan_reminder(*, actor, booking: Booking, vehicle: Vehicle, now: dt.datetime) -> None:
    title = _("Confirm the test drive %(when)s (%(car)s) with the customer") % {
        "when": _span_text(booking.starts_at, booking.ends_at), "car": car_label(vehicle)}
    task = followups.task_create(actor=actor, lead=booking.lead, title=title,
                                 due_at=_reminder_due(booking.starts_at, now))
    booking.reminder_task = task


def _drop_reminder(*, actor, booking: Booking, reason: str) -> None:
    task = booking.reminder_task
    if task is not None and task.status == TaskStatus.OPEN:
        booking.reminder_task = followups.task_cancel(actor=actor, task=task, reason=reason)


def car_label(vehicle: Vehicle) -> str:
    """“A6L 京A12345”: the series and the plate by which the store knows the car."""
    name = vehicle.trim.series.name if vehicle.trim_id else vehicle.vin
    return f"{name} {vehicle.plate}".strip()


def _check_lead(lead: Lead) -> None:
    if lead.status != Status.OPEN:
        raise DomainError(_("Only an open lead can book a test drive."), code="lead_not_open", field="lead")
    if lead.owner_id is None:
        raise DomainError(_("Assign the lead to a consultant before booking a test drive."), code="lead_unassigned",
                          field="lead")
    if lead.stage >= Stage.ORDER:
        raise DomainError(_("The customer has ordered; no test drive is needed."), code="lead_has_order", field="lead")


# --- Booking ---------------------------------------------------------------------------------------

def testdrive_book(*, actor, lead: Lead, vehicle: Vehicle, starts_at: dt.datetime, slots: int = 1,
                   route: Route | int | None = None, now: dt.datetime | None = None) -> Booking:
    """Book a test-drive car for the lead's customer from a free slot; the consultant gets a reminder the day before."""
    require(actor, Capability.WORK_LEADS)
    now = now or clock.now()
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True, select_related=("customer",))
        leads.require_may_work(actor, lead)
        _check_lead(lead)
        car = _bookable_car(actor, vehicle, lead)
        ends_at = _check_slot(policy=store_policy(lead.store_id), starts_at=starts_at, slots=slots, now=now)
        chosen_route = _route(actor, route, lead.store_id)
        _check_lead_free(lead, starts_at, ends_at)
        booking = Booking.objects.create(
            store_id=lead.store_id, lead=lead, vehicle=car, consultant_id=lead.owner_id, route=chosen_route,
            starts_at=starts_at, ends_at=ends_at, created_by=actor, updated_by=actor,
        )
        _hold(booking=booking, vehicle=car, starts_at=starts_at, ends_at=ends_at)
        _plan_reminder(actor=actor, booking=booking, vehicle=car, now=now)
        booking.save(update_fields=["reminder_task"])
        audit.record(actor=actor, action="testdrives.booked", target=booking, data={
            "lead": lead.pk, "vehicle": car_label(car), "from": starts_at, "to": ends_at,
            "route": chosen_route.name if chosen_route else "",
        })
    return booking


def testdrive_reschedule(*, actor, booking: Booking, vehicle: Vehicle, starts_at: dt.datetime, slots: int = 1,
                         expected_version: int | None = None, now: dt.datetime | None = None) -> Booking:
    """Move a booked test drive to another slot or car; the reminder moves with it."""
    require(actor, Capability.WORK_LEADS)
    now = now or clock.now()
    with transaction.atomic():
        booking = _lock_booking(actor, booking)
        check_version(booking, expected_version)
        _require_status(booking, BookingStatus.BOOKED, field="starts_at")
        lead = booking.lead
        _check_lead(lead)
        car = _bookable_car(actor, vehicle, lead)
        ends_at = _check_slot(policy=store_policy(lead.store_id), starts_at=starts_at, slots=slots, now=now)
        _check_lead_free(lead, starts_at, ends_at, exclude=booking.pk)
        before = {"vehicle": booking.vehicle_id, "from": booking.starts_at, "to": booking.ends_at}
        _release(booking)
        _hold(booking=booking, vehicle=car, starts_at=starts_at, ends_at=ends_at)
        booking.vehicle, booking.starts_at, booking.ends_at = car, starts_at, ends_at
        _drop_reminder(actor=actor, booking=booking, reason=_("The test drive was moved."))
        _plan_reminder(actor=actor, booking=booking, vehicle=car, now=now)
        booking.save(update_fields=bump(booking, actor, ["vehicle", "starts_at", "ends_at", "reminder_task"]))
        audit.record(actor=actor, action="testdrives.rescheduled", target=booking, data={
            "vehicle": [before["vehicle"], car.pk], "from": [before["from"], starts_at], "to": [before["to"], ends_at],
        })
    return booking


def _end_without_drive(*, actor, booking: Booking, status: str, reason: str, action: str) -> Booking:
    previous = booking.status
    _release(booking)
    booking.status, booking.reason = status, reason[:300]
    _drop_reminder(actor=actor, booking=booking, reason=str(BookingStatus(status).label))
    booking.save(update_fields=bump(booking, actor, ["status", "reason"]))
    audit.record(actor=actor, action=action, target=booking, data={"status": [previous, status], "reason": reason})
    return booking


def testdrive_cancel(*, actor, booking: Booking, reason: str = "") -> Booking:
    """Cancel a booked test drive: the car's slot is free again and the reminder is dropped."""
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        booking = _lock_booking(actor, booking)
        _require_status(booking, BookingStatus.BOOKED, field="reason")
        return _end_without_drive(actor=actor, booking=booking, status=BookingStatus.CANCELLED,
                                  reason=(reason or "").strip(), action="testdrives.cancelled")


def testdrive_no_show(*, actor, booking: Booking, reason: str, now: dt.datetime | None = None) -> Booking:
    """The customer did not come at the booked time: recorded with the reason, the car's time given back."""
    require(actor, Capability.WORK_LEADS)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the customer did not come (as far as you know)."), code="reason_required", field="reason")
    now = now or clock.now()
    with transaction.atomic():
        booking = _lock_booking(actor, booking)
        _require_status(booking, BookingStatus.BOOKED, field="reason")
        if now < booking.starts_at:
            raise DomainError(_("A no-show can be recorded once the booked time has begun (%(start)s).")
                              % {"start": _when(booking.starts_at)}, code="not_yet", field="reason")
        return _end_without_drive(actor=actor, booking=booking, status=BookingStatus.NO_SHOW, reason=reason,
                                  action="testdrives.no_show")


def testdrive_decline(*, actor, lead: Lead, reason: str, booking: Booking | None = None, advance: bool = True) -> Booking:
    """The customer declines the test drive, with the reason; a lead at presentation or test drive may then move
    on to the quote, the reason recorded as why the test-drive step was skipped."""
    require(actor, Capability.WORK_LEADS)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the customer declines the test drive."), code="reason_required", field="reason")
    with transaction.atomic():
        if booking is not None:
            booking = _lock_booking(actor, booking)
            if booking.lead_id != lead.pk:
                raise DomainError(_("This test drive belongs to another lead."), code="booking_other_lead", field="booking")
            _require_status(booking, BookingStatus.BOOKED, field="reason")
            lead = booking.lead
            booking = _end_without_drive(actor=actor, booking=booking, status=BookingStatus.DECLINED, reason=reason,
                                         action="testdrives.declined")
        else:
            lead = get_visible(Lead, actor, lead.pk, for_update=True, select_related=("customer",))
            leads.require_may_work(actor, lead)
            _check_lead(lead)
            booking = Booking.objects.create(store_id=lead.store_id, lead=lead, consultant_id=lead.owner_id,
                                             status=BookingStatus.DECLINED, reason=reason[:300], created_by=actor,
                                             updated_by=actor)
            audit.record(actor=actor, action="testdrives.declined", target=booking, data={"reason": reason})
        if advance and lead.status == Status.OPEN and Stage.PRESENTATION <= lead.stage < Stage.NEGOTIATION:
            leads.lead_advance_stage(actor=actor, lead=lead, to=Stage.NEGOTIATION,
                                     skip_reason=_("Test drive declined: %(reason)s") % {"reason": reason})
    return booking


# --- Before the drive ------------------------------------------------------------------------------

def _probationary(first_issued: dt.date, today: dt.date) -> bool:
    return first_issued + MIN_AGE_OF_LICENCE > today


def testdrive_check_licence(*, actor, booking: Booking, ride_only: bool = False, number: str = "",
                            licence_class: str = "", valid_until: dt.date | None = None,
                            first_issued: dt.date | None = None, today: dt.date | None = None) -> Booking:
    """Record the driving licence seen (number, class, validity); an expired or unsuitable licence cannot drive,
    and a driver in the probationary first year rides along only unless the store allows it."""
    require(actor, Capability.WORK_LEADS)
    today = today or clock.today()
    number = (number or "").strip().upper()
    if not ride_only:
        if not number:
            raise DomainError(_("Enter the licence number."), code="licence_number_required", field="licence_number")
        if not (6 <= len(number) <= 20 and number.isascii() and number.isalnum()):
            raise DomainError(_("Enter the licence number as printed (6–20 letters and digits)."),
                              code="licence_number_invalid", field="licence_number")
        if licence_class not in LicenceClass.values:
            raise DomainError(_("Choose the licence class."), code="licence_class_invalid", field="licence_class")
        if licence_class not in CAR_CLASSES:
            raise DomainError(_("A %(class)s licence does not cover driving this car: the customer may ride along only.")
                              % {"class": licence_class}, code="licence_class_unsuitable", field="licence_class")
        if valid_until is None:
            raise DomainError(_("Enter the date the licence is valid until."), code="licence_valid_required",
                              field="licence_valid_until")
        if valid_until < today:
            raise DomainError(_("The licence expired on %(date)s: the customer cannot drive.")
                              % {"date": formats.date_format(valid_until, "DATE_FORMAT")},
                              code="licence_expired", field="licence_valid_until")
        if first_issued is None:
            raise DomainError(_("Enter the date of first issue (初次领证日期)."), code="licence_issued_required",
                              field="licence_first_issued")
        if first_issued > today or first_issued > valid_until:
            raise DomainError(_("The date of first issue must lie in the past and before the validity date."),
                              code="licence_issued_invalid", field="licence_first_issued")
    with transaction.atomic():
        booking = _lock_booking(actor, booking)
        _require_status(booking, BookingStatus.BOOKED, field="licence_number")
        policy = store_policy(booking.store_id)
        if not ride_only and _probationary(first_issued, today) and not policy.probationary_may_drive:
            ride_only = True  # the store's rule: probationary drivers ride along, the consultant drives
        if ride_only and not number:
            licence_class, valid_until, first_issued = "", None, None
        booking.ride_only = bool(ride_only)
        booking.licence_number, booking.licence_class = number, licence_class
        booking.licence_valid_until, booking.licence_first_issued = valid_until, first_issued
        booking.licence_checked_at = clock.now()
        booking.save(update_fields=bump(booking, actor, [
            "ride_only", "licence_number", "licence_class", "licence_valid_until", "licence_first_issued",
            "licence_checked_at"]))
        audit.record(actor=actor, action="testdrives.licence_checked", target=booking, data={
            "ride_only": booking.ride_only, "licence": booking.licence_masked, "class": licence_class,
            "valid_until": valid_until,
        })
    return booking


def testdrive_sign_agreement(*, actor, booking: Booking, signer_name: str, signature_data_url: str, accepted: bool,
                             route: Route | int | None, now: dt.datetime | None = None) -> Booking:
    """The customer reads the store's test-drive agreement with the chosen route, accepts it and signs on the tablet."""
    require(actor, Capability.WORK_LEADS)
    signer_name = (signer_name or "").strip()
    if not accepted:
        raise DomainError(_("The customer must accept the agreement."), code="agreement_not_accepted", field="accepted")
    if not signer_name:
        raise DomainError(_("Enter the name of the person signing."), code="signer_required", field="signer_name")
    if len(signer_name) > 50:
        raise DomainError(_("The name is too long."), code="signer_too_long", field="signer_name")
    png = signature.decode_data_url(signature_data_url)
    with transaction.atomic():
        booking = _lock_booking(actor, booking)
        _require_status(booking, BookingStatus.BOOKED, field="signature")
        if not booking.licence_checked:
            raise DomainError(_("Check the driving licence first."), code="licence_first", field="signature")
        chosen = _route(actor, route, booking.store_id, required=True)
        policy = store_policy(booking.store_id)
        booking.route, booking.signer_name, booking.signature_png = chosen, signer_name, png
        booking.agreement_text, booking.signed_at = policy.agreement_text, now or clock.now()
        booking.save(update_fields=bump(booking, actor, ["route", "signer_name", "signature_png", "agreement_text",
                                                         "signed_at"]))
        audit.record(actor=actor, action="testdrives.agreement_signed", target=booking, data={
            "signer": signer_name, "route": chosen.name, "signature_bytes": len(png), "signed_at": booking.signed_at,
        })
    return booking


# --- The drive -------------------------------------------------------------------------------------

def _odometer(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= MAX_ODOMETER:
        raise DomainError(_("Enter the odometer reading in whole kilometres."), code="odometer_invalid", field=field)
    return number


def testdrive_start(*, actor, booking: Booking, odometer_start, now: dt.datetime | None = None) -> Booking:
    """The car leaves: time and odometer out, once the licence is checked and the agreement signed."""
    require(actor, Capability.WORK_LEADS)
    odometer = _odometer(odometer_start, "odometer_start")
    now = now or clock.now()
    with transaction.atomic():
        booking = _lock_booking(actor, booking)
        _require_status(booking, BookingStatus.BOOKED, field="odometer_start")
        if not booking.licence_checked:
            raise DomainError(_("Check the driving licence first."), code="licence_first", field="odometer_start")
        if not booking.has_signature:
            raise DomainError(_("The customer must sign the agreement first."), code="agreement_first",
                              field="odometer_start")
        if timezone.localtime(now).date() != timezone.localtime(booking.starts_at).date():
            raise DomainError(_("The drive can start only on its booked day (%(day)s); move the booking instead.")
                              % {"day": formats.date_format(timezone.localtime(booking.starts_at), "DATE_FORMAT")},
                              code="wrong_day", field="odometer_start")
        booking.status, booking.started_at, booking.odometer_start = BookingStatus.IN_PROGRESS, now, odometer
        booking.save(update_fields=bump(booking, actor, ["status", "started_at", "odometer_start"]))
        audit.record(actor=actor, action="testdrives.started", target=booking, data={
            "status": [BookingStatus.BOOKED, BookingStatus.IN_PROGRESS], "started_at": now, "odometer_start": odometer,
        })
    return booking


def _scores(scores: dict) -> dict[str, int | None]:
    clean: dict[str, int | None] = {}
    for name, label in FEEDBACK_ASPECTS:
        value = scores.get(name)
        if value in (None, ""):
            clean[name] = None
            continue
        try:
            number = int(Decimal(str(value)))
            whole = Decimal(str(value)) == number
        except (InvalidOperation, ValueError):
            number, whole = 0, False
        if not whole or not 1 <= number <= 5:
            raise DomainError(_("Score %(aspect)s from 1 to 5.") % {"aspect": label}, code="score_invalid", field=name)
        clean[name] = number
    if clean["score_overall"] is None:
        raise DomainError(_("Ask the customer for an overall score (1 to 5)."), code="score_required", field="score_overall")
    return clean


def testdrive_complete(*, actor, booking: Booking, odometer_end, scores: dict, customer_comments: str = "",
                       consultant_notes: str = "", skip_reason: str = "", now: dt.datetime | None = None) -> Booking:
    """The car is back: time and odometer in, the customer's feedback and the consultant's notes; the lead moves on
    to the quote (through the test-drive step if it was not there yet, never backwards)."""
    require(actor, Capability.WORK_LEADS)
    odometer = _odometer(odometer_end, "odometer_end")
    clean = _scores(scores or {})
    now = now or clock.now()
    skip_reason = (skip_reason or "").strip()
    with transaction.atomic():
        booking = _lock_booking(actor, booking)
        _require_status(booking, BookingStatus.IN_PROGRESS, field="odometer_end")
        if odometer < booking.odometer_start:
            raise DomainError(_("The odometer cannot read less than at the start (%(km)s km).")
                              % {"km": booking.odometer_start}, code="odometer_backwards", field="odometer_end")
        if odometer - booking.odometer_start > MAX_DRIVE_KM:
            raise DomainError(_("%(km)s km is more than a test drive covers; check the reading.")
                              % {"km": odometer - booking.odometer_start}, code="odometer_implausible", field="odometer_end")
        lead = booking.lead
        moves = lead.status == Status.OPEN and lead.stage < Stage.NEGOTIATION
        skipped = Stage.between(lead.stage, Stage.TEST_DRIVE) if moves else []
        if skipped and not skip_reason:
            raise DomainError(
                _("The lead is at “%(stage)s”: moving it to the test drive skips %(skipped)s; give the reason.")
                % {"stage": Stage(lead.stage).label, "skipped": "、".join(str(s.label) for s in skipped)},
                code="skip_reason_required", field="skip_reason")
        for name, value in clean.items():
            setattr(booking, name, value)
        booking.status, booking.ended_at, booking.odometer_end = BookingStatus.COMPLETED, max(now, booking.started_at), odometer
        booking.customer_comments = (customer_comments or "").strip()
        booking.consultant_notes = (consultant_notes or "").strip()
        _drop_reminder(actor=actor, booking=booking, reason=_("The test drive took place."))
        booking.save(update_fields=bump(booking, actor, [
            "status", "ended_at", "odometer_end", "customer_comments", "consultant_notes", *clean]))
        audit.record(actor=actor, action="testdrives.completed", target=booking, data={
            "status": [BookingStatus.IN_PROGRESS, BookingStatus.COMPLETED], "ended_at": booking.ended_at,
            "odometer": [booking.odometer_start, odometer], "scores": clean,
        })
        if moves:
            if lead.stage < Stage.TEST_DRIVE:
                lead = leads.lead_advance_stage(actor=actor, lead=lead, to=Stage.TEST_DRIVE, skip_reason=skip_reason)
            leads.lead_advance_stage(actor=actor, lead=lead, to=Stage.NEGOTIATION)
    return booking


# --- The store's routes and policy -----------------------------------------------------------------

def route_save(*, actor, name: str, distance_km, typical_minutes, description: str = "", active: bool = True,
               route: Route | None = None) -> Route:
    """Create or edit one of the store's test-drive routes (managers and store admins)."""
    require(actor, Capability.EDIT_SCRIPTS)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name the route."), code="name_required", field="name")
    try:
        distance = Decimal(str(distance_km)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        distance = Decimal(0)
    if not Decimal("0.5") <= distance <= Decimal("200"):
        raise DomainError(_("Enter the distance in kilometres (0.5 to 200)."), code="distance_invalid", field="distance_km")
    try:
        minutes = int(typical_minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 5 <= minutes <= 180:
        raise DomainError(_("Enter the typical duration in minutes (5 to 180)."), code="minutes_invalid",
                          field="typical_minutes")
    with transaction.atomic():
        if route is not None:
            route = get_visible(Route, actor, route.pk, for_update=True)
            store_id = route.store_id
        else:
            store_id = actor.store_id
            if store_id is None:
                raise DomainError(_("Routes belong to a store; sign in as a user of the store."), code="store_required",
                                  field="name")
        if Route.objects.filter(store_id=store_id, name=name).exclude(pk=getattr(route, "pk", None)).exists():
            raise DomainError(_("The store already has a route of this name."), code="name_taken", field="name")
        before = {f: getattr(route, f) for f in ("name", "description", "distance_km", "typical_minutes", "active")} if route else {}
        route = route or Route(store_id=store_id)
        route.name, route.description, route.distance_km = name[:100], (description or "").strip(), distance
        route.typical_minutes, route.active = minutes, bool(active)
        route.save()
        after = {f: getattr(route, f) for f in ("name", "description", "distance_km", "typical_minutes", "active")}
        audit.record_changes(actor=actor, action="testdrives.route_saved", target=route, before=before, after=after)
    return route


def policy_save(*, actor, opens_at: dt.time, closes_at: dt.time, slot_minutes: int, probationary_may_drive: bool,
                agreement_text: str) -> Policy:
    """Set the store's test-drive hours, slot length, the probationary-driver rule and the agreement text."""
    require(actor, Capability.EDIT_SCRIPTS)
    if actor.store_id is None:
        raise DomainError(_("The policy belongs to a store; sign in as a user of the store."), code="store_required",
                          field="opens_at")
    if opens_at is None or closes_at is None or opens_at.minute % 15 or closes_at.minute % 15:
        raise DomainError(_("Give the hours on the quarter hour (e.g. 09:00, 17:45)."), code="hours_invalid", field="opens_at")
    if opens_at >= closes_at:
        raise DomainError(_("The last drive must end after the first slot begins."), code="hours_order", field="closes_at")
    if slot_minutes not in (15, 30, 45, 60, 90):
        raise DomainError(_("Choose the slot length."), code="slot_minutes_invalid", field="slot_minutes")
    agreement_text = (agreement_text or "").strip()
    if len(agreement_text) < 50:
        raise DomainError(_("Enter the full agreement text the customer signs."), code="agreement_required",
                          field="agreement_text")
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(store_id=actor.store_id).first() or Policy(store_id=actor.store_id)
        fields = ("opens_at", "closes_at", "slot_minutes", "probationary_may_drive", "agreement_text")
        def snapshot() -> dict:  # times as text: the audit log stores JSON
            values = {f: getattr(policy, f) for f in fields}
            return {f: v.strftime("%H:%M") if isinstance(v, dt.time) else v for f, v in values.items()}

        before = snapshot() if policy.pk else {}
        policy.opens_at, policy.closes_at, policy.slot_minutes = opens_at, closes_at, slot_minutes
        policy.probationary_may_drive, policy.agreement_text = bool(probationary_may_drive), agreement_text
        policy.save()
        after = snapshot()
        if "agreement_text" in before and before["agreement_text"] == after["agreement_text"]:
            before.pop("agreement_text"), after.pop("agreement_text")
        audit.record_changes(actor=actor, action="testdrives.policy_saved", target=policy, before=before, after=after)
    return policy
