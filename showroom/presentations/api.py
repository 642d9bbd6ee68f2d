"""The presentations API under /api/v1/: walk-around points per series (managers write), a lead's presentations
(record, update, complete) and the comparison of trims. Same services and selectors as the pages."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply

from showroom.accounts.capabilities import Capability, can, require
from showroom.catalog import selectors as catalog
from showroom.core.api import Body, Id, Input, Version
from showroom.core.errors import DomainError, NotFound
from showroom.core.scoping import get_visible
from showroom.leads.api import UserRef
from showroom.leads.models import Lead

from . import selectors, services
from .models import Position

router = Router(tags=["presentations"])


def _require_reader(actor) -> None:
    if not (can(actor, Capability.WORK_LEADS) or can(actor, Capability.EDIT_SCRIPTS)):
        require(actor, Capability.WORK_LEADS)


# --- Output -------------------------------------------------------------------------------------

class PointOut(Schema):
    id: int
    series_id: int
    position: Position
    position_label: str
    sort_order: int
    feature: str
    advantage: str
    benefit: str
    evidence: str
    is_active: bool

    @staticmethod
    def resolve_position_label(obj) -> str:
        return str(Position(obj.position).label)


class PresentedSeriesRef(Schema):
    id: int
    name: str


class PresentationOut(Schema):
    id: int
    lead_id: int
    series: PresentedSeriesRef
    consultant: UserRef | None
    covered_point_ids: list[int]
    reactions: str
    objections: str
    completed_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_covered_point_ids(obj) -> list[int]:
        return sorted(p.pk for p in obj.covered_points.all())


class CellOut(Schema):
    text: str
    verdict: str = Field(..., description="How our trim fares against this one: ours_better, ours_worse, same, "
                                          "differs or empty (no value).")
    note: str


class RowOut(Schema):
    key: str
    label: str
    own: CellOut
    others: list[CellOut]
    own_leads: bool


class ComparedTrimRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class ComparisonOut(Schema):
    own: ComparedTrimRef
    others: list[ComparedTrimRef]
    rows: list[RowOut]
    equipment_rows: list[RowOut]


# --- Input --------------------------------------------------------------------------------------

class PointIn(Body):
    position: int = Field(..., ge=1, le=6, description="1 front left 45°, 2 front, 3 side, 4 rear, 5 rear seats, "
                                                        "6 driver's seat")
    feature: str = Field(..., max_length=200)
    advantage: str = Field(..., max_length=300)
    benefit: str = Field(..., max_length=300)
    evidence: str = Field("", max_length=300)


class PointPatchIn(Body):
    position: int = Field(None, ge=1, le=6)
    feature: str = Field(None, max_length=200)
    advantage: str = Field(None, max_length=300)
    benefit: str = Field(None, max_length=300)
    evidence: str = Field(None, max_length=300)


class PointMoveIn(Body):
    direction: str = Field(..., pattern="^(up|down)$")


class PresentationIn(Body):
    series_id: Id
    covered_point_ids: list[Id] = Field(default_factory=list, max_length=200)
    reactions: str = Field("", max_length=5000)
    objections: str = Field("", max_length=5000)
    complete: bool = Field(False, description="Also complete it: the lead moves on to the test drive.")


class PresentationPatchIn(Body):
    version: Version | None = None
    covered_point_ids: list[Id] = Field(default_factory=list, max_length=200)
    reactions: str = Field("", max_length=5000)
    objections: str = Field("", max_length=5000)


class PresentationCompleteIn(Body):
    version: Version | None = None


class ComparisonIn(Input):
    own_trim_id: Id
    competitor_trim_ids: list[Id] = Field(default_factory=list, max_length=3)


# --- Walk-around points ---------------------------------------------------------------------------

@router.get("/series/{series_id}/walkaround-points", response=list[PointOut])
def list_points(request, series_id: Id):
    """The series' walk-around in order: position by position, each point feature → advantage → benefit."""
    _require_reader(request.auth)
    series = catalog.series_get(request.auth, series_id)
    return [p for group in selectors.script_of(request.auth, series) for p in group["points"]]


