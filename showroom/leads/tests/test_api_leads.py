import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.core.choices import SOURCES_BY_CHANNEL, Channel, Source
from showroom.leads.models import Grade, Lead, LossRequest, Stage, Status
from showroom.leads.services import lead_request_loss
from showroom.leads.tests.factories import LeadFactory

API = "/api/v1"


def post(client, path, data=None):
    return client.post(API + path, data=json.dumps(data if data is not None else {}), content_type="application/json")


def patch(client, path, data):
    return client.patch(API + path, data=json.dumps(data), content_type="application/json")


def new_lead_payload(mobile="13800138000", **extra):
    return {"customer": {"name": "张三", "mobile": mobile}, "channel": "showroom", "source": "walk_in", **extra}


# --- Listing -------------------------------------------------------------------------------------

def test_a_consultant_lists_their_leads_with_masked_mobile_and_owner(client, consultant, lead):
    client.force_login(consultant)
    response = client.get(API + "/leads")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == lead.pk
    assert item["customer"] == {"id": lead.customer_id, "name": lead.customer.name,
                                "mobile_masked": lead.customer.masked_mobile}
    assert "****" in item["customer"]["mobile_masked"]
    assert lead.customer.mobile not in response.content.decode()
    assert item["owner"] == {"id": consultant.pk, "name": consultant.display_name}
    assert item["stage"] == Stage.FIRST_CONTACT and item["stage_label"] == "First contact"


def test_the_lead_list_hides_other_consultants_leads(client, consultant, colleague, outsider, lead):
    LeadFactory(owner=colleague)
    LeadFactory(owner=outsider)
    client.force_login(consultant)
    assert [item["id"] for item in client.get(API + "/leads").json()["items"]] == [lead.pk]


def test_the_lead_list_filters_by_stage_grade_and_search(client, manager, consultant, colleague):
    hot = LeadFactory(owner=consultant, grade=Grade.H, stage=Stage.TEST_DRIVE)
    LeadFactory(owner=colleague, grade=Grade.C)
    client.force_login(manager)
    assert client.get(API + "/leads").json()["count"] == 2
    assert [i["id"] for i in client.get(API + "/leads?stage=40").json()["items"]] == [hot.pk]
    assert [i["id"] for i in client.get(API + "/leads?grade=H").json()["items"]] == [hot.pk]
    assert [i["id"] for i in client.get(API + f"/leads?owner_id={consultant.pk}").json()["items"]] == [hot.pk]
    last4 = hot.customer.mobile[-4:]
    assert [i["id"] for i in client.get(API + f"/leads?q={last4}").json()["items"]] == [hot.pk]


def test_the_lead_list_shows_the_unassigned_pool_and_overdue_leads(client, manager, consultant, store):
    pool = LeadFactory(store=store, owner=None)
    LeadFactory(owner=consultant)
    client.force_login(manager)
    assert [i["id"] for i in client.get(API + "/leads?unassigned=true").json()["items"]] == [pool.pk]
    assert client.get(API + "/leads?overdue=true").json()["count"] == 0


def test_the_lead_list_is_paginated(client, consultant):
    for _ in range(3):
        LeadFactory(owner=consultant)
    client.force_login(consultant)
    body = client.get(API + "/leads?page=2&page_size=2").json()
    assert body["count"] == 3 and len(body["items"]) == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_lead_list_runs_the_same_number_of_queries_for_2_and_20_leads(client, consultant):
    for _ in range(2):
        LeadFactory(owner=consultant)
    client.force_login(consultant)
    _queries(client, API + "/leads")
    two = _queries(client, API + "/leads")
    for _ in range(18):
        LeadFactory(owner=consultant)
    assert client.get(API + "/leads").json()["count"] == 20
    assert _queries(client, API + "/leads") == two


def test_the_receptionist_is_refused_the_lead_list_and_gets_404_on_a_lead(client, receptionist, lead):
    client.force_login(receptionist)
    assert client.get(API + "/leads").status_code == 403
    assert client.get(API + f"/leads/{lead.pk}").status_code == 404
    assert post(client, "/leads", new_lead_payload()).status_code == 403


def test_an_anonymous_caller_gets_401(client, lead):
    response = client.get(API + "/leads")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


# --- Creating --------------------------------------------------------------------------------------

