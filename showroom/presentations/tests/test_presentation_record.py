import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.leads.models import Stage, StageTransition
from showroom.leads.services import lead_advance_stage
from showroom.presentations.models import Presentation
from showroom.presentations.services import (
    presentation_complete,
    presentation_record,
    presentation_update,
    walkaround_point_retire,
)


def moves(lead):
    return list(StageTransition.objects.filter(lead=lead).exclude(from_stage=Stage.FIRST_CONTACT, to_stage=Stage.FIRST_CONTACT)
                .order_by("id").values_list("from_stage", "to_stage"))


@pytest.fixture
def presenting(consultant, lead):
    """The lead, its needs clear, at the presentation."""
    lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS)
    return lead_advance_stage(actor=consultant, lead=lead, to=Stage.PRESENTATION)


def test_a_presentation_records_the_points_covered_and_what_the_customer_said(consultant, presenting, q5l, script):
    presentation = presentation_record(actor=consultant, lead=presenting, series=q5l,
                                       covered_point_ids=[script[0].pk, script[5].pk], reactions="很喜欢灯光",
                                       objections="觉得价格高")
    assert set(presentation.covered_points.all()) == {script[0], script[5]}
    assert (presentation.reactions, presentation.objections, presentation.consultant) == ("很喜欢灯光", "觉得价格高", consultant)
    assert presentation.completed_at is None
    presenting.refresh_from_db()
    assert presenting.stage == Stage.PRESENTATION
    assert AuditEntry.objects.get(action="presentations.recorded").data["points"] == sorted([script[0].pk, script[5].pk])


def test_completing_a_presentation_moves_the_lead_on_to_the_test_drive(consultant, presenting, q5l, script):
    presentation = presentation_record(actor=consultant, lead=presenting, series=q5l, covered_point_ids=[script[0].pk])
    presentation_complete(actor=consultant, presentation=presentation, expected_version=presentation.version)
    presenting.refresh_from_db()
    assert presenting.stage == Stage.TEST_DRIVE
    assert moves(presenting)[-1] == (Stage.PRESENTATION, Stage.TEST_DRIVE)


def test_a_lead_still_at_needs_analysis_moves_through_the_presentation_as_two_steps(consultant, lead, q5l, script):
    lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS)
    presentation_record(actor=consultant, lead=lead, series=q5l, complete=True)
    assert moves(lead)[-2:] == [(Stage.NEEDS_ANALYSIS, Stage.PRESENTATION), (Stage.PRESENTATION, Stage.TEST_DRIVE)]


def test_a_presentation_at_first_contact_records_the_skipped_needs_analysis_with_the_reason(consultant, lead, q5l, script):
    presentation_record(actor=consultant, lead=lead, series=q5l, complete=True)
    transition = StageTransition.objects.filter(lead=lead, to_stage=Stage.PRESENTATION).get()
    assert transition.skipped == [Stage.NEEDS_ANALYSIS] and transition.reason
    lead.refresh_from_db()
    assert lead.stage == Stage.TEST_DRIVE


def test_a_lead_past_the_presentation_does_not_move_back_and_several_presentations_are_kept(consultant, lead, q5l, script):
    lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEGOTIATION, skip_reason="老客户")
    before = moves(lead)
    presentation_record(actor=consultant, lead=lead, series=q5l, complete=True)
    presentation_record(actor=consultant, lead=lead, series=q5l, complete=True)
    lead.refresh_from_db()
    assert lead.stage == Stage.NEGOTIATION and moves(lead) == before
    assert Presentation.objects.filter(lead=lead).count() == 2


def test_only_points_of_the_cars_script_can_be_ticked(consultant, presenting, q5l, script, store):
    from showroom.catalog.tests.factories import SeriesFactory

    other = SeriesFactory(brand=q5l.brand, name="A6L")
    with pytest.raises(DomainError) as refused:
        presentation_record(actor=consultant, lead=presenting, series=other, covered_point_ids=[script[0].pk])
    assert refused.value.field == "covered_point_ids"
    assert not Presentation.objects.exists()


def test_an_update_replaces_the_ticks_and_keeps_a_point_retired_meanwhile(consultant, manager, presenting, q5l, script):
    presentation = presentation_record(actor=consultant, lead=presenting, series=q5l, covered_point_ids=[script[0].pk])
    walkaround_point_retire(actor=manager, point=script[0])
    presentation = presentation_update(actor=consultant, presentation=presentation,
                                       covered_point_ids=[script[0].pk, script[2].pk], objections="想再比较一下",
                                       expected_version=1)
    assert set(presentation.covered_points.all()) == {script[0], script[2]} and presentation.version == 2
    with pytest.raises(Conflict):
        presentation_update(actor=consultant, presentation=presentation, covered_point_ids=[], expected_version=1)
    with pytest.raises(DomainError):  # a retired point cannot be newly ticked elsewhere
        presentation_record(actor=consultant, lead=presenting, series=q5l, covered_point_ids=[script[0].pk])


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_someone_who_may_not_see_the_lead_cannot_present_on_it(request, presenting, q5l, script, who):
    with pytest.raises(NotFound):
        presentation_record(actor=request.getfixturevalue(who), lead=presenting, series=q5l)


def test_a_receptionist_may_not_record_a_presentation(receptionist, presenting, q5l):
    with pytest.raises(PermissionDenied):
        presentation_record(actor=receptionist, lead=presenting, series=q5l)


def test_the_store_manager_finds_changed_presentations_and_reworded_points_in_the_audit_log(consultant, manager,
                                                                                            presenting, q5l, script):
    from showroom.presentations.services import walkaround_point_update

    presentation = presentation_record(actor=consultant, lead=presenting, series=q5l, covered_point_ids=[script[0].pk])
    presentation_update(actor=consultant, presentation=presentation, covered_point_ids=[script[0].pk, script[1].pk],
                        objections="油耗", expected_version=presentation.version)
    walkaround_point_update(actor=manager, point=script[2], fields={"benefit": "雨天也安心"})
    log = AuditEntry.objects.visible_to(manager)
    updated = log.get(action="presentations.updated")
    assert updated.data["changes"]["points"] == [[script[0].pk], [script[0].pk, script[1].pk]]
    assert updated.data["changes"]["objections"] == ["", "油耗"]
    assert log.get(action="presentations.point_changed").data["changes"]["benefit"] == ["利益", "雨天也安心"]
