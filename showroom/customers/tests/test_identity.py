"""Mainland mobile numbers and resident ID numbers as staff type them."""

import datetime as dt

import pytest
import time_machine

from showroom.core.errors import DomainError
from showroom.customers.identity import (
    gender_from_id_number,
    looks_like_mobile,
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    normalise_mobile,
)


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+8613800138000",
        "0086 13800138000",
        "008613800138000",
        "86 13800138000",
        "8613800138000",
        "138-0013-8000",
        " 138 0013 8000 ",
        "(+86) 138-0013-8000",
        "１３８００１３８０００",
    ],
)
def test_a_mobile_typed_with_a_country_code_spaces_or_dashes_is_stored_as_its_eleven_digits(typed):
    assert normalise_mobile(typed) == "13800138000"


@pytest.mark.parametrize("typed", ["13012345678", "14512345678", "16612345678", "17012345678", "19912345678"])
def test_every_mainland_mobile_prefix_from_13_to_19_is_accepted(typed):
    assert normalise_mobile(typed) == typed


@pytest.mark.parametrize(
    "typed",
    [
        "12800138000",  # 12x is not a mobile prefix
        "11800138000",
        "10800138000",
        "1380013800",  # ten digits
        "138001380001",  # twelve digits
        "1380013800A",
        "138ABCDEFGH",  # letters are not read as a phone keypad
        "1-800-FLOWERS",
        "13800l38000",  # a lower-case L instead of a one
        "010-12345678",  # a Beijing landline
        "+852 9123 4567",  # Hong Kong
        "+1 415 555 2671",
        "abc",
    ],
)
def test_a_number_that_is_not_a_mainland_mobile_is_refused_on_the_mobile_field(typed):
    with pytest.raises(DomainError) as refused:
        normalise_mobile(typed)

    assert refused.value.code == "mobile_invalid"
    assert refused.value.field == "mobile"
    assert typed.strip() in str(refused.value.message)
    assert not looks_like_mobile(typed)


def test_an_empty_mobile_is_refused_as_missing_and_the_field_name_can_be_chosen():
    with pytest.raises(DomainError) as refused:
        normalise_mobile("   ", field="phone")

    assert refused.value.code == "mobile_required"
    assert refused.value.fields == {"phone": ["Enter a mobile number."]}


def test_a_mobile_is_masked_to_its_first_three_and_last_four_digits():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""
    assert mask_mobile(None) == ""
    assert mask_mobile("12345") == "****"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),  # a lower-case x is the same check character
        ("110105 19491231 002X", "11010519491231002X"),
        ("360426199101010071", "360426199101010071"),
        (" 360426199101010071 ", "360426199101010071"),
    ],
)
def test_a_resident_id_number_with_a_valid_check_character_is_accepted(typed, stored):
    assert normalise_id_number(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "360426199101010072",  # wrong check digit
        "11010519491231002Y",
        "11010519491231002",  # 17 characters
        "1101051949123100200",
        "11010519491301002X",  # month 13
        "110105194902290029",  # 29 February 1949 did not exist (check digit correct)
        "110105194904310025",  # 31 April
        "110105000001010028",  # year 0
        "110105209912310029",  # born in 2099: valid check digit, but in the future
        "110105180001010029",  # born in 1800
        "X10105199101010071",
    ],
)
def test_a_resident_id_number_with_a_bad_check_character_or_birth_date_is_refused(typed):
    with pytest.raises(DomainError) as refused:
        normalise_id_number(typed)

    assert refused.value.code == "id_number_invalid"
    assert refused.value.field == "id_number"


def test_a_resident_id_number_born_today_is_accepted_and_tomorrow_is_not():
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        from showroom.customers.identity import id_number_check_char

        today = "110105" + "20260310" + "001"
        tomorrow = "110105" + "20260311" + "001"
        assert normalise_id_number(today + id_number_check_char(today)) == today + id_number_check_char(today)
        with pytest.raises(DomainError):
            normalise_id_number(tomorrow + id_number_check_char(tomorrow))


def test_an_empty_resident_id_number_is_allowed_because_it_is_optional():
    assert normalise_id_number("") == ""
    assert normalise_id_number(None) == ""


def test_the_gender_follows_the_seventeenth_digit_odd_male_even_female():
    assert gender_from_id_number("11010519491231002X") == "female"
    assert gender_from_id_number("360426199101010071") == "male"


def test_a_resident_id_number_is_masked_to_its_region_and_last_four_characters():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""
