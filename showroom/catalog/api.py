"""The catalog over JSON under /api/v1/catalog: brands, series, trims (search and detail), and their upkeep.

Every endpoint calls the same selectors and services as the pages; another group's catalog is a 404.
"""


import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from showroom.core.api import Body, Id, Input, Money, Pagination
from showroom.core.errors import DomainError, NotFound

from . import selectors, services
from .models import BodyType, ColourKind, Drive, Powertrain

router = Router(tags=["catalog"])

SmallInt = Field(None, ge=0, le=100_000)


# --- Output -------------------------------------------------------------------------------------

class BrandOut(Schema):
    id: int
    name: str
    is_own: bool
    is_active: bool
    sort_order: int


class BrandRef(Schema):
    id: int
    name: str
    is_own: bool


class SeriesOut(Schema):
    id: int
    brand: BrandRef
    name: str
    maker: str
    body_type: BodyType
    is_active: bool
    sort_order: int


class SeriesRef(Schema):
    id: int
    name: str
    maker: str
    body_type: BodyType


class TrimOut(Schema):
    id: int
    brand: BrandRef
    series: SeriesRef
    name: str
    model_year: int
    guide_price: Decimal
    powertrain: Powertrain
    new_energy: bool
    displacement_cc: int | None
    battery_kwh: Decimal | None
    range_km: int | None
    seats: int
    drive: Drive
    power_kw: int | None
    acceleration_s: Decimal | None
    length_mm: int | None
    wheelbase_mm: int | None
    key_equipment: list[str]
    nev_tax_catalogue: bool = Field(..., description="New energy: listed for the NEV purchase-tax reduction.")
    vessel_tax_exempt: bool = Field(..., description="New energy: listed as exempt from vehicle and vessel tax (always "
                                                     "true for a battery electric car, which is outside the tax).")
    is_active: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_brand(obj):
        return obj.series.brand

    @staticmethod
    def resolve_new_energy(obj) -> bool:
        return obj.is_new_energy

    @staticmethod
    def resolve_key_equipment(obj) -> list[str]:
        return obj.equipment_list


class ColourOut(Schema):
    id: int
    kind: ColourKind
    name: str
    code: str
    surcharge: Decimal


class OptionOut(Schema):
    id: int
    name: str
    code: str
    description: str
    price: Decimal


class AccessoryOut(Schema):
    id: int
    name: str
    code: str
    category: str
    price: Decimal
    series_id: int | None


class TrimDetailOut(TrimOut):
    colours: list[ColourOut]
    options: list[OptionOut]
    accessories: list[AccessoryOut]


# --- Input --------------------------------------------------------------------------------------

class TrimFiltersIn(Input):
    q: str = Field("", max_length=100, description="Words in the trim, series, brand or maker name.")
    brand_id: Id | None = None
    own_brand: bool | None = Field(None, description="true: our brand only; false: competitors only.")
    series_id: Id | None = None
    powertrain: list[Powertrain] = Field(default_factory=list)
    body_type: list[BodyType] = Field(default_factory=list)
    seats_min: int | None = Field(None, ge=1, le=9)
    price_min: Money | None = None
    price_max: Money | None = None
    active_only: bool = True
    order: Literal["price", "-price", "series", "-year", "name"] = "price"

    def to_kwargs(self) -> dict:
        return {"query": self.q, "brand_id": self.brand_id, "own_brand": self.own_brand, "series_id": self.series_id,
                "powertrain": [p.value for p in self.powertrain], "body_type": [b.value for b in self.body_type],
                "seats_min": self.seats_min, "price_min": self.price_min, "price_max": self.price_max,
                "active_only": self.active_only, "order": self.order}


class BrandIn(Body):
    name: str = Field(..., max_length=50)
    is_own: bool = False
    sort_order: int = Field(0, ge=0, le=32767)


class BrandPatchIn(Body):
    name: str = Field(None, max_length=50)
    is_own: bool = None  # type: ignore[assignment]  # omitted: unchanged
    sort_order: int = Field(None, ge=0, le=32767)
    is_active: bool = Field(None, description="false retires the brand, true reinstates it.")


