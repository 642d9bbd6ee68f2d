"""Reading needs analyses: the versions of a lead and what changed, the models that fit the answers, the grade the
purchase horizon suggests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from showroom.catalog import selectors as catalog
from showroom.catalog.models import BodyType, Powertrain, Trim
from showroom.core import clock
from showroom.core.templatetags.money import yuan as money
from showroom.leads.models import MANUAL_GRADES, Grade, GradePolicy, Lead, Status

from .models import ANSWER_FIELDS, NeedsAnalysis, Payment, Purpose, TradeIn, Usage

SUGGESTIONS = 8
CHOICES_OF = {"purpose": Purpose, "payment": Payment, "trade_in": TradeIn, "powertrain": Powertrain,
              "body_type": BodyType}


def analyses_for(actor) -> QuerySet[NeedsAnalysis]:
    """Needs analyses of the leads the actor may see."""
    return NeedsAnalysis.objects.visible_to(actor)


def versions_of(actor, lead: Lead) -> list[NeedsAnalysis]:
    """Every version of the lead's answers, newest first, each with `changes` against the one before."""
    versions = list(
        analyses_for(actor).filter(lead=lead).select_related("created_by", "confirmed_by", "completed_by")
        .prefetch_related(Prefetch("confirmed_trims", queryset=Trim.objects.select_related("series__brand")))
        .order_by("-number")
    )
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        newer.changes = changes_between(older, newer)
    return versions


def latest_of(actor, lead: Lead) -> NeedsAnalysis | None:
    """The lead's current answers (the newest version), with the confirmed models."""
    return (analyses_for(actor).filter(lead=lead).select_related("created_by", "completed_by")
            .prefetch_related(Prefetch("confirmed_trims", queryset=Trim.objects.select_related("series__brand")))
            .order_by("-number").first())


