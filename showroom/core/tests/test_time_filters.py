import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

UTC_EVENING = dt.datetime(2026, 3, 9, 17, 5, tzinfo=dt.UTC)  # 01:05 the next day in Shanghai


@pytest.mark.parametrize(("ours", "django_format"), [("ymd", "Y-m-d"), ("ymd_hm", "Y-m-d H:i"), ("md_hm", "m-d H:i")])
@pytest.mark.parametrize("value", [UTC_EVENING, UTC_EVENING.astimezone(ZoneInfo("Asia/Shanghai")), dt.date(2026, 3, 10)])
def test_a_time_shows_as_the_date_filter_shows_it_in_the_store_time_zone(ours, django_format, value):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and "H" in django_format:
        pytest.skip("a date has no time")
    rendered = Template(f'{{% load times %}}{{{{ v|{ours} }}}}|{{{{ v|date:"{django_format}" }}}}').render(
        Context({"v": value}))
    ours_text, theirs = rendered.split("|")
    assert ours_text == theirs
    assert ours_text.startswith(("2026-03-10", "03-10"))


def test_nothing_shows_nothing():
    assert Template("{% load times %}[{{ v|ymd }}]").render(Context({"v": None})) == "[]"
