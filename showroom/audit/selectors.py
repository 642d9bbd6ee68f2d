"""Reading the audit log of one record (the caller has already opened the record)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def entries_for(target, *, limit: int = 200):
    """Audit entries of a record the caller may see, newest first, with their actors."""
    content_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
    return AuditEntry.objects.filter(target_type=content_type, target_id=target.pk).select_related("actor")[:limit]
