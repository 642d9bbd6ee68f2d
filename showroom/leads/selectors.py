"""Reading leads: the list, one lead's timeline, pipeline counts and the manager's views."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from showroom.audit.selectors import entries_for
from showroom.core import clock
from showroom.core.paging import KeyedPages

from .models import Grade, Lead, LossRequest, LossRequestStatus, Stage, StageTransition, Status

SORTS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "next_follow_up_at": ("next_follow_up_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "grade": ("grade", "-created_at", "-id"),
    "stage": ("stage", "-created_at", "-id"),
}


def leads_for(actor) -> QuerySet[Lead]:
    """The leads the actor may see."""
    return Lead.objects.visible_to(actor)


@dataclass
class LeadFilters:
    query: str = ""
    owner_id: int | None = None
    unassigned: bool = False
    stage: int | None = None
    status: str = ""
    grade: str = ""
    channel: str = ""
    source: str = ""
    overdue: bool = False
    order: str = "-created_at"


def lead_list(actor, filters: LeadFilters | None = None) -> KeyedPages:
    """The lead list page and API: scoped, filtered and sorted, with customer and owner, a page in three queries
    (the count, the page's keys, its rows; see KeyedPages). For a consultant the keys are the merge of their own
    leads and the pool's, each read in index order: a page of one of 30,000 leads at a million, 153 ms -> 5 ms."""
    f = filters or LeadFilters()
    ordering = SORTS.get(f.order, SORTS["-created_at"])
    parts = Lead.objects.visible_parts(actor)
    return KeyedPages(_filtered(actor, leads_for(actor), f), ordering,
                      [_filtered(actor, part, f) for part in parts] if len(parts) > 1 else (),
                      rows=leads_for(actor).select_related("customer", "owner"))


def _filtered(actor, qs: QuerySet[Lead], f: LeadFilters) -> QuerySet[Lead]:
    from showroom.customers.selectors import customers_named, search_filter

    qs = qs.select_related("customer", "owner")
    if f.query:
        named = customers_named(actor, f.query)
        condition = search_filter(f.query, prefix="customer__") if named is None else Q(customer_id__in=named)
        if condition is not None:
            qs = qs.filter(condition)
    if f.unassigned:
        qs = qs.filter(owner__isnull=True)
    elif f.owner_id:
        qs = qs.filter(owner_id=f.owner_id)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.grade:
        qs = qs.filter(grade=f.grade)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.overdue:  # Lead.overdue_at, in SQL
        now = clock.now()
        qs = qs.filter(status=Status.OPEN).filter(
            Q(next_follow_up_at__lt=now) | Q(first_contacted_at__isnull=True, first_response_due_at__lt=now)
        )
    return qs


def lead_to_serve(customer) -> Lead | None:
    """The customer's latest open (or dormant) lead, which a showroom visit of theirs joins. Unscoped on purpose:
    reception routes the visit by it, and the callers show nothing of the lead to whoever may not see it."""
    if customer is None:
        return None
    return (Lead.objects.filter(customer=customer, status__in=(Status.OPEN, Status.DORMANT)).select_related("owner")
            .order_by("-created_at").first())


def lead_timeline(lead: Lead, actor=None) -> list[dict]:
    """One timeline of a lead: contacts, stage changes, showroom visits and audit entries, newest first.

    Pages and the API pass the `actor`, so that each kind of row is read through its own visibility rule; the
    audit entries are those of a lead the actor has opened (get_visible). Without an actor (the benchmark, jobs)
    everything attached to the lead is read.
    """
    from showroom.followups.models import Activity
    from showroom.reception.models import Visit

    def rows(model):
        return model.objects.visible_to(actor) if actor is not None else model.objects.all()

    items: list[dict] = []
    for a in rows(Activity).filter(lead=lead).select_related("actor").order_by("-occurred_at")[:200]:
        items.append({"kind": "activity", "at": a.occurred_at, "actor": a.actor, "obj": a})
    for t in rows(StageTransition).filter(lead=lead).select_related("actor").order_by("-created_at")[:200]:
        items.append({"kind": "transition", "at": t.created_at, "actor": t.actor, "obj": t})
    for v in rows(Visit).filter(lead=lead).select_related("consultant").order_by("-arrived_at")[:200]:
        items.append({"kind": "visit", "at": v.arrived_at, "actor": v.consultant, "obj": v})
    for e in entries_for(lead):
        items.append({"kind": "audit", "at": e.created_at, "actor": e.actor, "obj": e})
    items.sort(key=lambda item: item["at"], reverse=True)
    return items


def pipeline_counts(actor, *, owner_id: int | None = None) -> dict:
    """Open leads per stage and per grade (the consultant's own, or the store's for a manager)."""
    qs = leads_for(actor).filter(status=Status.OPEN)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    by_stage = dict(qs.values_list("stage").annotate(n=Count("id")).order_by())
    by_grade = dict(qs.values_list("grade").annotate(n=Count("id")).order_by())
    return {
        "stages": [(Stage(s), by_stage.get(s, 0)) for s in Stage.values if s < Stage.DELIVERED],
        "grades": [(Grade(g), by_grade.get(g, 0)) for g in (Grade.N, Grade.H, Grade.A, Grade.B, Grade.C, Grade.O)],
        "total": sum(by_stage.values()),
    }


def pipeline_by_consultant(actor) -> list[dict]:
    """The store's open pipeline: per consultant, leads per stage and how many follow-ups are overdue."""
    from showroom.accounts.models import User
    from showroom.accounts.selectors import SELLER_ROLES
    from showroom.followups.models import Task, TaskStatus

    now = clock.now()
    open_leads = leads_for(actor).filter(status=Status.OPEN)
    rows = open_leads.values_list("owner_id", "stage").annotate(n=Count("id")).order_by()
    overdue = dict(
        Task.objects.visible_to(actor).filter(status=TaskStatus.OPEN, due_at__lt=now)
        .values_list("owner_id").annotate(n=Count("id")).order_by()
    )
    table: dict[int | None, dict] = {}
    for owner_id, stage, n in rows:
        row = table.setdefault(owner_id, {"stages": {}, "total": 0})
        row["stages"][stage] = n
        row["total"] += n
    owner_ids = set(table) | set(overdue)
    if actor.store_id:
        owner_ids |= set(User.objects.filter(store_id=actor.store_id, role__in=SELLER_ROLES, is_active=True)
                         .values_list("id", flat=True))
    users = {u.pk: u for u in User.objects.filter(pk__in=[i for i in owner_ids if i])}
    result = []
    for owner_id in sorted(owner_ids, key=lambda i: (i is None, users[i].display_name if i in users else "")):
        row = table.get(owner_id, {"stages": {}, "total": 0})
        result.append({
            "owner": users.get(owner_id), "stages": [row["stages"].get(s, 0) for s in Stage.values if s < Stage.DELIVERED],
            "total": row["total"], "overdue": overdue.get(owner_id, 0),
        })
    return result


def grade_policies(store) -> list[tuple[str, str, int | None, int]]:
    """The store's cadence per grade as (grade, label, purchase horizon days, follow-up days), the defaults where the
    store has set none, for the store settings page."""
    from .models import DEFAULT_GRADE_POLICIES, GradePolicy

    existing = {p.grade: p for p in GradePolicy.objects.filter(store=store)}
    rows = []
    for grade, default in DEFAULT_GRADE_POLICIES.items():
        policy = existing.get(grade)
        horizon, interval = (policy.horizon_days, policy.follow_up_days) if policy else default
        rows.append((grade, Grade(grade).label, horizon, interval))
    return rows


def pending_loss_requests(actor) -> QuerySet[LossRequest]:
    """Loss applications awaiting the manager's decision, oldest first."""
    return (
        LossRequest.objects.visible_to(actor).filter(status=LossRequestStatus.PENDING)
        .select_related("lead", "lead__customer", "lead__owner", "requested_by").order_by("requested_at")
    )


def first_response_overdue(actor) -> QuerySet[Lead]:
    """Online and phone leads nobody has contacted by their deadline."""
    return leads_for(actor).filter(status=Status.OPEN, first_contacted_at__isnull=True, first_response_due_at__lt=clock.now())

