"""Allocating a car by VIN (配车): matching candidates oldest first, demo cars only when allowed, reserved in stock,
released back, a factory order when nothing matches."""

import datetime as dt

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.inventory.models import VehicleStatus
from showroom.orders import selectors, services
from showroom.orders.models import OrderStatus

from .conftest import car, file_lead, issue_quote


@pytest.fixture
def stock(store, trim, other_trim, white, grey, black):
    """Oldest first: a matching car from December, a matching one from January, a grey one, another trim, a sold
    one, a display car and a test-drive car of the right spec."""
    return {
        "old": car(store, trim, white, black, n=1, arrived=dt.date(2025, 12, 1)),
        "new": car(store, trim, white, black, n=2, arrived=dt.date(2026, 1, 20)),
        "grey": car(store, trim, grey, black, n=3),
        "other_trim": car(store, other_trim, white, black, n=4),
        "sold": car(store, trim, white, black, n=5, status=VehicleStatus.SOLD),
        "display": car(store, trim, white, black, n=6, is_display=True, arrived=dt.date(2025, 6, 1)),
        "demo": car(store, trim, white, black, n=7, is_test_drive=True, plate="京A12345"),
    }


def test_candidates_are_matching_cars_in_stock_oldest_first_without_demo_cars(consultant, order, stock):
    assert list(selectors.allocation_candidates(consultant, order)) == [stock["old"], stock["new"]]


def test_display_and_test_drive_cars_are_listed_only_when_asked(consultant, order, stock):
    listed = list(selectors.allocation_candidates(consultant, order, include_demo_cars=True))
    assert listed == [stock["display"], stock["old"], stock["demo"], stock["new"]]


def test_allocating_reserves_the_car_for_the_order(consultant, order, stock):
    order = services.order_allocate(actor=consultant, order=order, vehicle=stock["old"])
    stock["old"].refresh_from_db()
    assert order.status == OrderStatus.ALLOCATED and order.vehicle == stock["old"]
    assert stock["old"].status == VehicleStatus.RESERVED
    assert AuditEntry.objects.filter(action="orders.vehicle_allocated", target_id=order.pk).exists()
    assert AuditEntry.objects.filter(action="inventory.vehicle_status_changed", target_id=stock["old"].pk).exists()
    assert stock["old"] not in selectors.allocation_candidates(consultant, order)


@pytest.mark.parametrize("which", ["grey", "other_trim"])
def test_a_car_of_another_trim_or_colour_is_refused(consultant, order, stock, which):
    with pytest.raises(DomainError) as refused:
        services.order_allocate(actor=consultant, order=order, vehicle=stock[which])
    assert (refused.value.code, refused.value.field) == ("vehicle_mismatch", "vehicle")


def test_a_sold_car_is_refused_as_taken(consultant, order, stock):
    with pytest.raises(Conflict):
        services.order_allocate(actor=consultant, order=order, vehicle=stock["sold"])


def test_a_display_car_needs_an_explicit_allowance_by_a_manager(consultant, manager, order, stock):
    with pytest.raises(DomainError) as refused:
        services.order_allocate(actor=consultant, order=order, vehicle=stock["display"])
    assert refused.value.code == "demo_car"
    with pytest.raises(PermissionDenied):
        services.order_allocate(actor=consultant, order=order, vehicle=stock["display"], allow_demo_car=True)
    order = services.order_allocate(actor=manager, order=order, vehicle=stock["display"], allow_demo_car=True)
    assert order.vehicle == stock["display"] and order.allows_demo_car


def test_a_car_held_by_another_order_is_a_conflict(consultant, colleague, order, stock, trim, white, black):
    services.order_allocate(actor=consultant, order=order, vehicle=stock["old"])
    other_lead = file_lead(colleague, name="李雷", mobile="13900139000")
    other = services.order_sign(actor=colleague, quote=issue_quote(colleague, other_lead, trim, exterior=white,
                                                                   interior=black))
    with pytest.raises(Conflict) as refused:
        services.order_allocate(actor=colleague, order=other, vehicle=stock["old"])
    assert refused.value.code == "vehicle_taken"


def test_a_car_of_another_store_is_not_offered(consultant, order, other_store, trim, white, black):
    foreign = car(other_store, trim, white, black, n=9)
    with pytest.raises(DomainError) as refused:
        services.order_allocate(actor=consultant, order=order, vehicle=foreign)
    assert refused.value.code == "vehicle_invalid"


def test_releasing_puts_the_car_back_in_stock(consultant, order, stock):
    services.order_allocate(actor=consultant, order=order, vehicle=stock["old"])
    order = services.order_release_vehicle(actor=consultant, order=order, reason="客户改选颜色")
    stock["old"].refresh_from_db()
    assert order.vehicle is None and order.status == OrderStatus.SIGNED
    assert stock["old"].status == VehicleStatus.IN_STOCK
    entry = AuditEntry.objects.get(action="orders.vehicle_released")
    assert entry.data["reason"] == "客户改选颜色"


def test_the_stock_keeper_cannot_put_an_allocated_car_back_in_stock_behind_the_orders_back(consultant, store, order,
                                                                                            stock):
    from showroom.accounts.models import Role
    from showroom.accounts.tests.factories import UserFactory
    from showroom.inventory.services import vehicle_change_status

    services.order_allocate(actor=consultant, order=order, vehicle=stock["old"])
    keeper = UserFactory(store=store, role=Role.STORE_ADMIN)
    with pytest.raises(DomainError) as refused:
        vehicle_change_status(actor=keeper, vehicle=stock["old"], to=VehicleStatus.IN_STOCK)
    assert refused.value.code == "vehicle_allocated" and order.number in str(refused.value.message)
    stock["old"].refresh_from_db()
    assert stock["old"].status == VehicleStatus.RESERVED


def test_the_cars_history_names_the_order_that_moved_it(consultant, order, stock):
    services.order_allocate(actor=consultant, order=order, vehicle=stock["old"])
    services.order_release_vehicle(actor=consultant, order=order, reason="客户改选颜色")
    moves = AuditEntry.objects.filter(action="inventory.vehicle_status_changed", target_id=stock["old"].pk)
    assert [(m.data["to"], m.data["order"]) for m in moves.order_by("pk")] == [
        ("reserved", order.number), ("in_stock", order.number)]


def test_releasing_needs_a_reason(consultant, order, stock):
    services.order_allocate(actor=consultant, order=order, vehicle=stock["old"])
    with pytest.raises(DomainError) as refused:
        services.order_release_vehicle(actor=consultant, order=order, reason=" ")
    assert refused.value.field == "reason"


def test_a_paid_deposit_keeps_the_order_deposit_paid_after_a_release(consultant, order, stock):
    services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount=order.deposit_amount)
    services.order_allocate(actor=consultant, order=order, vehicle=stock["old"])
    order = services.order_release_vehicle(actor=consultant, order=order, reason="换车")
    assert order.status == OrderStatus.DEPOSIT_PAID


def test_a_factory_order_is_recorded_once(consultant, order):
    order = services.order_request_factory_order(actor=consultant, order=order, note="冰川白/黑内 期车")
    assert order.factory_order_requested_at is not None and order.factory_order_note == "冰川白/黑内 期车"
    with pytest.raises(DomainError):
        services.order_request_factory_order(actor=consultant, order=order)


def test_a_colleague_cannot_allocate_to_someone_elses_order(colleague, order, stock):
    with pytest.raises(NotFound):
        services.order_allocate(actor=colleague, order=order, vehicle=stock["old"])
