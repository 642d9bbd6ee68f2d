"""Forms of the needs pages: shape only; the services check ranges and rules (the API shares them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.catalog.models import BodyType, Powertrain
from showroom.core.forms import DateField, StyledForm, VersionField
from showroom.leads.forms import MoneyField

from .models import ANSWER_FIELDS, Payment, Purpose, TradeIn, Usage

YES_NO = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


def _choices(enum) -> list[tuple[str, str]]:
    return [("", "—"), *enum.choices]


def _number(label, **attrs):
    return forms.IntegerField(label=label, required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric", **attrs}))


class QuestionnaireForm(StyledForm):
    """The needs questionnaire, in the groups the consultant asks them (tablet: big controls, radio buttons)."""

    based_on = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    purpose = forms.ChoiceField(label=_("Purpose of purchase"), required=False, choices=_choices(Purpose),
                                widget=forms.RadioSelect)
    drivers = forms.CharField(label=_("Who will drive"), required=False, max_length=100,
                              widget=forms.TextInput(attrs={"placeholder": _("e.g. the customer and his wife")}))
    decision_maker = forms.CharField(label=_("Who decides"), required=False, max_length=100)
    household_size = _number(_("Household size"), min="1", max="20")
    usage = forms.MultipleChoiceField(label=_("Typical use"), required=False, choices=Usage.choices,
                                      widget=forms.CheckboxSelectMultiple)
    daily_km = _number(_("Daily distance (km)"), min="0")

    budget_min = MoneyField(label=_("Budget from"), required=False,
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "30万"}))
    budget_max = MoneyField(label=_("Budget up to"), required=False,
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "40万"}))
    payment = forms.ChoiceField(label=_("Payment"), required=False, choices=_choices(Payment), widget=forms.RadioSelect)

    current_brand = forms.CharField(label=_("Current car: brand"), required=False, max_length=50)
    current_model = forms.CharField(label=_("Current car: model"), required=False, max_length=50)
    current_year = _number(_("Current car: year"), placeholder="2018")
    current_mileage_km = _number(_("Current car: mileage (km)"), min="0")
    trade_in = forms.ChoiceField(label=_("Trade-in"), required=False, choices=_choices(TradeIn), widget=forms.RadioSelect)

    considered_models = forms.CharField(label=_("Models considered"), required=False, max_length=200,
                                        widget=forms.TextInput(attrs={"placeholder": _("e.g. A6L, Q5L")}))
    competitors = forms.CharField(label=_("Competitors considered"), required=False, max_length=200,
                                  widget=forms.TextInput(attrs={"placeholder": _("e.g. BMW 5 Series, Mercedes E-Class")}))

    powertrain = forms.ChoiceField(label=_("Powertrain"), required=False, choices=_choices(Powertrain))
    body_type = forms.ChoiceField(label=_("Body type"), required=False, choices=_choices(BodyType))
    seats_min = _number(_("Seats (at least)"), min="1", max="9")
    colour = forms.CharField(label=_("Colour"), required=False, max_length=50)
    home_charging = forms.ChoiceField(label=_("Can charge at home"), required=False, choices=YES_NO, widget=forms.RadioSelect)
    home_parking = forms.ChoiceField(label=_("Has own parking space"), required=False, choices=YES_NO,
                                     widget=forms.RadioSelect)
    must_have = forms.CharField(label=_("Must-have equipment"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))

    expected_purchase_date = DateField(label=_("Expected purchase"), required=False)
    concerns = forms.CharField(label=_("Main concerns"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    GROUPS = (
        (_("Purpose and people"), ("purpose", "drivers", "decision_maker", "household_size")),
        (_("Use"), ("usage", "daily_km")),
        (_("Budget and payment"), ("budget_min", "budget_max", "payment")),
        (_("Current car"), ("current_brand", "current_model", "current_year", "current_mileage_km", "trade_in")),
        (_("Models and competitors"), ("considered_models", "competitors")),
        (_("Preferences"), ("powertrain", "body_type", "seats_min", "colour", "home_charging", "home_parking",
                            "must_have")),
        (_("Timing and concerns"), ("expected_purchase_date", "concerns", "notes")),
    )

    def groups(self) -> list[dict]:
        return [{"title": title, "fields": [self[name] for name in names]} for title, names in self.GROUPS]

    def answers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ANSWER_FIELDS}

    @staticmethod
    def initial_from(analysis) -> dict:
        """The form filled with a version's answers (empty for the first)."""
        if analysis is None:
            return {"based_on": 0}
        initial = {"based_on": analysis.number}
        for name in ANSWER_FIELDS:
            value = getattr(analysis, name)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif name in ("budget_min", "budget_max") and value is not None:
                text = f"{value:f}"
                value = text.rstrip("0").rstrip(".") if "." in text else text
            initial[name] = value
        return initial


class ConfirmModelsForm(StyledForm):
    based_on = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    trims = forms.TypedMultipleChoiceField(label=_("Models of interest"), coerce=int, widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one model.")})

    def __init__(self, *args, trim_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trims"].choices = list(trim_choices)


class CompleteForm(StyledForm):
    version = VersionField()
