"""Order forms: shape only (types, lengths, choices); the rules are in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.core.forms import DateField, StyledForm, VersionField
from showroom.core.templatetags.money import yuan
from showroom.leads.forms import MoneyField

from .models import CancelledBy, DepositKind, OrderStatus, PaymentKind, PaymentMethod
from .services import RECEIVABLE


class SignForm(StyledForm):
    quote = forms.IntegerField(widget=forms.HiddenInput)
    buyer_name = forms.CharField(label=_("Buyer (as in the contract)"), max_length=50, required=False)
    deposit_kind = forms.ChoiceField(label=_("Deposit kind"), choices=DepositKind.choices)
    deposit_amount = MoneyField(label=_("Deposit agreed (¥)"))
    delivery_date = DateField(label=_("Delivery date"), required=False)
    delivery_place = forms.CharField(label=_("Delivery place"), max_length=200, required=False)
    notes = forms.CharField(label=_("Contract notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(StyledForm):
    kind = forms.ChoiceField(label=_("For"), choices=[(k, PaymentKind(k).label) for k in RECEIVABLE])
    method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    amount = MoneyField(label=_("Amount (¥)"))
    reference = forms.CharField(label=_("Transaction reference"), max_length=64, required=False)
    payer = forms.CharField(label=_("Paid by"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class AllocateForm(StyledForm):
    vehicle = forms.IntegerField(widget=forms.HiddenInput)
    allow_demo_car = forms.BooleanField(label=_("Sell this display or test-drive car"), required=False)


class ConfirmForm(StyledForm):
    """A button without inputs (e.g. "ready for delivery"); a refusal shows at the top."""


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class VoidForm(StyledForm):
    """A manager voids one of the order's payments; the list offers those still counting (the service decides)."""

    payment = forms.IntegerField(label=_("Payment to void"), widget=forms.Select)
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)

    def __init__(self, *args, payments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].widget.choices = [("", "—")] + [
            (p.pk, f"{p.receipt_number} · {p.get_kind_display()} · {yuan(p.amount)}")
            for p in payments if p.voidable]


class FactoryOrderForm(StyledForm):
    note = forms.CharField(label=_("Note for the factory order"), max_length=300, required=False)


class CancelForm(StyledForm):
    cancelled_by = forms.ChoiceField(label=_("Who backs out"), choices=CancelledBy.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    refund_method = forms.ChoiceField(label=_("Refund paid by"),
                                      choices=[c for c in PaymentMethod.choices if c[0] != PaymentMethod.TRADE_IN],
                                      initial=PaymentMethod.TRANSFER)


class ChangeForm(StyledForm):
    """The contract terms as they are, to edit; only the fields that differ are sent to the service."""

    contract_price = MoneyField(label=_("Contract price (¥)"))
    trim = forms.ChoiceField(label=_("Trim"))
    exterior_colour = forms.ChoiceField(label=_("Exterior colour"), required=False)
    interior_colour = forms.ChoiceField(label=_("Interior colour"), required=False)
    delivery_date = DateField(label=_("Delivery date"), required=False)
    delivery_place = forms.CharField(label=_("Delivery place"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)
    version = VersionField()

    def __init__(self, *args, trims=(), colours=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trim"].choices = [(t.pk, f"{t.series.name} {t.name}") for t in trims]
        blank = [("", "—")]
        self.fields["exterior_colour"].choices = blank + [(c.pk, f"{c.series.name} · {c.name}") for c in colours
                                                          if c.kind == "exterior"]
        self.fields["interior_colour"].choices = blank + [(c.pk, f"{c.series.name} · {c.name}") for c in colours
                                                          if c.kind == "interior"]


class DecideForm(StyledForm):
    approve = forms.TypedChoiceField(choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1")
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


class OrderFilterForm(StyledForm):
    q = forms.CharField(label=_("Order no. or buyer"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(OrderStatus.choices), required=False)
    consultant = forms.TypedChoiceField(label=_("Consultant"), coerce=int, required=False, empty_value=None)
    awaiting_allocation = forms.BooleanField(label=_("Awaiting a car"), required=False)
    balance_outstanding = forms.BooleanField(label=_("Balance outstanding"), required=False)

    def __init__(self, *args, consultants=(), **kwargs):
        super().__init__(*args, **kwargs)
        if consultants:
            self.fields["consultant"].choices = [("", _("All"))] + [(u.pk, u.display_name) for u in consultants]
        else:
            del self.fields["consultant"]
