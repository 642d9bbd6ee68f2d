"""The test-drive card on the lead page (see settings.LEAD_STEP_PANELS)."""

from showroom.core import clock
from showroom.leads.models import Stage, Status
from showroom.leads.services import lead_allowed_actions

from . import selectors
from .forms import ReasonForm

SHOWN = 6  # the newest drives on the card; the lead's timeline has the rest in its audit entries


def lead_panel(request, lead) -> dict | None:
    """Upcoming and past test drives of the lead, with booking and decline (one query)."""
    user = request.user
    bookings = list(selectors.bookings_for_lead(user, lead)[:SHOWN])
    works = lead_allowed_actions(actor=user, lead=lead)["edit"] and lead.status == Status.OPEN and lead.owner_id is not None and lead.stage < Stage.ORDER
    if not bookings and not works:
        return None
    now = clock.now()
    upcoming = [b for b in bookings if b.is_active]
    past = [b for b in bookings if not b.is_active]
    return {
        "template": "testdrives/_lead_panel.html", "upcoming": sorted(upcoming, key=lambda b: b.starts_at),
        "past": past, "can_book": works, "decline_form": ReasonForm() if works else None, "now": now,
        "decline_advances": Stage.PRESENTATION <= lead.stage < Stage.NEGOTIATION,
    }
