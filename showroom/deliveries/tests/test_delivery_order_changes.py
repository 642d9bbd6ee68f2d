"""What happens to a booked delivery when its order changes under it: the order is cancelled (the delivery is called
off), the car is released (the delivery waits for another), the hand-over is done (its photos stay)."""

import datetime as dt
import importlib

import pytest
from django.urls import reverse

from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError
from showroom.deliveries import services
from showroom.deliveries.models import Delivery, DeliveryStatus
from showroom.inventory.tests.factories import VehicleFactory, vin_for
from showroom.orders import services as orders

from .conftest import ALL_PDI, PETROL_CHECKLIST, TODAY, at, issue_quote, ordered_lead
from .test_delivery_steps import png

API = "/api/v1"


def cancel(consultant, order):
    return orders.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="不买了")


# --- The order is cancelled ------------------------------------------------------------------------

def test_cancelling_the_order_calls_its_delivery_off(consultant, order, delivery):
    cancel(consultant, order)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED and delivery.is_cancelled and not delivery.is_open
    entry = AuditEntry.objects.get(action="deliveries.cancelled", target_id=delivery.pk)
    assert entry.data["order"] == order.number and entry.data["reason"] == "不买了"


def test_a_cancelled_delivery_leaves_the_week_the_workbench_and_the_lead_page(client, consultant, lead, order, delivery):
    client.force_login(consultant)
    assert f'data-delivery="{delivery.pk}"' in client.get(reverse("followups:workbench_cards")).content.decode()
    cancel(consultant, order)
    detail_url = reverse("deliveries:detail", args=[delivery.pk])
    assert f'data-delivery="{delivery.pk}"' not in client.get(reverse("followups:workbench_cards")).content.decode()
    assert detail_url not in client.get(reverse("deliveries:week")).content.decode()
    assert detail_url not in client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert client.get(f"{API}/deliveries").json()["items"] == []
    # Its own page still opens, read-only and marked as cancelled.
    page = client.get(detail_url)
    assert page.status_code == 200 and 'data-testid="complete"' not in page.content.decode()
    assert str(DeliveryStatus.CANCELLED.label) in page.content.decode()


@pytest.mark.parametrize("step", ["appointment", "pdi", "checklist", "signature", "photo", "complete"])
def test_no_step_of_a_cancelled_delivery_is_taken(consultant, order, delivery, advisor, signature_url, step):
    cancel(consultant, order)
    attempts = {
        "appointment": lambda: services.delivery_reschedule(actor=consultant, delivery=delivery, place="交车区",
                                                            scheduled_at=at(TODAY + dt.timedelta(days=2), 10),
                                                            service_advisor=advisor),
        "pdi": lambda: services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI,
                                                      inspector=advisor),
        "checklist": lambda: services.delivery_record_checklist(actor=consultant, delivery=delivery,
                                                                items=PETROL_CHECKLIST, first_service_km=5000),
        "signature": lambda: services.delivery_sign(actor=consultant, delivery=delivery, signer_name="张三",
                                                    signature_data_url=signature_url),
        "photo": lambda: services.delivery_add_photo(actor=consultant, delivery=delivery, data=png()),
        "complete": lambda: services.delivery_complete(actor=consultant, delivery=delivery),
    }
    with pytest.raises(DomainError) as err:
        attempts[step]()
    assert err.value.code == "delivery_cancelled"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED and delivery.pdi_signed_at is None


def test_the_lead_signs_again_and_books_a_new_delivery(consultant, trim, advisor, frozen, quote_settings):
    lead, order = ordered_lead(consultant, trim)
    first = services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY + dt.timedelta(days=1), 10),
                                       place="交车区", service_advisor=advisor)
    cancel(consultant, order)
    again = orders.order_sign(actor=consultant, quote=issue_quote(consultant, lead, trim))
    car = VehicleFactory(store=lead.store, trim=trim, vin=vin_for(9901), plate="")
    orders.order_allocate(actor=consultant, order=again, vehicle=car)
    second = services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY + dt.timedelta(days=2), 10),
                                        place="交车区", service_advisor=advisor)
    first.refresh_from_db()
    assert (first.status, second.status, second.order_id) == (DeliveryStatus.CANCELLED, DeliveryStatus.SCHEDULED, again.pk)


