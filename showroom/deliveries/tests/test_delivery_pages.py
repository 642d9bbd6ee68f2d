"""The delivery pages: the lead card, booking, the hand-over page and its steps, photos, the week list."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.deliveries import services
from showroom.deliveries.models import Delivery, DeliveryPhoto, DeliveryStatus
from showroom.leads.models import Stage

from .conftest import ALL_PDI, PETROL_CHECKLIST, TODAY, at, ordered_lead, ready
from .test_delivery_steps import jpeg, png


def detail(delivery) -> str:
    return reverse("deliveries:detail", args=[delivery.pk])


# --- The lead card ----------------------------------------------------------------------------------

def test_the_lead_card_offers_to_book_the_delivery_once_the_car_is_allocated(client, consultant, lead):
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'data-testid="delivery-panel"' in page
    assert reverse("deliveries:schedule", args=[lead.pk]) in page


def test_the_lead_card_shows_the_booked_delivery_and_its_steps(client, consultant, delivery):
    client.force_login(consultant)
    page = client.get(reverse("leads:detail", args=[delivery.lead_id])).content.decode()
    assert "交车区1号位" in page and detail(delivery) in page and "孙师傅" in page


def test_the_lead_page_costs_the_same_queries_before_and_after_the_delivery_steps(client, consultant, delivery, advisor):
    client.force_login(consultant)
    url = reverse("leads:detail", args=[delivery.lead_id])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    ready(consultant, delivery, advisor)
    services.delivery_add_photo(actor=consultant, delivery=delivery, data=png())
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


# --- Booking ----------------------------------------------------------------------------------------

def test_booking_on_the_page_opens_the_hand_over(client, consultant, lead, advisor):
    client.force_login(consultant)
    response = client.post(reverse("deliveries:schedule", args=[lead.pk]), {
        "scheduled_at": "2026-03-12T10:00", "place": "交车区1号位", "service_advisor": advisor.pk})
    delivery = Delivery.objects.get(lead=lead)
    assert response.status_code == 302 and response["Location"] == detail(delivery)
    assert delivery.scheduled_at == at(dt.date(2026, 3, 12), 10)


def test_a_refused_booking_shows_the_message_at_the_field(client, consultant, lead):
    client.force_login(consultant)
    response = client.post(reverse("deliveries:schedule", args=[lead.pk]), {
        "scheduled_at": "2026-03-12T10:00", "place": "交车区"})
    assert response.status_code == 422
    assert "Choose a service advisor of this store." in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_colleague_and_another_store_get_404_on_booking_and_on_the_delivery(client, colleague, outsider, lead,
                                                                              delivery):
    photo = services.delivery_add_photo(actor=lead.owner, delivery=delivery, data=png())
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(reverse("deliveries:schedule", args=[lead.pk])).status_code == 404
        assert client.get(detail(delivery)).status_code == 404
        assert client.post(reverse("deliveries:complete", args=[delivery.pk])).status_code == 404
        assert client.get(reverse("deliveries:photo", args=[photo.pk])).status_code == 404
        assert client.post(reverse("deliveries:photo_remove", args=[photo.pk])).status_code == 404


def test_a_receptionist_is_refused_the_week_list(client, receptionist):
    client.force_login(receptionist)
    assert client.get(reverse("deliveries:week")).status_code == 403


# --- The hand-over page -----------------------------------------------------------------------------

def test_the_hand_over_page_lists_what_is_missing_and_keeps_the_button_disabled(client, consultant, delivery):
    client.force_login(consultant)
    page = client.get(detail(delivery)).content.decode()
    assert 'data-testid="blockers"' in page
    assert "The PDI has not been signed off by the workshop." in page
    assert "signature-pad.js" in page and 'data-signature-pad' in page


def test_the_steps_on_the_page_lead_to_the_delivered_car(client, consultant, delivery, advisor, signature_url):
    client.force_login(consultant)
    pdi = {f"pdi_{code}": "on" for code in ALL_PDI} | {"inspector": advisor.pk, "version": delivery.version}
    assert client.post(reverse("deliveries:pdi", args=[delivery.pk]), pdi).status_code == 302
    delivery.refresh_from_db()
    items = {f"item_{code}": "on" for code in PETROL_CHECKLIST}
    response = client.post(reverse("deliveries:checklist", args=[delivery.pk]), {
        **items, "first_service_due": "2026-09-10", "version": delivery.version})
    assert response.status_code == 302
    response = client.post(reverse("deliveries:sign", args=[delivery.pk]), {"signer_name": "张三", "signature": signature_url})
    assert response.status_code == 302
    response = client.post(reverse("deliveries:complete", args=[delivery.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("leads:detail", args=[delivery.lead_id])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.COMPLETED and delivery.lead.stage == Stage.DELIVERED
    page = client.get(detail(delivery)).content.decode()
    assert reverse("deliveries:signature", args=[delivery.pk]) in page
    assert client.get(reverse("deliveries:signature", args=[delivery.pk]))["Content-Type"] == "image/png"


def test_an_incomplete_pdi_on_the_page_is_a_422_naming_the_open_items(client, consultant, delivery, advisor):
    client.force_login(consultant)
    response = client.post(reverse("deliveries:pdi", args=[delivery.pk]), {"pdi_exterior": "on", "inspector": advisor.pk})
    assert response.status_code == 422
    assert "Road check" in response.content.decode()


def test_completing_too_early_on_the_page_is_refused_with_the_reason(client, consultant, delivery):
    client.force_login(consultant)
    response = client.post(reverse("deliveries:complete", args=[delivery.pk]))
    assert response.status_code == 422
    assert "The PDI has not been signed off by the workshop." in response.content.decode()


def test_a_photo_uploaded_on_the_page_is_served_only_through_the_scoped_view(client, consultant, delivery):
    client.force_login(consultant)
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg(), content_type="image/jpeg")
    response = client.post(reverse("deliveries:photo_add", args=[delivery.pk]), {"photo": upload, "caption": "交钥匙"})
    assert response.status_code == 302
    photo = DeliveryPhoto.objects.get()
    served = client.get(reverse("deliveries:photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == jpeg()
    assert "no-store" in served["Cache-Control"]
    assert client.get(f"/media/{photo.file.name}").status_code == 404


def test_a_renamed_document_is_refused_on_the_page(client, consultant, delivery):
    client.force_login(consultant)
    upload = SimpleUploadedFile("合同.jpg", b"%PDF-1.7 contract", content_type="image/jpeg")
    response = client.post(reverse("deliveries:photo_add", args=[delivery.pk]), {"photo": upload})
    assert response.status_code == 422 and "Upload a JPEG or PNG photo." in response.content.decode()


def test_the_hand_over_page_costs_the_same_queries_with_one_or_many_photos(client, consultant, delivery):
    client.force_login(consultant)
    services.delivery_add_photo(actor=consultant, delivery=delivery, data=png())
    with CaptureQueriesContext(connection) as one:
        client.get(detail(delivery))
    for _ in range(4):
        services.delivery_add_photo(actor=consultant, delivery=delivery, data=png())
    with CaptureQueriesContext(connection) as many:
        client.get(detail(delivery))
    assert len(many) == len(one)


# --- The week ---------------------------------------------------------------------------------------

def test_the_week_shows_a_consultants_own_deliveries_and_a_managers_whole_store(client, consultant, colleague, manager,
                                                                               delivery, trim, advisor):
    lead, _order = ordered_lead(colleague, trim, name="李雷", mobile="13900139000")
    theirs = services.delivery_schedule(actor=colleague, lead=lead, scheduled_at=at(TODAY, 16), place="交车区2号位",
                                        service_advisor=advisor)
    client.force_login(consultant)
    page = client.get(reverse("deliveries:week")).content.decode()
    assert f'data-delivery="{delivery.pk}"' in page and f'data-delivery="{theirs.pk}"' not in page
    client.force_login(manager)
    page = client.get(reverse("deliveries:week")).content.decode()
    assert f'data-delivery="{delivery.pk}"' in page and f'data-delivery="{theirs.pk}"' in page


@pytest.mark.parametrize("week", ["garbled", "9999-01-01"])
def test_a_garbled_week_shows_this_week(client, consultant, delivery, week):
    client.force_login(consultant)
    response = client.get(reverse("deliveries:week"), {"week": week})
    assert response.status_code == 200 and f'data-delivery="{delivery.pk}"' in response.content.decode()


def test_the_week_costs_the_same_queries_with_one_or_many_deliveries(client, manager, consultant, delivery, trim, advisor):
    client.force_login(manager)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("deliveries:week"))
    for i in range(3):
        lead, _order = ordered_lead(consultant, trim, name=f"客户{i}", mobile=f"1390000{i:04d}")
        services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY, 11 + i), place="交车区",
                                   service_advisor=advisor)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("deliveries:week"))
    assert len(many) == len(one)


def test_the_workbench_and_manager_cards_list_the_coming_deliveries(client, consultant, manager, delivery):
    client.force_login(consultant)
    assert f'data-delivery="{delivery.pk}"' in client.get(reverse("followups:workbench_cards")).content.decode()
    client.force_login(manager)
    assert f'data-delivery="{delivery.pk}"' in client.get(reverse("leads:manager")).content.decode()


def test_the_this_week_cards_cover_monday_to_sunday_like_the_week_page(client, consultant, manager, trim, advisor,
                                                                        frozen, quote_settings):
    """Tuesday 10 March: Monday's hand-over still to do, Sunday night's are this week; next Monday's is not (though
    within seven days), and it is on the week page of next week the card links to."""
    assert TODAY.weekday() == 1
    booked = {}
    for n, (day, hour) in enumerate(((-1, 15), (5, 20), (6, 10))):
        lead, _order = ordered_lead(consultant, trim, name=f"客户{n}", mobile=f"1390000{n:04d}")
        booked[day] = services.delivery_schedule(
            actor=consultant, lead=lead, scheduled_at=at(TODAY + dt.timedelta(days=day), hour), place="交车区",
            service_advisor=advisor, now=at(TODAY - dt.timedelta(days=3), 9))
    monday, sunday, next_monday = booked[-1], booked[5], booked[6]
    for user, url in ((consultant, reverse("followups:workbench_cards")), (manager, reverse("leads:manager"))):
        client.force_login(user)
        card = client.get(url).content.decode().split('data-testid="deliveries-upcoming"')[1]
        assert f'data-delivery="{monday.pk}"' in card and f'data-delivery="{sunday.pk}"' in card
        assert f'data-delivery="{next_monday.pk}"' not in card
        assert card.count('data-testid="delivery-overdue"') == 1  # Monday's, not handed over yet
        assert "?week=2026-03-16" in card
        this_week = client.get(reverse("deliveries:week")).content.decode()
        assert f'data-delivery="{sunday.pk}"' in this_week and f'data-delivery="{next_monday.pk}"' not in this_week
        next_week = client.get(reverse("deliveries:week"), {"week": "2026-03-16"}).content.decode()
        assert f'data-delivery="{next_monday.pk}"' in next_week
