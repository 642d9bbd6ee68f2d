"""The lead list: what each role sees, search the Chinese way, filters, sorting, pages, htmx and claiming."""

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
from showroom.customers.tests.factories import CustomerFactory
from showroom.leads.models import Grade, Stage, Status
from showroom.leads.tests.factories import LeadFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
URL = reverse("leads:list")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _lead(owner=None, *, store=None, name=None, mobile=None, **fields):
    store = store or owner.store
    customer_fields = {"store": store, "owner": owner}
    if name:
        customer_fields["name"] = name
    if mobile:
        customer_fields["mobile"] = mobile
    return LeadFactory(owner=owner, store=store, customer=CustomerFactory(**customer_fields), **fields)


def _page(client, user, params=None, **headers):
    client.force_login(user)
    response = client.get(URL, params or {}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, lead) -> str:
    start = page.index(f'data-lead="{lead.pk}"')
    return page[page.rindex("<tr", 0, start): page.index("</tr>", start)]


def test_a_consultant_sees_their_own_leads_and_the_pool_but_not_a_colleagues_or_another_stores(
        client, consultant, colleague, outsider, store):
    mine = _lead(consultant, name="张三", mobile="13812345678", grade=Grade.H)
    pool = _lead(store=store, name="钱七")
    _lead(colleague, name="李雷")
    _lead(outsider, name="外店客户")

    page = _page(client, consultant)

    assert "张三" in page and "钱七" in page
    assert "李雷" not in page and "外店客户" not in page
    row = _row(page, mine)
    assert "138****5678" in row and "13812345678" not in page
    assert 'class="badge badge-grade-H"' in row
    assert "王小明" in row
    assert "Claim" not in row
    pool_row = _row(page, pool)
    assert "Pool" in pool_row
    assert reverse("leads:claim", args=[pool.pk]) in pool_row


@pytest.mark.parametrize(
    ("query", "found"),
    [("张三", True), ("zs", True), ("zhangsan", True), ("13812345678", True), ("5678", True), ("李", False),
     ("1234", False)],
)
def test_the_search_box_finds_by_name_pinyin_initials_full_mobile_and_the_last_four_digits(
        client, consultant, query, found):
    _lead(consultant, name="张三", mobile="13812345678")
    _lead(consultant, name="王五", mobile="13900001111")

    page = _page(client, consultant, {"q": query})

    assert ("张三" in page) is found
    assert "王五" not in page


def test_a_manager_filters_by_consultant_or_the_unassigned_pool(client, manager, consultant, colleague, store):
    _lead(consultant, name="张三")
    _lead(colleague, name="李雷")
    _lead(store=store, name="钱七")

    everyone = _page(client, manager)
    assert all(name in everyone for name in ("张三", "李雷", "钱七"))
    assert f'<option value="{colleague.pk}">李四</option>' in everyone
    assert '<option value="pool">Unassigned pool</option>' in everyone

    only_colleague = _page(client, manager, {"owner": colleague.pk})
    assert "李雷" in only_colleague and "张三" not in only_colleague and "钱七" not in only_colleague

    pool = _page(client, manager, {"owner": "pool"})
    assert "钱七" in pool and "张三" not in pool and "李雷" not in pool


def test_a_consultant_chooses_between_their_own_and_the_pool_and_never_sees_colleagues_names(
        client, consultant, colleague, store):
    _lead(consultant, name="张三")
    _lead(store=store, name="钱七")

    everything = _page(client, consultant)
    assert "李四" not in everything
    mine = _page(client, consultant, {"owner": consultant.pk})
    assert "张三" in mine and "钱七" not in mine
    assert f'<option value="{consultant.pk}" selected>Mine</option>' in mine
    assert "张三" in _page(client, consultant, {"owner": colleague.pk})  # not theirs to pick: the default
    pool = _page(client, consultant, {"owner": "pool"})
    assert "钱七" in pool and "张三" not in pool