def test_a_delivered_order_cannot_be_cancelled_and_its_delivery_stays_delivered(consultant, order, ready_delivery):
    services.delivery_complete(actor=consultant, delivery=ready_delivery)
    with pytest.raises(DomainError):
        cancel(consultant, order)
    ready_delivery.refresh_from_db()
    assert ready_delivery.status == DeliveryStatus.COMPLETED


# --- The car is released -----------------------------------------------------------------------------

def test_the_api_and_pages_show_a_delivery_whose_car_was_released(client, consultant, lead, order, delivery):
    orders.order_release_vehicle(actor=consultant, order=order, reason="车有划痕，换一台")
    client.force_login(consultant)
    listed = client.get(f"{API}/deliveries")
    assert listed.status_code == 200 and listed.json()["items"][0]["car"] is None
    one = client.get(f"{API}/deliveries/{delivery.pk}")
    assert one.status_code == 200 and one.json()["car"] is None
    for url in (reverse("deliveries:week"), reverse("deliveries:detail", args=[delivery.pk]),
                reverse("followups:workbench_cards"), reverse("leads:detail", args=[lead.pk])):
        assert client.get(url).status_code == 200, url


def test_the_api_shows_a_cancelled_delivery_without_its_car(client, consultant, order, delivery):
    cancel(consultant, order)
    client.force_login(consultant)
    body = client.get(f"{API}/deliveries/{delivery.pk}").json()
    assert (body["status"], body["car"]) == ("cancelled", None)


# --- Photos after the hand-over ---------------------------------------------------------------------

def test_photos_of_a_completed_hand_over_cannot_be_removed(client, consultant, ready_delivery):
    photo = services.delivery_add_photo(actor=consultant, delivery=ready_delivery, data=png(), caption="交钥匙")
    services.delivery_complete(actor=consultant, delivery=ready_delivery)
    with pytest.raises(DomainError) as err:
        services.delivery_remove_photo(actor=consultant, photo=photo)
    assert err.value.code == "delivery_completed" and err.value.field == "photo"
    client.force_login(consultant)
    assert client.delete(f"{API}/deliveries/photos/{photo.pk}").status_code == 400
    client.post(reverse("deliveries:photo_remove", args=[photo.pk]))
    assert ready_delivery.photos.filter(pk=photo.pk).exists()
    # After the ceremony its photos may still be uploaded.
    services.delivery_add_photo(actor=consultant, delivery=ready_delivery, data=png(), caption="合影")
    assert ready_delivery.photos.count() == 2


# --- The PDI belongs to the car it was done on ----------------------------------------------------

def reallocate(consultant, order, number):
    order = orders.order_release_vehicle(actor=consultant, order=order, reason="客户换车")
    other = VehicleFactory(store=order.store, trim=order.trim, vin=vin_for(number), plate="")
    return orders.order_allocate(actor=consultant, order=order, vehicle=other)


def test_the_pdi_of_a_released_car_does_not_count_for_the_next_one(client, consultant, order, delivery, advisor):
    inspected = order.vehicle
    delivery = services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    assert delivery.pdi_vehicle == inspected and delivery.pdi_signed
    order = reallocate(consultant, order, 4242)
    delivery.refresh_from_db()
    assert not delivery.pdi_signed and delivery.pdi_of_another_car
    codes = [b.code for b in services.completion_blockers(delivery, order)]
    assert "pdi_other_car" in codes and "pdi_missing" not in codes
    client.force_login(consultant)
    page = client.get(reverse("deliveries:detail", args=[delivery.pk])).content.decode()
    assert 'data-testid="pdi-other-car"' in page
    body = client.get(f"{API}/deliveries/{delivery.pk}").json()
    assert (body["pdi_vin"], body["pdi_signed"], body["car"]["vin"]) == (inspected.vin, False, order.vehicle.vin)
    # The new car's own PDI counts again.
    delivery = services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    assert delivery.pdi_vehicle == order.vehicle and delivery.pdi_signed


def test_a_car_inspected_for_another_car_cannot_be_handed_over(consultant, order, ready_delivery):
    reallocate(consultant, order, 4343)
    with pytest.raises(DomainError) as err:
        services.delivery_complete(actor=consultant, delivery=ready_delivery)
    assert err.value.code == "pdi_other_car"


def test_no_pdi_is_signed_off_while_the_order_has_no_car(consultant, order, delivery, advisor):
    orders.order_release_vehicle(actor=consultant, order=order, reason="车有划痕")
    with pytest.raises(DomainError) as err:
        services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    assert err.value.code == "vehicle_not_allocated"


