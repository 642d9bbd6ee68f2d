"""The delivery cards on the lead page, the consultant's workbench and the manager's page."""

from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, can, sees_whole_store
from showroom.leads.models import Stage, Status
from showroom.leads.services import lead_allowed_actions
from showroom.orders import selectors as orders
from showroom.orders.models import ACTIVE_STATUSES

from . import selectors

SHOWN = 8


def lead_panel(request, lead) -> dict | None:
    """The lead's delivery with its steps, or the button to book it once the order has a car (at most two queries)."""
    user = request.user
    delivery = selectors.delivery_for_lead(user, lead)
    if delivery is not None:
        steps = [("PDI", delivery.pdi_signed), (_("Checklist"), not delivery.checklist_missing),
                 (_("Signature"), delivery.has_signature), (_("Delivered"), delivery.is_completed)]
        return {"template": "deliveries/_lead_panel.html", "delivery": delivery, "steps": steps}
    if lead.status != Status.OPEN or lead.stage != Stage.ORDER or not lead_allowed_actions(actor=user, lead=lead)["edit"]:
        return None
    ready = orders.orders_for(user).filter(lead_id=lead.pk, status__in=ACTIVE_STATUSES, vehicle__isnull=False).exists()
    return {"template": "deliveries/_lead_panel.html", "delivery": None, "can_schedule": ready} if ready else None


def workbench_panel(request) -> dict | None:
    """The consultant's deliveries of the coming week (one query)."""
    user = request.user
    if not can(user, Capability.WORK_LEADS):
        return None
    # By the delivery's consultant: the database starts from the week's deliveries, not from the consultant's leads.
    rows = list(selectors.upcoming(user).filter(consultant_id=user.pk, store_id=user.store_id)[:SHOWN])
    if not rows:
        return None
    return {"template": "deliveries/_upcoming_panel.html", "deliveries": rows, "title": _("My deliveries this week")}


def manager_panel(request) -> dict | None:
    """The store's deliveries of the coming week (one query)."""
    user = request.user
    if not sees_whole_store(user):
        return None
    rows = list(selectors.upcoming(user)[:SHOWN])
    return {"template": "deliveries/_upcoming_panel.html", "deliveries": rows, "title": _("Deliveries this week"),
            "show_consultant": True}
