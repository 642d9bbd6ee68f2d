"""Drafting, versioning, issuing, declining and accepting quotes; the figures are calc's."""

import datetime as dt
from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.leads.models import Stage
from showroom.quotes import calc, services
from showroom.quotes.models import FinancePromotion, FloorPrice, Quote, QuoteStatus, UnifiedPrice

from .conftest import TODAY, file_lead, issued_quote, make_quote, quote_fields


def test_a_draft_stores_the_calculation_of_every_item_to_drive_away(consultant, lead, trim, grey, comfort, mats):
    quote = make_quote(consultant, lead, trim, exterior_colour=grey.pk, lines=[
        {"kind": "option", "option": comfort.pk},
        {"kind": "accessory", "accessory": mats.pk, "amount": Decimal("980")},
        {"kind": "store_fee", "name": "上牌服务", "amount": Decimal("500")},
    ])
    # list 398,800 + 6,000 paint + 12,000 package − 8,000 discount
    assert quote.vehicle_price == Decimal("408800.00")
    assert quote.number.endswith("-V1") and quote.version == 1 and quote.status == QuoteStatus.DRAFT
    assert quote.valid_until == TODAY + dt.timedelta(days=7)
    assert [(line.name, line.amount) for line in quote.lines.order_by("position")] == [
        ("舒适包", Decimal("12000.00")), ("全包围脚垫", Decimal("980.00")), ("上牌服务", Decimal("500.00"))]
    tax = quote.breakdown["purchase_tax"]
    assert tax["taxable_price"] == "361769.91" and tax["tax"] == "36176.99"
    expected = calc.calculate(calc.QuoteInput(
        guide_price=Decimal("398800"), powertrain="petrol", displacement_cc=1984, seats=5, purchase_date=TODAY,
        discount=Decimal("8000"), colour_surcharges=(calc.NamedAmount("探索灰", Decimal("6000")),),
        option_packages=(calc.NamedAmount("舒适包", Decimal("12000")),),
        accessories=(calc.NamedAmount("全包围脚垫", Decimal("980")),), commercial_insurance=Decimal("9200"),
        plate_service_fee=Decimal("800"), extended_warranty=Decimal("5800"),
        other_fees=(calc.NamedAmount("上牌服务", Decimal("500")),)))
    assert quote.total == expected.total
    assert quote.cash_due_at_delivery == expected.cash_due_at_delivery
    assert AuditEntry.objects.filter(action="quotes.quote_created", target_id=quote.pk).exists()


def test_a_loan_quote_shows_the_instalment_and_the_amount_financed(consultant, lead, trim):
    quote = make_quote(consultant, lead, trim, payment_method="loan", loan_lender="大众汽车金融", loan_term_months=36,
                       loan_annual_rate=Decimal("0.0399"), loan_down_payment_ratio=Decimal("0.4"))
    assert quote.amount_financed == quote.vehicle_price - (quote.vehicle_price * Decimal("0.4")).quantize(Decimal("0.01"))
    assert quote.monthly_instalment > 0
    assert quote.breakdown["loan"]["lender"] == "大众汽车金融"


def test_calc_refusals_become_messages_on_the_quote_field(consultant, lead, trim):
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, payment_method="loan", loan_lender="银行", loan_term_months=36,
                   loan_annual_rate=Decimal("0.0399"), loan_down_payment_ratio=Decimal("0.4"),
                   loan_down_payment_amount=Decimal("100000"))
    assert refused.value.field == "loan_down_payment_ratio"
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, deposit_amount=Decimal("100000"), deposit_kind="earnest")
    assert refused.value.field == "deposit_amount" and "20" in str(refused.value.message)
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, has_trade_in=True, trade_in_brand="大众", trade_in_model="帕萨特",
                   trade_in_value=Decimal("600000"))
    assert refused.value.field == "trade_in_value"
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, discount=Decimal("0.005"))
    assert refused.value.field == "discount"
    assert not Quote.objects.exists()


def test_a_promotion_replaces_the_lenders_rate_and_must_be_valid_for_the_trim(consultant, manager, lead, trim, store):
    promotion = FinancePromotion.objects.create(
        store=store, name="3年0息", lender="大众汽车金融", terms=[36], annual_rate=Decimal("0"),
        lender_rate=Decimal("0.0399"), min_down_payment_ratio=Decimal("0.3"), valid_from=TODAY,
        valid_until=TODAY + dt.timedelta(days=30))
    quote = make_quote(consultant, lead, trim, payment_method="loan", loan_term_months=36,
                       loan_down_payment_ratio=Decimal("0.4"), promotion=promotion.pk)
    assert quote.loan_lender == "大众汽车金融" and quote.breakdown["loan"]["total_interest"] == "0.00"
    assert Decimal(quote.breakdown["loan"]["interest_saved"]) > 0
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, payment_method="loan", loan_term_months=36,
                   loan_down_payment_ratio=Decimal("0.2"), promotion=promotion.pk)
    assert refused.value.field == "loan_down_payment_ratio"
    promotion.valid_until = TODAY - dt.timedelta(days=1)
    promotion.valid_from = TODAY - dt.timedelta(days=9)
    promotion.save()
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, payment_method="loan", loan_term_months=36,
                   loan_down_payment_ratio=Decimal("0.4"), promotion=promotion.pk)
    assert refused.value.field == "promotion"


def test_a_unified_price_trim_takes_no_discount_even_from_a_manager(consultant, manager, lead, trim, store):
    UnifiedPrice.objects.create(store=store, trim=trim)
    with pytest.raises(DomainError) as refused:
        make_quote(manager, lead, trim, discount=Decimal("1000"))
    assert refused.value.field == "discount"
    quote = make_quote(consultant, lead, trim, discount=Decimal("0"))
    assert quote.unified_price and quote.vehicle_price == Decimal("398800.00")


def test_issuing_the_first_quote_moves_the_lead_to_negotiation(consultant, lead, trim):
    quote = issued_quote(consultant, lead, trim)
    lead.refresh_from_db()
    assert quote.status == QuoteStatus.ISSUED and quote.issued_by == consultant
    assert lead.stage == Stage.NEGOTIATION


def test_quoting_without_a_test_drive_needs_the_reason(consultant, lead, trim, frozen):
    early = file_lead(consultant, name="李雷", mobile="13900139000", stage=Stage.PRESENTATION)
    quote = make_quote(consultant, early, trim)
    with pytest.raises(DomainError) as refused:
        services.quote_issue(actor=consultant, quote=quote)
    assert refused.value.field == "skip_reason"
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT
    services.quote_issue(actor=consultant, quote=quote, skip_reason="客户已在别店试驾")
    early.refresh_from_db()
    assert early.stage == Stage.NEGOTIATION


def test_a_lead_past_negotiation_is_not_moved_back(consultant, lead, trim):
    issued_quote(consultant, lead, trim)
    second = make_quote(consultant, lead, trim, discount=Decimal("9000"))
    services.quote_issue(actor=consultant, quote=second)
    lead.refresh_from_db()
    assert lead.stage == Stage.NEGOTIATION


def test_a_new_version_copies_the_previous_and_issuing_it_supersedes_the_old(consultant, lead, trim, comfort):
    first = issued_quote(consultant, lead, trim, lines=[{"kind": "option", "option": comfort.pk}])
    second = services.quote_new_version(actor=consultant, quote=first)
    assert second.version == 2 and second.status == QuoteStatus.DRAFT
    assert second.total == first.total and second.discount == first.discount
    assert [line.name for line in second.lines.all()] == ["舒适包"]
    services.quote_issue(actor=consultant, quote=second)
    first.refresh_from_db()
    assert first.status == QuoteStatus.SUPERSEDED


def test_only_a_draft_can_be_changed(consultant, lead, trim):
    quote = issued_quote(consultant, lead, trim)
    with pytest.raises(DomainError) as refused:
        services.quote_update(actor=consultant, quote=quote, fields=quote_fields(trim, discount=Decimal("1")))
    assert refused.value.code == "quote_not_draft"


def test_changing_a_draft_recalculates_and_audits_old_and_new_figures(consultant, lead, trim):
    quote = make_quote(consultant, lead, trim)
    updated = services.quote_update(actor=consultant, quote=quote, fields=quote_fields(trim, discount=Decimal("9500")))
    assert updated.vehicle_price == Decimal("389300.00")
    entry = AuditEntry.objects.get(action="quotes.quote_changed", target_id=quote.pk)
    assert entry.data["changes"]["discount"] == ["8000.00", "9500"] or entry.data["changes"]["discount"][1] == "9500"


def test_an_expired_quote_cannot_be_issued_or_accepted(consultant, lead, trim, frozen):
    quote = issued_quote(consultant, lead, trim)
    draft = make_quote(consultant, lead, trim)
    frozen.shift(dt.timedelta(days=8))
    assert Quote.objects.get(pk=quote.pk).is_expired
    with pytest.raises(DomainError) as refused:
        services.quote_accept(actor=consultant, quote=quote)
    assert refused.value.code == "quote_expired"
    with pytest.raises(DomainError) as refused:
        services.quote_issue(actor=consultant, quote=draft)
    assert refused.value.code == "quote_expired"


def test_accepting_supersedes_the_other_open_versions(consultant, lead, trim):
    first = issued_quote(consultant, lead, trim)
    draft = services.quote_new_version(actor=consultant, quote=first)
    accepted = services.quote_accept(actor=consultant, quote=first)
    assert accepted.status == QuoteStatus.ACCEPTED and accepted.accepted_at is not None
    draft.refresh_from_db()
    assert draft.status == QuoteStatus.SUPERSEDED
    assert AuditEntry.objects.filter(action="quotes.status_changed", target_id=first.pk,
                                     data__to="accepted").exists()
    with pytest.raises(Conflict):
        services.quote_accept(actor=consultant, quote=first)


def test_a_superseded_or_unapproved_quote_cannot_be_accepted(consultant, lead, trim):
    first = issued_quote(consultant, lead, trim)
    second = services.quote_issue(actor=consultant, quote=services.quote_new_version(actor=consultant, quote=first))
    with pytest.raises(DomainError) as refused:
        services.quote_accept(actor=consultant, quote=first)
    assert refused.value.code == "quote_superseded"
    beyond = make_quote(consultant, lead, trim, discount=Decimal("20000"))
    with pytest.raises(DomainError) as refused:
        services.quote_accept(actor=consultant, quote=beyond)
    assert refused.value.code == "quote_not_approved"
    assert Quote.objects.get(pk=second.pk).status == QuoteStatus.ISSUED


def test_the_customer_declining_keeps_the_reason(consultant, lead, trim):
    quote = issued_quote(consultant, lead, trim)
    with pytest.raises(DomainError):
        services.quote_decline(actor=consultant, quote=quote, reason=" ")
    declined = services.quote_decline(actor=consultant, quote=quote, reason="竞品便宜2万")
    assert declined.status == QuoteStatus.DECLINED and declined.closed_reason == "竞品便宜2万"


def test_a_colleague_and_another_store_cannot_reach_the_quote(consultant, colleague, outsider, lead, trim):
    quote = make_quote(consultant, lead, trim)
    for other in (colleague, outsider):
        with pytest.raises(NotFound):
            services.quote_issue(actor=other, quote=quote)
        with pytest.raises(NotFound):
            services.quote_create(actor=other, lead=lead, fields=quote_fields(trim))


def test_a_receptionist_cannot_quote(receptionist, lead, trim):
    with pytest.raises(PermissionDenied):
        services.quote_create(actor=receptionist, lead=lead, fields=quote_fields(trim))


def test_a_manager_quotes_below_the_floor_without_approval(manager, lead, trim, store):
    FloorPrice.objects.create(store=store, trim=trim, price=Decimal("370000"))
    quote = make_quote(manager, lead, trim, discount=Decimal("40000"))
    assert quote.below_floor and not quote.needs_approval
    assert services.quote_issue(actor=manager, quote=quote).status == QuoteStatus.ISSUED


def test_a_trim_of_another_group_is_refused(consultant, lead, outsider):
    from showroom.catalog.tests.factories import TrimFactory

    foreign = TrimFactory(series__brand__group=outsider.store.group)
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, foreign)
    assert refused.value.field == "trim"


def test_after_the_customer_accepted_no_new_quote_or_version_is_made(consultant, lead, trim):
    quote = services.quote_accept(actor=consultant, quote=issued_quote(consultant, lead, trim))
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim)
    assert refused.value.code == "lead_ordered"
    with pytest.raises(DomainError):
        services.quote_new_version(actor=consultant, quote=quote)


def test_once_the_order_is_cancelled_its_quote_closes_and_the_lead_is_quoted_again(consultant, lead, trim):
    quote = services.quote_accept(actor=consultant, quote=issued_quote(consultant, lead, trim))
    closed = services.quote_cancel_acceptance(actor=consultant, quote=quote, reason="订单 SO2026-000001 已退订")
    assert (closed.status, closed.closed_reason) == (QuoteStatus.CANCELLED, "订单 SO2026-000001 已退订")
    entry = AuditEntry.objects.filter(action="quotes.status_changed", target_id=quote.pk).latest("id")
    assert (entry.data["from"], entry.data["to"]) == ("accepted", "cancelled")
    with pytest.raises(DomainError) as refused:
        services.quote_accept(actor=consultant, quote=quote)
    assert refused.value.code == "quote_order_cancelled"
    again = services.quote_issue(actor=consultant, quote=services.quote_new_version(actor=consultant, quote=quote))
    assert services.quote_accept(actor=consultant, quote=again).status == QuoteStatus.ACCEPTED


def test_only_an_accepted_quote_closes_with_its_order(consultant, colleague, lead, trim):
    quote = issued_quote(consultant, lead, trim)
    with pytest.raises(DomainError) as refused:
        services.quote_cancel_acceptance(actor=consultant, quote=quote, reason="退订")
    assert refused.value.code == "quote_not_accepted"
    with pytest.raises(NotFound):
        services.quote_cancel_acceptance(actor=colleague, quote=quote, reason="退订")
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.ISSUED


def test_an_nev_quote_shows_the_purchase_tax_reduction_and_no_vessel_tax(consultant, lead, ev_trim):
    quote = make_quote(consultant, lead, ev_trim, discount=Decimal("0"))
    tax = quote.breakdown["purchase_tax"]
    assert Decimal(tax["reduction"]) > 0 and tax["tax"] == str(Decimal(tax["full_tax"]) - Decimal(tax["reduction"]))
    assert quote.breakdown["vessel_tax"]["exempt"] is True


def test_a_colour_of_another_series_and_a_foreign_option_are_refused(consultant, lead, trim, ev_trim):
    from showroom.catalog.tests.factories import ColourFactory, OptionPackageFactory

    other_colour = ColourFactory(series=ev_trim.series)
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, exterior_colour=other_colour.pk)
    assert refused.value.field == "exterior_colour"
    other_option = OptionPackageFactory(series=ev_trim.series)
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, trim, lines=[{"kind": "option", "option": other_option.pk}])
    assert refused.value.field == "lines"


def test_a_trade_in_needs_the_old_car_and_its_national_subsidy_is_shown_not_deducted(consultant, lead, ev_trim):
    with pytest.raises(DomainError) as refused:
        make_quote(consultant, lead, ev_trim, has_trade_in=True, trade_in_value=Decimal("50000"))
    assert refused.value.field == "trade_in_brand"
    quote = make_quote(consultant, lead, ev_trim, discount=Decimal("0"), has_trade_in=True, trade_in_brand="大众",
                       trade_in_model="迈腾", trade_in_value=Decimal("50000"), trade_in_bonus=Decimal("5000"),
                       subsidy_scheme="replace")
    assert quote.vehicle_price == Decimal("364800.00")  # the brand bonus is a price item
    assert Decimal(quote.breakdown["national_subsidy"]) == Decimal("15000.00")  # 8 %, capped at ¥15,000
    assert quote.cash_due_at_delivery == quote.total - Decimal("50000") - quote.cash_due_at_signing


def test_versions_number_on_and_numbers_are_unique(consultant, lead, trim):
    quotes = [make_quote(consultant, lead, trim) for _ in range(3)]
    assert [q.version for q in quotes] == [1, 2, 3]
    assert len({q.number for q in quotes}) == 3


def test_every_status_change_is_audited_with_old_and_new(consultant, lead, trim):
    quote = issued_quote(consultant, lead, trim)
    services.quote_decline(actor=consultant, quote=quote, reason="太贵")
    moves = [(e.data["from"], e.data["to"]) for e in AuditEntry.objects.filter(
        action="quotes.status_changed", target_id=quote.pk).order_by("pk")]
    assert moves == [("draft", "issued"), ("issued", "declined")]


def test_negotiation_rounds_need_an_answer_and_something_the_customer_said(consultant, lead, trim, competitor_trim):
    with pytest.raises(DomainError) as refused:
        services.negotiation_record(actor=consultant, lead=lead, fields={"answer": "好的"})
    assert refused.value.field == "objections"
    with pytest.raises(DomainError) as refused:
        services.negotiation_record(actor=consultant, lead=lead, fields={"objections": ["price"], "answer": ""})
    assert refused.value.field == "answer"
    with pytest.raises(DomainError) as refused:
        services.negotiation_record(actor=consultant, lead=lead, fields={"objections": ["competitor"], "answer": "x",
                                                                         "competitor_trim": trim.pk})
    assert refused.value.field == "competitor_trim"  # our own trim is no competitor
    entry = services.negotiation_record(actor=consultant, lead=lead, fields={
        "objections": ["competitor"], "competitor_trim": competitor_trim.pk, "competitor_price": Decimal("398000"),
        "counter_offer": Decimal("400000"), "answer": "对比保值率"})
    assert entry.consultant == consultant
    assert AuditEntry.objects.filter(action="quotes.negotiation_recorded").count() == 1


def test_a_store_that_never_saved_its_quote_settings_quotes_with_the_defaults(consultant, frozen, trim):
    from showroom.quotes.tests.conftest import file_lead

    lead = file_lead(consultant, name="李四", mobile="13900139000")
    quote = make_quote(consultant, lead, trim)
    assert quote.total > quote.vehicle_price
    assert quote.valid_until == TODAY + dt.timedelta(days=7)
