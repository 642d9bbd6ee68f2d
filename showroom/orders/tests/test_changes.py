"""Changes after signing: a manager's apply at once, a consultant's wait for a manager; old → new is kept."""

import datetime as dt
from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.orders import services
from showroom.orders.models import ChangeStatus

from .conftest import TODAY, car


def test_a_managers_price_change_applies_at_once_and_is_audited(manager, order):
    change = services.order_change(actor=manager, order=order, changes={"contract_price": "385000"}, reason="经理特批")
    order.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == manager
    assert order.contract_price == Decimal("385000.00")
    assert change.changes == {"contract_price": ["390800.00", "385000.00"]}
    entry = AuditEntry.objects.get(action="orders.changed")
    assert entry.data["changes"]["contract_price"] == ["390800.00", "385000.00"]


def test_a_consultants_change_waits_for_the_managers_approval(consultant, manager, order, grey):
    change = services.order_change(actor=consultant, order=order, changes={"exterior_colour": grey.pk},
                                   reason="客户改选探索灰")
    order.refresh_from_db()
    assert change.status == ChangeStatus.PENDING and order.exterior_colour.name == "冰川白"
    services.order_decide_change(actor=manager, request=change, approve=True, comment="同意")
    order.refresh_from_db()
    change.refresh_from_db()
    assert order.exterior_colour == grey and change.status == ChangeStatus.APPROVED
    assert change.lines == [("exterior colour", "冰川白", "探索灰")]


def test_a_rejected_change_changes_nothing(consultant, manager, order):
    change = services.order_change(actor=consultant, order=order, changes={"delivery_date": TODAY + dt.timedelta(days=9)},
                                   reason="提前")
    services.order_decide_change(actor=manager, request=change, approve=False, comment="排产不允许")
    order.refresh_from_db()
    assert order.delivery_date is None
    assert AuditEntry.objects.filter(action="orders.change_rejected").exists()


def test_a_consultant_cannot_decide_a_change(consultant, order):
    change = services.order_change(actor=consultant, order=order, changes={"delivery_place": "家中"}, reason="客户要求")
    with pytest.raises(PermissionDenied):
        services.order_decide_change(actor=consultant, request=change, approve=True)


def test_one_pending_change_at_a_time(consultant, order):
    services.order_change(actor=consultant, order=order, changes={"delivery_place": "家中"}, reason="客户要求")
    with pytest.raises(Conflict):
        services.order_change(actor=consultant, order=order, changes={"contract_price": "380000"}, reason="再便宜")


def test_a_price_that_would_put_earnest_money_above_twenty_percent_is_refused(manager, order):
    with pytest.raises(DomainError) as refused:
        services.order_change(actor=manager, order=order, changes={"contract_price": "99999"}, reason="错误")
    assert (refused.value.code, refused.value.field) == ("earnest_over_cap", "contract_price")


def test_the_trim_cannot_change_while_a_car_is_allocated(manager, order, store, trim, other_trim, white, black):
    services.order_allocate(actor=manager, order=order, vehicle=car(store, trim, white, black, n=1))
    with pytest.raises(DomainError) as refused:
        services.order_change(actor=manager, order=order, changes={"trim": other_trim.pk}, reason="换型")
    assert refused.value.code == "release_first"


def test_a_colour_of_another_series_is_refused(manager, order, store):
    from showroom.catalog.tests.factories import ColourFactory, SeriesFactory

    foreign = ColourFactory(series=SeriesFactory(brand=order.trim.series.brand, name="A6L"), name="星河蓝")
    with pytest.raises(DomainError) as refused:
        services.order_change(actor=manager, order=order, changes={"exterior_colour": foreign.pk}, reason="换色")
    assert refused.value.field == "exterior_colour"


def test_nothing_to_change_is_refused(manager, order):
    with pytest.raises(DomainError) as refused:
        services.order_change(actor=manager, order=order, changes={"contract_price": order.contract_price}, reason="无")
    assert refused.value.code == "no_change"


def test_a_stale_version_is_refused(manager, order):
    with pytest.raises(Conflict):
        services.order_change(actor=manager, order=order, changes={"delivery_place": "家中"}, reason="x",
                              expected_version=order.version - 1 if order.version > 1 else 99)


def test_a_colleague_cannot_change_someone_elses_order(colleague, order):
    with pytest.raises(NotFound):
        services.order_change(actor=colleague, order=order, changes={"delivery_place": "家中"}, reason="x")
