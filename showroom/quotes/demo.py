"""Demo data of the quotes app (see settings.DEMO_EXTENSIONS)."""


def seed(*, store, rng) -> list[str]:
    return []
