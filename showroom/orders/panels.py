"""The orders cards: on the lead page (the order, its balance and next actions), on the consultant's workbench and
on the manager's page (orders awaiting a car, balances due, changes awaiting approval). A fixed number of queries."""

from django.db.models import Count, Q

from showroom.accounts.capabilities import Capability, can, sees_whole_store
from showroom.leads.models import Stage, Status

from . import selectors
from .models import ACTIVE_STATUSES
from .services import may_approve

SHOWN = 5


def _works(user, lead) -> bool:
    return can(user, Capability.WORK_LEADS) and (lead.owner_id == user.pk or sees_whole_store(user))


def lead_panel(request, lead) -> dict | None:
    """The lead's orders with their balance; signing from a quote once the lead is negotiating (two queries)."""
    user = request.user
    if not can(user, Capability.WORK_LEADS):
        return None
    orders = list(selectors.orders_for_lead(user, lead)[:SHOWN])
    can_sign = (_works(user, lead) and lead.status == Status.OPEN and lead.owner_id is not None
                and lead.stage >= Stage.NEGOTIATION and not any(o.is_active for o in orders))
    if not orders and not can_sign:
        return None
    return {"template": "orders/_lead_panel.html", "orders": orders, "can_sign": can_sign}


def _counts(user):
    qs = selectors.with_balance(selectors.orders_for(user))
    return qs.aggregate(
        awaiting=Count("pk", filter=Q(status__in=selectors.AWAITING_ALLOCATION, vehicle__isnull=True)),
        balance_due=Count("pk", filter=Q(status__in=ACTIVE_STATUSES, outstanding__gt=0)),
        ready=Count("pk", filter=Q(status="ready")),
    )


def workbench_panel(request) -> dict | None:
    """The consultant's running orders: awaiting a car, with a balance due, ready to hand over (one query)."""
    user = request.user
    if not can(user, Capability.WORK_LEADS) or sees_whole_store(user):
        return None
    counts = _counts(user)
    if not any(counts.values()):
        return None
    return {"template": "orders/_workbench_panel.html", "counts": counts}


def manager_panel(request) -> dict | None:
    """The store's orders awaiting a car or a balance, and the changes awaiting the manager (two queries)."""
    user = request.user
    if not may_approve(user):
        return None
    counts = _counts(user)
    pending = list(selectors.pending_changes(user)[:SHOWN])
    return {"template": "orders/_manager_panel.html", "counts": counts, "pending": pending}