class SeriesIn(Body):
    brand_id: Id
    name: str = Field(..., max_length=50)
    maker: str = Field("", max_length=50)
    body_type: BodyType
    sort_order: int = Field(0, ge=0, le=32767)


class SeriesPatchIn(Body):
    name: str = Field(None, max_length=50)
    maker: str = Field(None, max_length=50)
    body_type: BodyType = None  # type: ignore[assignment]
    sort_order: int = Field(None, ge=0, le=32767)
    is_active: bool = Field(None, description="false takes the series off sale, true puts it back.")


class _TrimFields(Body):
    name: str = Field(None, max_length=100)
    model_year: int = Field(None, ge=2000, le=2100)
    guide_price: Money = Field(None, description="Yuan, above zero.")
    powertrain: Powertrain = None  # type: ignore[assignment]
    displacement_cc: int | None = SmallInt
    battery_kwh: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    range_km: int | None = SmallInt
    seats: int = Field(None, ge=0, le=100)
    drive: Drive = None  # type: ignore[assignment]
    power_kw: int | None = SmallInt
    acceleration_s: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    length_mm: int | None = SmallInt
    wheelbase_mm: int | None = SmallInt
    key_equipment: list[str] = Field(None, max_length=100, description="One item per entry.")
    nev_tax_catalogue: bool = Field(None, description="New energy only: listed for the NEV purchase-tax reduction. "
                                    "Omitted on a new trim: yes for a new-energy car that can be listed.")
    vessel_tax_exempt: bool = Field(None, description="New energy only: listed as exempt from vehicle and vessel tax "
                                    "(a battery electric car always is). Omitted on a new trim: yes for a new-energy car.")


class TrimIn(_TrimFields):
    series_id: Id
    name: str = Field(..., max_length=100)
    model_year: int = Field(..., ge=2000, le=2100)
    guide_price: Money = Field(..., description="Yuan, above zero.")
    powertrain: Powertrain
    seats: int = Field(..., ge=0, le=100)
    drive: Drive


class TrimPatchIn(_TrimFields):
    is_active: bool = Field(None, description="false takes the trim off sale, true puts it back.")


def _trim_fields(data: dict) -> dict:
    if data.get("key_equipment") is not None:
        data["key_equipment"] = "\n".join(data["key_equipment"])
    return data


def _patch(actor, obj, data: dict, *, argument: str, retire, reinstate, update):
    """Retire or reinstate and change the record in one transaction: a refused change leaves it as it was."""
    active = data.pop("is_active", None)
    with transaction.atomic():
        if active is not None:
            obj = (reinstate if active else retire)(actor=actor, **{argument: obj})
        if data:
            obj = update(actor=actor, fields=data, **{argument: obj})
    return obj


# --- Endpoints ----------------------------------------------------------------------------------

@router.get("/brands", response=list[BrandOut])
def list_brands(request, active_only: bool = True):
    """The brands of your dealer group: ours first, then the competitors."""
    return list(selectors.brands_for(request.auth, active_only=active_only))


@router.post("/brands", response={201: BrandOut})
def create_brand(request, payload: BrandIn):
    """Add a brand (admins)."""
    return Reply(201, services.brand_create(actor=request.auth, fields=payload.dict()))


