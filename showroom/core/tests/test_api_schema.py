import json
import re

from django.contrib.staticfiles import finders

API = "/api/v1"

EXPECTED = {
    "/api/v1/auth/token": {"post"},
    "/api/v1/customers": {"get", "post"},
    "/api/v1/customers/{customer_id}": {"get", "patch"},
    "/api/v1/leads": {"get", "post"},
    "/api/v1/leads/intake": {"post"},
    "/api/v1/leads/{lead_id}": {"get", "patch"},
    "/api/v1/leads/{lead_id}/advance": {"post"},
    "/api/v1/leads/{lead_id}/grade": {"post"},
    "/api/v1/leads/{lead_id}/assign": {"post"},
    "/api/v1/leads/{lead_id}/claim": {"post"},
    "/api/v1/leads/{lead_id}/loss-requests": {"post"},
    "/api/v1/leads/loss-requests/{request_id}/decision": {"post"},
    "/api/v1/leads/{lead_id}/reactivate": {"post"},
    "/api/v1/leads/{lead_id}/timeline": {"get"},
    "/api/v1/leads/{lead_id}/activities": {"get", "post"},
    "/api/v1/tasks": {"get"},
    "/api/v1/leads/{lead_id}/tasks": {"post"},
    "/api/v1/tasks/{task_id}": {"get", "patch"},
    "/api/v1/tasks/{task_id}/complete": {"post"},
    "/api/v1/tasks/{task_id}/cancel": {"post"},
    "/api/v1/visits": {"get", "post"},
    "/api/v1/visits/match": {"get"},
    "/api/v1/visits/{visit_id}/departure": {"post"},
    "/api/v1/visits/{visit_id}/capture": {"post"},
}


def test_the_openapi_schema_is_valid_json_and_lists_every_endpoint(client, db):
    response = client.get(API + "/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Showroom API"
    for path, methods in EXPECTED.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path
    assert {"BearerToken", "Session"} <= set(schema["components"]["securitySchemes"])


def test_every_schema_reference_resolves(client, db):
    schema = client.get(API + "/openapi.json").json()
    text = json.dumps(schema)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in schema["components"]["schemas"], ref


def test_the_stage_transition_endpoint_documents_its_input(client, db):
    schema = client.get(API + "/openapi.json").json()
    advance = schema["paths"]["/api/v1/leads/{lead_id}/advance"]["post"]
    ref = advance["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    body = schema["components"]["schemas"][ref]
    assert body["required"] == ["to"]
    assert {"to", "skip_reason", "version"} <= set(body["properties"])


def test_the_docs_page_loads_its_assets_from_this_server_not_a_cdn(client, db):
    response = client.get(API + "/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    assert not [url for url in assets if url.startswith(("http:", "https:", "//"))]
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset
