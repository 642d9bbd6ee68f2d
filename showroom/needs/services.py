"""Needs analysis (弄清需求): recording the customer's answers as versions, confirming the models of interest, and
completing the step. The answers feed the lead through the leads services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.catalog import selectors as catalog
from showroom.catalog.models import BodyType, Powertrain
from showroom.core import clock
from showroom.core.errors import Conflict, DomainError
from showroom.core.money import MAX_AMOUNT, to_fen
from showroom.core.scoping import get_visible
from showroom.leads import services as leads
from showroom.leads.models import Lead, Stage, Status

from .models import ANSWER_FIELDS, NeedsAnalysis, Payment, Purpose, TradeIn, Usage

TEXT_LIMITS = {
    "drivers": 100, "decision_maker": 100, "current_brand": 50, "current_model": 50, "considered_models": 200,
    "competitors": 200, "colour": 50, "must_have": 2000, "concerns": 2000, "notes": 2000,
}
CHOICES = {"purpose": Purpose, "payment": Payment, "trade_in": TradeIn, "powertrain": Powertrain, "body_type": BodyType}
# (lowest, highest) of the whole numbers; a value outside is a typo, not an answer.
RANGES = {"household_size": (1, 20), "daily_km": (0, 1500), "current_mileage_km": (0, 2_000_000), "seats_min": (1, 9)}
FIRST_CAR_YEAR = 1980
MAX_CONFIRMED = 5


def _range_message(field: str, low: int, high: int) -> str:
    messages = {
        "household_size": _("Enter a household of %(low)s to %(high)s people."),
        "daily_km": _("Enter a daily distance of %(low)s to %(high)s km."),
        "current_mileage_km": _("Enter a mileage of %(low)s to %(high)s km."),
        "seats_min": _("Enter %(low)s to %(high)s seats."),
        "current_year": _("Enter a year from %(low)s to %(high)s."),
    }
    return messages[field] % {"low": f"{low:,}" if low >= 10_000 else low, "high": f"{high:,}" if high >= 10_000 else high}


def _whole(value) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    return int(str(value).strip()) if not isinstance(value, int | float) else int(value)


def needs_clean_answers(answers: dict) -> dict:
    """The questionnaire's answers checked and normalised; every answer is optional. Raises one DomainError naming
    every field at fault (budget, years and distances out of range, unknown choices), so nothing is half-saved."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(str(message))

    for field in ANSWER_FIELDS:
        value = answers.get(field)
        if isinstance(value, str):
            value = value.strip()
        if field in TEXT_LIMITS:
            value = value or ""
            if not isinstance(value, str):
                refuse(field, _("Enter text."))
            elif len(value) > TEXT_LIMITS[field]:
                refuse(field, _("Keep it to %(count)s characters.") % {"count": TEXT_LIMITS[field]})
            clean[field] = value
        elif field in CHOICES:
            value = value or ""
            if value and value not in CHOICES[field].values:
                refuse(field, _("Choose one of the offered answers."))
            clean[field] = value
        elif field == "usage":
            values = list(value or [])
            unknown = [v for v in values if v not in Usage.values]
            if unknown:
                refuse(field, _("Choose one of the offered answers."))
            clean[field] = [v for v in Usage.values if v in values]  # one order, no repeats
        elif field in ("home_charging", "home_parking"):
            if value in ("", None):
                clean[field] = None
            elif isinstance(value, bool):
                clean[field] = value
            elif value in ("yes", "true", "1"):
                clean[field] = True
            elif value in ("no", "false", "0"):
                clean[field] = False
            else:
                refuse(field, _("Answer yes, no or leave it open."))
        elif field in ("budget_min", "budget_max"):
            if value in ("", None):
                clean[field] = None
                continue
            try:
                amount = to_fen(Decimal(str(value)))
            except (InvalidOperation, ValueError, TypeError):
                refuse(field, _("Enter the budget in yuan."))
                continue
            if amount < 0:
                refuse(field, _("A budget cannot be negative."))
            elif amount > MAX_AMOUNT:
                refuse(field, _("Enter the budget in yuan."))
            else:
                clean[field] = amount
        elif field == "expected_purchase_date":
            if value in ("", None):
                clean[field] = None
                continue
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    refuse(field, _("Enter a date."))
                    continue
            if not isinstance(value, dt.date):
                refuse(field, _("Enter a date."))
            elif value < clock.today():
                refuse(field, _("The expected purchase date is in the past."))
            elif value.year > clock.YEARS[1]:
                refuse(field, _("Enter a date before %(year)s.") % {"year": clock.YEARS[1]})
            else:
                clean[field] = value
        else:  # whole numbers
            if value in ("", None):
                clean[field] = None
                continue
            if field == "current_year":
                low, high = FIRST_CAR_YEAR, clock.today().year + 1
            else:
                low, high = RANGES[field]
            try:
                number = _whole(value)
            except (TypeError, ValueError):
                refuse(field, _("Enter a whole number."))
                continue
            if not low <= number <= high:
                refuse(field, _range_message(field, low, high))
            else:
                clean[field] = number
    low, high = clean.get("budget_min"), clean.get("budget_max")
    if low is not None and high is not None and low > high:
        refuse("budget_max", _("The budget's upper bound is below its lower bound."))
    if errors:
        first = next(iter(errors))
        raise DomainError(errors[first][0] if len(errors) == 1 else _("Some answers need correcting."),
                          code="answers_invalid", fields=errors)
    return clean


def _snapshot(analysis: NeedsAnalysis | None) -> dict:
    return {f: getattr(analysis, f) for f in ANSWER_FIELDS} if analysis else {}


def _latest(lead: Lead) -> NeedsAnalysis | None:
    return NeedsAnalysis.objects.filter(lead=lead).select_related("created_by").order_by("-number").first()


