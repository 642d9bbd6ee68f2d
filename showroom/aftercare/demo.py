"""Demo data of the aftercare app (see settings.DEMO_EXTENSIONS)."""


def seed(*, store, rng) -> list[str]:
    return []
