"""Demo data of the presentations app (see settings.DEMO_EXTENSIONS): the walk-around scripts of the demo's own
series (those present in the catalog), and presentations with ticked points on the leads at or past the
presentation; a lead at the presentation keeps it in progress so that it does not move on."""

from __future__ import annotations

import datetime as dt

from showroom.accounts.models import User
from showroom.catalog import selectors as catalog
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.leads.models import Lead, Stage, Status
from showroom.needs.demo import step_reached_at

from . import selectors, services
from .models import Presentation, WalkaroundPoint
from .scripts_seed import WALKAROUND_SCRIPTS

DEMO_LEADS = 40
REACTIONS = ["对矩阵大灯的灯光演示很感兴趣", "坐进后排后对腿部空间很满意", "对车机语音交互觉得很方便",
             "很喜欢外观颜色，拍了照片发给家人", "对四驱系统的介绍听得很认真", "对辅助驾驶功能很好奇，想试驾体验"]
OBJECTIONS = ["觉得价格比竞品高", "担心后期保养费用", "觉得中控屏幕偏小", "对纯电车冬季续航有顾虑", "家人更喜欢SUV",
              "觉得后备厢开口偏窄", ""]


def seed(*, store, rng) -> list[str]:
    manager = User.objects.filter(username="manager", store=store).first()
    if manager is None:
        return []
    points = seed_scripts(actor=manager)
    scripted = [s for s in selectors.scripted_series(manager) if s.point_count]
    if not scripted:
        return [f"walk-around points: {points}"]
    leads = list(Lead.objects.filter(store=store, stage__gte=Stage.PRESENTATION, owner__isnull=False)
                 .filter(status__in=(Status.OPEN, Status.WON)).select_related("owner").order_by("pk"))
    # Enough to show the step on every kind of lead, few enough to keep the demo quick.
    leads = sorted(rng.sample(leads, min(DEMO_LEADS, len(leads))), key=lambda lead: lead.pk)
    presented = completed = 0
    for lead in leads:
        if Presentation.objects.filter(lead=lead).exists():
            continue
        interest = lead.models_of_interest.lower()
        series = next((s for s in scripted if s.name.lower() in interest), None) or rng.choice(scripted)
        script = [p.pk for group in selectors.script_of(manager, series) for p in group["points"]]
        ticked = rng.sample(script, k=max(1, round(len(script) * rng.uniform(0.6, 1.0))))
        try:
            presentation = services.presentation_record(
                actor=lead.owner, lead=lead, series=series, covered_point_ids=ticked, reactions=rng.choice(REACTIONS),
                objections=rng.choice(OBJECTIONS), complete=lead.stage > Stage.PRESENTATION)
        except DomainError:  # a lead the services refuse to work (e.g. closed) keeps no presentation
            continue
        presented += 1
        completed += presentation.is_completed
        # Dated from when the lead reached the presentation, not from the moment the demo is loaded.
        cap = clock.now() - dt.timedelta(minutes=5)
        shown = min(step_reached_at(lead, Stage.PRESENTATION), cap)
        Presentation.objects.filter(pk=presentation.pk).update(
            created_at=shown, updated_at=shown,
            completed_at=min(shown + dt.timedelta(minutes=40), cap) if presentation.is_completed else None)
    return [f"walk-around points: {points}; presentations: {presented} leads ({completed} completed)"]


def seed_scripts(*, actor) -> int:
    """The walk-around scripts of our series that are in the catalog and have none yet; returns the points added."""
    added = 0
    for series in catalog.series_for(actor, own_brand=True):
        rows = WALKAROUND_SCRIPTS.get(series.name)
        if not rows or WalkaroundPoint.objects.filter(series=series).exists():
            continue
        for position, feature, advantage, benefit, evidence in rows:
            services.walkaround_point_add(actor=actor, series=series, fields={
                "position": position, "feature": feature, "advantage": advantage, "benefit": benefit,
                "evidence": evidence})
            added += 1
    return added
