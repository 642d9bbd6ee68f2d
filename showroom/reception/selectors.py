"""Reading the showroom log: who is in the showroom now, today's batches, traffic figures."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from showroom.core import clock

from .models import Visit, VisitPurpose


def visits_for(actor) -> QuerySet[Visit]:
    """The showroom visits the actor may see."""
    return Visit.objects.visible_to(actor)


def visits_today(actor) -> QuerySet[Visit]:
    start, end = clock.day_range()
    return (
        visits_for(actor).filter(arrived_at__gte=start, arrived_at__lt=end)
        .select_related("customer", "consultant", "lead").order_by("-arrived_at", "-id")
    )


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
