"""Keeping the catalog: brands, series, trims, colours, option packages and accessories of the dealer group.

Store and group admins (MANAGE_STORE) maintain their group's catalog. Nothing is deleted: a trim a vehicle, a
quote or an order refers to is retired (taken off sale) and can be reinstated. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.core import clock
from showroom.core.clock import YEARS
from showroom.core.errors import DomainError, NotFound
from showroom.core.money import MAX_AMOUNT, parse_money

from .models import (
    TAX_LISTINGS,
    Accessory,
    BodyType,
    Brand,
    Colour,
    ColourKind,
    Drive,
    OptionPackage,
    Powertrain,
    Series,
    Trim,
)
from .scope import actor_group_id

BRAND_FIELDS = ("name", "is_own", "sort_order")
SERIES_FIELDS = ("name", "maker", "body_type", "sort_order")
TRIM_FIELDS = ("name", "model_year", "guide_price", "powertrain", "displacement_cc", "battery_kwh", "range_km", "seats",
               "drive", "power_kw", "acceleration_s", "length_mm", "wheelbase_mm", "key_equipment", "nev_tax_catalogue",
               "vessel_tax_exempt")
# The 2026 technical bar of the NEV purchase-tax catalogue (domain reference §3.1): a plug-in hybrid or range
# extender needs at least 100 km of electric range (CLTC) to be listed from 2026 on.
NEV_CATALOGUE_BAR_FROM = dt.date(2026, 1, 1)
NEV_CATALOGUE_MIN_RANGE_KM = 100
COLOUR_FIELDS = ("kind", "name", "code", "surcharge")
OPTION_FIELDS = ("name", "code", "description", "price")
ACCESSORY_FIELDS = ("series", "name", "code", "category", "price")

# Yes and no as a form, the API or a sheet (in English or Chinese) writes them.
YES = frozenset({"1", "true", "yes", "y", "on", "是", "有", "√", "✓", "列入", "已列入", "免征", "减免"})
NO = frozenset({"0", "false", "no", "n", "off", "否", "无", "×", "✗", "未列入", "不免征", "不减免"})

# Units people write after a number in a sheet or a form ("1984cc", "80 kWh", "5.6s", "4,903 mm").
_UNITS = re.compile(r"(cc|ml|毫升|kwh|度|km|公里|kw|千瓦|秒|s|mm|毫米|座|人|年款|款|年)$", re.IGNORECASE)


# --- Checking input -------------------------------------------------------------------------------

class _Fields:
    """Checks the fields of one record and collects every refusal, so a form or a sheet row shows them all."""

    def __init__(self, raw: dict, current=None):
        self.raw = raw
        self.current = current
        self.clean: dict = {}
        self.errors: dict[str, tuple[str, str]] = {}

    def value(self, key: str):
        """The value after this change: the new one if given, else the record's current one."""
        if key in self.clean:
            return self.clean[key]
        if key in self.errors:
            return None
        return getattr(self.current, key, None) if self.current is not None else None

    def fail(self, key: str, message: str, code: str) -> None:
        self.errors.setdefault(key, (code, message))

    def text(self, key: str, *, max_length: int, required: bool = False, label_required: str = "") -> None:
        if key not in self.raw:
            if self.current is None:
                if required:
                    self.fail(key, label_required, f"{key}_required")
                else:
                    self.clean[key] = ""
            return
        value = self.raw[key]
        text = "" if value is None else str(value).replace("\x00", "").strip()
        if required and not text:
            self.fail(key, label_required, f"{key}_required")
        elif len(text) > max_length:
            self.fail(key, _("At most %(n)d characters.") % {"n": max_length}, f"{key}_too_long")
        else:
            self.clean[key] = text

    def choice(self, key: str, choices: type, message: str, *, default=None) -> None:
        if key not in self.raw:
            if self.current is None:
                if default is None:
                    self.fail(key, message, f"{key}_invalid")
                else:
                    self.clean[key] = default
            return
        value = self.raw[key]
        if value not in choices.values:
            self.fail(key, message, f"{key}_invalid")
        else:
            self.clean[key] = str(value)

    def number(self, key: str, *, low, high, message: str, places: int = 0) -> None:
        """A whole number (places=0) or a decimal with `places` digits within [low, high]; empty is None."""
        if key not in self.raw:
            if self.current is None:
                self.clean[key] = None
            return
        value = self.raw[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            self.clean[key] = None
            return
        if isinstance(value, bool):
            self.fail(key, message, f"{key}_invalid")
            return
        text = _UNITS.sub("", str(value).strip().replace(",", "").replace("，", "")).strip()
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            self.fail(key, message, f"{key}_invalid")
            return
        if not number.is_finite() or not low <= number <= high:
            self.fail(key, message, f"{key}_invalid")
            return
        if places == 0:
            if number != number.to_integral_value():
                self.fail(key, message, f"{key}_invalid")
                return
            self.clean[key] = int(number)
        else:
            self.clean[key] = number.quantize(Decimal(1).scaleb(-places))

    def money(self, key: str, *, positive: bool, message: str, default: Decimal | None = None) -> None:
        if key not in self.raw:
            if self.current is None:
                if default is None:
                    self.fail(key, message, f"{key}_required")
                else:
                    self.clean[key] = default
            return
        value = self.raw[key]
        try:
            amount = parse_money(None if value is None else str(value))
        except (ValueError, TypeError):
            self.fail(key, message, f"{key}_invalid")
            return
        if amount is None:
            if default is None:
                self.fail(key, message, f"{key}_required")
            else:
                self.clean[key] = default
        elif amount > MAX_AMOUNT or (positive and amount <= 0):
            self.fail(key, message, f"{key}_invalid")
        else:
            self.clean[key] = amount

    def flag(self, key: str, *, default: bool = False) -> None:
        if key in self.raw:
            value = self.raw[key]
            self.clean[key] = value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on", "是")
        elif self.current is None:
            self.clean[key] = default

    def yes_no(self, key: str, message: str) -> None:
        """Yes or no (a bool, or yes/no, 是/否 and the like); left out, None or empty: not given, so unchanged."""
        value = self.raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        if isinstance(value, bool):
            self.clean[key] = value
            return
        text = str(value).strip().lower()
        if text in YES or text in NO:
            self.clean[key] = text in YES
        else:
            self.fail(key, message, f"{key}_invalid")

    def done(self) -> dict:
        """The clean fields; a DomainError naming every field at fault otherwise (the first one as its message)."""
        if self.errors:
            first_key, (code, message) = next(iter(self.errors.items()))
            raise DomainError(message, code=code, field=first_key,
                              fields={key: [msg] for key, (_code, msg) in self.errors.items()})
        return self.clean


def _group_id(actor) -> int:
    """The dealer group whose catalog the actor keeps; only store and group admins keep it."""
    require(actor, Capability.MANAGE_STORE)
    group_id = actor_group_id(actor)
    if group_id is None:
        raise DomainError(_("Your account belongs to no dealer group."), code="group_required")
    return group_id


def _own(group_id: int, brand: Brand) -> None:
    if brand.group_id != group_id:
        raise NotFound()


def _unique(qs, *, field: str, message: str) -> None:
    if qs.exists():
        raise DomainError(message, code=f"{field}_taken", field=field)


def _snapshot(obj, fields) -> dict:
    return {f: (getattr(obj, f"{f}_id") if f == "series" else getattr(obj, f)) for f in (*fields, "is_active")}


def _write(obj, *, update_fields: list[str] | None, unique_field: str, unique_message: str) -> None:
    """Save, turning a unique-constraint race (two admins adding the same name) into the field's message."""
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError:
        raise DomainError(unique_message, code=f"{unique_field}_taken", field=unique_field) from None


def _apply(actor, obj, clean: dict, *, entity: str, fields, unique_field: str, unique_message: str) -> None:
    before = _snapshot(obj, fields)
    for key, value in clean.items():
        setattr(obj, key, value)
    _write(obj, update_fields=[*clean, "updated_at"], unique_field=unique_field, unique_message=unique_message)
    after = _snapshot(obj, fields)
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    if changes:  # filed under the admin's store, as catalog rows have none of their own
        audit.record(actor=actor, action=f"catalog.{entity}_updated", target=obj, data={"changes": changes},
                     store_id=actor.store_id)


def _created(actor, obj, *, entity: str, fields) -> None:
    # Catalog rows have no store of their own: the entry is filed under the admin's store.
    audit.record(actor=actor, action=f"catalog.{entity}_created", target=obj, data=_snapshot(obj, fields),
                 store_id=actor.store_id)


def _create(actor, model, *, parent: dict, clean: dict, unique: tuple[str, ...], taken, entity: str, fields):
    """Add a catalog record under its `parent` ({field: brand, series or group id}) from `clean` fields; refused with
    `taken(record, **values)` when the parent already has one of the same `unique` values; audited."""
    record = model(**parent, **clean)
    values = {key: clean[key] for key in unique}
    message = taken(record, **values)
    with transaction.atomic():
        _unique(model.objects.filter(**parent, **values), field="name", message=message)
        _write(record, update_fields=None, unique_field="name", unique_message=message)
        _created(actor, record, entity=entity, fields=fields)
    return record


def _update(actor, model, pk, *, scope: str, related: tuple = (), raw: dict, clean, parent: str,
            unique: tuple[str, ...], taken, entity: str, fields):
    """Change a catalog record of the actor's group (`scope`: the path to its group): the given `fields` of `raw`,
    checked by `clean(raw, record)`; refused with `taken(record, **values)` when another record of its `parent`
    already has the new `unique` values; the changes audited."""
    group_id = _group_id(actor)
    with transaction.atomic():
        record = _locked(model, pk, related=related, **{scope: group_id})
        cleaned = clean({k: v for k, v in raw.items() if k in fields}, record)
        values = {key: cleaned.get(key, getattr(record, key)) for key in unique}
        message = taken(record, **values)
        if any(key in cleaned for key in unique):
            siblings = model.objects.filter(**{f"{parent}_id": getattr(record, f"{parent}_id")}, **values)
            _unique(siblings.exclude(pk=record.pk), field="name", message=message)
        _apply(actor, record, cleaned, entity=entity, fields=fields, unique_field="name", unique_message=message)
    return record


def _set_active(actor, model, pk, group_path: str, active: bool, *, entity: str):
    """Retire (take off sale) or reinstate; the record stays for the vehicles, quotes and orders that name it."""
    group_id = _group_id(actor)
    with transaction.atomic():
        try:
            obj = model.objects.select_for_update().get(pk=pk, **{group_path: group_id})
        except model.DoesNotExist:
            raise NotFound() from None
        if obj.is_active != active:
            obj.is_active = active
            obj.save(update_fields=["is_active", "updated_at"])
            audit.record(actor=actor, action=f"catalog.{entity}_{'reinstated' if active else 'retired'}", target=obj,
                         data={"is_active": [not active, active]}, store_id=actor.store_id)
    return obj


# --- Brands ---------------------------------------------------------------------------------------

def _brand_fields(raw: dict, current: Brand | None = None) -> dict:
    f = _Fields(raw, current)
    f.text("name", max_length=50, required=True, label_required=_("Enter the brand's name."))
    f.flag("is_own")
    f.number("sort_order", low=0, high=32767, message=_("Enter an order from 0 to 32767."))
    clean = f.done()
    if "sort_order" in clean and clean["sort_order"] is None:
        clean["sort_order"] = 0
    return clean


def _brand_taken(_brand, *, name: str) -> str:
    return _("There is already a brand “%(name)s”.") % {"name": name}


def brand_create(*, actor, fields: dict) -> Brand:
    """Add a brand to the group's catalog: our own, or a competitor consultants compare against."""
    return _create(actor, Brand, parent={"group_id": _group_id(actor)}, clean=_brand_fields(fields), unique=("name",),
                   taken=_brand_taken, entity="brand", fields=BRAND_FIELDS)


def brand_update(*, actor, brand: Brand, fields: dict) -> Brand:
    """Rename a brand, mark it ours or a competitor, or change its place in the lists."""
    return _update(actor, Brand, brand.pk, scope="group_id", raw=fields, clean=_brand_fields, parent="group",
                   unique=("name",), taken=_brand_taken, entity="brand", fields=BRAND_FIELDS)


def brand_retire(*, actor, brand: Brand) -> Brand:
    """Take a brand out of the lists (its series and trims stay for the records that name them)."""
    return _set_active(actor, Brand, brand.pk, "group_id", False, entity="brand")


def brand_reinstate(*, actor, brand: Brand) -> Brand:
    """Bring a retired brand back into the lists."""
    return _set_active(actor, Brand, brand.pk, "group_id", True, entity="brand")


def _locked(model, pk, *, related: tuple = (), **scope):
    qs = model.objects.select_for_update(of=("self",))
    if related:
        qs = qs.select_related(*related)
    try:
        return qs.get(pk=pk, **scope)
    except model.DoesNotExist:
        raise NotFound() from None


# --- Series ---------------------------------------------------------------------------------------

def _series_fields(raw: dict, current: Series | None = None) -> dict:
    f = _Fields(raw, current)
    f.text("name", max_length=50, required=True, label_required=_("Enter the series' name, e.g. A6L."))
    f.text("maker", max_length=50)
    f.choice("body_type", BodyType, _("Choose the body type."))
    f.number("sort_order", low=0, high=32767, message=_("Enter an order from 0 to 32767."))
    clean = f.done()
    if "sort_order" in clean and clean["sort_order"] is None:
        clean["sort_order"] = 0
    return clean


def _series_taken(series: Series, *, name: str) -> str:
    return _("%(brand)s already has a series “%(name)s”.") % {"brand": series.brand.name, "name": name}


def series_create(*, actor, brand: Brand, fields: dict) -> Series:
    """Add a model line (车系) to a brand of the group."""
    _own(_group_id(actor), brand)
    return _create(actor, Series, parent={"brand": brand}, clean=_series_fields(fields), unique=("name",),
                   taken=_series_taken, entity="series", fields=SERIES_FIELDS)


def series_update(*, actor, series: Series, fields: dict) -> Series:
    """Rename a series or change its maker, body type or place in the lists."""
    return _update(actor, Series, series.pk, scope="brand__group_id", related=("brand",), raw=fields,
                   clean=_series_fields, parent="brand", unique=("name",), taken=_series_taken, entity="series",
                   fields=SERIES_FIELDS)


def series_retire(*, actor, series: Series) -> Series:
    """Take a series off sale; its trims leave the catalog browser with it."""
    return _set_active(actor, Series, series.pk, "brand__group_id", False, entity="series")


def series_reinstate(*, actor, series: Series) -> Series:
    """Put a retired series back on sale."""
    return _set_active(actor, Series, series.pk, "brand__group_id", True, entity="series")


# --- Trims ----------------------------------------------------------------------------------------

def trim_clean_fields(raw: dict, current: Trim | None = None) -> dict:
    """A trim's fields checked and normalised, every refusal named by its field: the guide price above zero, 1 to
    9 seats, and the specifications the powertrain requires (engine: displacement; charging from the grid:
    battery and electric range). The trim services call it; the sheet import checks its rows with it."""
    f = _Fields(raw, current)
    f.text("name", max_length=100, required=True, label_required=_("Enter the trim's name, e.g. 45 TFSI quattro 臻选动感型."))
    f.number("model_year", low=YEARS[0], high=YEARS[1], message=_("Enter the model year, e.g. 2026."))
    if current is None and f.clean.get("model_year") is None and "model_year" not in f.errors:
        f.fail("model_year", _("Enter the model year, e.g. 2026."), "model_year_required")
    f.money("guide_price", positive=True, message=_("Enter the guide price in yuan, above zero, e.g. 398800 or 39.88万."))
    f.choice("powertrain", Powertrain, _("Choose the powertrain."))
    f.number("displacement_cc", low=600, high=8000, message=_("Enter the displacement in cc, e.g. 1984."))
    f.number("battery_kwh", low=1, high=300, places=1, message=_("Enter the battery capacity in kWh, e.g. 100."))
    f.number("range_km", low=10, high=2000, message=_("Enter the electric range in km (CLTC), e.g. 700."))
    f.number("seats", low=1, high=9, message=_("Enter the number of seats, 1 to 9."))
    if current is None and f.clean.get("seats") is None and "seats" not in f.errors:
        f.fail("seats", _("Enter the number of seats, 1 to 9."), "seats_required")
    f.choice("drive", Drive, _("Choose the drive."))
    f.number("power_kw", low=10, high=2000, message=_("Enter the power in kW, e.g. 185."))
    f.number("acceleration_s", low=Decimal("1.5"), high=30, places=1, message=_("Enter 0–100 km/h in seconds, e.g. 6.9."))
    f.number("length_mm", low=2500, high=7000, message=_("Enter the length in mm, e.g. 5038."))
    f.number("wheelbase_mm", low=1500, high=4500, message=_("Enter the wheelbase in mm, e.g. 3024."))
    if "key_equipment" in raw:
        lines = [line.strip() for line in re.split(r"[\n;；、|]", str(raw["key_equipment"] or "")) if line.strip()]
        text = "\n".join(lines)
        if len(text) > 5000:
            f.fail("key_equipment", _("At most %(n)d characters.") % {"n": 5000}, "key_equipment_too_long")
        else:
            f.clean["key_equipment"] = text
    elif current is None:
        f.clean["key_equipment"] = ""

    powertrain = f.value("powertrain")
    if powertrain in Powertrain.values:
        label = Powertrain(powertrain).label
        if powertrain in Powertrain.with_engine() and f.value("displacement_cc") is None and "displacement_cc" not in f.errors:
            f.fail("displacement_cc", _("A %(powertrain)s car needs its engine displacement (cc).") % {"powertrain": label},
                   "displacement_required")
        if powertrain not in Powertrain.with_engine() and f.value("displacement_cc") is not None:
            f.fail("displacement_cc", _("A battery electric car has no engine: leave the displacement empty."),
                   "displacement_not_applicable")
        if powertrain in Powertrain.with_battery():
            for key, message in (("battery_kwh", _("A %(powertrain)s car needs its battery capacity (kWh).")),
                                 ("range_km", _("A %(powertrain)s car needs its electric range (km, CLTC)."))):
                if f.value(key) is None and key not in f.errors:
                    f.fail(key, message % {"powertrain": label}, f"{key.split('_')[0]}_required")
        elif f.value("range_km") is not None:
            f.fail("range_km", _("Only a car that charges from the grid has an electric range: leave it empty."),
                   "range_not_applicable")
    _tax_listings(f)
    length, wheelbase = f.value("length_mm"), f.value("wheelbase_mm")
    if length is not None and wheelbase is not None and wheelbase >= length and "wheelbase_mm" not in f.errors:
        f.fail("wheelbase_mm", _("The wheelbase must be shorter than the car."), "wheelbase_invalid")
    return f.done()


def _tax_listings(f: _Fields) -> None:
    """The trim's NEV purchase-tax and vehicle and vessel tax listings. Only a new-energy trim has them: when not
    given they follow the powertrain (a new or newly new-energy trim is listed if it can be; a trim that stops being
    new energy loses them); a battery electric car is outside the vessel tax, so always exempt; and from 2026 a plug-in
    hybrid or range extender with less than 100 km of electric range cannot be in the purchase-tax catalogue."""
    for key in TAX_LISTINGS:
        f.yes_no(key, _("Answer yes or no (是 or 否)."))
    powertrain = f.value("powertrain")
    if powertrain not in Powertrain.values:
        return
    label = Powertrain(powertrain).label
    new_energy = powertrain in Powertrain.new_energy()
    range_km = f.value("range_km")
    bar_applies = (powertrain in (Powertrain.PLUG_IN_HYBRID, Powertrain.RANGE_EXTENDER) and range_km is not None
                   and range_km < NEV_CATALOGUE_MIN_RANGE_KM and clock.today() >= NEV_CATALOGUE_BAR_FROM)
    was_new_energy = f.current is not None and f.current.powertrain in Powertrain.new_energy()
    if f.current is None or new_energy != was_new_energy:
        defaults = {"nev_tax_catalogue": new_energy and not bar_applies, "vessel_tax_exempt": new_energy}
        for key in TAX_LISTINGS:
            if key not in f.clean and key not in f.errors:
                f.clean[key] = defaults[key]
    if not new_energy:
        for key, message in (
            ("nev_tax_catalogue", _("A %(powertrain)s car is not a new-energy vehicle: it cannot be listed for the NEV "
                                    "purchase-tax reduction.")),
            ("vessel_tax_exempt", _("A %(powertrain)s car is not a new-energy vehicle: it cannot be listed as exempt "
                                    "from vehicle and vessel tax.")),
        ):
            if f.value(key):
                f.fail(key, message % {"powertrain": label}, f"{key}_not_applicable")
        return
    if powertrain == Powertrain.ELECTRIC and "vessel_tax_exempt" not in f.errors:
        f.clean["vessel_tax_exempt"] = True
    if bar_applies and f.value("nev_tax_catalogue"):
        f.fail("nev_tax_catalogue", _(
            "From 2026 a %(powertrain)s car needs at least %(min)d km of electric range (CLTC) to be listed for the NEV "
            "purchase-tax reduction; this one has %(range)d km.") % {"powertrain": label, "min": NEV_CATALOGUE_MIN_RANGE_KM,
                                                                     "range": range_km}, "nev_tax_catalogue_range")


def _trim_taken(trim: Trim, *, model_year, name: str) -> str:
    return _("%(series)s already has a %(year)s trim “%(name)s”.") % {"series": trim.series.name, "year": model_year,
                                                                        "name": name}


def trim_create(*, actor, series: Series, fields: dict) -> Trim:
    """Add a trim (车型) with its guide price and specifications to a series of the group."""
    _own(_group_id(actor), series.brand)
    return _create(actor, Trim, parent={"series": series}, clean=trim_clean_fields(fields), unique=("model_year", "name"),
                   taken=_trim_taken, entity="trim", fields=TRIM_FIELDS)


def trim_update(*, actor, trim: Trim, fields: dict) -> Trim:
    """Change a trim's name, year, guide price or specifications (the powertrain rules apply to the result)."""
    return _update(actor, Trim, trim.pk, scope="series__brand__group_id", related=("series",), raw=fields,
                   clean=trim_clean_fields, parent="series", unique=("model_year", "name"), taken=_trim_taken,
                   entity="trim", fields=TRIM_FIELDS)


def trim_retire(*, actor, trim: Trim) -> Trim:
    """Take a trim off sale; vehicles, quotes and orders that name it keep it."""
    return _set_active(actor, Trim, trim.pk, "series__brand__group_id", False, entity="trim")


def trim_reinstate(*, actor, trim: Trim) -> Trim:
    """Put a retired trim back on sale."""
    return _set_active(actor, Trim, trim.pk, "series__brand__group_id", True, entity="trim")


# --- Colours --------------------------------------------------------------------------------------

def _colour_fields(raw: dict, current: Colour | None = None) -> dict:
    f = _Fields(raw, current)
    f.choice("kind", ColourKind, _("Choose exterior or interior."), default=ColourKind.EXTERIOR)
    f.text("name", max_length=50, required=True, label_required=_("Enter the colour's name, e.g. 冰川白."))
    f.text("code", max_length=20)
    f.money("surcharge", positive=False, default=Decimal("0.00"),
            message=_("Enter the surcharge in yuan (0 for a standard colour)."))
    return f.done()


def _colour_taken(_colour, *, kind: str, name: str) -> str:
    return _("This series already has the colour “%(name)s”.") % {"name": name}


def colour_create(*, actor, series: Series, fields: dict) -> Colour:
    """Add a paint or interior colour to a series, with its surcharge."""
    _own(_group_id(actor), series.brand)
    return _create(actor, Colour, parent={"series": series}, clean=_colour_fields(fields), unique=("kind", "name"),
                   taken=_colour_taken, entity="colour", fields=COLOUR_FIELDS)


def colour_update(*, actor, colour: Colour, fields: dict) -> Colour:
    """Rename a colour or change its code or surcharge."""
    return _update(actor, Colour, colour.pk, scope="series__brand__group_id", raw=fields, clean=_colour_fields,
                   parent="series", unique=("kind", "name"), taken=_colour_taken, entity="colour", fields=COLOUR_FIELDS)


def colour_retire(*, actor, colour: Colour) -> Colour:
    """No longer offer a colour (cars already painted in it keep it)."""
    return _set_active(actor, Colour, colour.pk, "series__brand__group_id", False, entity="colour")


def colour_reinstate(*, actor, colour: Colour) -> Colour:
    """Offer a retired colour again."""
    return _set_active(actor, Colour, colour.pk, "series__brand__group_id", True, entity="colour")


# --- Option packages ------------------------------------------------------------------------------

def _option_fields(raw: dict, current: OptionPackage | None = None) -> dict:
    f = _Fields(raw, current)
    f.text("name", max_length=100, required=True, label_required=_("Enter the package's name."))
    f.text("code", max_length=20)
    f.text("description", max_length=2000)
    f.money("price", positive=False, message=_("Enter the package's price in yuan."))
    return f.done()


def _option_taken(_option, *, name: str) -> str:
    return _("This series already has the option package “%(name)s”.") % {"name": name}


def option_create(*, actor, series: Series, fields: dict) -> OptionPackage:
    """Add a factory option package (选装包) to a series, with its price."""
    _own(_group_id(actor), series.brand)
    return _create(actor, OptionPackage, parent={"series": series}, clean=_option_fields(fields), unique=("name",),
                   taken=_option_taken, entity="option", fields=OPTION_FIELDS)


def option_update(*, actor, option: OptionPackage, fields: dict) -> OptionPackage:
    """Change an option package's name, content or price."""
    return _update(actor, OptionPackage, option.pk, scope="series__brand__group_id", raw=fields, clean=_option_fields,
                   parent="series", unique=("name",), taken=_option_taken, entity="option", fields=OPTION_FIELDS)


def option_retire(*, actor, option: OptionPackage) -> OptionPackage:
    """No longer offer an option package."""
    return _set_active(actor, OptionPackage, option.pk, "series__brand__group_id", False, entity="option")


def option_reinstate(*, actor, option: OptionPackage) -> OptionPackage:
    """Offer a retired option package again."""
    return _set_active(actor, OptionPackage, option.pk, "series__brand__group_id", True, entity="option")


# --- Accessories ----------------------------------------------------------------------------------

def _accessory_fields(raw: dict, brand: Brand, current: Accessory | None = None) -> dict:
    f = _Fields({k: v for k, v in raw.items() if k != "series"}, current)
    f.text("name", max_length=100, required=True, label_required=_("Enter the accessory's name."))
    f.text("code", max_length=30)
    f.text("category", max_length=50)
    f.money("price", positive=False, message=_("Enter the accessory's price in yuan."))
    if "series" in raw:
        series = raw["series"]
        if series is not None and series.brand_id != brand.pk:
            f.fail("series", _("Choose a series of %(brand)s, or none for every series.") % {"brand": brand.name},
                   "series_invalid")
        else:
            f.clean["series"] = series
    elif current is None:
        f.clean["series"] = None
    return f.done()


def _accessory_taken(_accessory, *, name: str) -> str:
    return _("This brand already has the accessory “%(name)s”.") % {"name": name}


def accessory_create(*, actor, brand: Brand, fields: dict) -> Accessory:
    """Add a dealer accessory (精品) with its price, for one series or every series of the brand."""
    _own(_group_id(actor), brand)
    return _create(actor, Accessory, parent={"brand": brand}, clean=_accessory_fields(fields, brand), unique=("name",),
                   taken=_accessory_taken, entity="accessory", fields=ACCESSORY_FIELDS)


def accessory_update(*, actor, accessory: Accessory, fields: dict) -> Accessory:
    """Change an accessory's name, category, fitting series or price."""
    return _update(actor, Accessory, accessory.pk, scope="brand__group_id", related=("brand",), raw=fields,
                   clean=lambda raw, current: _accessory_fields(raw, current.brand, current), parent="brand",
                   unique=("name",), taken=_accessory_taken, entity="accessory", fields=ACCESSORY_FIELDS)


def accessory_retire(*, actor, accessory: Accessory) -> Accessory:
    """No longer sell an accessory."""
    return _set_active(actor, Accessory, accessory.pk, "brand__group_id", False, entity="accessory")


def accessory_reinstate(*, actor, accessory: Accessory) -> Accessory:
    """Sell a retired accessory again."""
    return _set_active(actor, Accessory, accessory.pk, "brand__group_id", True, entity="accessory")
