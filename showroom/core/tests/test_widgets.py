"""The form renderer writes inputs and selects exactly as Django's widget templates do."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from showroom.core.forms import DateInput, DateTimeLocalInput, StyledForm
from showroom.core.widgets import WidgetRenderer

lazy = gettext_lazy  # lazy text, as forms carry it (not a string of ours to translate)


class EveryWidget(StyledForm):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": lazy("Search"),
                                                                        "autocomplete": "off", "type": "search"}))
    quoted = forms.CharField(required=False)
    number = forms.IntegerField(min_value=1, max_value=10)
    money = forms.DecimalField(required=False, decimal_places=2)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.IntegerField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(widget=DateInput(), required=False)
    moment = forms.DateTimeField(widget=DateTimeLocalInput(), required=False)
    agreed = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=[("", lazy("All tags")), ("person", lazy("Mine")), ("company", "<Company & co>")])
    grouped = forms.ChoiceField(required=False, choices=[("Audi", [("a4", "A4L"), ("a6", "A6L")]),
                                                          ("BMW", [("5", "5 Series")]), ("other", "Other")])
    many = forms.MultipleChoiceField(required=False, choices=[(1, "one"), (2, "two"), (3, "three")])
    maybe = forms.NullBooleanField(required=False)
    year = forms.TypedChoiceField(coerce=int, choices=[(2025, 2025), (2026, 2026)], required=False)
    disabled = forms.CharField(disabled=True, required=False)


BOUND = {
    "text": 'a "quoted" <name>', "quoted": "it's & more", "number": "7", "money": "1234.5", "email": "a@b.cn",
    "url": "https://x.cn/?a=1&b=2", "secret": "s3cret", "hidden": "12", "day": "2026-11-27",
    "moment": "2026-11-27T10:00", "agreed": "on", "kind": "company", "grouped": "a6", "many": ["1", "3"],
    "maybe": "true", "year": "2026", "disabled": "x",
}


def _render_all(form, renderer):
    form.renderer = renderer
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("data", [None, BOUND, {"kind": "nope", "number": "x"}], ids=["unbound", "bound", "invalid"])
def test_inputs_and_selects_are_written_as_djangos_templates_write_them(data, language):
    with override(language):
        form = EveryWidget(data, initial={"day": dt.date(2026, 1, 2), "money": Decimal("9.90"), "maybe": None})
        form.is_valid()
        ours, django = _render_all(form, WidgetRenderer()), _render_all(form, DjangoTemplates())
    assert ours == django


def test_a_value_marked_safe_is_not_escaped_twice_and_plain_text_is_escaped():
    widget = forms.TextInput(attrs={"data-a": mark_safe("&amp;"), "data-b": "&"})
    assert widget.render("q", "<b>", renderer=WidgetRenderer()) == widget.render("q", "<b>", renderer=DjangoTemplates())
    assert 'data-a="&amp;" data-b="&amp;"' in widget.render("q", "<b>", renderer=WidgetRenderer())


def test_other_widgets_still_go_through_their_templates():
    widget = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    assert widget.render("r", "a", renderer=WidgetRenderer()) == widget.render("r", "a", renderer=DjangoTemplates())
    textarea = forms.Textarea()
    assert textarea.render("t", "x<y", renderer=WidgetRenderer()) == textarea.render("t", "x<y", renderer=DjangoTemplates())


def test_a_select_whose_options_have_a_template_of_their_own_uses_the_templates():
    class Own(forms.Select):
        option_template_name = "django/forms/widgets/input.html"  # any other template

    widget = Own(choices=[("a", "A")])
    assert widget.render("s", "a", renderer=WidgetRenderer()) == widget.render("s", "a", renderer=DjangoTemplates())
