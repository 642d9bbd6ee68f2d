"""The presentations card on the lead page (see settings.LEAD_STEP_PANELS)."""

from showroom.leads.models import Stage, Status
from showroom.leads.services import lead_allowed_actions

from . import selectors


def lead_panel(request, lead) -> dict | None:
    """The lead's presentations with the points covered and objections, and the way to start one (3 queries)."""
    presentations = selectors.presentations_of(request.user, lead)
    can_work = lead_allowed_actions(actor=request.user, lead=lead)["edit"] and lead.status != Status.LOST
    # Before the needs are clear the card stays away unless a car was already shown.
    if not presentations and (not can_work or lead.stage < Stage.NEEDS_ANALYSIS):
        return None
    return {"template": "presentations/_lead_panel.html", "presentations": presentations, "can_work": can_work}
