"""`manage.py demo_logins`: who to sign in as in the demo, what each sees first, and the password."""

import os
import unicodedata

from django.core.management.base import BaseCommand
from django.utils import translation

from showroom.accounts import demo
from showroom.accounts.models import Role, User


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = "Print the demo users, their roles, what each sees first, the address and the password."

    def handle(self, *args, **options):
        users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in demo.DEMO_USERS])}
        if not users:
            self.stdout.write("No demo users in this database: run `manage.py seed_demo` first.")
            return
        with translation.override("en"):
            rows = [("user", "role", "name", "sees first")]
            for entry in demo.DEMO_USERS:
                user = users.get(entry.username)
                if user is not None:
                    rows.append((user.username, str(Role(user.role).label), user.full_name, entry.starts_on))
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(f"Demo logins for {demo.URL}")
        for row in rows:
            self.stdout.write("  " + "  ".join([*(_pad(row[i], widths[i]) for i in range(3)), row[3]]).rstrip())
        self.stdout.write(self._password_line(users))

    def _password_line(self, users: dict[str, User]) -> str:
        password = demo.demo_password()
        source = "from SHOWROOM_DEMO_PASSWORD" if os.environ.get("SHOWROOM_DEMO_PASSWORD", "").strip() else "the default"
        probe = users.get("admin") or next(iter(users.values()))
        if probe.check_password(password):
            return f"Password of every demo user: {password}  ({source})"
        return ("Password of every demo user: the value SHOWROOM_DEMO_PASSWORD had when seed_demo loaded the demo "
                "(it is neither the current value nor the default).")
