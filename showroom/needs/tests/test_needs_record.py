import datetime as dt
from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.leads.services import lead_update
from showroom.needs import selectors
from showroom.needs.models import NeedsAnalysis
from showroom.needs.services import needs_record

from .conftest import in_days


def test_the_first_save_is_version_1_with_who_and_when_and_the_lead_takes_the_budget_and_timing(consultant, lead):
    when = in_days(20)
    analysis = needs_record(actor=consultant, lead=lead, answers={
        "purpose": "replacement", "budget_min": "300000", "budget_max": Decimal("400000"), "expected_purchase_date": when,
        "usage": ["family", "commute"], "current_brand": "大众", "current_model": "帕萨特", "current_year": 2016,
        "current_mileage_km": 120000, "trade_in": "yes", "home_charging": "no",
    })
    assert analysis.number == 1 and analysis.created_by == consultant and analysis.created_at is not None
    assert analysis.usage == ["commute", "family"]
    assert analysis.home_charging is False
    lead.refresh_from_db()
    assert (lead.budget_min, lead.budget_max, lead.expected_purchase_date) == (Decimal("300000"), Decimal("400000"), when)
    entry = AuditEntry.objects.get(action="needs.recorded")
    assert entry.actor == consultant and entry.data["version"] == 1
    assert entry.data["changes"]["purpose"] == [None, "replacement"]


def test_a_revision_is_a_new_version_and_the_earlier_one_stays_as_it_was(consultant, lead):
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "400000", "powertrain": "petrol"})
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "450000", "powertrain": "bev"}, based_on=1)
    first, second = NeedsAnalysis.objects.filter(lead=lead).order_by("number")
    assert (first.number, first.budget_max, first.powertrain) == (1, Decimal("400000"), "petrol")
    assert (second.number, second.budget_max, second.powertrain) == (2, Decimal("450000"), "bev")
    newest = selectors.versions_of(consultant, lead)[0]
    assert {c["field"]: (c["old"], c["new"]) for c in newest.changes} == {
        "budget_max": ("¥400,000", "¥450,000"), "powertrain": ("Petrol", "Battery electric")}


def test_an_unanswered_budget_leaves_the_leads_budget_as_it_was(consultant, lead):
    lead_update(actor=consultant, lead=lead, fields={"budget_max": "500000"}, expected_version=lead.version)
    needs_record(actor=consultant, lead=lead, answers={"purpose": "first_car"})
    lead.refresh_from_db()
    assert lead.budget_max == Decimal("500000")


def test_a_budget_whose_lower_bound_is_above_the_upper_is_refused_on_its_field_and_nothing_is_saved(consultant, lead):
    with pytest.raises(DomainError) as refused:
        needs_record(actor=consultant, lead=lead, answers={"budget_min": "500000", "budget_max": "400000"})
    assert list(refused.value.fields) == ["budget_max"]
    assert not NeedsAnalysis.objects.exists()
    assert not AuditEntry.objects.filter(action="needs.recorded").exists()
    lead.refresh_from_db()
    assert lead.budget_max is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("household_size", 0, "Enter a household of 1 to 20 people."),
    ("daily_km", -5, "Enter a daily distance of 0 to 1500 km."),
    ("current_year", 1970, "Enter a year from 1980"),
    ("current_year", 2100, "Enter a year from 1980"),
    ("current_mileage_km", 3_000_000, "Enter a mileage of 0 to 2,000,000 km."),
    ("seats_min", 10, "Enter 1 to 9 seats."),
    ("seats_min", "many", "Enter a whole number."),
    ("budget_min", "-1", "A budget cannot be negative."),
    ("budget_max", "lots", "Enter the budget in yuan."),
    ("purpose", "fun", "Choose one of the offered answers."),
    ("powertrain", "steam", "Choose one of the offered answers."),
    ("usage", ["flying"], "Choose one of the offered answers."),
    ("home_charging", "maybe", "Answer yes, no or leave it open."),
    ("expected_purchase_date", dt.date(2020, 1, 1), "The expected purchase date is in the past."),
    ("concerns", "太贵" * 1001, "Keep it to 2000 characters."),
])
def test_an_answer_out_of_range_is_refused_with_a_message_on_its_field(consultant, lead, field, value, message):
    with pytest.raises(DomainError) as refused:
        needs_record(actor=consultant, lead=lead, answers={field: value})
    assert list(refused.value.fields) == [field]
    assert refused.value.fields[field][0].startswith(message)
    assert not NeedsAnalysis.objects.exists()


def test_every_wrong_answer_is_named_at_once(consultant, lead):
    with pytest.raises(DomainError) as refused:
        needs_record(actor=consultant, lead=lead, answers={"household_size": 50, "seats_min": 0, "current_year": 1900})
    assert set(refused.value.fields) == {"household_size", "seats_min", "current_year"}


def test_a_save_based_on_an_older_version_is_refused_naming_who_saved_meanwhile(consultant, manager, lead):
    needs_record(actor=consultant, lead=lead, answers={"colour": "白色"}, based_on=0)
    needs_record(actor=manager, lead=lead, answers={"colour": "黑色"}, based_on=1)
    with pytest.raises(Conflict) as refused:
        needs_record(actor=consultant, lead=lead, answers={"colour": "灰色"}, based_on=1)
    assert manager.display_name in str(refused.value.message) and refused.value.field == "based_on"
    assert NeedsAnalysis.objects.filter(lead=lead).count() == 2


def test_saving_the_same_answers_again_adds_no_version(consultant, lead):
    needs_record(actor=consultant, lead=lead, answers={"colour": "白色"})
    with pytest.raises(DomainError) as refused:
        needs_record(actor=consultant, lead=lead, answers={"colour": "白色"})
    assert refused.value.code == "unchanged"
    assert NeedsAnalysis.objects.filter(lead=lead).count() == 1


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_someone_who_may_not_see_the_lead_cannot_record_its_needs(request, lead, who):
    with pytest.raises(NotFound):
        needs_record(actor=request.getfixturevalue(who), lead=lead, answers={"colour": "白色"})
    assert not NeedsAnalysis.objects.exists()


def test_a_receptionist_may_not_record_needs(receptionist, lead):
    with pytest.raises(PermissionDenied):
        needs_record(actor=receptionist, lead=lead, answers={"colour": "白色"})


def test_a_manager_records_needs_on_a_lead_of_the_store(manager, lead):
    assert needs_record(actor=manager, lead=lead, answers={"colour": "白色"}).created_by == manager
