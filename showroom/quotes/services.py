"""Every change to quotes: drafting a version, new versions, the discount approval, issuing, the customer's
decline and acceptance (when the order is signed), the negotiation log, and the store's price settings.

Rules that decide a quote (all checked here, for pages, API, demo and the orders app alike):
- The figures are calc.calculate's, stored as its breakdown; calc's refusals become field errors (pricing.py).
- Both limits below are measured on the effective discount (limits.py): the dealer discount + the brand trade-in
  bonus + what each catalog option or accessory is quoted below its catalog price (a free accessory counts).
- Discount limit: a consultant's own limit, else the store's default. Above it the quote needs the sales manager's
  approval before it can be issued. Managers (who decide approvals) have no limit.
- Floor price: the trim's guide price minus the effective discount may not go below the store's floor price for
  the trim. A consultant's quote below it can only be issued after a manager approved that very quote (the approval
  is bound to the figures: an approved quote cannot be edited). A manager's own quote may go below it (audited).
- Unified-price trims (融合直售): no dealer discount, no brand trade-in bonus and catalog items at their catalog
  price, not even with approval.
- Validity: a quote is valid until its date (default: the store's validity days from today); an issued or approved
  quote past it is expired — it cannot be issued or accepted; a new version renews it.
- Versions: a new version copies the previous one (inputs and lines) and recalculates with today's catalog price.
  Issuing a version supersedes the lead's other issued, approved or pending versions; accepting one supersedes
  every other open version. Either withdraws the superseded versions' pending approval requests.
- The first issued quote moves the lead to "Quote and negotiation" (never backwards; skipping the test drive needs
  the reason).
- A cancelled order closes its accepted quote as "order cancelled": the lead can be quoted again, and a new version
  issued, accepted and signed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.catalog import selectors as catalog
from showroom.catalog.models import ColourKind
from showroom.core import clock
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.core.money import MAX_AMOUNT, to_fen
from showroom.core.scoping import get_visible
from showroom.followups import services as followups
from showroom.leads import services as leads
from showroom.leads.models import Lead, Stage, Status

from . import limits, pricing, selectors
from .models import (
    OPEN_STATUSES,
    ApprovalRequest,
    ApprovalStatus,
    CommercialInsurance,
    DepositKind,
    DiscountLimit,
    FinancePromotion,
    FloorPrice,
    InsuranceRate,
    LineKind,
    NegotiationRound,
    Objection,
    PaymentMethod,
    Quote,
    QuoteLine,
    QuoteSettings,
    QuoteStatus,
    SubsidyScheme,
    UnifiedPrice,
    vessel_tax_field,
)
from .rates import ALLOWED_TERMS, VESSEL_TAX_BRACKETS, VESSEL_TAX_PRESETS, vessel_tax_amounts

MAX_VALIDITY_DAYS = 90
MAX_LINES = 40
TASK_TITLE_MAX = 200  # followups.Task.title

# The inputs a quote is made of (forms and the API use these names); `lines` come separately.
INPUT_FIELDS = (
    "trim", "exterior_colour", "interior_colour", "purchase_date", "valid_until", "discount",
    "commercial_insurance_mode", "commercial_insurance_amount", "plate_service_fee", "extended_warranty",
    "extended_warranty_name", "has_trade_in", "trade_in_brand", "trade_in_model", "trade_in_year",
    "trade_in_mileage_km", "trade_in_plate", "trade_in_value", "trade_in_bonus", "subsidy_scheme", "payment_method",
    "loan_lender", "loan_term_months", "loan_annual_rate", "loan_down_payment_ratio", "loan_down_payment_amount",
    "promotion", "deposit_amount", "deposit_kind", "notes",
)
# What the audit log keeps of a quote's price on every change.
AUDITED = ("status", "trim_id", "guide_price", "discount", "vehicle_price", "total", "cash_due_at_signing",
           "cash_due_at_delivery", "amount_financed", "monthly_instalment", "payment_method", "promotion_id",
           "trade_in_value", "trade_in_bonus", "deposit_amount", "valid_until", "needs_approval", "below_floor")
_COPIED = (
    "trim_id", "exterior_colour_id", "interior_colour_id", "discount", "commercial_insurance_mode",
    "commercial_insurance_amount", "plate_service_fee", "extended_warranty", "extended_warranty_name", "has_trade_in",
    "trade_in_brand", "trade_in_model", "trade_in_year", "trade_in_mileage_km", "trade_in_plate", "trade_in_value",
    "trade_in_bonus", "subsidy_scheme", "payment_method", "loan_lender", "loan_term_months", "loan_annual_rate",
    "loan_down_payment_ratio", "loan_down_payment_amount", "promotion_id", "deposit_amount", "deposit_kind", "notes",
)


def _snapshot(quote: Quote) -> dict:
    return {name: getattr(quote, name) for name in AUDITED}


def _status_change(actor, quote: Quote, to: str, *, reason: str = "", data: dict | None = None) -> None:
    before = quote.status
    quote.status = to
    audit.record(actor=actor, action="quotes.status_changed", target=quote,
                 data={"number": quote.number, "from": before, "to": to, "reason": reason, **(data or {})})


def _lock_lead(actor, lead_id: int) -> Lead:
    """The lead, locked, if the actor may see and work it and it is open."""
    require(actor, Capability.WORK_LEADS)
    lead = get_visible(Lead, actor, lead_id, for_update=True, select_related=("customer",))
    leads.require_may_work(actor, lead)
    if lead.owner_id is None:
        raise DomainError(_("Assign the lead to a consultant before quoting."), code="lead_unassigned", field="lead")
    return lead


def _lock_quote(actor, quote: Quote) -> Quote:
    """The quote and its lead, locked, if the actor may work them."""
    lead = _lock_lead(actor, quote.lead_id)
    quote = get_visible(Quote, actor, quote.pk, for_update=True)
    quote.lead = lead
    return quote


def _require_open_lead(lead: Lead) -> None:
    if lead.status != Status.OPEN:
        raise DomainError(_("Quotes can only be made for an open lead."), code="lead_not_open", field="lead")


def _refuse_after_acceptance(lead: Lead) -> None:
    """Once the customer accepted a quote (the order is signed), prices change through the order, not new quotes.
    A lead moved to the order step without an accepted quote (data from before the quotes app) may still get one."""
    if Quote.objects.filter(lead_id=lead.pk, status=QuoteStatus.ACCEPTED).exists():
        raise DomainError(_("The customer already accepted a quote; change the order instead."), code="lead_ordered",
                          field="lead")


def _money_or_none(value, field: str, *, default: Decimal | None = None) -> Decimal | None:
    if value in (None, ""):
        return default
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError):
        raise DomainError(_("Enter an amount in yuan."), code="invalid_money", field=field) from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(_("An amount cannot be negative."), code="negative", field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(_("The amount is too large."), code="too_large", field=field)
    if to_fen(amount) != amount:
        raise DomainError(_("Enter an amount in yuan with at most two decimals."), code="not_fen", field=field)
    return amount


def _rate_or_none(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        rate = Decimal(str(value))
    except (ArithmeticError, ValueError):
        raise DomainError(_("Enter a percentage."), code="invalid_rate", field=field) from None
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise DomainError(_("Enter a percentage from 0 to 100."), code="out_of_range", field=field)
    return rate


def _choice(value, choices, field: str, default: str) -> str:
    value = value or default
    if value not in choices.values:
        raise DomainError(_("Choose one of the offered values."), code="invalid_choice", field=field)
    return value


def _text(value, field: str, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise DomainError(_("At most %(max)s characters.") % {"max": max_length}, code="too_long", field=field)
    return text


def _catalog_trim(actor, trim_id, *, field: str = "trim", own: bool = True):
    if trim_id in (None, ""):
        raise DomainError(_("Choose the trim."), code="required", field=field)
    try:
        trim = catalog.trim_get(actor, getattr(trim_id, "pk", trim_id))
    except NotFound:
        raise DomainError(_("Choose a trim of the catalog."), code="trim_unknown", field=field) from None
    if own and not trim.series.brand.is_own:
        raise DomainError(_("Quote a trim of our own brand."), code="trim_not_own", field=field)
    if not own and trim.series.brand.is_own:
        raise DomainError(_("Choose a competitor's car, not one of ours."), code="trim_own", field=field)
    return trim


def _colour(actor, colour_id, trim, kind: str, field: str):
    if colour_id in (None, ""):
        return None
    colour = catalog.colours_for(actor, series_id=trim.series_id, active_only=False).filter(
        pk=getattr(colour_id, "pk", colour_id), kind=kind).first()
    if colour is None:
        raise DomainError(_("Choose a colour offered for this series."), code="colour_unknown", field=field)
    return colour


def _lines(actor, raw_lines, trim) -> list[QuoteLine]:
    """The quote's amount lines: catalog options and accessories (price copied, editable) and named fees."""
    raw_lines = list(raw_lines or ())
    if len(raw_lines) > MAX_LINES:
        raise DomainError(_("At most %(max)s lines.") % {"max": MAX_LINES}, code="too_many", field="lines")
    option_ids = {r.get("option") for r in raw_lines if r.get("option")}
    accessory_ids = {r.get("accessory") for r in raw_lines if r.get("accessory")}
    options = {o.pk: o for o in catalog.options_for(actor, series_id=trim.series_id, active_only=False).filter(
        pk__in=option_ids)} if option_ids else {}
    accessories = {a.pk: a for a in catalog.accessories_fitting(actor, trim, active_only=False).filter(
        pk__in=accessory_ids)} if accessory_ids else {}
    out = []
    for position, raw in enumerate(raw_lines):
        kind = raw.get("kind")
        if kind not in LineKind.values:
            raise DomainError(_("Choose the kind of each line."), code="invalid_choice", field="lines")
        option = accessory = None
        if raw.get("option"):
            option = options.get(int(raw["option"]))
            if option is None or kind != LineKind.OPTION:
                raise DomainError(_("This option package is not offered for the trim."), code="option_unknown",
                                  field="lines")
        if raw.get("accessory"):
            accessory = accessories.get(int(raw["accessory"]))
            if accessory is None or kind != LineKind.ACCESSORY:
                raise DomainError(_("This accessory does not fit the trim."), code="accessory_unknown", field="lines")
        catalog_item = option or accessory
        name = _text(raw.get("name") or (catalog_item.name if catalog_item else ""), "lines", 100)
        if not name:
            raise DomainError(_("Every line needs a name."), code="line_name_required", field="lines")
        default_price = None
        if catalog_item is not None:
            default_price = catalog_item.price
        amount = _money_or_none(raw.get("amount"), "lines", default=default_price)
        if amount is None:
            raise DomainError(_("Every line needs an amount."), code="line_amount_required", field="lines")
        out.append(QuoteLine(kind=kind, name=name, amount=amount, option=option, accessory=accessory,
                             position=position))
    return out


