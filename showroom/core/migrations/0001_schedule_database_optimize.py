"""Register the nightly database upkeep with django-q2's scheduler (daily, first run tonight at 03:30)."""

import datetime as dt
import zoneinfo

from django.db import migrations

NAME = "showroom.optimize_database"
FUNC = "showroom.core.tasks.optimize_database"


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    tonight = dt.datetime.combine(dt.datetime.now(tz).date() + dt.timedelta(days=1), dt.time(3, 30), tzinfo=tz)
    # "D" is Schedule.DAILY (historical models carry no class constants).
    Schedule.objects.get_or_create(name=NAME, defaults={"func": FUNC, "schedule_type": "D", "repeats": -1,
                                                        "next_run": tonight})


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")]

    operations = [migrations.RunPython(schedule, unschedule)]
