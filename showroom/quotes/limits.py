"""What a quote really gives away, and what the consultant's discount limit, the trim's floor price and the
unified national price (融合直售) allow. Pure: the service passes the figures in (services._price_checks).

The dealer discount field is not the only way to lower a price: the brand trade-in bonus lowers the invoiced
vehicle price too, and the amount of a catalog option package or accessory is copied onto the quote and may be
edited — an accessory given free as a sweetener is a discount as much as a lower car price is. So:

    list price         = guide price + colour surcharges + the CATALOG price of each chosen option package and
                         accessory
    charged            = vehicle price (after the dealer discount and the brand trade-in bonus) + the quoted amount
                         of each chosen catalog accessory
    effective discount = list price − charged
                       = dealer discount + brand trade-in bonus + what each catalog line is quoted below its
                         catalog price

- A line quoted above its catalog price (e.g. the accessory with fitting) does not buy a larger discount
  elsewhere: each line counts only what it gives away (never less than zero). The manager sees the rest.
- Lines without a catalog item (named store and lender fees, a free-text accessory) have no list price and count
  for nothing.
- There is no store setting for the trade-in bonus, so all of it counts: a consultant's limit covers discount and
  bonus together.
- Consultant's limit: the effective discount above it needs the sales manager's approval (managers have none).
- Floor price: the trim's guide price minus the effective discount may not go below it (the options and
  surcharges are charged at list, so they cancel out).
- Unified-price trims: the national price is the price — no dealer discount, no brand trade-in bonus and every
  catalog line at its catalog price (neither lower nor higher), not even with approval.
The quote's own figures (discount, vehicle price, lines, total) are not changed by any of this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from showroom.core.errors import DomainError
from showroom.core.templatetags.money import yuan

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CatalogLine:
    """A quote line of a catalog option package or accessory: its catalog price and what the quote charges."""

    name: str
    list_price: Decimal
    charged: Decimal

    @property
    def given_away(self) -> Decimal:
        """What the customer gets off this item (never negative: a higher amount is no credit)."""
        return max(self.list_price - self.charged, ZERO)


@dataclass(frozen=True)
class Assessment:
    """What a quote gives away and what that needs."""

    effective_discount: Decimal
    net_trim_price: Decimal
    below_floor: bool
    needs_approval: bool


def catalog_lines(lines: Iterable) -> tuple[CatalogLine, ...]:
    """The catalog lines of a quote's lines (QuoteLine-like: `.option`/`.accessory` with a `.price`, `.amount`,
    `.name`); other lines are left out."""
    out = []
    for line in lines:
        item = getattr(line, "option", None) or getattr(line, "accessory", None)
        if item is not None:
            out.append(CatalogLine(name=line.name, list_price=item.price, charged=line.amount))
    return tuple(out)


def effective_discount(*, discount: Decimal, trade_in_bonus: Decimal, lines: Iterable[CatalogLine] = ()) -> Decimal:
    """Dealer discount + brand trade-in bonus + what the catalog lines are quoted below their catalog price."""
    return (discount or ZERO) + (trade_in_bonus or ZERO) + sum((line.given_away for line in lines), ZERO)


def assess(*, guide_price: Decimal, discount: Decimal, trade_in_bonus: Decimal, lines: Iterable[CatalogLine] = (),
           limit: Decimal | None, floor: Decimal | None) -> Assessment:
    """The quote's effective discount against the creator's limit (None: a manager, no limit) and the trim's floor
    price (None: none set)."""
    given = effective_discount(discount=discount, trade_in_bonus=trade_in_bonus, lines=lines)
    net = guide_price - given
    below_floor = floor is not None and net < floor
    needs_approval = limit is not None and (given > limit or below_floor)
    return Assessment(effective_discount=given, net_trim_price=net, below_floor=below_floor,
                      needs_approval=needs_approval)


def unified_price_refusal(*, trade_in_bonus: Decimal, lines: Iterable[CatalogLine] = ()) -> DomainError | None:
    """Why a quote of a unified-price trim is not at the national price beyond its dealer discount (None: it is).
    The discount itself is refused with the other inputs (services._assign_inputs), before any figure."""
    if trade_in_bonus:
        return DomainError(_("This trim is sold at the unified national price (融合直售): the brand trade-in bonus "
                             "cannot lower it."), code="unified_price", field="trade_in_bonus")
    for line in lines:
        if line.charged != line.list_price:
            return DomainError(_("This trim is sold at the unified national price (融合直售): quote %(name)s at its "
                                 "catalog price %(price)s.") % {"name": line.name, "price": yuan(line.list_price)},
                               code="unified_price", field="lines")
    return None


def at_catalog_price(raw_lines: Iterable[dict]) -> list[dict]:
    """Raw quote lines (as quote_create takes them) with the amounts of their catalog items left to the catalog:
    a new version of a unified-price trim's quote follows today's national prices, as its guide price does."""
    return [{**raw, "amount": None} if raw.get("option") or raw.get("accessory") else raw for raw in raw_lines]
