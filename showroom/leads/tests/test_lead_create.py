"""Opening a lead: who gets it, the first-response deadline, and intake that never files twice."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, PermissionDenied
from showroom.customers.models import Customer
from showroom.followups.models import Outcome, Task, TaskKind, TaskStatus
from showroom.followups.services import activity_log
from showroom.leads.models import Grade, Lead, Stage, StageTransition, Status
from showroom.leads.selectors import LeadFilters, first_response_overdue, lead_list
from showroom.leads.services import lead_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
ONLINE = {"channel": Channel.ONLINE, "source": Source.AUTOHOME}
PHONE = {"channel": Channel.PHONE, "source": Source.INBOUND_CALL}
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def platform(store):
    """The lead platform's integration account that posts online leads."""
    return UserFactory(store=store, role=Role.INTEGRATION, username="autohome", full_name="汽车之家")


def _customer(n=0, name="张三"):
    return {"name": name, "mobile": f"1380013{n:04d}"}


def test_a_consultant_files_a_walk_in_as_their_own_lead_graded_new_with_a_follow_up_tomorrow(consultant):
    lead, created = lead_create(actor=consultant, customer_fields=_customer(), lead_fields={
        **WALK_IN, "models_of_interest": "Q5L", "budget_min": "300000", "budget_max": Decimal("400000.005"),
    })

    assert created
    lead.refresh_from_db()
    assert lead.owner == consultant and lead.customer.owner == consultant
    assert (lead.stage, lead.status, lead.grade) == (Stage.FIRST_CONTACT, Status.OPEN, Grade.N)
    assert lead.budget_min == Decimal("300000.00") and lead.budget_max == Decimal("400000.01")
    assert lead.first_response_due_at is None  # the consultant is already talking to the customer
    task = Task.objects.get(lead=lead)
    assert task.kind == TaskKind.CADENCE and task.owner == consultant and task.due_at == NOW + dt.timedelta(days=1)
    assert lead.next_follow_up_at == task.due_at
    assert StageTransition.objects.filter(lead=lead).count() == 1


def test_a_lead_filed_already_graded_is_followed_up_at_the_grades_interval(consultant):
    lead, _ = lead_create(actor=consultant, customer_fields=_customer(), lead_fields=WALK_IN, grade=Grade.A)

    assert lead.grade == Grade.A
    assert lead.next_follow_up_at == NOW + dt.timedelta(days=3)


@pytest.mark.parametrize("fields", [ONLINE, PHONE])
def test_an_online_or_phone_lead_from_intake_must_be_answered_within_the_stores_hours(store, platform, consultant, fields):
    store.first_response_hours = 3
    store.save()

    lead, _ = lead_create(actor=platform, customer_fields=_customer(), lead_fields=fields, external_ref="AH-1")

    assert lead.first_response_due_at == NOW + dt.timedelta(hours=3)
    task = Task.objects.get(lead=lead)
    assert task.kind == TaskKind.FIRST_RESPONSE and task.owner == consultant and task.due_at == NOW + dt.timedelta(hours=3)
    assert lead.next_follow_up_at == task.due_at


def test_an_unanswered_online_lead_shows_as_overdue_until_a_contact_is_logged(store, platform, consultant, manager, frozen):
    lead, _ = lead_create(actor=platform, customer_fields=_customer(), lead_fields=ONLINE)

    frozen.shift(dt.timedelta(hours=1, minutes=59))
    assert list(first_response_overdue(manager)) == []
    frozen.shift(dt.timedelta(minutes=2))
    assert list(first_response_overdue(manager)) == [lead]
    assert list(first_response_overdue(consultant)) == [lead]
    assert list(lead_list(consultant, LeadFilters(overdue=True))) == [lead]

    activity_log(actor=consultant, lead=lead, channel="phone", outcome=Outcome.NO_ANSWER, summary="无人接听")

    assert list(first_response_overdue(manager)) == []
    lead.refresh_from_db()
    assert lead.first_contacted_at == NOW + dt.timedelta(hours=2, minutes=1)
    assert Task.objects.get(lead=lead, kind=TaskKind.FIRST_RESPONSE).status == TaskStatus.DONE


