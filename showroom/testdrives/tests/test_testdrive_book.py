"""Booking a test-drive car for a lead: free slots only, never two bookings of one car at once."""

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskStatus
from showroom.inventory.models import VehicleStatus
from showroom.inventory.tests.factories import DemoCarFactory, VehicleFactory
from showroom.leads.tests.factories import LeadFactory
from showroom.testdrives import services as td
from showroom.testdrives.models import Booking, BookingStatus, Policy, SlotHold

from .conftest import TODAY, TOMORROW, at, file_lead


def test_a_consultant_books_a_free_slot_for_their_customer(consultant, lead, car, route):
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10), route=route)

    assert booking.status == BookingStatus.BOOKED
    assert (booking.starts_at, booking.ends_at) == (at(TOMORROW, 10), at(TOMORROW, 10, 30))
    assert booking.consultant == consultant and booking.route == route
    assert SlotHold.objects.filter(booking=booking).count() == 2  # two quarter hours
    assert AuditEntry.objects.filter(action="testdrives.booked", target_id=booking.pk).exists()


def test_two_slots_make_a_one_hour_booking(consultant, lead, car):
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 14), slots=2)
    assert booking.ends_at == at(TOMORROW, 15)


def test_an_overlapping_booking_of_the_same_car_is_refused_with_the_booked_time_and_nothing_is_saved(consultant, lead, car):
    td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10), slots=2)
    other = file_lead(consultant, name="李雷", mobile="13900139000")

    with pytest.raises(Conflict) as refused:
        td.testdrive_book(actor=consultant, lead=other, vehicle=car, starts_at=at(TOMORROW, 10, 30))

    assert refused.value.code == "slot_taken" and refused.value.field == "starts_at"
    assert "10:00" in str(refused.value.message) and "11:00" in str(refused.value.message)
    assert Booking.objects.filter(lead=other).count() == 0
    assert Task.objects.filter(lead=other, title__contains="test drive").count() == 0


def test_a_booking_right_after_another_is_allowed(consultant, lead, car):
    td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    other = file_lead(consultant, name="李雷", mobile="13900139000")

    booking = td.testdrive_book(actor=consultant, lead=other, vehicle=car, starts_at=at(TOMORROW, 10, 30))

    assert booking.starts_at == at(TOMORROW, 10, 30)


def test_another_car_can_be_booked_at_the_same_time(consultant, lead, car, store):
    td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    other = file_lead(consultant, name="李雷", mobile="13900139000")
    td.testdrive_book(actor=consultant, lead=other, vehicle=DemoCarFactory(store=store), starts_at=at(TOMORROW, 10))


def test_a_cancelled_booking_frees_the_slot(consultant, lead, car):
    first = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    td.testdrive_cancel(actor=consultant, booking=first, reason="客户临时有事")
    other = file_lead(consultant, name="李雷", mobile="13900139000")

    td.testdrive_book(actor=consultant, lead=other, vehicle=car, starts_at=at(TOMORROW, 10))

    assert not SlotHold.objects.filter(booking=first).exists()


def test_one_customer_cannot_be_booked_on_two_cars_at_once(consultant, lead, car, store):
    td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    with pytest.raises(Conflict) as refused:
        td.testdrive_book(actor=consultant, lead=lead, vehicle=DemoCarFactory(store=store), starts_at=at(TOMORROW, 10))
    assert refused.value.code == "lead_busy"


@pytest.mark.parametrize(("hour", "minute", "code"), [(10, 10, "slot_invalid"), (8, 30, "slot_invalid"), (18, 0, "slot_invalid")])
def test_a_time_off_the_store_slots_is_refused(consultant, lead, car, hour, minute, code):
    with pytest.raises(DomainError) as refused:
        td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, hour, minute))
    assert refused.value.code == code and refused.value.field == "starts_at"


def test_a_drive_cannot_run_past_closing(consultant, lead, car):
    with pytest.raises(DomainError) as refused:
        td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 17, 30), slots=2)
    assert refused.value.code == "slot_after_hours"


def test_a_slot_that_is_over_cannot_be_booked_but_the_running_one_can(consultant, lead, car):
    with pytest.raises(DomainError) as refused:
        td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 9, 30))
    assert refused.value.code == "slot_past"
    assert td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 10)).pk


def test_the_store_policy_sets_hours_and_slot_length(consultant, lead, car, store):
    Policy.objects.create(store=store, opens_at="08:30", closes_at="20:00", slot_minutes=60)
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TOMORROW, 18, 30))
    assert booking.ends_at == at(TOMORROW, 19, 30)


def test_a_sold_car_or_an_ordinary_stock_car_cannot_be_booked(consultant, lead, store):
    for vehicle in (DemoCarFactory(store=store, status=VehicleStatus.SOLD), VehicleFactory(store=store)):
        with pytest.raises(DomainError) as refused:
            td.testdrive_book(actor=consultant, lead=lead, vehicle=vehicle, starts_at=at(TOMORROW, 10))
        assert refused.value.field == "vehicle"


def test_a_car_of_another_store_cannot_be_booked(consultant, lead, other_store):
    with pytest.raises(DomainError) as refused:
        td.testdrive_book(actor=consultant, lead=lead, vehicle=DemoCarFactory(store=other_store), starts_at=at(TOMORROW, 10))
    assert refused.value.field == "vehicle"


def test_a_reminder_for_the_consultant_is_due_the_day_before(consultant, lead, car):
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY.replace(day=12), 15))
    task = booking.reminder_task
    assert task.owner == consultant and task.status == TaskStatus.OPEN
    assert task.due_at == at(TODAY.replace(day=11), 10)
    assert "15:00" in task.title and "京A12345" in task.title


def test_a_reminder_for_a_drive_booked_after_the_morning_before_is_due_within_the_hour(consultant, lead, car):
    booking = td.testdrive_book(actor=consultant, lead=lead, vehicle=car, starts_at=at(TODAY, 15))
    assert booking.reminder_task.due_at == at(TODAY, 11, 5)
    soon = td.testdrive_book(actor=consultant, lead=file_lead(consultant, name="李雷", mobile="13900139000"), vehicle=car,
                             starts_at=at(TODAY, 10, 30))
    assert soon.reminder_task.due_at == at(TODAY, 10, 5)  # the drive is in 25 minutes: confirm now


def test_a_manager_books_for_a_consultants_lead_and_the_reminder_goes_to_the_consultant(manager, consultant, lead, car):
    booking = td.testdrive_book(actor=manager, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    assert booking.consultant == consultant and booking.reminder_task.owner == consultant


def test_a_colleague_cannot_book_for_someone_elses_lead(colleague, lead, car):
    with pytest.raises(NotFound):
        td.testdrive_book(actor=colleague, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    assert not Booking.objects.exists()


def test_reception_cannot_book(receptionist, lead, car):
    with pytest.raises(PermissionDenied):
        td.testdrive_book(actor=receptionist, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))


def test_a_pool_lead_cannot_be_booked(manager, store, car, frozen):
    lead = LeadFactory(store=store)
    with pytest.raises(DomainError) as refused:
        td.testdrive_book(actor=manager, lead=lead, vehicle=car, starts_at=at(TOMORROW, 10))
    assert refused.value.code == "lead_unassigned"
