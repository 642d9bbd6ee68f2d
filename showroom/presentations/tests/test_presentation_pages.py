import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage
from showroom.presentations.models import Presentation, WalkaroundPoint
from showroom.presentations.services import presentation_record


@pytest.fixture
def presenting(consultant, lead):
    lead = lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS)
    return lead_advance_stage(actor=consultant, lead=lead, to=Stage.PRESENTATION)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_lead_page_lists_presentations_and_offers_to_start_one_and_compare(client, consultant, presenting, q5l, script):
    presentation_record(actor=consultant, lead=presenting, series=q5l, covered_point_ids=[script[0].pk], objections="价格高")
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[presenting.pk])).content.decode()
    assert 'data-testid="presentations-panel"' in page and "1 of 12 points" in page and "价格高" in page
    assert reverse("presentations:new", args=[presenting.pk]) in page
    assert f'{reverse("presentations:compare")}?lead={presenting.pk}' in page


def test_a_consultant_ticks_points_and_completes_the_presentation_from_the_page(client, consultant, presenting, q5l, script):
    client.force_login(consultant)
    url = reverse("presentations:new", args=[presenting.pk])
    assert "Q5L" in client.get(url).content.decode()
    checklist = client.get(f"{url}?series={q5l.pk}").content.decode()
    assert checklist.count('name="covered"') == 12
    response = client.post(url, {"series": q5l.pk, "covered": [script[0].pk, script[3].pk], "reactions": "喜欢",
                                 "complete": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("leads:detail", args=[presenting.pk])
    presentation = Presentation.objects.get()
    assert presentation.is_completed and presentation.covered_points.count() == 2
    presenting.refresh_from_db()
    assert presenting.stage == Stage.TEST_DRIVE


def test_a_saved_presentation_can_be_continued_and_a_stale_save_is_refused(client, consultant, presenting, q5l, script):
    client.force_login(consultant)
    response = client.post(reverse("presentations:new", args=[presenting.pk]), {"series": q5l.pk, "covered": [script[0].pk]})
    presentation = Presentation.objects.get()
    assert response["Location"] == reverse("presentations:detail", args=[presentation.pk])
    url = response["Location"]
    assert 'checked' in client.get(url).content.decode()
    assert client.post(url, {"version": "1", "covered": [script[0].pk, script[1].pk], "objections": "再比较"}).status_code == 302
    stale = client.post(url, {"version": "1", "covered": []})
    assert stale.status_code == 200 and 'data-form-error="version"' in stale.content.decode()
    presentation.refresh_from_db()
    assert presentation.covered_points.count() == 2 and presentation.objections == "再比较"


def test_the_manager_edits_the_script_and_the_consultant_only_reads_it(client, consultant, manager, q5l, script):
    url = reverse("presentations:script", args=[q5l.pk])
    client.force_login(consultant)
    page = client.get(url).content.decode()
    assert script[0].feature in page and 'data-testid="point-form"' not in page
    assert client.post(reverse("presentations:point_add", args=[q5l.pk]), {"position": 1, "feature": "x", "advantage": "y",
                                                                           "benefit": "z"}).status_code == 403
    assert client.post(reverse("presentations:point_retire", args=[script[0].pk])).status_code == 403
    client.force_login(manager)
    assert 'data-testid="point-form"' in client.get(url).content.decode()
    response = client.post(reverse("presentations:point_add", args=[q5l.pk]),
                           {"position": 2, "feature": "2.0T发动机", "advantage": "动力足", "benefit": "超车从容"})
    assert response.status_code == 302
    refused = client.post(reverse("presentations:point_add", args=[q5l.pk]), {"position": 2, "feature": ""},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 422 and 'data-field-error="feature"' in refused.content.decode()
    client.post(reverse("presentations:point_move", args=[script[1].pk]), {"direction": "up"})
    client.post(reverse("presentations:point_edit", args=[script[2].pk]),
                {"position": 2, "feature": "新格栅", "advantage": "a", "benefit": "b"})
    assert WalkaroundPoint.objects.get(pk=script[2].pk).feature == "新格栅"
    assert client.get(reverse("presentations:scripts")).status_code == 200


def test_the_comparison_page_marks_the_differences_and_prints_with_the_store_and_date(client, consultant, store, q5l_trim,
                                                                                       x3_trim):
    client.force_login(consultant)
    page = client.get(reverse("presentations:compare"), {"own": q5l_trim.pk, "vs": [x3_trim.pk]}).content.decode()
    assert 'data-testid="comparison"' in page and 'data-verdict="ours_worse"' in page and 'data-verdict="ours_better"' in page
    assert "longer 67 mm" in page and store.name in page and "presentations/compare.css" in page


def test_the_comparison_from_the_lead_starts_from_its_models(client, consultant, lead, q5l_trim, x3_trim):
    lead.models_of_interest = "Q5L, 宝马X3"
    lead.save(update_fields=["models_of_interest"])
    client.force_login(consultant)
    page = client.get(reverse("presentations:compare"), {"lead": lead.pk}).content.decode()
    assert 'data-testid="comparison"' in page and "xDrive30L" in page


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_someone_who_may_not_see_the_lead_gets_404_on_its_presentations(client, request, presenting, q5l, script, who):
    presentation = presentation_record(actor=presenting.owner, lead=presenting, series=q5l)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("presentations:new", args=[presenting.pk])).status_code == 404
    assert client.get(reverse("presentations:detail", args=[presentation.pk])).status_code == 404
    assert client.post(reverse("presentations:complete", args=[presentation.pk])).status_code == 404
    assert client.get(reverse("presentations:compare"), {"lead": presenting.pk}).status_code == 404


def test_another_groups_script_is_a_404_and_reception_is_refused(client, outsider, receptionist, q5l, script):
    client.force_login(outsider)
    assert client.get(reverse("presentations:script", args=[q5l.pk])).status_code == 404
    client.force_login(receptionist)
    assert client.get(reverse("presentations:scripts")).status_code == 403
    assert client.get(reverse("presentations:compare")).status_code == 403


@pytest.mark.parametrize("name", ["leads:detail", "presentations:detail", "presentations:script"])
def test_the_pages_cost_the_same_queries_for_few_or_many_points_and_presentations(client, consultant, presenting, q5l,
                                                                                 script, name):
    client.force_login(consultant)
    first = presentation_record(actor=consultant, lead=presenting, series=q5l, covered_point_ids=[script[0].pk])
    url = reverse(name, args=[{"leads:detail": presenting.pk, "presentations:detail": first.pk,
                               "presentations:script": q5l.pk}[name]])
    count_queries(client, url)
    few = count_queries(client, url)
    more = [WalkaroundPoint.objects.create(series=q5l, position=p, feature=f"加{p}", advantage="a", benefit="b")
            for p in range(1, 7)]
    first.covered_points.add(*more)
    for _ in range(3):
        presentation_record(actor=consultant, lead=presenting, series=q5l, covered_point_ids=[p.pk for p in more])
    assert count_queries(client, url) == few


def test_the_comparison_costs_the_same_queries_for_one_or_three_competitors(client, consultant, q5l_trim, x3_trim):
    from showroom.catalog.tests.factories import TrimFactory

    client.force_login(consultant)
    url = reverse("presentations:compare")
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"own": q5l_trim.pk, "vs": [x3_trim.pk]})
    others = [TrimFactory(series=x3_trim.series, name=f"款{n}") for n in range(2)]
    with CaptureQueriesContext(connection) as three:
        client.get(url, {"own": q5l_trim.pk, "vs": [x3_trim.pk, *(t.pk for t in others)]})
    assert len(three) == len(one)


@pytest.mark.parametrize("garbled", ["²", "9" * 5000])
def test_a_garbled_tick_is_refused_on_the_checklist_not_an_error(client, consultant, presenting, q5l, script, garbled):
    presentation = presentation_record(actor=consultant, lead=presenting, series=q5l, covered_point_ids=[script[0].pk])
    client.force_login(consultant)
    url = reverse("presentations:detail", args=[presentation.pk])
    response = client.post(url, {"version": "1", "covered": [script[1].pk, garbled]})
    assert response.status_code in (200, 422) and 'data-field-error="covered"' in response.content.decode()
    presentation.refresh_from_db()
    assert [p.pk for p in presentation.covered_points.all()] == [script[0].pk]
