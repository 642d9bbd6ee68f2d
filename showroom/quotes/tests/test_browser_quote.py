"""In Chromium on a tablet-sized screen: the consultant picks a trim and a loan, the totals follow each change, and
the saved quote opens as its sheet."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import StoreFactory, UserFactory
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory, TrimFactory
from showroom.core.choices import Channel, Source
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_create
from showroom.quotes.models import Quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_totals_follow_the_form_and_the_quote_is_saved(open_page, live_server):
    store = StoreFactory(name="广华奥迪 4S 店")
    consultant = UserFactory(store=store, role=Role.CONSULTANT, username="sales1", full_name="王磊", language="zh-hans")
    series = SeriesFactory(brand=BrandFactory(group=store.group, name="奥迪", is_own=True), name="Q5L")
    trim = TrimFactory(series=series, name="45 TFSI 臻选动感型", guide_price=Decimal("398800"))
    lead, _ = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})
    for stage in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE):
        lead = lead_advance_stage(actor=consultant, lead=lead, to=stage)

    page = open_page(consultant, viewport=(1024, 1366))
    page.goto(f"{live_server.url}/quotes/leads/{lead.pk}/new/")
    page.select_option("select[name=trim]", str(trim.pk))
    expect(page.get_by_test_id("total")).to_contain_text("¥")
    page.fill("input[name=discount]", "8000")
    page.locator("input[name=discount]").blur()
    expect(page.get_by_test_id("totals")).to_contain_text("390,800.00")
    page.check("input[name=payment_method][value=loan]")
    expect(page.locator("select[name=loan_term_months]")).to_be_visible()
    page.select_option("select[name=loan_term_months]", "36")
    page.fill("input[name=loan_lender]", "大众汽车金融")
    page.fill("input[name=loan_annual_rate]", "3.99")
    page.fill("input[name=loan_down_payment_ratio]", "40")
    page.locator("input[name=loan_down_payment_ratio]").blur()
    expect(page.get_by_test_id("totals")).to_contain_text("× 36")
    page.get_by_test_id("save-quote").click()
    expect(page.get_by_test_id("quote-sheet")).to_contain_text("购车报价单")
    quote = Quote.objects.get()
    assert quote.loan_term_months == 36 and quote.vehicle_price == Decimal("390800.00")
