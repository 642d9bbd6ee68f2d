"""Booking the delivery, the PDI sign-off, the checklist, the signature and the photos, step by step."""

import datetime as dt
import struct

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.deliveries import services
from showroom.deliveries.models import Delivery, DeliveryPhoto
from showroom.deliveries.photos import MAX_BYTES
from showroom.testdrives.signature import encode_png

from .conftest import ALL_PDI, PETROL_CHECKLIST, TODAY, at, ordered_lead


def png(width=200, height=150) -> bytes:
    return encode_png(width, height, [bytes([200, 30, 30, 255] * width) for _ in range(height)])


def jpeg(width=640, height=480) -> bytes:
    """A minimal JPEG: SOI, a baseline frame header with the dimensions, an empty scan, EOI."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof + \
        b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x12\x34" + b"\xff\xd9"


# --- Booking ---------------------------------------------------------------------------------------

def test_booking_records_the_appointment_and_pairs_the_service_advisor(consultant, lead, order, advisor):
    when = at(TODAY + dt.timedelta(days=2), 14)
    delivery = services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=when, place="交车区2号位",
                                          service_advisor=advisor)
    assert (delivery.order, delivery.scheduled_at, delivery.place) == (order, when, "交车区2号位")
    assert delivery.service_advisor == advisor and delivery.consultant == consultant
    assert not delivery.charges
    assert AuditEntry.objects.filter(action="deliveries.scheduled", target_id=delivery.pk).exists()


def test_the_service_advisor_must_be_one_of_the_store(consultant, colleague, lead):
    with pytest.raises(DomainError) as refused:
        services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY, 15), place="交车区",
                                   service_advisor=colleague)
    assert refused.value.field == "service_advisor"
    assert not Delivery.objects.exists()


def test_a_past_appointment_and_a_missing_place_are_refused_on_their_fields(consultant, lead, advisor):
    with pytest.raises(DomainError) as past:
        services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY - dt.timedelta(days=1), 10),
                                   place="交车区", service_advisor=advisor)
    assert past.value.field == "scheduled_at"
    with pytest.raises(DomainError) as no_place:
        services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY, 15), place="  ",
                                   service_advisor=advisor)
    assert no_place.value.field == "place"


def test_an_order_without_a_car_cannot_be_booked_for_delivery(consultant, trim, frozen, quote_settings, advisor):
    lead, _order = ordered_lead(consultant, trim, allocate=False, paid=False)
    with pytest.raises(DomainError) as refused:
        services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY, 15), place="交车区",
                                   service_advisor=advisor)
    assert refused.value.code == "vehicle_not_allocated"


def test_the_same_order_is_booked_once(consultant, lead, delivery, advisor):
    with pytest.raises(DomainError) as refused:
        services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY, 16), place="交车区",
                                   service_advisor=advisor)
    assert refused.value.code in ("delivery_exists",)


def test_a_colleague_and_another_store_cannot_book_or_touch_the_delivery(colleague, outsider, lead, delivery, advisor):
    for user in (colleague, outsider):
        with pytest.raises(NotFound):
            services.delivery_schedule(actor=user, lead=lead, scheduled_at=at(TODAY, 15), place="交车区",
                                       service_advisor=advisor)
        with pytest.raises(NotFound):
            services.delivery_sign_off_pdi(actor=user, delivery=delivery, results=ALL_PDI, inspector=advisor)


def test_a_receptionist_may_not_work_deliveries(receptionist, delivery, advisor):
    with pytest.raises(PermissionDenied):
        services.delivery_sign_off_pdi(actor=receptionist, delivery=delivery, results=ALL_PDI, inspector=advisor)


def test_rescheduling_is_audited_and_refused_on_a_stale_version(consultant, manager, delivery, advisor):
    version = delivery.version
    moved = services.delivery_reschedule(actor=manager, delivery=delivery, scheduled_at=at(TODAY, 16), place="交车区3号位",
                                         service_advisor=advisor, expected_version=version)
    assert moved.place == "交车区3号位"
    entry = AuditEntry.objects.get(action="deliveries.rescheduled")
    assert entry.data["changes"]["place"] == ["交车区1号位", "交车区3号位"]
    with pytest.raises(Conflict):
        services.delivery_reschedule(actor=consultant, delivery=delivery, scheduled_at=at(TODAY, 17), place="交车区",
                                     service_advisor=advisor, expected_version=version)


# --- PDI, checklist, signature -------------------------------------------------------------------

def test_the_pdi_is_signed_off_only_when_every_item_passes(consultant, delivery, advisor):
    with pytest.raises(DomainError) as refused:
        services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results={**ALL_PDI, "tyres": False},
                                       inspector=advisor)
    assert refused.value.field == "results" and "Tyre pressure" in str(refused.value.message)
    delivery.refresh_from_db()
    assert delivery.pdi_signed_at is None

    signed = services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor,
                                            notes="左后门漆面已抛光")
    assert signed.pdi_inspector == advisor and signed.pdi_signed_at is not None
    assert AuditEntry.objects.get(action="deliveries.pdi_signed_off").data["inspector_name"] == "孙师傅"


def test_the_pdi_is_signed_by_a_service_advisor(consultant, colleague, delivery):
    with pytest.raises(DomainError) as refused:
        services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=colleague)
    assert refused.value.field == "inspector"


def test_the_first_service_must_be_given_when_it_was_explained(consultant, delivery):
    with pytest.raises(DomainError) as refused:
        services.delivery_record_checklist(actor=consultant, delivery=delivery, items=PETROL_CHECKLIST)
    assert refused.value.field == "first_service_due"


def test_the_checklist_is_saved_as_the_ceremony_goes_and_audited(consultant, delivery):
    services.delivery_record_checklist(actor=consultant, delivery=delivery, items={"invoice": True, "keys": True})
    delivery.refresh_from_db()
    assert delivery.checklist["invoice"] and not delivery.checklist["conformity"]
    assert "Certificate of conformity (合格证)" in delivery.checklist_missing
    entry = AuditEntry.objects.get(action="deliveries.checklist_recorded")
    assert entry.data["changes"]["checklist"][1]["invoice"] is True


def test_an_empty_signature_pad_is_refused(consultant, delivery, advisor):
    services.delivery_record_checklist(actor=consultant, delivery=delivery, items=PETROL_CHECKLIST,
                                       first_service_km=5000)
    blank = "data:image/png;base64," + __import__("base64").b64encode(encode_png(100, 60, [bytes(400)] * 60)).decode()
    with pytest.raises(DomainError) as refused:
        services.delivery_sign(actor=consultant, delivery=delivery, signer_name="张三", signature_data_url=blank)
    assert refused.value.code == "signature_empty"


# --- Photos ----------------------------------------------------------------------------------------

def test_a_jpeg_and_a_png_photo_are_kept_under_media_with_their_size(consultant, delivery, media):
    first = services.delivery_add_photo(actor=consultant, delivery=delivery, data=jpeg(), caption="交钥匙")
    second = services.delivery_add_photo(actor=consultant, delivery=delivery, data=png())
    assert (first.content_type, first.width, first.height) == ("image/jpeg", 640, 480)
    assert (second.content_type, second.width, second.height) == ("image/png", 200, 150)
    assert (media / first.file.name).read_bytes() == jpeg()
    assert first.file.name.startswith(f"deliveries/{delivery.pk}/") and "交钥匙" not in first.file.name
    assert AuditEntry.objects.filter(action="deliveries.photo_added").count() == 2


@pytest.mark.parametrize(("data", "code"), [
    (b"", "photo_required"),
    (b"%PDF-1.7 not a photo", "photo_type"),
    (b"<script>alert(1)</script>", "photo_type"),
    (png()[:60], "photo_invalid"),
    (jpeg()[:-2], "photo_invalid"),
    (png(20, 20), "photo_dimensions"),
])
def test_what_is_not_a_usable_photo_is_refused_on_the_photo_field(consultant, delivery, data, code):
    with pytest.raises(DomainError) as refused:
        services.delivery_add_photo(actor=consultant, delivery=delivery, data=data)
    assert (refused.value.field, refused.value.code) == ("photo", code)
    assert not DeliveryPhoto.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(consultant, delivery):
    huge = png()[:-12] + b"\x00" * (MAX_BYTES + 1)
    with pytest.raises(DomainError) as refused:
        services.delivery_add_photo(actor=consultant, delivery=delivery, data=huge)
    assert refused.value.code == "photo_too_large"


def test_removing_a_photo_deletes_its_file(consultant, delivery, media, django_capture_on_commit_callbacks):
    photo = services.delivery_add_photo(actor=consultant, delivery=delivery, data=png())
    path = media / photo.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_remove_photo(actor=consultant, photo=photo)
    assert not path.exists() and not DeliveryPhoto.objects.exists()
    assert AuditEntry.objects.filter(action="deliveries.photo_removed").exists()
