"""Stock over JSON under /api/v1/stock: the vehicle list, one vehicle, filing, editing and status moves.

Every endpoint calls the same selectors and services as the pages; another store's vehicle is a 404.
"""


import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db.models import IntegerField, Value
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.catalog.api import BrandRef
from showroom.catalog.models import Powertrain
from showroom.catalog.selectors import colours_for, trims_for
from showroom.core import clock
from showroom.core.api import Body, Day, Id, Input, Pagination, Version, fields_renamed
from showroom.core.errors import DomainError

from . import selectors, services
from .models import VehicleStatus

router = Router(tags=["stock"])

_AS_IDS = {"trim": "trim_id", "exterior_colour": "exterior_colour_id", "interior_colour": "interior_colour_id"}


# --- Output -------------------------------------------------------------------------------------

class StockTrimRef(Schema):
    id: int
    series_id: int
    series: str
    brand: BrandRef
    model_year: int
    name: str
    guide_price: Decimal
    powertrain: Powertrain

    @staticmethod
    def resolve_series(obj) -> str:
        return obj.series.name

    @staticmethod
    def resolve_brand(obj):
        return obj.series.brand


class ColourRef(Schema):
    id: int
    name: str
    code: str
    surcharge: Decimal


class VehicleOut(Schema):
    id: int
    vin: str
    trim: StockTrimRef
    exterior_colour: ColourRef | None
    interior_colour: ColourRef | None
    status: VehicleStatus
    status_label: str
    location: str
    arrival_date: dt.date | None
    days_in_stock: int | None = Field(..., description="Days since arrival while in stock or reserved.")
    aged: bool = Field(..., description="At or past the store's ageing threshold.")
    is_display: bool
    is_test_drive: bool
    plate: str
    notes: str
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(VehicleStatus(obj.status).label)

    @staticmethod
    def resolve_days_in_stock(obj) -> int | None:
        return obj.days_in_stock(clock.today())

    @staticmethod
    def resolve_aged(obj) -> bool:
        days = getattr(obj, "ageing_days", None)
        if days is None:
            days = selectors.ageing_days_for(obj.store_id)
        return obj.is_aged(clock.today(), days)


# --- Input --------------------------------------------------------------------------------------

class VehicleFiltersIn(Input):
    vin: str = Field("", max_length=30, description="The full VIN or its last characters (e.g. the last 6).")
    status: list[VehicleStatus | Literal["all"]] = Field(default_factory=list,
                                                         description="Default: every car not yet delivered.")
    series_id: Id | None = None
    trim_id: Id | None = None
    powertrain: list[Powertrain] = Field(default_factory=list)
    colour_id: Id | None = None
    colour: str = Field("", max_length=50, description="A paint by name, across series (e.g. 冰川白).")
    is_display: bool | None = None
    is_test_drive: bool | None = None
    aged: bool = False
    order: Literal["arrival", "-arrival", "price", "-price", "vin", "series", "status"] = "arrival"

    def to_kwargs(self) -> dict:
        return {"vin": self.vin, "status": [str(s) for s in self.status] or None, "series_id": self.series_id,
                "trim_id": self.trim_id, "powertrain": [p.value for p in self.powertrain] or None,
                "colour_id": self.colour_id, "colour_name": self.colour, "is_display": self.is_display, "is_test_drive": self.is_test_drive,
                "aged": self.aged, "order": self.order}


class _VehicleFields(Body):
    vin: str = Field(None, max_length=30)
    trim_id: Id = None  # type: ignore[assignment]
    exterior_colour_id: Id | None = None
    interior_colour_id: Id | None = None
    location: str = Field(None, max_length=100)
    arrival_date: Day | None = None
    is_display: bool = None  # type: ignore[assignment]
    is_test_drive: bool = None  # type: ignore[assignment]
    plate: str = Field(None, max_length=12)
    notes: str = Field(None, max_length=5000)


