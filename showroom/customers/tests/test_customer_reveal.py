"""Showing a full mobile or ID number: only to whom may see the customer, and always logged (PIPL)."""

import pytest

from showroom.audit.models import PiiAccess
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.customers.services import customer_create, customer_reveal


@pytest.fixture
def customer(consultant):
    return customer_create(
        actor=consultant, fields={"name": "张三", "mobile": "13800138000", "id_number": "11010519491231002X"}
    )[0]


def test_the_owner_sees_the_full_mobile_and_the_access_is_logged_with_its_purpose(consultant, customer):
    assert customer_reveal(actor=consultant, customer=customer, field="mobile", purpose="call") == "13800138000"

    access = PiiAccess.objects.get()
    assert (access.actor, access.customer, access.field, access.purpose, access.store_id) == (
        consultant, customer, "mobile", "call", customer.store_id,
    )


def test_the_full_id_number_is_revealed_to_a_manager_and_logged(manager, customer):
    assert customer_reveal(actor=manager, customer=customer, field="id_number") == "11010519491231002X"

    assert PiiAccess.objects.filter(actor=manager, field="id_number").count() == 1


def test_each_reveal_is_logged_again(consultant, customer):
    customer_reveal(actor=consultant, customer=customer, field="mobile")
    customer_reveal(actor=consultant, customer=customer, field="mobile")

    assert PiiAccess.objects.count() == 2


def test_revealing_an_empty_value_returns_an_empty_string(consultant):
    customer = customer_create(actor=consultant, fields={"name": "某公司"})[0]

    assert customer_reveal(actor=consultant, customer=customer, field="id_number") == ""


def test_a_field_that_is_not_personal_data_to_reveal_is_refused_and_nothing_is_logged(consultant, customer):
    with pytest.raises(DomainError) as refused:
        customer_reveal(actor=consultant, customer=customer, field="notes")

    assert refused.value.field == "field"
    assert not PiiAccess.objects.exists()


def test_a_colleague_and_another_store_get_not_found_and_a_receptionist_is_refused(
    colleague, outsider, receptionist, customer
):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            customer_reveal(actor=actor, customer=customer, field="mobile")
    with pytest.raises(PermissionDenied):
        customer_reveal(actor=receptionist, customer=customer, field="mobile")

    assert not PiiAccess.objects.exists()
