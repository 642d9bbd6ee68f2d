import pytest

from showroom.core.errors import Conflict, DomainError
from showroom.leads.models import Stage, StageTransition
from showroom.leads.services import lead_advance_stage
from showroom.needs.models import NeedsAnalysis
from showroom.needs.services import needs_complete, needs_record


def moves(lead):
    return list(StageTransition.objects.filter(lead=lead).exclude(from_stage=Stage.FIRST_CONTACT, to_stage=Stage.FIRST_CONTACT)
                .order_by("id").values_list("from_stage", "to_stage", "skipped"))


def test_completing_at_first_contact_records_needs_analysis_then_presentation_as_two_moves(consultant, lead):
    needs_record(actor=consultant, lead=lead, answers={"purpose": "first_car"})
    lead = needs_complete(actor=consultant, lead=lead, expected_version=lead.version)
    assert lead.stage == Stage.PRESENTATION
    assert moves(lead) == [(Stage.FIRST_CONTACT, Stage.NEEDS_ANALYSIS, []), (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, [])]
    analysis = NeedsAnalysis.objects.get(lead=lead)
    assert analysis.completed_by == consultant and analysis.completed_at is not None


def test_completing_at_needs_analysis_moves_to_the_presentation(consultant, lead):
    lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS)
    needs_record(actor=consultant, lead=lead, answers={"purpose": "first_car"})
    lead = needs_complete(actor=consultant, lead=lead)
    assert lead.stage == Stage.PRESENTATION
    assert moves(lead)[-1][:2] == (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION)


def test_a_lead_past_needs_analysis_does_not_move_back(consultant, lead):
    lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.TEST_DRIVE, skip_reason="老客户")
    needs_record(actor=consultant, lead=lead, answers={"purpose": "additional"})
    before = moves(lead)
    lead = needs_complete(actor=consultant, lead=lead)
    assert lead.stage == Stage.TEST_DRIVE
    assert moves(lead) == before
    assert NeedsAnalysis.objects.get(lead=lead).completed_at is not None


def test_completing_without_answers_is_refused_and_the_lead_stays(consultant, lead):
    with pytest.raises(DomainError) as refused:
        needs_complete(actor=consultant, lead=lead)
    assert refused.value.code == "no_answers"
    lead.refresh_from_db()
    assert lead.stage == Stage.FIRST_CONTACT


def test_completing_from_an_outdated_lead_is_refused_and_nothing_moves(consultant, lead):
    needs_record(actor=consultant, lead=lead, answers={"purpose": "first_car"})
    with pytest.raises(Conflict):
        needs_complete(actor=consultant, lead=lead, expected_version=lead.version - 1)
    lead.refresh_from_db()
    assert lead.stage == Stage.FIRST_CONTACT
    assert NeedsAnalysis.objects.get(lead=lead).completed_at is None
