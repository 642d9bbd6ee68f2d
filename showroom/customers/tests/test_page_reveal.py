"""The "show" button: the full mobile or ID number for roles entitled to it, and every showing logged (PIPL)."""

import pytest
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import PiiAccess
from showroom.core.choices import Channel, Source
from showroom.customers.services import customer_create
from showroom.leads.services import lead_create


@pytest.fixture
def customer(consultant):
    return customer_create(actor=consultant, fields={
        "name": "张三", "mobile": "13800138000", "id_number": "11010519491231002X"})[0]


def _reveal(client, user, customer, field, **headers):
    client.force_login(user)
    return client.post(reverse("customers:reveal", args=[customer.pk]), {"field": field}, **headers)


def test_the_owner_sees_the_full_mobile_swapped_in_and_the_showing_is_logged(client, consultant, customer):
    response = _reveal(client, consultant, customer, "mobile", HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<span id="pii-mobile"')
    assert '<span class="fw-semibold" data-revealed="mobile">13800138000</span>' in page
    access = PiiAccess.objects.get()
    assert (access.actor, access.customer_id, access.field) == (consultant, customer.pk, "mobile")


def test_a_manager_sees_the_full_id_number_and_it_is_logged(client, manager, customer):
    response = _reveal(client, manager, customer, "id_number", HTTP_HX_REQUEST="true")

    assert "11010519491231002X" in response.content.decode()
    assert PiiAccess.objects.filter(actor=manager, field="id_number").count() == 1


def test_without_htmx_the_card_is_shown_again_with_the_value_revealed(client, consultant, customer):
    response = _reveal(client, consultant, customer, "mobile")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-revealed="mobile">13800138000<' in page
    assert "110105********002X" in page and "11010519491231002X" not in page
    assert PiiAccess.objects.count() == 1


def test_each_showing_is_logged_again(client, consultant, customer):
    _reveal(client, consultant, customer, "mobile", HTTP_HX_REQUEST="true")
    _reveal(client, consultant, customer, "mobile", HTTP_HX_REQUEST="true")

    assert PiiAccess.objects.count() == 2


def test_a_field_that_is_not_personal_data_is_refused_and_nothing_is_logged(client, consultant, customer):
    response = _reveal(client, consultant, customer, "notes")

    assert response.status_code == 400
    assert not PiiAccess.objects.exists()


def test_revealing_needs_a_post(client, consultant, customer):
    client.force_login(consultant)

    response = client.get(reverse("customers:reveal", args=[customer.pk]), {"field": "mobile"})

    assert response.status_code == 405
    assert not PiiAccess.objects.exists()


def test_a_service_advisor_who_referred_the_customer_may_not_see_full_values(client, store, consultant):
    advisor = UserFactory(store=store, role=Role.SERVICE_ADVISOR, username="advisor")
    lead, _ = lead_create(actor=advisor, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.PROACTIVE, "source": Source.SERVICE_CUSTOMER})

    response = _reveal(client, advisor, lead.customer, "mobile", HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    assert "13800138000" not in response.content.decode()
    assert not PiiAccess.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
def test_a_colleague_another_store_and_reception_get_404_and_nothing_is_logged(client, request, customer, who):
    response = _reveal(client, request.getfixturevalue(who), customer, "mobile", HTTP_HX_REQUEST="true")

    assert response.status_code == 404
    assert "13800138000" not in response.content.decode()
    assert not PiiAccess.objects.exists()
