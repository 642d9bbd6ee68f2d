"""The quotes API: a lead's quotes with the calculation, versions, issuing, approvals, rounds and promotions."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.quotes import services
from showroom.quotes.models import FinancePromotion, Quote, QuoteStatus

from .conftest import TODAY, issued_quote, make_quote

API = "/api/v1"


def post(client, path, data=None, method="post"):
    return getattr(client, method)(API + path, data=json.dumps(data if data is not None else {}),
                                   content_type="application/json")


def body(trim, **changes):
    data = {"trim_id": trim.pk, "discount": "8000", "commercial_insurance_mode": "entered",
            "commercial_insurance_amount": "9200", "extended_warranty": "5800",
            "lines": [{"kind": "store_fee", "name": "上牌服务", "amount": "500"}]}
    data.update(changes)
    return data


def test_a_quote_is_created_with_its_full_calculation(client, consultant, lead, trim, comfort):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/quotes", body(trim, lines=[{"kind": "option", "option_id": comfort.pk}]))
    assert response.status_code == 201, response.content
    data = response.json()
    quote = Quote.objects.get()
    assert data["number"] == quote.number and data["status"] == "draft"
    assert Decimal(data["total"]) == quote.total and data["breakdown"]["purchase_tax"]["tax"] == \
        quote.breakdown["purchase_tax"]["tax"]
    assert data["lines"] == [{"kind": "option", "name": "舒适包", "amount": "12000.00", "option_id": comfort.pk,
                              "accessory_id": None}]
    assert client.get(f"{API}/quotes/{quote.pk}").json()["breakdown"] == data["breakdown"]


def test_calc_refusals_are_4xx_naming_the_api_field(client, consultant, lead, trim):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/quotes", body(trim, deposit_amount="200000"))
    assert response.status_code == 400 and "deposit_amount" in response.json()["fields"]
    response = post(client, f"/leads/{lead.pk}/quotes", body(trim, exterior_colour_id=999999))
    assert response.status_code == 400 and "exterior_colour_id" in response.json()["fields"]
    response = post(client, f"/leads/{lead.pk}/quotes", body(trim, loan_annual_rate="3.99", payment_method="loan"))
    assert response.status_code == 422 and "loan_annual_rate" in response.json()["fields"]
    response = post(client, f"/leads/{lead.pk}/quotes", body(trim, discont="1"))
    assert response.status_code == 422
    assert not Quote.objects.exists()


def test_versions_issue_decline_and_the_list(client, consultant, lead, trim):
    client.force_login(consultant)
    first = post(client, f"/leads/{lead.pk}/quotes", body(trim)).json()
    issued = post(client, f"/quotes/{first['id']}/issue", {"skip_reason": ""})
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    second = post(client, f"/quotes/{first['id']}/versions")
    assert second.status_code == 201 and second.json()["version"] == 2
    changed = post(client, f"/quotes/{second.json()['id']}", body(trim, discount="9000"), method="put")
    assert changed.status_code == 200 and changed.json()["discount"] == "9000.00"
    listing = client.get(f"{API}/leads/{lead.pk}/quotes").json()
    assert [q["version"] for q in listing["items"]] == [2, 1]
    declined = post(client, f"/quotes/{first['id']}/decline", {"reason": "太贵"})
    assert declined.json()["status"] == "declined"


def test_the_approval_flow_over_the_api(client, consultant, manager, lead, trim):
    client.force_login(consultant)
    quote = post(client, f"/leads/{lead.pk}/quotes", body(trim, discount="15000")).json()
    assert quote["needs_approval"] is True
    refused = post(client, f"/quotes/{quote['id']}/issue", {})
    assert refused.status_code == 400 and refused.json()["code"] == "approval_required"
    requested = post(client, f"/quotes/{quote['id']}/request-approval", {"reason": "客户拿到竞品报价"})
    assert requested.status_code == 201
    approval_id = requested.json()["id"]
    assert client.get(f"{API}/quote-approvals").json()["items"] == []  # a consultant decides nothing
    assert post(client, f"/quote-approvals/{approval_id}/approve", {}).status_code == 403
    client.force_login(manager)
    assert [a["id"] for a in client.get(f"{API}/quote-approvals").json()["items"]] == [approval_id]
    rejected = post(client, f"/quote-approvals/{approval_id}/reject", {})
    assert rejected.status_code == 400 and "comment" in rejected.json()["fields"]
    approved = post(client, f"/quote-approvals/{approval_id}/approve", {"comment": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert post(client, f"/quote-approvals/{approval_id}/approve", {}).status_code == 409
    client.force_login(consultant)
    assert post(client, f"/quotes/{quote['id']}/issue", {}).json()["status"] == "issued"


def test_negotiation_rounds_over_the_api(client, consultant, lead, trim, competitor_trim):
    quote = issued_quote(consultant, lead, trim)
    client.force_login(consultant)
    missing = post(client, f"/leads/{lead.pk}/negotiation-rounds", {"objections": ["competitor"], "answer": "x"})
    assert missing.status_code == 400 and "competitor_trim_id" in missing.json()["fields"]
    created = post(client, f"/leads/{lead.pk}/negotiation-rounds", {
        "quote_id": quote.pk, "objections": ["competitor", "price"], "competitor_trim_id": competitor_trim.pk,
        "competitor_price": "399000", "counter_offer": "395000", "answer": "加送贴膜"})
    assert created.status_code == 201, created.content
    assert created.json()["competitor"].startswith("宝马")
    assert client.get(f"{API}/leads/{lead.pk}/negotiation-rounds").json()["count"] == 1


def test_active_promotions_for_a_trim(client, consultant, store, trim, ev_trim, lead):
    offer = FinancePromotion.objects.create(store=store, name="E0息", lender="大众汽车金融", annual_rate=Decimal("0"),
                                            lender_rate=Decimal("0.0399"), valid_from=TODAY,
                                            valid_until=TODAY + dt.timedelta(days=10))
    offer.trims.set([ev_trim])
    FinancePromotion.objects.create(store=store, name="过期", lender="银行", annual_rate=Decimal("0.01"),
                                    lender_rate=Decimal("0.04"), valid_from=TODAY - dt.timedelta(days=30),
                                    valid_until=TODAY - dt.timedelta(days=1))
    client.force_login(consultant)
    assert [p["name"] for p in client.get(f"{API}/finance-promotions").json()] == ["E0息"]
    assert client.get(f"{API}/finance-promotions", {"trim_id": trim.pk}).json() == []
    assert client.get(f"{API}/finance-promotions", {"trim_id": ev_trim.pk}).json()[0]["trim_ids"] == [ev_trim.pk]


@pytest.mark.parametrize("path", ["/quotes/{quote}", "/leads/{lead}/quotes", "/leads/{lead}/negotiation-rounds"])
def test_a_colleague_and_another_store_get_404(client, consultant, colleague, outsider, lead, trim, path):
    quote = make_quote(consultant, lead, trim)
    for other in (colleague, outsider):
        client.force_login(other)
        assert client.get(API + path.format(quote=quote.pk, lead=lead.pk)).status_code == 404
        assert post(client, f"/quotes/{quote.pk}/issue", {}).status_code == 404
        assert post(client, f"/leads/{lead.pk}/quotes", body(trim)).status_code == 404
    assert Quote.objects.get().status == QuoteStatus.DRAFT


def test_lists_cost_the_same_queries_with_one_or_many_rows(client, consultant, manager, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    services.quote_request_approval(actor=consultant, quote=quote, reason="x")
    services.negotiation_record(actor=consultant, lead=lead, fields={"customer_said": "贵", "answer": "a"})
    paths = [f"{API}/leads/{lead.pk}/quotes", f"{API}/leads/{lead.pk}/negotiation-rounds"]
    client.force_login(consultant)
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as one:
            client.get(path)
        counts[path] = len(one)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as approvals_one:
        client.get(f"{API}/quote-approvals")
    for _ in range(3):
        services.quote_request_approval(actor=consultant, quote=make_quote(consultant, lead, trim,
                                                                           discount=Decimal("15000")), reason="y")
        services.negotiation_record(actor=consultant, lead=lead, fields={"customer_said": "贵", "answer": "b"})
    with CaptureQueriesContext(connection) as approvals_many:
        assert client.get(f"{API}/quote-approvals").json()["count"] == 4
    assert len(approvals_many) == len(approvals_one)
    client.force_login(consultant)
    for path in paths:
        with CaptureQueriesContext(connection) as many:
            client.get(path)
        assert len(many) == counts[path], path


def test_every_endpoint_is_in_the_openapi_schema(client, consultant):
    client.force_login(consultant)
    schema = client.get(f"{API}/openapi.json").json()
    for path in ("/api/v1/leads/{lead_id}/quotes", "/api/v1/quotes/{quote_id}", "/api/v1/quotes/{quote_id}/versions",
                 "/api/v1/quotes/{quote_id}/issue", "/api/v1/quotes/{quote_id}/request-approval",
                 "/api/v1/quote-approvals", "/api/v1/quote-approvals/{approval_id}/approve",
                 "/api/v1/leads/{lead_id}/negotiation-rounds", "/api/v1/finance-promotions"):
        assert path in schema["paths"], path
