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
