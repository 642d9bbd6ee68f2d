"""The quotes cards: on the lead page (its versions with status and totals), on the consultant's workbench (their
approval requests and the manager's decisions until seen) and on the manager's page (requests waiting)."""

from __future__ import annotations

from . import selectors
from .models import QuoteStatus
from .views import may_work

SHOWN = 6  # newest versions on the lead card; the comparison page has them all
QUEUE_SHOWN = 8


def lead_panel(request, lead) -> dict | None:
    """The lead's quote versions with status, total and monthly instalment, and the quote actions (two queries)."""
    user = request.user
    quotes = list(selectors.quotes_for_lead(user, lead)[:SHOWN + 1])
    accepted = any(q.status == QuoteStatus.ACCEPTED for q in quotes)
    works = may_work(user, lead) and lead.is_open and lead.owner_id is not None and not accepted
    if not quotes and not works:
        return None
    rounds = selectors.rounds_for_lead(user, lead).count()
    return {"template": "quotes/_lead_panel.html", "quotes": quotes[:SHOWN], "more": len(quotes) > SHOWN,
            "can_quote": works, "rounds": rounds}


def workbench_panel(request) -> dict | None:
    """The consultant's approval requests: waiting ones, and decisions they have not seen yet (one query)."""
    approvals = list(selectors.approvals_of_consultant(request.user)[:QUEUE_SHOWN])
    if not approvals:
        return None
    return {"template": "quotes/_workbench_panel.html", "approvals": approvals}


def manager_panel(request) -> dict | None:
    """Discount requests waiting for the manager, oldest first (two queries)."""
    user = request.user
    if not selectors.may_approve(user):
        return None
    pending = selectors.approvals_pending(user)
    shown = list(pending[:QUEUE_SHOWN])
    return {"template": "quotes/_manager_panel.html", "approvals": shown,
            "count": len(shown) if len(shown) < QUEUE_SHOWN else pending.count()}
