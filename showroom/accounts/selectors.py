"""Reading the people of a store: who can own leads, who takes the next one, whose follow-ups a manager reviews."""

from __future__ import annotations

from django.db.models import F, QuerySet

from .models import Role, Store, User

# The roles that own customers and leads of their own (see `User.sells`).
SELLER_ROLES = (Role.CONSULTANT, Role.KEY_ACCOUNT)


def store_consultants(actor) -> list[User]:
    """The active consultants and key-account managers of the actor's store (of every store for a user without
    one, a group admin), by name: whom a lead or a showroom batch can be given to, and the consultant filters."""
    qs = User.objects.filter(role__in=SELLER_ROLES, is_active=True)
    if actor.store_id:
        qs = qs.filter(store_id=actor.store_id)
    return list(qs.order_by("full_name", "username"))


def consultants_on_duty(store: Store | int) -> QuerySet[User]:
    """The store's consultants on duty who take new leads and walk-ins in turn, the one given a new lead longest
    ago first (key-account managers are not in the rotation)."""
    return (
        User.objects.filter(store=store, role=Role.CONSULTANT, is_active=True, on_duty=True)
        .order_by(F("last_lead_assigned_at").asc(nulls_first=True), "id")
    )


def task_owners(actor) -> list[User]:
    """The people whose follow-ups a manager may filter by: the store's sellers and managers, active ones first."""
    qs = User.objects.filter(role__in=(*SELLER_ROLES, Role.MANAGER, Role.STORE_ADMIN))
    if actor.store_id:
        qs = qs.filter(store_id=actor.store_id)
    return list(qs.order_by("-is_active", "full_name", "username"))
