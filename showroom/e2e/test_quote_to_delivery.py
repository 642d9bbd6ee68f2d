"""One customer from the quote to the delivered car, in Chromium: a loan and a trade-in on the quote, a discount beyond
the consultant's limit approved by the sales manager in his own browser, the order signed with its 定金, the money
taken with receipts, the matching VIN allocated, and the hand-over (PDI, checklist, the customer's signature on the pad)
that makes the lead won and plans the owner's follow-up calls."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import StoreFactory, UserFactory
from showroom.catalog.models import BodyType, ColourKind
from showroom.catalog.tests.factories import BrandFactory, ColourFactory, SeriesFactory, TrimFactory
from showroom.core import clock
from showroom.core.choices import Channel, Source
from showroom.deliveries.models import Delivery, DeliveryStatus
from showroom.inventory.models import VehicleStatus
from showroom.inventory.tests.factories import VehicleFactory, vin_for
from showroom.leads.models import Lead, Stage, Status
from showroom.leads.services import lead_advance_stage, lead_create
from showroom.orders.models import Order, OrderStatus
from showroom.quotes.models import ApprovalStatus, Quote, QuoteStatus
from showroom.quotes.services import quote_settings_save
from showroom.testdrives.signature import check_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIT = Decimal("10000")
DISCOUNT = Decimal("30000")
TRADE_IN_VALUE = Decimal("120000")
DEPOSIT = Decimal("20000")


def _yuan(amount) -> str:
    """An amount as the quote sheet prints it: ¥398,800.00."""
    return f"¥{Decimal(amount):,.2f}"


def _shown(amount, before: str = "") -> re.Pattern:
    """An amount as the order pages print it: whole yuan without their fen (¥20,000), others to the fen."""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return re.compile(re.escape(f"{before}¥{amount:,.0f}") + r"(\.00)?(?!\d)")
    return re.compile(re.escape(f"{before}¥{amount:,.2f}"))


def _a_store_with_a_customer_after_the_test_drive():
    """An Audi store: its sales manager with a ¥10,000 discount limit for consultants, the A6L in two colours, a
    matching car and an other-coloured one in stock, the service advisor, and the consultant's lead 陈女士, whose
    test drive is behind her and who stands at the quote."""
    store = StoreFactory(name="广华奥迪 4S 店")
    manager = UserFactory(store=store, role=Role.MANAGER, username="manager", full_name="赵经理", language="zh-hans")
    consultant = UserFactory(store=store, role=Role.CONSULTANT, username="sales1", full_name="王磊", language="zh-hans")
    advisor = UserFactory(store=store, role=Role.SERVICE_ADVISOR, username="service", full_name="孙师傅",
                          language="zh-hans")
    quote_settings_save(actor=manager, fields={"validity_days": 7, "discount_limit": LIMIT,
                                               "plate_service_fee": Decimal("500")})

    audi = BrandFactory(group=store.group, name="奥迪", is_own=True)
    a6l = SeriesFactory(brand=audi, name="A6L", body_type=BodyType.SEDAN)
    trim = TrimFactory(series=a6l, name="45 TFSI 臻选动感型", guide_price=Decimal("428800"))
    white = ColourFactory(series=a6l, kind=ColourKind.EXTERIOR, name="冰川白")
    ColourFactory(series=a6l, kind=ColourKind.EXTERIOR, name="曼哈顿灰", surcharge=Decimal("6000"))
    black = ColourFactory(series=a6l, kind=ColourKind.INTERIOR, name="黑色真皮")
    grey = ColourFactory(series=a6l, kind=ColourKind.EXTERIOR, name="星辰灰")
    car = VehicleFactory(store=store, trim=trim, vin=vin_for(4501), exterior_colour=white, interior_colour=black,
                         location="二号库")
    other = VehicleFactory(store=store, trim=trim, vin=vin_for(4502), exterior_colour=grey, interior_colour=black)

    lead, _ = lead_create(actor=consultant, customer_fields={"name": "陈女士", "mobile": "13912345678"},
                          lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.TEST_DRIVE,
                       skip_reason="老客户转介绍，需求明确，已在展厅看过A6L")
    lead = Lead.objects.get(pk=lead.pk)
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEGOTIATION,
                       skip_reason="已在朋友的A6L上试驾过，认可驾驶感受")
    return {"manager": manager, "consultant": consultant, "advisor": advisor, "trim": trim, "white": white,
            "black": black, "car": car, "other": other, "lead": Lead.objects.get(pk=lead.pk)}


def _refreshing(page, action):
    """Run an action that re-renders the quote form (htmx), and wait until the new form is in place: what is typed
    next must not be swapped away by the form rendered before it."""
    page.locator("#quote-form").evaluate("form => { form.dataset.stale = '1'; }")
    action()
    expect(page.locator("#quote-form[data-stale]")).to_have_count(0)
    expect(page.locator("#quote-form")).to_have_count(1)


def _current_step(page):
    return page.get_by_test_id("stage-bar").locator("[aria-current=step]")


def _draw_signature(page, pad):
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box and box["width"] > 200, box
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] / 2)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(box["x"] + 30 + i * 10, box["y"] + box["height"] / 2 + (20 if i % 4 < 2 else -20), steps=3)
    page.mouse.up()


def test_a_quote_with_a_loan_and_a_trade_in_approved_by_the_manager_to_a_delivered_car_and_its_follow_ups(
    open_page, live_server
):
    world = _a_store_with_a_customer_after_the_test_drive()
    lead, advisor, car = world["lead"], world["advisor"], world["car"]
    page = open_page(world["consultant"], viewport=(1366, 1024))
    flash = page.locator("#flash")

    # The lead page offers the quote; the customer wants the white A6L, on a loan, trading in her old 迈腾.
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    expect(_current_step(page)).to_have_text("5. 报价/协商")
    page.get_by_test_id("quotes-panel").get_by_test_id("new-quote").click()
    page.wait_for_url(re.compile(r"/quotes/leads/\d+/new/$"))
    page.wait_for_load_state("networkidle")  # htmx is listening before the first choice
    form = page.get_by_test_id("quote-form")
    # The trim, the colours, the trade-in box and the payment each re-render the form for what they offer.
    _refreshing(page, lambda: form.get_by_label("车型").select_option(label="A6L 2026 45 TFSI 臻选动感型"))
    expect(form.get_by_label("外观颜色")).to_contain_text("曼哈顿灰 (+¥6,000)")
    _refreshing(page, lambda: form.get_by_label("外观颜色").select_option(label="冰川白"))
    _refreshing(page, lambda: form.get_by_label("内饰颜色").select_option(label="黑色真皮"))
    _refreshing(page, lambda: form.get_by_label("置换", exact=True).check())
    expect(form.get_by_label("旧车品牌")).to_be_visible()  # the old car's fields come with the box
    _refreshing(page, lambda: form.get_by_role("radio", name="贷款").check())
    expect(form.get_by_label("置换", exact=True)).to_be_checked()

    expect(form).to_contain_text("¥10,000")  # the consultant's own limit, next to the discount
    form.get_by_label("经销商优惠（元）").fill(str(DISCOUNT))
    form.get_by_label("旧车品牌").fill("大众")
    form.get_by_label("旧车车型").fill("迈腾")
    form.get_by_label("初次登记年份").fill("2018")
    form.get_by_label("行驶里程（公里）").fill("86000")
    form.get_by_label("评估价（元）").fill(str(TRADE_IN_VALUE))
    form.get_by_label("贷款机构").fill("奥迪金融")
    form.get_by_label("期限（月）").select_option("36")
    form.get_by_label("年利率（%）").fill("3.5")
    form.get_by_label("首付比例（%）").fill("40")
    form.get_by_label("签约定金（元）").fill(str(DEPOSIT))
    deposit_kind = form.get_by_label("定金类型")
    deposit_kind.select_option("earnest")
    expect(deposit_kind.locator("option:checked")).to_contain_text("定金")

    # The live totals: the monthly instalment over 36 months, the old car's value taken off the cash due, and the
    # warning that the discount needs the manager's approval.
    totals = page.get_by_test_id("totals")
    expect(totals).to_contain_text("月供")
    expect(totals).to_contain_text("× 36")
    expect(totals).to_contain_text("贷款金额")
    expect(page.get_by_test_id("quote-totals").locator("tr", has_text="减：置换车评估价")).to_contain_text("−¥120,000.00")
    expect(page.get_by_test_id("needs-approval")).to_be_visible()
    page.get_by_test_id("save-quote").click()

    # The saved draft: the sheet the customer will get shows what the live totals showed.
    page.wait_for_url(re.compile(r"/quotes/\d+/$"))
    quote = Quote.objects.get(lead=lead)
    expect(flash).to_contain_text(f"报价单 {quote.number} 已保存为草稿。")
    expect(page.get_by_test_id("quote-status")).to_have_text("草稿")
    assert quote.monthly_instalment and quote.loan_term_months == 36 and quote.discount == DISCOUNT
    sheet = page.get_by_test_id("quote-sheet")
    expect(sheet.locator("[data-row=instalment]")).to_contain_text(_yuan(quote.monthly_instalment))
    expect(sheet.locator("[data-row=term]")).to_contain_text("36")
    expect(sheet.locator("[data-row=old_car]")).to_contain_text("大众 迈腾 2018")
    expect(sheet.locator("[data-row=trade_in_value]")).to_contain_text("¥120,000.00")
    expect(sheet.locator("[data-row=less_trade_in]")).to_contain_text("−¥120,000.00")
    expect(sheet.get_by_test_id("sheet-total")).to_contain_text(_yuan(quote.total))
    expect(page.get_by_test_id("issue-form")).to_have_count(0)  # beyond her limit: no issuing yet

    # She asks the sales manager, saying why.
    ask = page.get_by_test_id("approval-form")
    ask.get_by_label("原因").fill("客户置换老迈腾并做贷款，对比宝马5系报价，今天可以签单")
    ask.get_by_role("button", name="提交经理审批").click()
    expect(flash).to_contain_text("已提交销售经理审批。")
    expect(page.get_by_test_id("quote-status")).to_have_text("待审批")

    # The sales manager, on his own tablet, sees the request on the manager page and approves it with a comment.
    boss = open_page(world["manager"])
    boss.goto(f"{live_server.url}/leads/manager/")
    waiting = boss.get_by_test_id("quotes-manager")
    expect(waiting).to_contain_text("陈女士 · A6L")
    expect(waiting).to_contain_text("¥30,000")
    waiting.get_by_role("link", name="全部").click()
    request = boss.get_by_test_id("approvals").locator("[data-approval]", has_text="陈女士")
    expect(request).to_contain_text("客户置换老迈腾并做贷款")
    request.get_by_label("意见").fill("同意，本月冲量，今天务必签单")
    request.get_by_role("button", name="批准").click()
    expect(boss.locator("#flash")).to_contain_text("审批结果已记录，销售顾问将在工作台看到。")
    expect(boss.get_by_test_id("approvals")).to_contain_text("暂无")

    # The consultant sees the decision on her workbench, opens the quote and issues it.
    page.goto(f"{live_server.url}/followups/workbench/")
    decision = page.get_by_test_id("quotes-workbench").locator("[data-approval]", has_text="陈女士")
    expect(decision).to_contain_text("已批准")
    expect(decision).to_contain_text("赵经理: 同意，本月冲量，今天务必签单")
    decision.get_by_role("link", name=re.compile("陈女士")).click()
    expect(page.get_by_test_id("quote-status")).to_have_text("已批准")
    page.get_by_test_id("issue-form").get_by_role("button", name="出具给客户").click()
    expect(flash).to_contain_text("报价已出具。")
    expect(page.get_by_test_id("quote-status")).to_have_text("已出具给客户")

    # The order, signed from the issued quote with a 定金 of ¥20,000.
    page.get_by_role("heading", level=1).get_by_role("link", name="陈女士").click()
    page.get_by_test_id("order-panel").get_by_test_id("sign-order").click()
    sign = page.get_by_test_id("sign-form")
    expect(sign.get_by_label("定金类型")).to_have_value("earnest")
    expect(sign.get_by_label("约定定金（元）")).to_have_value(re.compile(r"^20000(\.00)?$"))
    sign.get_by_label("交车日期").fill(f"{clock.today() + dt.timedelta(days=7):%Y-%m-%d}")
    sign.get_by_label("交车地点").fill("展厅交车区")
    page.get_by_test_id("sign").click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get(lead=lead)
    expect(flash).to_contain_text(f"订单 {order.number} 已签订。")
    expect(page.get_by_test_id("order-status")).to_have_text("已签署")
    contract = page.get_by_test_id("contract")
    expect(contract).to_contain_text("A6L 45 TFSI 臻选动感型")
    expect(contract).to_contain_text("冰川白 / 黑色真皮")
    expect(contract).to_contain_text(_shown(order.loan_amount, "贷款 "))
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.ACCEPTED

    def pay(kind_label, amount, *, method_label=None, method_value=None, reference=""):
        received = page.get_by_test_id("payments").locator("tr[data-payment]")
        before = received.count()
        paying = page.get_by_test_id("pay-form")
        paying.get_by_label("款项").select_option(label=kind_label)
        if method_value:
            paying.get_by_label("支付方式").select_option(method_value)
        else:
            paying.get_by_label("支付方式").select_option(label=method_label)
        paying.get_by_label("金额（元）").fill(str(amount))
        paying.get_by_label("交易流水号").fill(reference)
        paying.get_by_role("button", name="登记收款").click()
        # the same message after every payment: the new receipt's row tells the page apart from the last one
        expect(received).to_have_count(before + 1)
        expect(flash).to_contain_text("已登记收款，请打印收据。")

    # The 定金 paid by WeChat, with its receipt.
    pay("定金", DEPOSIT, method_label="微信支付", reference="WX20261127001")
    expect(page.get_by_test_id("order-status")).to_have_text("已付定金")
    payments = page.get_by_test_id("payments")
    deposit_row = payments.locator("tr[data-payment]", has_text="定金")
    expect(deposit_row).to_contain_text(_shown(DEPOSIT))
    expect(deposit_row.get_by_role("link", name="收款收据")).to_be_visible()

    # The matching car (white, black leather) is offered, the grey one is not; allocate it.
    candidates = page.get_by_test_id("candidates")
    expect(candidates.locator("[data-vehicle]")).to_have_count(1)
    expect(candidates).not_to_contain_text(world["other"].vin)
    candidates.locator(f"[data-vehicle='{car.pk}']").get_by_role("button", name="配车").click()
    expect(flash).to_contain_text("已配车，车辆已为该订单预留。")
    expect(page.get_by_test_id("allocated-vin")).to_have_text(car.vin)

    # The rest of the money before the hand-over: the old car's credit, the lender's disbursement, the balance.
    order = Order.objects.get(pk=order.pk)
    pay("置换车款抵扣", TRADE_IN_VALUE, method_value="trade_in")
    pay("贷款放款", order.loan_amount, method_label="银行转账", reference="AF-LOAN-0001")
    outstanding = Decimal(re.sub(r"[^\d.]", "", page.get_by_test_id("outstanding").inner_text()))
    assert outstanding > 0
    pay("尾款", outstanding, method_label="银行转账", reference="TR20261127009")
    expect(page.get_by_test_id("outstanding")).to_contain_text(_shown(0))

    # The delivery, booked for later today with the service advisor the owner will be paired with.
    page.get_by_role("link", name=re.compile("陈女士")).first.click()
    page.get_by_test_id("delivery-panel").get_by_test_id("schedule-delivery").click()
    booking = page.get_by_test_id("schedule-form")
    when = clock.local_now() + dt.timedelta(hours=1)
    booking.get_by_label("日期和时间").fill(f"{when:%Y-%m-%dT%H:%M}")
    booking.get_by_label("交车地点/车位").fill("交车区 1 号位")
    booking.get_by_label("对接服务顾问").select_option(label="孙师傅")
    booking.get_by_role("button", name="预约交车").click()
    expect(flash).to_contain_text("交车已预约。")
    facts = page.get_by_test_id("delivery-facts")
    expect(facts).to_contain_text(car.vin)
    expect(facts).to_contain_text("孙师傅")
    expect(page.get_by_test_id("complete")).to_be_disabled()

    # The PDI, every item passed, signed off by the paired service advisor.
    pdi = page.get_by_test_id("pdi-form")
    for box in pdi.get_by_role("checkbox").all():
        box.check()
    expect(pdi.get_by_label("签核人（服务顾问）")).to_have_value(str(advisor.pk))
    pdi.get_by_role("button", name="签核 PDI").click()
    expect(flash).to_contain_text("PDI 已签核。")
    expect(page.get_by_test_id("step-pdi")).to_contain_text("✓")
    expect(page.get_by_test_id("delivery-facts")).to_contain_text("孙师傅 ·")

    # The hand-over checklist, every item explained, with the first service at 5,000 km.
    checklist = page.get_by_test_id("checklist-form")
    for box in checklist.get_by_role("checkbox").all():
        box.check()
    checklist.get_by_label("首保里程（公里）").fill("5000")
    checklist.get_by_role("button", name="保存交车清单").click()
    expect(flash).to_contain_text("交车清单已保存。")
    expect(page.get_by_test_id("step-checklist")).to_contain_text("✓")

    # The customer signs the delivery confirmation on the pad.
    signing = page.get_by_test_id("signature-form")
    expect(signing.get_by_label("签署人姓名")).to_have_value("陈女士")
    _draw_signature(page, page.get_by_test_id("signature-pad"))
    signing.get_by_role("button", name="签署交车确认单").click()
    expect(flash).to_contain_text("交车确认单已签署。")
    expect(page.get_by_test_id("signature")).to_be_visible()

    # Nothing stands in the way any more: the car is handed over.
    expect(page.get_by_test_id("step-complete")).to_contain_text("交车准备已全部完成。")
    page.get_by_test_id("complete").click()
    expect(flash).to_contain_text("交车完成，恭喜！交车后回访已安排。")

    # Back on the lead: won and delivered, the owner's car on file, the follow-up calls planned.
    expect(page.get_by_test_id("lead-status")).to_have_text("已成交")
    expect(_current_step(page)).to_have_text("7. 已交车")
    expect(page.get_by_test_id("order-panel")).to_contain_text("已交车")
    owned = page.get_by_test_id("owned-car")
    expect(owned).to_contain_text(car.vin)
    expect(owned).to_contain_text("孙师傅")
    calls = page.get_by_test_id("aftercare-calls")
    expect(calls).to_contain_text("交车24小时感谢回访")
    expect(calls).to_contain_text("交车7天满意度回访（问卷）")
    expect(page.get_by_test_id("lead-tasks")).to_contain_text("交车24小时感谢回访")

    # What the pages showed is what was recorded.
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.status == Status.WON and lead.stage == Stage.DELIVERED
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.DELIVERED and order.vehicle_id == car.pk
    car.refresh_from_db()
    assert car.status != VehicleStatus.IN_STOCK
    delivery = Delivery.objects.get(order=order)
    assert delivery.status == DeliveryStatus.COMPLETED and delivery.pdi_inspector_id == advisor.pk
    check_png(bytes(delivery.signature_png))
    approval = quote.approvals.get()
    assert approval.status == ApprovalStatus.APPROVED and approval.decided_by_id == world["manager"].pk
