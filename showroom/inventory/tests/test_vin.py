import pytest

from showroom.inventory.tests.factories import DemoCarFactory
from showroom.inventory.vin import check_digit, is_valid_vin, normalise_vin, with_check_digit


def test_the_reference_vin_of_the_domain_file_is_valid():
    assert is_valid_vin("1M8GDM9AXKP042788")


@pytest.mark.parametrize("vin", [
    "1M8GDM9A1KP042788",   # wrong check digit
    "1M8GDM9AXKP04278",    # 16 characters
    "1M8GDM9AXKP0427888",  # 18 characters
    "IM8GDM9AXKP042788",   # I is not allowed
    "1M8GDM9AXKPO42788",   # O is not allowed
    "1m8gdm9axkp042788",   # not normalised
])
def test_a_vin_with_a_wrong_check_digit_length_or_letter_is_refused(vin):
    assert not is_valid_vin(vin)


def test_a_remainder_of_ten_gives_the_check_digit_x():
    assert check_digit("1M8GDM9AXKP042788") == "X"


def test_what_staff_type_is_normalised_before_the_check():
    assert normalise_vin(" lfv2a2fy6t-000 0001 ") == "LFV2A2FY6T0000001"
    assert is_valid_vin(normalise_vin("lfv2a2fy6t0000001"))


def test_with_check_digit_makes_any_draft_valid():
    assert is_valid_vin(with_check_digit("LFV3A28W0R1234567"))


def test_the_test_drive_car_factory_files_a_valid_car_of_its_stores_catalog(db):
    car = DemoCarFactory()
    assert is_valid_vin(car.vin)
    assert car.is_test_drive
    assert car.trim.series.brand.group_id == car.store.group_id
