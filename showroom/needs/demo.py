"""Demo data of the needs app (see settings.DEMO_EXTENSIONS): answers on the leads at or past the needs analysis,
through the services and by each lead's consultant; a lead never moves back (nor on past where the demo put it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F

from showroom.catalog import selectors as catalog
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.leads.models import Grade, Lead, Stage, StageTransition, Status

from . import selectors, services
from .models import NeedsAnalysis

PURPOSES = ["first_car", "replacement", "replacement", "additional"]
DRIVERS = ["本人", "本人和爱人", "夫妻二人轮流开", "本人，偶尔孩子开"]
DECIDERS = ["本人", "夫妻共同决定", "爱人拍板", "和父母商量后决定"]
USAGES = [["commute"], ["commute", "family"], ["family", "leisure"], ["business", "long_distance"], ["commute", "leisure"]]
CURRENT = [("大众", "帕萨特"), ("丰田", "凯美瑞"), ("本田", "雅阁"), ("别克", "君威"), ("奥迪", "A4L"), ("日产", "天籁")]
COMPETITORS = ["宝马 5系", "奔驰 E级", "宝马 X3", "奔驰 GLC", "沃尔沃 XC60", "雷克萨斯 ES", "特斯拉 Model Y", "理想 L6",
               "蔚来 ES6", "小米 YU7"]
COLOURS = ["冰川白", "天云灰", "传奇黑", "曜石黑", "探索绿"]
MUST_HAVE = ["全景天窗", "座椅加热和通风", "360度全景影像", "自适应巡航", "矩阵式大灯", "后排空间大"]
CONCERNS = ["担心保值率", "想了解保养费用", "比较关心油耗", "担心纯电车冬季续航", "希望尽快提车", "想了解置换补贴",
            "关注贷款利率和首付比例"]
DEMO_LEADS = 60
DAYS_BY_GRADE = {Grade.H: 5, Grade.A: 12, Grade.B: 25, Grade.C: 60}


def seed(*, store, rng) -> list[str]:
    leads = list(Lead.objects.filter(store=store, stage__gte=Stage.NEEDS_ANALYSIS, owner__isnull=False)
                 .filter(status__in=(Status.OPEN, Status.WON)).select_related("owner").order_by("pk"))
    if not leads:
        return []
    # Enough to show the step on every kind of lead, few enough to keep the demo quick.
    leads = sorted(rng.sample(leads, min(DEMO_LEADS, len(leads))), key=lambda lead: lead.pk)
    trims = list(catalog.trim_search(leads[0].owner, own_brand=True, order="price"))
    recorded = revised = confirmed = 0
    for index, lead in enumerate(leads):
        if NeedsAnalysis.objects.filter(lead=lead).exists():
            continue
        actor = lead.owner
        trim = _trim_for(lead, trims, rng)
        answers = _answers(lead, trim, rng)
        try:
            services.needs_record(actor=actor, lead=lead, answers=answers)
            recorded += 1
            if index % 3 == 0:  # the customer came back with a higher budget and a new worry
                answers = {**answers, "concerns": rng.choice(CONCERNS)}
                if answers.get("budget_max") is not None:
                    answers["budget_max"] += Decimal(30000)
                services.needs_record(actor=actor, lead=lead, answers=answers, based_on=1)
                revised += 1
            latest = selectors.latest_of(actor, lead)
            fitting = [s.trim.pk for s in selectors.suggestions_for(actor, latest, limit=3) if s.fits][:2]
            if fitting and lead.stage >= Stage.PRESENTATION:
                services.needs_confirm_models(actor=actor, lead=lead, trim_ids=fitting)
                confirmed += 1
            if lead.stage > Stage.NEEDS_ANALYSIS:  # done on the way; completing moves a lead past it nowhere
                services.needs_complete(actor=actor, lead=lead)
            _date_from_history(lead)
        except DomainError:  # a lead the demo left in a state the services refuse (e.g. unassigned) stays unanswered
            continue
    return [f"needs analyses: {recorded} leads ({revised} revised, {confirmed} with confirmed models)"]


def step_reached_at(lead: Lead, stage: int) -> dt.datetime:
    """When the lead's history says it reached `stage` (or the next step, for a skipped one); its filing otherwise."""
    moved = (StageTransition.objects.filter(lead=lead, to_stage__gte=stage).exclude(from_stage=F("to_stage"))
             .order_by("created_at").values_list("created_at", flat=True).first())
    return moved or lead.created_at


def _date_from_history(lead: Lead) -> None:
    """The answers date from when the lead reached the needs analysis, not from the moment the demo is loaded."""
    cap = clock.now() - dt.timedelta(minutes=5)
    asked = min(step_reached_at(lead, Stage.NEEDS_ANALYSIS), cap)
    done = min(max(step_reached_at(lead, Stage.PRESENTATION), asked), cap) if lead.stage > Stage.NEEDS_ANALYSIS else None
    for analysis in NeedsAnalysis.objects.filter(lead=lead).order_by("number"):
        at = min(asked + dt.timedelta(days=2 * (analysis.number - 1)), done or cap, cap)
        NeedsAnalysis.objects.filter(pk=analysis.pk).update(
            created_at=at, confirmed_at=analysis.confirmed_at and (done or at), completed_at=analysis.completed_at and done)


def _trim_for(lead: Lead, trims: list, rng):
    named = [t for t in trims if t.series.name.lower() in lead.models_of_interest.lower()]
    pool = named or trims
    return rng.choice(pool) if pool else None


def _answers(lead: Lead, trim, rng) -> dict:
    brand, model = rng.choice(CURRENT)
    purpose = rng.choice(PURPOSES)
    answers = {
        "purpose": purpose, "drivers": rng.choice(DRIVERS), "decision_maker": rng.choice(DECIDERS),
        "household_size": rng.randint(1, 5), "usage": rng.choice(USAGES), "daily_km": rng.choice([15, 30, 45, 60, 80]),
        "payment": rng.choice(["full", "full", "loan", "lease"]), "competitors": "、".join(rng.sample(COMPETITORS, 2)),
        "colour": rng.choice(COLOURS), "must_have": "、".join(rng.sample(MUST_HAVE, 2)), "concerns": rng.choice(CONCERNS),
    }
    if purpose != "first_car":
        answers.update(current_brand=brand, current_model=model, current_year=rng.randint(2012, 2021),
                       current_mileage_km=rng.randint(4, 18) * 10000,
                       trade_in="yes" if purpose == "replacement" else rng.choice(["no", "undecided"]))
    if trim is not None:
        # A budget around the car they came for, so that it fits (or just misses, as in real life).
        price = trim.guide_price
        answers.update(budget_min=_wan(price * Decimal("0.85")), budget_max=_wan(price * Decimal(rng.choice(["0.97", "1.05", "1.1"]))),
                       powertrain=trim.powertrain, body_type=trim.series.body_type, seats_min=min(trim.seats, 5),
                       considered_models=trim.series.name)
        if trim.is_new_energy:
            answers.update(home_charging=rng.random() < 0.8, home_parking=True)
    if lead.status == Status.OPEN and lead.stage < Stage.ORDER:
        answers["expected_purchase_date"] = clock.today() + dt.timedelta(days=DAYS_BY_GRADE.get(lead.grade, 45))
    return answers


def _wan(amount: Decimal) -> Decimal:
    """Rounded to 万 (10,000 yuan), as customers name a budget."""
    return (amount / 10000).quantize(Decimal(1)) * 10000
