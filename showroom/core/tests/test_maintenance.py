from django.db import connection
from django_q.models import Schedule

from showroom.core.maintenance import database_optimize
from showroom.core.tasks import optimize_database


def test_the_nightly_upkeep_is_scheduled_by_the_migrations(db):
    schedule = Schedule.objects.get(name="showroom.optimize_database")
    assert schedule.func == "showroom.core.tasks.optimize_database"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1


def test_upkeep_gives_sqlite_planner_statistics(lead):
    message = optimize_database()
    if connection.vendor != "sqlite":
        assert "autovacuum" in message
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'leads_lead'")
        assert cursor.fetchone()[0] > 0
    assert database_optimize().startswith("sqlite: ANALYZE")


def test_upkeep_tells_sqlite_that_an_empty_table_is_empty_so_joins_start_from_it(lead):
    """Without a statistic SQLite guesses a million rows for an empty table, and a workbench card joining this week's
    (no) deliveries to the consultant's leads walked all the leads (make bench: 280 ms instead of 3 ms)."""
    if connection.vendor != "sqlite":
        return
    database_optimize()
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'deliveries_delivery' AND idx IS NULL")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'leads_lead' AND idx IS NOT NULL")
        assert cursor.fetchone()[0] > 0
    database_optimize()  # a second run replaces the statistics instead of piling them up
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'deliveries_delivery'")
        assert cursor.fetchone()[0] == 1
