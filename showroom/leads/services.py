"""Every change to a lead: creation and intake, assignment, stage, grade, loss, dormancy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, can, require, sees_whole_store
from showroom.accounts.models import LeadAssignment, Store, User
from showroom.accounts.selectors import consultants_on_duty
from showroom.audit import services as audit
from showroom.core import clock
from showroom.core.choices import SOURCES_BY_CHANNEL, Channel, Source
from showroom.core.errors import DomainError
from showroom.core.money import MAX_AMOUNT, to_fen
from showroom.core.scoping import get_visible
from showroom.core.versioning import bump, check_version
from showroom.customers.models import Customer
from showroom.customers.services import (
    customer_find_or_create,
    customer_follow_lead_owner,
    customers_sync_shared,
)
from showroom.followups import cadence
from showroom.followups.models import TaskKind

from .models import (
    MANUAL_GRADES,
    Grade,
    Lead,
    LossReason,
    LossRequest,
    LossRequestStatus,
    Stage,
    StageTransition,
    Status,
)

UPDATABLE_FIELDS = ("models_of_interest", "budget_min", "budget_max", "expected_purchase_date", "notes", "channel", "source")
AUDITED_FIELDS = (*UPDATABLE_FIELDS, "owner_id", "stage", "status", "grade")


def lead_audit_snapshot(lead) -> dict:
    """The audited fields of a lead (or of any object with those attributes, as the bulk sheet import has), as the
    "leads.created" entry records them."""
    return {f: getattr(lead, f) for f in AUDITED_FIELDS}


def lead_clean_fields(fields: dict, *, current: Lead | None = None) -> dict:
    """The lead fields checked and normalised: channel and source (the source must belong to the channel), budget
    (yuan, not negative, lower bound not above the upper) and the expected purchase date (not past, for a new lead);
    raises DomainError naming the field. The lead services call it; the bulk sheet import checks its rows with it."""
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if k in UPDATABLE_FIELDS}
    channel = clean.get("channel", current.channel if current else None)
    source = clean.get("source", current.source if current else None)
    if ("channel" in clean or current is None) and channel not in Channel.values:
        raise DomainError(_("Choose the first-contact channel."), code="channel_invalid", field="channel")
    if "source" in clean or "channel" in clean or current is None:
        if source not in Source.values:
            raise DomainError(_("Choose the lead source."), code="source_invalid", field="source")
        if source not in SOURCES_BY_CHANNEL[channel]:
            raise DomainError(
                _("The source “%(source)s” does not belong to the channel “%(channel)s”.")
                % {"source": Source(source).label, "channel": Channel(channel).label},
                code="source_channel_mismatch", field="source",
            )
    for key in ("budget_min", "budget_max"):
        if key not in clean:
            continue
        if clean[key] in ("", None):
            clean[key] = None
            continue
        try:
            value = to_fen(Decimal(str(clean[key])))
        except (InvalidOperation, ValueError):
            raise DomainError(_("Enter the budget in yuan."), code="budget_invalid", field=key) from None
        if value > MAX_AMOUNT:
            raise DomainError(_("Enter the budget in yuan."), code="budget_invalid", field=key)
        if value < 0:
            raise DomainError(_("A budget cannot be negative."), code="budget_negative", field=key)
        clean[key] = value
    low = clean.get("budget_min", current.budget_min if current else None)
    high = clean.get("budget_max", current.budget_max if current else None)
    if low is not None and high is not None and low > high:
        raise DomainError(_("The budget's lower bound is above its upper bound."), code="budget_range", field="budget_max")
    when = clean.get("expected_purchase_date")
    if when and isinstance(when, dt.date) and when < clock.today() - dt.timedelta(days=1) and current is None:
        raise DomainError(_("The expected purchase date is in the past."), code="expected_date_past", field="expected_purchase_date")
    return clean


def _next_consultant(store: Store) -> User | None:
    """Round robin: the consultant on duty who was given a new lead longest ago (store row locked by caller)."""
    return consultants_on_duty(store).first()


def _choose_owner(*, actor, store: Store, channel: str, owner: User | None) -> User | None:
    if owner is not None:
        if owner.store_id != store.pk or not owner.sells or not owner.is_active:
            raise DomainError(_("Choose a consultant of this store."), code="owner_invalid", field="owner")
        if owner != actor and not can(actor, Capability.ASSIGN_LEADS):
            raise DomainError(_("Only a manager can give a lead to another consultant."), code="assign_forbidden", field="owner")
        return owner
    if actor.sells:
        return actor
    if channel in (Channel.ONLINE, Channel.PHONE) and store.lead_assignment == LeadAssignment.ROUND_ROBIN:
        return _next_consultant(store)
    return None


def lead_create(*, actor, customer_fields: dict, lead_fields: dict, owner: User | None = None, grade: str = Grade.N,
                referrer: Customer | None = None, external_ref: str = "", store: Store | None = None) -> tuple[Lead, bool]:
    """File a prospect and open a lead on them; an open lead for the same mobile is returned instead.

    Online and phone leads get a first-response deadline; the owner is the consultant who files it,
    a consultant chosen by a manager, or the store's rule (round robin or the pool).
    """
    if not (can(actor, Capability.CREATE_LEADS) or can(actor, Capability.INTAKE_LEADS)):
        require(actor, Capability.CREATE_LEADS)
    store = store or actor.store
    if store is None or (actor.store_id and store.pk != actor.store_id):
        raise DomainError(_("Choose the store for this lead."), code="store_required", field="store")
    clean = lead_clean_fields(lead_fields)
    if grade not in (Grade.N, *MANUAL_GRADES):
        raise DomainError(_("Choose a grade H, A, B or C (or leave it new)."), code="grade_invalid", field="grade")
    external_ref = (external_ref or "").strip()[:64]
    with transaction.atomic():
        store = Store.objects.select_for_update().get(pk=store.pk)  # serialises round-robin assignment
        if external_ref:
            # .exclude(external_ref="") lets SQLite use the partial unique index instead of scanning the store
            known = (Lead.objects.filter(store=store, source=clean["source"], external_ref=external_ref)
                     .exclude(external_ref="").first())
            if known is not None:
                _refuse_unless_visible(actor, known)
                return known, False
        chosen = _choose_owner(actor=actor, store=store, channel=clean["channel"], owner=owner)
        customer, _created = customer_find_or_create(actor=actor, store=store, fields=customer_fields, owner=chosen)
        existing = Lead.objects.filter(customer=customer, status=Status.OPEN).order_by("-created_at").first()
        if existing is not None:
            _refuse_unless_visible(actor, existing)
            audit.record(actor=actor, action="leads.enquiry_repeated", target=existing,
                         data={"channel": clean["channel"], "source": clean["source"], "external_ref": external_ref})
            return existing, False
        now = clock.now()
        needs_response = clean["channel"] in (Channel.ONLINE, Channel.PHONE) and not actor.sells
        lead = Lead.objects.create(
            store=store, customer=customer, owner=chosen, grade=grade, referrer=referrer, external_ref=external_ref,
            first_response_due_at=now + dt.timedelta(hours=store.first_response_hours) if needs_response else None,
            created_by=actor if getattr(actor, "pk", None) else None, updated_by=actor if getattr(actor, "pk", None) else None,
            **clean,
        )
        if chosen is not None:
            if chosen.pk != getattr(actor, "pk", None):
                User.objects.filter(pk=chosen.pk).update(last_lead_assigned_at=now)
            customer_follow_lead_owner(actor=actor, customer=customer, owner=chosen)
        customers_sync_shared([customer.pk])
        StageTransition.objects.create(lead=lead, from_stage=lead.stage, to_stage=lead.stage, from_status=Status.OPEN,
                                       to_status=Status.OPEN, actor=actor if getattr(actor, "pk", None) else None)
        audit.record(actor=actor, action="leads.created", target=lead, data=lead_audit_snapshot(lead))
        if lead.first_response_due_at:
            cadence.open_event_task(lead=lead, actor=actor, kind=TaskKind.FIRST_RESPONSE, due_at=lead.first_response_due_at,
                                    title=_("First response to the new %(channel)s lead") % {"channel": Channel(lead.channel).label})
        else:
            cadence.plan_by_grade(lead=lead, actor=actor, base=now)
        cadence.sync_next_follow_up(lead)
    return lead, True


def _refuse_unless_visible(actor, existing: Lead) -> None:
    """A lead already on file is returned to a lead platform (its intake is idempotent) or to someone who may see
    it; anyone else is told whose it is, never given it."""
    if can(actor, Capability.INTAKE_LEADS) or Lead.objects.visible_to(actor).filter(pk=existing.pk).exists():
        return
    owner_name = existing.owner.display_name if existing.owner else _("the unassigned pool")
    raise DomainError(_("This customer already has an open lead (%(owner)s).") % {"owner": owner_name},
                      code="lead_exists", field="mobile")


def lead_update(*, actor, lead: Lead, fields: dict, expected_version: int | None) -> Lead:
    """Edit what we know of the lead (interest, budget, timing); refused if changed meanwhile."""
    require(actor, Capability.WORK_LEADS)
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        check_version(lead, expected_version)
        require_may_work(actor, lead)
        clean = lead_clean_fields(fields, current=lead)
        before = lead_audit_snapshot(lead)
        for key, value in clean.items():
            setattr(lead, key, value)
        lead.save(update_fields=bump(lead, actor, list(clean)))
        audit.record_changes(actor=actor, action="leads.updated", target=lead, before=before, after=lead_audit_snapshot(lead))
    return lead


def _set_owner(*, actor, lead: Lead, owner: User | None, action: str, reason: str = "") -> Lead:
    previous = lead.owner
    lead.owner = owner
    lead.save(update_fields=bump(lead, actor, ["owner"]))
    customer_follow_lead_owner(actor=actor, customer=lead.customer, owner=owner, previous_id=getattr(previous, "pk", None))
    customers_sync_shared([lead.customer_id])
    cadence.reassign_open_tasks(lead=lead)
    audit.record(actor=actor, action=action, target=lead, data={
        "from": previous.display_name if previous else None, "to": owner.display_name if owner else None,
        "from_id": getattr(previous, "pk", None), "to_id": getattr(owner, "pk", None), "reason": reason,
    })
    return lead


def lead_hand_over(*, actor, lead: Lead, owner: User, reason: str) -> Lead:
    """The consultant who serves the customer in the showroom takes the lead (recorded as a reassignment, with the
    customer and the open follow-ups going along).

    Called by the reception services inside their transaction, after their own checks (reception hands a batch to a
    consultant; the lead was in the pool or opened for that very visit); locks the lead itself.
    """
    with transaction.atomic():
        lead = Lead.objects.select_for_update(of=("self",)).select_related("customer", "owner").get(pk=lead.pk)
        return _set_owner(actor=actor, lead=lead, owner=owner, action="leads.reassigned", reason=reason)


def lead_open_for_visit(*, actor, store: Store, customer: Customer, owner: User | None, invited: bool,
                        models_of_interest: str, arrived_at: dt.datetime) -> Lead:
    """A walk-in (or an invited visitor) becomes a lead: channel showroom, already contacted at the visit, with the
    same stage-history row and "leads.created" entry as lead_create; the customer goes with it to its consultant.

    Called by the reception services inside their transaction, after their own checks (reception registers the
    visit, or a consultant captures the batch's mobile); the visit's follow-up task is theirs to plan.
    """
    lead = Lead.objects.create(
        store=store, customer=customer, owner=owner, channel=Channel.SHOWROOM,
        source=Source.INVITED_VISIT if invited else Source.WALK_IN, models_of_interest=models_of_interest.strip()[:200],
        first_contacted_at=arrived_at, last_contacted_at=arrived_at,
        created_by=actor if getattr(actor, "pk", None) else None, updated_by=actor if getattr(actor, "pk", None) else None,
    )
    if owner is not None:
        customer_follow_lead_owner(actor=actor, customer=customer, owner=owner)
    customers_sync_shared([customer.pk])
    StageTransition.objects.create(lead=lead, from_stage=lead.stage, to_stage=lead.stage, from_status=Status.OPEN,
                                   to_status=Status.OPEN, actor=lead.created_by)
    audit.record(actor=actor, action="leads.created", target=lead, data=lead_audit_snapshot(lead))
    return lead


def lead_assign(*, actor, lead: Lead, owner: User | None, reason: str = "", expected_version: int | None = None) -> Lead:
    """A manager gives the lead to a consultant (or back to the pool); recorded with the reason."""
    require(actor, Capability.ASSIGN_LEADS)
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True, select_related=("customer", "owner"))
        check_version(lead, expected_version)
        if owner is not None and (owner.store_id != lead.store_id or not owner.sells or not owner.is_active):
            raise DomainError(_("Choose an active consultant of this store."), code="owner_invalid", field="owner")
        if owner == lead.owner:
            return lead
        if owner is None and lead.stage >= Stage.ORDER:
            # Every consultant may look into the pool: an order's payments and the customer's car are not for them.
            raise DomainError(_("A lead with an order needs a consultant: give it to one instead of the pool."),
                              code="owner_required", field="owner")
        _set_owner(actor=actor, lead=lead, owner=owner, action="leads.reassigned", reason=reason.strip())
    return lead


def require_may_work(actor, lead: Lead) -> None:
    """A pool lead is only seen so that it can be claimed: a consultant works it once it is theirs."""
    if lead.owner_id is None and not sees_whole_store(actor):
        raise DomainError(_("Claim the lead from the pool before working it."), code="lead_unassigned", field="owner")


def lead_allowed_actions(*, actor, lead: Lead) -> dict[str, bool]:
    """What the actor may do to the lead as it is now, by the rules the services enforce; the lead page shows only
    these actions (the services refuse the others anyway, from any page, the API or a job)."""
    is_open = lead.status == Status.OPEN
    # A consultant works their own leads; a pool lead is claimed first. Managers work any lead of the store.
    works = can(actor, Capability.WORK_LEADS) and (lead.owner_id == actor.pk or sees_whole_store(actor))
    return {
        "advance": works and lead.owner_id is not None and (
            (is_open and lead.stage < Stage.DELIVERED) or (lead.status == Status.WON and lead.stage < Stage.FOLLOW_UP)),
        "grade": works and is_open and lead.grade not in (Grade.O, Grade.D),
        "claim": actor.sells and can(actor, Capability.CLAIM_LEADS) and lead.owner_id is None and is_open,
        "assign": can(actor, Capability.ASSIGN_LEADS),
        "request_loss": works and is_open and not lead.loss_pending and lead.stage < Stage.ORDER,
        "decide_loss": lead.loss_pending and can(actor, Capability.APPROVE_LOSS),
        "reactivate": can(actor, Capability.REACTIVATE_LEADS) and lead.status in (Status.LOST, Status.DORMANT),
        "edit": works,
        "log_contact": works and lead.owner_id is not None and lead.status != Status.LOST,
        "add_task": works and lead.status in (Status.OPEN, Status.WON),
    }


def lead_claim(*, actor, lead: Lead) -> Lead:
    """A consultant takes an unassigned lead from the store's pool."""
    require(actor, Capability.CLAIM_LEADS)
    if not actor.sells:
        raise DomainError(_("Only a consultant can take a lead from the pool; assign it instead."),
                          code="claim_not_seller", field="owner")
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True, select_related=("customer", "owner"))
        if lead.owner_id == actor.pk:  # a second click on "claim": it is already theirs
            return lead
        if lead.owner_id is not None:
            raise DomainError(_("Someone else has already taken this lead."), code="already_owned", field="owner")
        _set_owner(actor=actor, lead=lead, owner=actor, action="leads.claimed")
    return lead


