import pytest
from django.urls import reverse

from showroom.core.links import RowLink


@pytest.mark.parametrize("name", ["leads:detail", "followups:task_complete", "followups:task_reschedule"])
def test_a_row_link_is_the_reversed_url(name):
    link = RowLink(name)
    assert [link(pk) for pk in (1, 42, 987654321)] == [reverse(name, args=[pk]) for pk in (1, 42, 987654321)]


def test_a_row_link_takes_only_an_id():
    with pytest.raises(ValueError):
        RowLink("leads:detail")("../admin")


def test_the_link_filter_gives_the_same_url_as_the_url_tag():
    from django.template import Context, Template

    rendered = Template('{% load links %}{{ pk|link:"customers:detail" }}|{% url "customers:detail" pk %}').render(
        Context({"pk": 7}))
    first, second = rendered.split("|")
    assert first == second == reverse("customers:detail", args=[7])
