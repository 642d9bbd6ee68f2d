"""Forms of the catalog pages: shape only (types, lengths, choices); the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from showroom.core.forms import StyledForm
from showroom.core.money import parse_money

from .models import TAX_LISTINGS, BodyType, ColourKind, Drive, Powertrain, Trim

OWN, COMPETITOR = "own", "competitor"
SORTS = [("price", _("Price, lowest first")), ("-price", _("Price, highest first")), ("series", _("Brand and series")),
         ("-year", _("Newest model year"))]


class MoneyField(forms.CharField):
    """An amount in yuan as people type it: 300000, 30万, ¥ 250,000."""

    def to_python(self, value):
        try:
            return parse_money(super().to_python(value))
        except ValueError:
            raise ValidationError(_("Enter an amount in yuan, e.g. 300000 or 30万."), code="invalid") from None


class TrimFilterForm(StyledForm):
    """The catalog browser's filters; a bad value is ignored, never an error."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={
        "type": "search", "autocomplete": "off", "placeholder": _("Trim, series or brand")}))
    brand = forms.ChoiceField(label=_("Brand"), required=False)
    series = forms.TypedChoiceField(label=_("Series"), required=False, coerce=int, empty_value=None)
    powertrain = forms.ChoiceField(label=_("Powertrain"), required=False,
                                   choices=[("", _("All powertrains")), ("nev", _("New energy")), *Powertrain.choices])
    body_type = forms.ChoiceField(label=_("Body"), required=False, choices=[("", _("All bodies")), *BodyType.choices])
    seats_min = forms.TypedChoiceField(label=_("Seats"), required=False, coerce=int, empty_value=None,
                                       choices=[("", _("Any")), (5, _("5 or more")), (6, _("6 or more")), (7, _("7 or more"))])
    price_min = MoneyField(label=_("Price from"), required=False, widget=forms.TextInput(attrs={"placeholder": "25万",
                                                                                               "inputmode": "decimal"}))
    price_max = MoneyField(label=_("Price up to"), required=False, widget=forms.TextInput(attrs={"placeholder": "50万",
                                                                                                "inputmode": "decimal"}))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)

    def __init__(self, *args, brands, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [("", _("All brands")), (OWN, _("Our brand")), (COMPETITOR, _("Competitors")),
                                        *[(str(b.pk), b.name) for b in brands]]
        self.fields["series"].choices = [("", _("All series")), *[(s.pk, str(s)) for s in series]]

    def filters(self) -> dict:
        """The trim_search selector's keyword arguments."""
        self.is_valid()
        data = self.cleaned_data
        brand = data.get("brand") or ""
        powertrain = data.get("powertrain") or None
        return {
            "query": data.get("q") or "",
            "own_brand": True if brand == OWN else False if brand == COMPETITOR else None,
            "brand_id": int(brand) if brand.isdigit() else None,
            "series_id": data.get("series"),
            "powertrain": sorted(Powertrain.new_energy()) if powertrain == "nev" else powertrain,
            "body_type": data.get("body_type") or None,
            "seats_min": data.get("seats_min"),
            "price_min": data.get("price_min"),
            "price_max": data.get("price_max"),
            "order": data.get("sort") or "price",
        }


class BrandForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    is_own = forms.BooleanField(label=_("Our brand (not a competitor)"), required=False)
    sort_order = forms.IntegerField(label=_("Order in lists"), required=False, min_value=0, max_value=32767, initial=0)


class SeriesForm(StyledForm):
    brand = forms.TypedChoiceField(label=_("Brand"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=50, widget=forms.TextInput(attrs={"placeholder": "A6L"}))
    maker = forms.CharField(label=_("Maker"), max_length=50, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. FAW-Audi, SAIC Audi, import")}))
    body_type = forms.ChoiceField(label=_("Body type"), choices=BodyType.choices)
    sort_order = forms.IntegerField(label=_("Order in lists"), required=False, min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, brands=None, **kwargs):
        super().__init__(*args, **kwargs)
        if brands is None:
            del self.fields["brand"]
        else:
            self.fields["brand"].choices = [(b.pk, b.name) for b in brands]


class TrimForm(StyledForm):
    series = forms.TypedChoiceField(label=_("Series"), coerce=int)
    name = forms.CharField(label=_("Trim name"), max_length=100)
    model_year = forms.IntegerField(label=_("Model year"), min_value=2000, max_value=2100)
    guide_price = forms.CharField(label=_("Guide price (yuan)"), max_length=30, widget=forms.TextInput(
        attrs={"inputmode": "decimal", "placeholder": "459800 / 45.98万"}))
    powertrain = forms.ChoiceField(label=_("Powertrain"), choices=Powertrain.choices)
    displacement_cc = forms.IntegerField(label=_("Displacement (cc)"), required=False, min_value=0, max_value=100000,
                                         help_text=_("Required with an engine."))
    battery_kwh = forms.DecimalField(label=_("Battery (kWh)"), required=False, max_digits=5, decimal_places=1,
                                     help_text=_("Required for plug-in hybrids, range extenders and electric cars."))
    range_km = forms.IntegerField(label=_("Electric range (km, CLTC)"), required=False, min_value=0, max_value=100000)
    seats = forms.IntegerField(label=_("Seats"), min_value=0, max_value=100, initial=5)
    drive = forms.ChoiceField(label=_("Drive"), choices=Drive.choices)
    power_kw = forms.IntegerField(label=_("Power (kW)"), required=False, min_value=0, max_value=100000)
    acceleration_s = forms.DecimalField(label=_("0–100 km/h (s)"), required=False, max_digits=4, decimal_places=1)
    length_mm = forms.IntegerField(label=_("Length (mm)"), required=False, min_value=0, max_value=100000)
    wheelbase_mm = forms.IntegerField(label=_("Wheelbase (mm)"), required=False, min_value=0, max_value=100000)
    key_equipment = forms.CharField(label=_("Key equipment"), required=False, max_length=5000,
                                    widget=forms.Textarea(attrs={"rows": 5}), help_text=_("One item per line."))
    nev_tax_catalogue = forms.BooleanField(
        label=_("Listed for the NEV purchase-tax reduction"), required=False, initial=True,
        help_text=_("New-energy trims in the MIIT catalogue; from 2026 a plug-in hybrid or range extender needs at "
                    "least 100 km of electric range."))
    vessel_tax_exempt = forms.BooleanField(
        label=_("Listed as exempt from vehicle and vessel tax"), required=False, initial=True,
        help_text=Trim._meta.get_field("vessel_tax_exempt").help_text)

    def __init__(self, *args, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        if series is None:
            del self.fields["series"]
        else:
            self.fields["series"].choices = [(s.pk, str(s)) for s in series]

    def clean(self):
        """The tax listings are ticks of new-energy trims only: for any other powertrain they are not sent, so a
        petrol trim is saved without them whatever the boxes show."""
        data = super().clean()
        if data.get("powertrain") not in Powertrain.new_energy():
            for key in TAX_LISTINGS:
                data.pop(key, None)
        return data


class ColourForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ColourKind.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    code = forms.CharField(label=_("Code"), max_length=20, required=False)
    surcharge = forms.CharField(label=_("Surcharge (yuan)"), max_length=30, required=False, initial="0",
                                help_text=_("0 for a standard colour."))


class OptionForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=20, required=False)
    description = forms.CharField(label=_("Content"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    price = forms.CharField(label=_("Price (yuan)"), max_length=30)


class AccessoryForm(StyledForm):
    brand = forms.TypedChoiceField(label=_("Brand"), coerce=int)
    series = forms.TypedChoiceField(label=_("Fits"), coerce=int, required=False, empty_value=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.CharField(label=_("Category"), max_length=50, required=False,
                               widget=forms.TextInput(attrs={"placeholder": _("e.g. interior, exterior, electronics")}))
    code = forms.CharField(label=_("Code"), max_length=30, required=False)
    price = forms.CharField(label=_("Price (yuan)"), max_length=30)

    def __init__(self, *args, brands=None, series=(), **kwargs):
        super().__init__(*args, **kwargs)
        if brands is None:
            del self.fields["brand"]
        else:
            self.fields["brand"].choices = [(b.pk, b.name) for b in brands]
        self.fields["series"].choices = [("", _("Every series of the brand")), *[(s.pk, str(s)) for s in series]]


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Sheet (CSV or Excel .xlsx)"))