def _check_based_on(latest: NeedsAnalysis | None, based_on: int | None) -> None:
    """Refuse a save made from an older version than the newest one (someone saved meanwhile)."""
    current = latest.number if latest else 0
    if based_on is None or int(based_on) == current:
        return
    who = latest.created_by.display_name if latest and latest.created_by else _("someone else")
    when = formats.date_format(timezone.localtime(latest.created_at), "DATETIME_FORMAT") if latest else ""
    raise Conflict(
        _("The answers were saved as version %(number)s by %(who)s at %(when)s. Reload the page to see them, "
          "then edit again.") % {"number": current, "who": who, "when": when},
        code="stale_version", field="based_on",
    )


def _workable_lead(actor, lead: Lead) -> Lead:
    lead = get_visible(Lead, actor, lead.pk, for_update=True)
    leads.require_may_work(actor, lead)
    if lead.status == Status.LOST:
        raise DomainError(_("The lead is closed as lost; reactivate it before recording its needs."),
                          code="lead_lost", field="lead")
    return lead


def needs_record(*, actor, lead: Lead, answers: dict, based_on: int | None = None) -> NeedsAnalysis:
    """Record the customer's answers as the next version; the budget and expected purchase go to the lead."""
    require(actor, Capability.WORK_LEADS)
    clean = needs_clean_answers(answers)
    with transaction.atomic():
        lead = _workable_lead(actor, lead)
        latest = _latest(lead)
        _check_based_on(latest, based_on)
        before = _snapshot(latest)
        if latest is not None and before == clean:
            raise DomainError(_("Nothing changed since version %(number)s.") % {"number": latest.number},
                              code="unchanged")
        analysis = NeedsAnalysis.objects.create(lead=lead, number=(latest.number if latest else 0) + 1,
                                                created_by=actor, **clean)
        changes = {f: [before.get(f), clean[f]] for f in ANSWER_FIELDS if before.get(f) != clean[f]}
        audit.record(actor=actor, action="needs.recorded", target=analysis, store_id=lead.store_id,
                     data={"lead": lead.pk, "version": analysis.number, "changes": changes})
        _feed_lead(actor, lead, clean)
    return analysis


def _feed_lead(actor, lead: Lead, clean: dict) -> None:
    """The lead carries the latest budget and purchase date the customer gave (unanswered ones leave it as it is)."""
    fields = {}
    if clean["budget_min"] is not None or clean["budget_max"] is not None:
        fields.update(budget_min=clean["budget_min"], budget_max=clean["budget_max"])
    if clean["expected_purchase_date"] is not None:
        fields["expected_purchase_date"] = clean["expected_purchase_date"]
    if any(getattr(lead, key) != value for key, value in fields.items()):
        leads.lead_update(actor=actor, lead=lead, fields=fields, expected_version=lead.version)


def needs_confirm_models(*, actor, lead: Lead, trim_ids: list, based_on: int | None = None) -> NeedsAnalysis:
    """The consultant confirms the models of interest (from the suggestions); the lead's models of interest follow."""
    require(actor, Capability.WORK_LEADS)
    ids = list(dict.fromkeys(trim_ids or []))
    if not ids:
        raise DomainError(_("Choose at least one model."), code="trims_required", field="trim_ids")
    if len(ids) > MAX_CONFIRMED:
        raise DomainError(_("Choose at most %(count)s models.") % {"count": MAX_CONFIRMED}, code="too_many_trims",
                          field="trim_ids")
    with transaction.atomic():
        lead = _workable_lead(actor, lead)
        latest = _latest(lead)
        if latest is None:
            raise DomainError(_("Record the customer's answers first."), code="no_answers", field="trim_ids")
        _check_based_on(latest, based_on)
        trims = list(catalog.trims_by_ids(actor, ids).filter(series__brand__is_own=True, is_active=True))
        if len(trims) != len(ids):
            raise DomainError(_("Choose models of our current range."), code="trim_invalid", field="trim_ids")
        trims.sort(key=lambda t: ids.index(t.pk))
        previous = sorted(latest.confirmed_trims.values_list("pk", flat=True))
        latest.confirmed_trims.set(trims)
        latest.confirmed_by, latest.confirmed_at = actor, clock.now()
        latest.save(update_fields=["confirmed_by", "confirmed_at"])
        audit.record(actor=actor, action="needs.models_confirmed", target=latest, store_id=lead.store_id,
                     data={"lead": lead.pk, "version": latest.number, "trims": [previous, [t.pk for t in trims]],
                           "models": [str(t) for t in trims]})
        interest = "、".join(dict.fromkeys(t.series.name for t in trims))[:200]
        if interest != lead.models_of_interest:
            leads.lead_update(actor=actor, lead=lead, fields={"models_of_interest": interest}, expected_version=lead.version)
    return latest


def needs_complete(*, actor, lead: Lead, expected_version: int | None = None) -> Lead:
    """The needs are clear: the lead moves on to the vehicle presentation, each step recorded; never backwards."""
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        lead = _workable_lead(actor, lead)
        latest = _latest(lead)
        if latest is None:
            raise DomainError(_("Record the customer's answers first."), code="no_answers")
        if latest.completed_at is None:
            latest.completed_by, latest.completed_at = actor, clock.now()
            latest.save(update_fields=["completed_by", "completed_at"])
            audit.record(actor=actor, action="needs.completed", target=latest, store_id=lead.store_id,
                         data={"lead": lead.pk, "version": latest.number, "stage": lead.stage})
        # The check runs on the first move only: the second is part of the same action.
        version = expected_version
        for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION):
            if lead.stage < step:
                lead = leads.lead_advance_stage(actor=actor, lead=lead, to=step, expected_version=version)
                version = None
    return lead
