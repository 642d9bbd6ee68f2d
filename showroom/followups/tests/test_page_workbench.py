import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.core.choices import Channel, Source
from showroom.followups.models import Outcome
from showroom.followups.services import activity_log, task_create
from showroom.leads.services import lead_create
from showroom.leads.tests.factories import LeadFactory
from showroom.reception.services import visit_record_departure, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def _task(owner, name, due_at, title="回访"):
    lead = LeadFactory(owner=owner, customer__name=name)
    return task_create(actor=owner, lead=lead, title=title, due_at=due_at)


def _open(client, user):
    client.force_login(user)
    response = client.get(reverse("followups:workbench"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_workbench_shows_my_due_and_overdue_follow_ups_with_the_overdue_ones_highlighted(client, consultant, colleague):
    overdue = _task(consultant, "张三", MORNING - dt.timedelta(hours=18), title="确认试驾时间")
    due_later = _task(consultant, "李娜", MORNING + dt.timedelta(hours=6), title="发送报价")
    tomorrow = _task(consultant, "王五", MORNING + dt.timedelta(days=1), title="明天的回访")
    theirs = _task(colleague, "赵六", MORNING + dt.timedelta(hours=2), title="同事的回访")

    page = _open(client, consultant)

    assert f'<tr class="row-overdue" data-task="{overdue.pk}">' in page
    assert f'<tr class="" data-task="{due_later.pk}">' in page
    assert "18 hours late" in page
    assert "确认试驾时间" in page and "发送报价" in page
    assert f'data-task="{tomorrow.pk}"' not in page and "明天的回访" not in page
    assert f'data-task="{theirs.pk}"' not in page and "同事的回访" not in page
    assert reverse("followups:task_complete", args=[overdue.pk]) in page
    assert reverse("followups:task_reschedule", args=[overdue.pk]) in page
    assert reverse("leads:detail", args=[overdue.lead_id]) + "#advance" in page
    assert reverse("leads:create") in page


def test_the_workbench_shows_my_appointments_and_walk_ins_today_but_not_a_colleagues(
    client, consultant, colleague, receptionist
):
    mine = LeadFactory(owner=consultant, customer__name="陈先生")
    activity_log(actor=consultant, lead=mine, channel="phone", outcome=Outcome.APPOINTMENT, summary="约好下午到店试驾",
                 next_step="到店试驾Q5L", next_step_at=MORNING + dt.timedelta(hours=5))
    theirs = LeadFactory(owner=colleague, customer__name="周女士")
    activity_log(actor=colleague, lead=theirs, channel="phone", outcome=Outcome.APPOINTMENT, summary="约好到店",
                 next_step="同事的预约", next_step_at=MORNING + dt.timedelta(hours=3))
    here = visit_register(actor=receptionist, mobile="13900001111", name="刘先生", consultant=consultant,
                          arrived_at=MORNING - dt.timedelta(minutes=40))
    gone = visit_register(actor=receptionist, mobile="13900002222", name="孙女士", consultant=consultant,
                          arrived_at=MORNING - dt.timedelta(minutes=50))
    visit_record_departure(actor=consultant, visit=gone)
    other = visit_register(actor=receptionist, mobile="13900003333", name="钱先生", consultant=colleague,
                           arrived_at=MORNING - dt.timedelta(minutes=30))

    page = _open(client, consultant)

    appointments = page[page.index('id="appointments"'):page.index('id="walk-ins"')]
    assert "14:00" in appointments and "陈先生" in appointments and "到店试驾Q5L" in appointments
    assert "周女士" not in page and "同事的预约" not in page
    assert f'data-visit="{here.pk}"' in page and "刘先生" in page
    assert f'data-visit="{gone.pk}"' in page and "孙女士" in page
    assert f'data-visit="{other.pk}"' not in page and "钱先生" not in page
    assert reverse("reception:depart", args=[here.pk]) in page
    assert reverse("reception:depart", args=[gone.pk]) not in page


def test_standing_in_for_a_colleague_shows_the_batch_but_neither_the_colleagues_customer_nor_a_link_to_their_lead(
    client, consultant, colleague, receptionist
):
    visit_register(actor=receptionist, mobile="13900001111", name="刘先生", consultant=colleague,
                   arrived_at=MORNING - dt.timedelta(days=1))
    stand_in = visit_register(actor=receptionist, mobile="13900001111", consultant=consultant,
                              arrived_at=MORNING - dt.timedelta(minutes=30))
    assert stand_in.lead.owner == colleague

    page = _open(client, consultant)

    walk_ins = page[page.index('id="walk-ins"'):]
    assert f'data-visit="{stand_in.pk}"' in walk_ins and "刘**" in walk_ins
    assert "刘先生" not in page
    assert reverse("leads:detail", args=[stand_in.lead_id]) not in page


def test_my_pipeline_counts_open_leads_per_stage_and_grade_and_links_to_the_filtered_lead_list(client, consultant, colleague):
    LeadFactory.create_batch(2, owner=consultant, grade="A")
    LeadFactory(owner=consultant, grade="B", status="lost")
    LeadFactory.create_batch(3, owner=colleague, grade="A")

    page = _open(client, consultant)

    leads_url = reverse("leads:list")
    stage_link = re.search(r'href="([^"]*)" data-stage="10">\s*<span[^>]*>[^<]*</span><span[^>]*>(\d+)</span>', page)
    assert stage_link.group(1) == f"{leads_url}?stage=10&amp;status=open&amp;owner={consultant.pk}"
    assert stage_link.group(2) == "2"
    grade_link = re.search(r'href="([^"]*)" data-grade="A"[^>]*>\s*<span[^>]*>A</span> <span[^>]*>(\d+)</span>', page)
    assert grade_link.group(1) == f"{leads_url}?grade=A&amp;status=open&amp;owner={consultant.pk}"
    assert grade_link.group(2) == "2"
    assert "My pipeline (2 open)" in page


def test_a_new_online_lead_not_called_back_in_time_is_listed_as_waiting_for_a_first_call(
    client, consultant, colleague, manager, morning
):
    late, _ = lead_create(actor=manager, owner=consultant, customer_fields={"name": "吴女士", "mobile": "13700001111"},
                          lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})
    lead_create(actor=manager, owner=colleague, customer_fields={"name": "郑先生", "mobile": "13700002222"},
                lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})
    morning.shift(dt.timedelta(hours=3))

    page = _open(client, consultant)

    waiting = page[page.index('id="first-response-overdue"'):page.index('id="pipeline"')]
    assert f'data-lead="{late.pk}"' in waiting and "吴女士" in waiting
    assert "郑先生" not in page


