"""Reception logs a batch arriving, matches or files the customer and hands them to a consultant."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, PermissionDenied
from showroom.customers.models import Customer
from showroom.customers.services import customer_create
from showroom.followups.models import Task, TaskKind, TaskStatus
from showroom.leads.models import Lead, LossReason, Stage, StageTransition, Status
from showroom.leads.services import lead_create, lead_decide_loss, lead_request_loss, leads_mark_dormant
from showroom.reception.models import Visit, VisitPurpose
from showroom.reception.selectors import in_showroom_now, traffic_today
from showroom.reception.services import next_consultant, visit_record_departure, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_walk_in_with_a_new_mobile_is_filed_with_a_showroom_lead_for_the_consultant_whose_turn_it_is(
    receptionist, consultant
):
    visit = visit_register(actor=receptionist, mobile="138 0013 8000", name="张先生", party_size=3,
                           models_of_interest="Q5L")

    assert (visit.batch_no, visit.party_size, visit.is_first_visit, visit.captured) == ("20260310-001", 3, True, True)
    assert visit.consultant == consultant and visit.arrived_at == NOW and visit.registered_by == receptionist
    customer = Customer.objects.get()
    assert (customer.name, customer.mobile, customer.owner, customer.source) == ("张先生", "13800138000", consultant, Source.WALK_IN)
    lead = Lead.objects.get()
    assert (lead.customer, lead.owner, lead.channel, lead.source, lead.models_of_interest) == (
        customer, consultant, Channel.SHOWROOM, Source.WALK_IN, "Q5L",
    )
    assert visit.lead == lead and visit.customer == customer
    assert lead.first_contacted_at == NOW and lead.last_contacted_at == NOW


def test_an_unnamed_walk_in_is_filed_under_the_last_four_digits(receptionist, consultant):
    visit_register(actor=receptionist, mobile="13800138000")

    assert Customer.objects.get().name == "Walk-in 8000"


def test_a_first_visit_owes_a_thank_you_call_within_the_stores_hours(store, receptionist, consultant):
    store.post_visit_call_hours = 12
    store.save()

    visit = visit_register(actor=receptionist, mobile="13800138000")

    task = Task.objects.get(lead=visit.lead, kind=TaskKind.POST_VISIT)
    assert task.owner == consultant and task.due_at == NOW + dt.timedelta(hours=12) and task.status == TaskStatus.OPEN
    assert Lead.objects.get().next_follow_up_at == task.due_at


def test_an_invited_visit_is_filed_as_an_invited_visit(receptionist, consultant):
    visit = visit_register(actor=receptionist, mobile="13800138000", invited=True)

    assert visit.invited and visit.lead.source == Source.INVITED_VISIT and visit.customer.source == Source.INVITED_VISIT


def test_a_repeat_visit_goes_to_the_customers_own_consultant_and_owes_no_thank_you_call(
    receptionist, consultant, colleague, frozen
):
    first = visit_register(actor=receptionist, mobile="13800138000")
    frozen.shift(dt.timedelta(hours=1))
    visit_record_departure(actor=receptionist, visit=first)
    frozen.shift(dt.timedelta(days=3) - dt.timedelta(hours=1))

    again = visit_register(actor=receptionist, mobile="+86 138 0013 8000")

    assert first.consultant == consultant
    assert not again.is_first_visit and again.consultant == consultant and again.lead == first.lead
    assert Lead.objects.count() == 1 and Customer.objects.count() == 1
    assert Task.objects.filter(kind=TaskKind.POST_VISIT).count() == 1
    lead = Lead.objects.get()
    assert lead.last_contacted_at == NOW + dt.timedelta(days=3)


def test_a_customer_whose_consultant_filed_them_on_the_phone_is_matched_to_their_lead(receptionist, consultant, colleague):
    lead, _ = lead_create(actor=colleague, customer_fields={"name": "李四", "mobile": "13900139000"},
                          lead_fields={"channel": Channel.PHONE, "source": Source.INBOUND_CALL})

    visit = visit_register(actor=receptionist, mobile="13900139000")  # their first time in the showroom

    assert visit.is_first_visit
    assert visit.lead == lead and visit.customer == lead.customer and visit.consultant == colleague
    assert Lead.objects.count() == 1
    assert Task.objects.get(lead=lead, kind=TaskKind.POST_VISIT).owner == colleague


def test_the_rotation_skips_consultants_with_a_customer_and_those_off_duty(store, receptionist, frozen):
    first = UserFactory(store=store, role=Role.CONSULTANT, full_name="甲")
    UserFactory(store=store, role=Role.CONSULTANT, full_name="乙", on_duty=False)
    third = UserFactory(store=store, role=Role.CONSULTANT, full_name="丙")
    UserFactory(store=store, role=Role.KEY_ACCOUNT, full_name="大客户")

    a = visit_register(actor=receptionist, mobile="13800000001")
    frozen.shift(dt.timedelta(minutes=5))
    b = visit_register(actor=receptionist, mobile="13800000002")
    frozen.shift(dt.timedelta(minutes=5))
    c = visit_register(actor=receptionist, mobile="13800000003")  # both still with their customers

    assert (a.consultant, b.consultant, c.consultant) == (first, third, None)
    visit_record_departure(actor=receptionist, visit=a)
    frozen.shift(dt.timedelta(minutes=5))
    d = visit_register(actor=receptionist, mobile="13800000004")
    assert d.consultant == first


def test_whose_turn_goes_to_the_consultant_who_took_a_walk_in_longest_ago(store, receptionist, frozen):
    first = UserFactory(store=store, role=Role.CONSULTANT)
    second = UserFactory(store=store, role=Role.CONSULTANT)
    a = visit_register(actor=receptionist, mobile="13800000001")
    frozen.shift(dt.timedelta(minutes=5))
    b = visit_register(actor=receptionist, mobile="13800000002")
    frozen.shift(dt.timedelta(minutes=5))
    visit_record_departure(actor=receptionist, visit=b)
    visit_record_departure(actor=receptionist, visit=a)

    assert (a.consultant, b.consultant) == (first, second)
    assert next_consultant(store) == first


def test_the_rotation_starts_afresh_each_day(store, receptionist, frozen):
    first = UserFactory(store=store, role=Role.CONSULTANT)
    UserFactory(store=store, role=Role.CONSULTANT)
    visit = visit_register(actor=receptionist, mobile="13800000001")
    visit_record_departure(actor=receptionist, visit=visit)
    frozen.shift(dt.timedelta(days=1))

    assert visit.consultant == first
    assert next_consultant(store) == first


def test_reception_may_choose_the_consultant(receptionist, consultant, colleague):
    visit = visit_register(actor=receptionist, mobile="13800138000", consultant=colleague)

    assert visit.consultant == colleague and visit.lead.owner == colleague


def test_a_consultant_of_another_store_cannot_be_chosen(receptionist, outsider):
    with pytest.raises(DomainError) as refused:
        visit_register(actor=receptionist, mobile="13800138000", consultant=outsider)

    assert refused.value.field == "consultant"
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "purpose", [VisitPurpose.COLLECT_CAR, VisitPurpose.PAPERWORK, VisitPurpose.CANCELLATION, VisitPurpose.SERVICE,
                VisitPurpose.OTHER],
)
def test_a_visit_that_is_not_sales_traffic_is_logged_without_opening_a_lead_or_counting_as_sales(
    receptionist, consultant, purpose
):
    visit = visit_register(actor=receptionist, purpose=purpose, mobile="13800138000", name="张三")

    assert visit.purpose == purpose and not visit.is_sales_traffic
    assert visit.lead is None and visit.consultant is None
    assert not Lead.objects.exists() and not Customer.objects.exists()
    figures = traffic_today(receptionist)
    assert (figures["batches"], figures["non_sales"]) == (0, 1)


def test_a_known_customer_collecting_their_car_is_sent_to_their_consultant(receptionist, consultant, colleague):
    lead, _ = lead_create(actor=colleague, customer_fields={"name": "李四", "mobile": "13900139000"},
                          lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN})

    visit = visit_register(actor=receptionist, purpose=VisitPurpose.COLLECT_CAR, mobile="13900139000")

    assert visit.consultant == colleague and visit.customer == lead.customer
    assert not Task.objects.filter(kind=TaskKind.POST_VISIT).exists()


def test_a_batch_without_a_mobile_is_logged_uncaptured_and_still_gets_a_consultant(receptionist, consultant):
    visit = visit_register(actor=receptionist, party_size=2)

    assert not visit.captured and visit.customer is None and visit.lead is None
    assert visit.consultant == consultant
    assert traffic_today(receptionist)["capture_rate"] == 0


def test_batch_numbers_count_up_through_the_day_and_restart_the_next_day(receptionist, consultant, frozen):
    numbers = [visit_register(actor=receptionist).batch_no for _ in range(3)]
    frozen.shift(dt.timedelta(hours=14))  # past midnight in Shanghai
    numbers.append(visit_register(actor=receptionist).batch_no)

    assert numbers == ["20260310-001", "20260310-002", "20260310-003", "20260311-001"]


def test_a_batch_registered_late_takes_its_number_from_the_day_it_arrived(receptionist, consultant, frozen):
    frozen.shift(dt.timedelta(hours=14, minutes=30))  # 00:30 on the 11th

    late = visit_register(actor=receptionist, arrived_at=NOW + dt.timedelta(hours=13))  # 23:00 on the 10th

    assert late.batch_no == "20260310-001"


def test_a_sales_visit_wakes_a_dormant_lead(store, receptionist, consultant, frozen):
    lead, _ = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.PHONE, "source": Source.OUTBOUND_CALL})
    frozen.shift(dt.timedelta(days=store.dormant_after_days + 1))
    leads_mark_dormant()

    visit = visit_register(actor=receptionist, mobile="13800138000")

    lead.refresh_from_db()
    assert visit.lead == lead and lead.status == Status.OPEN
    assert AuditEntry.objects.filter(action="leads.woke_up", target_id=lead.pk).exists()


def test_a_customer_whose_lead_was_lost_comes_back_with_a_new_lead(receptionist, consultant, manager):
    old, _ = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                         lead_fields={"channel": Channel.PHONE, "source": Source.OUTBOUND_CALL})
    lead_decide_loss(actor=manager, request=lead_request_loss(actor=consultant, lead=old, reason=LossReason.PRICE),
                     approve=True)

    visit = visit_register(actor=receptionist, mobile="13800138000")

    assert visit.lead != old and visit.lead.status == Status.OPEN and visit.lead.customer == old.customer


def test_the_visit_is_audited_and_shows_on_the_live_board(receptionist, consultant):
    visit = visit_register(actor=receptionist, mobile="13800138000", party_size=2)

    entry = AuditEntry.objects.get(action="reception.visit_registered")
    assert entry.actor == receptionist and entry.target_id == visit.pk
    assert entry.data == {"batch": "20260310-001", "purpose": "sales", "first_visit": True, "party_size": 2,
                          "consultant": "王小明", "lead": visit.lead.pk}
    assert list(in_showroom_now(receptionist)) == [visit]
    assert AuditEntry.objects.filter(action="leads.created", target_id=visit.lead.pk).exists()
    assert AuditEntry.objects.filter(action="customers.created", target_id=visit.customer.pk).exists()


def test_a_walk_ins_lead_opens_with_the_same_stage_history_and_audit_entry_as_any_lead(receptionist, consultant):
    visit = visit_register(actor=receptionist, mobile="13800138000", models_of_interest="Q5L")

    opened = StageTransition.objects.get(lead=visit.lead)
    assert (opened.from_stage, opened.to_stage, opened.from_status, opened.to_status, opened.actor) == (
        Stage.FIRST_CONTACT, Stage.FIRST_CONTACT, Status.OPEN, Status.OPEN, receptionist)
    entry = AuditEntry.objects.get(action="leads.created", target_id=visit.lead.pk)
    assert entry.data == {"models_of_interest": "Q5L", "budget_min": None, "budget_max": None,
                          "expected_purchase_date": None, "notes": "", "channel": "showroom", "source": "walk_in",
                          "owner_id": consultant.pk, "stage": Stage.FIRST_CONTACT, "status": "open", "grade": "N"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"party_size": 0}, "party_size"),
        ({"party_size": 51}, "party_size"),
        ({"party_size": "many"}, "party_size"),
        ({"purpose": "sightseeing"}, "purpose"),
        ({"arrived_at": NOW + dt.timedelta(minutes=10)}, "arrived_at"),
        ({"mobile": "12345"}, "mobile"),
    ],
)
def test_an_invalid_registration_is_refused_on_its_field_and_nothing_is_logged(receptionist, consultant, kwargs, field):
    with pytest.raises(DomainError) as refused:
        visit_register(actor=receptionist, **kwargs)

    assert refused.value.field == field
    assert not Visit.objects.exists()


def test_a_consultant_cannot_register_visits_but_a_manager_can(consultant, manager):
    with pytest.raises(PermissionDenied):
        visit_register(actor=consultant, mobile="13800138000")

    assert visit_register(actor=manager, mobile="13800138000").consultant == consultant


def test_reception_files_a_known_customer_of_a_colleague_without_a_duplicate(receptionist, consultant, colleague):
    theirs, _ = customer_create(actor=colleague, fields={"name": "李四", "mobile": "13900139000"})

    visit = visit_register(actor=receptionist, mobile="13900139000")

    assert visit.customer == theirs and Customer.objects.count() == 1
    assert visit.consultant == colleague and visit.lead.owner == colleague


def test_a_pooled_online_lead_walking_in_goes_to_the_consultant_who_serves_them(store, receptionist, consultant):
    from showroom.accounts.models import LeadAssignment

    store.lead_assignment = LeadAssignment.POOL
    store.save()
    platform = UserFactory(store=store, role=Role.INTEGRATION)
    pooled, _ = lead_create(actor=platform, customer_fields={"name": "李四", "mobile": "13900139000"},
                            lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})

    visit = visit_register(actor=receptionist, mobile="13900139000")

    pooled.refresh_from_db()
    assert visit.consultant == consultant and visit.lead == pooled
    assert pooled.owner == consultant and pooled.customer.owner == consultant
    assert Task.objects.get(lead=pooled, kind=TaskKind.POST_VISIT).owner == consultant
    entry = AuditEntry.objects.get(action="leads.reassigned", target_id=pooled.pk)
    assert entry.actor == receptionist and entry.data["from_id"] is None and entry.data["to_id"] == consultant.pk
