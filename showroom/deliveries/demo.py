"""Demo data of the deliveries app (see settings.DEMO_EXTENSIONS)."""


def seed(*, store, rng) -> list[str]:
    return []
