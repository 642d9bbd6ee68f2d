"""The customer list: who sees whom, the search Chinese staff use, filters, sorting, pages, htmx, masking."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.customers.models import CustomerKind
from showroom.customers.services import customer_create, customer_set_tags
from showroom.customers.tests.factories import CustomerFactory

URL = reverse("customers:list")


def _file(actor, name, mobile=None, *, tags=(), **fields):
    customer = customer_create(actor=actor, fields={"name": name, "mobile": mobile, **fields})[0]
    if tags:
        customer_set_tags(actor=actor, customer=customer, names=list(tags))
    return customer


def _page(client, user, params=None, **headers):
    client.force_login(user)
    response = client.get(URL, params or {}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, customer) -> str:
    start = page.index(f'data-customer="{customer.pk}"')
    return page[page.rindex("<tr", 0, start): page.index("</tr>", start)]


def test_a_consultant_sees_their_own_customers_and_the_pool_but_not_a_colleagues_or_another_stores(
        client, consultant, colleague, manager, outsider):
    mine = _file(consultant, "张三", "13812345678")
    _file(manager, "钱七", "13700000001")  # filed by a manager: in the pool
    _file(colleague, "李雷", "13700000002")
    _file(outsider, "外店客户", "13700000003")

    page = _page(client, consultant)

    assert "张三" in page and "钱七" in page
    assert "李雷" not in page and "外店客户" not in page
    assert "王小明" in _row(page, mine)


def test_mobile_and_id_number_are_masked_in_the_list(client, consultant):
    customer = _file(consultant, "张三", "13812345678", id_number="11010519491231002X")

    page = _page(client, consultant)

    row = _row(page, customer)
    assert "138****5678" in row and "110105********002X" in row
    assert "13812345678" not in page and "11010519491231002X" not in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("张三", True), ("张", True), ("zs", True), ("ZS", True), ("zhangsan", True), ("zhang san", True),
        ("13812345678", True), ("+86 138-1234-5678", True), ("+86 13812345678", True), ("138 1234 5678", True),
        ("0086 138 1234 5678", True), ("5678", True), ("李", False), ("1234", False), ("ls", False),
    ],
)
def test_the_search_box_finds_by_name_pinyin_initials_full_pinyin_full_mobile_in_any_format_and_last_four(
        client, consultant, query, found):
    zhang = _file(consultant, "张三", "13812345678")
    wang = _file(consultant, "王五", "13900001111")

    page = _page(client, consultant, {"q": query})

    assert (f'data-customer="{zhang.pk}"' in page) is found
    assert f'data-customer="{wang.pk}"' not in page


def test_the_search_never_finds_a_colleagues_customer(client, consultant, colleague):
    _file(colleague, "张三", "13812345678")

    for query in ("张三", "zs", "13812345678", "5678"):
        page = _page(client, consultant, {"q": query})
        assert "data-customer=" not in page and 'data-testid="no-customers"' in page


def test_a_manager_filters_by_consultant_or_the_unassigned_pool(client, manager, consultant, colleague):
    _file(consultant, "张三")
    _file(colleague, "李雷")
    _file(manager, "钱七")

    everyone = _page(client, manager)
    assert all(name in everyone for name in ("张三", "李雷", "钱七"))
    assert f'<option value="{colleague.pk}">李四</option>' in everyone

    only_colleague = _page(client, manager, {"owner": colleague.pk})
    assert "李雷" in only_colleague and "张三" not in only_colleague and "钱七" not in only_colleague
    pool = _page(client, manager, {"owner": "pool"})
    assert "钱七" in pool and "张三" not in pool and "李雷" not in pool


def test_a_consultant_chooses_between_their_own_and_the_pool_and_never_sees_colleagues_names(
        client, consultant, colleague, manager):
    _file(consultant, "张三")
    _file(manager, "钱七")

    everything = _page(client, consultant)
    assert "李四" not in everything
    mine = _page(client, consultant, {"owner": "mine"})
    assert "张三" in mine and "钱七" not in mine
    pool = _page(client, consultant, {"owner": "pool"})
    assert "钱七" in pool and "张三" not in pool


def test_filters_by_type_and_tag(client, consultant):
    _file(consultant, "张三", tags=["置换"])
    _file(consultant, "北京某科技有限公司", kind=CustomerKind.COMPANY, contact_name="刘经理", tags=["大客户"])

    companies = _page(client, consultant, {"kind": "company"})
    assert "北京某科技有限公司" in companies and "刘经理" in companies and "张三" not in companies
    assert '<option value="置换">置换</option>' in companies

    tagged = _page(client, consultant, {"tag": "置换"})
    assert "张三" in tagged and "北京某科技有限公司" not in tagged


def test_sorting_by_pinyin_puts_names_in_alphabetical_order(client, consultant):
    for name in ("王五", "张三", "李四"):
        _file(consultant, name)

    page = _page(client, consultant, {"sort": "name_pinyin"})

    assert page.index("李四") < page.index("王五") < page.index("张三")
    newest = _page(client, consultant)
    assert newest.index("李四") < newest.index("张三") < newest.index("王五")


def test_a_bad_filter_value_falls_back_to_the_default_instead_of_an_error(client, consultant):
    _file(consultant, "张三")

    page = _page(client, consultant, {"sort": "mobile", "kind": "robot", "owner": "x", "page": "999"})

    assert "张三" in page


def test_the_list_is_paged_and_the_pages_keep_the_filters(client, consultant):
    CustomerFactory.create_batch(30, store=consultant.store, owner=consultant, kind=CustomerKind.PERSON)

    first = _page(client, consultant, {"kind": "person"})
    second = _page(client, consultant, {"kind": "person", "page": 2})

    assert first.count("data-customer=") == 25 and second.count("data-customer=") == 5
    assert "kind=person&amp;page=2" in first
    assert "Page 2 of 2" in second


def test_htmx_gets_only_the_table_and_pushes_the_url(client, consultant):
    _file(consultant, "张三")

    page = _page(client, consultant, {"q": "zs"}, HTTP_HX_REQUEST="true")

    assert page.startswith('<div id="customer-table">')
    assert "<html" not in page and "张三" in page
    assert 'hx-push-url="true"' in _page(client, consultant)


def test_a_receptionist_has_no_customer_list(client, receptionist, consultant):
    _file(consultant, "张三")
    client.force_login(receptionist)

    response = client.get(URL)

    assert response.status_code == 403
    assert "张三" not in response.content.decode()


def test_the_export_button_shows_only_for_managers_with_the_current_filters(client, consultant, manager):
    export = reverse("customers:export")
    assert export not in _page(client, consultant)
    assert f"{export}?q=zs&amp;kind=person" in _page(client, manager, {"q": "zs", "kind": "person"})


def _count_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, user)
    return len(queries)


def test_the_list_needs_the_same_number_of_queries_for_2_or_20_customers(client, consultant):
    def add(n):
        for _ in range(n):
            customer = CustomerFactory(store=consultant.store, owner=consultant)
            customer.tags.create(store=consultant.store, name=f"标签{customer.pk}")

    add(2)
    _page(client, consultant)  # the first request of a session does its own one-off work
    few = _count_queries(client, consultant)
    add(18)
    many = _count_queries(client, consultant)

    assert few == many


def test_a_search_with_many_matches_is_counted_and_paged(client, consultant):
    for number in range(30):
        _file(consultant, f"张{'三五六七八九'[number % 6]}")  # 张三 alone is zs
    _file(consultant, "李雷")

    first = _page(client, consultant, {"q": "zs"})
    everything = [_page(client, consultant, {"q": "zh", "page": n}) for n in (1, 2)]
    past_the_end = _page(client, consultant, {"q": "zh", "page": 7}, HTTP_HX_REQUEST="true")
    assert _page(client, consultant, {"q": "zh", "page": "4" * 20}, HTTP_HX_REQUEST="true") == past_the_end

    assert first.count("data-customer=") == 5 and "5 customers" in first
    assert everything[0].count("data-customer=") == 25 and "30 customers" in everything[0]
    assert everything[1].count("data-customer=") == 5 and "Page 2 of 2" in everything[1]
    assert past_the_end in everything[1]  # the last page, as for a list without a search
    assert "李雷" not in "".join(everything)


def test_a_row_shows_the_type_source_tags_and_consultant_in_the_users_language(client, consultant):
    company = _file(consultant, "北京某科技有限公司", kind=CustomerKind.COMPANY, contact_name="刘经理",
                    source="autohome", city="北京", district="朝阳区", tags=["置换", "大客户"])
    pooled = _file(consultant, "赵六")
    pooled.owner = None
    pooled.save(update_fields=["owner"])

    page = _page(client, consultant)
    row = _row(page, company)

    assert "Company" in row and "刘经理" in row and "Autohome" in row and "北京 朝阳区" in row
    assert row.index("大客户") < row.index("置换")  # tags in order
    assert "王小明" in row and "Pool" in _row(page, pooled)
    consultant.language = "zh-hans"
    consultant.save(update_fields=["language"])
    chinese = _row(_page(client, consultant), company)
    assert "公司" in chinese and "汽车之家" in chinese and "公共池" in _row(_page(client, consultant), pooled)


def test_a_search_runs_the_same_number_of_queries_for_2_or_20_matches_and_typing_reads_no_tag_list(
        client, consultant):
    def searched(**headers):
        with CaptureQueriesContext(connection) as queries:
            _page(client, consultant, {"q": "zs"}, **headers)
        return len(queries)

    for _ in range(2):
        _file(consultant, "张三", tags=["置换"])
    _page(client, consultant)
    few, typed = searched(), searched(HTTP_HX_REQUEST="true")
    for _ in range(18):
        _file(consultant, "张三", tags=["置换"])

    assert searched() == few and searched(HTTP_HX_REQUEST="true") == typed == few - 1