def _assign_inputs(actor, quote: Quote, fields: dict, *, settings: QuoteSettings, creating: bool) -> dict:
    """Set the quote's inputs from `fields` (cleaned shapes) and check the rules that need no figures. Returns the
    catalog records the calculation needs."""
    unknown = set(fields) - set(INPUT_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), code="unknown_field", field=sorted(unknown)[0])
    today = clock.today()
    trim = _catalog_trim(actor, fields.get("trim"))
    if creating and not trim.is_active:
        raise DomainError(_("This trim is no longer on sale."), code="trim_retired", field="trim")
    quote.trim = trim
    quote.guide_price = trim.guide_price  # a draft follows the catalog; issued versions keep their price
    quote.unified_price = selectors.is_unified_price(quote.store_id, trim.pk)
    exterior = _colour(actor, fields.get("exterior_colour"), trim, ColourKind.EXTERIOR, "exterior_colour")
    interior = _colour(actor, fields.get("interior_colour"), trim, ColourKind.INTERIOR, "interior_colour")
    quote.exterior_colour, quote.interior_colour = exterior, interior

    purchase_date = fields.get("purchase_date") or today
    if purchase_date < today:
        raise DomainError(_("The expected invoice date cannot be in the past."), code="date_past", field="purchase_date")
    if purchase_date > today + dt.timedelta(days=366):
        raise DomainError(_("Quote for an invoice within a year."), code="date_too_far", field="purchase_date")
    quote.purchase_date = purchase_date
    valid_until = fields.get("valid_until") or (today + dt.timedelta(days=settings.validity_days))
    if valid_until < today or valid_until > today + dt.timedelta(days=MAX_VALIDITY_DAYS):
        raise DomainError(_("The quote must be valid from today for at most %(days)s days.")
                          % {"days": MAX_VALIDITY_DAYS}, code="validity_out_of_range", field="valid_until")
    quote.valid_until = valid_until

    quote.discount = _money_or_none(fields.get("discount"), "discount", default=Decimal("0.00"))
    if quote.unified_price and quote.discount:
        raise DomainError(_("This trim is sold at the unified national price (融合直售): no dealer discount."),
                          code="unified_price", field="discount")
    quote.commercial_insurance_mode = _choice(fields.get("commercial_insurance_mode"), CommercialInsurance,
                                              "commercial_insurance_mode", CommercialInsurance.NONE)
    quote.commercial_insurance_amount = _money_or_none(fields.get("commercial_insurance_amount"),
                                                       "commercial_insurance_amount")
    if quote.commercial_insurance_mode != CommercialInsurance.ENTERED:
        quote.commercial_insurance_amount = None
    quote.plate_service_fee = _money_or_none(fields.get("plate_service_fee"), "plate_service_fee",
                                             default=settings.plate_service_fee if creating else Decimal("0.00"))
    quote.extended_warranty = _money_or_none(fields.get("extended_warranty"), "extended_warranty",
                                             default=Decimal("0.00"))
    quote.extended_warranty_name = _text(fields.get("extended_warranty_name"), "extended_warranty_name", 100)

    quote.has_trade_in = bool(fields.get("has_trade_in"))
    if quote.has_trade_in:
        quote.trade_in_brand = _text(fields.get("trade_in_brand"), "trade_in_brand", 50)
        quote.trade_in_model = _text(fields.get("trade_in_model"), "trade_in_model", 50)
        if not quote.trade_in_brand:
            raise DomainError(_("Enter the old car's brand."), code="required", field="trade_in_brand")
        if not quote.trade_in_model:
            raise DomainError(_("Enter the old car's model."), code="required", field="trade_in_model")
        year = fields.get("trade_in_year")
        if year not in (None, "") and not 1980 <= int(year) <= today.year + 1:
            raise DomainError(_("Enter the year the old car was first registered."), code="out_of_range",
                              field="trade_in_year")
        quote.trade_in_year = int(year) if year not in (None, "") else None
        mileage = fields.get("trade_in_mileage_km")
        if mileage not in (None, "") and not 0 <= int(mileage) <= 2_000_000:
            raise DomainError(_("Enter the mileage in km."), code="out_of_range", field="trade_in_mileage_km")
        quote.trade_in_mileage_km = int(mileage) if mileage not in (None, "") else None
        quote.trade_in_plate = _text(fields.get("trade_in_plate"), "trade_in_plate", 10).upper()
        quote.trade_in_value = _money_or_none(fields.get("trade_in_value"), "trade_in_value", default=Decimal("0.00"))
        quote.trade_in_bonus = _money_or_none(fields.get("trade_in_bonus"), "trade_in_bonus", default=Decimal("0.00"))
        quote.subsidy_scheme = _choice(fields.get("subsidy_scheme"), SubsidyScheme, "subsidy_scheme", SubsidyScheme.NONE)
    else:
        quote.trade_in_brand = quote.trade_in_model = quote.trade_in_plate = ""
        quote.trade_in_year = quote.trade_in_mileage_km = None
        quote.trade_in_value = quote.trade_in_bonus = Decimal("0.00")
        quote.subsidy_scheme = SubsidyScheme.NONE

    quote.payment_method = _choice(fields.get("payment_method"), PaymentMethod, "payment_method", PaymentMethod.FULL)
    promotion = None
    if quote.payment_method == PaymentMethod.LOAN:
        quote.loan_lender = _text(fields.get("loan_lender"), "loan_lender", 100)
        term = fields.get("loan_term_months")
        if term in (None, ""):
            raise DomainError(_("Choose the loan term."), code="term_required", field="loan_term_months")
        if int(term) not in ALLOWED_TERMS:
            raise DomainError(_("Choose a term of 12, 24, 36, 48 or 60 months."), code="term_not_allowed",
                              field="loan_term_months")
        quote.loan_term_months = int(term)
        quote.loan_annual_rate = _rate_or_none(fields.get("loan_annual_rate"), "loan_annual_rate")
        quote.loan_down_payment_ratio = _rate_or_none(fields.get("loan_down_payment_ratio"), "loan_down_payment_ratio")
        quote.loan_down_payment_amount = _money_or_none(fields.get("loan_down_payment_amount"),
                                                        "loan_down_payment_amount")
        if fields.get("promotion") not in (None, ""):
            promotion = selectors.active_promotions(actor, trim_id=trim.pk, on=purchase_date).filter(
                pk=getattr(fields["promotion"], "pk", fields["promotion"])).first()
            if promotion is None:
                raise DomainError(_("Choose a finance promotion that is valid for this trim on the invoice date."),
                                  code="promotion_unavailable", field="promotion")
            # The promotion names its lender and the rate it replaces; the consultant does not retype them.
            quote.loan_lender = promotion.lender
            quote.loan_annual_rate = promotion.lender_rate
        if not quote.loan_lender:
            raise DomainError(_("Enter the lender."), code="required", field="loan_lender")
        if quote.loan_annual_rate is None:
            raise DomainError(_("Enter the lender's annual rate."), code="rate_required", field="loan_annual_rate")
    else:
        quote.loan_lender = ""
        quote.loan_term_months = quote.loan_annual_rate = None
        quote.loan_down_payment_ratio = quote.loan_down_payment_amount = None
    quote.promotion = promotion

    quote.deposit_amount = _money_or_none(fields.get("deposit_amount"), "deposit_amount", default=Decimal("0.00"))
    quote.deposit_kind = _choice(fields.get("deposit_kind"), DepositKind, "deposit_kind", DepositKind.EARNEST)
    quote.notes = _text(fields.get("notes"), "notes", 2000)
    return {"trim": trim, "exterior": exterior, "interior": interior, "promotion": promotion}


