"""Who may quote, approve and set prices. The receptionist and the service advisor do none of it — not even the advisor
who referred the customer and so sees the quotes; a consultant neither approves nor sets the store's prices."""

from decimal import Decimal

import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import NotFound, PermissionDenied
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_claim, lead_create
from showroom.quotes import services
from showroom.quotes.models import ApprovalStatus, Quote, QuoteStatus

from .conftest import make_quote, quote_fields


@pytest.fixture
def advisor(store):
    return UserFactory(store=store, role=Role.SERVICE_ADVISOR, username="advisor", full_name="孙师傅")


@pytest.fixture
def referred(advisor, consultant, frozen, quote_settings, trim):
    """A service customer the advisor referred, claimed by the consultant: an issued quote and a draft beyond the
    consultant's limit awaiting the manager."""
    lead = lead_create(actor=advisor, customer_fields={"name": "钱七", "mobile": "13700137000"},
                       lead_fields={"channel": Channel.PROACTIVE, "source": Source.SERVICE_CUSTOMER})[0]
    lead = lead_claim(actor=consultant, lead=lead)
    for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE):
        lead = lead_advance_stage(actor=consultant, lead=lead, to=step)
    issued = services.quote_issue(actor=consultant, quote=make_quote(consultant, lead, trim))
    pending = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=pending, reason="客户要求")
    return {"lead": lead, "issued": issued, "pending": pending, "request": request, "trim": trim}


ACTIONS = {
    "create": lambda user, d: services.quote_create(actor=user, lead=d["lead"], fields=quote_fields(d["trim"])),
    "preview": lambda user, d: services.quote_preview(actor=user, lead=d["lead"], fields=quote_fields(d["trim"]),
                                                      lines=[]),
    "new_version": lambda user, d: services.quote_new_version(actor=user, quote=d["issued"]),
    "issue": lambda user, d: services.quote_issue(actor=user, quote=d["issued"]),
    "decline": lambda user, d: services.quote_decline(actor=user, quote=d["issued"], reason="太贵"),
    "accept": lambda user, d: services.quote_accept(actor=user, quote=d["issued"]),
    "negotiate": lambda user, d: services.negotiation_record(actor=user, lead=d["lead"], fields={
        "counter_offer": Decimal("370000"), "answer": "请示经理"}),
    "approve": lambda user, d: services.approval_decide(actor=user, approval=d["request"], approve=True),
    "seen": lambda user, d: services.approval_mark_seen(actor=user, approval=d["request"]),
}
SETTINGS = {
    "settings": lambda user, d: services.quote_settings_save(actor=user, fields={"validity_days": 30}),
    "limit": lambda user, d: services.discount_limit_set(actor=user, consultant=d["lead"].owner,
                                                         amount=Decimal("99999")),
    "floor": lambda user, d: services.floor_price_set(actor=user, trim=d["trim"], price=Decimal("300000")),
    "unified": lambda user, d: services.unified_price_set(actor=user, trim=d["trim"], unified=True),
    "rates": lambda user, d: services.insurance_rates_replace(actor=user, bands=[{"rate": Decimal("0.02")}]),
    "vessel_tax": lambda user, d: services.vessel_tax_apply_preset(actor=user, preset="beijing"),
}


def _unchanged(referred, entries: int) -> None:
    assert Quote.objects.get(pk=referred["issued"].pk).status == QuoteStatus.ISSUED
    assert Quote.objects.get(pk=referred["pending"].pk).status == QuoteStatus.PENDING_APPROVAL
    referred["request"].refresh_from_db()
    assert referred["request"].status == ApprovalStatus.PENDING and referred["request"].seen_at is None
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("action", [*ACTIONS, *SETTINGS])
@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.SERVICE_ADVISOR])
def test_the_receptionist_and_the_referring_service_advisor_cannot_quote_approve_or_set_prices(store, advisor,
                                                                                              referred, role, action):
    user = advisor if role == Role.SERVICE_ADVISOR else UserFactory(store=store, role=role)
    entries = AuditEntry.objects.count()
    with pytest.raises((PermissionDenied, NotFound)):  # the receptionist does not even see the request
        {**ACTIONS, **SETTINGS}[action](user, referred)
    _unchanged(referred, entries)


def test_the_referring_advisor_sees_the_quotes_they_may_not_work(advisor, referred):
    assert Quote.objects.visible_to(advisor).filter(lead_id=referred["lead"].pk).count() == 2


@pytest.mark.parametrize("action", ["approve", *SETTINGS])
def test_a_consultant_neither_approves_nor_sets_the_stores_prices(consultant, referred, action):
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        {**ACTIONS, **SETTINGS}[action](consultant, referred)
    _unchanged(referred, entries)
