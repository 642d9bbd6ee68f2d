"""Demo data of the orders app (see settings.DEMO_EXTENSIONS)."""


def seed(*, store, rng) -> list[str]:
    return []
