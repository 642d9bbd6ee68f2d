"""The role set every test can use: an owning consultant, a same-store colleague, a manager, a
receptionist, and a consultant of another store; and the browser of the browser tests (marked `browser`:
headless Chromium from Debian's package, driven by Playwright, against the live server), one Playwright
session for every app's browser tests. The sales-process tests' shared March morning (clock, Q5L, quote settings,
walk-ins) is a plugin of its own, showroom/core/testing/fixtures.py."""

import os

import pytest

from showroom.accounts.models import Role

pytest_plugins = ["showroom.core.testing.fixtures"]


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


# --- browser tests ---------------------------------------------------------------------------------

CHROMIUM = os.environ.get("SHOWROOM_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """A fresh browser context (tablet-sized, Chinese UI) per signed-in user; returns a function user → page."""
    contexts = []

    def _open(user, password="pw-for-tests-1", *, viewport=(1280, 900)):  # noqa: S107 - the test users' password
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN")
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield _open
    for context in contexts:
        context.close()
