"""Who may act on an order. The receptionist and the service advisor never sign, take money, allocate, change or
cancel — not even the advisor who referred the customer and so sees the deal; a consultant does not decide what is
a manager's to decide."""

import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import PermissionDenied
from showroom.inventory.models import VehicleStatus
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_claim, lead_create
from showroom.orders import services
from showroom.orders.models import ChangeStatus, Order, OrderStatus

from .conftest import car, issue_quote


@pytest.fixture
def advisor(store):
    return UserFactory(store=store, role=Role.SERVICE_ADVISOR, username="advisor", full_name="孙师傅")


@pytest.fixture
def deal(advisor, consultant, store, frozen, quote_settings, trim, white, black):
    """A service customer the advisor referred, claimed and worked by the consultant up to a signed order with its
    car allocated and a change of the delivery place awaiting the manager."""
    lead = lead_create(actor=advisor, customer_fields={"name": "钱七", "mobile": "13700137000"},
                       lead_fields={"channel": Channel.PROACTIVE, "source": Source.SERVICE_CUSTOMER})[0]
    lead = lead_claim(actor=consultant, lead=lead)
    for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE):
        lead = lead_advance_stage(actor=consultant, lead=lead, to=step)
    order = services.order_sign(actor=consultant, quote=issue_quote(consultant, lead, trim, exterior=white,
                                                                    interior=black))
    order = services.order_allocate(actor=consultant, order=order, vehicle=car(store, trim, white, black, n=1))
    change = services.order_change(actor=consultant, order=order, changes={"delivery_place": "客户公司"},
                                   reason="客户要求")
    return {"order": order, "change": change, "spare": car(store, trim, white, black, n=2)}


ACTIONS = {
    "sign": lambda user, deal: services.order_sign(actor=user, quote=deal["order"].quote),
    "pay": lambda user, deal: services.payment_record(actor=user, order=deal["order"], kind="deposit", method="cash",
                                                      amount="1000"),
    "allocate": lambda user, deal: services.order_allocate(actor=user, order=deal["order"], vehicle=deal["spare"]),
    "release": lambda user, deal: services.order_release_vehicle(actor=user, order=deal["order"], reason="换车"),
    "factory_order": lambda user, deal: services.order_request_factory_order(actor=user, order=deal["order"]),
    "ready": lambda user, deal: services.order_mark_ready(actor=user, order=deal["order"]),
    "deliver": lambda user, deal: services.order_mark_delivered(actor=user, order=deal["order"]),
    "cancel": lambda user, deal: services.order_cancel(actor=user, order=deal["order"], cancelled_by="buyer",
                                                       reason="不买了"),
    "change": lambda user, deal: services.order_change(actor=user, order=deal["order"],
                                                       changes={"delivery_place": "4S店"}, reason="客户要求"),
    "decide_change": lambda user, deal: services.order_decide_change(actor=user, request=deal["change"],
                                                                     approve=True),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.SERVICE_ADVISOR])
def test_the_receptionist_and_the_referring_service_advisor_cannot_act_on_the_order(store, advisor, deal, role,
                                                                                    action):
    user = advisor if role == Role.SERVICE_ADVISOR else UserFactory(store=store, role=role)
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        ACTIONS[action](user, deal)
    order = Order.objects.select_related("vehicle").get(pk=deal["order"].pk)
    assert (order.status, order.version) == (OrderStatus.ALLOCATED, deal["order"].version)
    assert order.vehicle.status == VehicleStatus.RESERVED
    assert AuditEntry.objects.count() == entries


def test_the_referring_advisor_sees_the_deal_they_may_not_work(advisor, deal):
    assert Order.objects.visible_to(advisor).filter(pk=deal["order"].pk).exists()


def test_a_consultant_does_not_decide_a_change_to_a_signed_contract(consultant, deal):
    with pytest.raises(PermissionDenied):
        services.order_decide_change(actor=consultant, request=deal["change"], approve=True)
    deal["change"].refresh_from_db()
    assert deal["change"].status == ChangeStatus.PENDING
