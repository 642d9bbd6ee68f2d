"""Forms of the presentation pages: shape only; the services check what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.core.forms import StyledForm, VersionField

from .models import Position


class PointForm(StyledForm):
    """A talking point of the walk-around: feature → advantage → benefit, with optional evidence."""

    position = forms.TypedChoiceField(label=_("Position"), choices=Position.choices, coerce=int)
    feature = forms.CharField(label=_("Feature"), max_length=200)
    advantage = forms.CharField(label=_("Advantage"), max_length=300)
    benefit = forms.CharField(label=_("Benefit to the customer"), max_length=300)
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False,
                               help_text=_("A test, an award, a figure, or what to show the customer."))


class PresentationForm(StyledForm):
    """The checklist: the points covered, and what the customer said."""

    version = VersionField()
    covered = forms.TypedMultipleChoiceField(label=_("Points covered"), required=False, coerce=int,
                                             widget=forms.CheckboxSelectMultiple)
    reactions = forms.CharField(label=_("Customer's reactions"), required=False, max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 3}))
    objections = forms.CharField(label=_("Objections"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, point_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["covered"].choices = [(pk, str(pk)) for pk in point_ids]


class CompareForm(StyledForm):
    own = forms.TypedChoiceField(label=_("Our model"), coerce=int, empty_value=None, required=False)
    vs = forms.TypedMultipleChoiceField(label=_("Competitors (up to 3)"), coerce=int, required=False,
                                        widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, own_trims=(), competitor_trims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["own"].choices = [("", "—"), *((t.pk, str(t)) for t in own_trims)]
        self.fields["vs"].choices = [(t.pk, str(t)) for t in competitor_trims]
