"""Searching the customer file the way Chinese staff search: name, pinyin, initials, mobile, 尾号."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.customers.models import Customer
from showroom.customers.selectors import customer_list, customer_match_for_reception, search_filter
from showroom.customers.services import customer_create


def _file(actor, name, mobile=None, **fields):
    return customer_create(actor=actor, fields={"name": name, "mobile": mobile, **fields})[0]


@pytest.fixture
def people(consultant):
    return {
        "zhangsan": _file(consultant, "张三", "13800138000"),
        "zhangsanfeng": _file(consultant, "张三丰", "13912345678"),
        "zengxiaoxian": _file(consultant, "曾小贤", "13700005678"),
        "lisi": _file(consultant, "李四", "15011112222"),
        "smith": _file(consultant, "John Smith", "18600001234"),
    }


def _names(actor, query, **kwargs):
    return sorted(c.name for c in customer_list(actor, query=query, **kwargs))


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("张", ["张三", "张三丰"]),
        ("张三", ["张三", "张三丰"]),
        ("张三丰", ["张三丰"]),
        ("三", []),  # a name is searched from its start
        ("zs", ["张三", "张三丰"]),
        ("ZS", ["张三", "张三丰"]),
        ("zsf", ["张三丰"]),
        ("zhangsan", ["张三", "张三丰"]),
        ("zhang san", ["张三", "张三丰"]),
        ("zhangsanf", ["张三丰"]),
        ("zxx", ["曾小贤"]),
        ("zeng", ["曾小贤"]),
        ("john", ["John Smith"]),
        ("js", ["John Smith"]),
        ("13800138000", ["张三"]),
        ("138 0013 8000", ["张三"]),
        ("+86 138-0013-8000", ["张三"]),
        ("0086 138 0013 8000", ["张三"]),
        ("5678", ["张三丰", "曾小贤"]),  # 尾号: the last four digits
        ("138", ["张三"]),  # the start of a mobile
        ("1390", []),
        ("", ["John Smith", "张三", "张三丰", "曾小贤", "李四"]),
    ],
)
def test_a_consultant_finds_customers_by_name_pinyin_initials_full_mobile_or_last_four(consultant, people, query, names):
    assert _names(consultant, query) == sorted(names)


def test_the_search_never_shows_a_colleagues_or_another_stores_customers(consultant, colleague, outsider, people):
    _file(colleague, "张伟", "13600001111")
    _file(outsider, "张三", "13800138000")

    assert _names(consultant, "zs") == ["张三", "张三丰"]
    assert _names(consultant, "张") == ["张三", "张三丰"]
    assert _names(consultant, "13800138000") == ["张三"]
    assert _names(colleague, "13800138000") == []
    assert _names(colleague, "zs") == []


def test_a_manager_searches_the_whole_store_and_filters_by_consultant(manager, consultant, colleague, people):
    _file(colleague, "张伟", "13600001111")

    assert _names(manager, "zw") == ["张伟"]
    assert _names(manager, "张") == ["张三", "张三丰", "张伟"]
    assert _names(manager, "张", owner_id=colleague.pk) == ["张伟"]


def test_customers_are_filtered_by_kind_and_tag_and_sorted_by_pinyin(consultant, people):
    from showroom.customers.services import customer_set_tags

    customer_set_tags(actor=consultant, customer=people["lisi"], names=["置换"])
    company = _file(consultant, "北京某某科技有限公司", kind="company")

    assert [c.name for c in customer_list(consultant, kind="company")] == [company.name]
    assert [c.name for c in customer_list(consultant, tag="置换")] == ["李四"]
    assert [c.name for c in customer_list(consultant, order="name_pinyin")][:3] == ["北京某某科技有限公司", "John Smith", "李四"]
    assert [c.pk for c in customer_list(consultant, order="bogus")] == [c.pk for c in customer_list(consultant)]


def test_an_empty_query_gives_no_filter():
    assert search_filter("") is None
    assert search_filter("   ") is None


def test_the_customer_search_filter_reaches_customers_from_leads(consultant):
    from showroom.leads.models import Lead
    from showroom.leads.tests.factories import LeadFactory

    lead = LeadFactory(owner=consultant, customer__name="张三", customer__mobile="13800138000")
    LeadFactory(owner=consultant, customer__name="李四")

    assert list(Lead.objects.filter(search_filter("zs", prefix="customer__"))) == [lead]
    assert list(Lead.objects.filter(search_filter("8000", prefix="customer__"))) == [lead]


def test_reception_matches_a_customer_by_full_mobile_only(receptionist, consultant, people):
    assert customer_match_for_reception(receptionist, "13800138000") == people["zhangsan"]
    assert customer_match_for_reception(receptionist, "8000") is None
    assert list(customer_list(receptionist)) == []  # no browsing of the customer file


def test_the_customer_list_runs_the_same_number_of_queries_for_2_or_20_customers(consultant):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            rows = list(customer_list(consultant, query="z"))
            [c.owner.display_name for c in rows]
        return len(ctx.captured_queries), len(rows)

    for i in range(2):
        _file(consultant, f"张{i}")
    small = count_queries()
    for i in range(2, 20):
        _file(consultant, f"张{i}")
    large = count_queries()

    assert small[1] == 2 and large[1] == 20
    assert small[0] == large[0]
    assert Customer.objects.count() == 20