def _calculate(quote: Quote, lines: list[QuoteLine], records: dict, settings: QuoteSettings) -> None:
    """Run the calculation with the store's tables and store its figures and breakdown on the (unsaved) quote."""
    rate_table = None
    if quote.commercial_insurance_mode == CommercialInsurance.RATE_TABLE:
        rate_table = pricing.insurance_table(selectors.insurance_bands(quote.store_id))
    quote_input = pricing.build_input(quote, trim=records["trim"], lines=lines,
                                      vessel_tax_table=settings.vessel_tax_table(), exterior=records["exterior"],
                                      interior=records["interior"], promotion=records["promotion"],
                                      rate_table=rate_table)
    result = pricing.calculate(quote_input)
    quote.vehicle_price = result.vehicle_price
    quote.total = result.total
    quote.cash_due_at_signing = result.cash_due_at_signing
    quote.cash_due_at_delivery = result.cash_due_at_delivery
    quote.amount_financed = result.amount_financed
    quote.monthly_instalment = result.loan.monthly_instalment if result.loan else None
    quote.breakdown = pricing.breakdown_json(result)


def _price_checks(quote: Quote, creator, lines: list[QuoteLine]) -> None:
    """Flag what the quote needs before it can be issued: the manager's approval beyond the creator's discount limit
    or below the floor price (managers need neither), measured on the effective discount — trade-in bonus and
    catalog items quoted below their price included (limits.py). A unified-price trim is refused off its price."""
    items = limits.catalog_lines(lines)
    if quote.unified_price and (refusal := limits.unified_price_refusal(trade_in_bonus=quote.trade_in_bonus,
                                                                        lines=items)):
        raise refusal
    verdict = limits.assess(guide_price=quote.guide_price, discount=quote.discount, trade_in_bonus=quote.trade_in_bonus,
                            lines=items, limit=selectors.discount_limit(creator, quote.store_id),
                            floor=selectors.floor_price(quote.store_id, quote.trim_id))
    quote.below_floor, quote.needs_approval = verdict.below_floor, verdict.needs_approval


