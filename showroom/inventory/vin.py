"""The vehicle identification number (ISO 3779, China GB 16735-2019): 17 characters without I, O and Q,
position 9 a check digit computed from the others (domain reference §5.3)."""

from __future__ import annotations

import re

VIN_PATTERN = re.compile(r"^[0-9A-HJ-NPR-Z]{17}$")
_VALUES = {**{str(d): d for d in range(10)},
           **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
           "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise_vin(raw: str) -> str:
    """What staff type or scan, upper-cased with spaces and dashes removed."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def check_digit(vin: str) -> str:
    """The check digit a 17-character VIN must carry at position 9 ("0"–"9" or "X")."""
    total = sum(_VALUES[ch] * weight for ch, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def with_check_digit(vin: str) -> str:
    """The VIN with position 9 replaced by its correct check digit (for generating demo and test VINs)."""
    return vin[:8] + check_digit(vin) + vin[9:]


def is_valid_vin(vin: str) -> bool:
    """17 allowed characters and the right check digit."""
    return bool(VIN_PATTERN.match(vin)) and check_digit(vin) == vin[8]
