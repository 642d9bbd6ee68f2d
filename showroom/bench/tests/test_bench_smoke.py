"""`make bench` end to end on a tiny data set: every measurement is there, with figures measured, not made up."""

import json
import os
import subprocess
import sys
from numbers import Number
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

MEASUREMENTS = [
    "lead_list_manager", "lead_list_consultant", "lead_list_consultant_all", "lead_list_consultant_follow_up",
    "lead_list_consultant_search",
    *(f"customer_lookup_{kind}{variant}" for kind in ("mobile", "last4", "initials") for variant in ("", "_page", "_live", "_api")),
    "workbench", "workbench_cards", "lead_detail", "lead_create_api",
]


def _postgres_url() -> str | None:
    """A bench database beside the suite's own, when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_bench_smoke_{os.getpid()}"))


def _drop(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def _bench(tmp_path, database_url: str):
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SHOWROOM_TESTING")}
    env["SHOWROOM_VAR_DIR"] = str(tmp_path)
    command = [sys.executable, "-m", "showroom.bench", "--size", "300", "--repeat", "3", "--warmup", "1",
               "--import-rows", "200", "--database-url", database_url, "--out", str(out)]
    done = subprocess.run(command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout, json.loads(out.read_text(encoding="utf-8"))


def _assert_measured(stdout: str, body: dict) -> None:
    assert body["meta"]["rows"]["customers_customer"] == 300
    assert body["meta"]["rows"]["leads_lead"] == 300
    assert body["meta"]["rows"]["followups_activity"] == 1500
    measurements = body["measurements"]
    for key in MEASUREMENTS:
        result = measurements[key]
        assert result["status"] == "ok", (key, result.get("note"))
        assert result["n"] == 3
        for figure in ("p50_ms", "p95_ms", "mean_ms", "max_ms"):
            assert isinstance(result[figure], Number) and result[figure] > 0, (key, figure)
        assert result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
        assert isinstance(result["queries"], int) and result["queries"] > 0
        assert isinstance(result["raw_sql"]["p50_ms"], Number) and isinstance(result["raw_sql"]["p95_ms"], Number)
        assert result["raw_sql"]["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
        assert result["verdict"] in ("PASS", "MISS", "—")
        assert result["title"] in stdout
    lists = [measurements[k] for k in ("lead_list_manager", "lead_list_consultant", "workbench")]
    assert all(r["target_p95_ms"] == 50 and r["queries_small"] is not None for r in lists)
    assert measurements["customer_lookup_last4"]["target_p95_ms"] == 10
    imported = measurements["import_sheet"]
    assert imported["status"] == "ok", imported.get("note")
    assert imported["report"]["rows"] == 200 and imported["report"]["errors"] == 0
    assert imported["report"]["existing"] >= imported["report"]["duplicates_in_sheet"] > 0
    assert imported["rows_per_second"] > 0 and imported["queries"] > 0
    assert measurements["peak_memory"]["max_rss_mb"] > 0
    assert "Results written to" in stdout


def test_the_bench_runs_end_to_end_on_a_small_data_set_and_writes_every_figure(tmp_path):
    stdout, body = _bench(tmp_path, f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    _assert_measured(stdout, body)
    assert body["meta"]["database"]["vendor"] == "sqlite"
    assert not (tmp_path / "showroom.sqlite3").exists()  # the demo database is never touched


def test_the_bench_runs_on_postgresql_when_the_suite_does(tmp_path):
    url = _postgres_url()
    if url is None:
        pytest.skip("the suite runs on SQLite; the PostgreSQL bench runs with the PostgreSQL suite")
    try:
        stdout, body = _bench(tmp_path, url)
        _assert_measured(stdout, body)
        assert body["meta"]["database"]["vendor"] == "postgresql"
    finally:
        _drop(url)


def test_the_bench_refuses_a_database_it_did_not_make(tmp_path):
    demo = tmp_path / "showroom.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SHOWROOM_TESTING")}
    env["SHOWROOM_VAR_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "showroom.bench", "--size", "300", "--database-url", f"sqlite:///{demo}"],
                          env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "demo database" in done.stderr