def test_the_migration_gives_signed_pdis_the_car_their_order_holds(consultant, order, delivery, advisor):
    from django.apps import apps

    migration = importlib.import_module("showroom.deliveries.migrations.0003_pdi_vehicle")
    services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    Delivery.objects.filter(pk=delivery.pk).update(pdi_vehicle=None)
    migration.pdi_on_the_order_car(apps, None)
    delivery.refresh_from_db()
    assert delivery.pdi_vehicle_id == order.vehicle_id and delivery.pdi_signed


# --- The checklist and the signature belong to the car they were done for ------------------------------

def test_after_a_car_swap_the_checklist_and_signature_are_redone_for_the_new_car(client, consultant, order,
                                                                                  ready_delivery, advisor,
                                                                                  signature_url):
    first_car = order.vehicle
    assert ready_delivery.checklist_vehicle == first_car and ready_delivery.signed_vehicle == first_car
    order = reallocate(consultant, order, 4444)
    delivery = Delivery.objects.get(pk=ready_delivery.pk)
    assert delivery.checklist_of_another_car and delivery.signature_of_another_car and not delivery.has_signature
    codes = [b.code for b in services.completion_blockers(delivery, order)]
    assert {"pdi_other_car", "checklist_other_car", "signature_other_car"} <= set(codes)
    with pytest.raises(DomainError) as err:
        services.delivery_complete(actor=consultant, delivery=delivery)
    assert {"checklist", "signature"} <= set(err.value.fields)

    # The page says why, and the checklist is offered unticked for the new car.
    client.force_login(consultant)
    page = client.get(reverse("deliveries:detail", args=[delivery.pk])).content.decode()
    assert 'data-testid="checklist-other-car"' in page and 'data-testid="signature-other-car"' in page
    assert 'data-testid="signature"' not in page  # the old signature is not shown as this car's
    checklist_form = page.split('data-testid="checklist-form"')[1].split("</form>")[0]
    assert "checked" not in checklist_form
    body = client.get(f"{API}/deliveries/{delivery.pk}").json()
    assert (body["checklist_vin"], body["signed_vin"], body["signed"]) == (first_car.vin, first_car.vin, False)
    assert len(body["checklist_missing"]) == len(delivery.checklist_items())

    # The customer cannot sign again before the checklist is gone through for this car.
    with pytest.raises(DomainError) as err:
        services.delivery_sign(actor=consultant, delivery=delivery, signer_name="张三", signature_data_url=signature_url)
    assert err.value.code == "checklist_incomplete"

    # Redone for the new car: the hand-over goes through.
    delivery = services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    delivery = services.delivery_record_checklist(actor=consultant, delivery=delivery, items=PETROL_CHECKLIST,
                                                  first_service_km=5000)
    delivery = services.delivery_sign(actor=consultant, delivery=delivery, signer_name="张三",
                                      signature_data_url=signature_url)
    assert delivery.checklist_vehicle == order.vehicle and delivery.signed_vehicle == order.vehicle
    assert services.completion_blockers(delivery, order) == []
    services.delivery_complete(actor=consultant, delivery=delivery)
    assert AuditEntry.objects.get(action="deliveries.signed", target_id=delivery.pk,
                                  data__vin=order.vehicle.vin).data["signer"] == "张三"


def test_no_checklist_or_signature_while_the_order_has_no_car(consultant, order, delivery, signature_url):
    orders.order_release_vehicle(actor=consultant, order=order, reason="车有划痕")
    for attempt in (lambda: services.delivery_record_checklist(actor=consultant, delivery=delivery,
                                                               items=PETROL_CHECKLIST, first_service_km=5000),
                    lambda: services.delivery_sign(actor=consultant, delivery=delivery, signer_name="张三",
                                                   signature_data_url=signature_url)):
        with pytest.raises(DomainError) as err:
            attempt()
        assert err.value.code == "vehicle_not_allocated"


def test_the_migration_gives_checklists_and_signatures_the_car_their_order_holds(consultant, order, ready_delivery):
    from django.apps import apps

    migration = importlib.import_module("showroom.deliveries.migrations.0004_checklist_signed_vehicle")
    Delivery.objects.filter(pk=ready_delivery.pk).update(checklist_vehicle=None, signed_vehicle=None)
    migration.done_for_the_order_car(apps, None)
    delivery = Delivery.objects.get(pk=ready_delivery.pk)
    assert delivery.checklist_vehicle_id == delivery.signed_vehicle_id == order.vehicle_id
    assert not delivery.checklist_missing and delivery.has_signature
