"""The lead list: scoped, filtered, sorted, and the same number of queries for any number of leads."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.core.choices import Channel, Source
from showroom.leads.models import Grade, Stage, Status
from showroom.leads.selectors import LeadFilters, lead_list
from showroom.leads.services import lead_advance_stage, lead_create, lead_set_grade

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _lead(actor, n, name="张三", fields=WALK_IN, **kwargs):
    return lead_create(actor=actor, customer_fields={"name": name, "mobile": f"1380000{n:04d}"}, lead_fields=fields,
                       **kwargs)[0]


def _pks(actor, **filters):
    return [lead.pk for lead in lead_list(actor, LeadFilters(**filters))]


def test_a_consultant_lists_their_leads_and_the_pool_newest_first_but_not_a_colleagues(
    store, consultant, colleague, frozen
):
    first = _lead(consultant, 1)
    frozen.shift(dt.timedelta(minutes=1))
    _lead(colleague, 2)
    frozen.shift(dt.timedelta(minutes=1))
    second = _lead(consultant, 3)
    store.lead_assignment = LeadAssignment.POOL
    store.save()
    pooled = _lead(UserFactory(store=store, role=Role.INTEGRATION), 4, fields={"channel": Channel.ONLINE,
                                                                                "source": Source.DOUYIN})

    assert _pks(consultant) == [pooled.pk, second.pk, first.pk]
    assert _pks(consultant, unassigned=True) == [pooled.pk]
    assert _pks(consultant, order="created_at") == [first.pk, second.pk, pooled.pk]


def test_leads_are_filtered_by_stage_grade_status_channel_source_owner_and_search(manager, consultant, colleague):
    hot = _lead(consultant, 1, name="张三", grade=Grade.H)
    lead_advance_stage(actor=consultant, lead=hot, to=Stage.NEEDS_ANALYSIS)
    phone = _lead(colleague, 2, name="李四", fields={"channel": Channel.PHONE, "source": Source.INBOUND_CALL})
    lead_set_grade(actor=colleague, lead=phone, grade=Grade.C)

    assert _pks(manager, stage=Stage.NEEDS_ANALYSIS) == [hot.pk]
    assert _pks(manager, grade=Grade.C) == [phone.pk]
    assert _pks(manager, channel=Channel.PHONE) == [phone.pk]
    assert _pks(manager, source=Source.WALK_IN) == [hot.pk]
    assert _pks(manager, owner_id=colleague.pk) == [phone.pk]
    assert _pks(manager, status=Status.OPEN, query="zs") == [hot.pk]
    assert _pks(manager, query="00002") == []
    assert _pks(manager, query="0002") == [phone.pk]
    assert _pks(manager, query="李") == [phone.pk]


def test_the_overdue_filter_shows_leads_whose_follow_up_or_first_response_is_late(store, manager, consultant, frozen):
    late = _lead(consultant, 1)  # follow-up due tomorrow
    on_time = _lead(consultant, 2, grade=Grade.C)  # due in 15 days
    online = _lead(UserFactory(store=store, role=Role.INTEGRATION), 3,
                   fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})
    frozen.shift(dt.timedelta(days=2))

    assert set(_pks(manager, overdue=True)) == {late.pk, online.pk}
    assert on_time.pk not in _pks(manager, overdue=True)


def test_the_list_sorts_by_next_follow_up(consultant):
    later = _lead(consultant, 1, grade=Grade.C)
    sooner = _lead(consultant, 2, grade=Grade.H)

    assert _pks(consultant, order="next_follow_up_at") == [sooner.pk, later.pk]
    assert _pks(consultant, order="nonsense") == _pks(consultant)


def test_the_lead_list_runs_the_same_number_of_queries_for_2_or_20_leads(consultant):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = list(lead_list(consultant, LeadFilters(query="z")))
            [(lead.customer.name, lead.owner.display_name) for lead in rows]
        return len(ctx.captured_queries), len(rows)

    for n in range(2):
        _lead(consultant, n)
    small = count()
    for n in range(2, 20):
        _lead(consultant, n)
    large = count()

    assert (small[1], large[1]) == (2, 20)
    assert small[0] == large[0]
