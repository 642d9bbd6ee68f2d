"""Delivering the new car (递交新车): the appointment, the PDI sign-off, the hand-over checklist, the customer's
signature and photos, and the completion that makes the customer an owner (domain file §1.8, §1.9)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.accounts.models import Role, User
from showroom.audit import services as audit
from showroom.catalog.models import Powertrain
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.core.versioning import bump, check_version
from showroom.leads import services as leads
from showroom.leads.models import Lead, Stage, Status
from showroom.orders import selectors as orders_selectors
from showroom.orders import services as orders
from showroom.orders.models import ACTIVE_STATUSES, Order, PaymentPlan
from showroom.testdrives import signature

from .models import PDI_ITEMS, Delivery, DeliveryPhoto, DeliveryStatus
from .photos import check_photo

MAX_PHOTOS = 20
# How far back an appointment may be entered: a ceremony recorded a little after it started, never last week's.
PAST_GRACE = dt.timedelta(hours=2)


def _lock(actor, delivery: Delivery) -> Delivery:
    """The delivery under a row lock, if the actor may see and work its lead; NotFound / refusal otherwise."""
    delivery = get_visible(Delivery, actor, delivery.pk, for_update=True)
    lead = Lead.objects.get(pk=delivery.lead_id)
    leads.require_may_work(actor, lead)
    return delivery


def _require_scheduled(delivery: Delivery, field: str | None = None) -> None:
    if delivery.status == DeliveryStatus.COMPLETED:
        raise DomainError(_("The car has already been delivered."), code="delivery_completed", field=field)
    if delivery.status == DeliveryStatus.CANCELLED:
        raise DomainError(_("The order was cancelled: this delivery no longer takes place."), code="delivery_cancelled",
                          field=field)


def _service_advisor(store_id: int, advisor: User | int | None, field: str = "service_advisor") -> User:
    advisor_id = getattr(advisor, "pk", advisor)
    found = (User.objects.filter(pk=advisor_id, store_id=store_id, role=Role.SERVICE_ADVISOR, is_active=True).first()
             if advisor_id else None)
    if found is None:
        raise DomainError(_("Choose a service advisor of this store."), code="service_advisor_invalid", field=field)
    return found


def _check_time(scheduled_at: dt.datetime | None, now: dt.datetime | None = None) -> None:
    if scheduled_at is None:
        raise DomainError(_("Give the date and time of the delivery."), code="scheduled_at_required", field="scheduled_at")
    if scheduled_at < (now or clock.now()) - PAST_GRACE:
        raise DomainError(_("The delivery appointment cannot be in the past."), code="scheduled_at_past",
                          field="scheduled_at")


def _clean_place(place: str) -> str:
    place = (place or "").strip()
    if not place:
        raise DomainError(_("Say where the car is handed over (delivery area or bay)."), code="place_required",
                          field="place")
    if len(place) > 100:
        raise DomainError(_("The place is too long (at most 100 characters)."), code="place_too_long", field="place")
    return place


def _snapshot(delivery: Delivery) -> dict:
    return {"scheduled_at": delivery.scheduled_at, "place": delivery.place, "service_advisor": delivery.service_advisor_id}


def delivery_schedule(*, actor, lead: Lead, scheduled_at: dt.datetime, place: str, service_advisor: User | int | None,
                      order: Order | int | None = None, now: dt.datetime | None = None) -> Delivery:
    """Book the hand-over of the lead's ordered car: when, where, and the service advisor the owner will be paired with.

    `now` places the booking in the past (the demo's history); pages and the API never pass it."""
    require(actor, Capability.WORK_LEADS)
    _check_time(scheduled_at, now)
    place = _clean_place(place)
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        leads.require_may_work(actor, lead)
        if lead.status != Status.OPEN or lead.stage != Stage.ORDER:
            raise DomainError(_("A delivery is booked for a lead with a signed order."), code="lead_not_ordered",
                              field="lead")
        candidates = orders_selectors.orders_for(actor).select_for_update(of=("self",)).filter(
            lead_id=lead.pk, status__in=ACTIVE_STATUSES)
        if order is not None:
            candidates = candidates.filter(pk=getattr(order, "pk", order))
        found = candidates.select_related("vehicle__trim").order_by("-signed_at", "-id").first()
        if found is None:
            raise DomainError(_("The lead has no running order to deliver."), code="order_missing", field="order")
        if found.vehicle_id is None:
            raise DomainError(_("Allocate a car (VIN) to the order before booking its delivery."),
                              code="vehicle_not_allocated", field="order")
        if Delivery.objects.filter(order_id=found.pk).exists():
            raise DomainError(_("This order's delivery is already booked."), code="delivery_exists", field="order")
        advisor = _service_advisor(lead.store_id, service_advisor)
        delivery = Delivery.objects.create(
            store_id=lead.store_id, lead=lead, order=found, scheduled_at=scheduled_at, place=place,
            consultant_id=lead.owner_id, service_advisor=advisor,
            charges=found.vehicle.trim.powertrain in Powertrain.new_energy(),
            created_by=actor, updated_by=actor,
        )
        audit.record(actor=actor, action="deliveries.scheduled", target=delivery, data={
            **_snapshot(delivery), "order": found.number, "vin": found.vehicle.vin, "charges": delivery.charges})
    return delivery


def delivery_reschedule(*, actor, delivery: Delivery, scheduled_at: dt.datetime, place: str,
                        service_advisor: User | int | None, expected_version: int | None = None) -> Delivery:
    """Move the delivery appointment, change the bay or the paired service advisor."""
    require(actor, Capability.WORK_LEADS)
    _check_time(scheduled_at)
    place = _clean_place(place)
    with transaction.atomic():
        delivery = _lock(actor, delivery)
        check_version(delivery, expected_version)
        _require_scheduled(delivery, "scheduled_at")
        advisor = _service_advisor(delivery.store_id, service_advisor)
        before = _snapshot(delivery)
        delivery.scheduled_at, delivery.place, delivery.service_advisor = scheduled_at, place, advisor
        delivery.save(update_fields=bump(delivery, actor, ["scheduled_at", "place", "service_advisor"]))
        audit.record_changes(actor=actor, action="deliveries.rescheduled", target=delivery, before=before,
                             after=_snapshot(delivery))
    return delivery


def _order_car(delivery: Delivery, refusal: str, *, field: str):
    """The car the order holds now, the order locked with it: the car cannot be released while a step of the hand-over
    (PDI, checklist, signature) is recorded for it. The delivery is already locked (delivery first, order second)."""
    order = Order.objects.select_for_update(of=("self",)).select_related("vehicle").get(pk=delivery.order_id)
    if order.vehicle_id is None:
        raise DomainError(refusal, code="vehicle_not_allocated", field=field)
    delivery.order = order
    return order.vehicle


def delivery_sign_off_pdi(*, actor, delivery: Delivery, results: dict, inspector: User | int | None,
                          notes: str = "", expected_version: int | None = None, now: dt.datetime | None = None) -> Delivery:
    """The workshop's pre-delivery inspection, item by item, signed off by the service advisor who did it."""
    require(actor, Capability.WORK_LEADS)
    results = {code: bool((results or {}).get(code)) for code, _label in PDI_ITEMS}
    notes = (notes or "").strip()
    if len(notes) > 2000:
        raise DomainError(_("The notes are too long (at most 2000 characters)."), code="notes_too_long", field="pdi_notes")
    failed = [str(label) for code, label in PDI_ITEMS if not results[code]]
    if failed:
        raise DomainError(_("The PDI can be signed off only when every item passes; still open: %(items)s.")
                          % {"items": "、".join(failed)}, code="pdi_incomplete", field="results")
    with transaction.atomic():
        delivery = _lock(actor, delivery)
        check_version(delivery, expected_version)
        _require_scheduled(delivery, "results")
        car = _order_car(delivery, _("No car is allocated to the order: allocate one before its PDI."), field="results")
        who = _service_advisor(delivery.store_id, inspector, field="inspector")
        previous = delivery.pdi_inspector_id
        delivery.pdi_results, delivery.pdi_notes, delivery.pdi_inspector = results, notes, who
        delivery.pdi_signed_at, delivery.pdi_vehicle = now or clock.now(), car
        delivery.save(update_fields=bump(delivery, actor, ["pdi_results", "pdi_notes", "pdi_inspector", "pdi_signed_at",
                                                           "pdi_vehicle"]))
        audit.record(actor=actor, action="deliveries.pdi_signed_off", target=delivery, data={
            "inspector": [previous, who.pk], "inspector_name": who.display_name, "signed_at": delivery.pdi_signed_at,
            "vin": car.vin, "notes": notes})
    return delivery


def delivery_record_checklist(*, actor, delivery: Delivery, items: dict, first_service_due: dt.date | None = None,
                              first_service_km: int | None = None, expected_version: int | None = None) -> Delivery:
    """Tick off what was handed over and explained; saved as the ceremony goes, complete before the signature."""
    require(actor, Capability.WORK_LEADS)
    if first_service_km is not None and not 0 < int(first_service_km) <= 100_000:
        raise DomainError(_("Give the first-service mileage in km (1 to 100,000)."), code="first_service_km_invalid",
                          field="first_service_km")
    with transaction.atomic():
        delivery = _lock(actor, delivery)
        check_version(delivery, expected_version)
        _require_scheduled(delivery, "items")
        car = _order_car(delivery, _("No car is allocated to the order: allocate one before its hand-over checklist."),
                         field="items")
        allowed = {code for _group, code, _label in delivery.checklist_items()}
        unknown = sorted(code for code, ticked in (items or {}).items() if ticked and code not in allowed)
        if unknown:
            raise DomainError(_("These items do not belong to this car's checklist: %(items)s.")
                              % {"items": ", ".join(unknown)}, code="checklist_unknown", field="items")
        ticked = {code: bool((items or {}).get(code)) for code in allowed}
        if ticked.get("first_service") and first_service_due is None and first_service_km is None:
            raise DomainError(_("Give the first-service date or mileage you explained."), code="first_service_required",
                              field="first_service_due")
        if first_service_due is not None and first_service_due <= clock.today():
            raise DomainError(_("The first service is due after the delivery."), code="first_service_past",
                              field="first_service_due")
        before = {"checklist": dict(delivery.checklist), "first_service_due": delivery.first_service_due,
                  "first_service_km": delivery.first_service_km, "vin": getattr(delivery.checklist_vehicle, "vin", None)}
        delivery.checklist, delivery.first_service_due, delivery.first_service_km = ticked, first_service_due, first_service_km
        delivery.checklist_vehicle = car
        delivery.save(update_fields=bump(delivery, actor, ["checklist", "first_service_due", "first_service_km",
                                                           "checklist_vehicle"]))
        audit.record_changes(actor=actor, action="deliveries.checklist_recorded", target=delivery, before=before, after={
            "checklist": ticked, "first_service_due": first_service_due, "first_service_km": first_service_km,
            "vin": car.vin})
    return delivery


def delivery_sign(*, actor, delivery: Delivery, signer_name: str, signature_data_url: str,
                  now: dt.datetime | None = None) -> Delivery:
    """The customer signs the delivery confirmation (交车确认单) on the tablet."""
    require(actor, Capability.WORK_LEADS)
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise DomainError(_("Enter the name of the person signing."), code="signer_required", field="signer_name")
    if len(signer_name) > 50:
        raise DomainError(_("The name is too long."), code="signer_too_long", field="signer_name")
    png = signature.decode_data_url(signature_data_url)
    with transaction.atomic():
        delivery = _lock(actor, delivery)
        _require_scheduled(delivery, "signature")
        car = _order_car(delivery, _("No car is allocated to the order: allocate one before the customer signs."),
                         field="signature")
        if delivery.checklist_missing:
            raise DomainError(_("Complete the hand-over checklist before the customer signs; still open: %(items)s.")
                              % {"items": "、".join(delivery.checklist_missing)}, code="checklist_incomplete",
                              field="signature")
        delivery.signer_name, delivery.signature_png, delivery.signed_at = signer_name, png, now or clock.now()
        delivery.signed_vehicle = car
        delivery.save(update_fields=bump(delivery, actor, ["signer_name", "signature_png", "signed_at",
                                                           "signed_vehicle"]))
        audit.record(actor=actor, action="deliveries.signed", target=delivery, data={
            "signer": signer_name, "signature_bytes": len(png), "signed_at": delivery.signed_at, "vin": car.vin})
    return delivery


def delivery_add_photo(*, actor, delivery: Delivery, data: bytes, caption: str = "") -> DeliveryPhoto:
    """Keep a ceremony photo (key hand-over, the owner with the car) with the delivery."""
    require(actor, Capability.WORK_LEADS)
    caption = (caption or "").strip()
    if len(caption) > 100:
        raise DomainError(_("The caption is too long (at most 100 characters)."), code="caption_too_long", field="caption")
    content_type, extension, width, height = check_photo(data)
    with transaction.atomic():
        delivery = _lock(actor, delivery)
        if delivery.is_cancelled:  # a delivered car's photos may still be uploaded after the ceremony
            _require_scheduled(delivery, "photo")
        if DeliveryPhoto.objects.filter(delivery=delivery).count() >= MAX_PHOTOS:
            raise DomainError(_("A delivery keeps at most %(n)s photos.") % {"n": MAX_PHOTOS}, code="photos_full",
                              field="photo")
        photo = DeliveryPhoto(delivery=delivery, token=secrets.token_hex(16), content_type=content_type,
                              extension=extension, size=len(data), width=width, height=height, caption=caption,
                              uploaded_by=actor)
        # The file is written before the row; if the row cannot be written, the file goes again.
        photo.file.save("photo", ContentFile(data), save=False)
        try:
            photo.save()
            audit.record(actor=actor, action="deliveries.photo_added", target=delivery, data={
                "photo": photo.pk, "bytes": len(data), "type": content_type, "caption": caption})
        except Exception:
            photo.file.delete(save=False)
            raise
    return photo


def delivery_remove_photo(*, actor, photo: DeliveryPhoto) -> None:
    """Take a photo off the delivery (a blurred shot, the wrong customer) while the hand-over is still to come; the
    photos of a completed hand-over stay as they were."""
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        photo = get_visible(DeliveryPhoto, actor, photo.pk, for_update=True)
        delivery = _lock(actor, Delivery(pk=photo.delivery_id))
        _require_scheduled(delivery, "photo")
        name, pk = photo.file.name, photo.pk
        photo.delete()
        audit.record(actor=actor, action="deliveries.photo_removed", target=delivery, data={"photo": pk})
        storage = photo.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def delivery_lock_for_order(order: Order) -> Delivery | None:
    """The order's delivery under a row lock, for a service that changes the order and then its delivery: the
    delivery is locked first, as the delivery services (which lock the order second) do."""
    return Delivery.objects.select_for_update().filter(order_id=order.pk).first()


def delivery_cancel_with_order(*, actor, delivery: Delivery | None, order: Order, reason: str) -> Delivery | None:
    """The order is being cancelled (退订): its delivery still to come is called off with it, in the caller's
    transaction (orders.services.order_cancel, which has checked the actor and locked both). A delivered car's
    delivery is never touched."""
    require(actor, Capability.WORK_LEADS)
    if delivery is None or delivery.status != DeliveryStatus.SCHEDULED:
        return None
    delivery.status = DeliveryStatus.CANCELLED
    delivery.save(update_fields=bump(delivery, actor, ["status"]))
    audit.record(actor=actor, action="deliveries.cancelled", target=delivery, data={
        "order": order.number, "reason": reason, "scheduled_at": delivery.scheduled_at,
        "status": [DeliveryStatus.SCHEDULED, DeliveryStatus.CANCELLED]})
    return delivery


def completion_blockers(delivery: Delivery, order: Order) -> list[DomainError]:
    """What still stands between this delivery and the hand-over, in the order of the ceremony."""
    blockers = []
    if delivery.pdi_signed_at is not None and delivery.pdi_vehicle_id != order.vehicle_id:
        blockers.append(DomainError(_("The PDI was signed off on another car: the car now allocated needs its own."),
                                    code="pdi_other_car", field="pdi"))
    elif delivery.pdi_signed_at is None:
        blockers.append(DomainError(_("The PDI has not been signed off by the workshop."), code="pdi_missing",
                                    field="pdi"))
    missing = delivery.checklist_missing
    if delivery.checklist_of_another_car:
        blockers.append(DomainError(_(
            "The hand-over checklist was gone through for another car: go through it again for the car now allocated "
            "(its documents and keys)."), code="checklist_other_car", field="checklist"))
    elif missing:
        blockers.append(DomainError(_("The hand-over checklist is not complete; still open: %(items)s.")
                                    % {"items": "、".join(missing)}, code="checklist_incomplete", field="checklist"))
    if delivery.signature_of_another_car:
        blockers.append(DomainError(_(
            "The customer signed the delivery confirmation for another car: they sign again for the car now "
            "allocated."), code="signature_other_car", field="signature"))
    elif not delivery.has_signature:
        blockers.append(DomainError(_("The customer has not signed the delivery confirmation."),
                                    code="signature_missing", field="signature"))
    outstanding = orders_selectors.balance_of(order).outstanding
    if outstanding > 0:
        if order.payment_plan == PaymentPlan.LOAN:
            message = _("¥%(amount)s is still outstanding on the order: record the loan disbursement and the balance "
                        "first.") % {"amount": f"{outstanding:,.2f}"}
        else:
            message = _("¥%(amount)s of the balance is still outstanding on the order: record the payment first.") % {
                "amount": f"{outstanding:,.2f}"}
        blockers.append(DomainError(message, code="balance_outstanding", field="balance"))
    return blockers


def delivery_complete(*, actor, delivery: Delivery, now: dt.datetime | None = None) -> Delivery:
    """Hand the car over: the lead is won, the order delivered, the customer an owner with the follow-up calls planned.

    Refused while the PDI, the checklist, the signature or the money is missing; all of it happens or none.
    """
    from showroom.aftercare import services as aftercare

    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        delivery = _lock(actor, delivery)
        _require_scheduled(delivery)
        order = Order.objects.select_for_update(of=("self",)).select_related("vehicle").get(pk=delivery.order_id)
        delivery.order = order
        if order.status not in ACTIVE_STATUSES or order.vehicle_id is None:
            raise DomainError(_("The order is not running or has no car allocated."), code="order_not_deliverable",
                              field="order")
        blockers = completion_blockers(delivery, order)
        if blockers:
            first = blockers[0]
            raise DomainError(first.message, code=first.code, field=first.field,
                              fields={b.field: [str(b.message)] for b in blockers})
        lead = Lead.objects.get(pk=delivery.lead_id)
        leads.lead_advance_stage(actor=actor, lead=lead, to=Stage.DELIVERED)
        orders.order_mark_delivered(actor=actor, order=order)
        now = now or clock.now()
        delivery.status, delivery.completed_at, delivery.completed_by = DeliveryStatus.COMPLETED, now, actor
        delivery.save(update_fields=bump(delivery, actor, ["status", "completed_at", "completed_by"]))
        audit.record(actor=actor, action="deliveries.completed", target=delivery, data={
            "order": order.number, "vin": order.vehicle.vin, "completed_at": now, "status": ["scheduled", "completed"]})
        aftercare.owner_register(actor=actor, delivery=delivery)
    return delivery
