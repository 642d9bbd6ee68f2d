"""The role set every test can use: an owning consultant, a same-store colleague, a manager, a
receptionist, and a consultant of another store."""

import pytest

from showroom.accounts.models import Role


@pytest.fixture
def store(db):
    from showroom.accounts.tests.factories import StoreFactory

    return StoreFactory()


@pytest.fixture
def other_store(db):
    from showroom.accounts.tests.factories import StoreFactory

    return StoreFactory()


@pytest.fixture
def consultant(store):
    from showroom.accounts.tests.factories import UserFactory

    return UserFactory(store=store, role=Role.CONSULTANT, username="owner", full_name="王小明")


@pytest.fixture
def colleague(store):
    from showroom.accounts.tests.factories import UserFactory

    return UserFactory(store=store, role=Role.CONSULTANT, username="colleague", full_name="李四")


@pytest.fixture
def manager(store):
    from showroom.accounts.tests.factories import UserFactory

    return UserFactory(store=store, role=Role.MANAGER, username="manager", full_name="赵经理")


@pytest.fixture
def receptionist(store):
    from showroom.accounts.tests.factories import UserFactory

    return UserFactory(store=store, role=Role.RECEPTIONIST, username="reception", full_name="前台小周")


@pytest.fixture
def outsider(other_store):
    """A consultant of another store."""
    from showroom.accounts.tests.factories import UserFactory

    return UserFactory(store=other_store, role=Role.CONSULTANT, username="outsider", full_name="外店顾问")


@pytest.fixture
def lead(consultant):
    """An open lead owned by `consultant`."""
    from showroom.leads.tests.factories import LeadFactory

    return LeadFactory(owner=consultant)