def test_a_consultant_files_a_lead_and_the_same_mobile_again_returns_the_existing_one(client, consultant):
    client.force_login(consultant)
    first = post(client, "/leads", new_lead_payload(models_of_interest="Q5L", budget_max="450000"))
    assert first.status_code == 201
    body = first.json()
    assert body["created"] is True
    assert body["lead"]["owner"]["id"] == consultant.pk
    assert body["lead"]["budget_max"] == "450000.00"
    assert body["lead"]["customer"]["mobile_masked"] == "138****8000"
    again = post(client, "/leads", new_lead_payload(mobile="+86 138 0013 8000"))
    assert again.status_code == 200
    assert again.json() == {**again.json(), "created": False}
    assert again.json()["lead"]["id"] == body["lead"]["id"]
    assert Lead.objects.count() == 1


def test_a_manager_files_a_lead_for_a_consultant(client, manager, consultant):
    client.force_login(manager)
    response = post(client, "/leads", new_lead_payload(owner_id=consultant.pk, grade="A"))
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert lead.owner == consultant and lead.grade == Grade.A


def test_a_consultant_cannot_file_a_lead_for_a_colleague(client, consultant, colleague):
    client.force_login(consultant)
    response = post(client, "/leads", new_lead_payload(owner_id=colleague.pk))
    assert response.status_code == 400
    assert "owner_id" in response.json()["fields"]


def test_a_consultant_filing_a_colleagues_customer_is_told_it_exists_without_seeing_it(client, consultant, colleague):
    client.force_login(colleague)
    assert post(client, "/leads", new_lead_payload()).status_code == 201
    client.force_login(consultant)
    response = post(client, "/leads", new_lead_payload())
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "duplicate_mobile"
    assert "customer.mobile" in body["fields"]
    assert "lead" not in body


@pytest.mark.parametrize(("payload", "field"), [
    (new_lead_payload(mobile="12345"), "customer.mobile"),
    (new_lead_payload(source="autohome"), "source"),
    (new_lead_payload(channel="fax"), "channel"),
    (new_lead_payload(budget_min="500000", budget_max="300000"), "budget_max"),
    (new_lead_payload(budget_min="1e30"), "budget_min"),
    (new_lead_payload(budget_min="abc"), "budget_min"),
    (new_lead_payload(expected_purchase_date="2026-02-30"), "expected_purchase_date"),
    (new_lead_payload(expected_purchase_date="0001-01-01"), "expected_purchase_date"),
    (new_lead_payload(owner_id=10**30), "owner_id"),
    (new_lead_payload(owner_id="seven"), "owner_id"),
    (new_lead_payload(grade="Z"), "grade"),
    (new_lead_payload(notes="a\x00b"), "notes"),
    (new_lead_payload(unknown_field=1), "unknown_field"),
    ({"channel": "showroom", "source": "walk_in"}, "customer"),
    ({**new_lead_payload(), "customer": {"name": "", "mobile": "13800138000"}}, "customer.name"),
    ({**new_lead_payload(), "customer": "张三"}, "customer"),
])
def test_bad_input_when_filing_a_lead_answers_4xx_with_the_field(client, consultant, payload, field):
    client.force_login(consultant)
    response = post(client, "/leads", payload)
    assert 400 <= response.status_code < 500
    body = response.json()
    assert set(body) == {"message", "code", "fields"}
    assert field in body["fields"], body
    assert not Lead.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2", "\u00ff".encode("latin-1"), b"\xff\xfe", b"null", b"[]", b'"x"', b"1e999"])
def test_a_malformed_body_answers_4xx_never_500(client, consultant, raw):
    client.force_login(consultant)
    response = client.post(API + "/leads", data=raw, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"message", "code", "fields"}


@pytest.mark.parametrize(("url", "field"), [
    (f"/leads/{10**30}", "lead_id"),
    ("/leads/abc", "lead_id"),
    (f"/leads?page={10**30}", "page"),
    ("/leads?page=0", "page"),
    ("/leads?page_size=1000", "page_size"),
    (f"/leads?owner_id={10**30}", "owner_id"),
    ("/leads?stage=99", "stage"),
    ("/leads?status=closed", "status"),
    ("/leads?unassigned=maybe", "unassigned"),
    ("/leads?order=drop table", "order"),
    ("/leads?q=%00", "q"),
])
def test_a_bad_id_page_or_filter_answers_422_with_the_field(client, consultant, url, field):
    client.force_login(consultant)
    response = client.get(API + url)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)
mobiles = (st.integers(13000000000, 19999999999).map(str) | st.sampled_from(["+86 139 0000 0001", "", "1380013800x"])
           | st.text(max_size=15))
