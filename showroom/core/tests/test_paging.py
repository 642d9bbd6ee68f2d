"""Pages of a keyed list: the page a person asks for, whatever they type in the address bar."""

import pytest
from django.test import RequestFactory

from showroom.core.paging import KeyedPages
from showroom.core.web import paginate
from showroom.customers.models import Customer
from showroom.customers.tests.factories import CustomerFactory


def _page(number, pages):
    return paginate(RequestFactory().get("/", {"page": number} if number is not None else {}), pages, per_page=10)


@pytest.fixture
def customers(store):
    return [CustomerFactory(store=store) for _ in range(23)]


@pytest.mark.parametrize("counted", [True, False], ids=["counted", "counted apart"])
@pytest.mark.parametrize(("number", "shown", "rows"), [
    (None, 1, 10), ("2", 2, 10), ("3", 3, 3), ("4", 3, 3), ("999999", 3, 3), ("0", 3, 3), ("-2", 3, 3),
    ("x", 1, 10), ("", 1, 10), ("1" * 25, 3, 3),
])
def test_any_page_number_gives_a_page_with_the_lists_count(customers, counted, number, shown, rows):
    pages = KeyedPages(Customer.objects.filter(store=customers[0].store), ["-created_at", "-id"], counted=counted)

    page = _page(number, pages)

    assert page.number == shown and len(page.object_list) == rows
    assert page.paginator.count == 23 and page.paginator.num_pages == 3
    newest_first = sorted(customers, key=lambda c: (c.created_at, c.pk), reverse=True)
    assert [c.pk for c in page.object_list] == [c.pk for c in newest_first[(shown - 1) * 10:shown * 10]]


def test_an_empty_counted_list_is_one_empty_page(store):
    page = _page("3", KeyedPages(Customer.objects.filter(store=store), ["-id"], counted=True))

    assert page.number == 1 and list(page.object_list) == [] and page.paginator.count == 0


def test_a_counted_page_reads_its_keys_and_count_in_one_query_then_its_rows(customers, django_assert_num_queries):
    pages = KeyedPages(Customer.objects.filter(store=customers[0].store), ["-id"], counted=True)

    with django_assert_num_queries(2):
        page = _page("2", pages)
        assert len(page.object_list) == 10 and page.paginator.num_pages == 3


def test_rows_may_be_read_by_a_function_of_the_pages_ids(customers):
    pages = KeyedPages(Customer.objects.filter(store=customers[0].store), ["-id"], counted=True,
                       rows=lambda ids: [f"customer {pk}" for pk in ids])

    assert _page(None, pages).object_list == [f"customer {c.pk}" for c in sorted(customers, key=lambda c: -c.pk)][:10]


def test_a_counted_list_cannot_be_a_union_of_parts(store):
    whole = Customer.objects.filter(store=store)
    with pytest.raises(ValueError, match="union"):
        KeyedPages(whole, ["-id"], parts=[whole, whole], counted=True)
