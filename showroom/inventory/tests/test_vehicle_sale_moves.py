"""A sale moves its car through the stock's one table of transitions, on behalf of the consultant or manager working
the order: reserved, back in stock, sold, delivered — each move in the car's history with the order's number."""

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, NotFound, PermissionDenied
from showroom.inventory.models import VehicleStatus
from showroom.inventory.services import (
    vehicle_change_status,
    vehicle_mark_delivered,
    vehicle_mark_sold,
    vehicle_release_from_sale,
    vehicle_reserve_for_sale,
)
from showroom.inventory.tests.factories import VehicleFactory


@pytest.fixture
def car(store, trim):
    return VehicleFactory(store=store, trim=trim)


def test_a_consultant_reserves_sells_and_hands_over_the_car_of_an_order_each_step_in_its_history(consultant, car):
    vehicle_reserve_for_sale(actor=consultant, vehicle=car, order_number="SO2026-000001")
    vehicle_mark_sold(actor=consultant, vehicle=car, order_number="SO2026-000001")
    vehicle_mark_delivered(actor=consultant, vehicle=car, order_number="SO2026-000001")
    car.refresh_from_db()
    assert car.status == VehicleStatus.DELIVERED and car.updated_by == consultant
    moves = AuditEntry.objects.filter(action="inventory.vehicle_status_changed", target_id=car.pk).order_by("pk")
    assert [(m.data["from"], m.data["to"], m.data["order"]) for m in moves] == [
        ("in_stock", "reserved", "SO2026-000001"), ("reserved", "sold", "SO2026-000001"),
        ("sold", "delivered", "SO2026-000001")]


def test_the_stock_keepers_own_status_change_stays_closed_to_a_consultant(consultant, car):
    with pytest.raises(PermissionDenied):
        vehicle_change_status(actor=consultant, vehicle=car, to=VehicleStatus.RESERVED)


@pytest.mark.parametrize("role", ["receptionist", "service_advisor"])
def test_a_receptionist_or_service_advisor_cannot_move_a_car_for_a_sale(store, car, role):
    from showroom.accounts.tests.factories import UserFactory

    user = UserFactory(store=store, role=role)
    with pytest.raises(PermissionDenied):
        vehicle_reserve_for_sale(actor=user, vehicle=car, order_number="SO2026-000001")
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
    assert not AuditEntry.objects.exists()


def test_a_car_of_another_store_is_not_found(outsider, car):
    with pytest.raises(NotFound):
        vehicle_reserve_for_sale(actor=outsider, vehicle=car, order_number="SO2026-000001")


def test_a_sale_cannot_skip_the_table_a_reserved_car_is_not_reserved_twice_nor_delivered_unsold(consultant, car):
    vehicle_reserve_for_sale(actor=consultant, vehicle=car, order_number="SO2026-000001")
    with pytest.raises(Conflict) as refused:
        vehicle_reserve_for_sale(actor=consultant, vehicle=car, order_number="SO2026-000002")
    assert (refused.value.code, refused.value.field) == ("vehicle_status", "vehicle")
    with pytest.raises(Conflict):
        vehicle_mark_delivered(actor=consultant, vehicle=car, order_number="SO2026-000001")
    car.refresh_from_db()
    assert car.status == VehicleStatus.RESERVED


@pytest.mark.parametrize("status", [VehicleStatus.RESERVED, VehicleStatus.SOLD])
def test_a_released_car_is_back_in_stock(consultant, store, trim, status):
    car = VehicleFactory(store=store, trim=trim, status=status)
    vehicle_release_from_sale(actor=consultant, vehicle=car, order_number="SO2026-000001")
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
    entry = AuditEntry.objects.get(action="inventory.vehicle_status_changed")
    assert (entry.data["from"], entry.data["to"], entry.data["order"]) == (status, "in_stock", "SO2026-000001")


def test_releasing_a_car_already_back_in_stock_changes_nothing(consultant, car):
    vehicle_release_from_sale(actor=consultant, vehicle=car, order_number="SO2026-000001")
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK and car.version == 1
    assert not AuditEntry.objects.exists()
