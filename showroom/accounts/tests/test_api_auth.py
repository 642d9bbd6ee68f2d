import json

import pytest

from showroom.accounts.models import ApiToken

API = "/api/v1"


def ask_token(client, username, password, **extra):
    return client.post(API + "/auth/token", data=json.dumps({"username": username, "password": password, **extra}),
                       content_type="application/json")


def test_a_consultant_exchanges_username_and_password_for_a_bearer_token(client, consultant):
    response = ask_token(client, consultant.username, "pw-for-tests-1")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and len(body["token"]) > 30
    assert not ApiToken.objects.filter(key_hash=body["token"]).exists()  # only its hash is stored
    me = client.get(API + "/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json()["username"] == consultant.username and me.json()["role"] == "consultant"


def test_a_wrong_password_is_refused_with_a_message_on_the_password(client, consultant):
    response = ask_token(client, consultant.username, "wrong")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["fields"]["password"] == ["The username or password is wrong, or the account is locked."]
    assert not ApiToken.objects.exists()


def test_an_inactive_account_gets_no_token(client, consultant):
    consultant.is_active = False
    consultant.save()
    assert ask_token(client, consultant.username, "pw-for-tests-1").status_code == 400


@pytest.mark.parametrize("payload", [
    {}, {"username": "owner"}, {"username": ["owner"], "password": "x"}, {"username": "own\x00er", "password": "x"},
    {"username": "o" * 1000, "password": "x"},
])
def test_a_malformed_token_request_answers_422_with_the_fields(client, consultant, payload):
    response = client.post(API + "/auth/token", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"]


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Token abc", "Bearer " + "x" * 5000])
def test_a_wrong_bearer_token_answers_401(client, consultant, header):
    response = client.get(API + "/auth/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_the_signed_in_session_works_for_the_api_too(client, consultant):
    client.force_login(consultant)
    assert client.get(API + "/auth/me").json()["id"] == consultant.pk


def test_a_token_stops_working_when_the_account_is_deactivated(client, consultant):
    token = ask_token(client, consultant.username, "pw-for-tests-1").json()["token"]
    consultant.is_active = False
    consultant.save()
    assert client.get(API + "/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_five_failed_attempts_lock_the_account_even_for_the_right_password(client, consultant, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        assert ask_token(client, consultant.username, "wrong").status_code == 400
    assert ask_token(client, consultant.username, "wrong").status_code == 429
    locked = ask_token(client, consultant.username, "pw-for-tests-1")
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert locked.json()["code"] == "locked_out"
    assert "password" in locked.json()["fields"]
    assert not ApiToken.objects.exists()


def test_failed_attempts_on_one_account_do_not_lock_another(client, consultant, colleague, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        ask_token(client, consultant.username, "wrong")
    assert ask_token(client, colleague.username, "pw-for-tests-1").status_code == 200