def quote_preview(*, actor, lead: Lead, fields: dict, lines: list[dict]) -> Quote:
    """The figures a quote would have, without saving anything (the form's live totals)."""
    require(actor, Capability.WORK_LEADS)
    lead = get_visible(Lead, actor, lead.pk)
    settings = selectors.store_settings(lead.store_id)
    quote = Quote(store_id=lead.store_id, lead=lead, version=0, created_by=actor)
    records = _assign_inputs(actor, quote, fields, settings=settings, creating=True)
    quote.line_list = _lines(actor, lines, records["trim"])
    _calculate(quote, quote.line_list, records, settings)
    _price_checks(quote, actor, quote.line_list)
    return quote


def _next_version(lead: Lead) -> int:
    return (Quote.objects.filter(lead_id=lead.pk).aggregate(v=Max("version"))["v"] or 0) + 1


def _number(lead: Lead, version: int) -> str:
    store_code = lead.store.code.upper() if getattr(lead, "store", None) else str(lead.store_id)
    return f"{store_code}-{lead.pk:06d}-V{version}"


def _save_new(actor, quote: Quote, lines: list[QuoteLine]) -> None:
    try:
        with transaction.atomic():
            quote.save()
    except IntegrityError:  # the lead is locked, so only a concurrent writer without the lock gets here
        raise Conflict(_("Another version was saved at the same moment; reload and try again."),
                       code="version_taken") from None
    for line in lines:
        line.quote = quote
    QuoteLine.objects.bulk_create(lines)


def quote_inputs(quote: Quote) -> tuple[dict, list[dict]]:
    """A quote's inputs and lines as quote_create and quote_update take them: to copy a version or change a few."""
    fields = {name.removesuffix("_id"): getattr(quote, name) for name in _COPIED}
    fields.update(purchase_date=quote.purchase_date, valid_until=quote.valid_until)
    lines = [{"kind": line.kind, "name": line.name, "amount": line.amount, "option": line.option_id,
              "accessory": line.accessory_id} for line in quote.lines.all()]
    return fields, lines


def quote_create(*, actor, lead: Lead, fields: dict, lines: list[dict] | None = None) -> Quote:
    """Draft a new quote version for a lead from the chosen trim, items, insurance, trade-in and payment."""
    with transaction.atomic():
        lead = _lock_lead(actor, lead.pk)
        _require_open_lead(lead)
        _refuse_after_acceptance(lead)
        settings = selectors.store_settings(lead.store_id)
        version = _next_version(lead)
        quote = Quote(store_id=lead.store_id, lead=lead, version=version, number=_number(lead, version),
                      created_by=actor, status=QuoteStatus.DRAFT)
        records = _assign_inputs(actor, quote, fields, settings=settings, creating=True)
        quote_lines = _lines(actor, lines, records["trim"])
        _calculate(quote, quote_lines, records, settings)
        _price_checks(quote, actor, quote_lines)
        _save_new(actor, quote, quote_lines)
        audit.record(actor=actor, action="quotes.quote_created", target=quote,
                     data={"number": quote.number, "lead": lead.pk, "version": version, **_snapshot(quote)})
    return quote


def quote_update(*, actor, quote: Quote, fields: dict, lines: list[dict] | None = None) -> Quote:
    """Change a draft: its inputs and lines; the figures are recalculated."""
    with transaction.atomic():
        quote = _lock_quote(actor, quote)
        _require_open_lead(quote.lead)
        if quote.status != QuoteStatus.DRAFT:
            raise DomainError(_("Only a draft can be changed; make a new version instead."), code="quote_not_draft",
                              field="status")
        before = _snapshot(quote)
        settings = selectors.store_settings(quote.store_id)
        records = _assign_inputs(actor, quote, fields, settings=settings, creating=False)
        quote_lines = _lines(actor, lines, records["trim"])
        _calculate(quote, quote_lines, records, settings)
        # A manager who changes a consultant's draft decides its price (no approval of their own change).
        _price_checks(quote, actor if selectors.may_approve(actor) else (quote.created_by or actor), quote_lines)
        quote.save()
        quote.lines.all().delete()
        for line in quote_lines:
            line.quote = quote
        QuoteLine.objects.bulk_create(quote_lines)
        audit.record_changes(actor=actor, action="quotes.quote_changed", target=quote, before=before,
                             after=_snapshot(quote))
    return quote


def quote_new_version(*, actor, quote: Quote) -> Quote:
    """Start the next version of a lead's quote from this one: the same inputs and lines, recalculated with
    today's catalog price and dates (a promotion no longer valid is dropped)."""
    with transaction.atomic():
        source = _lock_quote(actor, quote)
        lead = source.lead
        _require_open_lead(lead)
        _refuse_after_acceptance(lead)
        settings = selectors.store_settings(lead.store_id)
        today = clock.today()
        fields, raw_lines = quote_inputs(source)
        fields["purchase_date"] = max(source.purchase_date, today)
        fields["valid_until"] = None
        dropped = ""
        if source.promotion_id and not selectors.active_promotions(actor, trim_id=source.trim_id,
                                                                   on=fields["purchase_date"]).filter(
                pk=source.promotion_id).exists():
            fields["promotion"], dropped = None, source.promotion.name
        version = _next_version(lead)
        new = Quote(store_id=lead.store_id, lead=lead, version=version, number=_number(lead, version),
                    created_by=actor, status=QuoteStatus.DRAFT)
        records = _assign_inputs(actor, new, fields, settings=settings, creating=False)
        if new.unified_price:
            raw_lines = limits.at_catalog_price(raw_lines)
        new_lines = _lines(actor, raw_lines, records["trim"])
        _calculate(new, new_lines, records, settings)
        _price_checks(new, actor, new_lines)
        _save_new(actor, new, new_lines)
        audit.record(actor=actor, action="quotes.quote_created", target=new,
                     data={"number": new.number, "lead": lead.pk, "version": version, "copied_from": source.number,
                           "promotion_dropped": dropped, **_snapshot(new)})
    return new


# ------------------------------------------------------------------------------------------------- approval


def quote_request_approval(*, actor, quote: Quote, reason: str) -> ApprovalRequest:
    """Ask the sales manager to approve a draft beyond the consultant's discount limit or below the floor price."""
    reason = _text(reason, "reason", 500)
    with transaction.atomic():
        quote = _lock_quote(actor, quote)
        _require_open_lead(quote.lead)
        if quote.status != QuoteStatus.DRAFT:
            raise DomainError(_("Only a draft can be sent for approval."), code="quote_not_draft", field="status")
        if not quote.needs_approval:
            raise DomainError(_("This quote is within your discount limit: issue it directly."),
                              code="approval_not_needed", field="status")
        if not reason:
            raise DomainError(_("Say why the customer should get this price."), code="reason_required", field="reason")
        limit = selectors.discount_limit(quote.created_by or actor, quote.store_id) or Decimal("0.00")
        asked = limits.effective_discount(discount=quote.discount, trade_in_bonus=quote.trade_in_bonus, lines=(
            limits.catalog_lines(quote.lines.select_related("option", "accessory"))))
        request = ApprovalRequest(
            store_id=quote.store_id, quote=quote, reason=reason, discount=asked, limit=limit,
            floor_price=selectors.floor_price(quote.store_id, quote.trim_id), below_floor=quote.below_floor,
            requested_by=actor)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            raise Conflict(_("An approval of this quote is already waiting."), code="approval_pending") from None
        _status_change(actor, quote, QuoteStatus.PENDING_APPROVAL, reason=reason,
                       data={"discount": asked, "limit": limit, "below_floor": quote.below_floor})
        quote.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="quotes.approval_requested", target=request,
                     data={"quote": quote.number, "discount": asked, "limit": limit,
                           "below_floor": quote.below_floor, "reason": reason})
    return request


