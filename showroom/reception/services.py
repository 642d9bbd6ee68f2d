"""Showroom reception (来店登记): registering a batch, routing it to a consultant, recording departure."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, can, require
from showroom.accounts.models import Store, User
from showroom.accounts.selectors import consultants_on_duty
from showroom.audit import services as audit
from showroom.core import clock
from showroom.core.choices import Source
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.customers.identity import normalise_mobile
from showroom.customers.models import Customer
from showroom.customers.services import customer_find_or_create
from showroom.followups import cadence
from showroom.followups.models import TaskKind
from showroom.leads import services as leads
from showroom.leads.models import Lead, Status
from showroom.leads.selectors import lead_to_serve

from .models import Visit, VisitPurpose


def next_consultant(store: Store, *, at: dt.datetime | None = None) -> User | None:
    """Whose turn it is: consultants on duty and not with a customer, the one who took a walk-in longest ago first."""
    start, end = clock.day_range((at or clock.now()).astimezone(clock.local_now().tzinfo).date())
    busy = Visit.objects.filter(store=store, left_at__isnull=True, arrived_at__gte=start, consultant__isnull=False)
    return (
        consultants_on_duty(store)
        .exclude(pk__in=busy.values("consultant_id"))
        .annotate(last_walk_in=Max("visits__arrived_at", filter=Q(visits__arrived_at__gte=start, visits__arrived_at__lt=end)))
        .order_by(F("last_walk_in").asc(nulls_first=True), "id")
        .first()
    )


def _batch_no(store: Store, arrived_at: dt.datetime) -> str:
    day = arrived_at.astimezone(clock.local_now().tzinfo).date()
    start, end = clock.day_range(day)
    count = Visit.objects.filter(store=store, arrived_at__gte=start, arrived_at__lt=end).count()
    return f"{day:%Y%m%d}-{count + 1:03d}"


def _check_consultant(store: Store, consultant: User | None) -> None:
    if consultant is not None and (consultant.store_id != store.pk or not consultant.sells or not consultant.is_active):
        raise DomainError(_("Choose a consultant of this store."), code="consultant_invalid", field="consultant")


def visit_register(*, actor, party_size: int = 1, purpose: str = VisitPurpose.SALES, mobile: str = "", name: str = "",
                   is_first_visit: bool | None = None, invited: bool = False, consultant: User | None = None,
                   models_of_interest: str = "", notes: str = "", arrived_at: dt.datetime | None = None) -> Visit:
    """Log a batch arriving: match the mobile to the customer file (or file them), open or find their lead,
    and give them to a consultant — their own if they have one, otherwise whose turn it is."""
    require(actor, Capability.REGISTER_VISITS)
    arrived_at = arrived_at or clock.now()
    if purpose not in VisitPurpose.values:
        raise DomainError(_("Choose the purpose of the visit."), code="purpose_invalid", field="purpose")
    try:
        party_size = int(party_size)
    except (TypeError, ValueError):
        party_size = 0
    if not 1 <= party_size <= 50:
        raise DomainError(_("Enter how many people came (1–50)."), code="party_size_invalid", field="party_size")
    if arrived_at > clock.now() + dt.timedelta(minutes=5):
        raise DomainError(_("The arrival time cannot be in the future."), code="arrival_in_future", field="arrived_at")
    mobile = normalise_mobile(mobile) if (mobile or "").strip() else ""
    store = actor.store
    if store is None:
        raise DomainError(_("Your account has no store."), code="store_required", field="store")
    _check_consultant(store, consultant)
    with transaction.atomic():
        store = Store.objects.select_for_update().get(pk=store.pk)  # serialises batch numbers and the rotation
        customer = Customer.objects.matched_by_mobile(actor, mobile).select_related("owner").first() if mobile else None
        lead = lead_to_serve(customer)
        if is_first_visit is None:
            is_first_visit = customer is None or not Visit.objects.filter(customer=customer, purpose=VisitPurpose.SALES).exists()
        if consultant is None:
            # A known customer is served by their own consultant, even on a first visit to the showroom (an
            # online or phone lead invited in); rotation is for customers nobody works yet.
            own = (lead.owner if lead and lead.owner_id else None) or (customer.owner if customer else None)
            if own is not None and own.is_active and own.sells:
                consultant = own
            elif purpose == VisitPurpose.SALES:
                consultant = next_consultant(store, at=arrived_at)
        if purpose == VisitPurpose.SALES and mobile:
            if customer is None:
                customer, _created = customer_find_or_create(
                    actor=actor, store=store, fields={"name": name.strip() or _("Walk-in %(mobile)s") % {"mobile": mobile[-4:]},
                                                      "mobile": mobile, "source": Source.INVITED_VISIT if invited else Source.WALK_IN},
                    owner=consultant,
                )
            if lead is None:
                lead = leads.lead_open_for_visit(actor=actor, store=store, customer=customer, owner=consultant,
                                                 invited=invited, models_of_interest=models_of_interest, arrived_at=arrived_at)
            else:
                lead = _serve_pooled_lead(actor=actor, lead=lead, consultant=consultant)
        visit = Visit.objects.create(
            store=store, batch_no=_batch_no(store, arrived_at), arrived_at=arrived_at, party_size=party_size,
            is_first_visit=is_first_visit, invited=invited, purpose=purpose, customer=customer, lead=lead,
            captured=bool(mobile), consultant=consultant, models_of_interest=models_of_interest.strip()[:200],
            notes=notes.strip()[:300], registered_by=actor,
        )
        audit.record(actor=actor, action="reception.visit_registered", target=visit, data={
            "batch": visit.batch_no, "purpose": purpose, "first_visit": is_first_visit, "party_size": party_size,
            "consultant": consultant.display_name if consultant else None, "lead": getattr(lead, "pk", None),
        })
        if lead is not None and purpose == VisitPurpose.SALES:
            _after_sales_visit(actor=actor, visit=visit, lead=lead)
    return visit


def _serve_pooled_lead(*, actor, lead: Lead, consultant: User | None) -> Lead:
    """A lead waiting in the pool walks in: the consultant who serves the batch takes it (recorded)."""
    if lead.owner_id is not None or consultant is None:
        return lead
    return leads.lead_hand_over(actor=actor, lead=lead, owner=consultant, reason=_("Served in the showroom"))


def _after_sales_visit(*, actor, visit: Visit, lead: Lead) -> None:
    """A sales visit is a contact; after a first visit the consultant calls within the store's hours."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    leads.lead_record_contact(actor=actor, lead=lead, at=visit.arrived_at, reached=True)
    if visit.is_first_visit and lead.owner_id is not None:
        due = visit.arrived_at + dt.timedelta(hours=visit.store.post_visit_call_hours)
        cadence.open_event_task(lead=lead, actor=actor, kind=TaskKind.POST_VISIT, due_at=due,
                                title=_("Thank-you call after the first showroom visit"))
    cadence.sync_next_follow_up(lead)


