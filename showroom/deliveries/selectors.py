"""Reading deliveries: the week's appointments (a consultant's own, a manager's whole store), one delivery with its
order and car, a lead's delivery, its photos."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from showroom.accounts.models import Role, User
from showroom.core import clock
from showroom.core.scoping import get_visible

from .models import Delivery, DeliveryPhoto, DeliveryStatus

_RELATED = ("lead__customer", "order__vehicle__trim__series", "order__exterior_colour", "consultant", "service_advisor",
            "pdi_inspector", "pdi_vehicle", "checklist_vehicle", "signed_vehicle")


def deliveries_for(actor) -> QuerySet[Delivery]:
    """The deliveries the actor may see: those of their own leads, the whole store's for a manager."""
    return Delivery.objects.visible_to(actor)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def deliveries_of_week(actor, first_day: dt.date) -> QuerySet[Delivery]:
    """The deliveries booked in the seven days from `first_day`, in the order they happen (not those called off with
    their order)."""
    start = clock.start_of_day(first_day)
    return (deliveries_for(actor).filter(scheduled_at__gte=start, scheduled_at__lt=start + dt.timedelta(days=7))
            .exclude(status=DeliveryStatus.CANCELLED)
            .select_related(*_RELATED).defer("signature_png").order_by("scheduled_at", "pk"))


def delivery_get(actor, pk) -> Delivery:
    """One delivery with its lead, customer, order and car; NotFound (404) if the actor may not see it."""
    return get_visible(Delivery, actor, pk, select_related=(*_RELATED, "completed_by", "updated_by"))


def delivery_for_lead(actor, lead) -> Delivery | None:
    """The lead's delivery (the newest if an order was replaced), if any; one called off with its order is not."""
    return (deliveries_for(actor).filter(lead_id=lead.pk).exclude(status=DeliveryStatus.CANCELLED)
            .select_related(*_RELATED).defer("signature_png")
            .order_by("-scheduled_at", "-pk").first())


def photos_of(actor, delivery: Delivery) -> QuerySet[DeliveryPhoto]:
    return DeliveryPhoto.objects.visible_to(actor).filter(delivery_id=delivery.pk).order_by("uploaded_at", "pk")


def service_advisors(store_id: int | None) -> list[User]:
    """The store's service advisors, who sign the PDI and are paired with the owner."""
    if store_id is None:
        return []
    return list(User.objects.filter(store_id=store_id, role=Role.SERVICE_ADVISOR, is_active=True).order_by("full_name", "pk"))


def this_week_still_open(actor) -> QuerySet[Delivery]:
    """The deliveries of this calendar week (Monday to Sunday, store time, the days of the week page) still to hand
    over, in the order they happen: those of the days gone by first, as they are overdue (the workbench and the
    manager's page)."""
    start = clock.start_of_day(week_start(clock.today()))
    return (deliveries_for(actor).filter(status=DeliveryStatus.SCHEDULED, scheduled_at__gte=start,
                                         scheduled_at__lt=start + dt.timedelta(days=7))
            .select_related("lead__customer", "order__vehicle__trim__series", "consultant").defer("signature_png")
            .order_by("scheduled_at", "pk"))
