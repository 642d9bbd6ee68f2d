"""`make bench`: generate the data set in its own database, time the pages, print the table, write the JSON.

    uv run python -m showroom.bench                      # 1,000,000 customers and leads on var/bench.sqlite3
    uv run python -m showroom.bench --size 20000 --reuse # smaller; keep the data set if it already has that size
    uv run python -m showroom.bench --database-url postgres://postgres@127.0.0.1:5432/showroom_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _var_dir() -> Path:
    return Path(os.environ.get("SHOWROOM_VAR_DIR", BASE_DIR / "var"))


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


def parse(argv) -> argparse.Namespace:
    from .generate import SIZE_DEFAULT

    parser = argparse.ArgumentParser(prog="python -m showroom.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=SIZE_DEFAULT,
                        help="customers and leads (activities: 5 × size); default %(default)s")
    parser.add_argument("--repeat", type=int, default=200, help="timed runs of each measurement (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs first (default %(default)s)")
    parser.add_argument("--database-url", default="",
                        help="the bench database (default sqlite:///var/bench.sqlite3); never the demo database")
    parser.add_argument("--reuse", action="store_true", help="keep the data set if the database already has this size")
    parser.add_argument("--out", default="", help="the JSON results (default var/bench-results.json)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the imported sheet (default %(default)s)")
    parser.add_argument("--import-format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default="", help="comma-separated measurement keys (prefixes) to run")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="interrupt a request whose queries run longer than this (seconds; default %(default)s)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="stop repeating a slow measurement after this many seconds; the table shows the runs "
                             "made (default %(default)s)")
    parser.add_argument("--no-upkeep", action="store_true",
                        help="SQLite: measure without planner statistics (skip the product's nightly upkeep, "
                             "showroom.core.maintenance.database_optimize, which the bench runs first by default)")
    parser.add_argument("--race-postgres-url", default=None,
                        help="the scratch PostgreSQL database of the races (default "
                             "postgres://postgres@127.0.0.1:5432/showroom_bench_race; 'none' to race on SQLite only)")
    args = parser.parse_args(argv)
    if args.size < 100 or args.repeat < 1 or args.warmup < 0 or args.import_rows < 1:
        parser.error("--size must be at least 100, --repeat and --import-rows at least 1")
    return args


def database_url(args) -> str:
    url = args.database_url or f"sqlite:///{_var_dir() / 'bench.sqlite3'}"
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path).resolve()
        demo = Path(os.environ.get("DATABASE_URL", f"sqlite:///{_var_dir() / 'showroom.sqlite3'}").split("sqlite://", 1)[-1])
        if path in {(_var_dir() / "showroom.sqlite3").resolve(), demo.resolve()}:
            raise SystemExit(f"{path} is the demo database: the bench needs its own (--database-url).")
    return url


def main(argv=None) -> int:
    args = parse(argv)
    url = database_url(args)
    out = Path(args.out) if args.out else _var_dir() / "bench-results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SHOWROOM_TESTING")}
    # Production behaviour: no DEBUG (no query log, real error pages), the bench database and nothing else.
    env.update(DEBUG="0", SHOWROOM_BENCH_DATABASE_URL=url, DJANGO_SETTINGS_MODULE="showroom.bench.settings")
    os.environ.clear()
    os.environ.update(env)

    load_start = os.getloadavg()
    # The generator runs in a child process, so its memory is not counted as the server's peak.
    with tempfile.TemporaryDirectory() as tmp:
        report_file = Path(tmp) / "generated.json"
        command = [sys.executable, "-m", "showroom.bench.generate", "--size", str(args.size), "--seed", str(args.seed),
                   "--report-file", str(report_file), *(["--reuse"] if args.reuse else [])]
        started = time.monotonic()
        if subprocess.run(command, env=env, cwd=BASE_DIR).returncode:
            raise SystemExit("The data set could not be generated (see above).")
        generation_wall = round(time.monotonic() - started, 1)
        generated = json.loads(report_file.read_text(encoding="utf-8"))

    import django

    django.setup()
    from django.db import connection

    from . import measure, report

    statistics = planner_statistics(connection, upkeep=not args.no_upkeep)
    print(f"Planner statistics: {statistics}", flush=True)
    print(f"Measuring ({args.repeat} runs each after {args.warmup} warm-up) …", flush=True)
    results = measure.run_all(size=args.size, repeat=args.repeat, warmup=args.warmup, import_rows=args.import_rows,
                              import_format=args.import_format, seed=args.seed, timeout=args.timeout, budget=args.budget,
                              only=[p.strip() for p in args.only.split(",") if p.strip()] or None,
                              progress=lambda line: print(line, flush=True))
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    if not only or any(p.startswith("quote_calc") for p in only):
        from showroom.quotes.benchmark import calculations_per_second

        print("  Quote calculations per second (pure, no database) …", flush=True)
        results["quote_calc"] = {"title": "Quote calculations per second (pure, no database)", "status": "ok",
                                 "per_second": round(calculations_per_second(seconds=3.0)),
                                 "via": "showroom.quotes.calc.calculate over varied inputs (benchmark.varied_inputs)"}
    if not only or any(p.startswith("race") for p in only):
        from . import races

        print("Races (each on a scratch database of its own) …", flush=True)
        postgres = races.POSTGRES_DEFAULT if args.race_postgres_url is None else args.race_postgres_url
        results.update(races.run_all(var_dir=_var_dir(), postgres_url=None if postgres in ("", "none") else postgres,
                                     progress=lambda line: print(line, flush=True)))
    meta = {
        "size": args.size, "rows": generated.get("rows", {}), "generated": generated["generated"],
        "generation_seconds": generated.get("generation_seconds"),
        "generation_wall_seconds": generation_wall if generated["generated"] else None,
        "generated_at": generated.get("generated_at"),
        "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"]),
                     "url": _without_password(url), "server_version": _server_version(connection)},
        "planner_statistics": statistics, "timeout_seconds": args.timeout, "budget_seconds": args.budget,
        "repeat": args.repeat, "warmup": args.warmup, "seed": args.seed, "import_rows": args.import_rows,
        "import_format": args.import_format, "python": platform.python_version(), "django": django.get_version(),
        "cpus": os.cpu_count(), "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print()
    print(report.table(meta, results))
    report.write_json(out, meta, results)
    print(f"\nResults written to {out}")
    return 0


def planner_statistics(connection, *, upkeep: bool) -> str:
    """Put the planner's statistics where the product keeps them, and say which they are.

    The product refreshes them itself: nightly (a django-q schedule), after demo data and after big sheet
    imports (showroom.core.maintenance.database_optimize). By default the bench runs that same upkeep first;
    `--no-upkeep` removes any statistics to show what a database that never ran the job would do."""
    if connection.vendor != "sqlite":
        return "PostgreSQL: ANALYZE after loading, as autovacuum does"
    if upkeep:
        from showroom.core.maintenance import database_optimize

        return f"the product's nightly upkeep run first ({database_optimize()})"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")
    connection.close()  # the planner reads the statistics when a connection opens
    return "none (--no-upkeep: as if the nightly upkeep had never run)"


def _server_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
