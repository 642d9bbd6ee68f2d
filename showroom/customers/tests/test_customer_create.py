"""Filing a prospect: one customer per mobile within a store, found again instead of filed twice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, PermissionDenied
from showroom.customers.models import Customer, CustomerKind
from showroom.customers.services import customer_create, customer_find_or_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_consultant_files_a_prospect_who_becomes_their_customer_with_search_keys(consultant):
    customer, created = customer_create(
        actor=consultant, fields={"name": " 张三 ", "mobile": "+86 138-0013-8000", "id_number": "360426199101010071"}
    )

    assert created
    customer.refresh_from_db()
    assert customer.name == "张三"
    assert customer.owner == consultant and customer.created_by == consultant
    assert customer.store == consultant.store
    assert customer.mobile == "13800138000" and customer.mobile_last4 == "8000"
    assert customer.masked_mobile == "138****8000"
    assert (customer.name_pinyin, customer.name_initials) == ("zhangsan", "zs")
    assert customer.gender == "male"  # read from the ID number
    assert customer.masked_id_number == "360426********0071"


def test_filing_the_same_mobile_twice_finds_the_customer_already_filed(consultant):
    first, created_first = customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})
    second, created_second = customer_create(actor=consultant, fields={"name": "张三丰", "mobile": "138 0013 8000"})

    assert created_first and not created_second
    assert second.pk == first.pk
    assert Customer.objects.count() == 1
    assert Customer.objects.get().name == "张三"  # the second attempt changes nothing
    assert AuditEntry.objects.filter(action="customers.created").count() == 1


def test_the_same_mobile_in_another_store_is_another_customer(consultant, outsider):
    mine, _ = customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})
    theirs, created = customer_create(actor=outsider, fields={"name": "张三", "mobile": "13800138000"})

    assert created
    assert theirs.pk != mine.pk
    assert theirs.store == outsider.store and theirs.owner == outsider


def test_a_mobile_filed_by_a_colleague_is_refused_without_showing_their_customer(consultant, colleague):
    customer_create(actor=colleague, fields={"name": "欧阳娜娜", "mobile": "13800138000", "notes": "VIP，想要Q5L"})

    with pytest.raises(DomainError) as refused:
        customer_create(actor=consultant, fields={"name": "娜娜", "mobile": "13800138000"})

    assert refused.value.code == "duplicate_mobile"
    assert refused.value.field == "mobile"
    message = str(refused.value.message)
    assert "欧阳娜娜" not in message and "Q5L" not in message and "13800138000" not in message
    assert Customer.objects.count() == 1


def test_a_prospect_in_the_unassigned_pool_is_found_by_a_consultant(consultant, manager):
    pooled, _ = customer_create(actor=manager, fields={"name": "张三", "mobile": "13800138000"})

    found, created = customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})

    assert pooled.owner is None
    assert not created and found.pk == pooled.pk


def test_reception_finds_a_colleagues_customer_by_mobile_to_route_the_visit(store, receptionist, colleague):
    theirs, _ = customer_create(actor=colleague, fields={"name": "张三", "mobile": "13800138000"})

    found, created = customer_find_or_create(actor=receptionist, store=store, fields={"name": "张先生", "mobile": "13800138000"})

    assert not created and found.pk == theirs.pk


def test_a_duplicate_filed_by_someone_else_at_the_same_moment_returns_their_customer(consultant, monkeypatch):
    """The race the unique constraint settles: our check found nothing, their insert landed first."""
    real_filter = Customer.objects.filter
    raced = []

    def filed_meanwhile(*args, **kwargs):
        if kwargs.get("mobile") == "13800138000" and not raced:
            raced.append(Customer.objects.create(
                store=consultant.store, owner=consultant, name="张三", mobile="13800138000", mobile_last4="8000"
            ))
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Customer.objects, "filter", filed_meanwhile)

    found, created = customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})

    assert raced, "the race was not simulated"
    assert not created and found.pk == raced[0].pk
    assert Customer.objects.count() == 1
    assert not AuditEntry.objects.filter(action="customers.created").exists()


def test_a_duplicate_filed_by_a_colleague_at_the_same_moment_is_refused(consultant, colleague, monkeypatch):
    real_filter = Customer.objects.filter
    raced = []

    def filed_meanwhile(*args, **kwargs):
        if kwargs.get("mobile") == "13800138000" and not raced:
            raced.append(Customer.objects.create(store=colleague.store, owner=colleague, name="张三", mobile="13800138000"))
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Customer.objects, "filter", filed_meanwhile)

    with pytest.raises(DomainError) as refused:
        customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})

    assert refused.value.code == "duplicate_mobile"
    assert not AuditEntry.objects.filter(action="customers.created").exists()


def test_customers_without_a_mobile_are_never_merged_by_the_dedupe(consultant):
    first, _ = customer_create(actor=consultant, fields={"name": "北京某某科技有限公司", "kind": CustomerKind.COMPANY})
    second, created = customer_create(actor=consultant, fields={"name": "北京某某科技有限公司", "kind": CustomerKind.COMPANY})

    assert created and second.pk != first.pk
    assert first.mobile is None and first.mobile_last4 == ""


def test_a_manager_files_a_prospect_into_the_unassigned_pool_or_for_a_consultant(manager, consultant):
    pooled, _ = customer_create(actor=manager, fields={"name": "张三", "mobile": "13800138000"})
    given, _ = customer_create(actor=manager, fields={"name": "李四", "mobile": "13900139000"}, owner=consultant)

    assert pooled.owner is None
    assert given.owner == consultant


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": "  ", "mobile": "13800138000"}, "name", "name_required"),
        ({"mobile": "13800138000"}, "name", "name_required"),
        ({"name": "张三", "mobile": "12800138000"}, "mobile", "mobile_invalid"),
        ({"name": "张三", "id_number": "360426199101010072"}, "id_number", "id_number_invalid"),
        ({"name": "张三", "kind": "robot"}, "kind", "kind_invalid"),
        ({"name": "张三", "gender": "x"}, "gender", "gender_invalid"),
    ],
)
def test_a_prospect_with_a_missing_or_invalid_field_is_refused_on_that_field_and_nothing_is_filed(consultant, fields, field, code):
    with pytest.raises(DomainError) as refused:
        customer_create(actor=consultant, fields=fields)

    assert refused.value.field == field and refused.value.code == code
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_receptionist_or_a_service_advisor_cannot_file_customers_from_the_customer_form(store, receptionist):
    advisor = UserFactory(store=store, role=Role.SERVICE_ADVISOR)

    for actor in (receptionist, advisor):
        with pytest.raises(PermissionDenied):
            customer_create(actor=actor, fields={"name": "张三", "mobile": "13800138000"})

    assert not Customer.objects.exists()


def test_filing_a_customer_is_audited_with_what_was_filed(consultant):
    customer, _ = customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000", "city": "北京"})

    entry = AuditEntry.objects.get(action="customers.created")
    assert entry.actor == consultant and entry.target_id == customer.pk and entry.store_id == consultant.store_id
    assert entry.data["name"] == "张三" and entry.data["mobile"] == "138****8000" and entry.data["city"] == "北京"
    assert entry.data["owner_id"] == consultant.pk
