"""The OpenAPI schema documents each endpoint's own request body and answer: schema classes of the same name in two
apps would share one component, and the docs of one endpoint would show the other's fields."""

import config.urls  # noqa: F401  (mounts the routers)
from showroom.core.api import api

APPS = ("showroom.catalog.", "showroom.inventory.", "showroom.needs.", "showroom.presentations.", "showroom.testdrives.")


def _operations(*, ours: bool = True):
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                if operation.view_func.__module__.startswith(APPS) or not ours:
                    yield prefix.rstrip("/") + path, operation


def test_every_request_body_of_the_stock_and_sales_steps_documents_its_own_fields():
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    wrong = []
    for path, operation in _operations():
        for model in operation.models:
            if getattr(model, "__ninja_param_source__", None) != "body":
                continue
            for field in model.model_fields.values():
                documented = components[field.annotation.__name__]["properties"]
                accepted = {f.alias or name for name, f in field.annotation.model_fields.items()}
                if set(documented) != accepted:
                    wrong.append((path, field.annotation.__name__))
    assert not wrong


def test_no_schema_of_the_stock_and_sales_steps_shares_its_name_with_another_schema_of_the_api():
    names: dict[str, set] = {}
    for _path, operation in _operations(ours=False):
        for model in (*operation.models, *(m for m in (operation.response_models or {}).values() if m is not None)):
            for field in model.model_fields.values():
                for kind in _classes(field.annotation):
                    names.setdefault(kind.__name__, set()).add(kind)
    shared = {name: kinds for name, kinds in names.items()
              if len(kinds) > 1 and any(kind.__module__.startswith(APPS) for kind in kinds)}
    assert shared == {}


def _classes(annotation) -> list:
    import typing

    from pydantic import BaseModel

    found = [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []
    for inner in typing.get_args(annotation):
        found += _classes(inner)
    for kind in list(found):
        for field in kind.model_fields.values():
            found += [k for k in _classes(field.annotation) if k not in found]
    return found
