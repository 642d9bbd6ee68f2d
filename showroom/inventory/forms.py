"""Forms of the stock pages: shape only (types, lengths, choices); the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.catalog.models import ColourKind, Powertrain
from showroom.core.forms import DateField, StyledForm, VersionField

from .models import VehicleStatus

ALL = "all"
YES_NO = [("", _("Any")), ("1", _("Yes")), ("0", _("No"))]
SORTS = [("arrival", _("Longest in stock first")), ("-arrival", _("Newest arrivals first")),
         ("price", _("Guide price, lowest first")), ("-price", _("Guide price, highest first")),
         ("series", _("Series")), ("status", _("Status")), ("vin", _("VIN"))]


def _trim_label(trim) -> str:
    return f"{trim.series.name} {trim.model_year} {trim.name}"


def _colour_label(colour) -> str:
    extra = f" (+¥{colour.surcharge:,.0f})" if colour.surcharge else ""
    return f"{colour.name}{extra}"


class VehicleFilterForm(StyledForm):
    """The stock list's filters; a bad value falls back to no filter, never an error."""

    vin = forms.CharField(label=_("VIN"), required=False, max_length=30, widget=forms.TextInput(attrs={
        "type": "search", "autocomplete": "off", "placeholder": _("VIN or its last 6 characters")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Not yet delivered")), *VehicleStatus.choices, (ALL, _("All statuses"))])
    series = forms.TypedChoiceField(label=_("Series"), required=False, coerce=int, empty_value=None)
    trim = forms.TypedChoiceField(label=_("Trim"), required=False, coerce=int, empty_value=None)
    powertrain = forms.ChoiceField(label=_("Powertrain"), required=False, choices=[("", _("All powertrains")),
                                                                                   *Powertrain.choices])
    colour = forms.ChoiceField(label=_("Colour"), required=False)
    display = forms.ChoiceField(label=_("Display car"), required=False, choices=YES_NO)
    test_drive = forms.ChoiceField(label=_("Test-drive car"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)
    aged = forms.BooleanField(label=_("Ageing only"), required=False)

    def __init__(self, *args, series, trims, colours, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [("", _("All series")), *[(s.pk, str(s)) for s in series]]
        self.fields["trim"].choices = [("", _("All trims")), *[(t.pk, _trim_label(t)) for t in trims]]
        self.fields["colour"].choices = [("", _("All colours")), *[(name, name) for name in colours]]

    def filters(self) -> dict:
        """The vehicle_list selector's keyword arguments."""
        self.is_valid()
        data = self.cleaned_data

        def flag(key):
            return {"1": True, "0": False}.get(data.get(key) or "")

        return {
            "vin": data.get("vin") or "", "status": data.get("status") or None, "series_id": data.get("series"),
            "trim_id": data.get("trim"), "powertrain": data.get("powertrain") or None, "colour_name": data.get("colour") or "",
            "is_display": flag("display"), "is_test_drive": flag("test_drive"), "aged": bool(data.get("aged")),
            "order": data.get("sort") or "arrival",
        }


class VehicleForm(StyledForm):
    """Filing or editing a vehicle. Colours are offered for the chosen trim's series."""

    version = VersionField()
    vin = forms.CharField(label=_("VIN"), max_length=30, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))
    trim = forms.TypedChoiceField(label=_("Trim"), coerce=int)
    exterior_colour = forms.TypedChoiceField(label=_("Exterior colour"), coerce=int, required=False, empty_value=None)
    interior_colour = forms.TypedChoiceField(label=_("Interior colour"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), choices=VehicleStatus.choices, initial=VehicleStatus.IN_STOCK)
    arrival_date = DateField(label=_("Arrival date"), required=False)
    location = forms.CharField(label=_("Location"), max_length=100, required=False,
                               widget=forms.TextInput(attrs={"placeholder": _("e.g. showroom, yard A-12")}))
    is_display = forms.BooleanField(label=_("Display car"), required=False)
    is_test_drive = forms.BooleanField(label=_("Test-drive car"), required=False)
    plate = forms.CharField(label=_("Licence plate"), max_length=12, required=False,
                            help_text=_("Required for a test-drive car."))
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, trims, colours, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trim"].choices = [("", "—"), *[(t.pk, _trim_label(t)) for t in trims]]
        for key, kind in (("exterior_colour", ColourKind.EXTERIOR), ("interior_colour", ColourKind.INTERIOR)):
            self.fields[key].choices = [("", "—"), *[(c.pk, _colour_label(c)) for c in colours if c.kind == kind]]
        if editing:
            del self.fields["status"]  # the status moves only through the status change, which checks the transitions
        else:
            del self.fields["version"]

    def vehicle_fields(self, *, trims: dict, colours: dict) -> dict:
        """The service's fields: ids resolved to the trim and colours they name (unknown ids left for the service)."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["trim"] = trims.get(data["trim"])
        for key in ("exterior_colour", "interior_colour"):
            data[key] = colours.get(data[key], False) if data[key] else None
        return data


class StatusForm(StyledForm):
    version = VersionField()
    to = forms.ChoiceField(label=_("New status"), choices=VehicleStatus.choices)


class StockSettingsForm(StyledForm):
    ageing_days = forms.IntegerField(label=_("Ageing warning after (days in stock)"), min_value=1, max_value=3650,
                                     help_text=_("Cars in stock or reserved for this many days or more are highlighted."))
