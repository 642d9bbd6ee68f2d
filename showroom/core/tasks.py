"""Background jobs of the core: database upkeep."""

from .maintenance import database_optimize


def optimize_database() -> str:
    """Nightly (and after big imports): refresh the database's planner statistics."""
    return database_optimize()