def _transition(*, actor, lead: Lead, stage: int | None = None, status: str | None = None, skipped=(), reason: str = "") -> None:
    before_stage, before_status = lead.stage, lead.status
    StageTransition.objects.create(
        lead=lead, from_stage=before_stage, to_stage=stage if stage is not None else before_stage,
        from_status=before_status, to_status=status or before_status, skipped=[int(s) for s in skipped],
        reason=reason[:300], actor=actor if getattr(actor, "pk", None) else None,
    )


def lead_advance_stage(*, actor, lead: Lead, to: int, skip_reason: str = "", expected_version: int | None = None) -> Lead:
    """Move an open lead forward in the seven steps; skipping a step needs a recorded reason."""
    require(actor, Capability.WORK_LEADS)
    try:
        target = Stage(int(to))
    except (TypeError, ValueError):
        raise DomainError(_("Choose the next step."), code="stage_invalid", field="to") from None
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        check_version(lead, expected_version)
        if lead.status != Status.OPEN and not (lead.status == Status.WON and target == Stage.FOLLOW_UP):
            raise DomainError(_("Only an open lead can move to another step."), code="lead_not_open", field="to")
        if target == Stage.FOLLOW_UP and lead.status != Status.WON:
            raise DomainError(_("After-sales follow-up comes after the delivery: record the delivery first."),
                              code="not_delivered", field="to")
        if lead.owner_id is None:
            raise DomainError(_("Assign the lead to a consultant before working it."), code="lead_unassigned", field="to")
        if target <= lead.stage:
            raise DomainError(
                _("The lead is already at “%(stage)s”; it cannot move back to “%(to)s”.")
                % {"stage": Stage(lead.stage).label, "to": target.label},
                code="stage_backwards", field="to",
            )
        skipped = Stage.between(lead.stage, target)
        skip_reason = (skip_reason or "").strip()
        if skipped and not skip_reason:
            raise DomainError(
                _("Moving to “%(to)s” skips %(skipped)s: give the reason.")
                % {"to": target.label, "skipped": "、".join(str(s.label) for s in skipped)},
                code="skip_reason_required", field="skip_reason",
            )
        before = lead_audit_snapshot(lead)
        new_status = lead.status
        fields = ["stage"]
        if target == Stage.ORDER:
            lead.grade = Grade.O
            fields.append("grade")
        elif target == Stage.DELIVERED:
            lead.grade, new_status = Grade.D, Status.WON
            fields += ["grade", "status"]
        _transition(actor=actor, lead=lead, stage=target, status=new_status, skipped=skipped, reason=skip_reason)
        lead.stage, lead.status = target, new_status
        lead.save(update_fields=bump(lead, actor, fields))
        audit.record(actor=actor, action="leads.stage_advanced", target=lead, data={
            "from": before["stage"], "to": int(target), "skipped": [int(s) for s in skipped], "reason": skip_reason,
            "grade": [before["grade"], lead.grade], "status": [before["status"], lead.status],
        })
        if new_status == Status.WON:
            cadence.close_open_tasks(lead=lead, kinds=cadence.FOLLOW_UP_KINDS)
        elif lead.grade != before["grade"]:
            cadence.plan_by_grade(lead=lead, actor=actor)
        cadence.sync_next_follow_up(lead)
    return lead


