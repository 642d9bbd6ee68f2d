"""The satisfaction survey: a score per question, a low score opens a case the manager notes and closes."""

import datetime as dt

import pytest

from showroom.aftercare import services
from showroom.aftercare.models import Case, CaseStatus, Scale, SurveyAnswer, SurveyQuestion, SurveyStatus
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Activity, TaskStatus

from .conftest import NOW


def all_scores(survey, value=9, **overrides):
    questions = SurveyQuestion.objects.filter(store_id=survey.store_id, active=True)
    return {q.pk: overrides.get(q.text, min(value, Scale(q.scale).bounds[1])) for q in questions}


def test_the_store_starts_with_chinese_ssi_questions_and_an_nps_question(owned):
    questions = list(SurveyQuestion.objects.filter(store_id=owned.store_id))
    assert len(questions) == 7
    assert questions[0].text == "您对本次购车的整体体验满意吗？"
    assert {q.scale for q in questions} == {Scale.TEN, Scale.FIVE, Scale.NPS}


def test_good_scores_are_stored_per_question_and_close_the_survey_call(consultant, survey, frozen):
    frozen.move_to(NOW + dt.timedelta(days=7))
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey), comments="服务很好")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DONE and not survey.low_score
    answers = list(SurveyAnswer.objects.filter(survey=survey))
    assert len(answers) == 7 and {a.score for a in answers} == {9, 5}
    assert not Case.objects.exists()
    survey.call.task.refresh_from_db()
    assert survey.call.task.status == TaskStatus.DONE
    assert Activity.objects.filter(lead_id=survey.lead_id).exists()
    assert AuditEntry.objects.get(action="aftercare.survey_submitted").data["scores"]["您对本次购车的整体体验满意吗？"] == 9


def test_a_score_below_the_threshold_opens_a_case_for_the_manager(consultant, survey):
    services.survey_submit(actor=consultant, survey=survey,
                           scores=all_scores(survey, **{"交车是否准时、等待时间是否合理？": 3}), comments="等了一个小时")
    survey.refresh_from_db()
    assert survey.low_score
    case = Case.objects.get(survey=survey)
    assert case.status == CaseStatus.OPEN and "交车是否准时、等待时间是否合理？ 3/5" in case.summary
    assert AuditEntry.objects.filter(action="aftercare.case_opened", target_id=case.pk).exists()


def test_the_threshold_is_the_stores(consultant, manager, survey):
    services.settings_save(actor=manager, cadence=services.default_cadence(), low_score_percent=40)
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=5))
    assert not Case.objects.exists()  # 5 of 10 is not below 40 %


def test_a_missing_or_out_of_range_score_is_refused_and_nothing_is_saved(consultant, survey):
    scores = all_scores(survey)
    first = next(iter(scores))
    with pytest.raises(DomainError) as missing:
        services.survey_submit(actor=consultant, survey=survey, scores={**scores, first: None})
    assert missing.value.field == f"q{first}"
    with pytest.raises(DomainError) as too_high:
        services.survey_submit(actor=consultant, survey=survey, scores={**scores, first: 11})
    assert too_high.value.code == "score_out_of_range"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DUE and not SurveyAnswer.objects.exists()


def test_a_survey_is_answered_once(consultant, survey):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey))
    with pytest.raises(DomainError) as again:
        services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey))
    assert again.value.code == "survey_done"


def test_a_colleague_cannot_answer_anothers_survey(colleague, outsider, survey):
    for user in (colleague, outsider):
        with pytest.raises(NotFound):
            services.survey_submit(actor=user, survey=survey, scores=all_scores(survey))


def test_the_manager_notes_and_closes_the_case_with_who_and_when(consultant, manager, survey, frozen):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=2))
    case = Case.objects.get()
    services.case_add_note(actor=manager, case=case, text="已致电客户道歉，赠送一次免费保养")
    closed = services.case_close(actor=manager, case=case, resolution="客户接受，满意")
    assert (closed.status, closed.closed_by, closed.closed_at) == (CaseStatus.CLOSED, manager, NOW)
    assert case.notes.get().text.startswith("已致电")
    assert AuditEntry.objects.filter(action="aftercare.case_closed", target_id=case.pk).exists()
    with pytest.raises(DomainError):
        services.case_close(actor=manager, case=case, resolution="again")


def test_a_consultant_cannot_close_a_case_and_a_resolution_is_required(consultant, manager, survey):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=2))
    case = Case.objects.get()
    with pytest.raises(PermissionDenied):
        services.case_close(actor=consultant, case=case, resolution="ok")
    with pytest.raises(DomainError) as refused:
        services.case_close(actor=manager, case=case, resolution=" ")
    assert refused.value.field == "resolution"


def test_edited_questions_do_not_change_answers_already_given(consultant, manager, survey):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey))
    question = SurveyQuestion.objects.filter(store_id=survey.store_id).first()
    services.question_save(actor=manager, question=question, text="新问题", scale=Scale.FIVE, position=1)
    assert SurveyAnswer.objects.get(question=question).text == "您对本次购车的整体体验满意吗？"


def test_the_cadence_is_checked_line_by_line_and_only_managers_set_it(manager, consultant):
    with pytest.raises(DomainError) as refused:
        services.settings_save(actor=manager, low_score_percent=70, cadence=[{"days": 0, "title": "x"}])
    assert refused.value.field == "cadence"
    with pytest.raises(DomainError):
        services.settings_save(actor=manager, low_score_percent=70, cadence=[
            {"days": 7, "title": "a", "survey": True}, {"days": 8, "title": "b", "survey": True}])
    with pytest.raises(PermissionDenied):
        services.settings_save(actor=consultant, low_score_percent=70, cadence=services.default_cadence())