def test_filters_by_stage_grade_channel_source_and_status(client, consultant):
    _lead(consultant, name="张三", stage=Stage.TEST_DRIVE, grade=Grade.A, channel=Channel.ONLINE, source=Source.AUTOHOME)
    _lead(consultant, name="王五", stage=Stage.FIRST_CONTACT, grade=Grade.C)
    _lead(consultant, name="赵六", status=Status.LOST, grade=Grade.F)

    assert "张三" in (page := _page(client, consultant, {"stage": Stage.TEST_DRIVE})) and "王五" not in page
    assert "张三" in (page := _page(client, consultant, {"grade": "A"})) and "王五" not in page
    assert "张三" in (page := _page(client, consultant, {"channel": "online"})) and "王五" not in page
    assert "张三" in (page := _page(client, consultant, {"source": "autohome"})) and "王五" not in page
    assert "赵六" not in _page(client, consultant)  # open leads by default
    assert "赵六" in (page := _page(client, consultant, {"status": "lost"})) and "张三" not in page
    assert all(n in _page(client, consultant, {"status": "all"}) for n in ("张三", "王五", "赵六"))


def test_nonsense_filter_values_fall_back_to_the_defaults_instead_of_an_error(client, consultant):
    _lead(consultant, name="张三")

    page = _page(client, consultant, {"stage": "abc", "grade": "Z", "owner": "999999", "sort": "drop table", "page": "x"})

    assert "张三" in page


def test_overdue_leads_are_highlighted_and_can_be_listed_alone(client, consultant, manager, store):
    late = _lead(consultant, name="张三", next_follow_up_at=NOW - dt.timedelta(hours=3))
    unanswered = _lead(store=store, name="钱七", channel=Channel.ONLINE, source=Source.AUTOHOME,
                       first_response_due_at=NOW - dt.timedelta(minutes=30))
    on_time = _lead(consultant, name="王五", next_follow_up_at=NOW + dt.timedelta(days=2))

    page = _page(client, manager)
    assert 'class="row-overdue"' in _row(page, late)
    assert 'class="row-overdue"' in _row(page, unanswered)
    assert 'class="row-overdue"' not in _row(page, on_time)

    overdue_only = _page(client, manager, {"overdue": "on"})
    assert "张三" in overdue_only and "钱七" in overdue_only and "王五" not in overdue_only


def test_sorting_by_next_follow_up_puts_the_earliest_first(client, consultant):
    _lead(consultant, name="张三", next_follow_up_at=NOW + dt.timedelta(days=5))
    _lead(consultant, name="王五", next_follow_up_at=NOW + dt.timedelta(days=1))

    page = _page(client, consultant, {"sort": "next_follow_up_at"})

    assert page.index("王五") < page.index("张三")


def test_the_list_is_paged_and_the_filters_stay_on_the_page_links(client, consultant):
    for i in range(30):
        _lead(consultant, name=f"客户{i:02d}", grade=Grade.B)

    first = _page(client, consultant, {"grade": "B"})
    assert "Page 1 of 2" in first
    assert "grade=B&amp;page=2" in first
    second = _page(client, consultant, {"grade": "B", "page": 2})
    assert second.count("data-lead=") == 5


def test_a_filter_change_through_htmx_swaps_only_the_table(client, consultant):
    _lead(consultant, name="张三")

    page = _page(client, consultant, {"q": "张"}, HTTP_HX_REQUEST="true")

    assert page.startswith('<div id="lead-table">')
    assert "张三" in page and "<nav class=\"navbar" not in page and 'data-testid="lead-filters"' not in page


def test_the_full_page_carries_the_htmx_attributes_that_swap_the_table_and_push_the_url(client, consultant):
    page = _page(client, consultant)

    assert 'hx-target="#lead-table"' in page and 'hx-push-url="true"' in page


def test_a_consultant_claims_a_pool_lead_from_the_list(client, consultant, store):
    pool = _lead(store=store, name="钱七")
    client.force_login(consultant)

    response = client.post(reverse("leads:claim", args=[pool.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("leads:detail", args=[pool.pk])
    pool.refresh_from_db()
    assert pool.owner == consultant


def test_a_manager_sees_no_claim_button_on_pool_leads(client, manager, store):
    pool = _lead(store=store, name="钱七")

    page = _page(client, manager)

    assert reverse("leads:claim", args=[pool.pk]) not in page


def test_the_receptionist_is_refused_the_lead_list(client, receptionist):
    client.force_login(receptionist)

    assert client.get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.MANAGER])
def test_the_list_costs_the_same_number_of_queries_for_2_or_20_leads(client, store, role):
    user = UserFactory(store=store, role=role)
    owner = user if role == Role.CONSULTANT else UserFactory(store=store, role=Role.CONSULTANT)
    client.force_login(user)

    def count(n):
        for _ in range(n):
            _lead(owner, next_follow_up_at=NOW - dt.timedelta(hours=1))
            _lead(store=store)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    assert count(1) == count(9)
