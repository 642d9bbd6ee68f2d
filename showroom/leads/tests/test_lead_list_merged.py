"""A consultant's lead list is the merge of their own leads and the pool's (two index-ordered reads): every sort,
filter and page lists exactly the leads, in exactly the order, of the plain scoped query."""

import datetime as dt
import random

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.leads.models import Grade, Lead, Stage, Status
from showroom.leads.selectors import SORTS, LeadFilters, lead_list
from showroom.leads.tests.factories import LeadFactory


@pytest.fixture
def leads(store, consultant, colleague):
    """Mine, the pool's (open and closed) and a colleague's, at shuffled times, stages, grades and follow-ups,
    with equal creation times so that the tie-break on the id is tested too."""
    rng = random.Random(7)
    base = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    made = []
    for i in range(60):
        owner = [consultant, None, colleague][i % 3]
        lead = LeadFactory(owner=owner, store=store, customer__name=f"客户{i}", customer__mobile=f"1380000{i:04d}",
                           stage=rng.choice([Stage.FIRST_CONTACT, Stage.NEEDS_ANALYSIS, Stage.TEST_DRIVE]),
                           grade=rng.choice([Grade.H, Grade.A, Grade.B]),
                           status=Status.LOST if owner is None and i % 4 == 1 else Status.OPEN,
                           next_follow_up_at=base + dt.timedelta(hours=rng.randint(0, 50)))
        made.append(lead)
    for lead in made:  # created_at is set on insert: spread it afterwards, with ties
        Lead.objects.filter(pk=lead.pk).update(created_at=base + dt.timedelta(hours=rng.randint(0, 20)))
    return made


def _plain(actor, f):
    ordering = SORTS[f.order]
    return list(Lead.objects.visible_to(actor).filter(pk__in=[lead.pk for lead in lead_list(actor, f)])
                .order_by(*ordering).values_list("pk", flat=True))


@pytest.mark.parametrize("order", list(SORTS))
@pytest.mark.parametrize("filters", [{}, {"stage": Stage.NEEDS_ANALYSIS}, {"status": Status.OPEN}, {"grade": Grade.H},
                                     {"query": "客户1"}, {"unassigned": True}])
def test_the_merged_list_is_the_scoped_list_in_the_same_order(consultant, leads, order, filters):
    f = LeadFilters(order=order, **filters)
    merged = [lead.pk for lead in lead_list(consultant, f)]
    visible = set(Lead.objects.visible_to(consultant).values_list("pk", flat=True))
    expected = [lead.pk for lead in leads if lead.pk in visible]

    assert set(merged) <= visible
    assert merged == _plain(consultant, f)
    if not filters:
        assert sorted(merged) == sorted(expected)  # mine and the open pool, never a colleague's or a closed pool lead


def test_paging_through_the_merged_list_shows_every_lead_once_and_counts_them(consultant, leads):
    paginator = Paginator(lead_list(consultant, LeadFilters()), 7)
    seen = [lead.pk for number in paginator.page_range for lead in paginator.page(number).object_list]

    assert paginator.count == len(seen) == len(set(seen))
    assert seen == _plain(consultant, LeadFilters())


@pytest.mark.parametrize("who", ["consultant", "manager"])
def test_a_page_costs_three_queries_with_the_customer_and_the_consultant(request, who, leads):
    actor = request.getfixturevalue(who)
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(lead_list(actor, LeadFilters()), 10).get_page(2)
        names = [(lead.customer.name, lead.owner.display_name if lead.owner else "") for lead in page.object_list]

    assert len(names) == 10 and len(queries) == 3  # the count, the page's keys, its rows


def test_a_search_by_name_or_initials_finds_my_and_the_pools_leads_of_customers_so_named(store, consultant,
                                                                                         colleague):
    mine = LeadFactory(owner=consultant, store=store, customer__name="张三", customer__mobile="13900000001")
    pool = LeadFactory(owner=None, store=store, customer__name="张珊", customer__mobile="13900000002")
    LeadFactory(owner=colleague, store=store, customer__name="张三丰", customer__mobile="13900000003")
    LeadFactory(owner=consultant, store=store, customer__name="李四", customer__mobile="13900000004")

    for query in ("张", "zs", "zhang"):
        assert {lead.pk for lead in lead_list(consultant, LeadFilters(query=query))} == {mine.pk, pool.pk}, query
    assert [lead.pk for lead in lead_list(consultant, LeadFilters(query="zhangsan"))] == [mine.pk]


def test_a_manager_sees_the_whole_store_in_the_same_order(manager, leads):
    assert [lead.pk for lead in lead_list(manager, LeadFilters())] == _plain(manager, LeadFilters())
    assert len(lead_list(manager, LeadFilters())) == len(leads)
