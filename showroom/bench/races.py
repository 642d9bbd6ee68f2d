"""Races for `make bench`: many concurrent requests for one scarce thing (a test-drive slot, a vehicle), on SQLite
and on PostgreSQL. Exactly one may win; every other request must be refused with a clear conflict.

Each race runs in a child process on a scratch database of its own (migrated first), so that both databases are
tried whichever one holds the bench's data set:

    uv run python -m showroom.bench.races --database-url sqlite:////tmp/race.sqlite3 --race testdrive_booking
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

# name -> (title, the function that runs it: (*, workers) -> {"succeeded", "conflicts", "errors"})
RACES = {
    "testdrive_booking": ("20 concurrent bookings of the same test-drive slot", "showroom.testdrives.benchmark.race"),
    "order_allocation": ("20 concurrent allocations of the same vehicle", "showroom.orders.benchmark.race"),
}
WORKERS = 20
POSTGRES_DEFAULT = "postgres://postgres@127.0.0.1:5432/showroom_bench_race"


def _postgres_ready(url: str) -> tuple[bool, str]:
    """Create the scratch PostgreSQL database if the server answers; (False, why) when it does not."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        import psycopg
    except ImportError:
        return False, "psycopg is not installed"
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as err:
        return False, f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({str(err).strip()[:120]})"
    return True, ""


def run_all(*, var_dir: Path, postgres_url: str | None, names: list[str] | None = None, progress=print) -> dict:
    """Every race on a scratch SQLite file and, when reachable, on PostgreSQL; {key: result}."""
    databases = [("sqlite", f"sqlite:///{var_dir / 'bench-race.sqlite3'}")]
    if postgres_url:
        databases.append(("postgresql", postgres_url))
    results = {}
    for name, (title, _path) in RACES.items():
        if names and name not in names:
            continue
        for vendor, url in databases:
            key = f"race_{name}_{vendor}"
            progress(f"  Race: {title} on {vendor} …")
            if vendor == "postgresql":
                ready, why = _postgres_ready(url)
                if not ready:
                    results[key] = {"title": f"{title} ({vendor})", "status": "skipped", "note": why}
                    continue
            if vendor == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(str(var_dir / "bench-race.sqlite3") + suffix).unlink(missing_ok=True)
            env = {**os.environ, "SHOWROOM_BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "showroom.bench.settings"}
            done = subprocess.run([sys.executable, "-m", "showroom.bench.races", "--race", name], env=env,
                                  capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent.parent)
            if done.returncode:
                results[key] = {"title": f"{title} ({vendor})", "status": "error",
                                "note": (done.stderr.strip().splitlines() or ["failed"])[-1][:300]}
                continue
            outcome = json.loads(done.stdout.strip().splitlines()[-1])
            won = outcome["succeeded"] == 1 and outcome["conflicts"] == WORKERS - 1 and not outcome["errors"]
            results[key] = {"title": f"{title} ({vendor})", "status": "ok", "via": _path, "workers": WORKERS,
                            **outcome, "verdict": "PASS" if won else "FAIL"}
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m showroom.bench.races")
    parser.add_argument("--race", choices=sorted(RACES), required=True)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils.module_loading import import_string

    call_command("migrate", verbosity=0, interactive=False)
    outcome = import_string(RACES[args.race][1])(workers=WORKERS)
    print(json.dumps({"succeeded": outcome["succeeded"], "conflicts": outcome["conflicts"],
                      "errors": [str(e)[:200] for e in outcome.get("errors", [])]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
