"""Demo data of the testdrives app (see settings.DEMO_EXTENSIONS)."""


def seed(*, store, rng) -> list[str]:
    return []
