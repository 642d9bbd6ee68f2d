from datetime import timedelta

import pytest
from django.utils import translation

from showroom.core import clock
from showroom.core.humanize import late_by


@pytest.mark.parametrize(("late", "label"), [
    (timedelta(seconds=20), "1 minute late"),
    (timedelta(minutes=59), "59 minutes late"),
    (timedelta(hours=1, minutes=5), "1 hour late"),
    (timedelta(hours=23, minutes=59), "23 hours late"),
    (timedelta(days=3, hours=5), "3 days late"),
])
def test_lateness_reads_in_its_largest_unit(late, label):
    now = clock.now()
    with translation.override("en"):
        assert late_by(now - late, now) == label



def test_lateness_in_chinese():
    now = clock.now()
    with translation.override("zh-hans"):
        assert late_by(now - timedelta(days=2), now) == "逾期 2 天"
