"""The order pages: signing from the lead page, the order with its payments and car, the receipt, the list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.inventory.models import VehicleStatus
from showroom.orders import services
from showroom.orders.models import Order, OrderStatus, Payment

from .conftest import TODAY, car, file_lead, issue_quote


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lead_page_offers_signing_once_a_quote_is_issued(client, consultant, quote):
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[quote.lead_id])).content.decode()
    assert 'data-testid="order-panel"' in page and reverse("orders:sign", args=[quote.lead_id]) in page


def test_signing_on_the_page_opens_the_new_order(client, consultant, quote):
    client.force_login(consultant)
    response = client.post(reverse("orders:sign", args=[quote.lead_id]), {
        "quote": quote.pk, "buyer_name": "张三", "deposit_kind": "earnest", "deposit_amount": "2万",
        "delivery_date": (TODAY + dt.timedelta(days=20)).isoformat(), "delivery_place": "展厅交车区"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("orders:detail", args=[order.pk])
    assert order.deposit_amount == Decimal("20000.00") and order.delivery_place == "展厅交车区"


def test_too_much_earnest_money_is_shown_at_the_deposit_field(client, consultant, quote):
    client.force_login(consultant)
    response = client.post(reverse("orders:sign", args=[quote.lead_id]), {
        "quote": quote.pk, "deposit_kind": "earnest", "deposit_amount": "100000"})
    assert response.status_code == 200
    assert 'data-field-error="deposit_amount"' in response.content.decode()
    assert not Order.objects.exists()


def test_the_order_page_shows_contract_balance_and_candidates(client, consultant, order, store, trim, white, black):
    vehicle = car(store, trim, white, black, n=1)
    services.payment_record(actor=consultant, order=order, kind="deposit", method="wechat_pay", amount="20000")
    client.force_login(consultant)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert order.number in page and "SK2026-000001" in page and vehicle.vin in page
    assert 'data-testid="outstanding"' in page


def test_paying_on_the_page_and_printing_the_receipt(client, consultant, order):
    client.force_login(consultant)
    response = client.post(reverse("orders:pay", args=[order.pk]), {"kind": "deposit", "method": "alipay",
                                                                   "amount": "20000"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    receipt = client.get(reverse("orders:receipt", args=[payment.pk])).content.decode()
    assert "SK2026-000001" in receipt and "贰万元整" in receipt and "¥20,000" in receipt


def test_an_overpayment_on_the_page_is_refused_at_the_amount(client, consultant, order):
    client.force_login(consultant)
    response = client.post(reverse("orders:pay", args=[order.pk]), {"kind": "deposit", "method": "cash",
                                                                   "amount": "30000"})
    assert response.status_code == 422
    assert 'data-field-error="amount"' in response.content.decode()
    assert not Payment.objects.exists()


def test_allocating_releasing_and_cancelling_on_the_page(client, consultant, order, store, trim, white, black):
    vehicle = car(store, trim, white, black, n=1)
    client.force_login(consultant)
    assert client.post(reverse("orders:allocate", args=[order.pk]), {"vehicle": vehicle.pk}).status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.status == VehicleStatus.RESERVED
    assert client.post(reverse("orders:release", args=[order.pk]), {"reason": "换车"}).status_code == 302
    response = client.post(reverse("orders:cancel", args=[order.pk]), {"cancelled_by": "buyer", "reason": "不买了",
                                                                      "refund_method": "transfer"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert 'data-testid="cancellation"' in client.get(reverse("orders:detail", args=[order.pk])).content.decode()


def test_ready_without_a_car_shows_the_refusal(client, consultant, order):
    client.force_login(consultant)
    response = client.post(reverse("orders:ready", args=[order.pk]))
    assert response.status_code == 422 and 'data-testid="refusal"' in response.content.decode()


def test_a_consultants_change_goes_to_the_manager_who_approves_it_on_the_page(client, consultant, manager, order):
    client.force_login(consultant)
    response = client.post(reverse("orders:change", args=[order.pk]), {
        "contract_price": "385000", "trim": order.trim_id, "exterior_colour": order.exterior_colour_id,
        "interior_colour": order.interior_colour_id, "delivery_date": "", "delivery_place": "", "reason": "客户议价",
        "version": order.version})
    assert response.status_code == 302
    change = order.change_requests.get()
    # The recalculated fees (purchase tax on the new price) are shown with the change.
    assert change.status == "pending" and set(change.changes) == {"contract_price", "fees"}
    old_fees, new_fees = change.changes["fees"]
    client.force_login(manager)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="decide-form"' in page and new_fees in page
    client.post(reverse("orders:decide_change", args=[change.pk]), {"approve": "1", "comment": "同意"})
    order.refresh_from_db()
    assert (order.contract_price, order.fees) == (Decimal("385000.00"), Decimal(new_fees))


def test_a_consultant_cannot_decide_on_the_page(client, consultant, order):
    change = services.order_change(actor=consultant, order=order, changes={"delivery_place": "家"}, reason="x")
    client.force_login(consultant)
    assert client.post(reverse("orders:decide_change", args=[change.pk]), {"approve": "1"}).status_code == 403


def test_the_list_shows_a_consultants_own_orders_and_filters_them(client, consultant, colleague, order, trim, white):
    other_lead = file_lead(colleague, name="李雷", mobile="13900139000")
    services.order_sign(actor=colleague, quote=issue_quote(colleague, other_lead, trim, exterior=white))
    client.force_login(consultant)
    page = client.get(reverse("orders:list")).content.decode()
    assert "SO2026-000001" in page and "SO2026-000002" not in page
    assert "SO2026-000001" in client.get(reverse("orders:list") + "?awaiting_allocation=on").content.decode()
    assert "SO2026-000001" in client.get(reverse("orders:list") + "?balance_outstanding=on").content.decode()
    assert "SO2026-000001" not in client.get(reverse("orders:list") + "?status=delivered").content.decode()


def test_the_manager_sees_the_whole_stores_orders(client, manager, colleague, order, trim, white):
    other_lead = file_lead(colleague, name="李雷", mobile="13900139000")
    services.order_sign(actor=colleague, quote=issue_quote(colleague, other_lead, trim, exterior=white))
    client.force_login(manager)
    page = client.get(reverse("orders:list") + f"?consultant={colleague.pk}").content.decode()
    assert "SO2026-000002" in page and "SO2026-000001" not in page


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_a_colleague_or_another_store_gets_404_on_the_order_and_its_receipt(client, request, consultant, order, who):
    payment = services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="100")
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 404
    assert client.get(reverse("orders:receipt", args=[payment.pk])).status_code == 404
    assert client.post(reverse("orders:pay", args=[order.pk]), {"kind": "balance", "method": "cash",
                                                               "amount": "1"}).status_code == 404
    assert client.get(reverse("orders:sign", args=[order.lead_id])).status_code == 404
    assert "SO2026" not in client.get(reverse("orders:list")).content.decode()


def test_a_receptionist_is_refused_the_order_pages(client, receptionist, order):
    client.force_login(receptionist)
    assert client.get(reverse("orders:list")).status_code == 403
    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 403


def test_the_list_costs_the_same_queries_with_one_or_many_orders(client, manager, colleague, order, trim, white):
    client.force_login(manager)
    url = reverse("orders:list")
    one = _queries(client, url)
    for i in range(3):
        other_lead = file_lead(colleague, name=f"客户{i}", mobile=f"1390013900{i}")
        services.order_sign(actor=colleague, quote=issue_quote(colleague, other_lead, trim, exterior=white))
    assert _queries(client, url) == one


def test_the_order_page_costs_the_same_queries_with_one_or_many_payments_and_cars(
        client, consultant, order, store, trim, white, black):
    client.force_login(consultant)
    url = reverse("orders:detail", args=[order.pk])
    car(store, trim, white, black, n=1)
    services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="100")
    one = _queries(client, url)
    for n in range(2, 5):
        car(store, trim, white, black, n=n)
        services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="100")
    services.order_change(actor=consultant, order=order, changes={"delivery_place": "家"}, reason="x")
    assert _queries(client, url) <= one + 1  # the change list appears (one query for its rows either way)


def test_the_lead_page_card_costs_a_fixed_number_of_queries(client, consultant, order):
    client.force_login(consultant)
    url = reverse("leads:detail", args=[order.lead_id])
    one = _queries(client, url)
    for _ in range(3):
        services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="100")
    assert _queries(client, url) == one


def test_the_manager_card_lists_changes_awaiting_approval(client, consultant, manager, order):
    services.order_change(actor=consultant, order=order, changes={"delivery_place": "家"}, reason="客户要求")
    client.force_login(manager)
    page = client.get(reverse("leads:manager")).content.decode()
    assert 'data-testid="orders-manager"' in page and "客户要求" in page


def test_the_workbench_card_counts_the_consultants_orders(client, consultant, order):
    client.force_login(consultant)
    page = client.get(reverse("followups:workbench_cards")).content.decode()
    assert 'data-testid="orders-workbench"' in page


def test_the_filtered_table_swapped_by_htmx_costs_the_same_queries_with_one_or_many_orders(
        client, manager, colleague, order, trim, white):
    client.force_login(manager)
    url = reverse("orders:list") + "?balance_outstanding=on"

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and 'id="order-table"' in response.content.decode()
        assert "<html" not in response.content.decode()
        return len(captured)

    one = count()
    for i in range(3):
        other_lead = file_lead(colleague, name=f"客户{i}", mobile=f"1390013900{i}")
        services.order_sign(actor=colleague, quote=issue_quote(colleague, other_lead, trim, exterior=white))
    assert count() == one


def test_a_quote_no_longer_signable_is_refused_not_swapped_for_another(client, consultant, quote, trim):
    other_lead = file_lead(consultant, name="李雷", mobile="13900139000")
    elsewhere = issue_quote(consultant, other_lead, trim)
    client.force_login(consultant)
    response = client.post(reverse("orders:sign", args=[quote.lead_id]), {
        "quote": elsewhere.pk, "deposit_kind": "earnest", "deposit_amount": "5000"})
    assert response.status_code == 200 and 'data-field-error="quote"' in response.content.decode()
    assert not Order.objects.exists()
