"""Forms of the quote pages: shapes only (types, lengths, choices); the rules are in services.

Percentages are typed as percent (3.99) and handed to the services as fractions (0.0399), the unit of calc.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from showroom.core.forms import DateField, DateTimeField, StyledForm

from .models import (
    VESSEL_TAX_FIELDS,
    CommercialInsurance,
    DepositKind,
    LineKind,
    Objection,
    PaymentMethod,
    SubsidyScheme,
    vessel_tax_field,
)
from .rates import ALLOWED_TERMS, VESSEL_TAX_BRACKETS, VESSEL_TAX_PRESETS

HUNDRED = Decimal(100)


def _money(label, *, required=False, **kwargs):
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=12, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}), **kwargs)


def _percent(label, *, required=False, max_value=100, **kwargs):
    return forms.DecimalField(label=label, required=required, min_value=0, max_value=max_value, max_digits=8,
                              decimal_places=4, widget=forms.NumberInput(attrs={"step": "0.01",
                                                                               "inputmode": "decimal"}), **kwargs)


def _fraction(value):
    return None if value is None else value / HUNDRED


def _percent_of(value):
    """A stored fraction as the percent a person types (0.039900 → 3.99, 0.400000 → 40)."""
    if value is None:
        return None
    percent = value * HUNDRED
    return percent.quantize(Decimal(1)) if percent == percent.to_integral_value() else percent.normalize()


class QuoteForm(StyledForm):
    """The quote's inputs. Choices of trims, colours and promotions are given by the view (the actor's catalog)."""

    trim = forms.TypedChoiceField(label=_("Trim"), coerce=int)
    exterior_colour = forms.TypedChoiceField(label=_("Exterior colour"), coerce=int, required=False, empty_value=None)
    interior_colour = forms.TypedChoiceField(label=_("Interior colour"), coerce=int, required=False, empty_value=None)
    purchase_date = DateField(label=_("Expected invoice date"), required=False)
    valid_until = DateField(label=_("Valid until"), required=False)
    discount = _money(_("Dealer discount (¥)"))
    commercial_insurance_mode = forms.ChoiceField(label=_("Commercial insurance"), choices=CommercialInsurance.choices)
    commercial_insurance_amount = _money(_("Insurer's premium (¥)"))
    plate_service_fee = _money(_("Plate service fee (¥)"))
    extended_warranty = _money(_("Extended warranty / maintenance package (¥)"))
    extended_warranty_name = forms.CharField(label=_("Package"), max_length=100, required=False)
    has_trade_in = forms.BooleanField(label=_("Trade-in (置换)"), required=False)
    trade_in_brand = forms.CharField(label=_("Old car brand"), max_length=50, required=False)
    trade_in_model = forms.CharField(label=_("Old car model"), max_length=50, required=False)
    trade_in_year = forms.IntegerField(label=_("First registered (year)"), required=False, min_value=1980, max_value=2100)
    trade_in_mileage_km = forms.IntegerField(label=_("Mileage (km)"), required=False, min_value=0, max_value=2_000_000)
    trade_in_plate = forms.CharField(label=_("Plate"), max_length=10, required=False)
    trade_in_value = _money(_("Appraised value (¥)"))
    trade_in_bonus = _money(_("Brand trade-in bonus (¥)"))
    subsidy_scheme = forms.ChoiceField(label=_("National subsidy (以旧换新)"), choices=SubsidyScheme.choices,
                                       required=False)
    payment_method = forms.ChoiceField(label=_("Payment"), choices=PaymentMethod.choices, widget=forms.RadioSelect)
    promotion = forms.TypedChoiceField(label=_("Finance promotion"), coerce=int, required=False, empty_value=None)
    loan_lender = forms.CharField(label=_("Lender"), max_length=100, required=False)
    loan_term_months = forms.TypedChoiceField(label=_("Term (months)"), coerce=int, required=False, empty_value=None,
                                              choices=[("", "—")] + [(t, str(t)) for t in ALLOWED_TERMS])
    loan_annual_rate = _percent(_("Annual rate (%)"), max_value=99)
    loan_down_payment_ratio = _percent(_("Down payment (%)"))
    loan_down_payment_amount = _money(_("or down payment (¥)"))
    deposit_amount = _money(_("Deposit at signing (¥)"))
    deposit_kind = forms.ChoiceField(label=_("Deposit kind"), choices=DepositKind.choices, required=False)
    notes = forms.CharField(label=_("Promotions and conditions"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, trims=(), colours=(), promotions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trim"].choices = [("", "—")] + [(t.pk, f"{t.series.name} {t.model_year} {t.name}") for t in trims]
        self.fields["exterior_colour"].choices = [("", "—")] + [
            (c.pk, f"{c.name} (+¥{c.surcharge:,.0f})" if c.surcharge else c.name) for c in colours if c.kind == "exterior"]
        self.fields["interior_colour"].choices = [("", "—")] + [
            (c.pk, f"{c.name} (+¥{c.surcharge:,.0f})" if c.surcharge else c.name) for c in colours if c.kind == "interior"]
        self.fields["promotion"].choices = [("", _("None"))] + [(p.pk, f"{p.name} · {p.lender}") for p in promotions]
        for name in ("trim", "exterior_colour", "interior_colour", "promotion", "payment_method",
                     "commercial_insurance_mode", "has_trade_in"):
            # a change of these alters what the rest of the form offers: the view re-renders the form
            self.fields[name].widget.attrs["data-refresh"] = "1"

    @staticmethod
    def initial_from(quote) -> dict:
        initial = {name: getattr(quote, name) for name in (
            "purchase_date", "valid_until", "discount", "commercial_insurance_mode", "commercial_insurance_amount",
            "plate_service_fee", "extended_warranty", "extended_warranty_name", "has_trade_in", "trade_in_brand",
            "trade_in_model", "trade_in_year", "trade_in_mileage_km", "trade_in_plate", "trade_in_value",
            "trade_in_bonus", "subsidy_scheme", "payment_method", "loan_lender", "loan_term_months",
            "loan_down_payment_amount", "deposit_amount", "deposit_kind", "notes")}
        initial.update(trim=quote.trim_id, exterior_colour=quote.exterior_colour_id,
                       interior_colour=quote.interior_colour_id, promotion=quote.promotion_id,
                       loan_annual_rate=_percent_of(quote.loan_annual_rate),
                       loan_down_payment_ratio=_percent_of(quote.loan_down_payment_ratio))
        return initial

    def service_fields(self) -> dict:
        """The cleaned values as the service takes them (percent → fraction)."""
        data = dict(self.cleaned_data)
        data["loan_annual_rate"] = _fraction(data.get("loan_annual_rate"))
        data["loan_down_payment_ratio"] = _fraction(data.get("loan_down_payment_ratio"))
        return data


def lines_from_post(data, *, options, accessories) -> tuple[list[dict], list[str]]:
    """The quote's amount lines from the form: ticked catalog options and accessories with their (editable)
    amounts, and the rows of named fees. Returns the lines and shape errors (for the "lines" field)."""
    lines, errors = [], []

    def amount(raw, label):
        raw = (raw or "").strip().replace(",", "")
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except ArithmeticError:
            errors.append(_("“%(name)s”: enter an amount in yuan.") % {"name": label})
            return None
        if not value.is_finite() or value < 0 or value > Decimal("9999999999.99"):
            errors.append(_("“%(name)s”: enter an amount in yuan.") % {"name": label})
            return None
        return value

    chosen_options = set(data.getlist("option"))
    for option in options:
        if str(option.pk) in chosen_options:
            lines.append({"kind": LineKind.OPTION, "option": option.pk, "name": option.name,
                          "amount": amount(data.get(f"option_amount_{option.pk}"), option.name)})
    chosen_accessories = set(data.getlist("accessory"))
    for accessory in accessories:
        if str(accessory.pk) in chosen_accessories:
            lines.append({"kind": LineKind.ACCESSORY, "accessory": accessory.pk, "name": accessory.name,
                          "amount": amount(data.get(f"accessory_amount_{accessory.pk}"), accessory.name)})
    kinds, names, amounts = data.getlist("fee_kind"), data.getlist("fee_name"), data.getlist("fee_amount")
    for kind, name, raw in zip(kinds, names, amounts, strict=False):
        name = (name or "").strip()[:100]
        if not name and not (raw or "").strip():
            continue
        if kind not in (LineKind.STORE_FEE, LineKind.FINANCE_FEE, LineKind.ACCESSORY):
            kind = LineKind.STORE_FEE
        lines.append({"kind": kind, "name": name, "amount": amount(raw, name or "—")})
    return lines, errors


class IssueForm(StyledForm):
    skip_reason = forms.CharField(label=_("Why quote without a test drive?"), max_length=300, required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CompareForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)


class NegotiationForm(StyledForm):
    happened_at = DateTimeField(label=_("When"), required=False)
    quote = forms.TypedChoiceField(label=_("Quote discussed"), coerce=int, required=False, empty_value=None)
    counter_offer = _money(_("Customer's counter-offer (¥, total to drive away)"))
    objections = forms.MultipleChoiceField(label=_("Objections"), choices=Objection.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    competitor_trim = forms.TypedChoiceField(label=_("Competitor's car"), coerce=int, required=False, empty_value=None)
    competitor_text = forms.CharField(label=_("or the competitor's car as text"), max_length=100, required=False)
    competitor_price = _money(_("Competitor's price (¥)"))
    trade_in_value_asked = _money(_("Trade-in value the customer wants (¥)"))
    customer_said = forms.CharField(label=_("What the customer said"), required=False, max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(label=_("Our answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, quotes=(), competitors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].choices = [("", "—")] + [(q.pk, f"V{q.version} · ¥{q.total:,.2f}") for q in quotes]
        self.fields["competitor_trim"].choices = [("", "—")] + [
            (t.pk, f"{t.series} {t.name} (¥{t.guide_price:,.0f})") for t in competitors]


class SettingsForm(StyledForm):
    validity_days = forms.IntegerField(label=_("A quote is valid for (days)"), min_value=1, max_value=90)
    discount_limit = _money(_("Consultants' default discount limit (¥)"), required=True)
    plate_service_fee = _money(_("Plate service fee offered (¥)"), required=True)
    insurer_name = forms.CharField(label=_("Insurer of the rate table"), max_length=100, required=False)


class LimitForm(StyledForm):
    consultant = forms.TypedChoiceField(label=_("Consultant"), coerce=int)
    amount = _money(_("Discount limit (¥, empty: the store default)"))

    def __init__(self, *args, consultants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].choices = [(u.pk, u.display_name) for u in consultants]


class FloorForm(StyledForm):
    trim = forms.TypedChoiceField(label=_("Trim"), coerce=int)
    price = _money(_("Floor price (¥, empty: none)"))

    def __init__(self, *args, trims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trim"].choices = [(t.pk, f"{t.series.name} {t.model_year} {t.name} (¥{t.guide_price:,.0f})")
                                       for t in trims]


class UnifiedForm(StyledForm):
    trim = forms.TypedChoiceField(label=_("Trim"), coerce=int)
    unified = forms.BooleanField(label=_("Sold at the unified national price (融合直售)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, trims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trim"].choices = [(t.pk, f"{t.series.name} {t.model_year} {t.name}") for t in trims]


RATE_ROWS = 6


class RatesForm(StyledForm):
    """The rate table as rows: up to price, base premium, rate (%). Empty rows are ignored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(RATE_ROWS):
            self.fields[f"up_to_{i}"] = _money(_("Vehicle price up to (¥)"))
            self.fields[f"base_{i}"] = _money(_("Base premium (¥)"))
            self.fields[f"rate_{i}"] = _percent(_("Rate (%)"))
        for field in self.fields.values():  # added after StyledForm styled the declared fields
            field.widget.attrs["class"] = "form-control"

    def rows(self):
        return [(self[f"up_to_{i}"], self[f"base_{i}"], self[f"rate_{i}"]) for i in range(RATE_ROWS)]

    def bands(self) -> list[dict]:
        out = []
        for i in range(RATE_ROWS):
            up_to, base, rate = (self.cleaned_data.get(f"{k}_{i}") for k in ("up_to", "base", "rate"))
            if up_to is None and base is None and rate is None:
                continue
            out.append({"up_to_price": up_to, "base": base, "rate": _fraction(rate)})
        return out

    @classmethod
    def initial_from(cls, bands) -> dict:
        initial = {}
        for i, band in enumerate(bands[:RATE_ROWS]):
            initial[f"up_to_{i}"], initial[f"base_{i}"] = band.up_to_price, band.base
            initial[f"rate_{i}"] = _percent_of(band.rate)
        return initial


