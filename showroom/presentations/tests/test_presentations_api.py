import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage
from showroom.presentations.models import Presentation, WalkaroundPoint
from showroom.presentations.services import presentation_record

API = "/api/v1"


def send(client, method, path, data=None):
    return getattr(client, method)(API + path, data=json.dumps(data or {}), content_type="application/json")


def test_the_script_reads_in_walk_around_order_and_managers_write_it(client, consultant, manager, q5l, script):
    client.force_login(consultant)
    points = client.get(f"{API}/series/{q5l.pk}/walkaround-points").json()
    assert [p["position"] for p in points] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    body = {"position": 3, "feature": "无框车门", "advantage": "关门质感好", "benefit": "每天都有品质感"}
    assert send(client, "post", f"/series/{q5l.pk}/walkaround-points", body).status_code == 403
    client.force_login(manager)
    created = send(client, "post", f"/series/{q5l.pk}/walkaround-points", body)
    assert created.status_code == 201 and created.json()["position_label"] == "Side"
    point_id = created.json()["id"]
    assert send(client, "patch", f"/walkaround-points/{point_id}", {"feature": "无框车门设计"}).json()["feature"] == "无框车门设计"
    assert send(client, "post", f"/walkaround-points/{point_id}/move", {"direction": "up"}).status_code == 200
    assert send(client, "post", f"/walkaround-points/{point_id}/move", {"direction": "left"}).status_code == 422
    assert client.delete(f"{API}/walkaround-points/{point_id}").status_code == 204
    assert WalkaroundPoint.objects.get(pk=point_id).is_active is False
    refused = send(client, "post", f"/series/{q5l.pk}/walkaround-points", {**body, "feature": " "})
    assert refused.status_code == 400 and "feature" in refused.json()["fields"]


def test_a_presentation_is_recorded_updated_and_completed_over_the_api(client, consultant, lead, q5l, script):
    lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS)
    lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.PRESENTATION)
    client.force_login(consultant)
    created = send(client, "post", f"/leads/{lead.pk}/presentations",
                   {"series_id": q5l.pk, "covered_point_ids": [script[0].pk], "reactions": "喜欢"})
    assert created.status_code == 201 and created.json()["covered_point_ids"] == [script[0].pk]
    pk = created.json()["id"]
    updated = send(client, "patch", f"/presentations/{pk}", {"version": 1, "covered_point_ids": [script[0].pk, script[1].pk]})
    assert updated.status_code == 200 and updated.json()["version"] == 2
    assert send(client, "patch", f"/presentations/{pk}", {"version": 1}).status_code == 409
    done = send(client, "post", f"/presentations/{pk}/complete", {"version": 2})
    assert done.status_code == 200 and done.json()["completed_at"]
    lead.refresh_from_db()
    assert lead.stage == Stage.TEST_DRIVE
    listed = client.get(f"{API}/leads/{lead.pk}/presentations").json()
    assert [p["id"] for p in listed] == [pk]
    wrong = send(client, "post", f"/leads/{lead.pk}/presentations", {"series_id": q5l.pk, "covered_point_ids": [999999]})
    assert wrong.status_code == 400 and "covered_point_ids" in wrong.json()["fields"]


def test_the_comparison_answers_rows_with_verdicts(client, consultant, q5l_trim, x3_trim):
    client.force_login(consultant)
    body = client.get(f"{API}/comparison", {"own_trim_id": q5l_trim.pk, "competitor_trim_ids": [x3_trim.pk]}).json()
    wheelbase = next(r for r in body["rows"] if r["key"] == "wheelbase_mm")
    assert wheelbase["others"][0]["verdict"] == "ours_worse" and wheelbase["own"]["text"] == "2,908 mm"
    assert client.get(f"{API}/comparison", {"own_trim_id": x3_trim.pk}).status_code == 404


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_someone_who_may_not_see_the_lead_gets_404(client, request, lead, q5l, script, who):
    presentation = presentation_record(actor=lead.owner, lead=lead, series=q5l)
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"{API}/leads/{lead.pk}/presentations").status_code == 404
    assert send(client, "post", f"/leads/{lead.pk}/presentations", {"series_id": q5l.pk}).status_code == 404
    assert send(client, "patch", f"/presentations/{presentation.pk}", {}).status_code == 404
    assert send(client, "post", f"/presentations/{presentation.pk}/complete", {}).status_code == 404
    assert Presentation.objects.count() == 1


def test_the_lists_cost_the_same_queries_for_few_or_many(client, consultant, lead, q5l, script):
    client.force_login(consultant)
    presentation_record(actor=consultant, lead=lead, series=q5l, covered_point_ids=[script[0].pk])
    urls = [f"{API}/leads/{lead.pk}/presentations", f"{API}/series/{q5l.pk}/walkaround-points"]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx))
        return result

    counts()
    few = counts()
    for n in range(3):
        WalkaroundPoint.objects.create(series=q5l, position=n + 1, feature=f"加{n}", advantage="a", benefit="b")
        presentation_record(actor=consultant, lead=lead, series=q5l, covered_point_ids=[p.pk for p in script[:5]])
    assert counts() == few