def lead_return_to_negotiation(*, actor, lead: Lead, reason: str) -> Lead:
    """The customer's order was cancelled: the lead goes back from "Order" to "Quote and negotiation" to be quoted
    again, ungraded, with a follow-up due tomorrow; who moved it, when and why are on its timeline and in the audit.

    The one way back in the seven steps. Called by orders.services.order_cancel inside its transaction, after its
    own checks; a lead whose other order still runs stays at the order step (the caller checks).
    """
    require(actor, Capability.WORK_LEADS)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for moving the lead back."), code="reason_required", field="reason")
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        require_may_work(actor, lead)
        if lead.status != Status.OPEN or lead.stage != Stage.ORDER:
            raise DomainError(_("Only an open lead at the order step goes back to the negotiation."),
                              code="lead_not_ordered", field="reason")
        before = lead_audit_snapshot(lead)
        _transition(actor=actor, lead=lead, stage=Stage.NEGOTIATION, reason=reason)
        # Grade O follows the order; without it the consultant grades the customer again after talking to them.
        lead.stage, lead.grade = Stage.NEGOTIATION, Grade.N
        lead.save(update_fields=bump(lead, actor, ["stage", "grade"]))
        audit.record(actor=actor, action="leads.returned_to_negotiation", target=lead, data={
            "from": before["stage"], "to": int(Stage.NEGOTIATION), "reason": reason[:300],
            "grade": [before["grade"], lead.grade]})
        cadence.plan_by_grade(lead=lead, actor=actor)
        cadence.sync_next_follow_up(lead)
    return lead