def approval_decide(*, actor, approval: ApprovalRequest, approve: bool, comment: str = "") -> ApprovalRequest:
    """The sales manager approves or rejects a discount request (a rejection says why)."""
    comment = _text(comment, "comment", 500)
    if not selectors.may_approve(actor):
        raise PermissionDenied(_("Only the sales manager decides discount approvals."))
    with transaction.atomic():
        # The lead first, then the quote and its request, as the consultant's quote services lock them.
        lead_id = get_visible(ApprovalRequest, actor, approval.pk, select_related=("quote",)).quote.lead_id
        lead = get_visible(Lead, actor, lead_id, for_update=True)
        approval = get_visible(ApprovalRequest, actor, approval.pk, for_update=True)
        quote = get_visible(Quote, actor, approval.quote_id, for_update=True)
        if approval.status != ApprovalStatus.PENDING:
            raise Conflict(_("This request was already decided (%(status)s).")
                           % {"status": approval.get_status_display()}, code="approval_decided")
        if approval.requested_by_id == actor.pk:
            raise PermissionDenied(_("Another manager decides your own request."))
        if not approve and not comment:
            raise DomainError(_("Tell the consultant why the price is rejected."), code="comment_required",
                              field="comment")
        approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        approval.decided_by, approval.decided_at, approval.comment = actor, clock.now(), comment
        approval.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        _status_change(actor, quote, QuoteStatus.APPROVED if approve else QuoteStatus.REJECTED, reason=comment)
        quote.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="quotes.approval_decided", target=approval,
                     data={"quote": quote.number, "approved": approve, "discount": approval.discount,
                           "below_floor": approval.below_floor, "comment": comment})
        _notify_consultant(actor, lead, quote, approve, comment)
    return approval


def _notify_consultant(actor, lead: Lead, quote: Quote, approve: bool, comment: str) -> None:
    """The decision becomes a follow-up due now on the consultant's task list (the workbench card can be missed):
    tell the customer the price, or what the manager said instead."""
    if lead.status not in (Status.OPEN, Status.WON) or lead.owner_id is None:
        return  # a closed lead has no one to call back; the decision stays on the quote
    if approve:
        title = (_("Price approved for quote %(number)s: issue it to the customer. Manager: %(comment)s")
                 if comment else _("Price approved for quote %(number)s: issue it to the customer."))
    else:
        title = _("Price rejected for quote %(number)s. Manager: %(comment)s")
    title = title % {"number": quote.number, "comment": comment}
    if len(title) > TASK_TITLE_MAX:  # the whole comment stays on the request and the quote page
        title = title[:TASK_TITLE_MAX - 1] + "…"
    followups.task_create(actor=actor, lead=lead, title=title, due_at=clock.now())


def approval_mark_seen(*, actor, approval: ApprovalRequest) -> ApprovalRequest:
    """The consultant has read the manager's decision; it leaves their workbench."""
    with transaction.atomic():
        approval = get_visible(ApprovalRequest, actor, approval.pk, for_update=True)
        if approval.requested_by_id != actor.pk:
            raise PermissionDenied()
        if approval.status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED) and approval.seen_at is None:
            approval.seen_at = clock.now()
            approval.save(update_fields=["seen_at"])
    return approval


def _withdraw_pending(actor, quote: Quote, reason: str) -> None:
    for request in ApprovalRequest.objects.select_for_update().filter(quote_id=quote.pk,
                                                                      status=ApprovalStatus.PENDING):
        request.status, request.comment, request.decided_at = ApprovalStatus.WITHDRAWN, reason, clock.now()
        request.save(update_fields=["status", "comment", "decided_at"])
        audit.record(actor=actor, action="quotes.approval_withdrawn", target=request,
                     data={"quote": quote.number, "reason": reason})


def _supersede_others(actor, quote: Quote, statuses, reason: str) -> None:
    others = list(Quote.objects.select_for_update().filter(lead_id=quote.lead_id, status__in=statuses)
                  .exclude(pk=quote.pk).order_by("pk"))
    for other in others:
        if other.status == QuoteStatus.PENDING_APPROVAL:
            _withdraw_pending(actor, other, reason)
        _status_change(actor, other, QuoteStatus.SUPERSEDED, reason=reason, data={"by": quote.number})
        other.closed_reason = reason[:300]
        other.save(update_fields=["status", "closed_reason", "updated_at"])


# ---------------------------------------------------------------------------------------------- issue, close


def quote_issue(*, actor, quote: Quote, skip_reason: str = "") -> Quote:
    """Hand the quote to the customer: within the limit or approved, and still valid. The lead's first issued quote
    moves it to "Quote and negotiation" (skipping the test drive needs the reason)."""
    with transaction.atomic():
        quote = _lock_quote(actor, quote)
        lead = quote.lead
        _require_open_lead(lead)
        if quote.status == QuoteStatus.PENDING_APPROVAL:
            raise DomainError(_("The quote is waiting for the manager's approval."), code="approval_pending",
                              field="status")
        if quote.status == QuoteStatus.DRAFT and quote.needs_approval:
            raise DomainError(_("The discount is beyond your limit or below the floor price: ask the sales manager "
                                "to approve it first."), code="approval_required", field="discount")
        if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.APPROVED):
            raise DomainError(_("This quote is %(status)s and cannot be issued.")
                              % {"status": quote.get_status_display()}, code="quote_not_issuable", field="status")
        if quote.valid_until < clock.today():
            raise DomainError(_("The quote expired on %(day)s: make a new version.") % {"day": quote.valid_until},
                              code="quote_expired", field="valid_until")
        _refuse_after_acceptance(lead)
        if lead.stage < Stage.NEGOTIATION:
            try:
                leads.lead_advance_stage(actor=actor, lead=lead, to=Stage.NEGOTIATION, skip_reason=skip_reason)
            except DomainError as err:
                if err.field == "skip_reason":
                    raise DomainError(_("The lead has not had a test drive: give the reason for quoting without "
                                        "one."), code="skip_reason_required", field="skip_reason") from None
                raise
        _supersede_others(actor, quote, (QuoteStatus.ISSUED, QuoteStatus.APPROVED, QuoteStatus.PENDING_APPROVAL),
                          _("Version %(version)s was issued.") % {"version": quote.version})
        _status_change(actor, quote, QuoteStatus.ISSUED, data={"total": quote.total, "discount": quote.discount,
                                                               "valid_until": quote.valid_until})
        quote.issued_at, quote.issued_by = clock.now(), actor
        quote.save(update_fields=["status", "issued_at", "issued_by", "updated_at"])
    return quote


