"""Completing the delivery: refused until PDI, checklist, signature and money are there; then the lead is won, the
order and the car delivered, the customer an owner with the follow-up calls on the store's cadence."""

import datetime as dt

import pytest

from showroom.aftercare.models import AftercareCall, OwnedCar, Survey, SurveyStatus
from showroom.aftercare.services import settings_save
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError
from showroom.deliveries import services
from showroom.deliveries.models import DeliveryStatus
from showroom.followups.models import Task, TaskStatus
from showroom.inventory.models import VehicleStatus
from showroom.leads.models import Grade, Stage, Status
from showroom.orders import services as orders
from showroom.orders.models import OrderStatus

from .conftest import ALL_PDI, EV_CHECKLIST, NOW, PETROL_CHECKLIST, TODAY, at, ordered_lead, ready


def refused(consultant, delivery) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        services.delivery_complete(actor=consultant, delivery=delivery)
    return refusal.value


def assert_nothing_delivered(delivery):
    delivery.refresh_from_db()
    delivery.lead.refresh_from_db()
    delivery.order.refresh_from_db()
    assert delivery.status == DeliveryStatus.SCHEDULED
    assert delivery.lead.stage == Stage.ORDER and delivery.lead.status == Status.OPEN
    assert delivery.order.status != OrderStatus.DELIVERED
    assert not OwnedCar.objects.exists()


def test_completion_without_the_pdi_is_refused_and_nothing_changes(consultant, delivery, advisor, signature_url):
    services.delivery_record_checklist(actor=consultant, delivery=delivery, items=PETROL_CHECKLIST,
                                       first_service_due=TODAY + dt.timedelta(days=180))
    services.delivery_sign(actor=consultant, delivery=delivery, signer_name="张三", signature_data_url=signature_url)
    error = refused(consultant, delivery)
    assert error.code == "pdi_missing" and error.field == "pdi"
    assert_nothing_delivered(delivery)


def test_completion_with_an_open_checklist_item_names_it(consultant, delivery, advisor):
    services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    services.delivery_record_checklist(actor=consultant, delivery=delivery, items={**PETROL_CHECKLIST, "keys": False},
                                       first_service_due=TODAY + dt.timedelta(days=180))
    error = refused(consultant, delivery)
    assert error.code == "checklist_incomplete"
    assert "Two keys" in str(error.message)
    assert "signature" in error.fields  # every missing step is reported, not only the first
    assert_nothing_delivered(delivery)


def test_the_customer_cannot_sign_before_the_checklist_is_complete(consultant, delivery, signature_url):
    with pytest.raises(DomainError) as refusal:
        services.delivery_sign(actor=consultant, delivery=delivery, signer_name="张三", signature_data_url=signature_url)
    assert refusal.value.field == "signature"
    delivery.refresh_from_db()
    assert delivery.signed_at is None


def test_completion_without_the_signature_is_refused(consultant, delivery, advisor):
    services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    services.delivery_record_checklist(actor=consultant, delivery=delivery, items=PETROL_CHECKLIST,
                                       first_service_due=TODAY + dt.timedelta(days=180))
    error = refused(consultant, delivery)
    assert error.code == "signature_missing" and error.field == "signature"
    assert_nothing_delivered(delivery)


def test_completion_with_the_balance_outstanding_is_refused_with_the_amount(consultant, trim, frozen, quote_settings, advisor):
    lead, order = ordered_lead(consultant, trim, paid=False)
    delivery = services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY, 15), place="交车区",
                                          service_advisor=advisor)
    ready(consultant, delivery, advisor)
    error = refused(consultant, delivery)
    assert error.code == "balance_outstanding" and error.field == "balance"
    assert "outstanding" in str(error.message)
    assert_nothing_delivered(delivery)


