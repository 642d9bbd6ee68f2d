import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.audit.models import PiiAccess
from showroom.customers.models import ConsentRecord, Customer
from showroom.customers.tests.factories import CustomerFactory
from showroom.leads.tests.factories import LeadFactory

API = "/api/v1"


def post(client, path, data=None):
    return client.post(API + path, data=json.dumps(data if data is not None else {}), content_type="application/json")


def patch(client, path, data):
    return client.patch(API + path, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def customer(store, consultant):
    return CustomerFactory(store=store, owner=consultant, name="张三", mobile="13800138000", mobile_last4="8000",
                           name_pinyin="zhangsan", name_initials="zs")


def test_a_consultant_files_a_customer_and_the_same_mobile_again_finds_them(client, consultant):
    client.force_login(consultant)
    response = post(client, "/customers", {"name": "王芳", "mobile": "139 1234 5678", "source": "walk_in"})
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    assert body["customer"]["mobile_masked"] == "139****5678"
    assert body["customer"]["owner_id"] == consultant.pk
    assert "13912345678" not in response.content.decode()
    again = post(client, "/customers", {"name": "王芳", "mobile": "+8613912345678"})
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["customer"]["id"] == body["customer"]["id"]
    assert Customer.objects.count() == 1


def test_the_customer_list_shows_only_my_customers_and_searches_like_staff_do(client, consultant, colleague, customer):
    CustomerFactory(store=customer.store, owner=colleague, name="张珊")
    client.force_login(consultant)
    assert [item["id"] for item in client.get(API + "/customers").json()["items"]] == [customer.pk]
    assert [item["id"] for item in client.get(API + "/customers?q=zs").json()["items"]] == [customer.pk]
    assert [item["id"] for item in client.get(API + "/customers?q=8000").json()["items"]] == [customer.pk]
    assert [item["id"] for item in client.get(API + "/customers?q=13800138000").json()["items"]] == [customer.pk]
    assert client.get(API + "/customers?q=1111").json()["count"] == 0


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_customer_list_runs_the_same_number_of_queries_for_2_and_20_customers(client, store, consultant):
    for _ in range(2):
        CustomerFactory(store=store, owner=consultant)
    client.force_login(consultant)
    _queries(client, API + "/customers")
    two = _queries(client, API + "/customers")
    for _ in range(18):
        CustomerFactory(store=store, owner=consultant)
    assert client.get(API + "/customers").json()["count"] == 20
    assert _queries(client, API + "/customers") == two


def test_the_receptionist_has_no_customer_list_and_gets_404_on_a_customer(client, receptionist, customer):
    client.force_login(receptionist)
    assert client.get(API + "/customers").status_code == 403
    assert client.get(API + f"/customers/{customer.pk}").status_code == 404
    assert post(client, "/customers", {"name": "路人"}).status_code == 403


def test_a_consultant_edits_a_customer_and_a_stale_version_answers_409(client, consultant, manager, customer):
    client.force_login(manager)
    assert patch(client, f"/customers/{customer.pk}", {"version": customer.version, "city": "北京"}).status_code == 200
    client.force_login(consultant)
    stale = patch(client, f"/customers/{customer.pk}", {"version": customer.version, "city": "天津"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version" and "version" in stale.json()["fields"]
    fresh = client.get(API + f"/customers/{customer.pk}").json()
    done = patch(client, f"/customers/{customer.pk}", {"version": fresh["version"], "city": "天津", "contact_name": ""})
    assert done.status_code == 200 and done.json()["city"] == "天津"


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": None}, "name"),
    ({"contact_name": None}, "contact_name"),
    ({"gender": None}, "gender"),
    ({"gender": "other"}, "gender"),
    ({"mobile": "12345"}, "mobile"),
    ({"id_number": "110105199001011234"}, "id_number"),
    ({"kind": "robot"}, "kind"),
    ({"source": "tiktok"}, "source"),
    ({"notes": "a\x00b"}, "notes"),
    ({"shoe_size": 42}, "shoe_size"),
    ({"version": 10**30}, "version"),
])
def test_bad_customer_edits_answer_4xx_with_the_field(client, consultant, customer, payload, field):
    client.force_login(consultant)
    response = patch(client, f"/customers/{customer.pk}", {"version": customer.version, **payload})
    assert 400 <= response.status_code < 500
    assert field in response.json()["fields"], response.json()
    customer.refresh_from_db()
    assert customer.version == 1


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "李四", "mobile": "110"}, "mobile"),
    ({"name": "李四", "mobile": 13800138000}, "mobile"),
    ({"name": "x" * 101}, "name"),
])
def test_bad_new_customers_answer_4xx_with_the_field(client, consultant, payload, field):
    client.force_login(consultant)
    response = post(client, "/customers", payload)
    assert 400 <= response.status_code < 500
    assert field in response.json()["fields"]
    assert not Customer.objects.exists()


