"""The after-delivery pages: the lead card, the workbench's calls and surveys due, the survey form, the manager's
cases and the store settings."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.aftercare import services
from showroom.aftercare.models import Case, CaseStatus, ReferralOutcome, SurveyQuestion, SurveyStatus

from .conftest import NOW, deliver
from .test_survey_and_cases import all_scores


def test_the_lead_card_shows_the_owned_car_the_calls_and_the_survey(client, consultant, owned, advisor):
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[owned.lead_id])).content.decode()
    assert 'data-testid="owned-car"' in page and owned.vin in page and "孙师傅" in page
    assert "交车24小时感谢回访" in page
    assert reverse("aftercare:survey", args=[owned.surveys.get().pk]) in page


def test_the_lead_card_costs_the_same_queries_with_few_or_many_referrals_and_answers(client, consultant, owned, survey):
    client.force_login(consultant)
    url = reverse("leads:detail", args=[owned.lead_id])
    services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.ASKED)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey))
    for i in range(3):
        services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.GIVEN,
                                 prospect={"name": f"朋友{i}", "mobile": f"1370000{i:04d}"})
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_workbench_lists_todays_calls_and_the_surveys_due(client, consultant, owned, frozen):
    client.force_login(consultant)
    assert 'data-testid="aftercare-due"' not in client.get(reverse("followups:workbench_cards")).content.decode()
    frozen.move_to(NOW + dt.timedelta(days=1))
    page = client.get(reverse("followups:workbench_cards")).content.decode()
    assert 'data-testid="aftercare-due"' in page and "交车24小时感谢回访" in page
    frozen.move_to(NOW + dt.timedelta(days=7))
    page = client.get(reverse("followups:workbench_cards")).content.decode()
    assert f'data-survey="{owned.surveys.get().pk}"' in page


def test_the_workbench_card_costs_the_same_queries_with_one_or_many_owners(client, consultant, owned, trim, advisor,
                                                                            frozen):
    client.force_login(consultant)
    frozen.move_to(NOW + dt.timedelta(days=8))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("followups:workbench_cards"))
    frozen.move_to(NOW)
    for i in range(3):
        deliver(consultant, trim, advisor, name=f"车主{i}", mobile=f"1360000{i:04d}")
    frozen.move_to(NOW + dt.timedelta(days=8))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("followups:workbench_cards"))
    assert len(many) == len(one)


def test_the_survey_form_records_the_scores_and_goes_back(client, consultant, survey):
    client.force_login(consultant)
    url = reverse("aftercare:survey", args=[survey.pk])
    page = client.get(url).content.decode()
    assert "您有多大可能向亲友推荐我们的展厅？" in page
    post = {f"q{pk}": score for pk, score in all_scores(survey).items()} | {"comments": "很满意"}
    response = client.post(url, post)
    assert response.status_code == 302 and response["Location"] == reverse("leads:detail", args=[survey.lead_id])
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DONE
    assert "9/10" in client.get(url).content.decode()


def test_an_unanswered_question_is_shown_at_its_field(client, consultant, survey):
    client.force_login(consultant)
    post = {f"q{pk}": score for pk, score in list(all_scores(survey).items())[1:]}
    response = client.post(reverse("aftercare:survey", args=[survey.pk]), post)
    assert response.status_code == 422 and "is not answered" in response.content.decode()


def test_the_manager_sees_the_open_case_closes_it_and_the_consultant_may_not(client, consultant, manager, survey):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=2))
    case = Case.objects.get()
    client.force_login(manager)
    assert f'data-case="{case.pk}"' in client.get(reverse("leads:manager")).content.decode()
    assert f'data-case="{case.pk}"' in client.get(reverse("aftercare:cases")).content.decode()
    assert client.post(reverse("aftercare:case_note", args=[case.pk]), {"text": "已回电"}).status_code == 302
    assert client.post(reverse("aftercare:case_close", args=[case.pk]), {"resolution": ""}).status_code == 422
    assert client.post(reverse("aftercare:case_close", args=[case.pk]), {"resolution": "已解决"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    page = client.get(reverse("aftercare:case", args=[case.pk])).content.decode()
    assert "已回电" in page and "已解决" in page
    client.force_login(consultant)
    assert client.get(reverse("aftercare:cases")).status_code == 403
    assert client.get(reverse("aftercare:case", args=[case.pk])).status_code == 403


def test_a_manager_of_another_store_gets_404_on_the_case(client, consultant, survey, other_store):
    from showroom.accounts.models import Role
    from showroom.accounts.tests.factories import UserFactory

    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=2))
    client.force_login(UserFactory(store=other_store, role=Role.MANAGER))
    assert client.get(reverse("aftercare:case", args=[Case.objects.get().pk])).status_code == 404


def test_the_case_list_costs_the_same_queries_with_one_or_many_cases(client, consultant, manager, survey, trim, advisor):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=2))
    client.force_login(manager)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("aftercare:cases"))
    for i in range(3):
        other = deliver(consultant, trim, advisor, name=f"车主{i}", mobile=f"1360000{i:04d}").surveys.get()
        services.survey_submit(actor=consultant, survey=other, scores=all_scores(other, value=1))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("aftercare:cases"))
    assert len(many) == len(one)


def test_a_colleague_and_another_store_get_404_on_the_survey_and_the_referral(client, colleague, outsider, survey, owned):
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(reverse("aftercare:survey", args=[survey.pk])).status_code == 404
        assert client.post(reverse("aftercare:referral", args=[owned.pk]), {"outcome": "asked"}).status_code == 404


def test_the_store_settings_page_saves_the_cadence_and_the_questions(client, manager, consultant):
    client.force_login(manager)
    page = client.get(reverse("aftercare:settings")).content.decode()
    assert "1 | 交车24小时感谢回访" in page
    response = client.post(reverse("aftercare:settings"), {
        "cadence": "1 | 感谢回访\n7 | 满意度问卷 | survey\n30 | 首保提醒", "low_score_percent": "60"})
    assert response.status_code == 302
    settings = services.store_setup(manager.store_id)
    assert [s["days"] for s in settings.cadence] == [1, 7, 30] and settings.cadence[1]["survey"]
    assert SurveyQuestion.objects.filter(store_id=manager.store_id).count() == 7
    bad = client.post(reverse("aftercare:settings"), {"cadence": "abc | x", "low_score_percent": "60"})
    assert bad.status_code == 422 and "Step 1" in bad.content.decode()
    response = client.post(reverse("aftercare:question_create"), {"text": "售后服务顾问介绍是否清楚？", "scale": "five",
                                                                  "position": "8", "active": "on"})
    assert response.status_code == 302
    assert SurveyQuestion.objects.filter(text="售后服务顾问介绍是否清楚？", scale="five").exists()
    client.force_login(consultant)
    assert client.get(reverse("aftercare:settings")).status_code == 403


def test_the_manager_page_costs_the_same_queries_with_one_or_many_cases(client, consultant, manager, survey, trim, advisor):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=2))
    client.force_login(manager)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("leads:manager"))
    for i in range(3):
        other = deliver(consultant, trim, advisor, name=f"车主{i}", mobile=f"1360000{i:04d}").surveys.get()
        services.survey_submit(actor=consultant, survey=other, scores=all_scores(other, value=1))
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("leads:manager")).content.decode()
    assert page.count("data-case=") == 4
    assert len(many) == len(one)