def test_new_online_leads_go_round_robin_to_the_consultants_on_duty_in_turn(store, platform, frozen):
    first = UserFactory(store=store, role=Role.CONSULTANT, full_name="甲")
    off_duty = UserFactory(store=store, role=Role.CONSULTANT, full_name="乙", on_duty=False)
    second = UserFactory(store=store, role=Role.CONSULTANT, full_name="丙")
    UserFactory(store=store, role=Role.KEY_ACCOUNT, full_name="大客户")
    UserFactory(store=store, role=Role.CONSULTANT, full_name="离职", is_active=False)
    UserFactory(store=store, role=Role.MANAGER)

    owners = []
    for n in range(5):
        owners.append(lead_create(actor=platform, customer_fields=_customer(n), lead_fields=ONLINE)[0].owner)
        frozen.shift(dt.timedelta(minutes=10))

    assert owners == [first, second, first, second, first]
    assert off_duty not in owners


def test_the_round_robin_continues_where_it_stopped_across_days(store, platform, frozen):
    first = UserFactory(store=store, role=Role.CONSULTANT)
    second = UserFactory(store=store, role=Role.CONSULTANT)
    lead_create(actor=platform, customer_fields=_customer(1), lead_fields=ONLINE)
    frozen.shift(dt.timedelta(days=1))

    owner = lead_create(actor=platform, customer_fields=_customer(2), lead_fields=PHONE)[0].owner

    assert owner == second
    assert first.pk != second.pk


def test_with_the_pool_rule_a_new_online_lead_waits_unassigned_for_a_manager(store, platform, consultant):
    store.lead_assignment = LeadAssignment.POOL
    store.save()

    lead, _ = lead_create(actor=platform, customer_fields=_customer(), lead_fields=ONLINE)

    assert lead.owner is None and lead.customer.owner is None
    assert lead.first_response_due_at == NOW + dt.timedelta(hours=2)
    assert list(lead_list(consultant, LeadFilters(unassigned=True))) == [lead]


def test_round_robin_with_nobody_on_duty_leaves_the_lead_in_the_pool(store, platform, consultant):
    consultant.on_duty = False
    consultant.save()

    lead, _ = lead_create(actor=platform, customer_fields=_customer(), lead_fields=ONLINE)

    assert lead.owner is None


def test_a_manager_files_a_lead_for_a_chosen_consultant(manager, colleague):
    lead, _ = lead_create(actor=manager, customer_fields=_customer(), lead_fields=WALK_IN, owner=colleague)

    assert lead.owner == colleague and lead.customer.owner == colleague


def test_a_consultant_cannot_file_a_lead_for_a_colleague(consultant, colleague):
    with pytest.raises(DomainError) as refused:
        lead_create(actor=consultant, customer_fields=_customer(), lead_fields=WALK_IN, owner=colleague)

    assert refused.value.code == "assign_forbidden" and refused.value.field == "owner"
    assert not Lead.objects.exists() and not Customer.objects.exists()


def test_a_lead_cannot_be_given_to_a_consultant_of_another_store(manager, outsider):
    with pytest.raises(DomainError) as refused:
        lead_create(actor=manager, customer_fields=_customer(), lead_fields=WALK_IN, owner=outsider)

    assert refused.value.field == "owner"
    assert not Lead.objects.exists()


def test_a_platform_posting_the_same_lead_twice_gets_the_first_one_back(platform):
    first, created = lead_create(actor=platform, customer_fields=_customer(1), lead_fields=ONLINE, external_ref="AH-42")
    again, created_again = lead_create(actor=platform, customer_fields=_customer(2, "别人"), lead_fields=ONLINE,
                                       external_ref=" AH-42 ")

    assert created and not created_again
    assert again.pk == first.pk
    assert Lead.objects.count() == 1 and Customer.objects.count() == 1
    assert Task.objects.filter(kind=TaskKind.FIRST_RESPONSE).count() == 1


def test_the_same_reference_from_another_platform_is_another_lead(platform):
    lead_create(actor=platform, customer_fields=_customer(1), lead_fields=ONLINE, external_ref="42")

    _, created = lead_create(actor=platform, customer_fields=_customer(2), lead_fields={**ONLINE, "source": Source.DONGCHEDI},
                             external_ref="42")

    assert created and Lead.objects.count() == 2


def test_a_repeat_enquiry_from_a_customer_with_an_open_lead_returns_that_lead_and_is_recorded(platform, consultant):
    mine, _ = lead_create(actor=consultant, customer_fields=_customer(), lead_fields=WALK_IN)

    again, created = lead_create(actor=platform, customer_fields={"name": "张先生", "mobile": "+86 138 0013 0000"},
                                 lead_fields=ONLINE, external_ref="AH-7")

    assert not created and again.pk == mine.pk
    assert Lead.objects.count() == 1
    entry = AuditEntry.objects.get(action="leads.enquiry_repeated")
    assert entry.target_id == mine.pk and entry.data == {"channel": "online", "source": "autohome", "external_ref": "AH-7"}


