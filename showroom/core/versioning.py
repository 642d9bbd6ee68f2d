"""Optimistic locking: the second of two concurrent edits is refused instead of overwriting the first."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .errors import Conflict


def check_version(obj, expected: int | None) -> None:
    """Refuse the save if the record changed since the editor loaded version `expected`."""
    try:
        if expected is None or int(expected) == obj.version:
            return
    except (TypeError, ValueError):
        pass  # a garbled version is treated like an outdated one: reload and edit again
    who = obj.updated_by.display_name if getattr(obj, "updated_by", None) else _("someone else")
    # English ends the time with "p.m.": the sentence's own full stop closes it ("… 2:30 p.m. Reload …", not "p.m..").
    when = formats.date_format(timezone.localtime(obj.updated_at), "DATETIME_FORMAT").rstrip(".")
    raise Conflict(
        _("This record was changed by %(who)s at %(when)s. Reload the page to see the change, then edit again.")
        % {"who": who, "when": when},
        code="stale_version",
        field="version",
    )


def bump(obj, actor, fields: list[str]) -> list[str]:
    """Mark a versioned record as changed by `actor`; returns the update_fields to save."""
    obj.version += 1
    obj.updated_by = actor
    return [*fields, "version", "updated_by", "updated_at"]
