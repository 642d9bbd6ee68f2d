"""Test-drive forms: shape only (types, lengths, choices); the rules are in the services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from showroom.core.clock import YEARS
from showroom.core.forms import DateField, StyledForm

from .models import FEEDBACK_ASPECTS, LicenceClass
from .services import MAX_SLOTS

SLOT_COUNTS = [(n, str(n)) for n in range(1, MAX_SLOTS + 1)]
SCORES = [(n, str(n)) for n in range(1, 6)]


class SlotField(forms.CharField):
    """A slot picked on the grid: "<car id>@<ISO start>"; cleans to (car id, aware start)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        car, _sep, start = value.partition("@")
        try:
            moment = dt.datetime.fromisoformat(start)
            car_id = int(car)
        except ValueError:
            raise forms.ValidationError(_("Choose a free slot."), code="invalid") from None
        if not YEARS[0] <= moment.year <= YEARS[1]:  # year 1 or 9999 cannot even be moved to the store's time zone
            raise forms.ValidationError(_("Choose a free slot."), code="invalid")
        return car_id, timezone.make_aware(moment) if timezone.is_naive(moment) else timezone.localtime(moment)


class BookForm(StyledForm):
    starts_at = SlotField(label=_("Car and slot"), max_length=60, error_messages={"required": _("Choose a free slot.")})
    slots = forms.TypedChoiceField(label=_("Length (slots)"), choices=SLOT_COUNTS, coerce=int, initial=1)
    route = forms.TypedChoiceField(label=_("Route"), coerce=int, required=False, empty_value=None)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, routes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [("", _("Choose at the agreement")), *[(r.pk, str(r)) for r in routes]]
        self.fields["starts_at"].widget = forms.HiddenInput()


class LicenceForm(StyledForm):
    ride_only = forms.BooleanField(label=_("Ride along only (the consultant drives)"), required=False)
    licence_number = forms.CharField(label=_("Licence number"), max_length=20, required=False)
    licence_class = forms.ChoiceField(label=_("Licence class"), required=False,
                                      choices=[("", "—"), *LicenceClass.choices])
    licence_valid_until = DateField(label=_("Valid until"), required=False)
    licence_first_issued = DateField(label=_("First issued"), required=False,
                                     help_text=_("Drivers in their first year are probationary (实习期)."))


class AgreementForm(StyledForm):
    route = forms.TypedChoiceField(label=_("Route"), coerce=int, empty_value=None, required=False)
    signer_name = forms.CharField(label=_("Name of the person signing"), max_length=50, required=False)
    accepted = forms.BooleanField(label=_("The customer has read and accepts the agreement"), required=False)
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=600_000)

    def __init__(self, *args, routes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [("", "—"), *[(r.pk, f"{r} · {r.distance_km} km · {r.typical_minutes}′") for r in routes]]


class StartForm(StyledForm):
    odometer_start = forms.IntegerField(label=_("Odometer at start (km)"), min_value=0, max_value=2_000_000)


class CompleteForm(StyledForm):
    odometer_end = forms.IntegerField(label=_("Odometer at end (km)"), min_value=0, max_value=2_000_000)
    customer_comments = forms.CharField(label=_("Customer's comments"), widget=forms.Textarea(attrs={"rows": 3}),
                                        required=False, max_length=5000)
    consultant_notes = forms.CharField(label=_("Consultant's notes"), widget=forms.Textarea(attrs={"rows": 3}),
                                       required=False, max_length=5000)
    skip_reason = forms.CharField(label=_("Why the earlier steps were skipped"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in FEEDBACK_ASPECTS:
            self.fields[name] = forms.TypedChoiceField(label=label, choices=SCORES, coerce=int, required=False,
                                                       empty_value=None, widget=forms.RadioSelect)

    def scores(self) -> dict:
        return {name: self.cleaned_data.get(name) for name, _label in FEEDBACK_ASPECTS}


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    advance = forms.BooleanField(label=_("Move the lead on to the quote"), required=False, initial=True)


class RouteForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=2000, help_text=_("What the route shows: acceleration, bends, bumps, braking, parking."))
    distance_km = forms.DecimalField(label=_("Distance (km)"), max_digits=5, decimal_places=1)
    typical_minutes = forms.IntegerField(label=_("Typical duration (minutes)"), min_value=0, max_value=1000)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class PolicyForm(StyledForm):
    opens_at = forms.TimeField(label=_("First slot at"), widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    closes_at = forms.TimeField(label=_("Last drive ends by"), widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    slot_minutes = forms.TypedChoiceField(label=_("Slot length (minutes)"), coerce=int,
                                          choices=[(m, str(m)) for m in (15, 30, 45, 60, 90)])
    probationary_may_drive = forms.BooleanField(label=_("Drivers in their probationary first year may drive"), required=False,
                                                help_text=_("Off: they may ride along only."))
    agreement_text = forms.CharField(label=_("Test-drive agreement"), widget=forms.Textarea(attrs={"rows": 16}),
                                     max_length=20000)
