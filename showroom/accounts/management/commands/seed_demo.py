"""`manage.py seed_demo [--if-empty] [--customers 300] [--seed 42]`: load the demo store into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from showroom.accounts import demo
from showroom.core.maintenance import database_optimize


class Command(BaseCommand):
    help = (
        "Fill an empty database with the demo store: a user for every role, customers and leads in every stage, "
        "grade and channel, two months of activities, today's follow-ups and showroom visits. The password of every "
        "demo user is $SHOWROOM_DEMO_PASSWORD, or the documented default."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing (and say so) when the database already holds a store.")
        parser.add_argument("--customers", type=int, default=300,
                            help=f"How many customers to file (default 300, at least {demo.MIN_CUSTOMERS}).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed: the same seed gives the same people.")

    def handle(self, *args, if_empty: bool, customers: int, seed: int, **options):
        if not demo.database_is_empty():
            if if_empty:
                self.stdout.write("demo data already present")
                return
            raise CommandError("The database already holds a store: seed_demo fills an empty database only "
                               "(use --if-empty to skip quietly).")
        try:
            import faker  # noqa: F401 - a dev dependency; say so plainly rather than with a traceback
        except ImportError as err:
            raise CommandError("seed_demo makes up names with Faker, a development dependency: run `uv sync` "
                               "(as `make demo` does) and try again.") from err
        try:
            summary = demo.seed_demo(customers=customers, seed=seed)
        except ValueError as err:
            raise CommandError(str(err)) from err
        except demo.DemoDataPresent as err:
            raise CommandError(f"These demo usernames are taken already: {err}") from err
        database_optimize()  # what the nightly job does: fresh planner statistics for the new data
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"Sign in at {demo.URL}; `manage.py demo_logins` lists the users and the password.")
