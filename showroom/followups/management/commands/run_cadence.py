"""`manage.py run_cadence`: the scheduled cadence run, for cron or by hand (the demo runs it via django-q2)."""

from django.core.management.base import BaseCommand

from showroom.followups.tasks import run_cadence


class Command(BaseCommand):
    help = "Mark overdue follow-up tasks and move leads without contact for the store's days to dormant."

    def handle(self, *args, **options):
        counts = run_cadence()
        self.stdout.write(
            f"overdue_tasks={counts['overdue_tasks']} dormant_leads={counts['dormant_leads']}"
        )
