from django.urls import reverse
from django.utils import translation

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory


def _sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_consultant_signs_in_and_lands_on_the_workbench(client, consultant):
    response = _sign_in(client, consultant.username, "pw-for-tests-1")
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("followups:workbench")


def test_the_receptionist_lands_on_the_showroom_board(client, receptionist):
    client.force_login(receptionist)
    assert client.get(reverse("home")).url == reverse("reception:board")


def test_the_manager_lands_on_the_manager_dashboard(client, manager):
    client.force_login(manager)
    assert client.get(reverse("home")).url == reverse("leads:manager")


def test_a_wrong_password_is_refused_with_a_message(client, consultant):
    response = _sign_in(client, consultant.username, "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"alert-danger" in response.content


def test_five_failed_sign_ins_lock_the_account_even_for_the_right_password(client, consultant):
    for _ in range(5):
        _sign_in(client, consultant.username, "wrong")
    response = _sign_in(client, consultant.username, "pw-for-tests-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, consultant):
    client.force_login(consultant)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # back to the sign-in page


def test_a_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("leads:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_changing_the_password_requires_the_old_one(client, consultant):
    client.force_login(consultant)
    url = reverse("accounts:password_change")
    refused = client.post(url, {"old_password": "nope", "new_password1": "Str0ng-pass-2026", "new_password2": "Str0ng-pass-2026"})
    assert refused.status_code == 200
    done = client.post(url, {"old_password": "pw-for-tests-1", "new_password1": "Str0ng-pass-2026",
                             "new_password2": "Str0ng-pass-2026"})
    assert done.status_code == 302
    consultant.refresh_from_db()
    assert consultant.check_password("Str0ng-pass-2026")


def test_a_user_switches_the_interface_to_english_and_back(client, consultant):
    consultant.language = "zh-hans"
    consultant.save()
    client.force_login(consultant)
    page = client.get(reverse("followups:workbench"))
    with translation.override("zh-hans"):
        assert translation.gettext("Workbench").encode() in page.content
    client.post(reverse("accounts:preferences"), {"language": "en"})
    consultant.refresh_from_db()
    assert consultant.language == "en"
    assert b"Workbench" in client.get(reverse("followups:workbench")).content


def test_a_consultant_goes_off_duty_and_leaves_the_rotation(client, consultant):
    client.force_login(consultant)
    client.post(reverse("accounts:preferences"), {"on_duty": "0"})
    consultant.refresh_from_db()
    assert consultant.on_duty is False


def test_only_a_store_admin_changes_the_store_settings(client, store, manager):
    admin = UserFactory(store=store, role=Role.STORE_ADMIN)
    client.force_login(manager)
    assert client.get(reverse("accounts:store_settings")).status_code == 403
    client.force_login(admin)
    page = client.get(reverse("accounts:store_settings"))
    assert page.status_code == 200
    data = {"name": store.name, "city": "北京", "phone": "", "first_response_hours": 4, "lead_assignment": "pool",
            "dormant_after_days": 90, "post_visit_call_hours": 24}
    for grade in ("N", "H", "A", "B", "C", "O"):
        data[f"horizon_{grade}"] = ""
        data[f"follow_up_{grade}"] = 5 if grade == "H" else 7
    response = client.post(reverse("accounts:store_settings"), data)
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.first_response_hours == 4 and store.lead_assignment == "pool"
    assert store.grade_policies.get(grade="H").follow_up_days == 5


def test_an_invalid_store_setting_is_shown_on_its_field(client, store):
    admin = UserFactory(store=store, role=Role.STORE_ADMIN)
    client.force_login(admin)
    data = {"name": store.name, "first_response_hours": "abc", "lead_assignment": "pool", "dormant_after_days": 90,
            "post_visit_call_hours": 24}
    response = client.post(reverse("accounts:store_settings"), data)
    assert response.status_code == 200
    assert b'data-field-error="first_response_hours"' in response.content


def test_each_role_sees_its_own_menu_in_its_own_language_page_after_page(client, consultant, manager, receptionist):
    def menu(user):
        client.force_login(user)
        page = client.get(reverse("accounts:password_change")).content.decode()
        return page[page.index('id="mainnav"'):page.index('data-testid="user-menu"')]

    for _ in range(2):  # the second time from the menu cache
        ours, managers, reception = menu(consultant), menu(manager), menu(receptionist)
        assert reverse("followups:workbench") in ours and reverse("leads:manager") not in ours
        assert reverse("leads:manager") in managers and "Discount approvals" in managers
        assert reverse("reception:board") in reception and reverse("leads:list") not in reception
    manager.language = "zh-hans"
    manager.save(update_fields=["language"])
    chinese = menu(manager)
    assert "折扣审批" in chinese and "Discount approvals" not in chinese
    assert "Workbench" in menu(consultant) and "工作台" not in menu(consultant)
