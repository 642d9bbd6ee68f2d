"""The owner's plate is recorded once the car is registered (上牌 comes after the hand-over): on the lead's owner
card, through the API, checked and audited."""

import json

import pytest
from django.urls import reverse

from showroom.aftercare.services import owned_car_set_plate
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound, PermissionDenied

API = "/api/v1"


def test_the_consultant_records_the_plate_as_typed_and_it_is_audited(consultant, owned):
    owned_car_set_plate(actor=consultant, owned_car=owned, plate="京a·d12345")

    owned.refresh_from_db()
    assert owned.plate == "京AD12345"
    entry = AuditEntry.objects.get(action="aftercare.plate_recorded")
    assert entry.actor == consultant and entry.data["plate"] == ["", "京AD12345"]


def test_a_plate_that_is_not_a_mainland_plate_is_refused_on_its_field(consultant, owned):
    with pytest.raises(DomainError) as refused:
        owned_car_set_plate(actor=consultant, owned_car=owned, plate="ABC123")
    assert refused.value.field == "plate"
    owned.refresh_from_db()
    assert owned.plate == ""


def test_only_who_works_the_owner_records_the_plate(store, consultant, colleague, receptionist, owned):
    with pytest.raises(NotFound):
        owned_car_set_plate(actor=colleague, owned_car=owned, plate="京A12345")
    with pytest.raises(PermissionDenied):
        owned_car_set_plate(actor=receptionist, owned_car=owned, plate="京A12345")
    assert not AuditEntry.objects.filter(action="aftercare.plate_recorded").exists()


def test_the_owner_card_links_to_the_plate_form_which_records_it_or_shows_the_error(client, consultant, owned):
    client.force_login(consultant)
    lead_page = client.get(reverse("leads:detail", args=[owned.lead_id])).content.decode()
    url = reverse("aftercare:plate", args=[owned.pk])
    assert url in lead_page

    refused = client.post(url, {"plate": "12345"})
    assert refused.status_code == 422 and 'data-field-error="plate"' in refused.content.decode()

    done = client.post(url, {"plate": "粤B 12345"})
    assert done.status_code == 302 and done.url == reverse("leads:detail", args=[owned.lead_id])
    assert "粤B12345" in client.get(done.url).content.decode()


def test_the_api_records_the_plate_and_answers_field_messages(client, consultant, colleague, owned):
    client.force_login(consultant)
    url = f"{API}/owned-cars/{owned.pk}"
    bad = client.patch(url, json.dumps({"plate": "ABC"}), content_type="application/json")
    assert bad.status_code == 400 or bad.status_code == 422
    assert "plate" in bad.json()["fields"]

    done = client.patch(url, json.dumps({"plate": "京A12345"}), content_type="application/json")
    assert done.status_code == 200 and done.json()["plate"] == "京A12345"

    client.force_login(colleague)
    assert client.patch(url, json.dumps({"plate": "京A54321"}), content_type="application/json").status_code == 404
