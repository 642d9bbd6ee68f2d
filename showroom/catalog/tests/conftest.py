import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory


@pytest.fixture
def admin(store):
    """The store admin, who keeps the group's catalog."""
    return UserFactory(store=store, role=Role.STORE_ADMIN, username="admin", full_name="管理员")


@pytest.fixture
def audi(store):
    return BrandFactory(group=store.group, name="奥迪", is_own=True)


@pytest.fixture
def a6l(audi):
    return SeriesFactory(brand=audi, name="A6L", body_type="sedan")


@pytest.fixture
def foreign_series(other_store):
    """A series of another dealer group's catalog."""
    return SeriesFactory(brand=BrandFactory(group=other_store.group, name="奥迪"), name="Q5L")
