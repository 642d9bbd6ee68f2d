import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.accounts.tests.factories import UserFactory
from showroom.followups.models import TaskKind
from showroom.followups.services import task_cancel, task_create
from showroom.leads.tests.factories import LeadFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
URL = reverse("followups:tasks")


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def _task(owner, title, due_at):
    return task_create(actor=owner, lead=LeadFactory(owner=owner), title=title, due_at=due_at)


def _rows(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_consultant_sees_only_their_own_open_follow_ups_earliest_first(client, consultant, colleague, outsider):
    later = _task(consultant, "下周回访", MORNING + dt.timedelta(days=5))
    overdue = _task(consultant, "逾期回访", MORNING - dt.timedelta(days=1))
    done = _task(consultant, "已取消", MORNING + dt.timedelta(days=1))
    task_cancel(actor=consultant, task=done, reason="客户已到店")
    _task(colleague, "同事的回访", MORNING)
    _task(outsider, "外店的回访", MORNING)
    client.force_login(consultant)

    page = _rows(client.get(URL))

    assert page.index("逾期回访") < page.index("下周回访")
    assert f'<tr class="row-overdue" data-task="{overdue.pk}">' in page
    assert f'<tr class="" data-task="{later.pk}">' in page
    assert "已取消" not in page and "同事的回访" not in page and "外店的回访" not in page
    assert 'name="owner"' not in page


def test_a_consultant_filters_by_due_window_status_and_type(client, consultant):
    _task(consultant, "逾期回访", MORNING - dt.timedelta(hours=2))
    _task(consultant, "今天回访", MORNING + dt.timedelta(hours=2))
    _task(consultant, "本周回访", MORNING + dt.timedelta(days=3))
    _task(consultant, "下月回访", MORNING + dt.timedelta(days=30))
    cancelled = _task(consultant, "取消的回访", MORNING + dt.timedelta(days=1))
    task_cancel(actor=consultant, task=cancelled)
    client.force_login(consultant)

    overdue = _rows(client.get(URL, {"due": "overdue"}))
    today = _rows(client.get(URL, {"due": "today"}))
    week = _rows(client.get(URL, {"due": "week"}))
    closed = _rows(client.get(URL, {"status": "cancelled"}))
    manual = _rows(client.get(URL, {"kind": TaskKind.MANUAL}))
    cadence = _rows(client.get(URL, {"kind": TaskKind.CADENCE}))

    assert "逾期回访" in overdue and "今天回访" not in overdue
    assert "今天回访" in today and "本周回访" not in today
    assert "本周回访" in week and "下月回访" not in week
    assert "取消的回访" in closed and "今天回访" not in closed
    assert "下月回访" in manual and "下月回访" not in cadence


def test_a_manager_sees_the_whole_store_and_follows_the_link_to_one_consultants_overdue_follow_ups(
    client, consultant, colleague, manager, outsider
):
    _task(consultant, "顾问逾期", MORNING - dt.timedelta(days=2))
    _task(consultant, "顾问明天", MORNING + dt.timedelta(days=1))
    _task(colleague, "同事逾期", MORNING - dt.timedelta(days=1))
    _task(outsider, "外店逾期", MORNING - dt.timedelta(days=1))
    client.force_login(manager)

    everyone = _rows(client.get(URL))
    linked = _rows(client.get(URL, {"owner": consultant.pk, "due": "overdue"}))

    assert "顾问逾期" in everyone and "同事逾期" in everyone and "顾问明天" in everyone
    assert "外店逾期" not in everyone
    assert 'name="owner"' in everyone and consultant.full_name in everyone
    assert "顾问逾期" in linked
    assert "顾问明天" not in linked and "同事逾期" not in linked


def test_a_manager_cannot_filter_by_a_consultant_of_another_store(client, manager, outsider):
    _task(outsider, "外店逾期", MORNING - dt.timedelta(days=1))
    client.force_login(manager)

    assert "外店逾期" not in _rows(client.get(URL, {"owner": outsider.pk}))


def test_filtering_with_htmx_swaps_only_the_table(client, consultant):
    _task(consultant, "今天回访", MORNING + dt.timedelta(hours=2))
    client.force_login(consultant)

    response = client.get(URL, {"due": "today"}, headers={"HX-Request": "true"})

    page = _rows(response)
    assert page.startswith('<div id="task-table">')
    assert "今天回访" in page and "<nav" not in page.split('<nav class="mt-3"')[0]


def test_the_list_is_paginated(client, consultant):
    for i in range(30):
        _task(consultant, f"回访-{i:02d}", MORNING + dt.timedelta(hours=i))
    client.force_login(consultant)

    first = _rows(client.get(URL))
    second = _rows(client.get(URL, {"page": 2}))

    assert "回访-00" in first and "回访-24" in first and "回访-25" not in first
    assert "回访-25" in second and "回访-29" in second and "回访-00" not in second
    assert "Page 2 of 2" in second


def test_a_receptionist_is_refused_the_task_list(client, receptionist):
    client.force_login(receptionist)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("role", ["consultant", "manager"])
def test_the_task_list_runs_the_same_number_of_queries_for_2_or_20_tasks(client, store, consultant, role):
    viewer = consultant if role == "consultant" else UserFactory(store=store, role="manager")
    others = [UserFactory(store=store, role="consultant") for _ in range(2)]

    def count_queries():
        client.force_login(viewer)
        with CaptureQueriesContext(connection) as queries:
            _rows(client.get(URL, {"due": "week"}))
        return len(queries)

    def add(n):
        for i in range(n):
            _task([consultant, *others][i % 3], f"回访{i}", MORNING + dt.timedelta(hours=i - 5))

    add(2)
    few = count_queries()
    add(18)
    many = count_queries()
    assert few == many
