"""The deliveries API: booking, PDI, checklist, signature, photos and completion, with scoping and field errors."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from showroom.deliveries import services
from showroom.deliveries.models import DeliveryPhoto

from .conftest import ALL_PDI, PETROL_CHECKLIST, TODAY, at, ordered_lead
from .test_delivery_steps import png

API = "/api/v1"


def send(client, method, path, data=None):
    return getattr(client, method)(API + path, data=json.dumps(data if data is not None else {}),
                                   content_type="application/json")


def test_the_whole_hand_over_over_the_api(client, consultant, lead, advisor, signature_url):
    client.force_login(consultant)
    created = send(client, "post", f"/leads/{lead.pk}/deliveries", {
        "scheduled_at": "2026-03-11T10:00:00+08:00", "place": "交车区1号位", "service_advisor_id": advisor.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "scheduled" and body["service_advisor"]["name"] == "孙师傅" and body["car"]["vin"]
    pk = body["id"]

    response = send(client, "post", f"/deliveries/{pk}/pdi", {"results": ALL_PDI, "inspector_id": advisor.pk})
    assert response.status_code == 200 and response.json()["pdi_signed_at"]
    response = send(client, "put", f"/deliveries/{pk}/checklist", {"items": PETROL_CHECKLIST,
                                                                   "first_service_due": "2026-09-10"})
    assert response.status_code == 200 and response.json()["checklist_missing"] == []
    response = send(client, "post", f"/deliveries/{pk}/signature", {"signer_name": "张三", "signature": signature_url})
    assert response.status_code == 200 and response.json()["signed_at"]
    upload = client.post(f"{API}/deliveries/{pk}/photos", {"photo": SimpleUploadedFile("a.png", png(), "image/png"),
                                                           "caption": "交钥匙"})
    assert upload.status_code == 201 and upload.json()["width"] == 200
    assert client.get(upload.json()["url"]).status_code == 200
    done = send(client, "post", f"/deliveries/{pk}/complete")
    assert done.status_code == 200 and done.json()["status"] == "completed"


def test_completion_too_early_answers_400_with_every_missing_step_in_fields(client, consultant, delivery):
    client.force_login(consultant)
    response = send(client, "post", f"/deliveries/{delivery.pk}/complete")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "pdi_missing"
    assert {"pdi", "checklist", "signature"} <= set(body["fields"])


def test_refusals_name_the_api_fields(client, consultant, lead, delivery, colleague):
    client.force_login(consultant)
    response = send(client, "put", f"/deliveries/{delivery.pk}/appointment", {
        "scheduled_at": "2026-03-11T10:00:00+08:00", "place": "交车区", "service_advisor_id": colleague.pk})
    assert response.status_code == 400 and "service_advisor_id" in response.json()["fields"]
    response = send(client, "post", f"/deliveries/{delivery.pk}/pdi", {"results": ALL_PDI, "inspector_id": 10**6})
    assert response.status_code == 400 and "inspector_id" in response.json()["fields"]


def test_malformed_input_is_422_never_500(client, consultant, delivery):
    client.force_login(consultant)
    assert send(client, "post", f"/deliveries/{delivery.pk}/pdi", {"results": "yes"}).status_code == 422
    assert send(client, "put", f"/deliveries/{delivery.pk}/checklist", {"items": {}, "first_service_km": -5}).status_code == 422
    assert send(client, "post", f"/deliveries/{delivery.pk}/signature", {"signer_name": "张三",
                                                                         "signature": "x", "extra": 1}).status_code == 422
    bad = client.post(f"{API}/deliveries/{delivery.pk}/photos", {"photo": SimpleUploadedFile("a.png", b"GIF89a", "image/png")})
    assert bad.status_code == 400 and bad.json()["fields"] == {"photo": ["Upload a JPEG or PNG photo."]}
    assert not DeliveryPhoto.objects.exists()


def test_a_colleague_and_another_store_get_404(client, colleague, outsider, lead, delivery, advisor):
    photo = services.delivery_add_photo(actor=lead.owner, delivery=delivery, data=png())
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(f"{API}/deliveries/{delivery.pk}").status_code == 404
        assert send(client, "post", f"/deliveries/{delivery.pk}/complete").status_code == 404
        assert client.get(f"{API}/deliveries/{delivery.pk}/photos").status_code == 404
        assert client.delete(f"{API}/deliveries/photos/{photo.pk}").status_code == 404
        assert send(client, "post", f"/leads/{lead.pk}/deliveries", {
            "scheduled_at": "2026-03-11T10:00:00+08:00", "place": "交车区", "service_advisor_id": advisor.pk}).status_code == 404
        assert client.get(f"{API}/deliveries").json()["items"] == []


def test_the_week_list_costs_the_same_queries_with_one_or_many_deliveries(client, consultant, delivery, trim, advisor):
    client.force_login(consultant)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(f"{API}/deliveries").json()["items"]) == 1
    for i in range(3):
        lead, _order = ordered_lead(consultant, trim, name=f"客户{i}", mobile=f"1390000{i:04d}")
        services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY, 11 + i), place="交车区",
                                   service_advisor=advisor)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(f"{API}/deliveries").json()["items"]) == 4
    assert len(many) == len(one)


def test_every_endpoint_is_in_the_openapi_schema(client, consultant):
    client.force_login(consultant)
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/deliveries", "/api/v1/leads/{lead_id}/deliveries", "/api/v1/deliveries/{delivery_id}/pdi",
                 "/api/v1/deliveries/{delivery_id}/checklist", "/api/v1/deliveries/{delivery_id}/signature",
                 "/api/v1/deliveries/{delivery_id}/photos", "/api/v1/deliveries/{delivery_id}/complete",
                 "/api/v1/deliveries/{delivery_id}/appointment"):
        assert path in paths
