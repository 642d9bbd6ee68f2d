"""Background jobs of the follow-up app: plain functions the runner (django-q2) calls by dotted name."""

from __future__ import annotations

from . import services


def run_cadence() -> dict:
    """The scheduled run (every 15 minutes): flag overdue follow-ups, send leads without contact to dormant."""
    return services.cadence_run()
