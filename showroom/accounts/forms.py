from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LeadAssignment, Store


class StoreSettingsForm(forms.ModelForm):
    class Meta:
        model = Store
        fields = ["name", "city", "phone", "first_response_hours", "lead_assignment", "dormant_after_days", "post_visit_call_hours"]
        widgets = {"lead_assignment": forms.RadioSelect(choices=LeadAssignment.choices)}

    def __init__(self, *args, policies=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control" if not isinstance(field.widget, forms.RadioSelect) else "")
        self.policy_grades = []
        for grade, label, horizon, interval in policies or []:
            self.fields[f"horizon_{grade}"] = forms.IntegerField(
                label=_("%(grade)s: purchase within (days)") % {"grade": grade}, required=False, min_value=1, max_value=365,
                initial=horizon, widget=forms.NumberInput(attrs={"class": "form-control"}),
            )
            self.fields[f"follow_up_{grade}"] = forms.IntegerField(
                label=_("%(grade)s: follow up every (days)") % {"grade": grade}, min_value=1, max_value=90, initial=interval,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )
            self.policy_grades.append((grade, label, f"horizon_{grade}", f"follow_up_{grade}"))

    def policy_rows(self):
        return [(grade, label, self[h], self[f]) for grade, label, h, f in self.policy_grades]
