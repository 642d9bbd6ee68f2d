"""Whose catalog: a dealer group's brands, series and trims are shared by its stores and by no one else."""

from __future__ import annotations

from django.db.models import Q

from showroom.core.scoping import NOTHING


def actor_group_id(actor) -> int | None:
    """The dealer group whose catalog the actor works with: their store's group; a group admin without a store
    works with the one group of the installation. None: no catalog at all."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    cached = getattr(actor, "_catalog_group_id", False)
    if cached is not False:
        return cached
    group_id = None
    if actor.store_id is not None:
        group_id = actor.store.group_id
    else:
        from showroom.accounts.capabilities import sees_all_stores
        from showroom.accounts.models import DealerGroup

        if sees_all_stores(actor):
            groups = list(DealerGroup.objects.values_list("pk", flat=True)[:2])
            group_id = groups[0] if len(groups) == 1 else None
    actor._catalog_group_id = group_id
    return group_id


def group_rule(actor, prefix: str = "") -> Q:
    """Catalog rows of the actor's dealer group; `prefix` reaches the brand ("series__brand__")."""
    group_id = actor_group_id(actor)
    if group_id is None:
        return NOTHING
    return Q(**{f"{prefix}group_id": group_id})