money = st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str) | st.integers() | json_values
customers = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=30), "mobile": mobiles},
    optional={"kind": st.sampled_from(["person", "company", "robot"]), "id_number": st.text(max_size=20),
              "gender": st.sampled_from(["", "male", "x"]), "city": st.text(max_size=40)},
)
channel_sources = st.sampled_from([(c, src) for c, sources in SOURCES_BY_CHANNEL.items() for src in sources])
# Mostly well-formed payloads with a few odd values, so the fuzz reaches the services, not just the schema.
lead_payloads = st.builds(
    lambda pair, customer, extra: {"customer": customer, "channel": pair[0], "source": pair[1], **extra},
    channel_sources | st.tuples(st.sampled_from(Channel.values), st.sampled_from(Source.values)),
    customers,
    st.fixed_dictionaries({}, optional={
        "budget_min": money, "budget_max": money,
        "expected_purchase_date": st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)).map(str) | json_values,
        "owner_id": st.integers() | json_values, "grade": st.sampled_from(Grade.values) | json_values,
        "models_of_interest": st.text(max_size=250), "notes": st.text(max_size=50),
    }),
) | st.dictionaries(st.sampled_from(["customer", "channel", "source", "grade", "owner_id"]), json_values, max_size=5)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payload=lead_payloads)
def test_fuzzed_lead_payloads_never_cause_a_server_error(client, consultant, payload):
    client.force_login(consultant)
    response = post(client, "/leads", payload)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert set(response.json()) == {"message", "code", "fields"}


advance_payloads = st.fixed_dictionaries(
    {"to": st.sampled_from(Stage.values) | st.integers() | json_values},
    optional={"skip_reason": st.text(max_size=400) | json_values, "version": st.integers(0, 3) | st.integers() | json_values},
)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payload=advance_payloads)
def test_fuzzed_stage_transitions_never_cause_a_server_error(client, consultant, lead, payload):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/advance", payload)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert set(response.json()) == {"message", "code", "fields"}


# --- One lead --------------------------------------------------------------------------------------

def test_a_consultant_reads_their_lead(client, consultant, lead):
    client.force_login(consultant)
    body = client.get(API + f"/leads/{lead.pk}").json()
    assert body["id"] == lead.pk and body["version"] == lead.version and body["status"] == "open"


def test_a_consultant_edits_the_lead_with_the_version_they_read(client, consultant, lead):
    client.force_login(consultant)
    response = patch(client, f"/leads/{lead.pk}", {"version": lead.version, "models_of_interest": "A6L", "budget_min": "300000"})
    assert response.status_code == 200
    assert response.json()["models_of_interest"] == "A6L"
    assert response.json()["version"] == lead.version + 1
    lead.refresh_from_db()
    assert lead.models_of_interest == "A6L"


def test_a_second_edit_from_a_stale_version_answers_409(client, consultant, manager, lead):
    client.force_login(manager)
    assert patch(client, f"/leads/{lead.pk}", {"version": lead.version, "notes": "manager's note"}).status_code == 200
    client.force_login(consultant)
    response = patch(client, f"/leads/{lead.pk}", {"version": lead.version, "notes": "my note"})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert "version" in response.json()["fields"]
    assert "赵经理" in response.json()["message"]
    lead.refresh_from_db()
    assert lead.notes == "manager's note"


def test_an_edit_without_a_version_or_with_null_text_is_refused(client, consultant, lead):
    client.force_login(consultant)
    assert "version" in patch(client, f"/leads/{lead.pk}", {"notes": "x"}).json()["fields"]
    response = patch(client, f"/leads/{lead.pk}", {"version": lead.version, "notes": None})
    assert response.status_code == 422 and "notes" in response.json()["fields"]


def test_a_consultant_advances_the_lead_and_a_skip_needs_a_reason(client, consultant, lead):
    client.force_login(consultant)
    moved = post(client, f"/leads/{lead.pk}/advance", {"to": Stage.NEEDS_ANALYSIS})
    assert moved.status_code == 200 and moved.json()["stage"] == Stage.NEEDS_ANALYSIS
    refused = post(client, f"/leads/{lead.pk}/advance", {"to": Stage.TEST_DRIVE})
    assert refused.status_code == 400
    assert refused.json()["code"] == "skip_reason_required" and "skip_reason" in refused.json()["fields"]
    skipped = post(client, f"/leads/{lead.pk}/advance", {"to": Stage.TEST_DRIVE, "skip_reason": "客户已看过车"})
    assert skipped.status_code == 200
    backwards = post(client, f"/leads/{lead.pk}/advance", {"to": Stage.PRESENTATION, "skip_reason": "x"})
    assert backwards.status_code == 400 and backwards.json()["code"] == "stage_backwards"


