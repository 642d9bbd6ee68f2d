"""After-delivery forms: shape only (types, lengths, choices); the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from showroom.core.forms import StyledForm

from .models import ReferralOutcome, Scale


class SurveyForm(StyledForm):
    """A score field per question of the store (q<id>), as radio buttons across the scale."""

    comments = forms.CharField(label=_("Customer's comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=5000)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            low, high = Scale(question.scale).bounds
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text, choices=[(n, str(n)) for n in range(low, high + 1)], coerce=int, required=False,
                widget=forms.RadioSelect, empty_value=None)

    def scores(self) -> dict[int, int | None]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    def score_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]


class CaseNoteForm(StyledForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)


class CaseCloseForm(StyledForm):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                                 required=False)


class ReferralForm(StyledForm):
    outcome = forms.ChoiceField(label=_("The owner"), choices=ReferralOutcome.choices, initial=ReferralOutcome.GIVEN)
    name = forms.CharField(label=_("Referred person's name"), max_length=100, required=False)
    mobile = forms.CharField(label=_("Referred person's mobile"), max_length=20, required=False)
    models_of_interest = forms.CharField(label=_("Models of interest"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class PlateForm(StyledForm):
    plate = forms.CharField(label=_("Plate"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"placeholder": "京A12345", "autocomplete": "off"}))


class SettingsForm(StyledForm):
    cadence = forms.CharField(
        label=_("Calls after delivery"), widget=forms.Textarea(attrs={"rows": 9}), max_length=5000,
        help_text=_("One call per line: days after delivery | title | survey (write “survey” on the survey call)."))
    low_score_percent = forms.IntegerField(label=_("Low score below (% of the top score)"), min_value=1, max_value=100)

    def clean_cadence(self) -> list[dict]:
        steps = []
        for line in self.cleaned_data["cadence"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            days = parts[0]
            steps.append({"days": days if days.isdigit() else None, "title": parts[1] if len(parts) > 1 else "",
                          "survey": len(parts) > 2 and parts[2].lower() in ("survey", "问卷", "yes", "1")})
        return steps

    @staticmethod
    def as_text(cadence: list[dict]) -> str:
        return "\n".join(f"{s['days']} | {s['title']}{' | survey' if s.get('survey') else ''}" for s in cadence)


class QuestionForm(StyledForm):
    text = forms.CharField(label=_("Question"), max_length=200)
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices, initial=Scale.TEN)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
