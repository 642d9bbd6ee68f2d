"""Editing the customer file: checked, audited, and safe when two people edit at once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.customers.models import Customer
from showroom.customers.services import customer_create, customer_set_tags, customer_update

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def customer(consultant):
    return customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})[0]


def test_a_consultant_renames_their_customer_and_the_search_keys_and_version_follow(consultant, customer):
    updated = customer_update(actor=consultant, customer=customer, fields={"name": "曾小贤", "city": "北京"}, expected_version=1)

    updated.refresh_from_db()
    assert updated.name == "曾小贤" and updated.city == "北京"
    assert (updated.name_pinyin, updated.name_initials) == ("zengxiaoxian", "zxx")
    assert updated.version == 2 and updated.updated_by == consultant


def test_an_edit_is_audited_with_each_changed_field_old_and_new(consultant, customer):
    customer_update(actor=consultant, customer=customer, fields={"name": "张三丰", "mobile": "139 0013 9000", "city": ""},
                    expected_version=1)

    entry = AuditEntry.objects.get(action="customers.updated")
    assert entry.actor == consultant and entry.target_id == customer.pk
    assert entry.data == {"changes": {"name": ["张三", "张三丰"], "mobile": ["138****8000", "139****9000"]}}


def test_saving_without_a_change_writes_no_audit_entry(consultant, customer):
    customer_update(actor=consultant, customer=customer, fields={"name": "张三"}, expected_version=1)

    assert not AuditEntry.objects.filter(action="customers.updated").exists()


def test_the_second_of_two_editors_is_refused_with_who_changed_it_and_when_and_nothing_is_saved(
    consultant, manager, customer, frozen
):
    loaded_by_manager = Customer.objects.get(pk=customer.pk)  # both open the edit form at version 1
    frozen.shift(dt.timedelta(minutes=7))
    customer_update(actor=consultant, customer=customer, fields={"city": "北京"}, expected_version=1)
    frozen.shift(dt.timedelta(minutes=3))

    with pytest.raises(Conflict) as refused:
        customer_update(actor=manager, customer=loaded_by_manager, fields={"city": "上海", "notes": "改"},
                        expected_version=loaded_by_manager.version)

    message = str(refused.value.message)
    assert "王小明" in message  # the consultant who saved first
    assert "March 10, 2026, 10:07" in message  # when, in the store's time
    assert "Reload" in message
    assert refused.value.status == 409 and refused.value.field == "version"
    customer.refresh_from_db()
    assert customer.city == "北京" and customer.notes == "" and customer.version == 2
    assert AuditEntry.objects.filter(action="customers.updated").count() == 1


def test_a_save_without_a_version_is_not_checked(consultant, customer):
    customer_update(actor=consultant, customer=customer, fields={"city": "北京"}, expected_version=1)

    customer_update(actor=consultant, customer=customer, fields={"city": "上海"}, expected_version=None)

    customer.refresh_from_db()
    assert customer.city == "上海" and customer.version == 3


def test_changing_the_mobile_to_another_customers_mobile_is_refused_and_nothing_is_saved(consultant, customer):
    customer_create(actor=consultant, fields={"name": "李四", "mobile": "13900139000"})

    with pytest.raises(DomainError) as refused:
        customer_update(actor=consultant, customer=customer, fields={"mobile": "13900139000", "city": "北京"}, expected_version=1)

    assert refused.value.code == "duplicate_mobile" and refused.value.field == "mobile"
    customer.refresh_from_db()
    assert customer.mobile == "13800138000" and customer.city == "" and customer.version == 1


def test_an_invalid_resident_id_number_is_refused_on_its_field_and_nothing_is_saved(consultant, customer):
    with pytest.raises(DomainError) as refused:
        customer_update(actor=consultant, customer=customer, fields={"id_number": "360426199101010072", "city": "北京"},
                        expected_version=1)

    assert refused.value.field == "id_number"
    customer.refresh_from_db()
    assert customer.id_number == "" and customer.city == ""


def test_a_valid_resident_id_number_sets_the_gender_unless_one_was_chosen(consultant, customer):
    customer_update(actor=consultant, customer=customer, fields={"id_number": "11010519491231002x"}, expected_version=1)
    customer.refresh_from_db()
    assert customer.id_number == "11010519491231002X" and customer.gender == "female"

    customer_update(actor=consultant, customer=customer, fields={"id_number": "360426199101010071", "gender": "female"},
                    expected_version=2)
    customer.refresh_from_db()
    assert customer.gender == "female"


def test_removing_the_mobile_clears_its_last_four_digits(consultant, customer):
    customer_update(actor=consultant, customer=customer, fields={"mobile": ""}, expected_version=1)

    customer.refresh_from_db()
    assert customer.mobile is None and customer.mobile_last4 == ""


def test_a_colleague_or_another_store_cannot_edit_and_a_receptionist_has_no_right_to(
    colleague, outsider, receptionist, customer
):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            customer_update(actor=actor, customer=customer, fields={"name": "改名"}, expected_version=1)
    with pytest.raises(PermissionDenied):
        customer_update(actor=receptionist, customer=customer, fields={"name": "改名"}, expected_version=1)

    customer.refresh_from_db()
    assert customer.name == "张三"


def test_tags_are_replaced_created_once_per_store_and_audited(consultant, customer):
    customer_set_tags(actor=consultant, customer=customer, names=["老客户", " 置换 ", "置换", ""])
    customer_set_tags(actor=consultant, customer=customer, names=["置换"])

    assert list(customer.tags.values_list("name", flat=True)) == ["置换"]
    entries = AuditEntry.objects.filter(action="customers.tags_changed").order_by("id")
    assert [e.data for e in entries] == [
        {"from": [], "to": ["置换", "老客户"]}, {"from": ["置换", "老客户"], "to": ["置换"]},
    ]
    customer.refresh_from_db()
    assert customer.version == 1  # tags are not in the edit form: editors are not interrupted


def test_a_change_hidden_by_the_mask_is_still_audited_and_the_log_never_holds_the_full_number(consultant, customer):
    customer_update(actor=consultant, customer=customer, fields={"mobile": "13912348000"}, expected_version=1)

    entry = AuditEntry.objects.get(action="customers.updated")
    assert entry.data == {"changes": {"mobile": ["138****8000", "139****8000"]}}
    assert "13912348000" not in str(AuditEntry.objects.values_list("data", flat=True))
