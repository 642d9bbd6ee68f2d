"""Test drives over JSON under /api/v1/: cars with free slots, routes, and a lead's bookings through the drive.

Every endpoint calls the same selectors and services as the pages; a lead or booking the caller may not see is a
404, a refused step a 4xx naming the field, a slot taken first a 409.
"""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.core import clock
from showroom.core.api import Body, Day, Id, Input, Pagination, Version, When, fields_renamed
from showroom.core.scoping import get_visible
from showroom.inventory.models import Vehicle
from showroom.leads.models import Lead

from . import selectors, services
from .models import FEEDBACK_ASPECTS, Booking, BookingStatus, LicenceClass, Route
from .services import MAX_SLOTS

router = Router(tags=["testdrives"])

_AS_IDS = {"vehicle": "vehicle_id", "route": "route_id"}


# --- Output -------------------------------------------------------------------------------------

class CarOut(Schema):
    id: int
    vin: str
    plate: str
    series: str
    trim: str
    slot_minutes: int
    free_slots: list[dt.datetime] = Field(..., description="Starts of the day's slots nobody holds and not yet over.")


class RouteOut(Schema):
    id: int
    name: str
    description: str
    distance_km: Decimal
    typical_minutes: int
    active: bool


class TestDriveCarRef(Schema):
    id: int
    plate: str
    series: str

    @staticmethod
    def resolve_series(obj) -> str:
        return obj.trim.series.name


class RouteRef(Schema):
    id: int
    name: str


class ConsultantRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name


class BookingOut(Schema):
    id: int
    lead_id: int
    status: BookingStatus
    status_label: str
    vehicle: TestDriveCarRef | None
    route: RouteRef | None
    consultant: ConsultantRef | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    reason: str
    ride_only: bool
    licence_checked_at: dt.datetime | None
    licence_number_masked: str = Field(..., alias="licence_masked")
    licence_class: str
    licence_valid_until: dt.date | None
    signer_name: str
    signed_at: dt.datetime | None
    started_at: dt.datetime | None
    odometer_start: int | None
    ended_at: dt.datetime | None
    odometer_end: int | None
    scores: dict[str, int | None]
    customer_comments: str
    consultant_notes: str
    reminder_task_id: int | None
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(BookingStatus(obj.status).label)

    @staticmethod
    def resolve_scores(obj) -> dict:
        return {name.removeprefix("score_"): getattr(obj, name) for name, _label in FEEDBACK_ASPECTS}


# --- Input --------------------------------------------------------------------------------------

class DayIn(Input):
    day: Day | None = Field(None, description="The day (default today, in the store's time zone).")


class RouteIn(Body):
    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    distance_km: Decimal = Field(..., max_digits=5, decimal_places=1)
    typical_minutes: int = Field(..., ge=0, le=1000)
    active: bool = True


class BookIn(Body):
    vehicle_id: Id
    starts_at: When = Field(..., description="The start of one of the store's slots (see the cars' free_slots).")
    slots: int = Field(1, ge=1, le=MAX_SLOTS, description="How many consecutive slots the drive takes.")
    route_id: Id | None = None


class DriveRescheduleIn(Body):
    vehicle_id: Id
    starts_at: When
    slots: int = Field(1, ge=1, le=MAX_SLOTS)
    version: Version | None = None


class BookingReasonIn(Body):
    reason: str = Field("", max_length=300)


class DeclineIn(Body):
    reason: str = Field(..., max_length=300)
    advance: bool = Field(True, description="Move a lead at presentation or test drive on to the quote.")


class LicenceIn(Body):
    ride_only: bool = Field(False, description="The customer rides along only; no licence needed.")
    licence_number: str = Field("", max_length=20)
    licence_class: LicenceClass | None = None
    licence_valid_until: Day | None = None
    licence_first_issued: Day | None = None


class AgreementIn(Body):
    route_id: Id | None
    signer_name: str = Field(..., max_length=50)
    accepted: bool
    signature: str = Field(..., max_length=600_000, description="The drawn signature as a data:image/png;base64 URL.")


