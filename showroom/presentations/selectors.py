"""Reading the walk-around scripts, a lead's presentations, and the side-by-side comparison of trims."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy

from showroom.catalog import selectors as catalog
from showroom.catalog.models import Drive, Powertrain, Series, Trim
from showroom.catalog.scope import group_rule
from showroom.core.errors import NotFound
from showroom.core.templatetags.money import yuan
from showroom.leads.models import Lead

from .models import Position, Presentation, WalkaroundPoint

MAX_COMPETITORS = 3
PREFILLED_RIVALS = 2


# --- The walk-around script ------------------------------------------------------------------------

def points_for(actor) -> QuerySet[WalkaroundPoint]:
    """Walk-around points of the series of the actor's dealer group."""
    return WalkaroundPoint.objects.filter(group_rule(actor, "series__brand__"))


def point_get(actor, pk, *, for_update: bool = False) -> WalkaroundPoint:
    """One point of the actor's group; NotFound otherwise."""
    qs = points_for(actor).select_related("series")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (WalkaroundPoint.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def script_of(actor, series: Series) -> list[dict]:
    """The series' walk-around in the order the customer is led round the car: each position with its points."""
    points = list(points_for(actor).filter(series=series, is_active=True).order_by("position", "sort_order", "id"))
    return [{"position": position, "label": position.label, "points": [p for p in points if p.position == position]}
            for position in Position]


def scripted_series(actor) -> QuerySet[Series]:
    """Our current series, each with the number of points in its walk-around."""
    return catalog.series_for(actor, own_brand=True).annotate(
        point_count=Count("walkaround_points", filter=Q(walkaround_points__is_active=True)))


# --- Presentations on a lead -----------------------------------------------------------------------

def presentations_for(actor) -> QuerySet[Presentation]:
    """Presentations on the leads the actor may see."""
    return Presentation.objects.visible_to(actor)


def presentations_of(actor, lead: Lead) -> list[Presentation]:
    """The lead's presentations, newest first, each with the points covered and the size of its script."""
    presentations = list(
        presentations_for(actor).filter(lead=lead).select_related("series", "consultant")
        .prefetch_related(Prefetch("covered_points", queryset=WalkaroundPoint.objects.order_by("position", "sort_order")))
        .order_by("-created_at", "-id")
    )
    totals = dict(WalkaroundPoint.objects.filter(series_id__in={p.series_id for p in presentations}, is_active=True)
                  .values("series_id").annotate(n=Count("id")).values_list("series_id", "n")) if presentations else {}
    for p in presentations:
        p.covered_count = len(p.covered_points.all())
        p.script_size = totals.get(p.series_id, 0)
    return presentations


def presentation_get(actor, pk) -> Presentation:
    """One presentation on a lead the actor may see; NotFound otherwise."""
    try:
        return (presentations_for(actor).select_related("series", "consultant", "lead__customer")
                .prefetch_related("covered_points").get(pk=pk))
    except (Presentation.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- Side-by-side comparison -----------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    key: str
    label: object
    better: str = ""  # "higher", "lower" or "" (a difference, not better or worse)
    unit: str = ""
    more: object = ""  # how the competitor is described when its value is higher ("longer")
    less: object = ""


SPECS = (
    Spec("guide_price", gettext_lazy("Guide price"), "lower", "", gettext_lazy("dearer"), gettext_lazy("cheaper")),
    Spec("powertrain", gettext_lazy("Powertrain")),
    Spec("displacement_cc", gettext_lazy("Displacement"), "", "cc"),
    Spec("battery_kwh", gettext_lazy("Battery"), "higher", "kWh", gettext_lazy("larger"), gettext_lazy("smaller")),
    Spec("range_km", gettext_lazy("Electric range (CLTC)"), "higher", "km", gettext_lazy("longer"), gettext_lazy("shorter")),
    Spec("power_kw", gettext_lazy("Power"), "higher", "kW", gettext_lazy("stronger"), gettext_lazy("weaker")),
    Spec("acceleration_s", gettext_lazy("0–100 km/h"), "lower", "s", gettext_lazy("slower"), gettext_lazy("faster")),
    Spec("seats", gettext_lazy("Seats"), "higher", "", gettext_lazy("more"), gettext_lazy("fewer")),
    Spec("length_mm", gettext_lazy("Length"), "higher", "mm", gettext_lazy("longer"), gettext_lazy("shorter")),
    Spec("wheelbase_mm", gettext_lazy("Wheelbase"), "higher", "mm", gettext_lazy("longer"), gettext_lazy("shorter")),
    Spec("drive", gettext_lazy("Drive")),
)


@dataclass
class Cell:
    text: str
    # How OUR car fares against this one on the row: "ours_better", "ours_worse", "same" or "" (no verdict).
    verdict: str = ""
    note: str = ""


@dataclass
class Row:
    key: str
    label: str
    own: Cell
    others: list[Cell] = field(default_factory=list)
    own_leads: bool = False  # our car is better than every competitor on this row


def _shown(spec: Spec, trim: Trim) -> str:
    value = getattr(trim, spec.key)
    if value in (None, ""):
        return "—"
    if spec.key == "guide_price":
        return yuan(value)
    if spec.key == "powertrain":
        return str(Powertrain(value).label)
    if spec.key == "drive":
        return str(Drive(value).label)
    number = f"{value:,}" if not isinstance(value, Decimal) else f"{value:,.1f}"
    return f"{number} {spec.unit}".strip()


def _diff_text(spec: Spec, diff) -> str:
    if spec.key == "guide_price":
        return yuan(abs(diff))
    magnitude = abs(diff)
    number = f"{magnitude:,}" if not isinstance(magnitude, Decimal) else f"{magnitude:,.1f}"
    return f"{number} {spec.unit}".strip()


def _compare(spec: Spec, own: Trim, other: Trim) -> Cell:
    cell = Cell(text=_shown(spec, other))
    mine, theirs = getattr(own, spec.key), getattr(other, spec.key)
    if mine in (None, "") or theirs in (None, ""):
        return cell
    if mine == theirs:
        cell.verdict = "same"
        return cell
    if not spec.better:
        cell.verdict = "differs"
        return cell
    diff = theirs - mine
    theirs_better = diff > 0 if spec.better == "higher" else diff < 0
    cell.verdict = "ours_worse" if theirs_better else "ours_better"
    cell.note = f"{spec.more if diff > 0 else spec.less} {_diff_text(spec, diff)}"
    return cell


def comparison(own: Trim, others: list[Trim]) -> dict:
    """Our trim beside the competitors', row by row (price and specs, then key equipment), with each competitor's
    value marked by how our car fares against it (e.g. "longer 51 mm" wheelbase: ours is worse)."""
    rows = []
    for spec in SPECS:
        cells = [_compare(spec, own, other) for other in others]
        verdicts = [c.verdict for c in cells]
        rows.append(Row(key=spec.key, label=str(spec.label), own=Cell(text=_shown(spec, own)), others=cells,
                        own_leads=bool(cells) and all(v == "ours_better" for v in verdicts)))
    equipment = list(dict.fromkeys([*own.equipment_list, *(item for o in others for item in o.equipment_list)]))
    equipment_rows = []
    for item in equipment:
        has_own = item in own.equipment_list
        cells = []
        for other in others:
            has = item in other.equipment_list
            verdict = "same" if has == has_own else ("ours_better" if has_own else "ours_worse")
            cells.append(Cell(text="✓" if has else "—", verdict=verdict))
        equipment_rows.append(Row(key="equipment", label=item, own=Cell(text="✓" if has_own else "—"), others=cells,
                                  own_leads=bool(cells) and all(c.verdict == "ours_better" for c in cells)))
    return {"own": own, "others": others, "rows": rows, "equipment_rows": equipment_rows}


def comparison_trims(actor, own_id, other_ids) -> tuple[Trim, list[Trim]]:
    """Our trim and up to three competitor trims of the actor's group, in the order asked; NotFound for a trim
    outside the group, a refusal for more than three or a competitor that is ours."""
    own = catalog.trim_get(actor, own_id)
    if not own.series.brand.is_own:
        raise NotFound()
    ids = list(dict.fromkeys(other_ids))[:MAX_COMPETITORS]
    found = {t.pk: t for t in catalog.trims_by_ids(actor, ids)}
    return own, [found[i] for i in ids if i in found and i != own.pk]


def comparison_prefill(actor, lead: Lead, *, analysis=None) -> tuple[int | None, list[int]]:
    """Our trim and competitor trims named by the lead: the confirmed models first, else the series named in its
    models of interest; competitors from those words and the needs analysis's competitors considered."""
    text = " ".join(filter(None, [lead.models_of_interest, getattr(analysis, "considered_models", ""),
                                  getattr(analysis, "competitors", "")])).lower()
    confirmed = list(analysis.confirmed_trims.all()) if analysis is not None else []
    trims = list(catalog.trim_search(actor, active_only=True, order="price"))
    named = sorted({t.series for t in trims if t.series.name.lower() in text}, key=lambda s: -len(s.name))
    # "Q5L Sportback" also contains "Q5L": a shorter name inside a longer one that matched is not a second series.
    series = [s for i, s in enumerate(named) if not any(s.name.lower() in n.name.lower() for n in named[:i])]
    cheapest = {}
    for trim in trims:
        cheapest.setdefault(trim.series_id, trim)
    own_id = confirmed[0].pk if confirmed else next((cheapest[s.pk].pk for s in series if s.brand.is_own), None)
    others = [cheapest[s.pk].pk for s in series if not s.brand.is_own][:MAX_COMPETITORS]
    own = next((t for t in trims if t.pk == own_id), confirmed[0] if confirmed else None)
    if own is not None and not others:
        # No competitor named: the nearest in price of the same body, one per series, as a starting point.
        rivals = sorted((t for t in trims if not t.series.brand.is_own and t.series.body_type == own.series.body_type),
                        key=lambda t: (abs(t.guide_price - own.guide_price), t.pk))
        taken: set[int] = set()
        for trim in rivals:
            if len(others) < PREFILLED_RIVALS and trim.series_id not in taken:
                taken.add(trim.series_id)
                others.append(trim.pk)
    return own_id, others
