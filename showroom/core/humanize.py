"""Short labels for times, as staff say them: "3 days late" (the largest unit only)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import ngettext


def late_by(due: datetime, now: datetime) -> str:
    """How late something due at `due` is at `now`, in its largest unit: a workbench row reads "2 days late", not
    "2 days, 3 hours" (and one translation per row instead of the template's timesince + blocktranslate)."""
    minutes = max(int((now - due).total_seconds() // 60), 1)
    if minutes < 60:
        return ngettext("%(n)d minute late", "%(n)d minutes late", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return ngettext("%(n)d hour late", "%(n)d hours late", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days}
