"""The quote pages: the form with live totals, the sheet, versions, negotiation, approvals and settings."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from showroom.leads.models import Stage
from showroom.quotes import services
from showroom.quotes.models import ApprovalRequest, FloorPrice, NegotiationRound, Quote, QuoteStatus

from .conftest import TODAY, issued_quote, make_quote


def form_data(trim, **changes):
    data = {"trim": trim.pk, "discount": "8000", "purchase_date": TODAY.isoformat(), "payment_method": "full",
            "commercial_insurance_mode": "entered", "commercial_insurance_amount": "9200",
            "plate_service_fee": "800", "extended_warranty": "5800", "deposit_amount": "5000",
            "deposit_kind": "earnest", "fee_kind": ["store_fee"], "fee_name": ["上牌服务"], "fee_amount": ["500"]}
    data.update(changes)
    return data


def test_the_consultant_writes_a_quote_and_lands_on_its_sheet(client, consultant, lead, trim, comfort):
    client.force_login(consultant)
    page = client.get(reverse("quotes:create", args=[lead.pk]))
    assert page.status_code == 200
    response = client.post(reverse("quotes:create", args=[lead.pk]), form_data(
        trim, option=[str(comfort.pk)], **{f"option_amount_{comfort.pk}": "11000"}))
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("quotes:detail", args=[quote.pk])
    assert [line.amount for line in quote.lines.filter(kind="option")] == [Decimal("11000.00")]
    sheet = client.get(response["Location"])
    content = sheet.content.decode()
    assert "张三" in content and "落地价" in content and f"¥{quote.total:,.2f}" in content
    assert "含增值税" in content or "VAT" in content


def test_the_live_totals_show_the_calculation_without_saving(client, consultant, lead, trim):
    client.force_login(consultant)
    response = client.post(reverse("quotes:preview", args=[lead.pk]), form_data(trim), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="total"' in response.content.decode()
    assert not Quote.objects.exists()


def test_the_live_totals_name_the_field_a_calc_refusal_concerns(client, consultant, lead, trim):
    client.force_login(consultant)
    response = client.post(reverse("quotes:preview", args=[lead.pk]),
                           form_data(trim, deposit_amount="200000"), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'data-testid="totals-problems"' in content and "20 %" in content


def test_a_refused_save_keeps_the_form_with_the_message_at_the_field(client, consultant, lead, trim):
    client.force_login(consultant)
    response = client.post(reverse("quotes:create", args=[lead.pk]), form_data(trim, deposit_amount="200000"),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'data-field-error="deposit_amount"' in response.content.decode()
    assert not Quote.objects.exists()
    response = client.post(reverse("quotes:create", args=[lead.pk]), form_data(trim, purchase_date="2020-01-01"),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'data-field-error="purchase_date"' in response.content.decode()


def test_changing_the_payment_re_renders_the_form_with_the_loan_fields(client, consultant, lead, trim):
    client.force_login(consultant)
    response = client.post(reverse("quotes:create", args=[lead.pk]), form_data(trim, payment_method="loan",
                                                                                refresh="1"), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200 and 'name="loan_term_months"' in content
    assert "data-field-error" not in content and not Quote.objects.exists()


def test_issuing_from_the_sheet_asks_for_the_reason_when_the_test_drive_was_skipped(client, consultant, trim,
                                                                                    quote_settings, frozen):
    from .conftest import file_lead

    early = file_lead(consultant, name="李雷", mobile="13900139000", stage=Stage.PRESENTATION)
    quote = make_quote(consultant, early, trim)
    client.force_login(consultant)
    page = client.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert 'name="skip_reason"' in page
    response = client.post(reverse("quotes:issue", args=[quote.pk]), {"skip_reason": ""})
    assert response.status_code == 422 and 'data-field-error="skip_reason"' in response.content.decode()
    response = client.post(reverse("quotes:issue", args=[quote.pk]), {"skip_reason": "已在别店试驾"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ISSUED


def test_the_pdf_is_a_pdf_with_the_customer_and_the_total_in_chinese(client, consultant, lead, trim):
    from .pdf_text import pdf_text

    quote = issued_quote(consultant, lead, trim)
    client.force_login(consultant)
    response = client.get(reverse("quotes:pdf", args=[quote.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "张三" in text and "报价单" in text and f"￥{quote.total:,.2f}" in text and "落地价" in text
    assert "含增值税" in text and "销售顾问" in text


def test_versions_are_compared_side_by_side_with_differences_marked(client, consultant, lead, trim):
    first = issued_quote(consultant, lead, trim)
    second = services.quote_new_version(actor=consultant, quote=first)
    services.quote_update(actor=consultant, quote=second, fields={
        "trim": trim.pk, "discount": Decimal("9500"), "commercial_insurance_mode": "entered",
        "commercial_insurance_amount": Decimal("9200")})
    client.force_login(consultant)
    content = client.get(reverse("quotes:compare", args=[lead.pk])).content.decode()
    assert "V1" in content and "V2" in content
    assert "data-changed" in content and "−¥9,500.00" in content


def test_the_negotiation_log_records_a_round_with_a_competitor(client, consultant, lead, trim, competitor_trim):
    quote = issued_quote(consultant, lead, trim)
    client.force_login(consultant)
    url = reverse("quotes:negotiation", args=[lead.pk])
    response = client.post(url, {"quote": quote.pk, "counter_offer": "400000", "objections": ["price", "competitor"],
                                 "answer": ""})
    assert response.status_code == 200 and not NegotiationRound.objects.exists()
    response = client.post(url, {"quote": quote.pk, "counter_offer": "400000", "objections": ["price", "competitor"],
                                 "competitor_trim": competitor_trim.pk, "competitor_price": "398000",
                                 "answer": "送两年保养"})
    assert response.status_code == 302
    entry = NegotiationRound.objects.get()
    assert entry.competitor_trim == competitor_trim and entry.objections == ["price", "competitor"]
    assert "送两年保养" in client.get(url).content.decode()


def test_the_manager_decides_on_the_approval_page_and_the_consultant_sees_it_on_the_workbench(
        client, consultant, manager, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=quote, reason="竞品低价")
    client.force_login(manager)
    page = client.get(reverse("quotes:approvals"))
    assert page.status_code == 200 and "竞品低价" in page.content.decode()
    assert "quotes-manager" in client.get(reverse("leads:manager")).content.decode()
    response = client.post(reverse("quotes:decide", args=[request.pk]), {"decision": "approve", "comment": "同意"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    client.force_login(consultant)
    workbench = client.get(reverse("followups:workbench_cards")).content.decode()
    assert "quotes-workbench" in workbench and "同意" in workbench
    client.post(reverse("quotes:approval_seen", args=[request.pk]))
    assert "quotes-workbench" not in client.get(reverse("followups:workbench_cards")).content.decode()


def test_a_consultant_cannot_open_the_approvals_or_decide(client, consultant, colleague, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=quote, reason="x")
    client.force_login(consultant)
    assert client.get(reverse("quotes:approvals")).status_code == 403
    assert client.post(reverse("quotes:decide", args=[request.pk]), {"decision": "approve"}).status_code in (302, 403)
    assert ApprovalRequest.objects.get().status == "pending"
    client.force_login(colleague)
    assert client.post(reverse("quotes:decide", args=[request.pk]), {"decision": "approve"}).status_code == 404


@pytest.mark.parametrize("name", ["detail", "pdf", "edit"])
def test_a_colleague_and_another_store_get_404_on_a_quote(client, consultant, colleague, outsider, lead, trim, name):
    quote = make_quote(consultant, lead, trim)
    for other in (colleague, outsider):
        client.force_login(other)
        assert client.get(reverse(f"quotes:{name}", args=[quote.pk])).status_code == 404


@pytest.mark.parametrize("name", ["create", "compare", "negotiation"])
def test_a_colleague_and_another_store_get_404_on_the_leads_quote_pages(client, consultant, colleague, outsider,
                                                                         lead, name):
    for other in (colleague, outsider):
        client.force_login(other)
        assert client.get(reverse(f"quotes:{name}", args=[lead.pk])).status_code == 404


def test_only_managers_open_the_price_settings(client, consultant, manager, trim):
    client.force_login(consultant)
    assert client.get(reverse("quotes:settings")).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("quotes:settings")).status_code == 200
    response = client.post(reverse("quotes:floor_save"), {"trim": trim.pk, "price": "380000"})
    assert response.status_code == 302 and FloorPrice.objects.get().price == Decimal("380000.00")
    response = client.post(reverse("quotes:rates_save"), {"up_to_0": "300000", "base_0": "1000", "rate_0": "2.5",
                                                          "base_1": "1200", "rate_1": "2.4"})
    assert response.status_code == 302
    response = client.post(reverse("quotes:rates_save"), {"up_to_0": "300000", "base_0": "1000", "rate_0": "2.5",
                                                          "up_to_1": "200000", "rate_1": "2.4"})
    assert response.status_code == 422
    response = client.post(reverse("quotes:promotion_create"), {
        "name": "3年0息", "lender": "大众汽车金融", "terms": ["36"], "annual_rate": "0", "lender_rate": "3.99",
        "min_down_payment_ratio": "30", "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + dt.timedelta(days=30)).isoformat(), "is_active": "on", "trims": [str(trim.pk)]})
    assert response.status_code == 302


def test_the_lead_page_shows_the_quotes_card_with_a_constant_number_of_queries(
        client, consultant, lead, trim, django_assert_max_num_queries):
    client.force_login(consultant)
    issued_quote(consultant, lead, trim)
    with django_assert_max_num_queries(200) as one:
        client.get(reverse("leads:detail", args=[lead.pk]))
    for _ in range(4):
        make_quote(consultant, lead, trim)
    with django_assert_max_num_queries(len(one.captured_queries)):
        content = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert content.count("data-quote=") == 5


def test_the_approval_queue_runs_a_constant_number_of_queries(client, consultant, manager, lead, trim,
                                                              django_assert_max_num_queries):
    services.quote_request_approval(actor=consultant, quote=make_quote(consultant, lead, trim, discount=Decimal("15000")),
                                    reason="x")
    client.force_login(manager)
    with django_assert_max_num_queries(200) as one:
        client.get(reverse("quotes:approvals"))
    for _ in range(3):
        services.quote_request_approval(actor=consultant, quote=make_quote(consultant, lead, trim,
                                                                           discount=Decimal("15000")), reason="y")
    with django_assert_max_num_queries(len(one.captured_queries)):
        content = client.get(reverse("quotes:approvals")).content.decode()
    assert content.count("data-approval=") == 4
    with django_assert_max_num_queries(len(one.captured_queries) + 30):
        client.get(reverse("leads:manager"))


def test_the_negotiation_log_and_comparison_run_a_constant_number_of_queries(client, consultant, lead, trim,
                                                                             django_assert_max_num_queries):
    quote = issued_quote(consultant, lead, trim)
    services.negotiation_record(actor=consultant, lead=lead, fields={"counter_offer": Decimal("1"), "answer": "a",
                                                                     "quote": quote.pk})
    client.force_login(consultant)
    url, compare = reverse("quotes:negotiation", args=[lead.pk]), reverse("quotes:compare", args=[lead.pk])
    with django_assert_max_num_queries(200) as log_one:
        client.get(url)
    with django_assert_max_num_queries(200) as compare_one:
        client.get(compare)
    for _ in range(3):
        services.negotiation_record(actor=consultant, lead=lead, fields={"customer_said": "贵", "answer": "b",
                                                                         "quote": quote.pk})
        make_quote(consultant, lead, trim)
    with django_assert_max_num_queries(len(log_one.captured_queries)):
        assert client.get(url).content.decode().count("data-round=") == 4
    with django_assert_max_num_queries(len(compare_one.captured_queries)):
        client.get(compare)


def test_the_workbench_and_manager_cards_run_a_constant_number_of_queries(rf, consultant, manager, lead, trim,
                                                                           django_assert_num_queries):
    from showroom.quotes import panels

    def ask():
        quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
        return services.quote_request_approval(actor=consultant, quote=quote, reason="客户要求")

    first = ask()
    services.approval_decide(actor=manager, approval=ask(), approve=False, comment="不行")
    as_consultant, as_manager = rf.get("/"), rf.get("/")
    as_consultant.user, as_manager.user = consultant, manager
    with django_assert_num_queries(1):
        assert len(panels.workbench_panel(as_consultant)["approvals"]) == 2
    with django_assert_num_queries(1):
        assert [a.pk for a in panels.manager_panel(as_manager)["approvals"]] == [first.pk]
    for _ in range(3):
        ask()
    with django_assert_num_queries(1):
        assert len(panels.workbench_panel(as_consultant)["approvals"]) == 5
    with django_assert_num_queries(1):
        assert len(panels.manager_panel(as_manager)["approvals"]) == 4


def test_a_decision_never_redirects_off_site(client, consultant, manager, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=quote, reason="x")
    client.force_login(manager)
    response = client.post(reverse("quotes:decide", args=[request.pk]),
                           {"decision": "approve", "next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("quotes:approvals")


def test_a_new_quote_starts_from_the_model_confirmed_in_the_needs_analysis(client, consultant, lead, trim, comfort):
    from showroom.needs.services import needs_confirm_models, needs_record

    needs_record(actor=consultant, lead=lead, answers={"colour": "白"})
    needs_confirm_models(actor=consultant, lead=lead, trim_ids=[trim.pk])
    client.force_login(consultant)
    content = client.get(reverse("quotes:create", args=[lead.pk])).content.decode()
    assert f'<option value="{trim.pk}" selected' in content
    assert f'name="option_amount_{comfort.pk}"' in content


def test_a_long_quote_runs_onto_a_second_pdf_page_with_every_line(client, consultant, lead, trim):
    from .pdf_text import check_structure, pdf_text

    lines = [{"kind": "store_fee", "name": f"服务项目{i:02d}", "amount": Decimal("100")} for i in range(30)]
    quote = issued_quote(consultant, lead, trim, lines=lines)
    client.force_login(consultant)
    data = client.get(reverse("quotes:pdf", args=[quote.pk])).content
    assert check_structure(data) == 2
    text = pdf_text(data)
    assert all(f"服务项目{i:02d}" in text for i in range(30)) and "第 2 页" in text


def test_ticking_trade_in_re_renders_the_form_like_the_other_choices_that_change_it(client, consultant, lead, trim):
    client.force_login(consultant)
    page = client.get(reverse("quotes:create", args=[lead.pk])).content.decode()
    checkbox = re.search(r'<input type="checkbox"[^>]*name="has_trade_in"[^>]*>', page).group(0)
    assert 'hx-trigger="change"' in checkbox and 'hx-post=' in checkbox
