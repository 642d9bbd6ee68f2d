"""A manager merges a duplicate customer record into the one that stays, keeping all its history."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry, PiiAccess
from showroom.audit.selectors import entries_for
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.customers.models import ConsentRecord, Customer
from showroom.customers.selectors import customer_list
from showroom.customers.services import (
    customer_create,
    customer_merge,
    customer_record_consent,
    customer_reveal,
    customer_set_tags,
)
from showroom.leads.models import Lead
from showroom.leads.services import lead_create
from showroom.reception.models import Visit
from showroom.reception.services import visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def survivor(consultant):
    customer, _ = customer_create(actor=consultant, fields={"name": "张三", "wechat_id": "zhangsan_wx", "notes": "朋友介绍"})
    customer_set_tags(actor=consultant, customer=customer, names=["老客户"])
    return customer


@pytest.fixture
def duplicate(consultant, receptionist):
    lead, _ = lead_create(
        actor=consultant, lead_fields=WALK_IN,
        customer_fields={"name": "张先生", "mobile": "13800138000", "city": "北京", "id_number": "360426199101010071",
                         "notes": "想看Q5L"},
    )
    customer = lead.customer
    visit_register(actor=receptionist, mobile="13800138000")
    customer_record_consent(actor=consultant, customer=customer, kind="contact", granted=True, method="paper")
    customer_reveal(actor=consultant, customer=customer, field="mobile", purpose="call")
    customer_set_tags(actor=consultant, customer=customer, names=["置换"])
    return Customer.objects.get(pk=customer.pk)


def test_merging_moves_the_duplicates_leads_visits_consents_and_history_to_the_survivor(manager, survivor, duplicate):
    lead = Lead.objects.get(customer=duplicate)
    duplicate_history = set(AuditEntry.objects.filter(target_id=duplicate.pk, action__startswith="customers.")
                            .values_list("pk", flat=True))

    customer_merge(actor=manager, survivor=survivor, duplicate=duplicate)

    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert Lead.objects.get(pk=lead.pk).customer_id == survivor.pk
    assert Visit.objects.get().customer_id == survivor.pk
    assert ConsentRecord.objects.get().customer_id == survivor.pk
    assert PiiAccess.objects.get().customer_id == survivor.pk
    assert duplicate_history <= {e.pk for e in entries_for(survivor)}


def test_merging_fills_the_survivors_blanks_from_the_duplicate_and_keeps_what_the_survivor_had(manager, survivor, duplicate):
    customer_merge(actor=manager, survivor=survivor, duplicate=duplicate)

    survivor.refresh_from_db()
    assert survivor.name == "张三" and survivor.wechat_id == "zhangsan_wx"
    assert survivor.mobile == "13800138000" and survivor.mobile_last4 == "8000"
    assert survivor.city == "北京" and survivor.id_number == "360426199101010071" and survivor.gender == "male"
    assert survivor.notes == "朋友介绍\n想看Q5L"
    assert survivor.consent_contact is True
    assert sorted(survivor.tags.values_list("name", flat=True)) == ["置换", "老客户"]
    assert survivor.version > 1 and survivor.updated_by == manager


def test_after_the_merge_the_survivor_is_found_by_the_duplicates_mobile(manager, survivor, duplicate):
    customer_merge(actor=manager, survivor=survivor, duplicate=duplicate)

    assert list(customer_list(manager, query="13800138000")) == [survivor]
    assert list(customer_list(manager, query="8000")) == [survivor]


def test_the_merge_is_audited_with_the_merged_record_and_what_moved(manager, survivor, duplicate):
    customer_merge(actor=manager, survivor=survivor, duplicate=duplicate)

    entry = AuditEntry.objects.get(action="customers.merged")
    assert entry.actor == manager and entry.target_id == survivor.pk
    assert entry.data["merged"]["id"] == duplicate.pk and entry.data["merged"]["mobile"] == "138****8000"
    assert entry.data["moved"]["leads"] == 1 and entry.data["moved"]["visits"] == 1 and entry.data["moved"]["consents"] == 1
    assert set(entry.data["filled"]) >= {"mobile", "city", "id_number", "gender", "notes"}


def test_a_pooled_survivor_takes_the_duplicates_consultant(manager, consultant, duplicate):
    pooled, _ = customer_create(actor=manager, fields={"name": "张三"})

    customer_merge(actor=manager, survivor=pooled, duplicate=duplicate)

    pooled.refresh_from_db()
    assert pooled.owner == consultant


def test_a_consultant_cannot_merge_customers(consultant, survivor, duplicate):
    with pytest.raises(PermissionDenied):
        customer_merge(actor=consultant, survivor=survivor, duplicate=duplicate)

    assert Customer.objects.filter(pk=duplicate.pk).exists()


def test_a_customer_cannot_be_merged_into_itself(manager, survivor):
    with pytest.raises(DomainError) as refused:
        customer_merge(actor=manager, survivor=survivor, duplicate=survivor)

    assert refused.value.code == "merge_same"


def test_a_customer_of_another_store_is_not_found_for_the_merge(manager, survivor, outsider):
    theirs, _ = customer_create(actor=outsider, fields={"name": "张三", "mobile": "13800138000"})

    with pytest.raises(NotFound):
        customer_merge(actor=manager, survivor=survivor, duplicate=theirs)
    with pytest.raises(NotFound):
        customer_merge(actor=manager, survivor=theirs, duplicate=survivor)

    assert Customer.objects.filter(pk=theirs.pk).exists()
