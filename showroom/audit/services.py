"""Writing the audit log: called by every service that changes customers, leads and their work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry, PiiAccess


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, models.Model):
        return {"id": value.pk, "label": str(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(*, actor, action: str, target: models.Model, data: dict | None = None, store_id: int | None = None) -> AuditEntry:
    """Write one audit entry in the caller's transaction. `actor` None means the scheduler."""
    return AuditEntry.objects.create(
        store_id=store_id if store_id is not None else getattr(target, "store_id", None),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=target.pk,
        data=_plain(data or {}),
    )


def record_changes(*, actor, action: str, target: models.Model, before: dict, after: dict) -> AuditEntry | None:
    """Audit the fields whose value changed, as {field: [old, new]}; nothing if nothing changed."""
    changes = {k: [before.get(k), after.get(k)] for k in after if _plain(before.get(k)) != _plain(after.get(k))}
    if not changes:
        return None
    return record(actor=actor, action=action, target=target, data={"changes": changes})


def record_bulk(*, actor, action: str, targets: list[models.Model], data: dict | None = None) -> None:
    """Audit one change applied to many records at once (scheduled or bulk actions)."""
    if not targets:
        return
    content_type = ContentType.objects.get_for_model(targets[0], for_concrete_model=True)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                store_id=getattr(t, "store_id", None), actor=actor if getattr(actor, "pk", None) else None,
                action=action, target_type=content_type, target_id=t.pk, data=_plain(data or {}),
            )
            for t in targets
        ],
        batch_size=500,
    )


def log_pii_access(*, actor, customer, field: str, purpose: str = "") -> None:
    PiiAccess.objects.create(store_id=customer.store_id, actor=actor, customer=customer, field=field, purpose=purpose)
