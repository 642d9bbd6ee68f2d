"""Reading the showroom log: who is in the showroom now, today's batches, traffic figures."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from showroom.core import clock
from showroom.customers.identity import mask_name

from .models import Visit, VisitPurpose


def visits_for(actor) -> QuerySet[Visit]:
    """The showroom visits the actor may see."""
    return Visit.objects.visible_to(actor)


def visits_shown_to(actor) -> QuerySet[Visit]:
    """The visits the actor may see, each marked with whether its customer and its lead are the actor's to see
    (`customer_visible`, `lead_visible`): reception, and a consultant standing in for a colleague, see the batch
    they serve, not the colleague's customer file or lead. Show the customer with `customer_label`."""
    from showroom.customers.models import Customer
    from showroom.leads.models import Lead

    return visits_for(actor).select_related("customer", "consultant").annotate(
        customer_visible=Exists(Customer.objects.visible_to(actor).filter(pk=OuterRef("customer_id"))),
        lead_visible=Exists(Lead.objects.visible_to(actor).filter(pk=OuterRef("lead_id"))),
    )


def customer_label(visit: Visit) -> str:
    """The visit's customer as the viewer may see them (a visit from `visits_shown_to`): the name of a customer of
    theirs, or masked (张**) for someone else's; empty for a batch without a customer."""
    if visit.customer_id is None:
        return ""
    return visit.customer.name if getattr(visit, "customer_visible", False) else mask_name(visit.customer.name)


def visits_today(actor) -> QuerySet[Visit]:
    start, end = clock.day_range()
    return visits_shown_to(actor).filter(arrived_at__gte=start, arrived_at__lt=end).order_by("-arrived_at", "-id")


def in_showroom_now(actor) -> QuerySet[Visit]:
    """Batches that arrived today and have not left yet: the live board."""
    return visits_today(actor).filter(left_at__isnull=True).order_by("arrived_at", "id")


def my_walk_ins_today(actor) -> QuerySet[Visit]:
    return visits_today(actor).filter(consultant=actor)


def traffic_today(actor) -> dict:
    """Today's showroom traffic: sales batches first/repeat, captured, people, and non-sales visits."""
    start, end = clock.day_range()
    qs = visits_for(actor).filter(arrived_at__gte=start, arrived_at__lt=end)
    sales = Q(purpose=VisitPurpose.SALES)
    figures = qs.aggregate(
        batches=Count("id", filter=sales),
        first=Count("id", filter=sales & Q(is_first_visit=True)),
        repeat=Count("id", filter=sales & Q(is_first_visit=False)),
        captured_first=Count("id", filter=sales & Q(is_first_visit=True, captured=True)),
        people=Sum("party_size", filter=sales),
        non_sales=Count("id", filter=~sales),
        in_showroom=Count("id", filter=Q(left_at__isnull=True)),
    )
    figures["people"] = figures["people"] or 0
    figures["capture_rate"] = round(100 * figures["captured_first"] / figures["first"]) if figures["first"] else None
    return figures


def reception_match(actor, mobile: str) -> dict | None:
    """Reception's match by full mobile: who it is (the name masked), the masked mobile, their consultant, and
    whether they came to the showroom before; nothing more of the customer file. None when nobody matches."""
    from showroom.customers.selectors import customer_match_for_reception

    customer = customer_match_for_reception(actor, mobile)
    if customer is None:
        return None
    return {
        "id": customer.pk, "name": mask_name(customer.name), "masked_mobile": customer.masked_mobile,
        "owner": customer.owner,
        "repeat": visits_for(actor).filter(customer_id=customer.pk, purpose=VisitPurpose.SALES).exists(),
    }