class VesselTaxForm(StyledForm):
    """The store's 车船税 table: the province and one annual amount per statutory displacement bracket, the range
    the law allows shown under each (the service refuses an amount outside it)."""

    vessel_tax_region = forms.CharField(label=_("Province or city of the table"), max_length=50,
                                        help_text=_("Printed on the quote beside the vehicle and vessel tax."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bracket in VESSEL_TAX_BRACKETS:
            field = _money(_("%(bracket)s (¥/year)") % {"bracket": bracket.label}, required=True,
                           help_text=_("By law ¥%(minimum)s–%(maximum)s") % {"minimum": f"{bracket.minimum:,}",
                                                                            "maximum": f"{bracket.maximum:,}"})
            field.widget.attrs["class"] = "form-control"  # added after StyledForm styled the declared fields
            self.fields[vessel_tax_field(bracket.key)] = field

    def amount_fields(self):
        return [self[name] for name in VESSEL_TAX_FIELDS]

    @staticmethod
    def initial_from(settings) -> dict:
        return {"vessel_tax_region": settings.vessel_tax_region,
                **{name: getattr(settings, name) for name in VESSEL_TAX_FIELDS}}


class VesselTaxPresetForm(StyledForm):
    """Take a province's published table instead of typing it (only those the domain file gives)."""

    preset = forms.ChoiceField(choices=[(key, table.region) for key, table in VESSEL_TAX_PRESETS.items()])


class PromotionForm(StyledForm):
    name = forms.CharField(label=pgettext_lazy("finance promotion", "Name"), max_length=100)
    lender = forms.CharField(label=_("Lender"), max_length=100)
    trims = forms.TypedMultipleChoiceField(label=_("Trims (none: every trim)"), coerce=int, required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 6}))
    terms = forms.TypedMultipleChoiceField(label=_("Terms (none: any)"), coerce=int, required=False,
                                           choices=[(t, str(t)) for t in ALLOWED_TERMS],
                                           widget=forms.CheckboxSelectMultiple)
    annual_rate = _percent(_("Promotion rate (%)"), required=True, max_value=99)
    lender_rate = _percent(_("Lender's standard rate (%)"), required=True, max_value=99)
    min_down_payment_ratio = _percent(_("Minimum down payment (%)"))
    valid_from = DateField(label=_("Valid from"))
    valid_until = DateField(label=_("Valid until"))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    conditions = forms.CharField(label=_("Conditions"), max_length=300, required=False)

    def __init__(self, *args, trims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trims"].choices = [(t.pk, f"{t.series.name} {t.model_year} {t.name}") for t in trims]

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "trims"}
        for name in ("annual_rate", "lender_rate", "min_down_payment_ratio"):
            data[name] = _fraction(data.get(name))
        return data

    @staticmethod
    def initial_from(promotion) -> dict:
        return {"name": promotion.name, "lender": promotion.lender, "trims": [t.pk for t in promotion.trims.all()],
                "terms": promotion.terms, "annual_rate": _percent_of(promotion.annual_rate),
                "lender_rate": _percent_of(promotion.lender_rate),
                "min_down_payment_ratio": _percent_of(promotion.min_down_payment_ratio),
                "valid_from": promotion.valid_from, "valid_until": promotion.valid_until,
                "is_active": promotion.is_active, "conditions": promotion.conditions}
