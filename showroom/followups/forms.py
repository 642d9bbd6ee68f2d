"""Forms of the follow-up pages: shape only; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.core.forms import DateTimeField, DateTimeLocalInput, StyledForm
from showroom.leads.models import MANUAL_GRADES, Grade

from .models import ContactChannel, Direction, Outcome, ScriptScenario, TaskKind, TaskStatus

DUE_WINDOWS = [("", _("Any time")), ("overdue", _("Overdue")), ("today", _("Due today")), ("week", _("Due this week"))]


class TaskCompleteForm(StyledForm):
    """Log the call (or message) that does the follow-up, and agree what happens next."""

    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices, initial=ContactChannel.PHONE)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Outcome.choices])
    result = forms.CharField(label=_("What was said"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}))
    grade = forms.ChoiceField(
        label=_("Re-grade"), required=False,
        choices=[("", _("Keep the grade")), *[(g.value, g.label) for g in (Grade(v) for v in MANUAL_GRADES)]],
    )
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False,
                                help_text=_("Leave empty to follow up after the grade's interval."))
    next_step_at = DateTimeField(label=_("Next step on"), required=False)


class TaskRescheduleForm(StyledForm):
    due_at = DateTimeField(label=_("Due"), widget=DateTimeLocalInput(attrs={"autofocus": True}))
    title = forms.CharField(label=_("What is to be done"), max_length=200)


class TaskCancelForm(StyledForm):
    reason = forms.CharField(label=_("Why is it no longer needed?"), max_length=300, required=False)


class TaskFilterForm(StyledForm):
    """The filters of the task list (owner only for those who see the whole store)."""

    owner = forms.TypedChoiceField(label=_("Consultant"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[*TaskStatus.choices, ("all", _("All"))], initial=TaskStatus.OPEN)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_WINDOWS)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *TaskKind.choices])

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [("", _("Everyone")), *((u.pk, u.display_name) for u in owners)]

    def filters(self) -> dict:
        """The task_list selector's arguments; a bad value falls back to the default, never an error."""
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        status = data.get("status") or TaskStatus.OPEN
        return {
            "owner_id": data.get("owner"),
            "status": "" if status == "all" else status,
            "due": data.get("due") or "",
            "kind": data.get("kind") or "",
        }


class ScriptForm(StyledForm):
    scenario = forms.ChoiceField(label=_("Scenario"), choices=ScriptScenario.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Script"), widget=forms.Textarea(attrs={"rows": 14}))
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
