"""The actions on a lead's page: steps, grade, claim and assignment, loss and its decision, reactivation,
contacts, follow-ups and editing — with refusals shown on the field and other people's leads a 404."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.followups.models import Activity, Task, TaskKind, TaskStatus
from showroom.leads.models import Grade, LossReason, LossRequest, LossRequestStatus, Stage, Status
from showroom.leads.services import lead_create, lead_request_loss, lead_update
from showroom.leads.tests.factories import LeadFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lead(consultant):
    return lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13812345678"},
                       lead_fields={**WALK_IN, "budget_max": Decimal("400000")})[0]


def _url(name, lead):
    return reverse(f"leads:{name}", args=[lead.pk])


def _post(client, user, url, data=None, **headers):
    client.force_login(user)
    return client.post(url, data or {}, **headers)


def _fresh(lead):
    lead.refresh_from_db()
    return lead


# --- The next step ---------------------------------------------------------------------------------

def test_the_owner_moves_the_lead_to_the_next_step_and_lands_back_on_the_lead(client, consultant, lead):
    response = _post(client, consultant, _url("advance", lead), {"to": Stage.NEEDS_ANALYSIS, "version": lead.version})

    assert response.status_code == 302 and response["Location"] == _url("detail", lead)
    assert _fresh(lead).stage == Stage.NEEDS_ANALYSIS
    page = client.get(response["Location"]).content.decode()
    assert "Moved to “Needs analysis”." in page


@pytest.mark.parametrize("next_page", ["abc", "https://evil.example/leads/"])
def test_an_action_with_a_next_page_that_is_not_ours_lands_back_on_the_lead(client, consultant, lead, next_page):
    response = _post(client, consultant, _url("advance", lead),
                     {"to": Stage.NEEDS_ANALYSIS, "version": lead.version, "next": next_page})

    assert response.status_code == 302 and response["Location"] == _url("detail", lead)
    assert _fresh(lead).stage == Stage.NEEDS_ANALYSIS


def test_through_htmx_a_successful_action_reloads_the_lead_page(client, consultant, lead):
    response = _post(client, consultant, _url("advance", lead), {"to": Stage.NEEDS_ANALYSIS}, **HTMX)

    assert response.status_code == 200 and response["HX-Redirect"] == _url("detail", lead)


def test_skipping_a_step_without_a_reason_shows_the_error_on_the_reason_field_with_422_and_changes_nothing(
        client, consultant, lead):
    response = _post(client, consultant, _url("advance", lead), {"to": Stage.TEST_DRIVE, "version": lead.version}, **HTMX)

    assert response.status_code == 422
    page = response.content.decode()
    assert page.startswith('<div id="advance-panel">')
    assert 'data-field-error="skip_reason"' in page and "skips Needs analysis、Vehicle presentation" in page
    assert 'name="skip_reason"' in page
    assert _fresh(lead).stage == Stage.FIRST_CONTACT
    assert not AuditEntry.objects.filter(action="leads.stage_advanced").exists()


def test_without_htmx_the_refused_step_redraws_the_whole_page_with_the_error(client, consultant, lead):
    response = _post(client, consultant, _url("advance", lead), {"to": Stage.TEST_DRIVE})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field-error="skip_reason"' in page and 'data-testid="timeline"' in page


def test_skipping_with_a_reason_is_recorded(client, consultant, lead):
    _post(client, consultant, _url("advance", lead), {"to": Stage.TEST_DRIVE, "skip_reason": "老客户，很熟悉车型"})

    assert _fresh(lead).stage == Stage.TEST_DRIVE
    assert "老客户，很熟悉车型" in client.get(_url("detail", lead)).content.decode()


def test_choosing_a_target_that_skips_a_step_redraws_the_form_with_the_reason_field(client, consultant, lead):
    client.force_login(consultant)

    skipping = client.get(_url("advance", lead), {"to": Stage.TEST_DRIVE, "version": lead.version}, **HTMX)
    next_one = client.get(_url("advance", lead), {"to": Stage.NEEDS_ANALYSIS}, **HTMX)

    assert skipping.status_code == 200 and 'name="skip_reason"' in skipping.content.decode()
    assert f'name="version" value="{lead.version}"' in skipping.content.decode()
    assert 'name="skip_reason"' not in next_one.content.decode()


def test_an_advance_over_a_stale_version_is_refused_with_who_changed_it(client, consultant, manager, lead):
    loaded = lead.version
    lead_update(actor=manager, lead=lead, fields={"models_of_interest": "Q5L"}, expected_version=loaded)

    response = _post(client, consultant, _url("advance", lead), {"to": Stage.NEEDS_ANALYSIS, "version": loaded}, **HTMX)

    assert response.status_code == 422
    assert "changed by 赵经理" in response.content.decode()
    assert _fresh(lead).stage == Stage.FIRST_CONTACT


# --- Grade -----------------------------------------------------------------------------------------

def test_the_owner_regrades_the_lead_and_the_next_follow_up_moves(client, consultant, lead):
    before = lead.next_follow_up_at

    response = _post(client, consultant, _url("grade", lead), {"grade": "H", "version": lead.version})

    assert response.status_code == 302
    lead = _fresh(lead)
    assert lead.grade == Grade.H and lead.next_follow_up_at != before


def test_a_grade_the_consultant_may_not_set_by_hand_is_refused_on_the_field(client, consultant, lead):
    response = _post(client, consultant, _url("grade", lead), {"grade": "O"}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="grade"' in response.content.decode()
    assert _fresh(lead).grade == Grade.N


# --- Claim and assignment --------------------------------------------------------------------------

def test_a_consultant_claims_a_pool_lead_and_a_second_claim_by_a_colleague_finds_nothing(
        client, consultant, colleague, store):
    pool = LeadFactory(store=store)

    response = _post(client, consultant, _url("claim", pool))

    assert response.status_code == 302 and _fresh(pool).owner == consultant
    assert _post(client, colleague, _url("claim", pool)).status_code == 404
    assert _fresh(pool).owner == consultant


def test_claiming_is_a_post(client, consultant, store):
    pool = LeadFactory(store=store)
    client.force_login(consultant)

    assert client.get(_url("claim", pool)).status_code == 405


def test_a_manager_gives_the_lead_to_a_colleague_with_the_reason_and_then_back_to_the_pool(
        client, manager, consultant, colleague, lead):
    response = _post(client, manager, _url("assign", lead), {"owner": colleague.pk, "reason": "王小明休假",
                                                              "version": lead.version})

    assert response.status_code == 302 and _fresh(lead).owner == colleague
    assert AuditEntry.objects.get(action="leads.reassigned").data["reason"] == "王小明休假"

    _post(client, manager, _url("assign", lead), {"owner": "pool"})
    assert _fresh(lead).owner is None


def test_an_assignment_without_a_choice_is_refused_on_the_field(client, manager, lead):
    response = _post(client, manager, _url("assign", lead), {"owner": ""}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="owner"' in response.content.decode()


def test_a_consultant_may_not_reassign_their_own_lead(client, consultant, colleague, lead):
    response = _post(client, consultant, _url("assign", lead), {"owner": colleague.pk})

    assert response.status_code == 403 and _fresh(lead).owner == consultant


# --- Loss ------------------------------------------------------------------------------------------

def test_a_loss_to_a_competitor_without_the_brand_is_refused_on_the_brand_field(client, consultant, lead):
    response = _post(client, consultant, _url("request_loss", lead), {"reason": LossReason.COMPETITOR}, **HTMX)

    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field-error="competitor_brand"' in page and 'data-testid="competitor-fields"' in page
    assert not LossRequest.objects.exists()


def test_choosing_the_competitor_reason_shows_the_competitor_fields(client, consultant, lead):
    client.force_login(consultant)

    competitor = client.get(_url("request_loss", lead), {"reason": LossReason.COMPETITOR}, **HTMX).content.decode()
    price = client.get(_url("request_loss", lead), {"reason": LossReason.PRICE}, **HTMX).content.decode()

    assert 'name="competitor_brand"' in competitor and 'name="competitor_price"' in competitor
    assert 'name="competitor_brand"' not in price


def test_the_consultant_asks_to_close_the_lead_as_lost_to_a_competitor(client, consultant, lead):
    response = _post(client, consultant, _url("request_loss", lead), {
        "reason": LossReason.COMPETITOR, "competitor_brand": "宝马", "competitor_model": "X3",
        "competitor_price": "38.9万", "notes": "朋友推荐"})

    assert response.status_code == 302
    request = LossRequest.objects.get()
    assert (request.competitor_brand, request.competitor_price) == ("宝马", Decimal("389000.00"))
    assert _fresh(lead).loss_pending and lead.status == Status.OPEN


def test_the_manager_approves_the_loss_and_the_lead_closes_as_lost(client, consultant, manager, lead):
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)

    response = _post(client, manager, reverse("leads:decide_loss", args=[loss.pk]), {"approve": "1", "comment": "同意"})

    assert response.status_code == 302 and response["Location"] == _url("detail", lead)
    lead = _fresh(lead)
    assert (lead.status, lead.grade, lead.loss_pending) == (Status.LOST, Grade.F, False)


def test_rejecting_a_loss_needs_a_comment_shown_on_the_comment_field(client, consultant, manager, lead):
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    url = reverse("leads:decide_loss", args=[loss.pk])

    refused = _post(client, manager, url, {"approve": "0"}, **HTMX)
    assert refused.status_code == 422 and 'data-field-error="comment"' in refused.content.decode()
    assert _fresh(lead).loss_pending

    _post(client, manager, url, {"approve": "0", "comment": "再跟进一次，客户预算可以谈"})
    loss.refresh_from_db()
    assert loss.status == LossRequestStatus.REJECTED
    lead = _fresh(lead)
    assert lead.status == Status.OPEN and not lead.loss_pending
    assert Task.objects.filter(lead=lead, status=TaskStatus.OPEN, title__contains="再跟进一次").exists()


def test_the_consultant_may_not_decide_their_own_loss_request(client, consultant, lead):
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)

    response = _post(client, consultant, reverse("leads:decide_loss", args=[loss.pk]), {"approve": "1"})

    assert response.status_code == 403 and _fresh(lead).status == Status.OPEN


def test_the_manager_reactivates_a_lost_lead_with_a_reason(client, consultant, manager, lead):
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    _post(client, manager, reverse("leads:decide_loss", args=[loss.pk]), {"approve": "1"})

    refused = _post(client, manager, _url("reactivate", lead), {"reason": ""}, **HTMX)
    assert refused.status_code == 422 and 'data-field-error="reason"' in refused.content.decode()

    _post(client, manager, _url("reactivate", lead), {"reason": "客户又来电询价"})
    assert _fresh(lead).status == Status.OPEN


def test_a_consultant_may_not_reactivate(client, consultant, manager, lead):
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    _post(client, manager, reverse("leads:decide_loss", args=[loss.pk]), {"approve": "1"})

    assert _post(client, consultant, _url("reactivate", lead), {"reason": "试试"}).status_code == 403


# --- Contacts and follow-ups -----------------------------------------------------------------------

def test_the_owner_logs_a_call_with_a_regrade_and_an_agreed_next_step(client, consultant, lead):
    response = _post(client, consultant, _url("log_contact", lead), {
        "channel": "phone", "direction": "outbound", "outcome": "appointment", "summary": "约周六上午试驾A6L",
        "grade": "A", "next_step": "周六试驾", "next_step_at": "2026-03-14T10:00"})

    assert response.status_code == 302
    activity = Activity.objects.get(lead=lead)
    assert activity.summary == "约周六上午试驾A6L"
    lead = _fresh(lead)
    assert lead.grade == Grade.A and lead.last_contacted_at == NOW
    task = Task.objects.get(lead=lead, status=TaskStatus.OPEN, kind=TaskKind.NEXT_STEP)
    assert task.is_appointment and task.due_at == dt.datetime(2026, 3, 14, 10, 0, tzinfo=SHANGHAI)


def test_a_next_step_without_a_date_is_refused_on_the_date_field(client, consultant, lead):
    response = _post(client, consultant, _url("log_contact", lead), {
        "channel": "phone", "direction": "outbound", "outcome": "reached", "summary": "聊了", "next_step": "再联系"},
        **HTMX)

    assert response.status_code == 422
    page = response.content.decode()
    assert page.startswith('<div id="contact-panel">') and 'data-field-error="next_step_at"' in page
    assert not Activity.objects.exists()


def test_a_contact_without_a_summary_is_refused_on_the_summary_field(client, consultant, lead):
    response = _post(client, consultant, _url("log_contact", lead), {"channel": "phone", "direction": "outbound",
                                                                     "outcome": "reached"}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="summary"' in response.content.decode()


def test_the_owner_schedules_a_follow_up(client, consultant, lead):
    response = _post(client, consultant, _url("add_task", lead), {"title": "发送金融方案", "due_at": "2026-03-11T15:00"})

    assert response.status_code == 302
    task = Task.objects.get(lead=lead, title="发送金融方案")
    assert task.owner == consultant and task.due_at == dt.datetime(2026, 3, 11, 15, 0, tzinfo=SHANGHAI)


def test_a_follow_up_without_a_due_date_is_refused_on_the_field(client, consultant, lead):
    response = _post(client, consultant, _url("add_task", lead), {"title": "发送金融方案"}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="due_at"' in response.content.decode()


@pytest.mark.parametrize("due_at", ["0001-01-01T07:59", "9999-12-31T23:59"])
def test_a_follow_up_due_in_a_year_no_one_sells_cars_in_is_refused_on_the_field_not_with_an_error_page(
        client, consultant, lead, due_at):
    response = _post(client, consultant, _url("add_task", lead), {"title": "发送金融方案", "due_at": due_at}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="due_at"' in response.content.decode()
    assert not Task.objects.filter(lead=lead, title="发送金融方案").exists()


def test_a_next_step_in_a_year_out_of_range_is_refused_on_the_date_field(client, consultant, lead):
    response = _post(client, consultant, _url("log_contact", lead), {
        "channel": "phone", "direction": "outbound", "outcome": "reached", "summary": "聊了配置",
        "next_step": "到店", "next_step_at": "0001-01-01T00:00"}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="next_step_at"' in response.content.decode()
    assert not Activity.objects.filter(lead=lead).exists()


# --- Editing ---------------------------------------------------------------------------------------

def test_the_owner_edits_the_budget_typed_the_chinese_way(client, consultant, lead):
    client.force_login(consultant)
    form = client.get(_url("edit", lead)).content.decode()
    assert 'name="budget_max" value="400000"' in form

    response = client.post(_url("edit", lead), {**WALK_IN, "budget_min": "30万", "budget_max": "45万",
                                                "models_of_interest": "A6L", "version": lead.version})

    assert response.status_code == 302
    lead = _fresh(lead)
    assert (lead.budget_min, lead.budget_max, lead.models_of_interest) == (Decimal("300000"), Decimal("450000"), "A6L")


def test_a_save_over_someone_elses_newer_change_shows_who_changed_it_and_changes_nothing(
        client, consultant, manager, lead):
    loaded = lead.version
    lead_update(actor=manager, lead=lead, fields={"models_of_interest": "Q5L"}, expected_version=loaded)

    response = _post(client, consultant, _url("edit", lead), {**WALK_IN, "models_of_interest": "A6L", "version": loaded},
                     **HTMX)

    assert response.status_code == 422
    page = response.content.decode()
    assert "This record was changed by 赵经理 at" in page and "Reload the page" in page
    assert _fresh(lead).models_of_interest == "Q5L"


@pytest.mark.parametrize("budget", ["1e30", "1e26万"])
def test_a_budget_too_large_to_be_money_is_refused_on_the_field_not_with_an_error_page(client, consultant, lead, budget):
    response = _post(client, consultant, _url("edit", lead), {**WALK_IN, "budget_max": budget, "version": lead.version},
                     **HTMX)

    assert response.status_code == 422 and 'data-field-error="budget_max"' in response.content.decode()
    assert _fresh(lead).budget_max == Decimal("400000")


def test_an_expected_purchase_date_out_of_range_is_refused_on_the_field(client, consultant, lead):
    response = _post(client, consultant, _url("edit", lead),
                     {**WALK_IN, "expected_purchase_date": "0001-01-01", "version": lead.version}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="expected_purchase_date"' in response.content.decode()
    assert _fresh(lead).expected_purchase_date is None


def test_a_competitor_price_too_large_to_be_money_is_refused_on_the_field(client, consultant, lead):
    response = _post(client, consultant, _url("request_loss", lead), {
        "reason": "competitor", "competitor_brand": "宝马", "competitor_model": "X3", "competitor_price": "1e30"}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="competitor_price"' in response.content.decode()
    assert not LossRequest.objects.filter(lead=lead).exists()


def test_a_source_that_does_not_belong_to_the_channel_is_refused_on_the_source_field(client, consultant, lead):
    response = _post(client, consultant, _url("edit", lead), {"channel": "online", "source": "walk_in",
                                                              "version": lead.version}, **HTMX)

    assert response.status_code == 422 and 'data-field-error="source"' in response.content.decode()


# --- Other people's leads --------------------------------------------------------------------------

ACTIONS = [
    ("advance", {"to": Stage.NEEDS_ANALYSIS}),
    ("grade", {"grade": "H"}),
    ("claim", {}),
    ("assign", {"owner": "pool"}),
    ("request_loss", {"reason": LossReason.PRICE}),
    ("reactivate", {"reason": "再试试"}),
    ("log_contact", {"channel": "phone", "direction": "outbound", "outcome": "reached", "summary": "聊了"}),
    ("add_task", {"title": "回访", "due_at": "2026-03-11T15:00"}),
    ("edit", {**WALK_IN, "version": 1}),
]


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
@pytest.mark.parametrize(("action", "data"), ACTIONS)
def test_someone_who_may_not_see_the_lead_gets_404_on_every_action_and_nothing_changes(
        client, lead, who, action, data, request):
    version = lead.version

    response = _post(client, request.getfixturevalue(who), _url(action, lead), data)

    assert response.status_code == 404
    assert _fresh(lead).version == version and not Activity.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
def test_someone_who_may_not_see_the_lead_gets_404_on_its_loss_decision(client, consultant, lead, who, request):
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)

    response = _post(client, request.getfixturevalue(who), reverse("leads:decide_loss", args=[loss.pk]), {"approve": "1"})

    assert response.status_code == 404 and _fresh(lead).status == Status.OPEN


def test_a_manager_of_another_store_gets_404_on_the_loss_decision(client, consultant, other_store, lead):
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    stranger = UserFactory(store=other_store, role=Role.MANAGER)

    assert _post(client, stranger, reverse("leads:decide_loss", args=[loss.pk]), {"approve": "1"}).status_code == 404
