from decimal import Decimal

import pytest

from showroom.accounts.tests.factories import StoreFactory
from showroom.audit.models import AuditEntry
from showroom.catalog.tests.factories import BrandFactory, TrimFactory
from showroom.core.errors import DomainError
from showroom.leads.models import Grade, GradePolicy
from showroom.leads.services import lead_set_grade
from showroom.needs import selectors
from showroom.needs.services import needs_confirm_models, needs_record

from .conftest import in_days


def suggested(consultant, analysis):
    return {s.trim.series.name: s for s in selectors.suggestions_for(consultant, analysis)}


def test_trims_within_budget_with_the_wished_powertrain_and_seats_come_first_with_their_reasons(
        consultant, lead, own_range, competitor):
    analysis = needs_record(actor=consultant, lead=lead, answers={
        "budget_max": "420000", "powertrain": "petrol", "seats_min": 5, "body_type": "suv"})
    ranked = selectors.suggestions_for(consultant, analysis)
    assert ranked[0].trim == own_range["q5l"] and ranked[0].fits
    assert ranked[0].matches == ["Within budget: ¥398,800 (up to ¥420,000)", "Petrol as wished", "5 seats (needs 5)",
                                 "SUV as wished"]
    by_series = {s.trim.series.name: s for s in ranked}
    assert by_series["A6L"].misses == ["Over budget by ¥8,800", "Sedan, not SUV"]
    assert by_series["Q6L e-tron"].misses == ["Battery electric, not Petrol"]
    assert [s.trim.series.name for s in ranked].index("Q6L e-tron") < [s.trim.series.name for s in ranked].index("A6L")


def test_only_our_own_current_trims_of_the_group_are_suggested(consultant, lead, own_range, competitor):
    other_group = BrandFactory(group=StoreFactory().group, name="奥迪", is_own=True)
    TrimFactory(series__brand=other_group, guide_price=Decimal("100000"))
    analysis = needs_record(actor=consultant, lead=lead, answers={"budget_max": "1000000"})
    trims = {s.trim for s in selectors.suggestions_for(consultant, analysis)}
    assert trims == {own_range[k] for k in ("a6l", "q5l", "q6l", "q7")}


def test_seats_and_home_charging_are_weighed(consultant, lead, own_range):
    analysis = needs_record(actor=consultant, lead=lead, answers={"seats_min": 7, "home_charging": False})
    by_series = suggested(consultant, analysis)
    assert by_series["Q7"].fits and by_series["Q7"].matches == ["7 seats (needs 7)"]
    assert by_series["Q5L"].misses == ["Only 5 seats, needs 7"]
    assert "No charging at home" in by_series["Q6L e-tron"].misses


@pytest.mark.parametrize(("days", "grade"), [(0, Grade.H), (7, Grade.H), (8, Grade.A), (15, Grade.A), (16, Grade.B),
                                             (30, Grade.B), (60, Grade.C), (200, Grade.C)])
def test_the_purchase_horizon_suggests_the_grade_by_the_stores_policy(consultant, lead, days, grade):
    analysis = needs_record(actor=consultant, lead=lead, answers={"expected_purchase_date": in_days(days)})
    suggestion = selectors.grade_suggestion(lead, analysis)
    assert suggestion.grade == grade and suggestion.days == days and suggestion.applicable


def test_the_grade_suggestion_follows_the_stores_own_horizons(consultant, lead):
    GradePolicy.objects.filter(store=lead.store, grade=Grade.H).update(horizon_days=3)
    analysis = needs_record(actor=consultant, lead=lead, answers={"expected_purchase_date": in_days(5)})
    assert selectors.grade_suggestion(lead, analysis).grade == Grade.A


def test_no_grade_is_suggested_without_an_expected_purchase_and_none_to_apply_when_the_lead_has_it(consultant, lead):
    analysis = needs_record(actor=consultant, lead=lead, answers={"colour": "白色"})
    assert selectors.grade_suggestion(lead, analysis) is None
    analysis = needs_record(actor=consultant, lead=lead, answers={"expected_purchase_date": in_days(3)})
    lead = lead_set_grade(actor=consultant, lead=lead, grade=Grade.H)
    assert selectors.grade_suggestion(lead, analysis).applicable is False


def test_confirming_models_sets_the_leads_models_of_interest_and_is_audited(consultant, lead, own_range):
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "450000"})
    analysis = needs_confirm_models(actor=consultant, lead=lead, trim_ids=[own_range["q5l"].pk, own_range["a6l"].pk])
    assert set(analysis.confirmed_trims.all()) == {own_range["q5l"], own_range["a6l"]}
    assert analysis.confirmed_by == consultant
    lead.refresh_from_db()
    assert lead.models_of_interest == "Q5L、A6L"
    assert AuditEntry.objects.get(action="needs.models_confirmed").data["trims"] == [
        [], [own_range["q5l"].pk, own_range["a6l"].pk]]
    assert all(s.confirmed for s in selectors.suggestions_for(consultant, analysis) if s.trim.series.name in ("Q5L", "A6L"))


@pytest.mark.parametrize("pick", ["competitor", "retired", "none"])
def test_only_our_current_models_can_be_confirmed(consultant, lead, own_range, competitor, pick):
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "450000"})
    ids = {"competitor": [competitor.pk], "retired": [own_range["retired"].pk], "none": []}[pick]
    with pytest.raises(DomainError) as refused:
        needs_confirm_models(actor=consultant, lead=lead, trim_ids=ids)
    assert refused.value.field == "trim_ids"
    lead.refresh_from_db()
    assert lead.models_of_interest == ""


def test_models_are_confirmed_on_recorded_answers_only(consultant, lead, own_range):
    with pytest.raises(DomainError) as refused:
        needs_confirm_models(actor=consultant, lead=lead, trim_ids=[own_range["q5l"].pk])
    assert refused.value.code == "no_answers"


def test_a_car_far_below_the_budget_is_another_class_and_ranks_after_those_within_it(consultant, lead, own_range):
    analysis = needs_record(actor=consultant, lead=lead, answers={"budget_min": "400000", "budget_max": "450000"})
    by_series = suggested(consultant, analysis)
    assert by_series["Q6L e-tron"].misses == ["Below the budget by ¥30,200"]
    assert by_series["A6L"].matches == ["Within budget: ¥428,800 (¥400,000–¥450,000)"]
    ranked = [s.trim.series.name for s in selectors.suggestions_for(consultant, analysis)]
    assert ranked.index("A6L") < ranked.index("Q6L e-tron")