def lead_set_grade(*, actor, lead: Lead, grade: str, expected_version: int | None = None) -> Lead:
    """Re-grade the lead (H/A/B/C); the next follow-up is recomputed from the grade's interval."""
    require(actor, Capability.WORK_LEADS)
    if grade not in MANUAL_GRADES:
        raise DomainError(_("Choose grade H, A, B or C."), code="grade_invalid", field="grade")
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        check_version(lead, expected_version)
        require_may_work(actor, lead)
        if lead.status != Status.OPEN:
            raise DomainError(_("Only an open lead can be graded."), code="lead_not_open", field="grade")
        if lead.grade in (Grade.O, Grade.D):
            raise DomainError(_("The lead has an order; its grade follows the order."), code="grade_locked", field="grade")
        if grade == lead.grade:
            return lead
        previous = lead.grade
        lead.grade = grade
        lead.save(update_fields=bump(lead, actor, ["grade"]))
        audit.record(actor=actor, action="leads.grade_changed", target=lead, data={"from": previous, "to": grade})
        if lead.owner_id is not None:
            cadence.plan_by_grade(lead=lead, actor=actor)
        cadence.sync_next_follow_up(lead)
    return lead


def lead_request_loss(*, actor, lead: Lead, reason: str, competitor_brand: str = "", competitor_model: str = "",
                      competitor_price: Decimal | None = None, notes: str = "") -> LossRequest:
    """The consultant applies to close the lead as lost (战败); a manager decides."""
    require(actor, Capability.WORK_LEADS)
    if reason not in LossReason.values:
        raise DomainError(_("Choose why the sale was lost."), code="loss_reason_invalid", field="reason")
    competitor_brand, competitor_model = competitor_brand.strip(), competitor_model.strip()
    if reason == LossReason.COMPETITOR:
        if not competitor_brand:
            raise DomainError(_("Name the competitor brand the customer bought."), code="competitor_brand_required",
                              field="competitor_brand")
        if not competitor_model:
            raise DomainError(_("Name the competitor model the customer bought."), code="competitor_model_required",
                              field="competitor_model")
    if competitor_price is not None:
        try:
            competitor_price = to_fen(Decimal(str(competitor_price)))
        except (InvalidOperation, ValueError):
            competitor_price = Decimal(0)  # refused just below, on its field
        if not 0 < competitor_price <= MAX_AMOUNT:
            raise DomainError(_("Enter the competitor's price in yuan."), code="competitor_price_invalid", field="competitor_price")
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        require_may_work(actor, lead)
        if lead.status != Status.OPEN:
            raise DomainError(_("Only an open lead can be closed as lost."), code="lead_not_open", field="reason")
        if lead.loss_pending:
            raise DomainError(_("A loss request for this lead is already awaiting approval."), code="loss_pending", field="reason")
        if lead.stage >= Stage.ORDER:
            raise DomainError(_("The customer has ordered; cancel the order instead."), code="lead_has_order", field="reason")
        request = LossRequest.objects.create(
            lead=lead, reason=reason, competitor_brand=competitor_brand[:50], competitor_model=competitor_model[:50],
            competitor_price=competitor_price, notes=notes.strip(), requested_by=actor,
        )
        lead.loss_pending = True
        lead.save(update_fields=bump(lead, actor, ["loss_pending"]))
        audit.record(actor=actor, action="leads.loss_requested", target=lead, data={
            "reason": reason, "competitor": f"{competitor_brand} {competitor_model}".strip(), "notes": notes.strip(),
        })
    return request


