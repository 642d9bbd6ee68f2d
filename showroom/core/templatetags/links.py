"""`{{ lead.pk|link:"leads:detail" }}`: a record's URL in a long list, without a resolver call per row."""

from django import template

from showroom.core.links import row_link

register = template.Library()


@register.filter
def link(pk, route: str) -> str:
    return row_link(route)(pk)