def test_the_ev_checklist_needs_the_charging_items_and_a_petrol_car_does_not_have_them(consultant, ev_trim, frozen,
                                                                                      quote_settings, advisor, delivery):
    with pytest.raises(DomainError) as refusal:
        services.delivery_record_checklist(actor=consultant, delivery=delivery, items=EV_CHECKLIST)
    assert refusal.value.code == "checklist_unknown"

    lead, _order = ordered_lead(consultant, ev_trim, name="李雷", mobile="13900139000")
    ev = services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY, 16), place="交车区",
                                    service_advisor=advisor)
    assert ev.charges
    services.delivery_record_checklist(actor=consultant, delivery=ev, items=PETROL_CHECKLIST,
                                       first_service_due=TODAY + dt.timedelta(days=180))
    ev.refresh_from_db()
    assert "Charging app bound to the car" in ev.checklist_missing
    ready(consultant, ev, advisor, checklist=EV_CHECKLIST)
    ev = services.delivery_complete(actor=consultant, delivery=ev)
    assert ev.status == DeliveryStatus.COMPLETED


def test_completion_wins_the_lead_delivers_order_and_car_and_registers_the_owner(consultant, ready_delivery, advisor):
    delivery = services.delivery_complete(actor=consultant, delivery=ready_delivery)

    assert delivery.status == DeliveryStatus.COMPLETED and delivery.completed_at == NOW
    lead = delivery.lead
    lead.refresh_from_db()
    assert (lead.stage, lead.status, lead.grade) == (Stage.DELIVERED, Status.WON, Grade.D)
    order = delivery.order
    order.refresh_from_db()
    order.vehicle.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.vehicle.status == VehicleStatus.DELIVERED
    owned = OwnedCar.objects.get(lead=lead)
    assert (owned.customer_id, owned.vehicle_id, owned.vin) == (lead.customer_id, order.vehicle_id, order.vehicle.vin)
    assert owned.service_advisor == advisor and owned.delivered_at == NOW
    assert owned.first_service_due == TODAY + dt.timedelta(days=180)
    assert AuditEntry.objects.filter(action="deliveries.completed", target_id=delivery.pk).exists()
    assert AuditEntry.objects.filter(action="aftercare.owner_registered", target_id=owned.pk).exists()


def test_the_follow_up_calls_follow_the_default_cadence_with_the_survey_at_seven_days(consultant, ready_delivery):
    delivery = services.delivery_complete(actor=consultant, delivery=ready_delivery)
    calls = list(AftercareCall.objects.filter(lead_id=delivery.lead_id).select_related("task").order_by("due_at"))
    assert [c.after_days for c in calls] == [1, 3, 7, 30, 90, 180, 365]
    assert [c.task.due_at for c in calls] == [NOW + dt.timedelta(days=d) for d in (1, 3, 7, 30, 90, 180, 365)]
    assert all(c.task.owner_id == consultant.pk and c.task.status == TaskStatus.OPEN for c in calls)
    assert "2026-09-06" in calls[3].title  # the 30-day call reminds of the first service
    survey = Survey.objects.get(lead_id=delivery.lead_id)
    assert survey.status == SurveyStatus.DUE and survey.call == calls[2] and survey.due_at == NOW + dt.timedelta(days=7)
    assert Task.objects.filter(lead_id=delivery.lead_id, status=TaskStatus.OPEN).count() == 7


def test_a_store_cadence_replaces_the_default(consultant, manager, ready_delivery):
    settings_save(actor=manager, low_score_percent=60, cadence=[
        {"days": 2, "title": "两天回访", "survey": True}, {"days": 14, "title": "两周回访", "survey": False}])
    delivery = services.delivery_complete(actor=consultant, delivery=ready_delivery)
    calls = AftercareCall.objects.filter(lead_id=delivery.lead_id).order_by("due_at")
    assert [(c.after_days, c.title, c.is_survey) for c in calls] == [(2, "两天回访", True), (14, "两周回访", False)]


def test_a_second_completion_is_refused(consultant, ready_delivery):
    services.delivery_complete(actor=consultant, delivery=ready_delivery)
    error = refused(consultant, ready_delivery)
    assert error.code == "delivery_completed"
    assert OwnedCar.objects.count() == 1


def test_a_cancelled_order_cannot_be_delivered(consultant, ready_delivery):
    order = ready_delivery.order
    orders.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="客户家庭原因")
    error = refused(consultant, ready_delivery)
    assert error.code == "delivery_cancelled"
