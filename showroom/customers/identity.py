"""Mainland mobile numbers and resident ID numbers: normalising, validating, masking."""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from django.utils.translation import gettext_lazy as _

from showroom.core import clock
from showroom.core.errors import DomainError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_CHARS = re.compile(r"^[\d\s+＋().\-－]+$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


def normalise_mobile(raw: str, *, field: str = "mobile") -> str:
    """The 11 digits of a mainland mobile number typed in any usual way (+86, spaces, dashes)."""
    text = (raw or "").strip()
    if not text:
        raise DomainError(_("Enter a mobile number."), code="mobile_required", field=field)
    try:
        # Letters are refused before parsing: phonenumbers would read them as a phone keypad (1-800-FLOWERS).
        number = phonenumbers.parse(text, "CN") if _MOBILE_CHARS.match(text) else None
    except phonenumbers.NumberParseException:
        number = None
    national = str(number.national_number) if number and number.country_code == 86 else ""
    if not _MOBILE.match(national) or not phonenumbers.is_possible_number(number):
        raise DomainError(
            _("“%(value)s” is not a mainland China mobile number (11 digits starting with 13–19).") % {"value": text},
            code="mobile_invalid", field=field,
        )
    return national


def looks_like_mobile(raw: str) -> bool:
    try:
        normalise_mobile(raw)
    except DomainError:
        return False
    return True


def mask_mobile(mobile: str | None) -> str:
    """138****5678"""
    if not mobile:
        return ""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "****"


def mask_name(name: str | None) -> str:
    """张** — who it is, not the name: for people who see a customer they do not work (reception, a stand-in)."""
    name = (name or "").strip()
    return f"{name[0]}{'*' * max(1, min(len(name) - 1, 3))}" if name else ""


def id_number_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(raw: str, *, field: str = "id_number") -> str:
    """An 18-character resident ID number (GB 11643-1999) with a valid birth date and check character."""
    text = (raw or "").strip().upper().replace(" ", "")
    if not text:
        return ""
    invalid = DomainError(
        _("“%(value)s” is not a valid resident ID number (18 characters, the last one a check digit or X).")
        % {"value": text},
        code="id_number_invalid", field=field,
    )
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise invalid
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise invalid from None
    if not _EARLIEST_BIRTH <= born <= clock.today():
        raise invalid
    if id_number_check_char(text[:17]) != text[17]:
        raise invalid
    return text


def gender_from_id_number(id_number: str) -> str:
    """The 17th digit: odd for male, even for female."""
    return "male" if int(id_number[16]) % 2 else "female"


def mask_id_number(id_number: str | None) -> str:
    """110105********002X"""
    if not id_number:
        return ""
    return f"{id_number[:6]}{'*' * 8}{id_number[-4:]}"