def test_a_customer_whose_last_lead_was_lost_gets_a_new_lead(consultant, manager):
    from showroom.leads.services import lead_decide_loss, lead_request_loss

    old, _ = lead_create(actor=consultant, customer_fields=_customer(), lead_fields=WALK_IN)
    request = lead_request_loss(actor=consultant, lead=old, reason="price")
    lead_decide_loss(actor=manager, request=request, approve=True)

    new, created = lead_create(actor=consultant, customer_fields=_customer(), lead_fields=PHONE)

    assert created and new.pk != old.pk and new.customer_id == old.customer_id


@pytest.mark.parametrize(
    ("lead_fields", "field", "code"),
    [
        ({"channel": "fax", "source": Source.WALK_IN}, "channel", "channel_invalid"),
        ({"channel": Channel.SHOWROOM, "source": "gossip"}, "source", "source_invalid"),
        ({"channel": Channel.SHOWROOM, "source": Source.AUTOHOME}, "source", "source_channel_mismatch"),
        ({**WALK_IN, "budget_min": "lots"}, "budget_min", "budget_invalid"),
        ({**WALK_IN, "budget_min": "NaN"}, "budget_min", "budget_invalid"),
        ({**WALK_IN, "budget_max": Decimal("NaN")}, "budget_max", "budget_invalid"),
        ({**WALK_IN, "budget_max": "Infinity"}, "budget_max", "budget_invalid"),
        ({**WALK_IN, "budget_max": "1e12"}, "budget_max", "budget_invalid"),  # more than the column holds
        ({**WALK_IN, "budget_max": "-1"}, "budget_max", "budget_negative"),
        ({**WALK_IN, "budget_min": "400000", "budget_max": "300000"}, "budget_max", "budget_range"),
        ({**WALK_IN, "expected_purchase_date": dt.date(2026, 3, 1)}, "expected_purchase_date", "expected_date_past"),
    ],
)
def test_a_lead_with_an_invalid_field_is_refused_on_that_field_and_nothing_is_filed(consultant, lead_fields, field, code):
    with pytest.raises(DomainError) as refused:
        lead_create(actor=consultant, customer_fields=_customer(), lead_fields=lead_fields)

    assert (refused.value.field, refused.value.code) == (field, code)
    assert not Lead.objects.exists() and not Customer.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("grade", [Grade.O, Grade.D, Grade.F, "Z"])
def test_a_lead_cannot_be_filed_as_ordered_won_or_lost(consultant, grade):
    with pytest.raises(DomainError) as refused:
        lead_create(actor=consultant, customer_fields=_customer(), lead_fields=WALK_IN, grade=grade)

    assert refused.value.field == "grade"


def test_a_receptionist_cannot_file_leads_directly(receptionist):
    with pytest.raises(PermissionDenied):
        lead_create(actor=receptionist, customer_fields=_customer(), lead_fields=WALK_IN)


def test_a_service_advisor_refers_a_service_customer_into_the_pool(store, consultant):
    advisor = UserFactory(store=store, role=Role.SERVICE_ADVISOR)

    lead, _ = lead_create(actor=advisor, customer_fields=_customer(),
                          lead_fields={"channel": Channel.PROACTIVE, "source": Source.SERVICE_CUSTOMER})

    assert lead.owner is None and lead.created_by == advisor
    assert lead.first_response_due_at is None


def test_an_integration_cannot_post_into_another_store(platform, other_store):
    with pytest.raises(DomainError) as refused:
        lead_create(actor=platform, customer_fields=_customer(), lead_fields=ONLINE, store=other_store)

    assert refused.value.field == "store"


def test_creating_a_lead_is_audited_with_its_fields(consultant):
    lead, _ = lead_create(actor=consultant, customer_fields=_customer(), lead_fields={**WALK_IN, "budget_max": "300000"})

    entry = AuditEntry.objects.get(action="leads.created")
    assert entry.actor == consultant and entry.target_id == lead.pk
    assert entry.data["owner_id"] == consultant.pk and entry.data["stage"] == Stage.FIRST_CONTACT
    assert entry.data["status"] == "open" and entry.data["grade"] == "N" and entry.data["budget_max"] == "300000.00"
