"""The after-delivery API: owners' cars and calls, surveys, cases and referrals, scoped like the pages."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.aftercare import services
from showroom.aftercare.models import Case
from showroom.core.choices import Source
from showroom.leads.models import Lead

from .conftest import deliver
from .test_survey_and_cases import all_scores

API = "/api/v1"


def post(client, path, data=None):
    return client.post(API + path, data=json.dumps(data if data is not None else {}), content_type="application/json")


def test_owned_cars_and_their_calls(client, consultant, owned):
    client.force_login(consultant)
    cars = client.get(f"{API}/owned-cars").json()["items"]
    assert [c["vin"] for c in cars] == [owned.vin] and cars[0]["service_advisor"]["name"] == "孙师傅"
    calls = client.get(f"{API}/owned-cars/{owned.pk}/calls").json()
    assert [c["after_days"] for c in calls] == [1, 3, 7, 30, 90, 180, 365] and calls[2]["is_survey"]


def test_submitting_a_survey_with_a_low_score_opens_a_case_the_manager_closes(client, consultant, manager, survey):
    client.force_login(consultant)
    questions = client.get(f"{API}/survey-questions").json()
    assert len(questions) == 7 and questions[-1]["min_score"] == 0
    scores = {str(pk): score for pk, score in all_scores(survey, value=3).items()}
    response = post(client, f"/surveys/{survey.pk}/submit", {"scores": scores, "comments": "交车等太久"})
    assert response.status_code == 200, response.content
    assert response.json()["low_score"] and len(response.json()["answers"]) == 7
    assert client.get(f"{API}/cases").status_code == 403

    client.force_login(manager)
    case = client.get(f"{API}/cases").json()["items"][0]
    assert post(client, f"/cases/{case['id']}/notes", {"text": "已回电致歉"}).status_code == 201
    closed = post(client, f"/cases/{case['id']}/close", {"resolution": "赠送保养一次"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["notes"][0]["text"] == "已回电致歉"


def test_a_bad_score_names_the_question_in_fields(client, consultant, survey):
    client.force_login(consultant)
    scores = {str(pk): 11 for pk in all_scores(survey)}
    response = post(client, f"/surveys/{survey.pk}/submit", {"scores": scores})
    assert response.status_code == 400
    first = next(iter(scores))
    assert f"scores.{first}" in response.json()["fields"]
    assert post(client, f"/surveys/{survey.pk}/submit", {"scores": "all good"}).status_code == 422


def test_a_referral_over_the_api_creates_the_lead(client, consultant, owned):
    client.force_login(consultant)
    response = post(client, f"/owned-cars/{owned.pk}/referrals", {
        "outcome": "given", "prospect": {"name": "王五", "mobile": "13700137000"}})
    assert response.status_code == 201
    lead = Lead.objects.get(pk=response.json()["referred_lead_id"])
    assert lead.source == Source.REFERRAL and lead.referrer_id == owned.customer_id
    missing = post(client, f"/owned-cars/{owned.pk}/referrals", {"outcome": "given"})
    assert missing.status_code == 400 and "name" in missing.json()["fields"]
    assert len(client.get(f"{API}/owned-cars/{owned.pk}/referrals").json()) == 1


def test_a_colleague_and_another_store_get_404(client, colleague, outsider, owned, survey):
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(f"{API}/owned-cars/{owned.pk}").status_code == 404
        assert client.get(f"{API}/surveys/{survey.pk}").status_code == 404
        assert post(client, f"/surveys/{survey.pk}/submit", {"scores": {}}).status_code == 404
        assert post(client, f"/owned-cars/{owned.pk}/referrals", {"outcome": "asked"}).status_code == 404
        assert client.get(f"{API}/owned-cars").json()["items"] == []


def test_the_lists_cost_the_same_queries_with_one_or_many_rows(client, consultant, manager, survey, trim, advisor):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=2))
    client.force_login(manager)
    paths = ("/owned-cars", "/surveys", "/cases")
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as one:
            client.get(API + path)
        counts[path] = len(one)
    for i in range(3):
        other = deliver(consultant, trim, advisor, name=f"车主{i}", mobile=f"1360000{i:04d}").surveys.get()
        services.survey_submit(actor=consultant, survey=other, scores=all_scores(other, value=1))
    assert Case.objects.count() == 4
    for path in paths:
        with CaptureQueriesContext(connection) as many:
            client.get(API + path)
        assert len(many) == counts[path], path


def test_every_endpoint_is_in_the_openapi_schema(client, consultant):
    client.force_login(consultant)
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/owned-cars", "/api/v1/owned-cars/{owned_car_id}/calls", "/api/v1/owned-cars/{owned_car_id}/referrals",
                 "/api/v1/surveys", "/api/v1/surveys/{survey_id}/submit", "/api/v1/survey-questions", "/api/v1/cases",
                 "/api/v1/cases/{case_id}/notes", "/api/v1/cases/{case_id}/close"):
        assert path in paths


def test_cases_are_open_ones_by_default_and_all_with_an_empty_status(client, consultant, manager, survey):
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=3), comments="交车等太久")
    case = Case.objects.get()
    services.case_close(actor=manager, case=case, resolution="赠送保养一次")
    client.force_login(manager)
    listed = [client.get(f"{API}/cases", query) for query in ({}, {"status": ""}, {"status": "closed"})]
    assert [r.status_code for r in listed] == [200, 200, 200]
    assert [[c["id"] for c in r.json()["items"]] for r in listed] == [[], [case.pk], [case.pk]]
    assert client.get(f"{API}/cases", {"status": "lost"}).status_code == 422


def test_the_thirty_day_call_names_the_first_service_date(client, consultant, owned):
    assert owned.first_service_due is not None
    client.force_login(consultant)
    calls = {c["after_days"]: c["title"] for c in client.get(f"{API}/owned-cars/{owned.pk}/calls").json()}
    assert f"first service due {owned.first_service_due.isoformat()}" in calls[30]
    assert owned.first_service_due.isoformat() not in calls[7]
