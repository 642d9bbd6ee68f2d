"""Before, during and after the drive: licence, signed agreement, odometer, feedback, and the lead moving on."""

import datetime as dt

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound
from showroom.followups.models import TaskStatus
from showroom.leads.models import Stage, StageTransition
from showroom.testdrives import services as td
from showroom.testdrives.models import BookingStatus, Policy, SlotHold

from .conftest import NOW, TODAY, TOMORROW, at, file_lead

LICENCE = {"number": "110105199001011234", "licence_class": "C1", "valid_until": dt.date(2030, 5, 1),
           "first_issued": dt.date(2015, 5, 1)}
SCORES = {"score_acceleration": 5, "score_handling": 4, "score_comfort": 4, "score_quietness": 5,
          "score_assistance": 3, "score_space": 4, "score_overall": 5}


@pytest.fixture
def booking(consultant, lead, car):
    return td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 10))


def ready(consultant, booking, route, signature_url):
    td.testdrive_check_licence(actor=consultant, booking=booking, **LICENCE)
    return td.testdrive_sign_agreement(actor=consultant, booking=booking, signer_name="张三", accepted=True,
                                       signature_data_url=signature_url, route=route)


def driven(consultant, booking, route, signature_url, odometer=1200):
    ready(consultant, booking, route, signature_url)
    return td.testdrive_start(actor=consultant, booking=booking, odometer_start=odometer)


# --- Licence ---------------------------------------------------------------------------------------

def test_a_valid_licence_is_recorded_and_the_customer_may_drive(consultant, booking):
    booking = td.testdrive_check_licence(actor=consultant, booking=booking, **LICENCE)
    assert booking.licence_checked and not booking.ride_only
    assert booking.licence_class == "C1" and booking.licence_masked == "1101**********1234"


def test_an_expired_licence_blocks_the_drive_on_its_field(consultant, booking):
    with pytest.raises(DomainError) as refused:
        td.testdrive_check_licence(actor=consultant, booking=booking, **{**LICENCE, "valid_until": dt.date(2026, 3, 9)})
    assert refused.value.field == "licence_valid_until" and "2026" in str(refused.value.message)
    booking.refresh_from_db()
    assert not booking.licence_checked


def test_a_licence_valid_until_today_still_counts(consultant, booking):
    assert td.testdrive_check_licence(actor=consultant, booking=booking, **{**LICENCE, "valid_until": TODAY}).licence_checked


def test_a_motorcycle_licence_does_not_cover_a_car(consultant, booking):
    with pytest.raises(DomainError) as refused:
        td.testdrive_check_licence(actor=consultant, booking=booking, **{**LICENCE, "licence_class": "D"})
    assert refused.value.field == "licence_class"


def test_a_probationary_driver_rides_along_only_by_default(consultant, booking):
    booking = td.testdrive_check_licence(actor=consultant, booking=booking, **{**LICENCE, "first_issued": dt.date(2025, 6, 1)})
    assert booking.ride_only


def test_a_store_that_allows_probationary_drivers_lets_them_drive(consultant, booking, store):
    Policy.objects.create(store=store, probationary_may_drive=True)
    booking = td.testdrive_check_licence(actor=consultant, booking=booking, **{**LICENCE, "first_issued": dt.date(2025, 6, 1)})
    assert not booking.ride_only


def test_a_ride_along_needs_no_licence(consultant, booking):
    booking = td.testdrive_check_licence(actor=consultant, booking=booking, ride_only=True)
    assert booking.ride_only and booking.licence_checked and booking.licence_number == ""


@pytest.mark.parametrize(("changes", "field"), [
    ({"number": ""}, "licence_number"), ({"number": "12-34"}, "licence_number"), ({"licence_class": "Z9"}, "licence_class"),
    ({"valid_until": None}, "licence_valid_until"), ({"first_issued": dt.date(2027, 1, 1)}, "licence_first_issued"),
])
def test_incomplete_licence_details_are_refused_on_their_field(consultant, booking, changes, field):
    with pytest.raises(DomainError) as refused:
        td.testdrive_check_licence(actor=consultant, booking=booking, **{**LICENCE, **changes})
    assert refused.value.field == field