class StartIn(Body):
    odometer_start: int = Field(..., ge=0, le=2_000_000)


class DriveCompleteIn(Body):
    odometer_end: int = Field(..., ge=0, le=2_000_000)
    score_acceleration: int | None = Field(None, ge=1, le=5)
    score_handling: int | None = Field(None, ge=1, le=5)
    score_comfort: int | None = Field(None, ge=1, le=5)
    score_quietness: int | None = Field(None, ge=1, le=5)
    score_assistance: int | None = Field(None, ge=1, le=5)
    score_space: int | None = Field(None, ge=1, le=5)
    score_overall: int | None = Field(None, ge=1, le=5)
    customer_comments: str = Field("", max_length=5000)
    consultant_notes: str = Field("", max_length=5000)
    skip_reason: str = Field("", max_length=300, description="Needed when the lead is still before the presentation.")


# --- Helpers ------------------------------------------------------------------------------------

def _lead(request, lead_id: int) -> Lead:
    return get_visible(Lead, request.auth, lead_id)


def _booking(request, booking_id: int) -> Booking:
    return get_visible(Booking, request.auth, booking_id)


def _out(request, booking: Booking) -> Booking:
    """The booking as answered: reread with its car, route and consultant."""
    return (Booking.objects.visible_to(request.auth).select_related("vehicle__trim__series", "route", "consultant")
            .defer("signature_png", "agreement_text").get(pk=booking.pk))


# --- Endpoints ----------------------------------------------------------------------------------

@router.get("/test-drives/cars", response=list[CarOut])
def cars(request, filters: DayIn = Query(...)):  # noqa: B008
    """The store's test-drive cars with the day's free slots."""
    actor = request.auth
    cars = list(selectors.test_drive_cars(actor))
    store_id = actor.store_id or (cars[0].store_id if cars else None)
    cars = [c for c in cars if c.store_id == store_id]
    policy = selectors.store_policy(store_id)
    free = selectors.free_slots(actor, day=filters.day or clock.today(), cars=cars, policy=policy)
    return [{"id": c.pk, "vin": c.vin, "plate": c.plate, "series": c.trim.series.name, "trim": c.trim.name,
             "slot_minutes": policy.slot_minutes, "free_slots": free.get(c.pk, [])} for c in cars]


@router.get("/test-drives/routes", response=list[RouteOut])
def routes(request):
    """The store's test-drive routes, those in use first."""
    return list(selectors.routes_for(request.auth))


@router.post("/test-drives/routes", response={201: RouteOut})
def create_route(request, payload: RouteIn):
    """Add a test-drive route (managers and store admins)."""
    return Reply(201, services.route_save(actor=request.auth, **payload.dict()))


@router.put("/test-drives/routes/{route_id}", response=RouteOut)
def update_route(request, route_id: Id, payload: RouteIn):
    """Edit a test-drive route; `active: false` takes it out of use."""
    route = get_visible(Route, request.auth, route_id)
    return services.route_save(actor=request.auth, route=route, **payload.dict())


@router.get("/leads/{lead_id}/test-drives", response=list[BookingOut])
@paginate(Pagination, page_size=25)
def lead_bookings(request, lead_id: Id):
    """The lead's test drives, newest first."""
    return selectors.bookings_for_lead(request.auth, _lead(request, lead_id))


@router.post("/leads/{lead_id}/test-drives", response={201: BookingOut})
def book(request, lead_id: Id, payload: BookIn):
    """Book a test-drive car's free slot for the lead; a slot taken first answers 409 with the booked time."""
    with fields_renamed(_AS_IDS):
        booking = services.testdrive_book(actor=request.auth, lead=_lead(request, lead_id),
                                          vehicle=Vehicle(pk=payload.vehicle_id), starts_at=payload.starts_at,
                                          slots=payload.slots, route=payload.route_id)
    return Reply(201, _out(request, booking))


