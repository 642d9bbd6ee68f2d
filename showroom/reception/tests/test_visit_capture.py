"""A batch registered without a mobile: the consultant records it later and the visit counts as captured (留档)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, NotFound
from showroom.customers.models import Customer
from showroom.followups.models import Task, TaskKind
from showroom.leads.models import Lead
from showroom.leads.services import lead_create
from showroom.reception.models import VisitPurpose
from showroom.reception.selectors import traffic_today
from showroom.reception.services import visit_capture, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def visit(receptionist, consultant):
    return visit_register(actor=receptionist, party_size=2, models_of_interest="A6L", consultant=consultant)


def test_the_consultant_captures_the_mobile_and_the_customer_and_lead_are_filed(consultant, receptionist, visit, frozen):
    frozen.shift(dt.timedelta(minutes=30))

    captured = visit_capture(actor=consultant, visit=visit, mobile="138-0013-8000", name="王女士")

    assert captured.captured
    customer = Customer.objects.get()
    assert (customer.name, customer.mobile, customer.owner) == ("王女士", "13800138000", consultant)
    lead = Lead.objects.get()
    assert (captured.customer, captured.lead, lead.owner, lead.channel, lead.models_of_interest) == (
        customer, lead, consultant, Channel.SHOWROOM, "A6L",
    )
    task = Task.objects.get(kind=TaskKind.POST_VISIT)
    assert task.due_at == NOW + dt.timedelta(hours=24)  # counted from the arrival
    assert traffic_today(receptionist)["capture_rate"] == 100
    assert AuditEntry.objects.get(action="reception.visit_captured").data == {"lead": lead.pk}


def test_a_captured_mobile_of_a_known_customer_joins_their_open_lead(consultant, visit):
    lead, _ = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.PHONE, "source": Source.INBOUND_CALL})

    captured = visit_capture(actor=consultant, visit=visit, mobile="13800138000")

    assert captured.lead == lead and Lead.objects.count() == 1 and Customer.objects.count() == 1


def test_reception_may_capture_the_mobile_too(receptionist, consultant, visit):
    assert visit_capture(actor=receptionist, visit=visit, mobile="13800138000").captured


def test_a_visit_already_captured_cannot_be_captured_again(receptionist, consultant):
    visit = visit_register(actor=receptionist, mobile="13800138000")

    with pytest.raises(DomainError) as refused:
        visit_capture(actor=consultant, visit=visit, mobile="13900139000")

    assert refused.value.code == "already_captured"


def test_a_visit_that_is_not_sales_traffic_opens_no_lead(receptionist, consultant):
    visit = visit_register(actor=receptionist, purpose=VisitPurpose.SERVICE)

    with pytest.raises(DomainError) as refused:
        visit_capture(actor=receptionist, visit=visit, mobile="13800138000")

    assert refused.value.code == "not_sales"
    assert not Lead.objects.exists()


def test_an_invalid_mobile_is_refused_on_its_field(consultant, visit):
    with pytest.raises(DomainError) as refused:
        visit_capture(actor=consultant, visit=visit, mobile="1234")

    assert refused.value.field == "mobile"
    visit.refresh_from_db()
    assert not visit.captured


def test_a_colleague_and_another_store_get_not_found(colleague, outsider, visit):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            visit_capture(actor=actor, visit=visit, mobile="13800138000")
    assert not Customer.objects.exists()
