"""Database upkeep the product does for itself, so that queries keep their plans as the data grows.

SQLite keeps no planner statistics unless someone runs ANALYZE; without them it may pick an index that
scans a whole store (make bench showed seconds instead of milliseconds at a million leads). The nightly job
and the end of a sheet import call `database_optimize`. PostgreSQL's autovacuum does the same by itself.
"""

from __future__ import annotations

import time

from django.db import connection


def database_optimize() -> str:
    """Refresh the planner's statistics (SQLite: a full ANALYZE — about ten seconds at a million leads; a
    sampled one, PRAGMA analysis_limit, left the planner choosing whole-store scans in make bench)."""
    if connection.vendor != "sqlite":
        return f"{connection.vendor}: statistics kept by the server (autovacuum)"
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA optimize")
        # ANALYZE writes nothing for an empty table, and SQLite then guesses a million rows: a query that joins a
        # new, empty table (this week's deliveries) to a million leads would start from the leads. Say it is empty.
        cursor.execute(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) SELECT name, NULL, '0' FROM sqlite_master "
            "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN (SELECT tbl FROM sqlite_stat1)"
        )
        cursor.execute("ANALYZE sqlite_master")  # this connection re-reads the statistics
    return f"sqlite: ANALYZE in {time.monotonic() - started:.1f} s"
