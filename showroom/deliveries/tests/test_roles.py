"""Who may run the hand-over. The receptionist and the service advisor paired with the owner — the one who does the
PDI in the workshop — do not book, tick, sign, photograph or complete a delivery in the system: the consultant (or
the manager) working the lead does, naming the advisor."""

import datetime as dt

import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.errors import NotFound, PermissionDenied
from showroom.deliveries import services
from showroom.deliveries.models import Delivery, DeliveryPhoto, DeliveryStatus
from showroom.testdrives.signature import as_data_url, drawn_signature

from .conftest import ALL_PDI, PETROL_CHECKLIST, TODAY, at
from .test_delivery_steps import png

LATER = at(TODAY + dt.timedelta(days=2), 15)
ACTIONS = {
    "schedule": lambda user, d: services.delivery_schedule(actor=user, lead=d.lead, scheduled_at=LATER, place="交车区2号位",
                                                           service_advisor=d.service_advisor),
    "reschedule": lambda user, d: services.delivery_reschedule(actor=user, delivery=d, scheduled_at=LATER,
                                                               place="交车区2号位", service_advisor=d.service_advisor),
    "pdi": lambda user, d: services.delivery_sign_off_pdi(actor=user, delivery=d, results=ALL_PDI,
                                                          inspector=d.service_advisor),
    "checklist": lambda user, d: services.delivery_record_checklist(
        actor=user, delivery=d, items=PETROL_CHECKLIST, first_service_due=TODAY + dt.timedelta(days=180)),
    "sign": lambda user, d: services.delivery_sign(actor=user, delivery=d, signer_name="张三",
                                                   signature_data_url=as_data_url(drawn_signature(2))),
    "add_photo": lambda user, d: services.delivery_add_photo(actor=user, delivery=d, data=png()),
    "remove_photo": lambda user, d: services.delivery_remove_photo(actor=user, photo=d.photos.get()),
    "complete": lambda user, d: services.delivery_complete(actor=user, delivery=d),
}


@pytest.fixture
def booked(consultant, ready_delivery):
    """The delivery with its PDI, checklist, signature and one photo: everything the hand-over needs."""
    services.delivery_add_photo(actor=consultant, delivery=ready_delivery, data=png(), caption="交钥匙")
    return ready_delivery


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.SERVICE_ADVISOR])
def test_the_receptionist_and_the_paired_service_advisor_cannot_run_the_hand_over(store, advisor, booked, role,
                                                                                 action):
    user = advisor if role == Role.SERVICE_ADVISOR else UserFactory(store=store, role=role)
    entries = AuditEntry.objects.count()
    with pytest.raises((PermissionDenied, NotFound)):
        ACTIONS[action](user, booked)
    delivery = Delivery.objects.get(pk=booked.pk)
    assert (delivery.status, delivery.version) == (DeliveryStatus.SCHEDULED, booked.version)
    assert DeliveryPhoto.objects.filter(delivery=delivery).count() == 1
    assert AuditEntry.objects.count() == entries