def test_advancing_from_a_stale_version_answers_409(client, consultant, lead):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/advance", {"to": Stage.NEEDS_ANALYSIS, "version": lead.version - 1})
    assert response.status_code == 409
    lead.refresh_from_db()
    assert lead.stage == Stage.FIRST_CONTACT


def test_a_consultant_grades_the_lead_and_the_next_follow_up_follows(client, consultant, lead):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/grade", {"grade": "H"})
    assert response.status_code == 200
    assert response.json()["grade"] == "H"
    assert response.json()["next_follow_up_at"] is not None
    assert post(client, f"/leads/{lead.pk}/grade", {"grade": "O"}).json()["fields"] == {"grade": ["Choose grade H, A, B or C."]}


def test_a_manager_reassigns_a_lead_and_the_old_owner_loses_it(client, manager, consultant, colleague, lead):
    client.force_login(manager)
    response = post(client, f"/leads/{lead.pk}/assign", {"owner_id": colleague.pk, "reason": "休假"})
    assert response.status_code == 200
    assert response.json()["owner"]["id"] == colleague.pk
    to_pool = post(client, f"/leads/{lead.pk}/assign", {"owner_id": None, "reason": "重新分配"})
    assert to_pool.json()["owner"] is None
    client.force_login(consultant)
    assert client.get(API + f"/leads/{lead.pk}").status_code == 200  # back in the pool, which every consultant sees
    client.force_login(manager)
    post(client, f"/leads/{lead.pk}/assign", {"owner_id": colleague.pk})
    client.force_login(consultant)
    assert client.get(API + f"/leads/{lead.pk}").status_code == 404


def test_assigning_to_someone_outside_the_store_is_refused_on_owner_id(client, manager, outsider, receptionist, lead):
    client.force_login(manager)
    for owner_id in (outsider.pk, receptionist.pk, 10**12):
        response = post(client, f"/leads/{lead.pk}/assign", {"owner_id": owner_id})
        assert response.status_code == 400
        assert "owner_id" in response.json()["fields"]


def test_a_consultant_may_not_reassign(client, consultant, colleague, lead):
    client.force_login(consultant)
    assert post(client, f"/leads/{lead.pk}/assign", {"owner_id": colleague.pk}).status_code == 403


def test_a_consultant_claims_a_pool_lead_once(client, consultant, colleague, store):
    pool = LeadFactory(store=store, owner=None)
    client.force_login(consultant)
    response = post(client, f"/leads/{pool.pk}/claim")
    assert response.status_code == 200 and response.json()["owner"]["id"] == consultant.pk
    client.force_login(colleague)
    assert post(client, f"/leads/{pool.pk}/claim").status_code == 404