class VehicleIn(_VehicleFields):
    vin: str = Field(..., max_length=30, description="17 characters; spaces and dashes are removed.")
    trim_id: Id
    status: VehicleStatus = VehicleStatus.IN_STOCK
    location: str = Field("", max_length=100)
    is_display: bool = False
    is_test_drive: bool = False
    plate: str = Field("", max_length=12)
    notes: str = Field("", max_length=5000)


class VehiclePatchIn(_VehicleFields):
    version: Version = Field(..., description="The version you read; a newer save by someone else answers 409.")


class StatusIn(Body):
    to: VehicleStatus
    version: Version | None = None


# --- Helpers ------------------------------------------------------------------------------------

def _resolve(actor, data: dict) -> dict:
    """Ids to the trim and colours of the actor's catalog; an unknown id is the service's field refusal."""
    if "trim_id" in data:
        data["trim"] = trims_for(actor).filter(pk=data.pop("trim_id")).first()
        if data["trim"] is None:
            raise DomainError(_("Choose a trim of the catalog."), code="trim_invalid", field="trim_id")
    for key in ("exterior_colour", "interior_colour"):
        if f"{key}_id" in data:
            colour_id = data.pop(f"{key}_id")
            data[key] = None if colour_id is None else colours_for(actor, active_only=False).filter(pk=colour_id).first()
            if colour_id is not None and data[key] is None:
                raise DomainError(_("Choose a colour of the catalog."), code="colour_invalid", field=f"{key}_id")
    return data


def _out(actor, vehicle):
    return selectors.vehicle_get(actor, vehicle.pk)


# --- Endpoints ----------------------------------------------------------------------------------

@router.get("/vehicles", response=list[VehicleOut])
@paginate(Pagination, page_size=25)
def list_vehicles(request, filters: VehicleFiltersIn = Query(...)):  # noqa: B008
    """Your store's cars by status, series, trim, powertrain, colour, flags, ageing or VIN, longest in stock first."""
    actor = request.auth
    ageing_days = selectors.ageing_days_for(actor.store_id)
    vehicles = selectors.vehicle_list(actor, ageing_days=ageing_days, **filters.to_kwargs())
    # The store's threshold rides along in each row, so the page needs no query per car.
    return vehicles.annotate(ageing_days=Value(ageing_days, output_field=IntegerField()))


@router.get("/vehicles/{vehicle_id}", response=VehicleOut)
def get_vehicle(request, vehicle_id: Id):
    """One car of your store."""
    return selectors.vehicle_get(request.auth, vehicle_id)


@router.post("/vehicles", response={201: VehicleOut})
def create_vehicle(request, payload: VehicleIn):
    """File a car by its VIN (admins): the check digit is verified, colours must belong to the trim's series, a
    test-drive car needs its plate."""
    actor = request.auth
    with fields_renamed(_AS_IDS):
        vehicle = services.vehicle_create(actor=actor, fields=_resolve(actor, payload.dict()))
    return Reply(201, _out(actor, vehicle))


@router.patch("/vehicles/{vehicle_id}", response=VehicleOut)
def update_vehicle(request, vehicle_id: Id, payload: VehiclePatchIn):
    """Correct a car (admins); send the `version` you read — a newer save answers 409."""
    actor = request.auth
    vehicle = selectors.vehicle_get(actor, vehicle_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    with fields_renamed(_AS_IDS):
        services.vehicle_update(actor=actor, vehicle=vehicle, fields=_resolve(actor, data), expected_version=version)
    return _out(actor, vehicle)


@router.post("/vehicles/{vehicle_id}/status", response=VehicleOut)
def change_status(request, vehicle_id: Id, payload: StatusIn):
    """Move a car on: factory order → in transit → in stock → reserved → sold → delivered (admins)."""
    actor = request.auth
    vehicle = selectors.vehicle_get(actor, vehicle_id)
    services.vehicle_change_status(actor=actor, vehicle=vehicle, to=payload.to, expected_version=payload.version)
    return _out(actor, vehicle)
