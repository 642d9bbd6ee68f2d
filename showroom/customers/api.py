import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.accounts.capabilities import Capability, require
from showroom.core.api import Body, Id, Input, Pagination, Version
from showroom.core.choices import Source

from . import selectors, services
from .models import ConsentKind, ConsentMethod, Customer, CustomerKind, Gender

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    kind: CustomerKind
    name: str
    contact_name: str
    mobile_masked: str = Field(..., alias="masked_mobile")
    wechat_id: str
    gender: str
    city: str
    district: str
    id_number_masked: str = Field(..., alias="masked_id_number")
    source: str
    notes: str
    owner_id: int | None
    consent_contact: bool
    consent_marketing: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CustomerFieldsIn(Body):
    """Who the customer is (also the `customer` of a new lead, whose source is the lead's)."""

    kind: CustomerKind = CustomerKind.PERSON
    name: str = Field(..., min_length=1, max_length=100)
    contact_name: str = Field("", max_length=50)
    mobile: str = Field("", max_length=30)
    wechat_id: str = Field("", max_length=50)
    gender: Gender = Gender.UNKNOWN
    city: str = Field("", max_length=30)
    district: str = Field("", max_length=30)
    id_number: str = Field("", max_length=20)


class CustomerIn(CustomerFieldsIn):
    source: Source | Literal[""] = ""
    notes: str = Field("", max_length=5000)


class CustomerPatch(Body):
    # Omitted fields stay as they are; null is refused (send "" to clear a text field).
    version: Version
    kind: CustomerKind = None  # type: ignore[assignment]
    name: str = Field(None, min_length=1, max_length=100)
    contact_name: str = Field(None, max_length=50)
    mobile: str = Field(None, max_length=30)
    wechat_id: str = Field(None, max_length=50)
    gender: Gender = None  # type: ignore[assignment]
    city: str = Field(None, max_length=30)
    district: str = Field(None, max_length=30)
    id_number: str = Field(None, max_length=20)
    source: Source | Literal[""] = None  # type: ignore[assignment]
    notes: str = Field(None, max_length=5000)


class CreatedCustomerOut(Schema):
    created: bool
    customer: CustomerOut


class ConsentIn(Body):
    kind: ConsentKind
    granted: bool
    method: ConsentMethod
    note: str = Field("", max_length=200)


class RevealIn(Body):
    field: str = Field(..., pattern="^(mobile|id_number)$")
    purpose: str = Field("", max_length=100)


class RevealOut(Schema):
    field: str
    value: str


class MergeIn(Body):
    duplicate_id: Id


def _get(request, customer_id: Id) -> Customer:
    return get_object_or_404(selectors.customers_for(request.auth), pk=customer_id)


class CustomerFiltersIn(Input):
    q: str = Field("", max_length=100)
    owner_id: Id | None = None
    kind: CustomerKind | None = None
    order: Literal[selectors.SORTS] = "-created_at"  # type: ignore[valid-type]


@router.get("", response=list[CustomerOut])
@paginate(Pagination, page_size=25)
def list_customers(request, filters: CustomerFiltersIn = Query(...)):  # noqa: B008
    """Customers you may see; `q` searches name, pinyin (zs finds 张三), full mobile or its last four digits."""
    require(request.auth, Capability.VIEW_CUSTOMERS)  # reception matches by mobile only (GET /visits/match)
    return selectors.customer_pages(request.auth, query=filters.q, owner_id=filters.owner_id, kind=filters.kind or "",
                                    order=filters.order)


@router.post("", response={201: CreatedCustomerOut, 200: CreatedCustomerOut})
def create_customer(request, payload: CustomerIn):
    """File a prospect; a mobile already on file answers 200 with the existing customer."""
    customer, created = services.customer_create(actor=request.auth, fields=payload.dict())
    return Reply(201 if created else 200, {"created": created, "customer": customer})


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request, customer_id: Id):
    return _get(request, customer_id)


@router.patch("/{customer_id}", response=CustomerOut)
def update_customer(request, customer_id: Id, payload: CustomerPatch):
    """Edit; send the `version` you read — a newer save by someone else answers 409."""
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.customer_update(actor=request.auth, customer=_get(request, customer_id), fields=data,
                                    expected_version=version)


@router.post("/{customer_id}/consents", response={201: dict})
def record_consent(request, customer_id: Id, payload: ConsentIn):
    record = services.customer_record_consent(actor=request.auth, customer=_get(request, customer_id), **payload.dict())
    return Reply(201, {"id": record.pk, "kind": record.kind, "granted": record.granted, "recorded_at": record.recorded_at.isoformat()})


@router.post("/{customer_id}/reveal", response=RevealOut)
def reveal(request, customer_id: Id, payload: RevealIn):
    """The full mobile or ID number; every reveal is logged."""
    value = services.customer_reveal(actor=request.auth, customer=_get(request, customer_id), field=payload.field,
                                     purpose=payload.purpose)
    return {"field": payload.field, "value": value}


@router.post("/{customer_id}/merge", response=CustomerOut)
def merge(request, customer_id: Id, payload: MergeIn):
    """Merge another customer record into this one (managers)."""
    survivor = _get(request, customer_id)
    duplicate = _get(request, payload.duplicate_id)
    return services.customer_merge(actor=request.auth, survivor=survivor, duplicate=duplicate)