def lead_decide_loss(*, actor, request: LossRequest, approve: bool, comment: str = "") -> LossRequest:
    """The manager approves the loss (the lead closes as F) or sends the lead back to the consultant."""
    require(actor, Capability.APPROVE_LOSS)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise DomainError(_("Say why the loss is rejected, so the consultant knows what to do."),
                          code="comment_required", field="comment")
    with transaction.atomic():
        request = get_visible(LossRequest, actor, request.pk, for_update=True)
        if request.status != LossRequestStatus.PENDING:
            raise DomainError(_("This request has already been decided."), code="already_decided", field="approve")
        lead = get_visible(Lead, actor, request.lead_id, for_update=True)
        if approve and (lead.status != Status.OPEN or lead.stage >= Stage.ORDER):
            # The request waited while the customer came back and ordered: a sale must not become a loss.
            raise DomainError(_("The lead has moved on since the request (it has an order or is closed); reject the "
                                "request instead."), code="lead_moved_on", field="approve")
        request.status = LossRequestStatus.APPROVED if approve else LossRequestStatus.REJECTED
        request.decided_by, request.decided_at, request.decision_comment = actor, clock.now(), comment[:300]
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        before = lead_audit_snapshot(lead)
        lead.loss_pending = False
        fields = ["loss_pending"]
        if approve:
            _transition(actor=actor, lead=lead, status=Status.LOST, reason=request.get_reason_display())
            lead.status, lead.grade = Status.LOST, Grade.F
            fields += ["status", "grade"]
        lead.save(update_fields=bump(lead, actor, fields))
        audit.record(actor=actor, action="leads.loss_approved" if approve else "leads.loss_rejected", target=lead, data={
            "reason": request.reason, "comment": comment, "status": [before["status"], lead.status],
            "grade": [before["grade"], lead.grade],
        })
        if approve:
            cadence.close_open_tasks(lead=lead)
        else:
            cadence.open_event_task(lead=lead, actor=actor, kind=TaskKind.MANUAL, due_at=clock.now(),
                                    title=_("Loss request rejected: %(comment)s") % {"comment": comment})
        cadence.sync_next_follow_up(lead)
    return request


