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
    fees_before = order.fees
    change = services.order_change(actor=manager, order=order, changes={"contract_price": "385000"}, reason="经理特批")
    order.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == manager
    assert order.contract_price == Decimal("385000.00")
    assert change.changes["contract_price"] == ["390800.00", "385000.00"]
    entry = AuditEntry.objects.get(action="orders.changed")
    assert entry.data["changes"]["contract_price"] == ["390800.00", "385000.00"]
    assert entry.data["changes"]["fees"] == change.changes["fees"] == [str(fees_before), str(order.fees)]


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


# --- Repricing: the fees (purchase tax, insurance …) and the loan follow the price, the trim and the colours --------

def purchase_tax(price: Decimal) -> Decimal:
    """10 % of the price without its 13 % VAT, to the fen."""
    return (price / Decimal("1.13") * Decimal("0.10")).quantize(Decimal("0.01"))


def test_a_lower_price_lowers_the_purchase_tax_in_the_fees(manager, order):
    before = (order.contract_price, order.fees)
    services.order_change(actor=manager, order=order, changes={"contract_price": order.contract_price - 50000},
                          reason="让利")
    order.refresh_from_db()
    assert order.contract_price == before[0] - 50000
    assert before[1] - order.fees == purchase_tax(before[0]) - purchase_tax(order.contract_price)


def test_a_new_trim_keeps_the_discount_and_reprices_price_and_fees(manager, order, other_trim):
    discount = order.trim.guide_price - order.contract_price
    before_fees = order.fees
    change = services.order_change(actor=manager, order=order, changes={"trim": other_trim.pk}, reason="客户改车型")
    order.refresh_from_db()
    assert order.trim == other_trim and order.contract_price == other_trim.guide_price - discount
    assert set(change.changes) == {"trim", "contract_price", "fees"} and order.fees < before_fees
    change.refresh_from_db()
    assert [label for label, _old, _new in change.lines] == ["trim", "contract price", "fees collected by the store"]


def test_a_consultants_trim_change_shows_the_new_figures_and_the_approval_applies_them(consultant, manager, order,
                                                                                        other_trim):
    change = services.order_change(actor=consultant, order=order, changes={"trim": other_trim.pk}, reason="改车型")
    price, fees = change.changes["contract_price"][1], change.changes["fees"][1]
    order.refresh_from_db()
    assert order.trim != other_trim and str(order.contract_price) != price
    services.order_decide_change(actor=manager, request=change, approve=True)
    order.refresh_from_db()
    assert (order.trim, str(order.contract_price), str(order.fees)) == (other_trim, price, fees)


def test_after_a_price_change_a_new_trim_keeps_the_discount_as_changed(manager, order, other_trim):
    services.order_change(actor=manager, order=order, changes={"contract_price": "380000"}, reason="让利")
    order.refresh_from_db()
    services.order_change(actor=manager, order=order, changes={"trim": other_trim.pk}, reason="改车型")
    order.refresh_from_db()
    assert order.contract_price == other_trim.guide_price - (Decimal("398800.00") - Decimal("380000"))


def test_a_price_above_the_list_price_is_refused_on_the_price(manager, order):
    with pytest.raises(DomainError) as refused:
        services.order_change(actor=manager, order=order, changes={"contract_price": "500000"}, reason="加价")
    assert (refused.value.code, refused.value.field) == ("price_above_list", "contract_price")


def test_the_loan_follows_the_price_of_a_loan_order(manager, consultant, lead, trim, white):
    from .conftest import issue_quote

    quote = issue_quote(consultant, lead, trim, exterior=white, payment_method="loan", loan_lender="奥迪金融",
                        loan_term_months=36, loan_annual_rate=Decimal("0.0399"), loan_down_payment_ratio=Decimal("0.30"))
    order = services.order_sign(actor=consultant, quote=quote)
    before = order.loan_amount
    change = services.order_change(actor=manager, order=order, changes={"contract_price": order.contract_price - 10000},
                                   reason="让利")
    order.refresh_from_db()
    assert order.loan_amount < before and change.changes["loan_amount"] == [str(before), str(order.loan_amount)]