@router.patch("/brands/{brand_id}", response=BrandOut)
def update_brand(request, brand_id: Id, payload: BrandPatchIn):
    """Rename a brand, mark it ours or a competitor, retire or reinstate it (admins)."""
    actor = request.auth
    brand = selectors.brand_get(actor, brand_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _patch(actor, brand, data, argument="brand", retire=services.brand_retire,
                  reinstate=services.brand_reinstate, update=services.brand_update)


@router.get("/series", response=list[SeriesOut])
def list_series(request, own_brand: bool | None = None, brand_id: Id | None = None, active_only: bool = True):
    """The model lines of your group, with their brand."""
    return list(selectors.series_for(request.auth, own_brand, active_only=active_only, brand_id=brand_id))


@router.post("/series", response={201: SeriesOut})
def create_series(request, payload: SeriesIn):
    """Add a series to a brand (admins)."""
    data = payload.dict()
    brand = selectors.brand_get(request.auth, data.pop("brand_id"))
    return Reply(201, services.series_create(actor=request.auth, brand=brand, fields=data))


@router.patch("/series/{series_id}", response=SeriesOut)
def update_series(request, series_id: Id, payload: SeriesPatchIn):
    """Change a series, take it off sale or put it back (admins)."""
    actor = request.auth
    series = selectors.series_get(actor, series_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    _patch(actor, series, data, argument="series", retire=services.series_retire,
           reinstate=services.series_reinstate, update=services.series_update)
    return selectors.series_get(actor, series_id)


@router.get("/trims", response=list[TrimOut])
@paginate(Pagination, page_size=25)
def list_trims(request, filters: TrimFiltersIn = Query(...)):  # noqa: B008
    """Search the trims of your group by brand (ours or competitors), series, powertrain, body, seats and guide price."""
    return selectors.trim_search(request.auth, **filters.to_kwargs())


@router.get("/trims/{trim_id}", response=TrimDetailOut)
def get_trim(request, trim_id: Id):
    """One trim with its colours, option packages and the accessories that fit it."""
    trim = selectors.trim_get(request.auth, trim_id)
    sheet = selectors.trim_sheet(request.auth, trim)
    trim.colours = [*sheet["exterior"], *sheet["interior"]]
    trim.options = sheet["options"]
    trim.accessories = sheet["accessories"]
    return trim


@router.post("/trims", response={201: TrimOut})
def create_trim(request, payload: TrimIn):
    """Add a trim with its guide price and specifications (admins); the powertrain decides which specs are required."""
    data = _trim_fields(payload.dict())
    series = selectors.series_get(request.auth, data.pop("series_id"))
    trim = services.trim_create(actor=request.auth, series=series, fields=data)
    return Reply(201, selectors.trim_get(request.auth, trim.pk))


@router.patch("/trims/{trim_id}", response=TrimOut)
def update_trim(request, trim_id: Id, payload: TrimPatchIn):
    """Change a trim's price or specifications, take it off sale or put it back (admins)."""
    actor = request.auth
    trim = selectors.trim_get(actor, trim_id)
    data = _trim_fields(payload.dict(exclude_unset=True))
    _patch(actor, trim, data, argument="trim", retire=services.trim_retire, reinstate=services.trim_reinstate,
           update=services.trim_update)
    return selectors.trim_get(actor, trim_id)


# --- Colours, option packages, accessories ----------------------------------------------------------

class ColourIn(Body):
    kind: ColourKind = ColourKind.EXTERIOR
    name: str = Field(..., max_length=50)
    code: str = Field("", max_length=20)
    surcharge: Money = Field(Decimal("0"), description="Yuan; 0 for a standard colour.")


class ColourPatchIn(Body):
    kind: ColourKind = None  # type: ignore[assignment]
    name: str = Field(None, max_length=50)
    code: str = Field(None, max_length=20)
    surcharge: Money = None  # type: ignore[assignment]
    is_active: bool = Field(None, description="false stops offering the colour, true offers it again.")


class OptionIn(Body):
    name: str = Field(..., max_length=100)
    code: str = Field("", max_length=20)
    description: str = Field("", max_length=2000)
    price: Money


class OptionPatchIn(Body):
    name: str = Field(None, max_length=100)
    code: str = Field(None, max_length=20)
    description: str = Field(None, max_length=2000)
    price: Money = None  # type: ignore[assignment]
    is_active: bool = Field(None, description="false stops offering the package, true offers it again.")


class AccessoryIn(Body):
    brand_id: Id
    series_id: Id | None = Field(None, description="The series it fits; null: every series of the brand.")
    name: str = Field(..., max_length=100)
    code: str = Field("", max_length=30)
    category: str = Field("", max_length=50)
    price: Money


class AccessoryPatchIn(Body):
    series_id: Id | None = None
    name: str = Field(None, max_length=100)
    code: str = Field(None, max_length=30)
    category: str = Field(None, max_length=50)
    price: Money = None  # type: ignore[assignment]
    is_active: bool = Field(None, description="false stops selling the accessory, true sells it again.")


class ColourFullOut(ColourOut):
    series_id: int
    is_active: bool


class OptionFullOut(OptionOut):
    series_id: int
    is_active: bool


class AccessoryFullOut(AccessoryOut):
    brand_id: int
    is_active: bool


def _get(queryset, pk):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def _present(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}


@router.get("/series/{series_id}/colours", response=list[ColourFullOut])
def list_colours(request, series_id: Id, active_only: bool = True):
    """The paints and interiors of a series, with their surcharge."""
    series = selectors.series_get(request.auth, series_id)
    return list(selectors.colours_for(request.auth, series_id=series.pk, active_only=active_only))


@router.post("/series/{series_id}/colours", response={201: ColourFullOut})
def create_colour(request, series_id: Id, payload: ColourIn):
    """Add a colour to a series (admins)."""
    series = selectors.series_get(request.auth, series_id)
    return Reply(201, services.colour_create(actor=request.auth, series=series, fields=payload.dict()))


@router.patch("/colours/{colour_id}", response=ColourFullOut)
def update_colour(request, colour_id: Id, payload: ColourPatchIn):
    """Change a colour, stop offering it or offer it again (admins)."""
    actor = request.auth
    colour = _get(selectors.colours_for(actor, active_only=False), colour_id)
    data = _present(payload.dict(exclude_unset=True))
    return _patch(actor, colour, data, argument="colour", retire=services.colour_retire,
                  reinstate=services.colour_reinstate, update=services.colour_update)


@router.get("/series/{series_id}/options", response=list[OptionFullOut])
def list_options(request, series_id: Id, active_only: bool = True):
    """The factory option packages of a series, with their price."""
    series = selectors.series_get(request.auth, series_id)
    return list(selectors.options_for(request.auth, series_id=series.pk, active_only=active_only))


@router.post("/series/{series_id}/options", response={201: OptionFullOut})
def create_option(request, series_id: Id, payload: OptionIn):
    """Add an option package to a series (admins)."""
    series = selectors.series_get(request.auth, series_id)
    return Reply(201, services.option_create(actor=request.auth, series=series, fields=payload.dict()))


@router.patch("/options/{option_id}", response=OptionFullOut)
def update_option(request, option_id: Id, payload: OptionPatchIn):
    """Change an option package, stop offering it or offer it again (admins)."""
    actor = request.auth
    option = _get(selectors.options_for(actor, active_only=False), option_id)
    data = _present(payload.dict(exclude_unset=True))
    return _patch(actor, option, data, argument="option", retire=services.option_retire,
                  reinstate=services.option_reinstate, update=services.option_update)


@router.get("/accessories", response=list[AccessoryFullOut])
def list_accessories(request, brand_id: Id | None = None, active_only: bool = True):
    """The dealer accessories (精品) of your group's brands, with their price."""
    return list(selectors.accessories_for(request.auth, brand_id=brand_id, active_only=active_only))


def _accessory_series(actor, brand_id: int, series_id):
    if series_id is None:
        return None
    series = selectors.series_for(actor, active_only=False, brand_id=brand_id).filter(pk=series_id).first()
    if series is None:
        raise DomainError(_("Choose a series of this brand, or none for every series."), code="series_invalid",
                          field="series_id")
    return series


@router.post("/accessories", response={201: AccessoryFullOut})
def create_accessory(request, payload: AccessoryIn):
    """Add an accessory for one series or every series of a brand (admins)."""
    actor = request.auth
    data = payload.dict()
    brand = selectors.brand_get(actor, data.pop("brand_id"))
    data["series"] = _accessory_series(actor, brand.pk, data.pop("series_id"))
    return Reply(201, services.accessory_create(actor=actor, brand=brand, fields=data))


@router.patch("/accessories/{accessory_id}", response=AccessoryFullOut)
def update_accessory(request, accessory_id: Id, payload: AccessoryPatchIn):
    """Change an accessory, stop selling it or sell it again (admins)."""
    actor = request.auth
    accessory = _get(selectors.accessories_for(actor, active_only=False), accessory_id)
    data = payload.dict(exclude_unset=True)
    if "series_id" in data:
        data["series"] = _accessory_series(actor, accessory.brand_id, data.pop("series_id"))
    data = {k: v for k, v in data.items() if v is not None or k == "series"}
    return _patch(actor, accessory, data, argument="accessory", retire=services.accessory_retire,
                  reinstate=services.accessory_reinstate, update=services.accessory_update)