def test_a_manager_opening_the_workbench_sees_an_empty_day_of_their_own(client, consultant, manager):
    _task(consultant, "张三", MORNING + dt.timedelta(hours=1), title="顾问的回访")

    page = _open(client, manager)

    assert "顾问的回访" not in page
    assert 'data-testid="no-due-tasks"' in page


def test_the_receptionist_is_refused_the_workbench(client, receptionist):
    client.force_login(receptionist)
    assert client.get(reverse("followups:workbench")).status_code == 403


def test_the_workbench_runs_the_same_number_of_queries_for_2_or_20_follow_ups(client, consultant, receptionist):
    def count_queries():
        client.force_login(consultant)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("followups:workbench")).status_code == 200
        return len(queries)

    def add(start, n):
        for i in range(start, start + n):
            _task(consultant, f"客户{i}", MORNING + dt.timedelta(hours=-i if i % 2 else i), title=f"回访{i}")
            visit_register(actor=receptionist, mobile=f"1390000{i:04d}", consultant=consultant,
                           arrived_at=MORNING - dt.timedelta(minutes=i + 1))

    add(0, 2)
    few = count_queries()
    add(2, 18)
    many = count_queries()
    assert few == many


def test_the_later_steps_cards_load_into_the_workbench_and_refresh_every_minute(client, consultant):
    page = _open(client, consultant)

    cards = re.search(r'<div id="workbench-cards" hx-get="([^"]+)" hx-trigger="([^"]+)"', page)
    assert cards and cards.group(1) == reverse("followups:workbench_cards")
    assert "load" in cards.group(2) and "every 60s" in cards.group(2)
    assert client.get(cards.group(1)).status_code == 200


def test_the_receptionist_is_refused_the_workbench_cards(client, receptionist):
    client.force_login(receptionist)
    assert client.get(reverse("followups:workbench_cards")).status_code == 403


def test_a_follow_up_row_links_to_its_lead_its_call_and_its_reschedule(client, consultant):
    task = _task(consultant, "张三", MORNING - dt.timedelta(days=2, hours=1))

    page = _open(client, consultant)

    row = re.search(rf'<tr class="row-overdue" data-task="{task.pk}">(.*?)</tr>', page, re.S).group(1)
    nxt = "?next=/followups/workbench/"
    assert f'href="{reverse("leads:detail", args=[task.lead_id])}"' in row
    assert f'href="{reverse("followups:task_complete", args=[task.pk])}{nxt}"' in row
    assert f'href="{reverse("followups:task_reschedule", args=[task.pk])}{nxt}"' in row
    assert "2 days late" in row
