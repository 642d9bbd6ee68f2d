"""The statutory figures and rate tables behind a quote (China, private passenger car, 2026).

Figures from /work/shared/domain/china-auto-retail.md §3; the tables a store varies (车船税 by province, 交强险
base, commercial insurance) are types here with a default instance, and are inputs of the calculation.
Rates are Decimal fractions (0.10 = 10 %); money is Decimal yuan with whole fen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

# Purchase tax (车辆购置税): the sticker price includes 13 % VAT; the tax is 10 % of the price without it.
VAT_DIVISOR = Decimal("1.13")
PURCHASE_TAX_RATE = Decimal("0.10")

# Loan terms (months) the calculation accepts: new-car loans up to 5 years, offered in whole years.
ALLOWED_TERMS: tuple[int, ...] = (12, 24, 36, 48, 60)

# Earnest money (定金) may be at most 20 % of the contract price (Civil Code Art. 586).
EARNEST_MONEY_CAP = Decimal("0.20")

# The earliest purchase date with a purchase-tax rule in the domain file (the 2024–2025 NEV exemption).
FIRST_RULE_DATE = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class NevTaxPeriod:
    """The NEV purchase-tax relief of a period: reduction = min(full tax × share, cap), bought start…end."""

    start: dt.date
    end: dt.date
    share: Decimal
    cap: Decimal


# 2024–2025: exempt, at most ¥30,000 per car; 2026–2027: halved, at most ¥15,000; from 2028: full tax.
NEV_TAX_PERIODS: tuple[NevTaxPeriod, ...] = (
    NevTaxPeriod(dt.date(2024, 1, 1), dt.date(2025, 12, 31), Decimal("1"), Decimal("30000")),
    NevTaxPeriod(dt.date(2026, 1, 1), dt.date(2027, 12, 31), Decimal("0.5"), Decimal("15000")),
)


def nev_tax_period(on: dt.date) -> NevTaxPeriod | None:
    """The NEV relief in force on a purchase date, or None (full tax)."""
    for period in NEV_TAX_PERIODS:
        if period.start <= on <= period.end:
            return period
    return None


@dataclass(frozen=True)
class VesselTaxTable:
    """A province's annual 车船税 for passenger cars by displacement: brackets of (upper cc inclusive, ¥/year),
    ascending, the last with upper None ("above 4.0 L"). A 1,984 cc 2.0T is in the bracket up to 2,000 cc."""

    region: str
    brackets: tuple[tuple[int | None, Decimal], ...]

    def annual(self, displacement_cc: int) -> Decimal:
        """The annual tax for an engine of this displacement."""
        for upper, amount in self.brackets:
            if upper is None or displacement_cc <= upper:
                return amount
        raise LookupError(displacement_cc)  # validated tables end with an open bracket


@dataclass(frozen=True)
class VesselTaxBracket:
    """A statutory 车船税 bracket of passenger cars (≤ 9 seats): engines above the previous bracket's upper
    displacement up to and including `upper_cc` (None: no upper limit). The law gives the range minimum…maximum
    (¥/year); each province fixes its amount inside it."""

    key: str
    upper_cc: int | None
    minimum: Decimal
    maximum: Decimal

    @property
    def label(self) -> str:
        """The bracket as the domain file writes it: "≤ 1.0 L", "1.6–2.0 L", "> 4.0 L" (no words to translate)."""
        index = VESSEL_TAX_BRACKETS.index(self)
        lower = VESSEL_TAX_BRACKETS[index - 1].upper_cc if index else None
        if self.upper_cc is None:
            return f"> {lower / 1000:.1f} L"
        if lower is None:
            return f"≤ {self.upper_cc / 1000:.1f} L"
        return f"{lower / 1000:.1f}–{self.upper_cc / 1000:.1f} L"


# The statutory ranges (domain file §3.1, "车船税 brackets"); a store's table has one amount per bracket.
VESSEL_TAX_BRACKETS: tuple[VesselTaxBracket, ...] = (
    VesselTaxBracket("up_to_1000", 1000, Decimal("60"), Decimal("360")),
    VesselTaxBracket("up_to_1600", 1600, Decimal("300"), Decimal("540")),
    VesselTaxBracket("up_to_2000", 2000, Decimal("360"), Decimal("660")),
    VesselTaxBracket("up_to_2500", 2500, Decimal("660"), Decimal("1200")),
    VesselTaxBracket("up_to_3000", 3000, Decimal("1200"), Decimal("2400")),
    VesselTaxBracket("up_to_4000", 4000, Decimal("2400"), Decimal("3600")),
    VesselTaxBracket("over_4000", None, Decimal("3600"), Decimal("5400")),
)


def vessel_tax_table(region: str, amounts: dict[str, Decimal]) -> VesselTaxTable:
    """A province's table from its amount per statutory bracket (keyed by VesselTaxBracket.key)."""
    return VesselTaxTable(region=region, brackets=tuple((b.upper_cc, amounts[b.key]) for b in VESSEL_TAX_BRACKETS))