def visit_capture(*, actor, visit: Visit, mobile: str, name: str = "") -> Visit:
    """The consultant records the mobile of a batch registered without one: the visit counts as captured (留档)."""
    if not (can(actor, Capability.REGISTER_VISITS) or can(actor, Capability.WORK_LEADS)):
        require(actor, Capability.REGISTER_VISITS)
    mobile = normalise_mobile(mobile)
    with transaction.atomic():
        visit = get_visible(Visit, actor, visit.pk, for_update=True)
        if visit.captured:
            raise DomainError(_("This visit already has a mobile number."), code="already_captured", field="mobile")
        if visit.purpose != VisitPurpose.SALES:
            raise DomainError(_("Only a sales visit opens a lead."), code="not_sales", field="mobile")
        store = visit.store
        customer = Customer.objects.matched_by_mobile(actor, mobile).first()
        if customer is None:
            customer, _created = customer_find_or_create(
                actor=actor, store=store, owner=visit.consultant,
                fields={"name": name.strip() or _("Walk-in %(mobile)s") % {"mobile": mobile[-4:]}, "mobile": mobile,
                        "source": Source.INVITED_VISIT if visit.invited else Source.WALK_IN},
            )
        lead = lead_to_serve(customer)
        if lead is None:
            lead = leads.lead_open_for_visit(actor=actor, store=store, customer=customer, owner=visit.consultant,
                                             invited=visit.invited, models_of_interest=visit.models_of_interest,
                                             arrived_at=visit.arrived_at)
        else:
            lead = _serve_pooled_lead(actor=actor, lead=lead, consultant=visit.consultant)
        visit.customer, visit.lead, visit.captured = customer, lead, True
        visit.save(update_fields=["customer", "lead", "captured"])
        audit.record(actor=actor, action="reception.visit_captured", target=visit, data={"lead": lead.pk})
        _after_sales_visit(actor=actor, visit=visit, lead=lead)
    return visit


def visit_record_departure(*, actor, visit: Visit, left_at: dt.datetime | None = None) -> Visit:
    """The batch left the showroom: the consultant (or reception) records the time."""
    require(actor, Capability.RECORD_DEPARTURE)
    left_at = left_at or clock.now()
    with transaction.atomic():
        visit = get_visible(Visit, actor, visit.pk, for_update=True)
        if visit.left_at is not None:
            raise DomainError(_("The departure of this batch is already recorded."), code="already_left", field="left_at")
        if left_at < visit.arrived_at:
            raise DomainError(_("The departure cannot be before the arrival."), code="left_before_arrival", field="left_at")
        if left_at > clock.now() + dt.timedelta(minutes=5):
            raise DomainError(_("The departure time cannot be in the future."), code="left_in_future", field="left_at")
        visit.left_at = left_at
        visit.save(update_fields=["left_at"])
        audit.record(actor=actor, action="reception.visit_departed", target=visit, data={"left_at": left_at})
    return visit


def visit_reassign(*, actor, visit: Visit, consultant: User) -> Visit:
    """Reception hands a batch to another consultant (the first was busy, or the customer asked)."""
    require(actor, Capability.REGISTER_VISITS)
    with transaction.atomic():
        visit = get_visible(Visit, actor, visit.pk, for_update=True)
        _check_consultant(visit.store, consultant)
        previous = visit.consultant
        visit.consultant = consultant
        visit.save(update_fields=["consultant"])
        audit.record(actor=actor, action="reception.visit_reassigned", target=visit, data={
            "from": previous.display_name if previous else None, "to": consultant.display_name,
        })
        if visit.lead_id:
            lead = Lead.objects.select_for_update().get(pk=visit.lead_id)
            # The lead goes with the batch if it is nobody's yet or was opened for this very visit (at registration
            # or capture, so not before the visit was logged); a known customer's lead stays with their own
            # consultant while a colleague stands in.
            opened_here = lead.created_at >= visit.created_at - dt.timedelta(minutes=1)
            if lead.status == Status.OPEN and (lead.owner_id is None or (opened_here and lead.owner_id == getattr(previous, "pk", None))):
                leads.lead_hand_over(actor=actor, lead=lead, owner=consultant,
                                     reason=_("Walk-in handed to another consultant"))
    return visit
