"""Vehicle presentation (车辆展示): managers keep the six-position walk-around script of each series; consultants
record each presentation on the lead (points covered, reactions, objections) and completing one moves the lead on
to the test drive."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.catalog import selectors as catalog
from showroom.catalog.models import Series
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.core.versioning import check_version
from showroom.leads import services as leads
from showroom.leads.models import Lead, Stage, Status

from .models import Position, Presentation, WalkaroundPoint
from .selectors import point_get

POINT_LIMITS = {"feature": 200, "advantage": 300, "benefit": 300, "evidence": 300}
NOTE_LIMIT = 5000


# --- The walk-around script ------------------------------------------------------------------------

def _record_changes(*, actor, action: str, target, before: dict, after: dict, store_id: int | None) -> None:
    """Audit the fields that changed, as {field: [old, new]}, filed under the store like the other entries of the
    app: presentations and points have no store of their own, and the store's audit log lists entries by store."""
    changes = {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
    if changes:
        audit.record(actor=actor, action=action, target=target, data={"changes": changes}, store_id=store_id)



def _clean_point(fields: dict, *, partial: bool = False) -> dict:
    clean, errors = {}, {}
    if "position" in fields or not partial:
        try:
            clean["position"] = Position(int(fields.get("position")))
        except (TypeError, ValueError):
            errors["position"] = [_("Choose one of the six positions.")]
    for name, limit in POINT_LIMITS.items():
        if name not in fields and partial:
            continue
        value = (fields.get(name) or "").strip()
        if name != "evidence" and not value:
            errors[name] = [_("Fill in the %(part)s.") % {"part": WalkaroundPoint._meta.get_field(name).verbose_name}]
        elif len(value) > limit:
            errors[name] = [_("Keep it to %(count)s characters.") % {"count": limit}]
        clean[name] = value
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first if len(errors) == 1 else _("Some fields need correcting."), code="point_invalid",
                          fields=errors)
    return clean


def _own_series(actor, series_id) -> Series:
    series = catalog.series_get(actor, series_id)
    if not series.brand.is_own:
        raise DomainError(_("Walk-around scripts are kept for our own series."), code="series_not_own", field="series")
    return series


def walkaround_point_add(*, actor, series: Series, fields: dict) -> WalkaroundPoint:
    """A manager adds a talking point (feature → advantage → benefit) at the end of its position."""
    require(actor, Capability.EDIT_SCRIPTS)
    clean = _clean_point(fields)
    with transaction.atomic():
        series = _own_series(actor, series.pk)
        last = (WalkaroundPoint.objects.filter(series=series, position=clean["position"])
                .aggregate(last=Max("sort_order"))["last"])
        point = WalkaroundPoint.objects.create(series=series, sort_order=(last or 0) + 1, updated_by=actor, **clean)
        audit.record(actor=actor, action="presentations.point_added", target=point, store_id=actor.store_id,
                     data={"series": series.name, **clean})
    return point


def walkaround_point_update(*, actor, point: WalkaroundPoint, fields: dict) -> WalkaroundPoint:
    """A manager rewords a talking point or moves it to another position."""
    require(actor, Capability.EDIT_SCRIPTS)
    clean = _clean_point(fields, partial=True)
    with transaction.atomic():
        point = point_get(actor, point.pk, for_update=True)
        before = {k: getattr(point, k) for k in clean}
        if "position" in clean and clean["position"] != point.position:
            last = (WalkaroundPoint.objects.filter(series_id=point.series_id, position=clean["position"])
                    .aggregate(last=Max("sort_order"))["last"])
            point.sort_order = (last or 0) + 1
        for key, value in clean.items():
            setattr(point, key, value)
        point.updated_by = actor
        point.save(update_fields=[*clean, "sort_order", "updated_by", "updated_at"])
        _record_changes(actor=actor, action="presentations.point_changed", target=point, before=before,
                        after={k: getattr(point, k) for k in clean}, store_id=actor.store_id)
    return point


def walkaround_point_retire(*, actor, point: WalkaroundPoint) -> WalkaroundPoint:
    """A manager takes a point out of the script; presentations that covered it keep it."""
    require(actor, Capability.EDIT_SCRIPTS)
    with transaction.atomic():
        point = point_get(actor, point.pk, for_update=True)
        if point.is_active:
            point.is_active, point.updated_by = False, actor
            point.save(update_fields=["is_active", "updated_by", "updated_at"])
            audit.record(actor=actor, action="presentations.point_retired", target=point, store_id=actor.store_id,
                         data={"feature": point.feature})
    return point


def walkaround_point_move(*, actor, point: WalkaroundPoint, direction: str) -> WalkaroundPoint:
    """A manager moves a point up or down within its position (swaps it with its neighbour)."""
    require(actor, Capability.EDIT_SCRIPTS)
    if direction not in ("up", "down"):
        raise DomainError(_("Move the point up or down."), code="direction_invalid", field="direction")
    with transaction.atomic():
        point = point_get(actor, point.pk, for_update=True)
        siblings = list(WalkaroundPoint.objects.select_for_update()
                        .filter(series_id=point.series_id, position=point.position, is_active=True)
                        .order_by("sort_order", "id"))
        ids = [p.pk for p in siblings]
        index = ids.index(point.pk) if point.pk in ids else -1
        other = index - 1 if direction == "up" else index + 1
        if index < 0 or not 0 <= other < len(siblings):  # retired, or already first or last: nothing to move
            return point
        siblings[index], siblings[other] = siblings[other], siblings[index]
        # Renumber the whole position, so that equal sort orders (old data) cannot turn the swap into a no-op.
        for number, sibling in enumerate(siblings, start=1):
            if sibling.sort_order != number:
                sibling.sort_order = number
                sibling.save(update_fields=["sort_order", "updated_at"])
            if sibling.pk == point.pk:
                point.sort_order = number
        audit.record(actor=actor, action="presentations.point_moved", target=point, store_id=actor.store_id,
                     data={"direction": direction, "order": [p.pk for p in siblings]})
    return point


