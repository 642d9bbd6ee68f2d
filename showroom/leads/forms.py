"""Forms of the lead pages: shape only (types, lengths, choices); the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from showroom.core.choices import SOURCES_BY_CHANNEL, Channel, Source
from showroom.core.forms import DateField, DateTimeField, StyledForm, VersionField
from showroom.core.money import parse_money
from showroom.customers.models import CustomerKind, Gender
from showroom.followups.models import ContactChannel, Direction, Outcome

from .models import MANUAL_GRADES, Grade, LossReason, Stage, Status
from .selectors import LeadFilters

POOL = "pool"
ALL_STATUSES = "all"
SORTS = [
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("next_follow_up_at", _("Next follow-up")),
    ("grade", _("Grade")),
    ("stage", _("Stage")),
    ("-updated_at", _("Recently updated")),
]
CREATE_GRADES = (Grade.N, *MANUAL_GRADES)


def _grade_choices(grades) -> list[tuple[str, str]]:
    return [(g, Grade(g).label) for g in grades]


def source_choices(channel: str | None) -> list[tuple[str, str]]:
    """The sources offered for a channel (all sources when the channel is unknown)."""
    if channel in SOURCES_BY_CHANNEL:
        return [(s, Source(s).label) for s in SOURCES_BY_CHANNEL[channel]]
    return list(Source.choices)


class MoneyField(forms.CharField):
    """An amount in yuan as people type it: 300000, 30万, ¥ 250,000, 25.5w."""

    def to_python(self, value):
        try:
            return parse_money(super().to_python(value))
        except ValueError:
            raise ValidationError(_("Enter an amount in yuan, e.g. 300000 or 30万."), code="invalid") from None


def _people(users) -> list[tuple[int, str]]:
    return [(u.pk, u.display_name) for u in users]


# --- The list ------------------------------------------------------------------------------------

class LeadFilterForm(StyledForm):
    """The filters of the lead list. Managers pick a consultant or the pool; consultants their own or the pool."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "placeholder": _("Name, pinyin initials, mobile or its last 4 digits")}),
    )
    owner = forms.ChoiceField(label=_("Consultant"), required=False)
    stage = forms.TypedChoiceField(label=_("Stage"), required=False, coerce=int, empty_value=None,
                                   choices=[("", _("All steps")), *Stage.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[*Status.choices, (ALL_STATUSES, _("All statuses"))])
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=[("", _("All grades")), *Grade.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All sources")), *Source.choices])
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, actor, consultants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if consultants is not None:
            self.fields["owner"].choices = [("", _("All consultants")), (POOL, _("Unassigned pool")), *_people(consultants)]
        elif actor.sells:
            self.fields["owner"].choices = [("", _("Mine and the pool")), (str(actor.pk), _("Mine")), (POOL, _("Unassigned pool"))]
        else:
            del self.fields["owner"]

    def filters(self) -> LeadFilters:
        """The lead_list selector's filters; a bad value falls back to its default, never an error."""
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        owner = data.get("owner") or ""
        status = data.get("status") or Status.OPEN
        return LeadFilters(
            query=data.get("q") or "",
            owner_id=int(owner) if owner.isdigit() else None,
            unassigned=owner == POOL,
            stage=data.get("stage"),
            status="" if status == ALL_STATUSES else status,
            grade=data.get("grade") or "",
            channel=data.get("channel") or "",
            source=data.get("source") or "",
            overdue=bool(data.get("overdue")),
            order=data.get("sort") or "-created_at",
        )


# --- Filing and editing a lead --------------------------------------------------------------------

class _LeadFieldsForm(StyledForm):
    """Channel and source (offered per channel; the service checks they belong together), interest, budget, timing."""

    channel = forms.ChoiceField(label=_("First-contact channel"), choices=Channel.choices, initial=Channel.SHOWROOM)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    models_of_interest = forms.CharField(label=_("Models of interest"), max_length=200, required=False,
                                         widget=forms.TextInput(attrs={"placeholder": _("e.g. A6L, Q5L")}))
    budget_min = MoneyField(label=_("Budget from"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                                                                  "placeholder": "30万"}))
    budget_max = MoneyField(label=_("Budget up to"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                                                                   "placeholder": "40万"}))
    expected_purchase_date = DateField(label=_("Expected purchase"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    LEAD_FIELDS = ("channel", "source", "models_of_interest", "budget_min", "budget_max", "expected_purchase_date", "notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channel = self.data.get("channel") if self.is_bound else self.initial.get("channel", Channel.SHOWROOM)
        # Offer only the channel's sources; any source passes the form, and the service names a mismatch.
        self.fields["source"].widget.choices = source_choices(channel)
        self.fields["channel"].widget.attrs.update({
            "hx-get": reverse("leads:sources"), "hx-trigger": "change", "hx-target": f"#{self['source'].id_for_label}",
            "hx-swap": "innerHTML",
        })

    def lead_fields(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.LEAD_FIELDS}


class LeadCreateForm(_LeadFieldsForm):
    kind = forms.ChoiceField(label=_("Customer type"), choices=CustomerKind.choices, initial=CustomerKind.PERSON)
    name = forms.CharField(label=_("Customer name"), max_length=100, widget=forms.TextInput(attrs={"autofocus": True}))
    mobile = forms.CharField(label=_("Mobile"), max_length=30, required=False,
                             help_text=_("Finds the customer if they are already in the file."),
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    wechat_id = forms.CharField(label=_("WeChat ID"), max_length=50, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=_grade_choices(CREATE_GRADES), initial=Grade.N)
    owner = forms.TypedChoiceField(label=_("Consultant"), required=False, coerce=int, empty_value=None)

    CUSTOMER_FIELDS = ("kind", "name", "mobile", "wechat_id", "gender", "city")
    field_order = ("kind", "name", "mobile", "wechat_id", "gender", "city", "channel", "source", "models_of_interest",
                   "budget_min", "budget_max", "expected_purchase_date", "grade", "owner", "notes")

    def __init__(self, *args, consultants=None, **kwargs):
        super().__init__(*args, **kwargs)
        if consultants is None:
            del self.fields["owner"]
        else:
            self.consultants = {u.pk: u for u in consultants}
            self.fields["owner"].choices = [("", _("By the store's rule (round robin or pool)")), *_people(consultants)]

    def customer_fields(self) -> dict:
        fields = {key: self.cleaned_data[key] for key in self.CUSTOMER_FIELDS}
        fields["gender"] = fields["gender"] or Gender.UNKNOWN
        return {**fields, "source": self.cleaned_data["source"]}

    def chosen_owner(self):
        owner_id = self.cleaned_data.get("owner")
        return self.consultants.get(owner_id) if owner_id else None


class LeadEditForm(_LeadFieldsForm):
    version = VersionField()


# --- Actions on one lead --------------------------------------------------------------------------

class _ActionForm(StyledForm):
    """The lead page shows several forms at once: each gets its own element ids (the field names stay)."""

    id_prefix = "action"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AdvanceForm(_ActionForm):
    id_prefix = "advance"
    version = VersionField()
    to = forms.TypedChoiceField(label=_("Move to"), coerce=int)
    skip_reason = forms.CharField(label=_("Why skip the steps in between?"), max_length=300, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lead, **kwargs):
        super().__init__(*args, **kwargs)
        if lead.status == Status.WON:  # after delivery only the after-sales follow-up is left
            later = [Stage.FOLLOW_UP] if lead.stage < Stage.FOLLOW_UP else []
        else:
            later = [Stage(s) for s in Stage.values if lead.stage < s <= Stage.DELIVERED]
        self.fields["to"].choices = [(s.value, s.label) for s in later]
        self.next_stage = later[0] if later else None
        if not self.is_bound and self.next_stage is not None:
            self.initial.setdefault("to", self.next_stage.value)

    @property
    def skipping(self) -> bool:
        """The chosen target skips a step (the reason field is shown)."""
        raw = self.data.get("to") if self.is_bound else self.initial.get("to")
        try:
            target = int(raw)
        except (TypeError, ValueError):
            return False
        return self.next_stage is not None and target > self.next_stage


class GradeForm(_ActionForm):
    id_prefix = "grade"
    version = VersionField()
    grade = forms.ChoiceField(label=_("Grade"), choices=_grade_choices(MANUAL_GRADES))


class AssignForm(_ActionForm):
    id_prefix = "assign"
    version = VersionField()
    owner = forms.ChoiceField(label=_("Give to"))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultants = {str(u.pk): u for u in consultants}
        self.fields["owner"].choices = [("", "---------"), (POOL, _("Back to the unassigned pool")), *_people(consultants)]

    def chosen_owner(self):
        """The consultant chosen, or None for the pool."""
        return self.consultants.get(self.cleaned_data["owner"])


class LossRequestForm(_ActionForm):
    id_prefix = "loss"
    reason = forms.ChoiceField(label=_("Why was the sale lost?"), choices=[("", "---------"), *LossReason.choices])
    competitor_brand = forms.CharField(label=_("Competitor brand"), max_length=50, required=False)
    competitor_model = forms.CharField(label=_("Competitor model"), max_length=50, required=False)
    competitor_price = MoneyField(label=_("Competitor price"), required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @property
    def for_competitor(self) -> bool:
        """The competitor's brand, model and price are asked only when the customer bought a competitor."""
        reason = self.data.get("reason") if self.is_bound else self.initial.get("reason")
        return reason == LossReason.COMPETITOR


class LossDecisionForm(_ActionForm):
    id_prefix = "decision"
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Approve")), ("0", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False,
                              help_text=_("Needed when you reject: tell the consultant what to do."))


class ReactivateForm(_ActionForm):
    id_prefix = "reactivate"
    reason = forms.CharField(label=_("Why reopen the lead?"), max_length=300)


class ContactForm(_ActionForm):
    """Log a call, a message or a visit on the lead, and agree what happens next."""

    id_prefix = "contact"
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices, initial=ContactChannel.PHONE)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Outcome.choices])
    summary = forms.CharField(label=_("What was said"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    grade = forms.ChoiceField(label=_("Re-grade"), required=False,
                              choices=[("", _("Keep the grade")), *_grade_choices(MANUAL_GRADES)])
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False,
                                help_text=_("Leave empty to follow up after the grade's interval."))
    next_step_at = DateTimeField(label=_("Next step on"), required=False)


class TaskForm(_ActionForm):
    id_prefix = "task"
    title = forms.CharField(label=_("What is to be done"), max_length=200)
    due_at = DateTimeField(label=_("Due"))
