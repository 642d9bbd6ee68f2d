"""Editing what we know of a lead: checked, audited, and refused when someone saved in between."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.leads.models import Lead
from showroom.leads.services import lead_create, lead_update

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lead(consultant):
    return lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=WALK_IN)[0]


def test_a_consultant_records_interest_budget_and_timing_and_each_change_is_audited(consultant, lead):
    lead_update(actor=consultant, lead=lead, expected_version=1, fields={
        "models_of_interest": " Q5L ", "budget_min": "300000", "budget_max": Decimal("350000"),
        "expected_purchase_date": dt.date(2026, 4, 1), "stage": 70, "owner": None,
    })

    lead.refresh_from_db()
    assert lead.models_of_interest == "Q5L"
    assert (lead.budget_min, lead.budget_max) == (Decimal("300000.00"), Decimal("350000.00"))
    assert lead.expected_purchase_date == dt.date(2026, 4, 1)
    assert lead.stage == 10 and lead.owner == consultant  # stage and owner have their own services
    assert lead.version == 2 and lead.updated_by == consultant
    entry = AuditEntry.objects.get(action="leads.updated")
    assert entry.data == {"changes": {
        "models_of_interest": ["", "Q5L"], "budget_min": [None, "300000.00"], "budget_max": [None, "350000.00"],
        "expected_purchase_date": [None, "2026-04-01"],
    }}


def test_a_budget_range_is_checked_against_what_the_lead_already_has(consultant, lead):
    lead_update(actor=consultant, lead=lead, expected_version=1, fields={"budget_max": "300000"})

    with pytest.raises(DomainError) as refused:
        lead_update(actor=consultant, lead=lead, expected_version=2, fields={"budget_min": "400000"})

    assert refused.value.code == "budget_range"


def test_changing_the_channel_checks_the_source_still_belongs_to_it(consultant, lead):
    with pytest.raises(DomainError) as refused:
        lead_update(actor=consultant, lead=lead, expected_version=1, fields={"channel": Channel.ONLINE})

    assert refused.value.code == "source_channel_mismatch"
    lead_update(actor=consultant, lead=lead, expected_version=1, fields={"channel": Channel.ONLINE, "source": Source.YICHE})
    lead.refresh_from_db()
    assert (lead.channel, lead.source) == (Channel.ONLINE, Source.YICHE)


def test_the_second_of_two_editors_is_refused_with_who_and_when_and_nothing_is_saved(consultant, manager, lead, frozen):
    frozen.shift(dt.timedelta(minutes=5))
    lead_update(actor=manager, lead=lead, expected_version=1, fields={"notes": "经理备注"})

    with pytest.raises(Conflict) as refused:
        lead_update(actor=consultant, lead=lead, expected_version=1, fields={"notes": "我的备注"})

    assert "赵经理" in str(refused.value.message) and "10:05" in str(refused.value.message)
    lead.refresh_from_db()
    assert lead.notes == "经理备注" and lead.version == 2
    assert AuditEntry.objects.filter(action="leads.updated").count() == 1


def test_a_colleague_gets_not_found_and_a_receptionist_is_refused(colleague, outsider, receptionist, lead):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            lead_update(actor=actor, lead=lead, expected_version=1, fields={"notes": "x"})
    with pytest.raises(PermissionDenied):
        lead_update(actor=receptionist, lead=lead, expected_version=1, fields={"notes": "x"})
    assert Lead.objects.get().notes == ""
