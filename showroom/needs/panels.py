"""The needs card on the lead page (see settings.LEAD_STEP_PANELS)."""

from showroom.leads.models import Status
from showroom.leads.services import lead_allowed_actions

from . import selectors

# The answers the card shows; the rest are one click away.
PANEL_FIELDS = ("purpose", "budget_min", "budget_max", "payment", "powertrain", "body_type", "seats_min",
                "expected_purchase_date", "concerns")


def lead_panel(request, lead) -> dict | None:
    """The current answers in brief, the suggested grade, and the way to the questionnaire (a fixed 3 queries)."""
    latest = selectors.latest_of(request.user, lead)
    can_work = lead_allowed_actions(actor=request.user, lead=lead)["edit"] and lead.status != Status.LOST
    if latest is None and not can_work:
        return None
    return {
        "template": "needs/_lead_panel.html", "latest": latest, "can_work": can_work,
        "answers": [row for row in selectors.answer_rows(latest) if row["field"] in PANEL_FIELDS],
        "grade_suggestion": selectors.grade_suggestion(lead, latest),
    }