def quote_decline(*, actor, quote: Quote, reason: str) -> Quote:
    """The customer turned this version down (the reason is kept for the negotiation)."""
    reason = _text(reason, "reason", 300)
    with transaction.atomic():
        quote = _lock_quote(actor, quote)
        if not reason:
            raise DomainError(_("Say why the customer declined."), code="reason_required", field="reason")
        if quote.status not in OPEN_STATUSES:
            raise DomainError(_("This quote is %(status)s already.") % {"status": quote.get_status_display()},
                              code="quote_closed", field="status")
        if quote.status == QuoteStatus.PENDING_APPROVAL:
            _withdraw_pending(actor, quote, reason)
        _status_change(actor, quote, QuoteStatus.DECLINED, reason=reason)
        quote.closed_reason = reason
        quote.save(update_fields=["status", "closed_reason", "updated_at"])
    return quote


def quote_accept(*, actor, quote: Quote) -> Quote:
    """The customer accepts an issued, valid quote as the order is signed (called by the orders app inside its
    transaction): the lead's other open versions are superseded."""
    with transaction.atomic():
        quote = _lock_quote(actor, quote)
        _require_open_lead(quote.lead)
        if quote.status == QuoteStatus.ACCEPTED:
            raise Conflict(_("This quote was already accepted."), code="quote_accepted")
        if quote.status == QuoteStatus.SUPERSEDED:
            raise DomainError(_("A newer version replaced this quote; accept the current one."),
                              code="quote_superseded", field="quote")
        if quote.status == QuoteStatus.CANCELLED:
            raise DomainError(_("The order signed from this quote was cancelled: make a new version and issue it."),
                              code="quote_order_cancelled", field="quote")
        if quote.status in (QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL, QuoteStatus.REJECTED,
                            QuoteStatus.APPROVED):
            code = "quote_not_approved" if quote.status in (QuoteStatus.PENDING_APPROVAL, QuoteStatus.REJECTED) or (
                quote.status == QuoteStatus.DRAFT and quote.needs_approval) else "quote_not_issued"
            raise DomainError(_("Only a quote issued to the customer can be accepted (this one is %(status)s).")
                              % {"status": quote.get_status_display()}, code=code, field="quote")
        if quote.status != QuoteStatus.ISSUED:
            raise DomainError(_("This quote is %(status)s and cannot be accepted.")
                              % {"status": quote.get_status_display()}, code="quote_closed", field="quote")
        if quote.valid_until < clock.today():
            raise DomainError(_("The quote expired on %(day)s: make a new version and issue it.")
                              % {"day": quote.valid_until}, code="quote_expired", field="quote")
        if Quote.objects.filter(lead_id=quote.lead_id, status=QuoteStatus.ACCEPTED).exists():
            raise Conflict(_("Another quote of this lead was already accepted."), code="lead_has_accepted_quote")
        _supersede_others(actor, quote, OPEN_STATUSES, _("Version %(version)s was accepted.") % {"version": quote.version})
        _status_change(actor, quote, QuoteStatus.ACCEPTED, data={"total": quote.total})
        quote.accepted_at = clock.now()
        quote.save(update_fields=["status", "accepted_at", "updated_at"])
    return quote


def quote_cancel_acceptance(*, actor, quote: Quote, reason: str) -> Quote:
    """The order signed from this accepted quote was cancelled: the quote no longer counts as accepted (it closes as
    "order cancelled" with the reason, its figures kept), so the lead can be quoted again and a new version accepted.

    Called by orders.services.order_cancel inside its transaction, after its checks.
    """
    reason = _text(reason, "reason", 300)
    with transaction.atomic():
        quote = _lock_quote(actor, quote)
        if quote.status != QuoteStatus.ACCEPTED:
            raise DomainError(_("Only an accepted quote is closed with its order (this one is %(status)s).")
                              % {"status": quote.get_status_display()}, code="quote_not_accepted", field="quote")
        _status_change(actor, quote, QuoteStatus.CANCELLED, reason=reason)
        quote.closed_reason = reason
        quote.save(update_fields=["status", "closed_reason", "updated_at"])
    return quote


# ---------------------------------------------------------------------------------------------- negotiation


def negotiation_record(*, actor, lead: Lead, fields: dict) -> NegotiationRound:
    """Log a round of negotiation on the lead: the customer's counter-offer and objections, and our answer."""
    with transaction.atomic():
        lead = _lock_lead(actor, lead.pk)
        _require_open_lead(lead)
        objections = list(dict.fromkeys(fields.get("objections") or ()))
        for value in objections:
            if value not in Objection.values:
                raise DomainError(_("Choose the objections from the list."), code="invalid_choice", field="objections")
        counter = _money_or_none(fields.get("counter_offer"), "counter_offer")
        answer = _text(fields.get("answer"), "answer", 2000)
        said = _text(fields.get("customer_said"), "customer_said", 2000)
        if not objections and counter is None and not said:
            raise DomainError(_("Record the customer's counter-offer, an objection or what they said."),
                              code="round_empty", field="objections")
        if not answer:
            raise DomainError(_("Record how you answered."), code="answer_required", field="answer")
        competitor_trim = None
        if fields.get("competitor_trim") not in (None, ""):
            competitor_trim = _catalog_trim(actor, fields["competitor_trim"], field="competitor_trim", own=False)
        competitor_text = _text(fields.get("competitor_text"), "competitor_text", 100)
        competitor_price = _money_or_none(fields.get("competitor_price"), "competitor_price")
        if Objection.COMPETITOR in objections and competitor_trim is None and not competitor_text:
            raise DomainError(_("Name the competitor's car (from the catalog or as text)."),
                              code="competitor_required", field="competitor_trim")
        quote = None
        if fields.get("quote") not in (None, ""):
            quote = Quote.objects.visible_to(actor).filter(lead_id=lead.pk, pk=getattr(fields["quote"], "pk",
                                                                                       fields["quote"])).first()
            if quote is None:
                raise DomainError(_("Choose one of this lead's quotes."), code="quote_unknown", field="quote")
        happened_at = fields.get("happened_at") or clock.now()
        if happened_at > clock.now() + dt.timedelta(minutes=5):
            raise DomainError(_("A round cannot be in the future."), code="future", field="happened_at")
        entry = NegotiationRound.objects.create(
            store_id=lead.store_id, lead=lead, quote=quote, happened_at=happened_at, counter_offer=counter,
            objections=objections, competitor_trim=competitor_trim, competitor_text=competitor_text,
            competitor_price=competitor_price,
            trade_in_value_asked=_money_or_none(fields.get("trade_in_value_asked"), "trade_in_value_asked"),
            customer_said=said, answer=answer, consultant=actor)
        audit.record(actor=actor, action="quotes.negotiation_recorded", target=entry, store_id=lead.store_id,
                     data={"lead": lead.pk, "quote": quote.number if quote else "", "counter_offer": counter,
                           "objections": objections, "competitor_price": competitor_price})
    return entry


