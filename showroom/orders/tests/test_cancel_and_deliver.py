"""Cancellation (退订) with the deposit's refund rule, and the hand-over that closes the order."""

from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, PermissionDenied
from showroom.inventory.models import VehicleStatus
from showroom.orders import services
from showroom.orders.models import ChangeStatus, OrderStatus, Payment
from showroom.orders.selectors import balance_of

from .conftest import car, pay_in_full

D = Decimal


@pytest.mark.parametrize(("kind", "by", "refunded", "forfeited", "compensation"), [
    ("earnest", "buyer", "0", "20000", "0"),
    ("earnest", "dealer", "20000", "0", "20000"),
    ("advance", "buyer", "20000", "0", "0"),
    ("advance", "dealer", "20000", "0", "0"),
    ("intention", "buyer", "20000", "0", "0"),
    ("locked", "buyer", "0", "20000", "0"),
    ("locked", "dealer", "20000", "0", "0"),
])
def test_the_refund_rule_of_each_deposit_kind(kind, by, refunded, forfeited, compensation):
    rule = services.refund_rule(kind, by, D("20000"))
    assert rule == {"deposit_refunded": D(refunded), "deposit_forfeited": D(forfeited), "compensation": D(compensation)}


def test_a_buyer_who_backs_out_loses_earnest_money_and_gets_the_rest_back(consultant, order):
    services.payment_record(actor=consultant, order=order, kind="deposit", method="wechat_pay", amount="20000")
    services.payment_record(actor=consultant, order=order, kind="balance", method="transfer", amount="50000")
    cancellation = services.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="客户资金问题")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancelled_at is not None
    assert (cancellation.deposit_forfeited, cancellation.deposit_refunded) == (D("20000"), D("0"))
    assert cancellation.other_refunded == D("50000") and cancellation.total_refunded == D("50000")
    refund = Payment.objects.get(kind="refund")
    assert (refund.amount, refund.receipt_number) == (D("50000.00"), "TK2026-000001")
    assert cancellation.refund == refund
    entry = AuditEntry.objects.get(action="orders.cancelled")
    assert entry.data["deposit_forfeited"] == "20000.00" and entry.data["total_refunded"] == "50000.00"


def test_a_dealer_who_backs_out_pays_earnest_money_back_double(manager, consultant, order):
    services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="20000")
    cancellation = services.order_cancel(actor=manager, order=order, cancelled_by="dealer", reason="无法按期交车")
    assert (cancellation.deposit_refunded, cancellation.compensation) == (D("20000"), D("20000"))
    assert Payment.objects.get(kind="refund").amount == D("40000.00")


def test_only_a_manager_cancels_on_the_dealers_side(consultant, order):
    with pytest.raises(PermissionDenied):
        services.order_cancel(actor=consultant, order=order, cancelled_by="dealer", reason="缺车")
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED


def test_an_advance_payment_is_refunded_when_the_buyer_backs_out(consultant, quote):
    order = services.order_sign(actor=consultant, quote=quote, deposit_kind="advance", deposit_amount="30000")
    services.payment_record(actor=consultant, order=order, kind="deposit", method="alipay", amount="30000")
    cancellation = services.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="改主意")
    assert (cancellation.deposit_refunded, cancellation.deposit_forfeited) == (D("30000"), D("0"))


def test_cancelling_releases_the_car_and_closes_pending_changes(consultant, order, store, trim, white, black):
    vehicle = car(store, trim, white, black, n=1)
    services.order_allocate(actor=consultant, order=order, vehicle=vehicle)
    services.order_change(actor=consultant, order=order, changes={"delivery_place": "客户家中"}, reason="客户要求")
    services.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="不买了")
    vehicle.refresh_from_db()
    order.refresh_from_db()
    assert vehicle.status == VehicleStatus.IN_STOCK and order.vehicle is None
    assert order.change_requests.get().status == ChangeStatus.REJECTED
    assert not Payment.objects.filter(kind="refund").exists()  # nothing was paid, nothing to refund


def test_a_cancellation_needs_a_reason_and_a_cancelled_order_takes_no_more(consultant, order):
    with pytest.raises(DomainError) as refused:
        services.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="")
    assert refused.value.field == "reason"
    services.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="不买了")
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="100")
    assert refused.value.code == "order_closed"


def test_the_hand_over_delivers_the_order_and_the_car(consultant, order, store, trim, white, black):
    vehicle = car(store, trim, white, black, n=1)
    services.order_allocate(actor=consultant, order=order, vehicle=vehicle)
    services.order_mark_ready(actor=consultant, order=order)
    pay_in_full(consultant, order)
    order = services.order_mark_delivered(actor=consultant, order=order)
    vehicle.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.delivered_at is not None
    assert vehicle.status == VehicleStatus.DELIVERED
    assert balance_of(order).outstanding == 0


def test_the_hand_over_waits_for_the_balance(consultant, order, store, trim, white, black):
    services.order_allocate(actor=consultant, order=order, vehicle=car(store, trim, white, black, n=1))
    with pytest.raises(DomainError) as refused:
        services.order_mark_delivered(actor=consultant, order=order)
    assert refused.value.code == "balance_outstanding"


def test_an_order_without_a_car_cannot_be_delivered_or_made_ready(consultant, order):
    with pytest.raises(DomainError):
        services.order_mark_delivered(actor=consultant, order=order)
    with pytest.raises(DomainError):
        services.order_mark_ready(actor=consultant, order=order)