def test_a_loss_is_requested_then_approved_then_the_lead_is_reactivated(client, consultant, manager, lead):
    client.force_login(consultant)
    requested = post(client, f"/leads/{lead.pk}/loss-requests",
                     {"reason": "competitor", "competitor_brand": "宝马", "competitor_model": "X3", "competitor_price": "398000"})
    assert requested.status_code == 201
    request_id = requested.json()["id"]
    assert requested.json()["status"] == "pending" and requested.json()["competitor_price"] == "398000.00"
    assert post(client, f"/leads/loss-requests/{request_id}/decision", {"approve": True}).status_code == 403
    client.force_login(manager)
    pending = client.get(API + "/leads/loss-requests").json()
    assert [item["id"] for item in pending["items"]] == [request_id]
    decided = post(client, f"/leads/loss-requests/{request_id}/decision", {"approve": True, "comment": "确认"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert decided.json()["decided_by"]["id"] == manager.pk
    lead.refresh_from_db()
    assert lead.status == Status.LOST and lead.grade == Grade.F
    again = post(client, f"/leads/loss-requests/{request_id}/decision", {"approve": False, "comment": "x"})
    assert again.status_code == 400 and again.json()["code"] == "already_decided"
    assert post(client, f"/leads/{lead.pk}/reactivate", {"reason": ""}).json()["fields"] == {
        "reason": ["Give the reason for reactivating the lead."]}
    reopened = post(client, f"/leads/{lead.pk}/reactivate", {"reason": "客户回来了"})
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "open" and reopened.json()["grade"] == "N"


def test_a_loss_for_a_competitor_needs_the_brand_and_a_rejection_needs_a_comment(client, consultant, manager, lead):
    client.force_login(consultant)
    refused = post(client, f"/leads/{lead.pk}/loss-requests", {"reason": "competitor"})
    assert refused.status_code == 400 and "competitor_brand" in refused.json()["fields"]
    assert post(client, f"/leads/{lead.pk}/loss-requests", {"reason": "gone"}).status_code == 422
    request_id = post(client, f"/leads/{lead.pk}/loss-requests", {"reason": "price"}).json()["id"]
    client.force_login(manager)
    no_comment = post(client, f"/leads/loss-requests/{request_id}/decision", {"approve": False})
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["fields"]
    rejected = post(client, f"/leads/loss-requests/{request_id}/decision", {"approve": False, "comment": "再跟进一次"})
    assert rejected.json()["status"] == "rejected"


def test_the_timeline_shows_stage_changes_and_audit_entries(client, consultant, lead):
    client.force_login(consultant)
    post(client, f"/leads/{lead.pk}/advance", {"to": Stage.NEEDS_ANALYSIS})
    response = client.get(API + f"/leads/{lead.pk}/timeline")
    assert response.status_code == 200
    kinds = {item["kind"] for item in response.json()}
    assert {"transition", "audit"} <= kinds
    transition = next(item for item in response.json() if item["kind"] == "transition")
    assert transition["title"] == "First contact → Needs analysis"
    assert transition["actor"]["id"] == consultant.pk


# --- Nobody else sees the lead ----------------------------------------------------------------------

def _detail_calls(lead, loss_request_id):
    return [
        ("get", f"/leads/{lead.pk}", None),
        ("patch", f"/leads/{lead.pk}", {"version": lead.version, "notes": "x"}),
        ("post", f"/leads/{lead.pk}/advance", {"to": Stage.NEEDS_ANALYSIS}),
        ("post", f"/leads/{lead.pk}/grade", {"grade": "A"}),
        ("post", f"/leads/{lead.pk}/assign", {"owner_id": None}),
        ("post", f"/leads/{lead.pk}/claim", None),
        ("post", f"/leads/{lead.pk}/loss-requests", {"reason": "price"}),
        ("post", f"/leads/{lead.pk}/reactivate", {"reason": "x"}),
        ("get", f"/leads/{lead.pk}/timeline", None),
        ("post", f"/leads/loss-requests/{loss_request_id}/decision", {"approve": True}),
    ]


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist", "outside_manager"])
def test_everyone_but_the_owner_and_the_manager_gets_404_on_every_lead_endpoint(client, request, consultant, lead, who):
    other_lead = LeadFactory(owner=consultant)
    loss_request = lead_request_loss(actor=consultant, lead=other_lead, reason="price")
    if who == "outside_manager":
        user = UserFactory(store=request.getfixturevalue("other_store"), role=Role.MANAGER)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    for method, path, data in _detail_calls(lead, loss_request.pk):
        if method == "get":
            response = client.get(API + path)
        elif method == "patch":
            response = patch(client, path, data)
        else:
            response = post(client, path, data)
        assert response.status_code == 404, (who, method, path, response.content)
        assert response.json()["code"] == "not_found"
    lead.refresh_from_db()
    assert lead.version == 1 and lead.stage == Stage.FIRST_CONTACT and lead.owner == consultant
    assert LossRequest.objects.get(pk=loss_request.pk).status == "pending"


def test_the_timeline_and_the_pending_losses_run_the_same_number_of_queries_for_2_and_20_rows(client, consultant, manager):
    from showroom.followups.services import activity_log

    lead = LeadFactory(owner=consultant)

    def add_rows(n):
        for _ in range(n):
            activity_log(actor=consultant, lead=lead, channel="phone", outcome="no_answer", summary="未接")
            lead_request_loss(actor=consultant, lead=LeadFactory(owner=consultant), reason="price")

    add_rows(2)
    client.force_login(manager)
    urls = (API + f"/leads/{lead.pk}/timeline", API + "/leads/loss-requests")
    for url in urls:
        _queries(client, url)
    two = [_queries(client, url) for url in urls]
    add_rows(18)
    assert len(client.get(urls[0]).json()) >= 40
    assert client.get(urls[1]).json()["count"] == 20
    assert [_queries(client, url) for url in urls] == two