def vessel_tax_amounts(table: VesselTaxTable) -> dict[str, Decimal]:
    """A table of the statutory brackets as {bracket key: amount}."""
    if tuple(upper for upper, _amount in table.brackets) != tuple(b.upper_cc for b in VESSEL_TAX_BRACKETS):
        raise ValueError(f"{table.region}: not the statutory brackets")
    return {b.key: amount for b, (_upper, amount) in zip(VESSEL_TAX_BRACKETS, table.brackets, strict=True)}


# Beijing amounts (the example in the domain file, ✓ from a public calculator): the default of every store.
BEIJING_VESSEL_TAX = vessel_tax_table("北京", {
    "up_to_1000": Decimal("300"),
    "up_to_1600": Decimal("420"),
    "up_to_2000": Decimal("480"),
    "up_to_2500": Decimal("900"),
    "up_to_3000": Decimal("1920"),
    "up_to_4000": Decimal("3480"),
    "over_4000": Decimal("5280"),
})

# The provinces' tables a manager can pick instead of typing the amounts: only those the domain file gives (it
# gives Beijing's alone; another province's amounts are entered from its published table).
VESSEL_TAX_PRESETS: dict[str, VesselTaxTable] = {"beijing": BEIJING_VESSEL_TAX}


@dataclass(frozen=True)
class CompulsoryInsuranceRates:
    """交强险 for a family car, first year (no floating factor yet): by seats."""

    under_six_seats: Decimal = Decimal("950")
    six_seats_or_more: Decimal = Decimal("1100")

    def premium(self, seats: int) -> Decimal:
        """The premium for a car with this many seats."""
        return self.under_six_seats if seats < 6 else self.six_seats_or_more


NATIONAL_COMPULSORY_INSURANCE = CompulsoryInsuranceRates()


@dataclass(frozen=True)
class InsuranceRateBand:
    """Commercial insurance for vehicle prices up to `up_to_price` (inclusive; None = no upper limit):
    premium = base + rate × vehicle price."""

    up_to_price: Decimal | None
    base: Decimal
    rate: Decimal


@dataclass(frozen=True)
class CommercialInsuranceRates:
    """An insurer's (or the store's) table for estimating commercial cover (车损险, 三者险, …) in year 1: bands
    ascending by price, the last open. The price is the vehicle price after discount (the insured value)."""

    name: str
    bands: tuple[InsuranceRateBand, ...]

    def band(self, vehicle_price: Decimal) -> InsuranceRateBand:
        """The band that applies to a vehicle price."""
        for band in self.bands:
            if band.up_to_price is None or vehicle_price <= band.up_to_price:
                return band
        raise LookupError(vehicle_price)  # validated tables end with an open band


class SubsidyScheme(StrEnum):
    """The national 以旧换新 subsidy the buyer will claim (once per person; paid by the government later)."""

    NONE = "none"
    SCRAP = "scrap"  # 报废更新: scrap an eligible old car
    REPLACE = "replace"  # 置换更新: sell/transfer a car registered in the buyer's own name


@dataclass(frozen=True)
class SubsidyRate:
    """A national subsidy: share of the new car's price incl. VAT, at most cap."""

    share: Decimal
    cap: Decimal


# 2026 rules (✓): buying an NEV, or a fuel car of at most 2.0 L. Other cars: none.
NATIONAL_SUBSIDY_YEARS: frozenset[int] = frozenset({2026})
NATIONAL_SUBSIDY_NEV = {
    SubsidyScheme.SCRAP: SubsidyRate(Decimal("0.12"), Decimal("20000")),
    SubsidyScheme.REPLACE: SubsidyRate(Decimal("0.08"), Decimal("15000")),
}
NATIONAL_SUBSIDY_FUEL = {
    SubsidyScheme.SCRAP: SubsidyRate(Decimal("0.10"), Decimal("15000")),
    SubsidyScheme.REPLACE: SubsidyRate(Decimal("0.06"), Decimal("13000")),
}
NATIONAL_SUBSIDY_FUEL_MAX_CC = 2000
