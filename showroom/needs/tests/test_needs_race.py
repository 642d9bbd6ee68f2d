"""The consultant and the manager save the answers of the same version at the same moment: one becomes the next
version, the other is told who saved first; never two versions with one number, never a 500."""

import pytest

from showroom.leads.tests.test_lead_claim_race import _race
from showroom.needs.models import NeedsAnalysis
from showroom.needs.services import needs_record


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_saves_of_the_same_version_at_once_make_one_new_version_and_one_refusal(consultant, manager, lead, attempt):
    needs_record(actor=consultant, lead=lead, answers={"colour": "白色"})

    results = _race(lambda: needs_record(actor=consultant, lead=lead, answers={"colour": "黑色"}, based_on=1),
                    lambda: needs_record(actor=manager, lead=lead, answers={"colour": "灰色"}, based_on=1))

    assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
    refused = next(value for kind, value in results if kind == "refused")
    assert refused.code == "stale_version" and refused.field == "based_on"
    assert list(NeedsAnalysis.objects.filter(lead=lead).order_by("number").values_list("number", flat=True)) == [1, 2]
