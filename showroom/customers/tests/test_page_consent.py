"""Recording consent on the customer's card: given or withdrawn, how, and its history (PIPL)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from showroom.audit.models import AuditEntry
from showroom.customers.models import ConsentRecord
from showroom.customers.services import customer_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def customer(consultant):
    return customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})[0]


def _record(client, user, customer, **data):
    client.force_login(user)
    return client.post(reverse("customers:consent", args=[customer.pk]),
                       {"kind": "marketing", "granted": "1", "method": "paper", "note": "", **data})


def _consent_card(client, customer) -> str:
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    start = page.index('data-testid="consent"')
    return page[start: page.index('data-testid="customer-leads"')]


def test_consent_given_shows_on_the_card_with_how_and_who(client, consultant, customer):
    response = _record(client, consultant, customer, note="店内签字")

    assert response.status_code == 302 and response["Location"] == reverse("customers:detail", args=[customer.pk])
    customer.refresh_from_db()
    assert customer.consent_marketing and not customer.consent_contact
    card = _consent_card(client, customer)
    assert "Consent recorded." not in card  # the message shows at the top of the page, not in the card
    marketing = card[card.index('data-testid="consent-marketing"'):]
    assert marketing.index("Yes") < marketing.index("</li>")
    assert "Marketing messages" in card and "given" in card and "Signed paper form" in card
    assert "王小明" in card and "店内签字" in card and "2026-03-10 10:00" in card
    assert AuditEntry.objects.filter(action="customers.consent_recorded").count() == 1


def test_withdrawing_is_as_easy_as_giving_and_the_history_keeps_both_newest_first(client, consultant, customer, frozen):
    _record(client, consultant, customer)
    frozen.shift(dt.timedelta(days=2))
    _record(client, consultant, customer, granted="0", method="phone")

    customer.refresh_from_db()
    assert not customer.consent_marketing
    card = _consent_card(client, customer)
    history = card[card.index('data-testid="consent-history"'):]
    assert history.count("data-consent=") == 2
    assert history.index("withdrawn") < history.index("given")
    assert history.index("2026-03-12 10:00") < history.index("2026-03-10 10:00")


def test_a_bad_choice_is_shown_on_its_field_and_htmx_gets_422_and_nothing_is_recorded(client, consultant, customer):
    client.force_login(consultant)

    response = client.post(reverse("customers:consent", args=[customer.pk]),
                           {"kind": "contact", "granted": "1", "method": "telepathy"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 422
    assert page.startswith('<div id="consent-form">') and 'data-field-error="method"' in page
    assert not ConsentRecord.objects.exists()


def test_without_htmx_a_refused_form_shows_the_card_again_with_the_errors(client, consultant, customer):
    response = _record(client, consultant, customer, kind="")

    page = response.content.decode()
    assert response.status_code == 200 and 'data-field-error="kind"' in page and "138****8000" in page
    assert not ConsentRecord.objects.exists()


def test_opening_the_consent_address_goes_back_to_the_card(client, consultant, customer):
    client.force_login(consultant)

    response = client.get(reverse("customers:consent", args=[customer.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("customers:detail", args=[customer.pk])


@pytest.mark.parametrize("who", ["colleague", "outsider", "receptionist"])
def test_a_colleague_another_store_and_reception_get_404_and_nothing_is_recorded(client, request, customer, who):
    response = _record(client, request.getfixturevalue(who), customer)

    assert response.status_code == 404
    assert not ConsentRecord.objects.exists()
