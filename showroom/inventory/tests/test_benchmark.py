"""The bench data: a catalog if missing, cars with valid unique VINs, and the timed reads running on them."""

from showroom.inventory.benchmark import cases, generate_stock, urls
from showroom.inventory.models import Vehicle
from showroom.inventory.vin import is_valid_vin


def test_generated_stock_has_valid_unique_vins_and_every_case_runs(client, consultant, store):
    assert generate_stock(store=store, count=300, seed=3) == 300
    assert generate_stock(store=store, count=50, seed=4) == 50  # a second run adds cars, never a repeated VIN
    vins = list(Vehicle.objects.values_list("vin", flat=True))
    assert len(vins) == len(set(vins)) == 350 and all(is_valid_vin(v) for v in vins)
    assert Vehicle.objects.filter(is_test_drive=True).exclude(plate="").count() == Vehicle.objects.filter(
        is_test_drive=True).count()
    for _name, run in cases(consultant):
        run()
    client.force_login(consultant)
    for _name, url in urls():
        assert client.get(url).status_code == 200