# --- Agreement ---------------------------------------------------------------------------------------

def test_the_signed_agreement_keeps_the_text_the_route_and_the_signature(consultant, booking, route, signature_url):
    booking = ready(consultant, booking, route, signature_url)
    booking.refresh_from_db()
    assert bytes(booking.signature_png).startswith(b"\x89PNG") and booking.signed_at == NOW
    assert "试乘试驾协议" in booking.agreement_text and booking.route == route and booking.signer_name == "张三"
    assert AuditEntry.objects.filter(action="testdrives.agreement_signed").exists()


def test_the_agreement_needs_the_licence_checked_first(consultant, booking, route, signature_url):
    with pytest.raises(DomainError) as refused:
        td.testdrive_sign_agreement(actor=consultant, booking=booking, signer_name="张三", accepted=True,
                                    signature_data_url=signature_url, route=route)
    assert refused.value.code == "licence_first"


@pytest.mark.parametrize(("changes", "field"), [
    ({"accepted": False}, "accepted"), ({"signer_name": " "}, "signer_name"), ({"route": None}, "route"),
    ({"signature_data_url": ""}, "signature"), ({"signature_data_url": "data:image/png;base64,AAAA"}, "signature"),
])
def test_an_incomplete_agreement_is_refused_and_nothing_is_saved(consultant, booking, route, signature_url, changes, field):
    td.testdrive_check_licence(actor=consultant, booking=booking, **LICENCE)
    data = {"signer_name": "张三", "accepted": True, "signature_data_url": signature_url, "route": route, **changes}
    with pytest.raises(DomainError) as refused:
        td.testdrive_sign_agreement(actor=consultant, booking=booking, **data)
    assert refused.value.field == field
    booking.refresh_from_db()
    assert booking.signed_at is None and booking.signature_png is None


def test_an_inactive_route_cannot_be_chosen(consultant, booking, route, signature_url):
    route.active = False
    route.save()
    td.testdrive_check_licence(actor=consultant, booking=booking, **LICENCE)
    with pytest.raises(DomainError) as refused:
        td.testdrive_sign_agreement(actor=consultant, booking=booking, signer_name="张三", accepted=True,
                                    signature_data_url=signature_url, route=route)
    assert refused.value.field == "route"


# --- The drive ---------------------------------------------------------------------------------------

def test_the_drive_cannot_start_before_the_agreement_is_signed(consultant, booking):
    td.testdrive_check_licence(actor=consultant, booking=booking, **LICENCE)
    with pytest.raises(DomainError) as refused:
        td.testdrive_start(actor=consultant, booking=booking, odometer_start=1200)
    assert refused.value.code == "agreement_first"


def test_the_drive_starts_only_on_its_day(consultant, lead, car, route, signature_url):
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    ready(consultant, booking, route, signature_url)
    with pytest.raises(DomainError) as refused:
        td.testdrive_start(actor=consultant, booking=booking, odometer_start=1200)
    assert refused.value.code == "wrong_day"


def test_a_completed_drive_records_times_odometer_and_feedback_and_moves_the_lead_to_the_quote(consultant, booking, route,
                                                                                                signature_url, frozen):
    driven(consultant, booking, route, signature_url)
    frozen.shift(dt.timedelta(minutes=35))

    booking = td.testdrive_complete(actor=consultant, booking=booking, odometer_end=1209, scores=SCORES,
                                    customer_comments="加速很有劲", consultant_notes="客户关注后排空间")

    assert booking.status == BookingStatus.COMPLETED and booking.distance_km == 9
    assert booking.started_at == NOW and booking.ended_at == NOW + dt.timedelta(minutes=35)
    assert booking.score_overall == 5 and booking.customer_comments == "加速很有劲"
    booking.lead.refresh_from_db()
    assert booking.lead.stage == Stage.NEGOTIATION
    moves = list(StageTransition.objects.filter(lead=booking.lead).order_by("pk").values_list("from_stage", "to_stage"))
    assert moves[-2:] == [(Stage.PRESENTATION, Stage.TEST_DRIVE), (Stage.TEST_DRIVE, Stage.NEGOTIATION)]
    assert booking.reminder_task.status == TaskStatus.CANCELLED
    assert SlotHold.objects.filter(booking=booking).exists()  # the car was out: its time stays taken


