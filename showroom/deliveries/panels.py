"""The delivery cards on the lead page, the consultant's workbench and the manager's page."""

import datetime as dt

from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, can, sees_whole_store
from showroom.core import clock
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


def _week_card(title, rows, **extra) -> dict:
    first = selectors.week_start(clock.today())
    return {"template": "deliveries/_upcoming_panel.html", "deliveries": rows, "title": title,
            "today_start": clock.start_of_day(clock.today()), "next_week": first + dt.timedelta(days=7), **extra}


def workbench_panel(request) -> dict | None:
    """The consultant's deliveries of this calendar week still to hand over (one query)."""
    user = request.user
    if not can(user, Capability.WORK_LEADS):
        return None
    # By the delivery's consultant: the database starts from the week's deliveries, not from the consultant's leads.
    rows = list(selectors.this_week_still_open(user).filter(consultant_id=user.pk, store_id=user.store_id)[:SHOWN])
    if not rows:
        return None
    return _week_card(_("My deliveries this week"), rows)


def manager_panel(request) -> dict | None:
    """The store's deliveries of this calendar week still to hand over (one query)."""
    user = request.user
    if not sees_whole_store(user):
        return None
    return _week_card(_("Deliveries this week"), list(selectors.this_week_still_open(user)[:SHOWN]),
                      show_consultant=True)
