"""Reception hands a batch to another consultant; on a first visit the new lead goes with it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskKind
from showroom.reception.services import visit_reassign, visit_record_departure, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def visit(receptionist, consultant):
    return visit_register(actor=receptionist, mobile="13800138000", consultant=consultant)


def test_handing_a_first_visit_to_a_colleague_moves_the_new_lead_its_customer_and_the_thank_you_call(
    receptionist, consultant, colleague, visit
):
    visit_reassign(actor=receptionist, visit=visit, consultant=colleague)

    visit.refresh_from_db()
    visit.lead.refresh_from_db()
    assert visit.consultant == colleague
    assert visit.lead.owner == colleague and visit.lead.customer.owner == colleague
    assert Task.objects.get(kind=TaskKind.POST_VISIT).owner == colleague
    assert AuditEntry.objects.get(action="reception.visit_reassigned").data == {"from": "王小明", "to": "李四"}
    reassigned = AuditEntry.objects.get(action="leads.reassigned")
    assert reassigned.actor == receptionist and reassigned.data["from_id"] == consultant.pk
    assert reassigned.data["to_id"] == colleague.pk


def test_handing_a_repeat_visit_to_a_colleague_leaves_the_lead_with_its_consultant(
    receptionist, consultant, colleague, visit, frozen
):
    frozen.shift(dt.timedelta(hours=1))
    visit_record_departure(actor=receptionist, visit=visit)
    frozen.shift(dt.timedelta(days=2))
    again = visit_register(actor=receptionist, mobile="13800138000")

    visit_reassign(actor=receptionist, visit=again, consultant=colleague)

    again.refresh_from_db()
    again.lead.refresh_from_db()
    assert again.consultant == colleague and again.lead.owner == consultant
    assert not AuditEntry.objects.filter(action="leads.reassigned").exists()


def test_a_batch_can_only_go_to_an_active_consultant_of_the_store(store, receptionist, outsider, visit):
    for candidate in (outsider, receptionist, UserFactory(store=store, role=Role.CONSULTANT, is_active=False)):
        with pytest.raises(DomainError) as refused:
            visit_reassign(actor=receptionist, visit=visit, consultant=candidate)
        assert refused.value.field == "consultant"


def test_a_consultant_cannot_hand_batches_around_and_another_stores_reception_does_not_see_them(
    consultant, colleague, other_store, visit
):
    with pytest.raises(PermissionDenied):
        visit_reassign(actor=consultant, visit=visit, consultant=colleague)
    with pytest.raises(NotFound):
        visit_reassign(actor=UserFactory(store=other_store, role=Role.RECEPTIONIST), visit=visit, consultant=colleague)


def test_handing_a_known_customers_first_visit_to_a_colleague_leaves_their_lead_with_their_consultant(
    receptionist, consultant, colleague, frozen
):
    from showroom.core.choices import Channel, Source
    from showroom.leads.services import lead_create

    lead, _ = lead_create(actor=consultant, customer_fields={"name": "李四", "mobile": "13900139000"},
                          lead_fields={"channel": Channel.PHONE, "source": Source.OUTBOUND_CALL})
    frozen.shift(dt.timedelta(days=2))
    visit = visit_register(actor=receptionist, mobile="13900139000")  # first visit, served by their own consultant

    visit_reassign(actor=receptionist, visit=visit, consultant=colleague)  # who is busy: a colleague stands in

    lead.refresh_from_db()
    assert visit.is_first_visit and lead.owner == consultant and lead.customer.owner == consultant
    assert not AuditEntry.objects.filter(action="leads.reassigned").exists()