def test_the_end_odometer_cannot_read_less_than_the_start(consultant, booking, route, signature_url):
    driven(consultant, booking, route, signature_url)
    with pytest.raises(DomainError) as refused:
        td.testdrive_complete(actor=consultant, booking=booking, odometer_end=1199, scores=SCORES)
    assert refused.value.field == "odometer_end"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.IN_PROGRESS


def test_an_equal_odometer_reading_is_accepted(consultant, booking, route, signature_url):
    driven(consultant, booking, route, signature_url)
    assert td.testdrive_complete(actor=consultant, booking=booking, odometer_end=1200, scores=SCORES).distance_km == 0


@pytest.mark.parametrize(("scores", "field"), [({"score_overall": None}, "score_overall"), ({"score_comfort": 6}, "score_comfort"),
                                               ({"score_space": 0}, "score_space"), ({"score_handling": "4.5"}, "score_handling")])
def test_scores_run_from_1_to_5_and_the_overall_score_is_required(consultant, booking, route, signature_url, scores, field):
    driven(consultant, booking, route, signature_url)
    with pytest.raises(DomainError) as refused:
        td.testdrive_complete(actor=consultant, booking=booking, odometer_end=1210, scores={**SCORES, **scores})
    assert refused.value.field == field


def test_a_lead_still_at_needs_analysis_needs_a_reason_for_the_skipped_presentation(consultant, car, route, signature_url, frozen):
    lead = file_lead(consultant, name="李雷", mobile="13900139000", stage=Stage.NEEDS_ANALYSIS)
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 10))
    driven(consultant, booking, route, signature_url)

    with pytest.raises(DomainError) as refused:
        td.testdrive_complete(actor=consultant, booking=booking, odometer_end=1210, scores=SCORES)
    assert refused.value.field == "skip_reason"

    td.testdrive_complete(actor=consultant, booking=booking, odometer_end=1210, scores=SCORES, skip_reason="老客户，直接试驾")
    lead.refresh_from_db()
    assert lead.stage == Stage.NEGOTIATION


def test_a_lead_already_past_the_test_drive_is_not_moved_back(consultant, car, route, signature_url, frozen):
    lead = file_lead(consultant, name="李雷", mobile="13900139000", stage=Stage.NEGOTIATION)
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 10))
    driven(consultant, booking, route, signature_url)
    td.testdrive_complete(actor=consultant, booking=booking, odometer_end=1210, scores=SCORES)
    lead.refresh_from_db()
    assert lead.stage == Stage.NEGOTIATION


# --- No-show, decline, cancel, move ------------------------------------------------------------------

def test_a_no_show_is_recorded_with_the_reason_and_frees_the_car(consultant, lead, car):
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 10))
    booking = td.testdrive_no_show(actor=consultant, booking=booking, reason="电话未接")
    assert booking.status == BookingStatus.NO_SHOW and booking.reason == "电话未接"
    assert not SlotHold.objects.filter(booking=booking).exists()
    assert booking.reminder_task.status == TaskStatus.CANCELLED


def test_a_no_show_cannot_be_recorded_before_the_booked_time(consultant, lead, car):
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    with pytest.raises(DomainError) as refused:
        td.testdrive_no_show(actor=consultant, booking=booking, reason="电话未接")
    assert refused.value.code == "not_yet"


def test_a_declined_test_drive_lets_the_lead_skip_to_the_quote_with_the_reason(consultant, lead):
    booking = td.testdrive_decline(actor=consultant, lead=lead, reason="上周已在别店试驾过")
    assert booking.status == BookingStatus.DECLINED and booking.vehicle is None
    lead.refresh_from_db()
    assert lead.stage == Stage.NEGOTIATION
    move = StageTransition.objects.filter(lead=lead).latest("pk")
    assert move.skipped == [Stage.TEST_DRIVE] and "上周已在别店试驾过" in move.reason


