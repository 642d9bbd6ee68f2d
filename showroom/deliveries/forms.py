"""Delivery forms: shape only (types, lengths, choices); the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.core.forms import DateField, DateTimeField, StyledForm, VersionField

from .models import PDI_ITEMS
from .photos import MAX_BYTES


def _advisor_choices(advisors) -> list[tuple]:
    return [("", "—"), *[(a.pk, a.display_name) for a in advisors]]


class AppointmentForm(StyledForm):
    scheduled_at = DateTimeField(label=_("Date and time"))
    place = forms.CharField(label=_("Place or bay"), max_length=100, initial=_("Delivery area"))
    service_advisor = forms.TypedChoiceField(label=_("Paired service advisor"), coerce=int, empty_value=None,
                                             required=False)
    version = VersionField()

    def __init__(self, *args, advisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_advisor"].choices = _advisor_choices(advisors)


class PdiForm(StyledForm):
    inspector = forms.TypedChoiceField(label=_("Signed off by (service advisor)"), coerce=int, empty_value=None,
                                       required=False)
    pdi_notes = forms.CharField(label=_("PDI notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                max_length=2000)
    version = VersionField()

    def __init__(self, *args, advisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in PDI_ITEMS:
            self.fields[f"pdi_{code}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"pdi_{code}"].widget.attrs["class"] = "form-check-input"
        self.fields["inspector"].choices = _advisor_choices(advisors)

    def results(self) -> dict[str, bool]:
        return {code: self.cleaned_data.get(f"pdi_{code}", False) for code, _label in PDI_ITEMS}

    def item_fields(self):
        return [self[f"pdi_{code}"] for code, _label in PDI_ITEMS]


class ChecklistForm(StyledForm):
    first_service_due = DateField(label=_("First service due"), required=False)
    first_service_km = forms.IntegerField(label=_("First service at (km)"), required=False, min_value=1, max_value=100_000)
    version = VersionField()

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for _group, code, label in self.items:
            self.fields[f"item_{code}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"item_{code}"].widget.attrs["class"] = "form-check-input"

    def ticked(self) -> dict[str, bool]:
        return {code: self.cleaned_data.get(f"item_{code}", False) for _group, code, _label in self.items}

    def groups(self, labels) -> list[tuple[str, list]]:
        return [(label, [self[f"item_{code}"] for group_code, code, _l in self.items if group_code == group])
                for group, label in labels if any(g == group for g, _c, _l in self.items)]


class SignatureForm(StyledForm):
    signer_name = forms.CharField(label=_("Name of the person signing"), max_length=50, required=False)
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=600_000)


class PhotoForm(StyledForm):
    photo = forms.FileField(label=_("Photo"), required=False,
                            help_text=_("JPEG or PNG, at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png"