@router.post("/leads/{lead_id}/test-drives/decline", response={201: BookingOut})
def decline_without_booking(request, lead_id: Id, payload: DeclineIn):
    """The customer declines a test drive; the lead may move on to the quote with the reason."""
    booking = services.testdrive_decline(actor=request.auth, lead=_lead(request, lead_id), reason=payload.reason,
                                         advance=payload.advance)
    return Reply(201, _out(request, booking))


@router.get("/test-drives/bookings/{booking_id}", response=BookingOut)
def booking_detail(request, booking_id: Id):
    return _out(request, _booking(request, booking_id))


@router.post("/test-drives/bookings/{booking_id}/reschedule", response=BookingOut)
def reschedule(request, booking_id: Id, payload: DriveRescheduleIn):
    """Move a booked test drive to another slot or car; the reminder moves with it."""
    with fields_renamed(_AS_IDS):
        booking = services.testdrive_reschedule(actor=request.auth, booking=_booking(request, booking_id),
                                                vehicle=Vehicle(pk=payload.vehicle_id), starts_at=payload.starts_at,
                                                slots=payload.slots, expected_version=payload.version)
    return _out(request, booking)


@router.post("/test-drives/bookings/{booking_id}/cancel", response=BookingOut)
def cancel(request, booking_id: Id, payload: BookingReasonIn):
    """Cancel a booked test drive: the slot is free again and the reminder dropped."""
    return _out(request, services.testdrive_cancel(actor=request.auth, booking=_booking(request, booking_id),
                                                   reason=payload.reason))


@router.post("/test-drives/bookings/{booking_id}/no-show", response=BookingOut)
def no_show(request, booking_id: Id, payload: BookingReasonIn):
    """The customer did not come (once the booked time has begun), with the reason."""
    return _out(request, services.testdrive_no_show(actor=request.auth, booking=_booking(request, booking_id),
                                                    reason=payload.reason))


@router.post("/test-drives/bookings/{booking_id}/decline", response=BookingOut)
def decline(request, booking_id: Id, payload: DeclineIn):
    """The customer declines the booked drive; the lead may move on to the quote with the reason."""
    booking = _booking(request, booking_id)
    return _out(request, services.testdrive_decline(actor=request.auth, lead=Lead(pk=booking.lead_id), booking=booking,
                                                    reason=payload.reason, advance=payload.advance))


@router.post("/test-drives/bookings/{booking_id}/licence", response=BookingOut)
def licence(request, booking_id: Id, payload: LicenceIn):
    """Record the driving licence seen; expired or unsuitable licences are refused on their field."""
    return _out(request, services.testdrive_check_licence(
        actor=request.auth, booking=_booking(request, booking_id), ride_only=payload.ride_only,
        number=payload.licence_number, licence_class=payload.licence_class or "",
        valid_until=payload.licence_valid_until, first_issued=payload.licence_first_issued))


@router.post("/test-drives/bookings/{booking_id}/agreement", response=BookingOut)
def agreement(request, booking_id: Id, payload: AgreementIn):
    """The customer accepts the store's agreement for the chosen route and signs (a PNG data URL)."""
    with fields_renamed(_AS_IDS):
        booking = services.testdrive_sign_agreement(
            actor=request.auth, booking=_booking(request, booking_id), signer_name=payload.signer_name,
            signature_data_url=payload.signature, accepted=payload.accepted, route=payload.route_id)
    return _out(request, booking)


@router.post("/test-drives/bookings/{booking_id}/start", response=BookingOut)
def start(request, booking_id: Id, payload: StartIn):
    """The car leaves: time and odometer out."""
    return _out(request, services.testdrive_start(actor=request.auth, booking=_booking(request, booking_id),
                                                  odometer_start=payload.odometer_start))


@router.post("/test-drives/bookings/{booking_id}/complete", response=BookingOut)
def complete(request, booking_id: Id, payload: DriveCompleteIn):
    """The car is back: odometer in, the customer's scores and comments, the consultant's notes; the lead moves on."""
    data = payload.dict()
    scores = {name: data.pop(name) for name, _label in FEEDBACK_ASPECTS}
    return _out(request, services.testdrive_complete(actor=request.auth, booking=_booking(request, booking_id),
                                                     scores=scores, **data))