def test_declining_a_booked_drive_frees_the_car_and_drops_the_reminder(consultant, booking):
    booking = td.testdrive_decline(actor=consultant, lead=booking.lead, booking=booking, reason="改天再来", advance=False)
    assert booking.status == BookingStatus.DECLINED and not SlotHold.objects.filter(booking=booking).exists()
    assert booking.reminder_task.status == TaskStatus.CANCELLED
    booking.lead.refresh_from_db()
    assert booking.lead.stage == Stage.PRESENTATION


def test_a_decline_needs_a_reason(consultant, lead):
    with pytest.raises(DomainError) as refused:
        td.testdrive_decline(actor=consultant, lead=lead, reason="  ")
    assert refused.value.field == "reason"


def test_a_lead_before_the_presentation_is_not_moved_by_a_decline(consultant, frozen):
    lead = file_lead(consultant, name="李雷", mobile="13900139000", stage=Stage.NEEDS_ANALYSIS)
    td.testdrive_decline(actor=consultant, lead=lead, reason="不需要")
    lead.refresh_from_db()
    assert lead.stage == Stage.NEEDS_ANALYSIS


def test_cancelling_drops_the_reminder_task(consultant, booking):
    booking = td.testdrive_cancel(actor=consultant, booking=booking, reason="客户改期")
    assert booking.status == BookingStatus.CANCELLED and booking.reminder_task.status == TaskStatus.CANCELLED


def test_moving_a_booking_moves_its_slot_and_its_reminder(consultant, booking, car):
    old_task = booking.reminder_task
    moved = td.testdrive_reschedule(actor=consultant, booking=booking, vehicle=car, starts_at=at(TOMORROW, 15))
    old_task.refresh_from_db()
    assert old_task.status == TaskStatus.CANCELLED
    assert moved.reminder_task.status == TaskStatus.OPEN and moved.reminder_task.due_at == NOW + dt.timedelta(hours=1)
    assert sorted(SlotHold.objects.filter(booking=booking).values_list("starts_at", flat=True)) == [
        at(TOMORROW, 15), at(TOMORROW, 15, 15)]


def test_a_colleague_cannot_touch_the_booking(colleague, booking, outsider):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            td.testdrive_cancel(actor=actor, booking=booking)


def test_a_finished_booking_cannot_be_cancelled(consultant, booking):
    td.testdrive_cancel(actor=consultant, booking=booking)
    with pytest.raises(DomainError) as refused:
        td.testdrive_cancel(actor=consultant, booking=booking)
    assert refused.value.code == "booking_status"


def test_moving_onto_a_taken_slot_is_refused_and_the_booking_keeps_its_slot(consultant, booking, car):
    other = td.testdrive_book(actor=consultant, lead=file_lead(consultant, name="李雷", mobile="13900139000"), vehicle=car,
                              starts_at=at(TOMORROW, 15))
    with pytest.raises(Conflict) as refused:
        td.testdrive_reschedule(actor=consultant, booking=booking, vehicle=car, starts_at=at(TOMORROW, 15))
    assert refused.value.code == "slot_taken"
    booking.refresh_from_db()
    assert booking.starts_at == at(TODAY, 10) and booking.reminder_task.status == TaskStatus.OPEN
    assert sorted(SlotHold.objects.filter(booking=booking).values_list("starts_at", flat=True)) == [at(TODAY, 10), at(TODAY, 10, 15)]
    assert SlotHold.objects.filter(booking=other).count() == 2


def test_every_step_of_the_drive_is_audited_with_who_and_what_changed(consultant, booking, route, signature_url, frozen):
    driven(consultant, booking, route, signature_url)
    td.testdrive_complete(actor=consultant, booking=booking, odometer_end=1210, scores=SCORES)
    entries = list(AuditEntry.objects.filter(target_id=booking.pk, action__startswith="testdrives.").order_by("pk"))
    assert [e.action for e in entries] == ["testdrives.booked", "testdrives.licence_checked", "testdrives.agreement_signed",
                                           "testdrives.started", "testdrives.completed"]
    assert all(e.actor == consultant for e in entries)
    assert entries[-1].data["status"] == ["in_progress", "completed"] and entries[-1].data["odometer"] == [1200, 1210]
    assert "110105199001011234" not in str(entries[1].data)  # the licence number only masked in the log
