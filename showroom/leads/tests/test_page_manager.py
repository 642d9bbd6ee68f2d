"""The manager's page: the store's pipeline by consultant, loss approvals, late first responses, pool, traffic."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.core.choices import Channel, Source
from showroom.followups.services import task_create
from showroom.leads.models import LossReason, Stage, Status
from showroom.leads.services import lead_create, lead_request_loss
from showroom.leads.tests.factories import LeadFactory
from showroom.reception.services import visit_record_departure, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
URL = reverse("leads:manager")
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start: page.index("</ul>", start) if "</ul>" in page[start:] else None]


def _pipeline_row(page: str, owner) -> str:
    start = page.index(f'<tr data-owner="{owner.pk}">')
    return page[start: page.index("</tr>", start)]


def test_the_manager_sees_the_pipeline_by_consultant_with_overdue_follow_ups_linked_to_the_task_list(
        client, manager, consultant, colleague, frozen):
    LeadFactory(owner=consultant, stage=Stage.FIRST_CONTACT)
    LeadFactory(owner=consultant, stage=Stage.TEST_DRIVE)
    LeadFactory(owner=consultant, stage=Stage.TEST_DRIVE)
    LeadFactory(owner=consultant, status=Status.LOST)
    task_create(actor=consultant, lead=LeadFactory(owner=consultant, stage=Stage.NEGOTIATION), title="回访",
                due_at=NOW + dt.timedelta(hours=1))
    frozen.shift(dt.timedelta(hours=2))

    page = _page(client, manager)

    row = _pipeline_row(page, consultant)
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split('<td class="text-end')[1:6]]
    assert cells == ["1", "·", "·", "2", "1"]  # first contact, needs analysis, presentation, test drive, negotiation
    assert ">4</a>" in row  # open leads only
    overdue = f'{reverse("followups:tasks")}?owner={consultant.pk}&amp;due=overdue'
    assert f'href="{overdue}" data-testid="overdue-link">1</a>' in row
    assert "李四" in _pipeline_row(page, colleague)


def test_pending_loss_requests_are_decided_inline_and_the_manager_comes_back_to_the_page(
        client, manager, consultant):
    lead = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13812345678"}, lead_fields=WALK_IN)[0]
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.COMPETITOR, competitor_brand="宝马",
                             competitor_model="X3")

    page = _page(client, manager)
    approvals = _section(page, "loss-approvals")
    assert "张三" in approvals and "宝马 X3" in approvals
    assert f'<input type="hidden" name="next" value="{URL}">' in approvals

    response = client.post(reverse("leads:decide_loss", args=[loss.pk]), {"approve": "1", "next": URL})

    assert response.status_code == 302 and response["Location"] == URL
    lead.refresh_from_db()
    assert lead.status == Status.LOST
    assert "No loss requests are waiting." in _page(client, manager)


def test_a_rejection_without_a_comment_swaps_the_error_into_that_request_only(client, manager, consultant):
    lead = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13812345678"}, lead_fields=WALK_IN)[0]
    loss = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    client.force_login(manager)

    response = client.post(reverse("leads:decide_loss", args=[loss.pk]), {"approve": "0", "next": URL},
                           HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    page = response.content.decode()
    assert page.startswith(f'<div id="decision-{loss.pk}"') and 'data-field-error="comment"' in page
    assert f'value="{URL}"' in page


def test_late_first_responses_and_the_pool_are_shown(client, manager, consultant, frozen):
    late = lead_create(actor=manager, customer_fields={"name": "钱七", "mobile": "13700000001"},
                       lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME}, owner=consultant)[0]
    frozen.shift(dt.timedelta(hours=3))
    LeadFactory(store=manager.store)
    LeadFactory(store=manager.store)

    page = _page(client, manager)

    late_list = _section(page, "first-response-overdue")
    assert f'data-lead="{late.pk}"' in late_list and "钱七" in late_list and "王小明" in late_list
    assert 'data-testid="pool-count">2</span>' in page
    assert f'href="{reverse("leads:list")}?owner=pool" data-testid="pool-link"' in page


def test_todays_showroom_traffic_and_who_is_in_the_showroom_now(client, manager, receptionist, consultant):
    visit_register(actor=receptionist, mobile="13812345678", name="张三", party_size=3, consultant=consultant)
    gone = visit_register(actor=receptionist, party_size=2, consultant=consultant)
    visit_record_departure(actor=consultant, visit=gone)
    visit_register(actor=receptionist, purpose="service")

    page = _page(client, manager)

    assert 'data-testid="traffic-batches">2</div>' in page
    assert "1 non-sales visit<" in page
    assert 'data-testid="in-showroom-count">2</div>' in page
    assert "张三" in page


def test_the_chart_data_is_handed_to_the_script_as_json(client, manager, consultant):
    LeadFactory(owner=consultant, stage=Stage.TEST_DRIVE)

    page = _page(client, manager)

    assert '<script id="pipeline-data" type="application/json">' in page
    assert "\\u738b\\u5c0f\\u660e" in page or "王小明" in page
    assert 'src="/static/js/manager.js"' in page


@pytest.mark.parametrize("who", ["consultant", "receptionist", "outsider"])
def test_only_managers_and_admins_open_the_page(client, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403


def test_a_store_admin_opens_it_and_another_stores_manager_sees_none_of_this_stores_leads(
        client, store, other_store, consultant):
    LeadFactory(owner=consultant, stage=Stage.TEST_DRIVE)
    admin = UserFactory(store=store, role=Role.STORE_ADMIN)
    stranger = UserFactory(store=other_store, role=Role.MANAGER)

    assert "王小明" in _page(client, admin)
    assert "王小明" not in _page(client, stranger)


def test_the_page_costs_the_same_number_of_queries_for_2_or_20_leads(client, store, manager, receptionist):
    consultants = [UserFactory(store=store, role=Role.CONSULTANT) for _ in range(2)]
    client.force_login(manager)

    def count(n):
        for i in range(n):
            owner = consultants[i % 2]
            lead = lead_create(actor=owner, customer_fields={"name": "客户", "mobile": f"137{n:04d}{i:04d}"},
                               lead_fields=WALK_IN)[0]
            lead_request_loss(actor=owner, lead=lead, reason=LossReason.PRICE)
            LeadFactory(store=store, channel=Channel.ONLINE, source=Source.AUTOHOME,
                        first_response_due_at=NOW - dt.timedelta(hours=1))
            visit_register(actor=receptionist, party_size=1, consultant=owner)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    assert count(1) == count(9)
