"""One lead's page: customer card, facts, the steps, actions by role, follow-ups, call scripts and the timeline."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.core.choices import Channel, Source
from showroom.followups.models import ContactChannel, Outcome
from showroom.followups.services import activity_log, task_create
from showroom.leads.models import Grade, LossReason, Stage
from showroom.leads.services import (
    lead_advance_stage,
    lead_assign,
    lead_create,
    lead_request_loss,
    lead_set_grade,
    lead_update,
)
from showroom.leads.tests.factories import LeadFactory
from showroom.leads.views import audit_lines
from showroom.reception.services import visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lead(consultant):
    return lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13812345678"},
                       lead_fields={**WALK_IN, "models_of_interest": "A6L", "budget_max": Decimal("400000")})[0]


def _page(client, user, lead) -> str:
    client.force_login(user)
    response = client.get(reverse("leads:detail", args=[lead.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start: page.index("</div>\n    </div>", start)]


def test_the_owner_sees_the_customer_with_a_masked_mobile_and_a_link_to_the_customer_file(client, consultant, lead):
    page = _page(client, consultant, lead)

    assert "张三" in page
    assert "138****5678" in page and "13812345678" not in page
    assert reverse("customers:detail", args=[lead.customer_id]) in page
    assert "A6L" in page and "¥400,000" in page


def test_the_stage_bar_shows_done_skipped_current_and_coming_steps(client, consultant, lead):
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.PRESENTATION, skip_reason="客户已做功课")

    bar = _section(_page(client, consultant, lead), "stage-bar")

    assert f'data-step="{Stage.FIRST_CONTACT}" data-state="done"' in bar
    assert f'data-step="{Stage.NEEDS_ANALYSIS}" data-state="skipped"' in bar
    assert f'data-step="{Stage.PRESENTATION}" data-state="current" aria-current="step"' in bar
    assert f'data-step="{Stage.DELIVERED}" data-state="todo"' in bar
    assert bar.count("data-step=") == 7


def test_open_follow_ups_are_listed_with_the_overdue_ones_highlighted_and_a_link_to_do_them(
        client, consultant, lead, frozen):
    late = task_create(actor=consultant, lead=lead, title="回电话确认试驾", due_at=NOW + dt.timedelta(hours=1))
    later = task_create(actor=consultant, lead=lead, title="发送报价", due_at=NOW + dt.timedelta(days=3))
    frozen.shift(dt.timedelta(hours=2))

    page = _page(client, consultant, lead)

    tasks = _section(page, "lead-tasks")
    assert "回电话确认试驾" in tasks and "发送报价" in tasks
    assert f'row-overdue" data-task="{late.pk}"' in tasks
    assert f'row-overdue" data-task="{later.pk}"' not in tasks
    assert reverse("followups:task_complete", args=[late.pk]) in tasks
    assert 'data-testid="lead-overdue"' in page


def test_the_call_scripts_open_on_the_first_call_for_a_lead_nobody_has_contacted_yet(client, manager, store):
    lead = lead_create(actor=manager, customer_fields={"name": "钱七", "mobile": "13700000001"},
                       lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME},
                       owner=UserFactory(store=store, role=Role.CONSULTANT))[0]

    page = _page(client, manager, lead)

    assert '<details class="mb-2" data-scenario="first_call" open>' in page
    assert '<details class="mb-2" data-scenario="visit_invitation">' in page


def test_the_call_scripts_open_on_the_invitation_once_contacted_and_on_the_after_visit_call_after_a_visit(
        client, consultant, receptionist, lead):
    activity_log(actor=consultant, lead=lead, channel=ContactChannel.PHONE, outcome=Outcome.REACHED, summary="聊了配置")
    assert '<details class="mb-2" data-scenario="visit_invitation" open>' in _page(client, consultant, lead)

    visit_register(actor=receptionist, mobile="13812345678", consultant=consultant)
    assert '<details class="mb-2" data-scenario="post_visit" open>' in _page(client, consultant, lead)


def test_the_timeline_shows_contacts_stage_changes_visits_and_changes_in_readable_words(
        client, consultant, colleague, manager, receptionist, lead):
    activity_log(actor=consultant, lead=lead, channel=ContactChannel.PHONE, outcome=Outcome.APPOINTMENT,
                 summary="约周六来店试驾", next_step="周六试驾", next_step_at=NOW + dt.timedelta(days=4))
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.TEST_DRIVE, skip_reason="客户很熟悉车型")
    lead_set_grade(actor=consultant, lead=lead, grade=Grade.H)
    lead.refresh_from_db()
    lead_update(actor=consultant, lead=lead, fields={"budget_max": Decimal("450000")}, expected_version=lead.version)
    lead_assign(actor=manager, lead=lead, owner=colleague, reason="王小明休假")
    visit_register(actor=receptionist, mobile="13812345678", consultant=colleague)

    timeline = _section(_page(client, manager, lead), "timeline")

    assert "Phone · Outbound · Visit or test drive booked" in timeline and "约周六来店试驾" in timeline
    assert "First contact → Test drive" in timeline
    assert "Skipped steps: Needs analysis、Vehicle presentation" in timeline and "Reason: 客户很熟悉车型" in timeline
    assert "Grade changed" in timeline and "Grade: N → H" in timeline
    assert "Budget up to: ¥400,000 → ¥450,000" in timeline
    assert "Consultant: 王小明 → 李四" in timeline and "Reason: 王小明休假" in timeline
    assert "Showroom visit" in timeline and "First visit" in timeline and "1 person" in timeline
    assert "leads." not in timeline and "followups." not in timeline


def test_audit_data_reads_as_field_old_to_new_lines_with_labels():
    assert audit_lines("leads.updated", {"changes": {"budget_min": ["300000.00", "320000.50"],
                                                     "expected_purchase_date": [None, "2026-04-01"]}}) == [
        "Budget from: ¥300,000 → ¥320,000.50", "Expected purchase: — → 2026-04-01"]
    assert audit_lines("leads.claimed", {"from": None, "to": "王小明", "reason": ""}) == ["Consultant: Unassigned pool → 王小明"]
    assert audit_lines("leads.loss_approved", {"reason": "competitor", "comment": "同意", "status": ["open", "lost"],
                                               "grade": ["B", "F"]}) == [
        "Reason: Bought a competitor's car", "Comment: 同意", "Status: Open → Lost", "Grade: B → F"]
    assert audit_lines("leads.went_dormant", {"status": ["open", "dormant"], "days_without_contact": 60}) == [
        "Status: Open → Dormant", "Days without contact: 60"]


def test_the_owner_sees_the_actions_to_work_the_lead_but_not_the_managers(client, consultant, lead):
    page = _page(client, consultant, lead)

    for name in ("advance", "grade", "request_loss", "log_contact", "add_task", "edit"):
        assert reverse(f"leads:{name}", args=[lead.pk]) in page, name
    for name in ("assign", "reactivate", "claim"):
        assert reverse(f"leads:{name}", args=[lead.pk]) not in page, name


def test_a_manager_sees_the_assignment_form_with_the_pool_and_the_pending_loss_to_decide(
        client, consultant, colleague, manager, lead):
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.COMPETITOR, competitor_brand="宝马",
                             competitor_model="X3")

    page = _page(client, manager, lead)

    assert reverse("leads:assign", args=[lead.pk]) in page
    assert '<option value="pool">Back to the unassigned pool</option>' in page
    assert f'<option value="{colleague.pk}">李四</option>' in page
    decision = _section(page, "pending-loss")
    assert reverse("leads:decide_loss", args=[loss.pk]) in decision and "宝马 X3" in decision
    assert reverse("leads:request_loss", args=[lead.pk]) not in page  # already waiting


def test_a_consultant_sees_a_claim_button_on_a_pool_lead_and_no_work_actions_until_it_is_theirs(
        client, colleague, store):
    pool = LeadFactory(store=store)

    page = _page(client, colleague, pool)

    assert reverse("leads:claim", args=[pool.pk]) in page
    for name in ("advance", "grade", "request_loss", "log_contact", "add_task", "edit", "assign"):
        assert reverse(f"leads:{name}", args=[pool.pk]) not in page, name


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
def test_someone_who_may_not_see_the_lead_gets_404(client, lead, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("leads:detail", args=[lead.pk])).status_code == 404


def test_a_lead_that_does_not_exist_is_a_404(client, consultant):
    client.force_login(consultant)

    assert client.get(reverse("leads:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.MANAGER])
def test_the_page_costs_the_same_number_of_queries_for_2_or_20_leads_contacts_and_tasks(client, store, role):
    consultant = UserFactory(store=store, role=Role.CONSULTANT)
    viewer = consultant if role == Role.CONSULTANT else UserFactory(store=store, role=role)
    lead = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13812345678"}, lead_fields=WALK_IN)[0]
    lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    client.force_login(viewer)

    def count(n):
        for i in range(n):
            LeadFactory(owner=consultant)
            activity_log(actor=consultant, lead=lead, channel=ContactChannel.PHONE, outcome=Outcome.REACHED, summary=f"第{i}次")
            task_create(actor=consultant, lead=lead, title=f"回访{i}", due_at=NOW + dt.timedelta(days=i + 1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("leads:detail", args=[lead.pk])).status_code == 200
        return len(queries)

    assert count(2) == count(18)
