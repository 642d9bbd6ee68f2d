"""`{{ lead|display:"stage" }}`: a field's choice label, as `lead.get_stage_display` gives it, for long lists."""

from __future__ import annotations

from functools import cache

from django import template
from django.utils.translation import get_language

register = template.Library()


@cache
def _labels(field, language: str | None) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


@register.filter
def display(obj, field_name: str):
    """The label of `obj`'s choice in `field_name`, from a per-language table of the field's choices. Django's
    get_FOO_display rebuilds and translates every choice of the field on each call: twenty sources on a page of
    twenty-five rows are five hundred translations. An unknown value shows as it is, as Django does."""
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field.attname)
    return _labels(field, get_language()).get(value, value)