# ------------------------------------------------------------------------------------------- store settings


def _require_settings(actor) -> int:
    if not selectors.may_edit_settings(actor) or actor.store_id is None:
        raise PermissionDenied(_("Only the sales manager or a store admin sets prices and limits."))
    return actor.store_id


def quote_settings_save(*, actor, fields: dict) -> QuoteSettings:
    """The manager sets how long quotes are valid, the default discount limit and the plate service fee."""
    store_id = _require_settings(actor)
    with transaction.atomic():
        current, _created = QuoteSettings.objects.select_for_update().get_or_create(store_id=store_id)
        before = {"validity_days": current.validity_days, "discount_limit": current.discount_limit,
                  "plate_service_fee": current.plate_service_fee, "insurer_name": current.insurer_name}
        days = fields.get("validity_days", current.validity_days)
        if days is None or not 1 <= int(days) <= MAX_VALIDITY_DAYS:
            raise DomainError(_("A quote is valid for 1 to %(days)s days.") % {"days": MAX_VALIDITY_DAYS},
                              code="out_of_range", field="validity_days")
        current.validity_days = int(days)
        current.discount_limit = _money_or_none(fields.get("discount_limit"), "discount_limit",
                                                default=current.discount_limit)
        current.plate_service_fee = _money_or_none(fields.get("plate_service_fee"), "plate_service_fee",
                                                   default=current.plate_service_fee)
        current.insurer_name = _text(fields.get("insurer_name", current.insurer_name), "insurer_name", 100)
        current.save()
        audit.record_changes(actor=actor, action="quotes.settings_changed", target=current, before=before, after={
            "validity_days": current.validity_days, "discount_limit": current.discount_limit,
            "plate_service_fee": current.plate_service_fee, "insurer_name": current.insurer_name})
    return current


def discount_limit_set(*, actor, consultant, amount) -> DiscountLimit | None:
    """Give a consultant their own discount limit (None: back to the store default)."""
    store_id = _require_settings(actor)
    amount = _money_or_none(amount, "amount")
    with transaction.atomic():
        if getattr(consultant, "store_id", None) != store_id:
            raise NotFound()
        if not consultant.sells or not consultant.is_active:
            raise DomainError(_("Choose an active consultant of this store."), code="consultant_invalid",
                              field="consultant")
        existing = DiscountLimit.objects.select_for_update().filter(consultant_id=consultant.pk).first()
        before = existing.amount if existing else None
        if amount is None:
            if existing:
                existing.delete()
            result = None
        elif existing:
            existing.amount = amount
            existing.save(update_fields=["amount", "updated_at"])
            result = existing
        else:
            result = DiscountLimit.objects.create(store_id=store_id, consultant=consultant, amount=amount)
        audit.record(actor=actor, action="quotes.discount_limit_set", target=consultant, store_id=store_id,
                     data={"consultant": consultant.pk, "from": before, "to": amount})
    return result


def floor_price_set(*, actor, trim, price) -> FloorPrice | None:
    """Set a trim's floor price for the store (None removes it)."""
    store_id = _require_settings(actor)
    trim = _catalog_trim(actor, trim)
    price = _money_or_none(price, "price")
    if price is not None and price <= 0:
        raise DomainError(_("The floor price must be above zero."), code="required", field="price")
    with transaction.atomic():
        existing = FloorPrice.objects.select_for_update().filter(store_id=store_id, trim_id=trim.pk).first()
        before = existing.price if existing else None
        if price is None:
            if existing:
                existing.delete()
            result = None
        elif existing:
            existing.price = price
            existing.save(update_fields=["price", "updated_at"])
            result = existing
        else:
            result = FloorPrice.objects.create(store_id=store_id, trim=trim, price=price)
        audit.record(actor=actor, action="quotes.floor_price_set", target=trim, store_id=store_id,
                     data={"trim": str(trim), "from": before, "to": price})
    return result


def unified_price_set(*, actor, trim, unified: bool, note: str = "") -> UnifiedPrice | None:
    """Mark a trim as sold at the unified national price (融合直售), or not."""
    store_id = _require_settings(actor)
    trim = _catalog_trim(actor, trim)
    note = _text(note, "note", 200)
    with transaction.atomic():
        existing = UnifiedPrice.objects.select_for_update().filter(store_id=store_id, trim_id=trim.pk).first()
        result = existing
        if unified and existing is None:
            result = UnifiedPrice.objects.create(store_id=store_id, trim=trim, note=note)
        elif unified and existing.note != note:
            existing.note = note
            existing.save(update_fields=["note"])
        elif not unified and existing is not None:
            existing.delete()
            result = None
        if (existing is None) != (result is None):
            audit.record(actor=actor, action="quotes.unified_price_set", target=trim, store_id=store_id,
                         data={"trim": str(trim), "unified": unified, "note": note})
    return result


def insurance_rates_replace(*, actor, bands: list[dict]) -> list[InsuranceRate]:
    """Replace the store's commercial-insurance rate table: bands by vehicle price, ascending, the last open."""
    store_id = _require_settings(actor)
    clean = []
    previous = Decimal(0)
    for index, band in enumerate(bands):
        last = index == len(bands) - 1
        up_to = _money_or_none(band.get("up_to_price"), "bands")
        base = _money_or_none(band.get("base"), "bands", default=Decimal("0.00"))
        rate = _rate_or_none(band.get("rate"), "bands")
        if rate is None:
            raise DomainError(_("Every band needs its rate."), code="required", field="bands")
        if rate.as_tuple().exponent < -6:
            raise DomainError(_("Enter a percentage with at most four decimals."), code="too_precise", field="bands")
        if last and up_to is not None:
            raise DomainError(_("The last band covers every higher price: leave its upper price empty."),
                              code="last_band_open", field="bands")
        if not last and (up_to is None or up_to <= previous):
            raise DomainError(_("Give each band but the last an upper price, ascending."), code="bands_ascending",
                              field="bands")
        previous = up_to or previous
        clean.append(InsuranceRate(store_id=store_id, up_to_price=up_to, base=base, rate=rate))
    with transaction.atomic():
        old = [{"up_to_price": b.up_to_price, "base": b.base, "rate": b.rate}
               for b in InsuranceRate.objects.select_for_update().filter(store_id=store_id)]
        InsuranceRate.objects.filter(store_id=store_id).delete()
        created = InsuranceRate.objects.bulk_create(clean)
        settings, _created = QuoteSettings.objects.get_or_create(store_id=store_id)
        audit.record(actor=actor, action="quotes.insurance_rates_replaced", target=settings, store_id=store_id,
                     data={"from": old, "to": [{"up_to_price": b.up_to_price, "base": b.base, "rate": b.rate}
                                               for b in clean]})
    return created


