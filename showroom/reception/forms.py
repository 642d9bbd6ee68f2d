"""Forms of the reception pages: shape only; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.core.choices import Source
from showroom.core.forms import DateTimeField, StyledForm

from .models import VisitPurpose

FIRST_VISIT_CHOICES = [("auto", _("Work it out")), ("first", _("First visit")), ("repeat", _("Repeat visit"))]
MAX_SHEET_BYTES = 40 * 1024 * 1024  # a 100,000-row sheet is about 10 MB as CSV, less as XLSX


class VisitRegisterForm(StyledForm):
    """The quick registration of a batch arriving (来店登记): only the party size is needed."""

    mobile = forms.CharField(
        label=_("Mobile"), max_length=30, required=False,
        help_text=_("Without a mobile the visit is logged but not captured (未留档)."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "138 0013 8000"}),
    )
    name = forms.CharField(label=_("Surname / name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. 张先生")}))
    party_size = forms.IntegerField(label=_("People"), min_value=1, max_value=50, initial=1,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control-lg"}))
    is_first_visit = forms.ChoiceField(label=_("First or repeat visit"), choices=FIRST_VISIT_CHOICES, initial="auto",
                                       widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}))
    invited = forms.BooleanField(label=_("Invited (邀约到店)"), required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=VisitPurpose.choices, initial=VisitPurpose.SALES,
                                widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}))
    consultant = forms.TypedChoiceField(label=_("Consultant"), required=False, coerce=int, empty_value=None)
    models_of_interest = forms.CharField(label=_("Models of interest"), max_length=200, required=False,
                                         widget=forms.TextInput(attrs={"placeholder": "Q5L, A6L"}))
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, consultants: list, next_in_turn=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultants = {user.pk: user for user in consultants}
        automatic = (_("Automatic: next in turn (%(name)s)") % {"name": next_in_turn.display_name}
                     if next_in_turn else _("Automatic: next in turn"))
        self.fields["consultant"].choices = [("", automatic), *((u.pk, u.display_name) for u in consultants)]

    def service_arguments(self) -> dict:
        """visit_register's arguments from the cleaned form (the consultant as a user, "auto" as None)."""
        data = dict(self.cleaned_data)
        first = data.pop("is_first_visit")
        data["is_first_visit"] = None if first == "auto" else first == "first"
        data["consultant"] = self.consultants.get(data.pop("consultant"))
        return data


class DepartureForm(StyledForm):
    left_at = DateTimeField(label=_("Left at"), required=False,
                                  help_text=_("Empty: now."))


class ReassignForm(StyledForm):
    consultant = forms.TypedChoiceField(label=_("Hand to"), coerce=int)

    def __init__(self, *args, consultants: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultants = {user.pk: user for user in consultants}
        self.fields["consultant"].choices = [("", "---------"), *((u.pk, u.display_name) for u in consultants)]


class CaptureForm(StyledForm):
    mobile = forms.CharField(label=_("Mobile"), max_length=30,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "autofocus": True}))
    name = forms.CharField(label=_("Surname / name"), max_length=100, required=False)


class LeadImportForm(StyledForm):
    file = forms.FileField(label=_("Lead sheet (CSV or Excel .xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}))
    default_source = forms.ChoiceField(
        label=_("Source of rows without one"), required=False,
        choices=[("", _("Take it from the sheet")), *Source.choices],
        help_text=_("For a sheet exported from one platform that has no source column."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SHEET_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB: split the sheet.") % {
                "mb": MAX_SHEET_BYTES // (1024 * 1024)})
        return upload