def lead_reactivate(*, actor, lead: Lead, reason: str) -> Lead:
    """A manager reopens a lost or dormant lead; it comes back ungraded with a follow-up due tomorrow."""
    require(actor, Capability.REACTIVATE_LEADS)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for reactivating the lead."), code="reason_required", field="reason")
    with transaction.atomic():
        lead = get_visible(Lead, actor, lead.pk, for_update=True)
        if lead.status not in (Status.LOST, Status.DORMANT):
            raise DomainError(_("Only a lost or dormant lead can be reactivated."), code="lead_not_closed", field="reason")
        _reopen(actor=actor, lead=lead, reason=reason, action="leads.reactivated")
    return lead


def _reopen(*, actor, lead: Lead, reason: str, action: str) -> None:
    before = lead_audit_snapshot(lead)
    _transition(actor=actor, lead=lead, status=Status.OPEN, reason=reason)
    lead.status, lead.grade = Status.OPEN, Grade.N if lead.grade == Grade.F else lead.grade
    lead.save(update_fields=bump(lead, actor, ["status", "grade"]))
    audit.record(actor=actor, action=action, target=lead, data={
        "status": [before["status"], lead.status], "grade": [before["grade"], lead.grade], "reason": reason,
    })
    if lead.owner_id is not None:
        cadence.schedule_follow_up(lead=lead, actor=actor, due_at=clock.now() + dt.timedelta(days=1))
    cadence.sync_next_follow_up(lead)


