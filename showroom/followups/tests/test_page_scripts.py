import pytest
from django.urls import reverse

from showroom.accounts.tests.factories import UserFactory
from showroom.followups.models import CallScript, ScriptScenario
from showroom.followups.services import script_save


@pytest.fixture
def retired(store, manager):
    return script_save(actor=manager, store=store, scenario=ScriptScenario.WIN_BACK, title="旧版激活话术",
                       body="旧的话术", active=False)


def _first_call(store) -> CallScript:
    return CallScript.objects.get(store=store, scenario=ScriptScenario.FIRST_CALL)


def test_a_consultant_reads_the_stores_scripts_in_use_by_scenario_without_edit_buttons(client, consultant, retired):
    client.force_login(consultant)

    page = client.get(reverse("followups:scripts")).content.decode()

    assert "首次致电新线索：先报身份" in page and "First call to a new lead" in page
    assert "旧版激活话术" not in page
    assert reverse("followups:script_create") not in page
    assert 'data-testid="edit-script"' not in page


def test_a_manager_sees_scripts_out_of_use_and_the_edit_and_create_buttons(client, manager, store, retired):
    client.force_login(manager)

    page = client.get(reverse("followups:scripts")).content.decode()

    assert "旧版激活话术" in page and "not in use" in page
    assert reverse("followups:script_create") in page
    assert reverse("followups:script_edit", args=[_first_call(store).pk]) in page


def test_a_manager_edits_a_script(client, manager, store):
    script = _first_call(store)
    client.force_login(manager)

    response = client.post(reverse("followups:script_edit", args=[script.pk]), {
        "scenario": ScriptScenario.FIRST_CALL, "title": "首次致电（新版）", "body": "您好，我是广华奥迪的销售顾问……",
        "position": 0, "active": "on",
    })

    assert response.status_code == 302
    script.refresh_from_db()
    assert script.title == "首次致电（新版）" and script.updated_by == manager


def test_a_manager_writes_a_new_script(client, manager, store):
    client.force_login(manager)

    response = client.post(reverse("followups:script_create"), {
        "scenario": ScriptScenario.TEST_DRIVE_INVITATION, "title": "新车上市试驾邀约", "body": "新款A6L到店了……",
        "position": 5,
    })

    assert response.status_code == 302
    created = CallScript.objects.get(store=store, title="新车上市试驾邀约")
    assert not created.active  # the box was left unticked


def test_a_script_without_text_is_refused_on_its_field(client, manager):
    client.force_login(manager)

    response = client.post(reverse("followups:script_create"), {
        "scenario": ScriptScenario.WIN_BACK, "title": "空的", "body": "", "position": 0,
    })

    assert response.status_code == 200 and 'data-field-error="body"' in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_consultant_may_not_edit_or_create_scripts(client, consultant, store, method):
    script = _first_call(store)
    client.force_login(consultant)
    data = {"scenario": ScriptScenario.FIRST_CALL, "title": "改掉", "body": "改掉", "position": 0} if method == "post" else None

    edit = getattr(client, method)(reverse("followups:script_edit", args=[script.pk]), data)
    create = getattr(client, method)(reverse("followups:script_create"), data)

    assert edit.status_code == 403 and create.status_code == 403
    script.refresh_from_db()
    assert script.title == "首次致电新线索：先报身份"
    assert not CallScript.objects.filter(title="改掉").exists()


def test_a_manager_of_another_store_gets_404_on_this_stores_script(client, store, other_store):
    script = _first_call(store)
    client.force_login(UserFactory(store=other_store, role="manager"))

    assert client.get(reverse("followups:script_edit", args=[script.pk])).status_code == 404


def test_the_script_library_runs_a_bounded_number_of_queries(client, manager, retired, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("followups:scripts")).status_code == 200
