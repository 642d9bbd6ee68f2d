"""The after-delivery cards on the lead page, the consultant's workbench and the manager's page."""

from showroom.accounts.capabilities import Capability, can
from showroom.core import clock
from showroom.followups.models import TaskStatus
from showroom.leads.services import lead_allowed_actions

from . import selectors, services
from .forms import ReferralForm
from .models import SurveyStatus

SHOWN = 8


def lead_panel(request, lead) -> dict | None:
    """The owner's car, the post-delivery calls, the survey and the referrals; on a referred prospect, the owner who
    referred them (a fixed number of queries)."""
    user = request.user
    referrer = selectors.referrer_of(user, lead)
    owned = selectors.owned_car_of_lead(user, lead)
    if owned is None and referrer is None:
        return None
    context = {"template": "aftercare/_lead_panel.html", "owned": owned, "referrer": referrer}
    if owned is not None:
        now = clock.now()
        calls = list(selectors.calls_of(user, owned))
        for call in calls:
            call.is_open = call.task.status == TaskStatus.OPEN
            call.is_overdue = call.is_open and call.due_at < now
        works = lead_allowed_actions(actor=user, lead=lead)["edit"]
        context.update({
            "calls": calls, "surveys": list(selectors.surveys_for(user).filter(owned_car_id=owned.pk)),
            "referrals": list(selectors.referrals_of(user, owned)), "can_work": works,
            "referral_form": ReferralForm() if works else None, "due": SurveyStatus.DUE,
        })
    return context


def workbench_panel(request) -> dict | None:
    """Today's post-delivery calls and surveys due of the consultant's owners (two queries)."""
    user = request.user
    if not can(user, Capability.WORK_LEADS):
        return None
    calls = list(selectors.calls_due(user)[:SHOWN])
    surveys = list(selectors.surveys_due(user)[:SHOWN])
    if not calls and not surveys:
        return None
    now = clock.now()
    return {"template": "aftercare/_workbench_panel.html", "calls": calls, "surveys": surveys, "now": now}


def manager_panel(request) -> dict | None:
    """The store's open satisfaction cases (two queries)."""
    user = request.user
    if not can(user, services.HANDLE_CASES):
        return None
    cases = selectors.cases_for(user)
    return {"template": "aftercare/_manager_panel.html", "cases": list(cases[:SHOWN]), "count": cases.count()}