def lead_record_contact(*, actor, lead: Lead, at: dt.datetime, reached: bool) -> Lead:
    """A contact was logged: stop the first-response clock, restart the dormancy clock, wake a dormant lead.

    Called by the contact service inside its transaction, with the lead already locked and visible.
    """
    fields = []
    if lead.first_contacted_at is None:
        lead.first_contacted_at = at
        fields.append("first_contacted_at")
    if reached and (lead.last_contacted_at is None or at > lead.last_contacted_at):
        lead.last_contacted_at = at
        fields.append("last_contacted_at")
    if fields:
        lead.save(update_fields=bump(lead, actor, fields))
    if lead.status == Status.DORMANT and reached:
        _reopen(actor=actor, lead=lead, reason=_("The customer was reached again."), action="leads.woke_up")
    return lead


def leads_mark_dormant(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Scheduled: open leads without a successful contact for the store's configured days become dormant."""
    now = now or clock.now()
    total = 0
    for store in Store.objects.all():
        cutoff = now - dt.timedelta(days=store.dormant_after_days)
        stale = (
            Lead.objects.filter(store=store, status=Status.OPEN, stage__lt=Stage.ORDER, loss_pending=False)
            .filter(Q(last_contacted_at__lt=cutoff) | Q(last_contacted_at__isnull=True, created_at__lt=cutoff))
        )
        while True:
            with transaction.atomic():
                leads = list(stale.select_for_update()[:batch])
                if not leads:
                    break
                ids = [lead.pk for lead in leads]
                StageTransition.objects.bulk_create([
                    StageTransition(lead=lead, from_stage=lead.stage, to_stage=lead.stage, from_status=Status.OPEN,
                                    to_status=Status.DORMANT, reason=_("No contact for %(days)s days") % {"days": store.dormant_after_days})
                    for lead in leads
                ])
                Lead.objects.filter(pk__in=ids).update(status=Status.DORMANT, version=F("version") + 1, updated_by=None,
                                                      updated_at=now, next_follow_up_at=None)
                from showroom.followups.models import Task, TaskStatus

                Task.objects.filter(lead_id__in=ids, status=TaskStatus.OPEN).update(status=TaskStatus.CANCELLED, completed_at=now)
                audit.record_bulk(actor=None, action="leads.went_dormant", targets=leads, data={
                    "status": [Status.OPEN, Status.DORMANT], "days_without_contact": store.dormant_after_days,
                })
                total += len(leads)
    return total
