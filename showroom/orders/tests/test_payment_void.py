"""Voiding a payment taken by mistake: a manager's decision with a reason; the payment stays, marked void, and no
longer counts in the balance; the order's status follows its deposit; the page, the receipt and the API show it."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.api import api
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.orders import selectors, services
from showroom.orders.models import OrderStatus, Payment

from .conftest import car, file_lead, issue_quote, pay_in_full

API = "/api/v1"


@pytest.fixture
def deposit(consultant, order):
    """The whole earnest money, ¥20,000 by WeChat Pay: the order is "deposit paid"."""
    return services.payment_record(actor=consultant, order=order, kind="deposit", method="wechat_pay", amount="20000")


@pytest.fixture
def other_manager(other_store):
    return UserFactory(store=other_store, role=Role.MANAGER, username="other-manager")


def _order_out(manager, order):
    return selectors.with_balance(selectors.orders_for(manager)).get(pk=order.pk)


# --- The service ---------------------------------------------------------------------------------

def test_a_voided_payment_stays_marked_void_and_no_longer_counts(manager, order, deposit):
    due = order.amount_due
    services.payment_void(actor=manager, payment=deposit, reason="金额录错，应为 2,000 元")
    deposit.refresh_from_db()
    assert deposit.is_void and deposit.voided_by == manager and deposit.voided_at is not None
    assert deposit.void_reason == "金额录错，应为 2,000 元" and deposit.amount == Decimal("20000.00")
    balance = selectors.balance_of(order)
    assert (balance.deposit_paid, balance.paid, balance.outstanding) == (0, 0, due)
    listed = _order_out(manager, order)
    assert (listed.deposit_paid, listed.received, listed.outstanding) == (0, 0, due)
    assert list(selectors.payments_for(manager, order)) == [deposit]


def test_the_void_is_audited_with_the_outstanding_balance_before_and_after(manager, order, deposit):
    services.payment_void(actor=manager, payment=deposit.pk, reason="记错订单")
    entry = AuditEntry.objects.get(action="orders.payment_voided")
    assert entry.actor == manager and entry.target_id == order.pk
    assert entry.data["receipt"] == "SK2026-000001" and entry.data["reason"] == "记错订单"
    assert entry.data["amount"] == "20000.00"
    assert [Decimal(x) for x in entry.data["outstanding"]] == [order.amount_due - Decimal("20000"), order.amount_due]


def test_voiding_the_deposit_takes_the_order_back_to_signed_and_a_new_deposit_forward_again(
        consultant, manager, order, deposit):
    order.refresh_from_db()
    assert order.status == OrderStatus.DEPOSIT_PAID
    services.payment_void(actor=manager, payment=deposit, reason="金额录错")
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED
    assert AuditEntry.objects.filter(action="orders.status_changed", data__to="signed").exists()
    # The voided deposit no longer counts against the one agreed: the right one can be taken.
    services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="20000")
    order.refresh_from_db()
    assert order.status == OrderStatus.DEPOSIT_PAID


def test_voiding_a_balance_payment_leaves_a_paid_deposit_as_it_is(consultant, manager, order, deposit):
    balance = services.payment_record(actor=consultant, order=order, kind="balance", method="transfer", amount="5000")
    services.payment_void(actor=manager, payment=balance, reason="记错订单")
    order.refresh_from_db()
    assert order.status == OrderStatus.DEPOSIT_PAID
    assert selectors.balance_of(order).paid == Decimal("20000.00")


def test_a_part_of_the_deposit_voided_on_a_signed_order_leaves_it_signed(consultant, manager, order):
    part = services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="5000")
    services.payment_void(actor=manager, payment=part, reason="重复录入")
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED
    assert not AuditEntry.objects.filter(action="orders.status_changed").exists()


def test_an_allocated_order_keeps_its_car_when_its_deposit_is_voided(manager, consultant, order, deposit, store, trim,
                                                                     white, black):
    services.order_allocate(actor=consultant, order=order, vehicle=car(store, trim, white, black, n=1))
    services.payment_void(actor=manager, payment=deposit, reason="金额录错")
    order.refresh_from_db()
    assert order.status == OrderStatus.ALLOCATED and order.vehicle_id is not None


def test_a_store_admin_may_void(store, order, deposit):
    admin = UserFactory(store=store, role=Role.STORE_ADMIN, username="admin")
    assert services.payment_void(actor=admin, payment=deposit, reason="金额录错").is_void


def test_a_consultant_may_not_void_not_even_on_their_own_order(consultant, order, deposit):
    with pytest.raises(PermissionDenied):
        services.payment_void(actor=consultant, payment=deposit, reason="金额录错")
    deposit.refresh_from_db()
    assert not deposit.is_void and not AuditEntry.objects.filter(action="orders.payment_voided").exists()


def test_another_stores_manager_finds_no_such_payment(other_manager, order, deposit):
    with pytest.raises(NotFound):
        services.payment_void(actor=other_manager, payment=deposit, reason="金额录错")
    deposit.refresh_from_db()
    assert not deposit.is_void


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_void_needs_a_reason(manager, deposit, reason):
    with pytest.raises(DomainError) as refused:
        services.payment_void(actor=manager, payment=deposit, reason=reason)
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")


def test_a_payment_already_void_is_refused(manager, deposit):
    services.payment_void(actor=manager, payment=deposit, reason="金额录错")
    with pytest.raises(Conflict) as refused:
        services.payment_void(actor=manager, payment=deposit, reason="再来一次")
    assert (refused.value.code, refused.value.field) == ("payment_already_void", "payment")
    deposit.refresh_from_db()
    assert deposit.void_reason == "金额录错"


def test_a_refund_and_the_payments_of_a_cancelled_order_cannot_be_voided(consultant, manager, order):
    balance = services.payment_record(actor=consultant, order=order, kind="balance", method="transfer", amount="5000")
    cancellation = services.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="客户放弃")
    with pytest.raises(DomainError) as refused:
        services.payment_void(actor=manager, payment=cancellation.refund, reason="金额录错")
    assert (refused.value.code, refused.value.field) == ("refund_not_voidable", "payment")
    with pytest.raises(DomainError) as refused:
        services.payment_void(actor=manager, payment=balance, reason="金额录错")
    assert (refused.value.code, refused.value.field) == ("order_closed", "payment")
    assert not Payment.objects.filter(voided_at__isnull=False).exists()


def test_the_payments_of_a_delivered_order_cannot_be_voided(consultant, manager, order, store, trim, white, black):
    services.order_allocate(actor=consultant, order=order, vehicle=car(store, trim, white, black, n=1))
    services.order_mark_ready(actor=consultant, order=order)
    pay_in_full(consultant, order)
    services.order_mark_delivered(actor=consultant, order=order)
    with pytest.raises(DomainError) as refused:
        services.payment_void(actor=manager, payment=Payment.objects.first(), reason="金额录错")
    assert (refused.value.code, refused.value.field) == ("order_closed", "payment")


# --- The pages -----------------------------------------------------------------------------------

def _void(client, order, payment, reason="金额录错"):
    return client.post(reverse("orders:void_payment", args=[order.pk]), {"payment": payment.pk, "reason": reason})


def test_the_manager_voids_on_the_order_page_which_strikes_it_through_with_the_reason(client, manager, order, deposit):
    client.force_login(manager)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="void-form"' in page
    response = _void(client, order, deposit, reason="金额录错，应为 2,000 元")
    assert response.status_code == 302
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert f'data-payment="{deposit.pk}" data-void' in page
    assert "<s>SK2026-000001</s>" in page and "金额录错，应为 2,000 元" in page
    assert 'data-testid="void-form"' not in page  # nothing left to void


def test_the_consultant_sees_no_void_form_and_is_refused_the_post(client, consultant, order, deposit):
    client.force_login(consultant)
    assert 'data-testid="void-form"' not in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert _void(client, order, deposit).status_code == 403
    deposit.refresh_from_db()
    assert not deposit.is_void


def test_another_stores_manager_gets_404_on_the_page(client, other_manager, order, deposit):
    client.force_login(other_manager)
    assert _void(client, order, deposit).status_code == 404


def test_a_refused_void_on_the_page_names_the_field(client, manager, order, deposit):
    client.force_login(manager)
    response = _void(client, order, deposit, reason="")
    assert response.status_code == 422 and 'data-field-error="reason"' in response.content.decode()
    assert _void(client, order, deposit).status_code == 302
    response = _void(client, order, deposit)
    assert response.status_code == 422 and 'data-field-error="payment"' in response.content.decode()


def test_the_receipt_of_a_void_payment_says_so(client, manager, order, deposit):
    client.force_login(manager)
    url = reverse("orders:receipt", args=[deposit.pk])
    assert 'data-testid="receipt-void"' not in client.get(url).content.decode()
    services.payment_void(actor=manager, payment=deposit, reason="记错订单")
    receipt = client.get(url).content.decode()
    assert 'data-testid="receipt-void"' in receipt and "记错订单" in receipt and "SK2026-000001" in receipt
    assert "VOID" in receipt or "作废" in receipt


def test_the_order_page_costs_the_same_queries_with_a_void_payment(client, consultant, manager, order, deposit):
    services.payment_record(actor=consultant, order=order, kind="balance", method="cash", amount="100")
    client.force_login(manager)
    url = reverse("orders:detail", args=[order.pk])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    services.payment_void(actor=manager, payment=deposit, reason="金额录错")
    assert count() == before


# --- The API -------------------------------------------------------------------------------------

def _post(client, path, data):
    return client.post(API + path, data=json.dumps(data), content_type="application/json")


def test_voiding_through_the_api_returns_the_void_payment(client, manager, order, deposit):
    client.force_login(manager)
    response = _post(client, f"/orders/{order.pk}/payments/{deposit.pk}/void", {"reason": "金额录错"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["void"] is True and body["void_reason"] == "金额录错" and body["voided_at"]
    assert body["voided_by_id"] == manager.pk
    listed = client.get(f"{API}/orders/{order.pk}/payments").json()
    assert [(p["receipt_number"], p["void"]) for p in listed] == [("SK2026-000001", True)]
    detail = client.get(f"{API}/orders/{order.pk}").json()
    assert detail["status"] == "signed" and detail["paid"] == "0.00" and detail["deposit_paid"] == "0.00"


def test_a_valid_payment_shows_as_not_void_in_the_api(client, consultant, order, deposit):
    client.force_login(consultant)
    [payment] = client.get(f"{API}/orders/{order.pk}/payments").json()
    assert (payment["void"], payment["voided_at"], payment["void_reason"]) == (False, None, "")


def test_the_api_refuses_a_consultant_another_store_and_another_orders_payment(
        client, consultant, other_manager, manager, order, deposit, colleague, trim, white):
    path = f"/orders/{order.pk}/payments/{deposit.pk}/void"
    client.force_login(consultant)
    assert _post(client, path, {"reason": "金额录错"}).status_code == 403
    client.force_login(other_manager)
    assert _post(client, path, {"reason": "金额录错"}).status_code == 404
    other_lead = file_lead(colleague, name="李雷", mobile="13900139001")
    other = services.order_sign(actor=colleague, quote=issue_quote(colleague, other_lead, trim, exterior=white))
    client.force_login(manager)
    assert _post(client, f"/orders/{other.pk}/payments/{deposit.pk}/void", {"reason": "x"}).status_code == 404
    deposit.refresh_from_db()
    assert not deposit.is_void


def test_the_api_names_the_field_of_a_refused_void(client, manager, order, deposit):
    client.force_login(manager)
    path = f"/orders/{order.pk}/payments/{deposit.pk}/void"
    response = _post(client, path, {})
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    response = _post(client, path, {"reason": " "})
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert _post(client, path, {"reason": "金额录错"}).status_code == 200
    response = _post(client, path, {"reason": "金额录错"})
    assert response.status_code == 409 and response.json()["code"] == "payment_already_void"
    assert "payment_id" in response.json()["fields"]


def test_the_void_endpoint_is_in_the_openapi_schema():
    assert "/api/v1/orders/{order_id}/payments/{payment_id}/void" in api.get_openapi_schema()["paths"]
