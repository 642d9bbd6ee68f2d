"""Choice labels for long lists: `choice_label(Lead, "stage", "test_drive")` is what `lead.get_stage_display()`
gives, from a per-language table of the field's choices. Django's get_FOO_display rebuilds and translates every
choice of the field on each call: twenty sources on a page of twenty-five rows are five hundred translations."""

from __future__ import annotations

from functools import cache

from django.db import models
from django.utils.translation import get_language


@cache
def _labels(field, language: str | None) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


def choice_labels(model: type[models.Model], field_name: str) -> dict:
    """{value: label} of the choices of `model`'s field, in the active language."""
    return _labels(model._meta.get_field(field_name), get_language())


def choice_label(model: type[models.Model], field_name: str, value):
    """The label of `value` among the choices of `model`'s field; an unknown value shows as it is, as in Django."""
    return choice_labels(model, field_name).get(value, value)