def test_a_huge_customer_id_or_page_answers_4xx(client, consultant):
    client.force_login(consultant)
    assert client.get(API + f"/customers/{10**30}").status_code == 422
    assert client.get(API + f"/customers?page={10**30}").status_code == 422
    assert client.get(API + "/customers?order=password").status_code == 422


def test_consent_is_recorded_with_how_it_was_given(client, consultant, customer):
    client.force_login(consultant)
    response = post(client, f"/customers/{customer.pk}/consents", {"kind": "marketing", "granted": True, "method": "wechat"})
    assert response.status_code == 201
    assert ConsentRecord.objects.get().method == "wechat"
    assert client.get(API + f"/customers/{customer.pk}").json()["consent_marketing"] is True
    assert post(client, f"/customers/{customer.pk}/consents", {"kind": "spam", "granted": True, "method": "wechat"}).status_code == 422


def test_revealing_the_full_mobile_is_logged(client, consultant, customer):
    client.force_login(consultant)
    response = post(client, f"/customers/{customer.pk}/reveal", {"field": "mobile", "purpose": "回访"})
    assert response.json() == {"field": "mobile", "value": "13800138000"}
    assert PiiAccess.objects.get().actor == consultant
    assert post(client, f"/customers/{customer.pk}/reveal", {"field": "password"}).status_code == 422


def test_a_manager_merges_a_duplicate_and_keeps_its_leads(client, manager, consultant, customer):
    duplicate = CustomerFactory(store=customer.store, owner=consultant, mobile=None, mobile_last4="", wechat_id="zs_wx")
    lead = LeadFactory(owner=consultant, customer=duplicate)
    client.force_login(consultant)
    assert post(client, f"/customers/{customer.pk}/merge", {"duplicate_id": duplicate.pk}).status_code == 403
    client.force_login(manager)
    response = post(client, f"/customers/{customer.pk}/merge", {"duplicate_id": duplicate.pk})
    assert response.status_code == 200 and response.json()["wechat_id"] == "zs_wx"
    lead.refresh_from_db()
    assert lead.customer_id == customer.pk
    assert not Customer.objects.filter(pk=duplicate.pk).exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
def test_someone_elses_customer_answers_404_everywhere(client, request, customer, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(API + f"/customers/{customer.pk}").status_code == 404
    assert patch(client, f"/customers/{customer.pk}", {"version": 1, "city": "上海"}).status_code == 404
    assert post(client, f"/customers/{customer.pk}/consents", {"kind": "contact", "granted": False, "method": "phone"}).status_code == 404
    assert post(client, f"/customers/{customer.pk}/reveal", {"field": "mobile"}).status_code == 404
    assert post(client, f"/customers/{customer.pk}/merge", {"duplicate_id": customer.pk}).status_code == 404
    customer.refresh_from_db()
    assert customer.version == 1 and customer.city == ""
    assert not PiiAccess.objects.exists()


def test_a_searched_list_pages_with_its_count_and_a_page_past_the_end_is_empty(client, store, consultant):
    for number in range(27):
        CustomerFactory(store=store, owner=consultant, name=f"张{'三四五六七八九'[number % 7]}")
    CustomerFactory(store=store, owner=consultant, name="李雷")
    client.force_login(consultant)

    first = client.get(API + "/customers?q=zh").json()
    second = client.get(API + "/customers?q=zh&page=2").json()
    past = client.get(API + "/customers?q=zh&page=9").json()

    assert first["count"] == second["count"] == past["count"] == 27
    assert len(first["items"]) == 25 and len(second["items"]) == 2 and past["items"] == []
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True)  # newest first, no customer twice


def test_a_searched_list_runs_the_same_number_of_queries_for_2_and_20_matches(client, store, consultant):
    for _ in range(2):
        CustomerFactory(store=store, owner=consultant, name="张三")
    client.force_login(consultant)
    _queries(client, API + "/customers?q=zs")
    two = _queries(client, API + "/customers?q=zs")
    for _ in range(18):
        CustomerFactory(store=store, owner=consultant, name="张三")
    assert client.get(API + "/customers?q=zs").json()["count"] == 20
    assert _queries(client, API + "/customers?q=zs") == two
