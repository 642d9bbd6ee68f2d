"""A manager gives a lead to a consultant; a consultant claims one from the store's pool."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskStatus
from showroom.leads.models import Lead, Stage
from showroom.leads.services import lead_assign, lead_claim, lead_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}
ONLINE = {"channel": Channel.ONLINE, "source": Source.AUTOHOME}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def owned(consultant):
    return lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=WALK_IN)[0]


@pytest.fixture
def pooled(store, consultant):
    store.lead_assignment = LeadAssignment.POOL
    store.save()
    platform = UserFactory(store=store, role=Role.INTEGRATION)
    return lead_create(actor=platform, customer_fields={"name": "李四", "mobile": "13900139000"}, lead_fields=ONLINE)[0]


def test_a_manager_reassigns_a_lead_and_its_customer_and_open_tasks_follow(manager, consultant, colleague, owned):
    lead = lead_assign(actor=manager, lead=owned, owner=colleague, reason="王小明休假")

    lead.refresh_from_db()
    assert lead.owner == colleague and lead.customer.owner == colleague
    assert lead.version == 2 and lead.updated_by == manager
    assert set(Task.objects.filter(lead=lead, status=TaskStatus.OPEN).values_list("owner", flat=True)) == {colleague.pk}


def test_a_reassignment_is_recorded_with_from_to_and_reason(manager, consultant, colleague, owned):
    lead_assign(actor=manager, lead=owned, owner=colleague, reason=" 王小明休假 ")

    entry = AuditEntry.objects.get(action="leads.reassigned")
    assert entry.actor == manager and entry.target_id == owned.pk
    assert entry.data == {"from": "王小明", "to": "李四", "from_id": consultant.pk, "to_id": colleague.pk, "reason": "王小明休假"}


def test_giving_a_lead_to_its_current_owner_changes_and_records_nothing(manager, consultant, owned):
    lead_assign(actor=manager, lead=owned, owner=consultant)

    owned.refresh_from_db()
    assert owned.version == 1
    assert not AuditEntry.objects.filter(action="leads.reassigned").exists()


def test_a_manager_puts_a_lead_back_into_the_pool(manager, owned, colleague):
    lead_assign(actor=manager, lead=owned, owner=None, reason="重新分配")

    owned.refresh_from_db()
    assert owned.owner is None
    assert AuditEntry.objects.get(action="leads.reassigned").data["to"] is None


def test_a_lead_with_an_order_can_change_consultant_but_not_go_back_to_the_pool(manager, owned, colleague):
    Lead.objects.filter(pk=owned.pk).update(stage=Stage.ORDER)  # as if signed: the order's pages are not for the pool

    with pytest.raises(DomainError) as refused:
        lead_assign(actor=manager, lead=owned, owner=None, reason="离职")
    owned.refresh_from_db()
    assert refused.value.field == "owner" and owned.owner is not None

    assert lead_assign(actor=manager, lead=owned, owner=colleague, reason="离职交接").owner == colleague


def test_a_manager_assigns_a_pooled_lead_and_the_first_response_task_goes_with_it(manager, colleague, pooled):
    lead_assign(actor=manager, lead=pooled, owner=colleague)

    pooled.refresh_from_db()
    assert pooled.owner == colleague and pooled.customer.owner == colleague
    assert Task.objects.get(lead=pooled).owner == colleague


def test_a_lead_can_only_go_to_an_active_consultant_of_the_store(manager, owned, outsider, receptionist, store):
    gone = UserFactory(store=store, role=Role.CONSULTANT, is_active=False)
    for candidate in (outsider, receptionist, gone, manager):
        with pytest.raises(DomainError) as refused:
            lead_assign(actor=manager, lead=owned, owner=candidate)
        assert refused.value.code == "owner_invalid" and refused.value.field == "owner"


def test_a_consultant_cannot_assign_leads(consultant, colleague, owned):
    with pytest.raises(PermissionDenied):
        lead_assign(actor=consultant, lead=owned, owner=colleague)

    owned.refresh_from_db()
    assert owned.owner == consultant


def test_a_reassignment_on_a_stale_version_is_refused(manager, colleague, consultant, owned):
    from showroom.leads.services import lead_set_grade

    lead_set_grade(actor=consultant, lead=owned, grade="A")

    with pytest.raises(Conflict):
        lead_assign(actor=manager, lead=owned, owner=colleague, expected_version=1)


def test_another_stores_manager_gets_not_found(outsider, other_store, owned):
    their_manager = UserFactory(store=other_store, role=Role.MANAGER)

    with pytest.raises(NotFound):
        lead_assign(actor=their_manager, lead=owned, owner=None)


def test_a_consultant_claims_a_lead_from_the_pool_and_it_becomes_theirs(consultant, pooled):
    lead = lead_claim(actor=consultant, lead=pooled)

    lead.refresh_from_db()
    assert lead.owner == consultant and lead.customer.owner == consultant
    assert Task.objects.get(lead=lead).owner == consultant
    entry = AuditEntry.objects.get(action="leads.claimed")
    assert entry.actor == consultant and entry.data["from"] is None and entry.data["to"] == "王小明"


def test_a_claimed_lead_is_gone_from_the_pool_for_a_colleague(consultant, colleague, pooled):
    lead_claim(actor=consultant, lead=pooled)

    with pytest.raises(NotFound):
        lead_claim(actor=colleague, lead=pooled)
    pooled.refresh_from_db()
    assert pooled.owner == consultant


def test_a_manager_assigns_leads_rather_than_claiming_them(manager, owned):
    with pytest.raises(DomainError) as refused:
        lead_claim(actor=manager, lead=owned)

    assert refused.value.code == "claim_not_seller"
    owned.refresh_from_db()
    assert owned.owner.username == "owner"


def test_claiming_your_own_lead_again_changes_nothing(consultant, owned):
    lead = lead_claim(actor=consultant, lead=owned)

    assert lead.owner == consultant
    owned.refresh_from_db()
    assert owned.version == 1
    assert not AuditEntry.objects.filter(action="leads.claimed").exists()


def test_a_receptionist_cannot_claim_and_another_store_cannot_see_the_pool(receptionist, outsider, pooled):
    with pytest.raises(PermissionDenied):
        lead_claim(actor=receptionist, lead=pooled)
    with pytest.raises(NotFound):
        lead_claim(actor=outsider, lead=pooled)
