"""The form renderer (settings.FORM_RENDERER): Django's, writing the commonest widgets in Python.

Django renders every widget through a template, and a select through one more template per option and one per
attribute list: the filter bar of a list page (a search box and four selects) took about a millisecond, a tenth of
a customer lookup. `WidgetRenderer` writes inputs and selects as Django's own templates write them, character for
character (core/tests/test_widgets.py compares the two), and leaves every other widget, and any widget with a
template of its own, to the templates.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime

_WIDGETS = "django/forms/widgets/"
# The templates that are only an include of input.html.
INPUTS = frozenset(f"{_WIDGETS}{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "search", "tel", "date", "datetime", "time",
    "color", "checkbox",
))
SELECT = f"{_WIDGETS}select.html"
OPTION = f"{_WIDGETS}select_option.html"


def _out(value) -> str:
    """`{{ value }}`: localized and escaped, as a template prints it."""
    return conditional_escape(localize(template_localtime(value)))


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless it was marked safe."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        "" if value is False else f" {_out(name)}" if value is True else f' {_out(name)}="{_text(value)}"'
        for name, value in attrs.items()
    )


def render_input(widget: dict) -> str:
    """django/forms/widgets/input.html"""
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"'
            f'{value}{_attrs(widget["attrs"])}>')


def render_select(widget: dict) -> str | None:
    """django/forms/widgets/select.html and select_option.html; None if an option has a template of its own."""
    html = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None
            html.append(f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                        f'{_out(option["label"])}</option>\n')  # the option template's last line
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


class WidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None) -> SafeString:
        widget = context.get("widget")
        html = None
        if template_name in INPUTS and widget:
            html = render_input(widget)
        elif template_name == SELECT and widget:
            html = render_select(widget)
        if html is None:
            return super().render(template_name, context, request=request)
        return mark_safe(html.strip())  # noqa: S308 (every value above is escaped)
