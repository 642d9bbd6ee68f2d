"""What happens to a booked delivery when its order changes under it: the order is cancelled (the delivery is called
off), the car is released (the delivery waits for another), the hand-over is done (its photos stay)."""


from django.urls import reverse

from showroom.orders import services as orders

API = "/api/v1"


def cancel(consultant, order):
    return orders.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="不买了")


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
