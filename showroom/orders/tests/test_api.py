"""The orders API: signing from a quote, payments, the car, changes, cancellation; scoping and errors."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.core.api import api
from showroom.orders import services
from showroom.orders.models import Order

from .conftest import car, file_lead, issue_quote

API = "/api/v1"


def post(client, path, data=None):
    return client.post(API + path, data=json.dumps(data if data is not None else {}), content_type="application/json")


def test_signing_through_the_api_returns_the_order_with_its_balance(client, consultant, quote):
    client.force_login(consultant)
    response = post(client, "/orders", {"quote_id": quote.pk, "deposit_kind": "advance", "deposit_amount": "30000"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "SO2026-000001" and body["status"] == "signed"
    assert body["deposit_kind"] == "advance" and body["outstanding"] == str(quote.total)


def test_too_much_earnest_money_is_a_400_naming_the_field(client, consultant, quote):
    client.force_login(consultant)
    response = post(client, "/orders", {"quote_id": quote.pk, "deposit_kind": "earnest", "deposit_amount": "90000"})
    assert response.status_code == 400
    assert response.json()["code"] == "earnest_over_cap" and "deposit_amount" in response.json()["fields"]


def test_a_malformed_body_is_a_422_never_a_500(client, consultant, quote):
    client.force_login(consultant)
    response = post(client, "/orders", {"quote_id": quote.pk, "deposit_amount": "lots", "colour": "red"})
    assert response.status_code == 422 and "deposit_amount" in response.json()["fields"]


def test_payments_are_listed_and_added_with_receipts(client, consultant, order):
    client.force_login(consultant)
    response = post(client, f"/orders/{order.pk}/payments", {"kind": "deposit", "method": "wechat_pay",
                                                             "amount": "20000"})
    assert response.status_code == 201 and response.json()["receipt_number"] == "SK2026-000001"
    assert [p["amount"] for p in client.get(f"{API}/orders/{order.pk}/payments").json()] == ["20000.00"]
    assert client.get(f"{API}/orders/{order.pk}").json()["status"] == "deposit_paid"


def test_an_overpayment_is_refused(client, consultant, order):
    client.force_login(consultant)
    response = post(client, f"/orders/{order.pk}/payments", {"kind": "balance", "method": "cash", "amount": "9999999"})
    assert response.status_code == 400 and response.json()["code"] == "overpayment"


def test_candidates_allocation_release_and_factory_order(client, consultant, order, store, trim, white, black):
    vehicle = car(store, trim, white, black, n=1)
    client.force_login(consultant)
    assert [c["vin"] for c in client.get(f"{API}/orders/{order.pk}/allocation/candidates").json()] == [vehicle.vin]
    body = post(client, f"/orders/{order.pk}/allocation", {"vehicle_id": vehicle.pk}).json()
    assert body["status"] == "allocated" and body["vehicle"]["vin"] == vehicle.vin
    assert post(client, f"/orders/{order.pk}/allocation/release", {"reason": "换车"}).json()["vehicle"] is None
    body = post(client, f"/orders/{order.pk}/factory-order", {"note": "期车"}).json()
    assert body["factory_order_note"] == "期车"


def test_a_car_taken_by_another_order_is_a_409(client, consultant, colleague, order, store, trim, white, black):
    vehicle = car(store, trim, white, black, n=1)
    services.order_allocate(actor=consultant, order=order, vehicle=vehicle)
    other_lead = file_lead(colleague, name="李雷", mobile="13900139000")
    other = services.order_sign(actor=colleague, quote=issue_quote(colleague, other_lead, trim, exterior=white,
                                                                   interior=black))
    client.force_login(colleague)
    response = post(client, f"/orders/{other.pk}/allocation", {"vehicle_id": vehicle.pk})
    assert response.status_code == 409 and response.json()["code"] == "vehicle_taken"


def test_changes_and_the_managers_decision(client, consultant, manager, order):
    client.force_login(consultant)
    response = post(client, f"/orders/{order.pk}/changes", {"contract_price": "385000", "reason": "议价"})
    assert response.status_code == 201 and response.json()["status"] == "pending"
    change_id = response.json()["id"]
    assert post(client, f"/order-changes/{change_id}/decision", {"approve": True}).status_code == 403
    client.force_login(manager)
    assert post(client, f"/order-changes/{change_id}/decision", {"approve": True}).json()["status"] == "approved"
    assert client.get(f"{API}/orders/{order.pk}").json()["contract_price"] == "385000.00"
    assert len(client.get(f"{API}/orders/{order.pk}/changes").json()) == 1


def test_a_trim_of_another_group_is_refused_on_trim_id(client, manager, order):
    from showroom.catalog.tests.factories import TrimFactory

    client.force_login(manager)
    response = post(client, f"/orders/{order.pk}/changes", {"trim_id": TrimFactory().pk, "reason": "换型"})
    assert response.status_code == 400 and "trim_id" in response.json()["fields"]


def test_cancellation_through_the_api(client, consultant, order):
    services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="20000")
    client.force_login(consultant)
    response = post(client, f"/orders/{order.pk}/cancellation", {"cancelled_by": "buyer", "reason": "不买了"})
    assert response.status_code == 201
    assert response.json()["deposit_forfeited"] == "20000.00" and response.json()["refund_receipt"] is None


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_a_colleague_or_another_store_gets_404(client, request, order, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"{API}/orders/{order.pk}").status_code == 404
    assert client.get(f"{API}/orders/{order.pk}/payments").status_code == 404
    assert post(client, f"/orders/{order.pk}/payments", {"kind": "deposit", "method": "cash", "amount": "1"}).status_code == 404
    assert post(client, "/orders", {"quote_id": order.quote_id}).status_code == 404
    assert client.get(f"{API}/orders").json()["items"] == []


def test_a_receptionist_is_refused(client, receptionist, order):
    client.force_login(receptionist)
    assert client.get(f"{API}/orders").status_code == 403


def test_the_order_list_costs_the_same_queries_with_one_or_many_orders(client, manager, colleague, order, trim, white):
    client.force_login(manager)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/orders").status_code == 200
        return len(captured)

    one = count()
    for i in range(3):
        other_lead = file_lead(colleague, name=f"客户{i}", mobile=f"1390013900{i}")
        services.order_sign(actor=colleague, quote=issue_quote(colleague, other_lead, trim, exterior=white))
    assert count() == one
    assert Order.objects.count() == 4


def test_every_orders_endpoint_is_in_the_openapi_schema():
    paths = api.get_openapi_schema()["paths"]
    for path in ("/api/v1/orders", "/api/v1/orders/{order_id}", "/api/v1/orders/{order_id}/payments",
                 "/api/v1/orders/{order_id}/allocation/candidates", "/api/v1/orders/{order_id}/allocation",
                 "/api/v1/orders/{order_id}/allocation/release", "/api/v1/orders/{order_id}/factory-order",
                 "/api/v1/orders/{order_id}/ready", "/api/v1/orders/{order_id}/cancellation",
                 "/api/v1/orders/{order_id}/changes", "/api/v1/order-changes/{change_id}/decision"):
        assert path in paths, path


def test_payments_candidates_and_changes_cost_the_same_queries_with_one_or_many_rows(
        client, consultant, manager, order, store, trim, white, black):
    client.force_login(consultant)
    urls = [f"{API}/orders/{order.pk}/payments", f"{API}/orders/{order.pk}/allocation/candidates",
            f"{API}/orders/{order.pk}/changes"]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    car(store, trim, white, black, n=1)
    services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="100")
    services.order_change(actor=manager, order=order, changes={"delivery_place": "家"}, reason="客户要求")
    one = counts()
    for n in range(2, 5):
        car(store, trim, white, black, n=n)
        services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="100")
        services.order_change(actor=manager, order=order, changes={"delivery_place": f"地点{n}"}, reason="客户要求")
    assert counts() == one
