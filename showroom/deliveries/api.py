"""Deliveries over JSON under /api/v1/: booking a lead's delivery, the PDI sign-off, the checklist, the signature,
photos and the completion.

Every endpoint calls the same selectors and services as the pages; a lead or delivery the caller may not see is a
404, a refused step a 4xx naming the field.
"""

import datetime as dt

from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from showroom.core.api import Body, Day, Id, Input, Pagination, Version, When, fields_renamed
from showroom.core.scoping import get_visible
from showroom.leads.api import UserRef
from showroom.leads.models import Lead

from . import selectors, services
from .models import CHECKLIST_ITEMS, PDI_ITEMS, Delivery, DeliveryPhoto, DeliveryStatus
from .photos import MAX_BYTES, too_large

router = Router(tags=["deliveries"])

_AS_IDS = {"service_advisor": "service_advisor_id", "inspector": "inspector_id", "order": "order_id"}


# --- Output -------------------------------------------------------------------------------------

class CarRef(Schema):
    vin: str
    plate: str
    series: str
    trim: str

    @staticmethod
    def resolve_series(obj) -> str:
        return obj.trim.series.name

    @staticmethod
    def resolve_trim(obj) -> str:
        return obj.trim.name


class PhotoOut(Schema):
    id: int
    caption: str
    content_type: str
    size: int
    width: int
    height: int
    uploaded_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        from django.urls import reverse

        return reverse("deliveries:photo", args=[obj.pk])


class DeliveryOut(Schema):
    id: int
    lead_id: int
    order_id: int
    order_number: str
    customer: str
    car: CarRef | None = Field(..., description="The order's car; null once it was released or the order cancelled.")
    status: DeliveryStatus
    status_label: str
    scheduled_at: dt.datetime
    place: str
    consultant: UserRef | None
    service_advisor: UserRef | None
    charges: bool = Field(..., description="A plug-in car: the charging items belong to its checklist.")
    pdi_results: dict[str, bool]
    pdi_notes: str
    pdi_inspector: UserRef | None
    pdi_signed_at: dt.datetime | None
    pdi_vin: str | None = Field(..., description="The car the PDI was done on; it counts only while the order holds it.")
    pdi_signed: bool = Field(..., description="The PDI is signed off for the car the order holds now.")
    checklist: dict[str, bool]
    checklist_missing: list[str] = Field(..., description="Items still to tick for the car the order holds now (all of "
                                              "them when the checklist was done for another car).")
    checklist_vin: str | None = Field(..., description="The car the checklist was gone through for; it counts only "
                                                       "while the order holds it.")
    first_service_due: dt.date | None
    first_service_km: int | None
    signer_name: str
    signed_at: dt.datetime | None
    signed_vin: str | None = Field(..., description="The car the customer signed the confirmation for.")
    signed: bool = Field(..., description="The customer signed the confirmation for the car the order holds now.")
    completed_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number

    @staticmethod
    def resolve_customer(obj) -> str:
        return obj.lead.customer.name

    @staticmethod
    def resolve_car(obj):
        return obj.order.vehicle

    @staticmethod
    def resolve_pdi_vin(obj) -> str | None:
        return obj.pdi_vehicle.vin if obj.pdi_vehicle_id else None

    @staticmethod
    def resolve_checklist_vin(obj) -> str | None:
        return obj.checklist_vehicle.vin if obj.checklist_vehicle_id else None

    @staticmethod
    def resolve_signed_vin(obj) -> str | None:
        return obj.signed_vehicle.vin if obj.signed_vehicle_id else None

    @staticmethod
    def resolve_signed(obj) -> bool:
        return obj.has_signature

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(DeliveryStatus(obj.status).label)


# --- Input --------------------------------------------------------------------------------------

class WeekIn(Input):
    week: Day | None = Field(None, description="Any day of the week wanted (default this week); weeks start on Monday.")


class ScheduleIn(Body):
    scheduled_at: When
    place: str = Field(..., max_length=100, description="The delivery area or bay.")
    service_advisor_id: Id = Field(..., description="A service advisor of the store, paired with the owner.")
    order_id: Id | None = Field(None, description="The order to deliver (default: the lead's running order).")


class RescheduleIn(Body):
    scheduled_at: When
    place: str = Field(..., max_length=100)
    service_advisor_id: Id
    version: Version | None = None


class PdiIn(Body):
    results: dict[str, bool] = Field(..., description="Every PDI item: " + ", ".join(code for code, _l in PDI_ITEMS))
    inspector_id: Id = Field(..., description="The service advisor who signs the PDI off.")
    notes: str = Field("", max_length=2000)
    version: Version | None = None


class ChecklistIn(Body):
    items: dict[str, bool] = Field(..., description="Ticked items: " + ", ".join(code for _g, code, _l in CHECKLIST_ITEMS))
    first_service_due: Day | None = None
    first_service_km: int | None = Field(None, ge=1, le=100_000)
    version: Version | None = None


class SignatureIn(Body):
    signer_name: str = Field(..., max_length=50)
    signature: str = Field(..., max_length=600_000, description="The drawn signature as a data:image/png;base64 URL.")


