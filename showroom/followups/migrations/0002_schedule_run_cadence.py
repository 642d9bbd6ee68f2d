"""Register the cadence run with django-q2's scheduler: every 15 minutes, forever."""

from django.db import migrations

NAME = "showroom.run_cadence"
FUNC = "showroom.followups.tasks.run_cadence"


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        # "I" is Schedule.MINUTES (historical models carry no class constants).
        defaults={"func": FUNC, "schedule_type": "I", "minutes": 15, "repeats": -1},
    )


def unschedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("followups", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
