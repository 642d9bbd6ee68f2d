import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.leads.models import Grade, Stage
from showroom.needs.models import NeedsAnalysis
from showroom.needs.services import needs_confirm_models, needs_record

from .conftest import in_days


def test_the_lead_page_invites_the_owner_to_start_the_questionnaire(client, consultant, lead):
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'data-testid="needs-panel"' in page
    assert reverse("needs:questionnaire", args=[lead.pk]) in page


def test_the_lead_page_shows_the_current_answers_and_the_suggested_grade(client, consultant, lead):
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "400000", "powertrain": "bev",
                                                       "expected_purchase_date": in_days(10)})
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "¥400,000" in page and "Battery electric" in page
    assert 'data-testid="panel-grade-suggestion"' in page and "grade A covers purchases within 15 days" in page


def test_the_questionnaire_saves_a_new_version_and_opens_the_suggestions(client, consultant, lead, own_range):
    client.force_login(consultant)
    url = reverse("needs:questionnaire", args=[lead.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"based_on": "0", "purpose": "replacement", "usage": ["family"], "budget_max": "42万",
                                 "powertrain": "petrol", "seats_min": "5", "home_charging": "yes"})
    assert response.status_code == 302 and response["Location"] == reverse("needs:analysis", args=[lead.pk])
    analysis = NeedsAnalysis.objects.get(lead=lead)
    assert analysis.budget_max == 420000 and analysis.usage == ["family"] and analysis.home_charging is True
    page = client.get(response["Location"]).content.decode()
    assert "Within budget: ¥398,800 (up to ¥420,000)" in page and "Over budget by ¥8,800" in page
    form = client.get(url).content.decode()
    assert 'name="based_on" value="1"' in form and 'value="420000"' in form


def test_the_questionnaire_shows_a_refused_answer_at_its_field_and_saves_nothing(client, consultant, lead):
    client.force_login(consultant)
    url = reverse("needs:questionnaire", args=[lead.pk])
    response = client.post(url, {"based_on": "0", "budget_min": "50万", "budget_max": "40万", "current_year": "1900"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field-error="budget_max"' in page and 'data-field-error="current_year"' in page
    assert not NeedsAnalysis.objects.exists()


def test_a_stale_questionnaire_says_who_saved_meanwhile(client, consultant, manager, lead):
    needs_record(actor=manager, lead=lead, answers={"colour": "白"})
    client.force_login(consultant)
    response = client.post(reverse("needs:questionnaire", args=[lead.pk]), {"based_on": "0", "colour": "黑"})
    assert response.status_code == 200 and manager.display_name in response.content.decode()
    assert NeedsAnalysis.objects.count() == 1


def test_confirming_models_and_applying_the_grade_from_the_overview(client, consultant, lead, own_range):
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "450000", "expected_purchase_date": in_days(5)})
    client.force_login(consultant)
    overview = reverse("needs:analysis", args=[lead.pk])
    page = client.get(overview).content.decode()
    assert 'data-testid="apply-grade"' in page
    response = client.post(reverse("needs:confirm", args=[lead.pk]), {"based_on": "1", "trims": [own_range["q5l"].pk]})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.models_of_interest == "Q5L"
    response = client.post(reverse("leads:grade", args=[lead.pk]), {"grade": "H", "version": lead.version, "next": overview})
    assert response.status_code == 302 and response["Location"] == overview
    lead.refresh_from_db()
    assert lead.grade == Grade.H


def test_confirming_nothing_is_refused_on_the_page(client, consultant, lead, own_range):
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "450000"})
    client.force_login(consultant)
    response = client.post(reverse("needs:confirm", args=[lead.pk]), {"based_on": "1"})
    assert response.status_code == 200 and 'data-field-error="trims"' in response.content.decode()


def test_completing_from_the_page_moves_the_lead_to_the_presentation(client, consultant, lead):
    needs_record(actor=consultant, lead=lead, answers={"purpose": "first_car"})
    client.force_login(consultant)
    response = client.post(reverse("needs:complete", args=[lead.pk]), {"version": lead.version})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == Stage.PRESENTATION


def test_the_history_lists_every_version_with_who_when_and_what_changed(client, consultant, manager, lead):
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "400000"})
    needs_record(actor=manager, lead=lead, answers={"budget_max": "450000", "colour": "白色"})
    client.force_login(consultant)
    page = client.get(reverse("needs:history", args=[lead.pk])).content.decode()
    assert 'data-version="2"' in page and 'data-version="1"' in page
    assert manager.display_name in page and consultant.display_name in page
    assert "¥400,000" in page and "¥450,000" in page and 'data-change="colour"' in page


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
@pytest.mark.parametrize("name", ["analysis", "questionnaire", "history"])
def test_someone_who_may_not_see_the_lead_gets_404_on_its_needs_pages(client, request, lead, who, name):
    needs_record(actor=lead.owner, lead=lead, answers={"colour": "白"})
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(f"needs:{name}", args=[lead.pk])).status_code == 404


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_someone_who_may_not_see_the_lead_cannot_post_to_it(client, request, lead, own_range, who):
    needs_record(actor=lead.owner, lead=lead, answers={"colour": "白"})
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("needs:questionnaire", args=[lead.pk]), {"colour": "黑"}).status_code == 404
    assert client.post(reverse("needs:confirm", args=[lead.pk]), {"trims": [own_range["q5l"].pk]}).status_code == 404
    assert client.post(reverse("needs:complete", args=[lead.pk]), {}).status_code == 404
    assert NeedsAnalysis.objects.count() == 1


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["leads:detail", "needs:analysis", "needs:history"])
def test_the_pages_cost_the_same_queries_for_one_or_many_versions_and_models(client, consultant, lead, own_range, name):
    client.force_login(consultant)
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "400000", "expected_purchase_date": in_days(9)})
    needs_confirm_models(actor=consultant, lead=lead, trim_ids=[own_range["q5l"].pk])
    url = reverse(name, args=[lead.pk])
    count_queries(client, url)  # warm the caches (content types, session)
    few = count_queries(client, url)
    for n in range(5):
        needs_record(actor=consultant, lead=lead, answers={"budget_max": str(410000 + n), "colour": f"色{n}",
                                                           "expected_purchase_date": in_days(9)})
        needs_confirm_models(actor=consultant, lead=lead, trim_ids=[own_range["q5l"].pk, own_range["a6l"].pk,
                                                                     own_range["q7"].pk])
    assert count_queries(client, url) == few
