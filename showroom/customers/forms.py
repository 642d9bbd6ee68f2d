"""Forms of the customer pages: shape only (types, lengths, choices); the services decide what is allowed."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.core.choices import Source
from showroom.core.forms import StyledForm, VersionField

from .models import ConsentKind, ConsentMethod, CustomerKind, Gender
from .selectors import SORTS

POOL = "pool"
MINE = "mine"
SORT_LABELS = {
    "-created_at": _("Newest first"),
    "created_at": _("Oldest first"),
    "name_pinyin": _("Name A–Z (pinyin)"),
    "-name_pinyin": _("Name Z–A (pinyin)"),
    "-updated_at": _("Recently updated"),
}
# Staff type tags separated by commas in either script, or by 、 or semicolons.
_TAG_SEPARATORS = re.compile(r"[,，、;；]")


def split_tags(text: str) -> list[str]:
    return [name.strip() for name in _TAG_SEPARATORS.split(text or "") if name.strip()]


class SearchField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        super().__init__(
            required=False, max_length=100,
            widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                          "placeholder": _("Name, pinyin or initials, mobile or its last 4 digits")}),
            **kwargs,
        )


class CustomerFilterForm(StyledForm):
    """The filters of the customer list. Managers choose a consultant or the pool; consultants theirs or the pool."""

    q = SearchField()
    owner = forms.ChoiceField(label=_("Consultant"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("People and companies")), *CustomerKind.choices])
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[(key, SORT_LABELS[key]) for key in SORTS])

    def __init__(self, *args, actor, tags: Callable[[], list[str]], consultants=None, **kwargs):
        """`tags` gives the store's tag names when the tag list is shown or a tag is checked: a search typed in the
        box (htmx, the table only) does neither and reads none."""
        super().__init__(*args, **kwargs)
        self.actor = actor
        tags = cache(tags)  # read once: the select's required check and its options both go through the choices
        self.fields["tag"].choices = lambda: [("", _("All tags")), *((t, t) for t in tags())]
        if consultants is not None:
            self.fields["owner"].choices = [("", _("All consultants")), (POOL, _("Unassigned pool")),
                                            *((u.pk, u.display_name) for u in consultants)]
        elif actor.sells:
            self.fields["owner"].choices = [("", _("Mine and the pool")), (MINE, _("Mine")), (POOL, _("Unassigned pool"))]
        else:
            del self.fields["owner"]

    def filters(self) -> dict:
        """The customer_list selector's keyword arguments; a bad value falls back to its default, never an error."""
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        owner = data.get("owner") or ""
        return {
            "query": data.get("q") or "",
            "owner_id": self.actor.pk if owner == MINE else (int(owner) if owner.isdigit() else None),
            "unassigned": owner == POOL,
            "kind": data.get("kind") or "",
            "tag": data.get("tag") or "",
            "order": data.get("sort") or "-created_at",
        }


class CustomerForm(StyledForm):
    """Filing or editing a customer. On edit the mobile and ID number start empty: typing replaces them."""

    kind = forms.ChoiceField(label=_("Type"), choices=CustomerKind.choices, initial=CustomerKind.PERSON,
                             widget=forms.RadioSelect(attrs={"class": "btn-check"}))
    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"autofocus": True}),
                           help_text=_("A person's full name, or the company's registered name."))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False,
                                   help_text=_("For a company: whom to talk to."))
    mobile = forms.CharField(label=_("Mobile"), max_length=30, required=False,
                             help_text=_("Finds the customer if they are already in the file."),
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    wechat_id = forms.CharField(label=_("WeChat ID"), max_length=50, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    district = forms.CharField(label=_("District"), max_length=30, required=False)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    source = forms.ChoiceField(label=_("Source"), choices=[("", "—"), *Source.choices], required=False)
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False,
                           help_text=_("Separate tags with commas, e.g. 老客户, 置换."))
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = ("kind", "name", "contact_name", "mobile", "wechat_id", "gender", "city", "district", "id_number",
              "source", "notes")

    def customer_fields(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] or ("" if key != "mobile" else None) for key in self.FIELDS}

    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])


class CustomerEditForm(CustomerForm):
    version = VersionField()
    clear_id_number = forms.BooleanField(label=_("Remove the resident ID number"), required=False)

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.pop("autofocus", None)
        # The full values are not shown here: a full value is seen only through a logged reveal.
        if customer.mobile:
            self.fields["mobile"].help_text = _("Now %(masked)s. Leave empty to keep it; type a number to replace it.") % {
                "masked": customer.masked_mobile}
            self.fields["mobile"].widget.attrs["placeholder"] = customer.masked_mobile
        if customer.id_number:
            self.fields["id_number"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": customer.masked_id_number}
            self.fields["id_number"].widget.attrs["placeholder"] = customer.masked_id_number
        else:
            del self.fields["clear_id_number"]

    def customer_fields(self) -> dict:
        fields = super().customer_fields()
        if not fields["mobile"]:
            del fields["mobile"]
        if self.cleaned_data.get("clear_id_number"):
            fields["id_number"] = ""
        elif not fields["id_number"]:
            del fields["id_number"]
        return fields


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("mobile", "mobile"), ("id_number", "id_number")])


class ConsentForm(StyledForm):
    kind = forms.ChoiceField(label=_("Consent"), choices=ConsentKind.choices)
    granted = forms.TypedChoiceField(
        label=_("Given or withdrawn"), coerce=lambda value: value == "1",
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        choices=[("1", _("Given")), ("0", _("Withdrawn"))], initial="1",
    )
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "consent_%s")
        super().__init__(*args, **kwargs)


class MergeSearchForm(StyledForm):
    q = SearchField(label=_("Find the duplicate"))


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
