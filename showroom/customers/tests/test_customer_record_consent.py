"""PIPL consent: given or withdrawn, with when and how, kept as a history."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.customers.models import ConsentKind, ConsentMethod, ConsentRecord
from showroom.customers.services import customer_create, customer_record_consent

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def customer(consultant):
    return customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})[0]


def test_consent_given_and_then_withdrawn_is_kept_as_a_history_with_time_and_method(consultant, customer, frozen):
    customer_record_consent(actor=consultant, customer=customer, kind=ConsentKind.CONTACT, granted=True,
                            method=ConsentMethod.PAPER, note=" 来店时签字 ")
    frozen.shift(dt.timedelta(days=3))
    customer_record_consent(actor=consultant, customer=customer, kind=ConsentKind.CONTACT, granted=False,
                            method=ConsentMethod.SMS)

    customer.refresh_from_db()
    assert customer.consent_contact is False
    history = list(customer.consents.all())
    assert [(c.granted, c.method, c.note, c.recorded_at, c.recorded_by) for c in history] == [
        (False, ConsentMethod.SMS, "", NOW + dt.timedelta(days=3), consultant),
        (True, ConsentMethod.PAPER, "来店时签字", NOW, consultant),
    ]


def test_marketing_consent_is_separate_from_consent_to_be_contacted(consultant, customer):
    customer_record_consent(actor=consultant, customer=customer, kind=ConsentKind.MARKETING, granted=True,
                            method=ConsentMethod.WECHAT)

    customer.refresh_from_db()
    assert customer.consent_marketing is True and customer.consent_contact is False


def test_recording_consent_is_audited_with_old_and_new_value_and_leaves_the_version_alone(consultant, customer):
    customer_record_consent(actor=consultant, customer=customer, kind=ConsentKind.CONTACT, granted=True,
                            method=ConsentMethod.VERBAL)

    entry = AuditEntry.objects.get(action="customers.consent_recorded")
    assert entry.actor == consultant and entry.target_id == customer.pk
    assert entry.data == {"kind": "contact", "from": False, "to": True, "method": "verbal"}
    customer.refresh_from_db()
    assert customer.version == 1  # an editor of the customer form is not interrupted by a consent


@pytest.mark.parametrize(("kind", "method", "field"), [("newsletter", "paper", "kind"), ("contact", "telepathy", "method")])
def test_an_unknown_consent_or_method_is_refused_on_its_field(consultant, customer, kind, method, field):
    with pytest.raises(DomainError) as refused:
        customer_record_consent(actor=consultant, customer=customer, kind=kind, granted=True, method=method)

    assert refused.value.field == field
    assert not ConsentRecord.objects.exists()


def test_a_colleague_or_another_store_cannot_record_consent_and_a_receptionist_may_not(
    colleague, outsider, receptionist, customer
):
    for actor in (colleague, outsider):
        with pytest.raises(NotFound):
            customer_record_consent(actor=actor, customer=customer, kind="contact", granted=True, method="paper")
    with pytest.raises(PermissionDenied):
        customer_record_consent(actor=receptionist, customer=customer, kind="contact", granted=True, method="paper")

    assert not ConsentRecord.objects.exists()