@router.post("/series/{series_id}/walkaround-points", response={201: PointOut})
def add_point(request, series_id: Id, payload: PointIn):
    """Managers add a point at the end of its position."""
    require(request.auth, Capability.EDIT_SCRIPTS)
    series = catalog.series_get(request.auth, series_id)
    return Reply(201, services.walkaround_point_add(actor=request.auth, series=series, fields=payload.dict()))


@router.patch("/walkaround-points/{point_id}", response=PointOut)
def update_point(request, point_id: Id, payload: PointPatchIn):
    """Managers reword a point or move it to another position."""
    require(request.auth, Capability.EDIT_SCRIPTS)
    point = selectors.point_get(request.auth, point_id)
    return services.walkaround_point_update(actor=request.auth, point=point, fields=payload.dict(exclude_unset=True))


@router.delete("/walkaround-points/{point_id}", response={204: None})
def retire_point(request, point_id: Id):
    """Managers take a point out of the script (presentations that covered it keep it)."""
    require(request.auth, Capability.EDIT_SCRIPTS)
    services.walkaround_point_retire(actor=request.auth, point=selectors.point_get(request.auth, point_id))
    return Reply(204, None)


@router.post("/walkaround-points/{point_id}/move", response=PointOut)
def move_point(request, point_id: Id, payload: PointMoveIn):
    """Managers move a point up or down within its position."""
    require(request.auth, Capability.EDIT_SCRIPTS)
    point = selectors.point_get(request.auth, point_id)
    return services.walkaround_point_move(actor=request.auth, point=point, direction=payload.direction)


# --- Presentations --------------------------------------------------------------------------------

@router.get("/leads/{lead_id}/presentations", response=list[PresentationOut])
def list_presentations(request, lead_id: Id):
    """The lead's presentations, newest first."""
    return selectors.presentations_of(request.auth, get_visible(Lead, request.auth, lead_id))


@router.post("/leads/{lead_id}/presentations", response={201: PresentationOut})
def record_presentation(request, lead_id: Id, payload: PresentationIn):
    """Record a presentation (points covered, reactions, objections); `complete` moves the lead to the test drive."""
    lead = get_visible(Lead, request.auth, lead_id)
    try:
        series = catalog.series_get(request.auth, payload.series_id)
    except NotFound:
        raise DomainError(_("Choose one of our series."), code="series_invalid", field="series_id") from None
    presentation = services.presentation_record(
        actor=request.auth, lead=lead, series=series, covered_point_ids=payload.covered_point_ids,
        reactions=payload.reactions, objections=payload.objections, complete=payload.complete)
    return Reply(201, selectors.presentation_get(request.auth, presentation.pk))


@router.patch("/presentations/{presentation_id}", response=PresentationOut)
def update_presentation(request, presentation_id: Id, payload: PresentationPatchIn):
    """Replace the points covered and the notes; send the `version` you read (a newer save answers 409)."""
    presentation = selectors.presentation_get(request.auth, presentation_id)
    services.presentation_update(actor=request.auth, presentation=presentation,
                                 covered_point_ids=payload.covered_point_ids, reactions=payload.reactions,
                                 objections=payload.objections, expected_version=payload.version)
    return selectors.presentation_get(request.auth, presentation_id)


@router.post("/presentations/{presentation_id}/complete", response=PresentationOut)
def complete_presentation(request, presentation_id: Id, payload: PresentationCompleteIn):
    """The presentation is done: the lead moves on to the test drive (never backwards)."""
    presentation = selectors.presentation_get(request.auth, presentation_id)
    services.presentation_complete(actor=request.auth, presentation=presentation, expected_version=payload.version)
    return selectors.presentation_get(request.auth, presentation_id)


# --- Comparison -----------------------------------------------------------------------------------

@router.get("/comparison", response=ComparisonOut)
def comparison(request, params: ComparisonIn = Query(...)):  # noqa: B008
    """Our trim beside up to three competitor trims, each value marked by how ours fares against it."""
    _require_reader(request.auth)
    own, others = selectors.comparison_trims(request.auth, params.own_trim_id, params.competitor_trim_ids)
    return selectors.comparison(own, others)
