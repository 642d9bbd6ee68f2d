"""Demo data of the quotes app (see settings.DEMO_EXTENSIONS): the store's quote settings, an insurance rate table,
floor prices, the unified-price trims (A5L: 融合直售), finance promotions; and on the demo leads at or past the quote
step, quote versions (issued, superseded, awaiting approval, approved, rejected), negotiation rounds and a decline.
The first lead at negotiation weighs the Q6L e-tron against a Tesla: its two versions show the NEV purchase-tax
reduction at its cap and, below ¥339,000, the plain half of the tax. Leads at the order step get one issued quote, left for the orders demo to accept. Everything goes
through the services; no lead is moved (they already stand at or past "Quote and negotiation")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from showroom.accounts.models import User
from showroom.catalog.models import ColourKind, Powertrain
from showroom.catalog.selectors import accessories_fitting, colours_for, options_for, trims_for
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.leads.models import Lead, Stage, Status

from . import selectors, services
from .models import Objection

SELLERS = ("sales1", "sales2", "sales3", "keyaccount")
NEGOTIATING = 24
AT_ORDER = 10
LENDER = "大众汽车金融"
ANSWERS = (
    "说明本月店内已是最低价，可加送贴膜与脚垫",
    "对比竞品的保养成本与残值，建议选择金融方案",
    "申请经理特批，并约周末带家人来店签约",
    "置换车复检后可再上调评估价",
    "现车有库存，本周可交车",
)
SAID = ("别家店便宜一万", "首付想低一点", "旧车想多卖点", "能不能送保养", "再考虑一下")
COMPETITORS = ("宝马", "奔驰", "特斯拉", "沃尔沃", "理想")
UNIFIED_SERIES = ("A5L",)
# The vehicle price the EV story's second version comes down to: below ¥339,000 the NEV purchase-tax reduction is the
# plain half of the tax, under its ¥15,000 cap (2026–2027), where the first version's price shows the cap.
EV_TARGET_PRICE = Decimal("333000")


def _attempt(step):
    """Run one demo story in a savepoint: a refusal leaves nothing of it behind."""
    try:
        with transaction.atomic():
            return step()
    except DomainError:
        return None


def _settings(store, manager, own_trims, rng) -> None:
    services.quote_settings_save(actor=manager, fields={"validity_days": 7, "discount_limit": Decimal("10000"),
                                                        "plate_service_fee": Decimal("500"),
                                                        "insurer_name": "中国人保财险"})
    services.insurance_rates_replace(actor=manager, bands=[
        {"up_to_price": Decimal("300000"), "base": Decimal("1800"), "rate": Decimal("0.0210")},
        {"up_to_price": Decimal("500000"), "base": Decimal("2200"), "rate": Decimal("0.0195")},
        {"up_to_price": None, "base": Decimal("3000"), "rate": Decimal("0.0180")},
    ])
    sales1 = User.objects.filter(username="sales1").first()
    if sales1:
        services.discount_limit_set(actor=manager, consultant=sales1, amount=Decimal("15000"))
    # The A5L is sold at the unified national price; the Q6L e-tron is discounted like the rest (the EV price war).
    unified = [t for t in own_trims if t.series.name in UNIFIED_SERIES]
    for trim in unified:
        services.unified_price_set(actor=manager, trim=trim, unified=True, note="一汽奥迪融合直售，全国统一价")
    for trim in own_trims:
        if trim not in unified and rng.random() < 0.7:
            services.floor_price_set(actor=manager, trim=trim,
                                     price=(trim.guide_price * Decimal("0.86") / 1000).quantize(Decimal(1)) * 1000)
    today = clock.today()
    ev = [t for t in own_trims if t.powertrain == "bev"]
    services.promotion_save(actor=manager, promotion=None, fields={
        "name": "纯电车型3年0息", "lender": LENDER, "terms": [36], "annual_rate": Decimal("0"),
        "lender_rate": Decimal("0.0399"), "min_down_payment_ratio": Decimal("0.30"),
        "valid_from": today - dt.timedelta(days=20), "valid_until": today + dt.timedelta(days=40), "is_active": True,
        "conditions": "首付不低于30%，限36期"}, trim_ids=[t.pk for t in ev])
    services.promotion_save(actor=manager, promotion=None, fields={
        "name": "全系5年低息", "lender": LENDER, "terms": [48, 60], "annual_rate": Decimal("0.0199"),
        "lender_rate": Decimal("0.0399"), "min_down_payment_ratio": Decimal("0.20"),
        "valid_from": today - dt.timedelta(days=10), "valid_until": today + dt.timedelta(days=50), "is_active": True,
        "conditions": "首付不低于20%"}, trim_ids=[])
    services.promotion_save(actor=manager, promotion=None, fields={
        "name": "国庆金融节（已结束）", "lender": LENDER, "terms": [], "annual_rate": Decimal("0.0099"),
        "lender_rate": Decimal("0.0399"), "min_down_payment_ratio": Decimal("0.30"),
        "valid_from": today - dt.timedelta(days=60), "valid_until": today - dt.timedelta(days=30), "is_active": True,
        "conditions": ""}, trim_ids=[])


def _fields(actor, trim, rng, *, unified: bool, discount: Decimal, loan: bool) -> tuple[dict, list[dict]]:
    colours = list(colours_for(actor, series_id=trim.series_id))
    exterior = [c for c in colours if c.kind == ColourKind.EXTERIOR]
    interior = [c for c in colours if c.kind == ColourKind.INTERIOR]
    fields = {
        "trim": trim.pk, "discount": Decimal(0) if unified else discount,
        "exterior_colour": rng.choice(exterior).pk if exterior else None,
        "interior_colour": rng.choice(interior).pk if interior else None,
        "commercial_insurance_mode": rng.choice(("rate_table", "rate_table", "entered", "none")),
        "extended_warranty": rng.choice((Decimal(0), Decimal("3800"), Decimal("5800"))),
        "extended_warranty_name": "原厂延保2年",
        "deposit_amount": Decimal(rng.choice((5000, 10000, 20000))), "deposit_kind": "earnest",
    }
    if fields["commercial_insurance_mode"] == "entered":
        fields["commercial_insurance_amount"] = (trim.guide_price * Decimal("0.028")).quantize(Decimal("1"))
    if not fields["extended_warranty"]:
        fields["extended_warranty_name"] = ""
    if loan:
        fields.update(payment_method="loan", loan_lender=LENDER, loan_term_months=rng.choice((36, 48, 60)),
                      loan_annual_rate=Decimal("0.0399"), loan_down_payment_ratio=Decimal(rng.choice(("0.3", "0.4"))))
    if rng.random() < 0.35:
        # The brand's trade-in bonus is part of the price given away: it takes the place of some of the discount
        # (a unified-price trim gets neither).
        bonus = Decimal(0) if unified else Decimal("5000")
        fields.update(has_trade_in=True, trade_in_brand=rng.choice(("大众", "丰田", "本田", "别克")),
                      trade_in_model=rng.choice(("迈腾", "凯美瑞", "雅阁", "君威")),
                      trade_in_year=rng.randint(2015, 2021), trade_in_mileage_km=rng.randint(40000, 160000),
                      trade_in_plate=f"京N{rng.randint(10000, 99999)}",
                      trade_in_value=Decimal(rng.randint(4, 12) * 10000), trade_in_bonus=bonus,
                      subsidy_scheme=rng.choice(("replace", "none")))
        fields["discount"] = max(fields["discount"] - bonus, Decimal(0))
    lines = []
    options = list(options_for(actor, series_id=trim.series_id))
    if options and rng.random() < 0.6:
        lines.append({"kind": "option", "option": rng.choice(options).pk})
    accessories = list(accessories_fitting(actor, trim))
    for accessory in rng.sample(accessories, min(len(accessories), rng.randint(0, 2))):
        lines.append({"kind": "accessory", "accessory": accessory.pk})
    return fields, lines


def _ev_second_version(actor, manager, first) -> int:
    """The EV buyer holds a Tesla Model Y quote: a second version at EV_TARGET_PRICE, beyond the consultant's limit,
    approved by the manager. Side by side, the first version shows the capped NEV tax reduction, the second the
    plain half. Returns the versions made (0 or 1)."""
    def second_version():
        second = services.quote_new_version(actor=actor, quote=first)
        fields, lines = services.quote_inputs(second)
        fields["discount"] = first.vehicle_price + first.discount - EV_TARGET_PRICE
        second = services.quote_update(actor=actor, quote=second, fields=fields, lines=lines)
        request = services.quote_request_approval(actor=actor, quote=second,
                                                  reason="客户手持特斯拉Model Y报价，电车限时特价，申请特批")
        services.approval_decide(actor=manager, approval=request, approve=True, comment="同意，纯电车型冲量")
        return second

    return 1 if _attempt(second_version) is not None else 0


def seed(*, store, rng) -> list[str]:
    manager = User.objects.get(username="manager")
    own_trims = list(trims_for(manager).filter(series__brand__is_own=True, is_active=True, series__is_active=True)
                     .order_by("pk"))
    if not own_trims:
        return ["quotes: no trims in the catalog, nothing quoted"]
    _settings(store, manager, own_trims, rng)
    unified_ids = set(selectors.unified_prices(manager).values_list("trim_id", flat=True))
    sellers = list(User.objects.filter(username__in=SELLERS).values_list("pk", flat=True))
    leads = list(Lead.objects.filter(store=store, status=Status.OPEN, owner_id__in=sellers,
                                     stage__gte=Stage.NEGOTIATION, loss_pending=False)
                 .select_related("owner", "customer").order_by("pk"))
    # Enough stories for every state, few enough to seed in about two seconds.
    leads = ([lead for lead in leads if lead.stage < Stage.ORDER][:NEGOTIATING]
             + [lead for lead in leads if lead.stage >= Stage.ORDER][:AT_ORDER])
    # The cheapest electric trim of our own, for a buyer weighing it against a Tesla (the EV story below).
    ev_trim = min((t for t in own_trims if t.powertrain == Powertrain.ELECTRIC and t.pk not in unified_ids),
                  key=lambda t: (t.guide_price, t.pk), default=None)
    counts = {"quotes": 0, "pending": 0, "approved": 0, "rejected": 0, "rounds": 0, "order_step": 0}
    competitor_trims = list(trims_for(manager).filter(series__brand__is_own=False, is_active=True).order_by("pk"))

    for index, lead in enumerate(leads):
        actor = lead.owner
        trim = rng.choice(own_trims)
        ev_story = index == 0 and ev_trim is not None and lead.stage < Stage.ORDER
        if ev_story:
            trim = ev_trim
        unified = trim.pk in unified_ids
        first_discount = Decimal(rng.choice((3000, 5000, 8000)))

        def first_version(actor=actor, lead=lead, trim=trim, unified=unified, discount=first_discount):
            fields, lines = _fields(actor, trim, rng, unified=unified, discount=discount, loan=rng.random() < 0.5)
            quote = services.quote_create(actor=actor, lead=lead, fields=fields, lines=lines)
            return services.quote_issue(actor=actor, quote=quote)

        first = _attempt(first_version)
        if first is None:
            continue
        counts["quotes"] += 1
        if lead.stage >= Stage.ORDER:
            counts["order_step"] += 1  # left issued: the orders demo accepts it when it signs the order
            continue
        for _ in range(rng.randint(1, 2)):
            competitor = rng.choice(competitor_trims) if competitor_trims and rng.random() < 0.6 else None
            objections = [Objection.PRICE] + ([Objection.COMPETITOR] if competitor else []) + (
                [rng.choice((Objection.TRADE_IN, Objection.FINANCING, Objection.DELIVERY_TIME))]
                if rng.random() < 0.5 else [])
            round_fields = {
                "quote": first.pk, "objections": [str(o) for o in objections],
                "counter_offer": (first.total - Decimal(rng.randint(5, 20) * 1000)),
                "competitor_trim": competitor.pk if competitor else None,
                "competitor_text": "" if competitor else rng.choice(COMPETITORS) if Objection.COMPETITOR in objections
                else "",
                "competitor_price": (competitor.guide_price * Decimal("0.9")).quantize(Decimal("100"))
                if competitor else None,
                "customer_said": rng.choice(SAID), "answer": rng.choice(ANSWERS)}
            if _attempt(lambda actor=actor, lead=lead, f=round_fields: services.negotiation_record(
                    actor=actor, lead=lead, fields=f)):
                counts["rounds"] += 1
        if ev_story:
            made = _ev_second_version(actor, manager, first)
            counts["quotes"] += made
            counts["approved"] += made
            continue
        story = index % 5
        if unified or story == 0:
            continue  # one issued version
        second = _attempt(lambda actor=actor, first=first: services.quote_new_version(actor=actor, quote=first))
        if second is None:
            continue
        counts["quotes"] += 1
        limit = selectors.discount_limit(actor, store.pk) or Decimal("10000")
        if story in (1, 4):  # a bit more, within the limit: issued, the first is superseded
            fields, lines = services.quote_inputs(second)
            fields["discount"] = max(min(limit, first_discount + Decimal(2000)) - fields["trade_in_bonus"], Decimal(0))
            lines.append({"kind": "store_fee", "name": "上牌服务", "amount": Decimal("500")})
            _attempt(lambda actor=actor, q=second, f=fields, lines=lines: services.quote_issue(
                actor=actor, quote=services.quote_update(actor=actor, quote=q, fields=f, lines=lines)))
            if story == 4:
                _attempt(lambda actor=actor, q=second: services.quote_decline(
                    actor=actor, quote=q, reason="客户决定下月再买"))
            continue
        beyond, beyond_lines = services.quote_inputs(second)
        beyond["discount"] = limit + Decimal(rng.choice((3000, 6000, 9000)))

        def ask(actor=actor, q=second, f=beyond, lines=beyond_lines):
            quote = services.quote_update(actor=actor, quote=q, fields=f, lines=lines)
            return services.quote_request_approval(actor=actor, quote=quote,
                                                   reason="客户手持竞品报价，当场可签约，申请特批")
        request = _attempt(ask)
        if request is None:
            continue
        if story == 2:
            counts["pending"] += 1
        elif story == 3 and (index // 5) % 3 == 2:
            _attempt(lambda r=request: services.approval_decide(actor=manager, approval=r, approve=False,
                                                                comment="优惠过大，最多再加3000"))
            counts["rejected"] += 1
        else:
            _attempt(lambda r=request: services.approval_decide(actor=manager, approval=r, approve=True,
                                                                comment="同意，本月冲量"))
            counts["approved"] += 1
    return [f"quotes: {counts['quotes']} versions on {len(leads)} leads at or past negotiation "
            f"({counts['order_step']} at the order step left issued for the orders demo); "
            f"approvals {counts['pending']} pending, {counts['approved']} approved, {counts['rejected']} rejected; "
            f"{counts['rounds']} negotiation rounds; 3 finance promotions, a rate table, floor and unified prices"]