def answer_display(analysis: NeedsAnalysis | None, name: str) -> str:
    """One answer as the page shows it ("" when unanswered)."""
    if analysis is None:
        return ""
    value = getattr(analysis, name)
    if value in (None, "", []):
        return ""
    if name in CHOICES_OF:
        return str(CHOICES_OF[name](value).label)
    if name == "usage":
        return "、".join(str(Usage(v).label) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in ("budget_min", "budget_max"):
        return money(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if name in ("daily_km", "current_mileage_km"):
        return f"{value:,} km"
    return str(value)


def changes_between(older: NeedsAnalysis | None, newer: NeedsAnalysis) -> list[dict]:
    """The answers that differ between two versions: label, old and new as shown (the first version lists what was
    answered)."""
    rows = []
    for name in ANSWER_FIELDS:
        old, new = answer_display(older, name), answer_display(newer, name)
        if old != new:
            rows.append({"field": name, "label": str(NeedsAnalysis._meta.get_field(name).verbose_name), "old": old,
                         "new": new})
    return rows


def answer_rows(analysis: NeedsAnalysis | None) -> list[dict]:
    """The answered questions of a version, in questionnaire order."""
    return [{"field": name, "label": str(NeedsAnalysis._meta.get_field(name).verbose_name), "value": shown}
            for name in ANSWER_FIELDS if (shown := answer_display(analysis, name))]


def budget_range(analysis: NeedsAnalysis) -> str:
    """¥300,000–¥400,000, or one bound ("up to ¥400,000", "from ¥300,000")."""
    low, high = analysis.budget_min, analysis.budget_max
    if low is not None and high is not None:
        return f"{money(low)}–{money(high)}"
    if high is not None:
        return _("up to %(amount)s") % {"amount": money(high)}
    return _("from %(amount)s") % {"amount": money(low)}


# --- Models that fit the answers --------------------------------------------------------------------

@dataclass
class Suggestion:
    trim: Trim
    matches: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    over_budget: Decimal = Decimal(0)
    confirmed: bool = False

    @property
    def fits(self) -> bool:
        return not self.misses


def suggestions_for(actor, analysis: NeedsAnalysis, *, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Our current trims ranked by how well they fit the answers (budget, powertrain, seats, body), each with the
    reasons it fits and what does not ("over budget by ¥12,000"); best fits first, then the nearest misses."""
    trims = catalog.trim_search(actor, own_brand=True, active_only=True, order="price")
    confirmed = {t.pk for t in analysis.confirmed_trims.all()}
    low, high = analysis.budget_min, analysis.budget_max
    target = (low + high) / 2 if low is not None and high is not None else high
    ranked = []
    for trim in trims:
        s = _assess(trim, analysis)
        s.confirmed = trim.pk in confirmed
        distance = abs(trim.guide_price - target) if target is not None else Decimal(0)
        ranked.append(((len(s.misses), s.over_budget, distance, trim.guide_price, trim.pk), s))
    ranked.sort(key=lambda pair: pair[0])
    return [s for _key, s in ranked[:limit]]


def _assess(trim: Trim, a: NeedsAnalysis) -> Suggestion:
    s = Suggestion(trim=trim)
    price = trim.guide_price
    if a.budget_max is not None and price > a.budget_max:
        s.over_budget = price - a.budget_max
        s.misses.append(_("Over budget by %(amount)s") % {"amount": money(s.over_budget)})
    elif a.budget_min is not None and price < a.budget_min:
        # A car far below the budget is another class of car than the customer has in mind.
        s.misses.append(_("Below the budget by %(amount)s") % {"amount": money(a.budget_min - price)})
    elif a.budget_min is not None or a.budget_max is not None:
        s.matches.append(_("Within budget: %(price)s (%(budget)s)") % {"price": money(price), "budget": budget_range(a)})
    if a.powertrain:
        wanted = Powertrain(a.powertrain).label
        if trim.powertrain == a.powertrain:
            s.matches.append(_("%(powertrain)s as wished") % {"powertrain": wanted})
        else:
            s.misses.append(_("%(powertrain)s, not %(wanted)s") % {"powertrain": Powertrain(trim.powertrain).label,
                                                                  "wanted": wanted})
    if a.seats_min:
        if trim.seats >= a.seats_min:
            s.matches.append(_("%(seats)s seats (needs %(wanted)s)") % {"seats": trim.seats, "wanted": a.seats_min})
        else:
            s.misses.append(_("Only %(seats)s seats, needs %(wanted)s") % {"seats": trim.seats, "wanted": a.seats_min})
    if a.body_type:
        body = trim.series.body_type
        if body == a.body_type:
            s.matches.append(_("%(body)s as wished") % {"body": BodyType(body).label})
        else:
            s.misses.append(_("%(body)s, not %(wanted)s") % {"body": BodyType(body).label,
                                                            "wanted": BodyType(a.body_type).label})
    if trim.powertrain in Powertrain.with_battery() and a.home_charging is False:
        s.misses.append(_("No charging at home"))
    return s


# --- The grade the purchase horizon suggests (domain file §2.1) ------------------------------------

@dataclass
class GradeSuggestion:
    grade: str
    days: int
    reason: str
    applicable: bool


def grade_suggestion(lead: Lead, analysis: NeedsAnalysis | None, *, today: dt.date | None = None) -> GradeSuggestion | None:
    """The grade whose purchase horizon (the store's grade policy) covers the expected purchase date; beyond the
    longest horizon the customer has interest without timing (C). None without an expected date."""
    if analysis is None or analysis.expected_purchase_date is None:
        return None
    today = today or clock.today()
    days = max((analysis.expected_purchase_date - today).days, 0)
    policies = sorted(
        ((p.horizon_days, p.grade) for p in GradePolicy.objects.filter(store_id=lead.store_id, grade__in=MANUAL_GRADES)
         if p.horizon_days is not None),
    )
    chosen = next((grade for horizon, grade in policies if days <= horizon), Grade.C)
    horizon = next((h for h, g in policies if g == chosen), None)
    if horizon is not None and days <= horizon:
        reason = _("Buys in %(days)s days: grade %(grade)s covers purchases within %(horizon)s days.") % {
            "days": days, "grade": chosen, "horizon": horizon}
    else:
        reason = _("Buys in %(days)s days, beyond every grade's horizon: interest without timing (C).") % {"days": days}
    applicable = lead.status == Status.OPEN and lead.grade not in (Grade.O, Grade.D) and lead.grade != chosen
    return GradeSuggestion(grade=chosen, days=days, reason=reason, applicable=applicable)
