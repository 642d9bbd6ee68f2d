"""Form conveniences: Bootstrap classes on every widget, and the version field of versioned records."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .clock import YEARS


class StyledFormMixin:
    """Give every widget the Bootstrap class it needs, so templates stay loops."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledForm(StyledFormMixin, forms.Form):
    pass


class VersionField(forms.IntegerField):
    """The version of the record the editor loaded; the service refuses the save if it moved on."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _within_years(value):
    if value is not None and not YEARS[0] <= value.year <= YEARS[1]:
        raise ValidationError(_("Enter a date between %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]},
                              code="out_of_range")
    return value


class DateTimeField(forms.DateTimeField):
    """A date and time within `clock.YEARS` (the API's bound too): year 1 cannot even be converted to UTC."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateTimeLocalInput())
        super().__init__(**kwargs)

    def to_python(self, value):
        return _within_years(super().to_python(value))


class DateField(forms.DateField):
    """A calendar date within `clock.YEARS`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)

    def to_python(self, value):
        return _within_years(super().to_python(value))