# --- Helpers ------------------------------------------------------------------------------------

def _delivery(request, delivery_id: int) -> Delivery:
    return get_visible(Delivery, request.auth, delivery_id)


def _out(request, delivery: Delivery) -> Delivery:
    return selectors.delivery_get(request.auth, delivery.pk)


# --- Endpoints ----------------------------------------------------------------------------------

@router.get("/deliveries", response=list[DeliveryOut])
@paginate(Pagination, page_size=50)
def week(request, filters: WeekIn = Query(...)):  # noqa: B008
    """The deliveries of a week in time order: the caller's own, the whole store's for a manager."""
    from showroom.core import clock

    return selectors.deliveries_of_week(request.auth, selectors.week_start(filters.week or clock.today()))


@router.post("/leads/{lead_id}/deliveries", response={201: DeliveryOut})
def schedule(request, lead_id: Id, payload: ScheduleIn):
    """Book the delivery of the lead's ordered car (the order must have a car allocated)."""
    lead = get_visible(Lead, request.auth, lead_id)
    with fields_renamed(_AS_IDS):
        delivery = services.delivery_schedule(actor=request.auth, lead=lead, scheduled_at=payload.scheduled_at,
                                              place=payload.place, service_advisor=payload.service_advisor_id,
                                              order=payload.order_id)
    return Reply(201, _out(request, delivery))


@router.get("/deliveries/{delivery_id}", response=DeliveryOut)
def detail(request, delivery_id: Id):
    return selectors.delivery_get(request.auth, delivery_id)


@router.put("/deliveries/{delivery_id}/appointment", response=DeliveryOut)
def reschedule(request, delivery_id: Id, payload: RescheduleIn):
    """Move the appointment, change the bay or the paired service advisor."""
    with fields_renamed(_AS_IDS):
        delivery = services.delivery_reschedule(actor=request.auth, delivery=_delivery(request, delivery_id),
                                                scheduled_at=payload.scheduled_at, place=payload.place,
                                                service_advisor=payload.service_advisor_id,
                                                expected_version=payload.version)
    return _out(request, delivery)


@router.post("/deliveries/{delivery_id}/pdi", response=DeliveryOut)
def pdi(request, delivery_id: Id, payload: PdiIn):
    """The workshop's PDI signed off by a service advisor; every item must pass."""
    with fields_renamed({**_AS_IDS, "pdi_notes": "notes"}):
        delivery = services.delivery_sign_off_pdi(actor=request.auth, delivery=_delivery(request, delivery_id),
                                                  results=payload.results, inspector=payload.inspector_id,
                                                  notes=payload.notes, expected_version=payload.version)
    return _out(request, delivery)


@router.put("/deliveries/{delivery_id}/checklist", response=DeliveryOut)
def checklist(request, delivery_id: Id, payload: ChecklistIn):
    """Record what was handed over and explained (the whole list each time; unticked items stay open)."""
    delivery = services.delivery_record_checklist(
        actor=request.auth, delivery=_delivery(request, delivery_id), items=payload.items,
        first_service_due=payload.first_service_due, first_service_km=payload.first_service_km,
        expected_version=payload.version)
    return _out(request, delivery)


@router.post("/deliveries/{delivery_id}/signature", response=DeliveryOut)
def signature(request, delivery_id: Id, payload: SignatureIn):
    """The customer signs the delivery confirmation (a PNG data URL from the signature pad)."""
    delivery = services.delivery_sign(actor=request.auth, delivery=_delivery(request, delivery_id),
                                      signer_name=payload.signer_name, signature_data_url=payload.signature)
    return _out(request, delivery)


@router.get("/deliveries/{delivery_id}/photos", response=list[PhotoOut])
def photos(request, delivery_id: Id):
    """The delivery's photos; each is fetched from its `url` with the same sign-in."""
    return list(selectors.photos_of(request.auth, _delivery(request, delivery_id)))


@router.post("/deliveries/{delivery_id}/photos", response={201: PhotoOut})
def add_photo(request, delivery_id: Id, photo: UploadedFile = File(...),  # noqa: B008
              caption: str = Form("", max_length=100)):  # noqa: B008
    """Upload a ceremony photo (multipart, JPEG or PNG, at most 8 MB)."""
    delivery = _delivery(request, delivery_id)
    if photo.size > MAX_BYTES:
        raise too_large()
    return Reply(201, services.delivery_add_photo(actor=request.auth, delivery=delivery, data=photo.read(),
                                                  caption=caption))


@router.delete("/deliveries/photos/{photo_id}", response={204: None})
def remove_photo(request, photo_id: Id):
    services.delivery_remove_photo(actor=request.auth, photo=get_visible(DeliveryPhoto, request.auth, photo_id))
    return Reply(204, None)


@router.post("/deliveries/{delivery_id}/complete", response=DeliveryOut)
def complete(request, delivery_id: Id):
    """Hand the car over: refused (400, every missing step in `fields`) until the PDI, the checklist, the signature
    and the money are there; then the lead is won, the order delivered and the owner's calls planned."""
    delivery = services.delivery_complete(actor=request.auth, delivery=_delivery(request, delivery_id))
    return _out(request, delivery)
