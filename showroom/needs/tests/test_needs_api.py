import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.leads.models import Stage
from showroom.needs.models import NeedsAnalysis
from showroom.needs.services import needs_confirm_models, needs_record

from .conftest import in_days

API = "/api/v1"


def post(client, path, data):
    return client.post(API + path, data=json.dumps(data), content_type="application/json")


def test_recording_answers_answers_201_with_the_version_and_its_changes(client, consultant, lead):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/needs-analyses", {
        "based_on": 0, "purpose": "replacement", "budget_max": "400000", "usage": ["family"], "home_charging": True,
        "expected_purchase_date": in_days(12).isoformat()})
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == 1 and body["created_by"]["id"] == consultant.pk
    assert body["purpose"] == "replacement" and body["home_charging"] is True
    assert {c["field"] for c in body["changes"]} == {"purpose", "budget_max", "usage", "home_charging",
                                                     "expected_purchase_date"}
    lead.refresh_from_db()
    assert lead.budget_max == 400000


def test_a_wrong_answer_is_a_400_naming_the_field(client, consultant, lead):
    client.force_login(consultant)
    response = post(client, f"/leads/{lead.pk}/needs-analyses", {"budget_min": "500000", "budget_max": "400000",
                                                                 "seats_min": 12})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"budget_max", "seats_min"}
    assert not NeedsAnalysis.objects.exists()


def test_an_unknown_field_and_a_stale_version_are_refused(client, consultant, lead):
    client.force_login(consultant)
    assert post(client, f"/leads/{lead.pk}/needs-analyses", {"budjet": 1}).status_code == 422
    needs_record(actor=consultant, lead=lead, answers={"colour": "白"})
    response = post(client, f"/leads/{lead.pk}/needs-analyses", {"based_on": 0, "colour": "黑"})
    assert response.status_code == 409 and response.json()["fields"] == {"based_on": [response.json()["message"]]}


def test_versions_suggestions_confirmation_and_completion(client, consultant, lead, own_range):
    client.force_login(consultant)
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "300000"})
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "420000", "powertrain": "petrol",
                                                       "expected_purchase_date": in_days(20)})
    versions = client.get(f"{API}/leads/{lead.pk}/needs-analyses").json()
    assert [v["number"] for v in versions] == [2, 1]
    suggestions = client.get(f"{API}/leads/{lead.pk}/needs-analyses/suggestions").json()
    assert suggestions["version"] == 2 and suggestions["grade"]["grade"] == "B"
    first = suggestions["trims"][0]
    assert first["trim"]["id"] == own_range["q5l"].pk and first["fits"] and first["misses"] == []
    response = post(client, f"/leads/{lead.pk}/needs-analyses/confirm", {"trim_ids": [own_range["q5l"].pk], "based_on": 2})
    assert response.status_code == 200 and [t["id"] for t in response.json()["confirmed_trims"]] == [own_range["q5l"].pk]
    response = post(client, f"/leads/{lead.pk}/needs-analyses/confirm", {"trim_ids": [own_range["retired"].pk]})
    assert response.status_code == 400 and "trim_ids" in response.json()["fields"]
    response = post(client, f"/leads/{lead.pk}/needs-analyses/complete", {})
    assert response.status_code == 200 and response.json()["stage"] == Stage.PRESENTATION
    assert response.json()["models_of_interest"] == "Q5L"


def test_suggestions_before_any_answers_are_a_404(client, consultant, lead):
    client.force_login(consultant)
    assert client.get(f"{API}/leads/{lead.pk}/needs-analyses/suggestions").status_code == 404


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_someone_who_may_not_see_the_lead_gets_404_everywhere(client, request, lead, own_range, who):
    needs_record(actor=lead.owner, lead=lead, answers={"colour": "白"})
    client.force_login(request.getfixturevalue(who))
    base = f"/leads/{lead.pk}/needs-analyses"
    assert client.get(API + base).status_code == 404
    assert client.get(API + base + "/suggestions").status_code == 404
    assert post(client, base, {"colour": "黑"}).status_code == 404
    assert post(client, base + "/confirm", {"trim_ids": [own_range["q5l"].pk]}).status_code == 404
    assert post(client, base + "/complete", {}).status_code == 404
    assert NeedsAnalysis.objects.count() == 1


def test_the_version_list_and_suggestions_cost_the_same_queries_for_one_or_many(client, consultant, lead, own_range):
    client.force_login(consultant)
    needs_record(actor=consultant, lead=lead, answers={"budget_max": "400000", "expected_purchase_date": in_days(9)})
    needs_confirm_models(actor=consultant, lead=lead, trim_ids=[own_range["q5l"].pk])
    urls = [f"{API}/leads/{lead.pk}/needs-analyses", f"{API}/leads/{lead.pk}/needs-analyses/suggestions"]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx))
        return result

    counts()
    few = counts()
    for n in range(4):
        needs_record(actor=consultant, lead=lead, answers={"budget_max": str(401000 + n), "expected_purchase_date": in_days(9)})
        needs_confirm_models(actor=consultant, lead=lead, trim_ids=[own_range["q5l"].pk, own_range["q7"].pk])
    assert counts() == few
