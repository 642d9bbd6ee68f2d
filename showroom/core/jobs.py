"""The one place that hands work to the background runner.

Services and views never import the runner: they call `enqueue(tasks.some_job, lead_id=…)`, usually
inside `transaction.on_commit`. Keeping the runner behind this function means it can be swapped (django-q2
today, django-tasks or Celery tomorrow) by editing one file, and the tests run every job inline because
the test settings put django-q2 in sync mode.
"""

from __future__ import annotations

from collections.abc import Callable


def dotted_path(func: Callable | str) -> str:
    """The importable name of a job ("showroom.followups.tasks.run_cadence"); the runner stores names, not objects."""
    if isinstance(func, str):
        return func
    return f"{func.__module__}.{func.__qualname__}"


def enqueue(func: Callable | str, *args, **kwargs) -> str:
    """Run `func(*args, **kwargs)` in the background; returns the runner's task id.

    Jobs take ids and plain values, never model instances: the row may change before the job runs.
    """
    from django_q.tasks import async_task

    return async_task(dotted_path(func), *args, **kwargs)
