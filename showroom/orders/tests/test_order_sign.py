"""Signing the order from the accepted quote: contract data, number, the quote accepted, the lead at the order step."""

import datetime as dt
from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound
from showroom.leads.models import Grade, Stage
from showroom.orders import services
from showroom.orders.models import Order, OrderStatus
from showroom.quotes.models import QuoteStatus

from .conftest import TODAY, file_lead, issue_quote


def test_signing_copies_the_contract_from_the_quote_and_accepts_it(consultant, quote, white, black, comfort):
    order = services.order_sign(actor=consultant, quote=quote, delivery_date=TODAY + dt.timedelta(days=30),
                                delivery_place="4S店交车区")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    assert order.number == "SO2026-000001"
    assert order.status == OrderStatus.SIGNED
    assert order.buyer_name == "张三"
    assert (order.trim_id, order.exterior_colour, order.interior_colour) == (quote.trim_id, white, black)
    assert order.contract_price == quote.vehicle_price == Decimal("390800.00")
    assert order.amount_due == quote.total
    assert (order.deposit_kind, order.deposit_amount) == ("earnest", Decimal("20000.00"))
    assert order.delivery_place == "4S店交车区"
    assert AuditEntry.objects.filter(action="orders.signed", target_id=order.pk).exists()


def test_signing_moves_the_lead_to_the_order_step_and_grade_o(consultant, order):
    lead = order.lead
    lead.refresh_from_db()
    assert lead.stage == Stage.ORDER
    assert lead.grade == Grade.O


def test_the_options_of_the_quote_are_part_of_the_contract(consultant, lead, trim, white, black, comfort):
    quote = issue_quote(consultant, lead, trim, exterior=white, interior=black,
                        lines=[{"kind": "option", "option": comfort.pk, "name": "舒适包", "amount": Decimal("12000")}])
    order = services.order_sign(actor=consultant, quote=quote)
    assert [line["name"] for line in order.options] == ["舒适包"]


def test_earnest_money_above_twenty_percent_of_the_price_is_refused_with_a_field_message(consultant, quote):
    with pytest.raises(DomainError) as refused:
        services.order_sign(actor=consultant, quote=quote, deposit_kind="earnest", deposit_amount=Decimal("78160.01"))
    assert refused.value.field == "deposit_amount"
    assert "78,160.00" in str(refused.value.message)
    assert not Order.objects.exists()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ISSUED  # nothing half-saved: the quote is not accepted either


def test_exactly_twenty_percent_is_allowed_as_earnest_money(consultant, quote):
    order = services.order_sign(actor=consultant, quote=quote, deposit_kind="earnest", deposit_amount=Decimal("78160.00"))
    assert order.deposit_amount == Decimal("78160.00")


def test_an_advance_payment_has_no_twenty_percent_cap(consultant, quote):
    order = services.order_sign(actor=consultant, quote=quote, deposit_kind="advance", deposit_amount=Decimal("100000"))
    assert (order.deposit_kind, order.deposit_amount) == ("advance", Decimal("100000.00"))


@pytest.mark.parametrize("kind", ["intention", "locked"])
def test_the_intention_fee_and_locked_deposit_can_be_agreed(consultant, quote, kind):
    assert services.order_sign(actor=consultant, quote=quote, deposit_kind=kind, deposit_amount="5000").deposit_kind == kind


def test_an_unknown_deposit_kind_or_a_zero_deposit_is_refused(consultant, quote):
    with pytest.raises(DomainError) as refused:
        services.order_sign(actor=consultant, quote=quote, deposit_kind="gift", deposit_amount="5000")
    assert refused.value.field == "deposit_kind"
    with pytest.raises(DomainError) as refused:
        services.order_sign(actor=consultant, quote=quote, deposit_amount="0")
    assert refused.value.field == "deposit_amount"


def test_a_delivery_date_in_the_past_is_refused(consultant, quote):
    with pytest.raises(DomainError) as refused:
        services.order_sign(actor=consultant, quote=quote, delivery_date=TODAY - dt.timedelta(days=1))
    assert refused.value.field == "delivery_date"


def test_a_quote_cannot_be_signed_twice(consultant, order):
    with pytest.raises((Conflict, DomainError)):
        services.order_sign(actor=consultant, quote=order.quote)
    assert Order.objects.count() == 1


def test_order_numbers_run_per_store_and_year(consultant, colleague, outsider, quote, trim, white, black, frozen):
    first = services.order_sign(actor=consultant, quote=quote)
    second_lead = file_lead(colleague, name="李雷", mobile="13900139000")
    second = services.order_sign(actor=colleague, quote=issue_quote(colleague, second_lead, trim, exterior=white))
    assert (first.number, second.number) == ("SO2026-000001", "SO2026-000002")
    frozen.move_to(dt.datetime(2027, 1, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    third_lead = file_lead(consultant, name="韩梅梅", mobile="13700137000")
    third = services.order_sign(actor=consultant, quote=issue_quote(consultant, third_lead, trim))
    assert third.number == "SO2027-000001"


def test_another_store_counts_its_own_numbers(outsider, frozen):
    from showroom.orders.services import next_number

    assert next_number(outsider.store_id, "SO") == "SO2026-000001"


def test_a_colleague_cannot_sign_from_someone_elses_quote(colleague, quote):
    with pytest.raises(NotFound):
        services.order_sign(actor=colleague, quote=quote)


def test_a_receptionist_may_not_sign(receptionist, quote):
    from showroom.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.order_sign(actor=receptionist, quote=quote)
