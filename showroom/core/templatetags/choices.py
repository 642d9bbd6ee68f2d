"""`{{ lead|display:"stage" }}`: a field's choice label, as `lead.get_stage_display` gives it, for long lists."""

from __future__ import annotations

from django import template

from showroom.core.labels import choice_label

register = template.Library()


@register.filter
def display(obj, field_name: str):
    """The label of `obj`'s choice in `field_name` (core.labels.choice_label), as get_FOO_display gives it."""
    return choice_label(type(obj), field_name, getattr(obj, obj._meta.get_field(field_name).attname))
