"""Every change to customers and leads leaves an audit entry saying who, when, and old → new."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.audit.selectors import entries_for
from showroom.core.choices import Channel, Source
from showroom.customers.models import Customer
from showroom.customers.services import customer_create, customer_update
from showroom.followups.models import Outcome
from showroom.followups.services import activity_log
from showroom.leads.models import Grade, Lead, LossReason, LossRequest, Stage
from showroom.leads.services import (
    lead_advance_stage,
    lead_assign,
    lead_claim,
    lead_create,
    lead_decide_loss,
    lead_reactivate,
    lead_request_loss,
    lead_set_grade,
    lead_update,
    leads_mark_dormant,
)
from showroom.reception.services import visit_reassign, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WATCHED = ("owner_id", "grade", "stage", "status")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _records(data, old, new) -> bool:
    """True if the entry's data holds the change old → new in any of the shapes services write."""
    if isinstance(data, dict):
        pairs = [(data.get("from"), data.get("to")), (data.get("from_id"), data.get("to_id"))]
        if any(pair == (old, new) for pair in pairs):
            return True
        return any(_records(value, old, new) for value in data.values())
    if isinstance(data, list):
        return data == [old, new] or any(_records(value, old, new) for value in data)
    return False


class Watch:
    """Runs a service and checks that each watched field of the lead and its customer that changed was audited."""

    def __init__(self, lead):
        self.lead = lead

    def _state(self):
        lead = Lead.objects.select_related("customer").get(pk=self.lead.pk)
        return lead, {f: getattr(lead, f) for f in WATCHED}, lead.customer.owner_id

    def __call__(self, action, *, expect_change=True):
        lead, before, customer_owner = self._state()
        last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        action()
        lead, after, customer_owner_after = self._state()
        new = list(AuditEntry.objects.filter(id__gt=last))
        changed = {f: (before[f], after[f]) for f in WATCHED if before[f] != after[f]}
        if expect_change:
            assert changed, "the step was meant to change the lead"
        lead_entries = [e for e in new if e.target_id == lead.pk and e.target_type.model == "lead"]
        for field, (old, new_value) in changed.items():
            assert any(_records(e.data, old, new_value) for e in lead_entries), (field, old, new_value, [e.data for e in new])
        if customer_owner != customer_owner_after:
            customer_entries = [e for e in new if e.target_id == lead.customer_id and e.target_type.model == "customer"]
            assert any(_records(e.data, customer_owner, customer_owner_after) for e in customer_entries), (
                "customer owner", [e.data for e in new])
        return new


def test_a_leads_whole_life_is_in_its_audit_trail_with_old_and_new_values(store, consultant, colleague, manager, frozen):
    store.lead_assignment = LeadAssignment.POOL
    store.save()
    platform = UserFactory(store=store, role=Role.INTEGRATION)
    lead, _ = lead_create(actor=platform, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})
    watch = Watch(lead)

    watch(lambda: lead_claim(actor=consultant, lead=lead))
    watch(lambda: lead_assign(actor=manager, lead=lead, owner=colleague, reason="调整"))
    watch(lambda: lead_assign(actor=manager, lead=lead, owner=consultant))
    watch(lambda: lead_set_grade(actor=consultant, lead=lead, grade=Grade.B))
    watch(lambda: activity_log(actor=consultant, lead=lead, channel="phone", outcome=Outcome.REACHED, summary="聊",
                               grade=Grade.A))
    watch(lambda: lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS))
    watch(lambda: lead_advance_stage(actor=consultant, lead=lead, to=Stage.TEST_DRIVE, skip_reason="车型已定"))
    watch(lambda: lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE), expect_change=False)
    watch(lambda: lead_decide_loss(actor=manager, request=LossRequest.objects.get(lead=lead), approve=True))
    watch(lambda: lead_reactivate(actor=manager, lead=lead, reason="客户回来了"))
    frozen.shift(dt.timedelta(days=store.dormant_after_days + 1))
    watch(leads_mark_dormant)
    watch(lambda: activity_log(actor=consultant, lead=lead, channel="phone", outcome=Outcome.REACHED, summary="又联系上"))
    for stage in (Stage.NEGOTIATION, Stage.ORDER, Stage.DELIVERED):
        watch(lambda stage=stage: lead_advance_stage(actor=consultant, lead=lead, to=stage))

    actors = {e.action: e.actor for e in entries_for(lead)}
    assert actors["leads.went_dormant"] is None  # the scheduler
    assert actors["leads.loss_approved"] == manager and actors["leads.claimed"] == consultant


def test_a_walk_in_handed_to_another_consultant_is_audited_on_the_lead_and_the_customer(receptionist, consultant, colleague):
    visit = visit_register(actor=receptionist, mobile="13800138000", consultant=consultant)

    Watch(visit.lead)(lambda: visit_reassign(actor=receptionist, visit=visit, consultant=colleague))


def test_a_new_lead_given_to_a_consultant_is_audited_on_its_customer_too(manager, colleague):
    lead, _ = lead_create(actor=manager, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN}, owner=colleague)

    customer = Customer.objects.get(pk=lead.customer_id)
    assert customer.owner == colleague
    assert any(_records(e.data, None, colleague.pk) or e.data.get("owner_id") == colleague.pk
               for e in entries_for(customer))


def test_creating_and_editing_a_customer_is_audited_with_who_when_and_old_and_new(consultant, frozen):
    customer, _ = customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})
    frozen.shift(dt.timedelta(hours=1))
    customer_update(actor=consultant, customer=customer, fields={"name": "张三丰", "city": "北京"}, expected_version=1)

    updated, created = entries_for(customer)
    assert (created.action, created.actor, created.created_at) == ("customers.created", consultant, NOW)
    assert (updated.action, updated.actor, updated.created_at) == ("customers.updated", consultant,
                                                                   NOW + dt.timedelta(hours=1))
    assert updated.data == {"changes": {"name": ["张三", "张三丰"], "city": ["", "北京"]}}
    assert created.store_id == updated.store_id == consultant.store_id


def test_editing_a_lead_is_audited_field_by_field(consultant):
    lead, _ = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})

    lead_update(actor=consultant, lead=lead, fields={"models_of_interest": "Q5L"}, expected_version=1)

    assert entries_for(lead)[0].data == {"changes": {"models_of_interest": ["", "Q5L"]}}


def test_bulk_dormancy_writes_one_entry_per_lead(store, consultant, frozen):
    leads = [lead_create(actor=consultant, customer_fields={"name": f"客户{n}", "mobile": f"1380000000{n}"},
                         lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})[0] for n in range(3)]
    frozen.shift(dt.timedelta(days=store.dormant_after_days + 1))

    leads_mark_dormant()

    for lead in leads:
        [entry] = [e for e in entries_for(lead) if e.action == "leads.went_dormant"]
        assert entry.actor is None and entry.data["status"] == ["open", "dormant"]