VESSEL_TAX_REGION_MAX = 50  # QuoteSettings.vessel_tax_region


def vessel_tax_save(*, actor, fields: dict) -> QuoteSettings:
    """The manager sets the store's 车船税 table: the province it is from (printed on the quote) and its annual
    amount per displacement bracket, each inside the range the law gives the bracket. Every amount is checked
    before anything is saved, and the refusal names each bracket at fault."""
    store_id = _require_settings(actor)
    region = _text(fields.get("vessel_tax_region"), "vessel_tax_region", VESSEL_TAX_REGION_MAX)
    errors: dict[str, list[str]] = {}
    if not region:
        errors["vessel_tax_region"] = [_("Name the province (or city) whose amounts these are.")]
    amounts = {}
    for bracket in VESSEL_TAX_BRACKETS:
        field = vessel_tax_field(bracket.key)
        try:
            amount = _money_or_none(fields.get(field), field)
        except DomainError as err:
            errors[field] = [str(err.message)]
            continue
        if amount is None or not bracket.minimum <= amount <= bracket.maximum:
            errors[field] = [_("%(bracket)s: enter an annual amount from ¥%(minimum)s to ¥%(maximum)s, the range "
                               "the law gives this bracket.") % {"bracket": bracket.label,
                                                                 "minimum": f"{bracket.minimum:,}",
                                                                 "maximum": f"{bracket.maximum:,}"}]
            continue
        amounts[field] = to_fen(amount)
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], code="vessel_tax_invalid", field=field, fields=errors)
    with transaction.atomic():
        current, _created = QuoteSettings.objects.select_for_update().get_or_create(store_id=store_id)
        names = ("vessel_tax_region", *amounts)
        before = {name: getattr(current, name) for name in names}
        current.vessel_tax_region = region
        for field, amount in amounts.items():
            setattr(current, field, amount)
        current.save()
        audit.record_changes(actor=actor, action="quotes.vessel_tax_changed", target=current, before=before,
                             after={name: getattr(current, name) for name in names})
    return current


def vessel_tax_apply_preset(*, actor, preset: str) -> QuoteSettings:
    """Set the store's 车船税 table to a province's published one (rates.VESSEL_TAX_PRESETS)."""
    table = VESSEL_TAX_PRESETS.get(preset)
    if table is None:
        raise DomainError(_("Choose one of the offered tables."), code="invalid_choice", field="preset")
    return vessel_tax_save(actor=actor, fields={
        "vessel_tax_region": table.region,
        **{vessel_tax_field(key): amount for key, amount in vessel_tax_amounts(table).items()}})


PROMOTION_FIELDS = ("name", "lender", "terms", "annual_rate", "lender_rate", "min_down_payment_ratio", "valid_from",
                    "valid_until", "is_active", "conditions")


def promotion_save(*, actor, promotion: FinancePromotion | None, fields: dict, trim_ids=()) -> FinancePromotion:
    """Create or change a finance promotion of the store (which trims, terms, rate, minimum down payment, dates)."""
    store_id = _require_settings(actor)
    name = _text(fields.get("name"), "name", 100)
    lender = _text(fields.get("lender"), "lender", 100)
    if not name:
        raise DomainError(_("Name the promotion."), code="required", field="name")
    if not lender:
        raise DomainError(_("Enter the lender."), code="required", field="lender")
    terms = sorted({int(t) for t in fields.get("terms") or ()})
    if any(t not in ALLOWED_TERMS for t in terms):
        raise DomainError(_("Choose terms of 12, 24, 36, 48 or 60 months."), code="term_not_allowed", field="terms")
    rate = _rate_or_none(fields.get("annual_rate"), "annual_rate")
    lender_rate = _rate_or_none(fields.get("lender_rate"), "lender_rate")
    if rate is None:
        raise DomainError(_("Enter the promotion's annual rate."), code="required", field="annual_rate")
    if lender_rate is None:
        raise DomainError(_("Enter the lender's standard rate."), code="required", field="lender_rate")
    if rate >= 1 or lender_rate >= 1:
        raise DomainError(_("Enter a percentage below 100."), code="out_of_range", field="annual_rate")
    if rate > lender_rate:
        raise DomainError(_("A promotion's rate cannot be above the lender's standard rate."), code="out_of_range",
                          field="annual_rate")
    minimum = _rate_or_none(fields.get("min_down_payment_ratio"), "min_down_payment_ratio") or Decimal(0)
    for value, field in ((rate, "annual_rate"), (lender_rate, "lender_rate"), (minimum, "min_down_payment_ratio")):
        if value.as_tuple().exponent < -6:
            raise DomainError(_("Enter a percentage with at most four decimals."), code="too_precise", field=field)
    valid_from, valid_until = fields.get("valid_from"), fields.get("valid_until")
    if valid_from is None:
        raise DomainError(_("Enter the first day of the promotion."), code="required", field="valid_from")
    if valid_until is None:
        raise DomainError(_("Enter the last day of the promotion."), code="required", field="valid_until")
    if valid_until < valid_from:
        raise DomainError(_("The promotion must end on or after its first day."), code="dates", field="valid_until")
    trims = list(catalog.trims_by_ids(actor, trim_ids or ()))
    if len(trims) != len(set(trim_ids or ())):
        raise DomainError(_("Choose trims of the catalog."), code="trim_unknown", field="trims")
    with transaction.atomic():
        if promotion is not None:
            promotion = get_visible(FinancePromotion, actor, promotion.pk, for_update=True)
            before = {f: getattr(promotion, f) for f in PROMOTION_FIELDS}
            before["trims"] = sorted(promotion.trims.values_list("pk", flat=True))
        else:
            promotion, before = FinancePromotion(store_id=store_id), {}
        promotion.name, promotion.lender, promotion.terms = name, lender, terms
        promotion.annual_rate, promotion.lender_rate, promotion.min_down_payment_ratio = rate, lender_rate, minimum
        promotion.valid_from, promotion.valid_until = valid_from, valid_until
        promotion.is_active = bool(fields.get("is_active", True))
        promotion.conditions = _text(fields.get("conditions"), "conditions", 300)
        if FinancePromotion.objects.filter(store_id=store_id, name=name).exclude(pk=promotion.pk).exists():
            raise DomainError(_("The store already has a promotion of this name."), code="name_taken", field="name")
        promotion.save()
        promotion.trims.set(trims)
        after = {f: getattr(promotion, f) for f in PROMOTION_FIELDS}
        after["trims"] = sorted(t.pk for t in trims)
        if before:
            audit.record_changes(actor=actor, action="quotes.promotion_changed", target=promotion, before=before,
                                 after=after)
        else:
            audit.record(actor=actor, action="quotes.promotion_created", target=promotion, data=after)
    return promotion

