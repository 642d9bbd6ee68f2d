import datetime as dt
import importlib
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.apps import apps
from django.core.management import call_command
from django_q.models import Schedule

from showroom.audit.models import AuditEntry
from showroom.core import jobs
from showroom.followups.models import Outcome, Task, TaskStatus
from showroom.followups.services import activity_log, task_create
from showroom.followups.tasks import run_cadence
from showroom.leads.models import Status
from showroom.leads.tests.factories import LeadFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 1, 5, 10, 0, tzinfo=SHANGHAI)
migration = importlib.import_module("showroom.followups.migrations.0002_schedule_run_cadence")


def test_run_cadence_marks_overdue_tasks_and_sends_leads_without_contact_for_the_stores_days_to_dormant(consultant, store):
    store.dormant_after_days = 30
    store.save()
    with time_machine.travel(START, tick=False) as clock:
        forgotten = LeadFactory(owner=consultant)
        worked = LeadFactory(owner=consultant)
        clock.shift(dt.timedelta(days=25))
        activity_log(actor=consultant, lead=worked, channel="phone", outcome=Outcome.REACHED, summary="客户还在比较")
        late = task_create(actor=consultant, lead=worked, title="发报价", due_at=START + dt.timedelta(days=26))
        clock.shift(dt.timedelta(days=6))  # 31 days after both leads came in; `worked` was reached 6 days ago
        out = StringIO()

        call_command("run_cadence", stdout=out)

    forgotten.refresh_from_db()
    worked.refresh_from_db()
    late.refresh_from_db()
    assert forgotten.status == Status.DORMANT
    assert worked.status == Status.OPEN
    assert late.status == TaskStatus.OPEN and late.overdue_since == START + dt.timedelta(days=31)
    entry = AuditEntry.objects.get(action="leads.went_dormant")
    assert entry.target_id == forgotten.pk and entry.actor is None
    assert "dormant_leads=1" in out.getvalue() and "overdue_tasks=" in out.getvalue()


def test_a_second_run_changes_nothing_more(consultant):
    with time_machine.travel(START, tick=False) as clock:
        lead = LeadFactory(owner=consultant)
        task_create(actor=consultant, lead=lead, title="回访", due_at=START + dt.timedelta(days=1))
        clock.shift(dt.timedelta(days=2))
        first = run_cadence()
        second = run_cadence()

    assert first == {"overdue_tasks": 1, "dormant_leads": 0}
    assert second == {"overdue_tasks": 0, "dormant_leads": 0}


def test_the_migration_schedules_the_cadence_run_every_15_minutes(db):
    schedule = Schedule.objects.get(name="showroom.run_cadence")

    assert schedule.func == "showroom.followups.tasks.run_cadence"
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 15 and schedule.repeats == -1


def test_the_migration_can_be_reversed_and_reapplied_without_a_duplicate(db):
    migration.unschedule(apps, None)
    assert not Schedule.objects.filter(name="showroom.run_cadence").exists()

    migration.schedule(apps, None)
    migration.schedule(apps, None)
    assert Schedule.objects.filter(name="showroom.run_cadence").count() == 1


def test_jobs_are_enqueued_by_dotted_name_and_run_inline_in_tests(consultant):
    with time_machine.travel(START, tick=False) as clock:
        lead = LeadFactory(owner=consultant)
        task = task_create(actor=consultant, lead=lead, title="回访", due_at=START + dt.timedelta(hours=1))
        clock.shift(dt.timedelta(hours=2))

        jobs.enqueue(run_cadence)

    assert jobs.dotted_path(run_cadence) == "showroom.followups.tasks.run_cadence"
    assert Task.objects.get(pk=task.pk).overdue_since is not None


def test_a_job_may_also_be_named_by_its_dotted_path():
    assert jobs.dotted_path("showroom.followups.tasks.run_cadence") == "showroom.followups.tasks.run_cadence"