# --- Presentations on a lead -----------------------------------------------------------------------

def _workable_lead(actor, lead_id) -> Lead:
    lead = get_visible(Lead, actor, lead_id, for_update=True)
    leads.require_may_work(actor, lead)
    if lead.status == Status.LOST:
        raise DomainError(_("The lead is closed as lost; reactivate it before presenting a car."), code="lead_lost",
                          field="lead")
    return lead


def _covered(series: Series, point_ids, *, already=()) -> list[WalkaroundPoint]:
    ids = set()
    for value in point_ids or ():
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise DomainError(_("Tick points of this car's walk-around."), code="points_invalid",
                              field="covered_point_ids") from None
    points = list(WalkaroundPoint.objects.filter(series=series, pk__in=ids))
    allowed = [p for p in points if p.is_active or p.pk in set(already)]
    if len(allowed) != len(ids):
        raise DomainError(_("Tick points of this car's walk-around."), code="points_invalid", field="covered_point_ids")
    return allowed


def _text(value, field: str) -> str:
    value = (value or "").strip()
    if len(value) > NOTE_LIMIT:
        raise DomainError(_("Keep it to %(count)s characters.") % {"count": NOTE_LIMIT}, code="text_too_long", field=field)
    return value


def presentation_record(*, actor, lead: Lead, series: Series, covered_point_ids=(), reactions: str = "",
                        objections: str = "", complete: bool = False) -> Presentation:
    """The consultant walks the customer round a car: the points covered, what the customer liked and objected to."""
    require(actor, Capability.WORK_LEADS)
    reactions, objections = _text(reactions, "reactions"), _text(objections, "objections")
    with transaction.atomic():
        lead = _workable_lead(actor, lead.pk)
        series = _own_series(actor, series.pk)
        points = _covered(series, covered_point_ids)
        presentation = Presentation.objects.create(lead=lead, series=series, consultant=actor, reactions=reactions,
                                                   objections=objections)
        presentation.covered_points.set(points)
        audit.record(actor=actor, action="presentations.recorded", target=presentation, store_id=lead.store_id, data={
            "lead": lead.pk, "series": series.name, "points": sorted(p.pk for p in points), "reactions": reactions,
            "objections": objections})
        if complete:
            presentation = presentation_complete(actor=actor, presentation=presentation)
    return presentation


def presentation_update(*, actor, presentation: Presentation, covered_point_ids=(), reactions: str = "",
                        objections: str = "", expected_version: int | None = None) -> Presentation:
    """Tick more points and add what the customer said, while (or after) presenting."""
    require(actor, Capability.WORK_LEADS)
    reactions, objections = _text(reactions, "reactions"), _text(objections, "objections")
    with transaction.atomic():
        presentation = get_visible(Presentation, actor, presentation.pk, for_update=True)
        lead = _workable_lead(actor, presentation.lead_id)
        check_version(presentation, expected_version)
        before_ids = sorted(presentation.covered_points.values_list("pk", flat=True))
        points = _covered(presentation.series, covered_point_ids, already=before_ids)
        before = {"points": before_ids, "reactions": presentation.reactions, "objections": presentation.objections}
        presentation.covered_points.set(points)
        presentation.reactions, presentation.objections = reactions, objections
        presentation.version += 1
        presentation.save(update_fields=["reactions", "objections", "version", "updated_at"])
        _record_changes(actor=actor, action="presentations.updated", target=presentation, before=before,
                        after={"points": sorted(p.pk for p in points), "reactions": reactions, "objections": objections},
                        store_id=lead.store_id)
    return presentation


def presentation_complete(*, actor, presentation: Presentation, expected_version: int | None = None) -> Presentation:
    """The presentation is done: the lead moves on to the test drive, each step recorded; never backwards."""
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        presentation = get_visible(Presentation, actor, presentation.pk, for_update=True)
        lead = _workable_lead(actor, presentation.lead_id)
        check_version(presentation, expected_version)
        if presentation.completed_at is None:
            presentation.completed_at = clock.now()
            presentation.version += 1
            presentation.save(update_fields=["completed_at", "version", "updated_at"])
            audit.record(actor=actor, action="presentations.completed", target=presentation, store_id=lead.store_id,
                         data={"lead": lead.pk, "stage": lead.stage})
        _move_on(actor, lead)
    return presentation


def _move_on(actor, lead: Lead) -> None:
    """Presentation done: on to the test drive. A lead still at first contact skips the needs analysis, with the
    reason recorded; a lead past the presentation stays where it is."""
    if lead.stage == Stage.FIRST_CONTACT:
        lead = leads.lead_advance_stage(actor=actor, lead=lead, to=Stage.PRESENTATION,
                                        skip_reason=_("The car was presented before a needs analysis was recorded."))
    elif lead.stage == Stage.NEEDS_ANALYSIS:
        lead = leads.lead_advance_stage(actor=actor, lead=lead, to=Stage.PRESENTATION)
    if lead.stage == Stage.PRESENTATION:
        leads.lead_advance_stage(actor=actor, lead=lead, to=Stage.TEST_DRIVE)
