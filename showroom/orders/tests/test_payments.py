"""Payments: the deposit and the balance with receipt numbers, the outstanding balance, overpayment refused."""

from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound
from showroom.orders import services
from showroom.orders.models import OrderStatus, Payment
from showroom.orders.selectors import balance_of

from .conftest import issue_quote


def test_the_outstanding_balance_is_the_price_and_fees_less_the_payments(consultant, order):
    due = order.contract_price + order.fees
    assert balance_of(order).outstanding == due
    services.payment_record(actor=consultant, order=order, kind="deposit", method="wechat_pay", amount="20000")
    assert balance_of(order).outstanding == due - Decimal("20000")
    services.payment_record(actor=consultant, order=order, kind="balance", method="bank_card", amount="100000.50")
    assert balance_of(order).outstanding == due - Decimal("120000.50")


def test_paying_the_whole_deposit_marks_the_order_deposit_paid(consultant, order):
    services.payment_record(actor=consultant, order=order, kind="deposit", method="alipay", amount="5000")
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED
    services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="15000")
    order.refresh_from_db()
    assert order.status == OrderStatus.DEPOSIT_PAID


def test_each_payment_gets_the_next_receipt_number_and_is_audited(consultant, order):
    first = services.payment_record(actor=consultant, order=order, kind="deposit", method="wechat_pay", amount="20000",
                                    reference="4200001234")
    second = services.payment_record(actor=consultant, order=order, kind="balance", method="transfer", amount="1000")
    assert (first.receipt_number, second.receipt_number) == ("SK2026-000001", "SK2026-000002")
    assert first.payer == "张三" and first.received_by == consultant
    entry = AuditEntry.objects.filter(action="orders.payment_recorded").order_by("pk").first()
    assert entry.data["receipt"] == "SK2026-000001" and entry.data["amount"] == "20000.00"


def test_more_deposit_than_agreed_is_refused(consultant, order):
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount="20000.01")
    assert (refused.value.code, refused.value.field) == ("deposit_exceeded", "amount")


def test_an_overpayment_is_refused_and_nothing_is_saved(consultant, order):
    outstanding = balance_of(order).outstanding
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="balance", method="transfer",
                                amount=outstanding + Decimal("0.01"))
    assert (refused.value.code, refused.value.field) == ("overpayment", "amount")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1e30"])
def test_an_amount_that_is_not_money_is_refused_on_the_amount(consultant, order, amount):
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="balance", method="cash", amount=amount)
    assert refused.value.field == "amount"


def test_a_loan_disbursement_needs_a_loan_plan_and_a_trade_in_credit_the_trade_in_method(consultant, order):
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="loan", method="transfer", amount="100000")
    assert refused.value.code == "no_loan"
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="trade_in", method="cash", amount="100000")
    assert refused.value.field == "method"


def test_a_loan_order_takes_the_lenders_disbursement(consultant, lead, trim, white):
    quote = issue_quote(consultant, lead, trim, exterior=white, payment_method="loan", loan_lender="奥迪金融",
                        loan_term_months=36, loan_annual_rate=Decimal("0.0399"),
                        loan_down_payment_ratio=Decimal("0.30"))
    order = services.order_sign(actor=consultant, quote=quote)
    assert order.payment_plan == "loan" and order.loan_amount == quote.amount_financed > 0
    payment = services.payment_record(actor=consultant, order=order, kind="loan", method="transfer",
                                      amount=order.loan_amount)
    assert payment.get_kind_display() == "Loan disbursement"


def test_a_colleague_cannot_take_a_payment_for_someone_elses_order(colleague, order):
    with pytest.raises(NotFound):
        services.payment_record(actor=colleague, order=order, kind="deposit", method="cash", amount="100")


def test_the_manager_can_take_payments_for_the_store(manager, order):
    assert services.payment_record(actor=manager, order=order, kind="deposit", method="cash", amount="100").amount == 100


def test_a_trade_in_credit_needs_a_trade_in_on_the_contract(consultant, order):
    assert not order.quote.has_trade_in
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="trade_in", method="trade_in", amount="150000")
    assert (refused.value.code, refused.value.field) == ("no_trade_in", "kind")
    assert not Payment.objects.exists()


def test_a_trade_in_credit_is_capped_at_the_trade_in_value(consultant, lead, trim, white):
    quote = issue_quote(consultant, lead, trim, exterior=white, has_trade_in=True, trade_in_brand="大众",
                        trade_in_model="帕萨特", trade_in_value=Decimal("50000"))
    order = services.order_sign(actor=consultant, quote=quote)
    services.payment_record(actor=consultant, order=order, kind="trade_in", method="trade_in", amount="30000")
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="trade_in", method="trade_in", amount="20000.01")
    assert (refused.value.code, refused.value.field) == ("trade_in_exceeded", "amount")
    assert "¥20,000.00" in str(refused.value.message)
    services.payment_record(actor=consultant, order=order, kind="trade_in", method="trade_in", amount="20000")
    assert balance_of(order).paid == Decimal("50000")


def test_a_loan_disbursement_is_capped_at_the_loan(consultant, lead, trim, white):
    quote = issue_quote(consultant, lead, trim, exterior=white, payment_method="loan", loan_lender="奥迪金融",
                        loan_term_months=36, loan_annual_rate=Decimal("0.0399"),
                        loan_down_payment_ratio=Decimal("0.30"))
    order = services.order_sign(actor=consultant, quote=quote)
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="loan", method="transfer",
                                amount=order.loan_amount + Decimal("0.01"))
    assert (refused.value.code, refused.value.field) == ("loan_exceeded", "amount")
    services.payment_record(actor=consultant, order=order, kind="loan", method="transfer", amount=order.loan_amount)
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=consultant, order=order, kind="loan", method="transfer", amount="1")
    assert refused.value.code == "loan_exceeded"
