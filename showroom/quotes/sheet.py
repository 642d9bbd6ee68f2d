"""The quote sheet (报价单) as labelled rows, in the order of domain §3.5: the one layout the page, the print
stylesheet, the PDF and the version comparison share. Every amount comes from the stored calculation."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from showroom.core import clock

from .models import LineKind, PaymentMethod
from .pricing import money

# The short names printed after "cash due at signing" (the choices' labels explain the rules).
DEPOSIT_NAMES = {"earnest": lambda: pgettext("deposit", "earnest money"),
                 "advance": lambda: pgettext("deposit", "advance payment")}


def yuan(value) -> str:
    """An amount as printed on the sheet: ¥398,800.00."""
    if value in (None, ""):
        return "—"
    amount = money(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def percent(value) -> str:
    if value in (None, ""):
        return "—"
    return f"{(Decimal(value) * 100).normalize():f} %"


def _row(label, value, *, key: str, strong: bool = False, money_value=None) -> dict:
    return {"label": label, "value": value, "key": key, "strong": strong, "amount": money_value}


def _money_row(label, amount, *, key: str, strong: bool = False) -> dict:
    return _row(label, yuan(amount), key=key, strong=strong, money_value=money(amount))


def build(quote) -> dict:
    """The sheet of a saved quote or of an unsaved preview (with `line_list`)."""
    b = quote.breakdown
    lines = getattr(quote, "line_list", None)
    if lines is None:
        lines = list(quote.lines.all())
    trim = quote.trim
    lead = quote.lead
    customer = lead.customer
    consultant = quote.created_by
    created = timezone.localtime(quote.created_at).date() if quote.created_at else clock.today()

    vehicle = [
        _row(pgettext("quote sheet", "Model"), f"{trim.series.name} {trim.model_year}", key="model"),
        _row(pgettext("quote sheet", "Trim"), trim.name, key="trim"),
        _row(_("Exterior colour"), str(quote.exterior_colour or "—"), key="exterior"),
        _row(_("Interior colour"), str(quote.interior_colour or "—"), key="interior"),
        _money_row(_("Guide price (MSRP)"), b["guide_price"], key="guide_price"),
    ]
    if money(b["colour_surcharges"]):
        vehicle.append(_money_row(_("Paint and interior surcharges"), b["colour_surcharges"], key="colours"))
    for line in lines:
        if line.kind == LineKind.OPTION:
            vehicle.append(_money_row(_("Option: %(name)s") % {"name": line.name}, line.amount,
                                      key=f"option:{line.name}"))
    vehicle.append(_money_row(_("Dealer discount"), -money(b["discount"]), key="discount"))
    if money(b["brand_trade_in_bonus"]):
        vehicle.append(_money_row(_("Brand trade-in bonus"), -money(b["brand_trade_in_bonus"]), key="bonus"))
    vehicle.append(_money_row(_("Vehicle price (裸车价)"), b["vehicle_price"], key="vehicle_price", strong=True))

    tax = b["purchase_tax"]
    vessel = b["vessel_tax"]
    taxes = [_money_row(_("Purchase tax, full (10 % of the price without VAT)"), tax["full_tax"], key="full_tax")]
    if money(tax["reduction"]):
        label = _("NEV purchase-tax reduction (capped at %(cap)s)") % {"cap": yuan(tax["reduction_cap"])} \
            if tax["cap_applied"] else _("NEV purchase-tax reduction")
        taxes.append(_money_row(label, -money(tax["reduction"]), key="nev_reduction"))
    taxes.append(_money_row(_("Purchase tax"), tax["tax"], key="purchase_tax", strong=True))
    if vessel["exempt"]:
        vessel_label = _("Vehicle and vessel tax (车船税): exempt")
    elif vessel.get("region"):  # the province whose table was used (not stored before the tables were per store)
        vessel_label = _("Vehicle and vessel tax (车船税, %(region)s table), %(months)s months") % {
            "region": vessel["region"], "months": vessel["months"]}
    else:
        vessel_label = _("Vehicle and vessel tax (车船税), %(months)s months") % {"months": vessel["months"]}
    taxes.append(_money_row(vessel_label, vessel["amount"], key="vessel_tax"))
    taxes.append(_money_row(_("Compulsory traffic insurance (交强险)"), b["compulsory_insurance"], key="compulsory"))
    if money(b["commercial_insurance"]):
        taxes.append(_money_row(_("Commercial insurance (商业险)"), b["commercial_insurance"], key="commercial"))

    services_rows = []
    if money(b["plate_service_fee"]):
        services_rows.append(_money_row(_("Plate service (optional)"), b["plate_service_fee"], key="plate"))
    for line in lines:
        if line.kind == LineKind.ACCESSORY:
            services_rows.append(_money_row(_("Accessory: %(name)s") % {"name": line.name}, line.amount,
                                            key=f"accessory:{line.name}"))
    if money(b["extended_warranty"]):
        services_rows.append(_money_row(quote.extended_warranty_name or _("Extended warranty / maintenance package"),
                                        b["extended_warranty"], key="warranty"))
    for line in lines:
        if line.kind in (LineKind.STORE_FEE, LineKind.FINANCE_FEE):
            services_rows.append(_money_row(line.name, line.amount, key=f"{line.kind}:{line.name}"))

    finance = []
    loan = b.get("loan")
    if quote.payment_method == PaymentMethod.LOAN and loan:
        finance = [
            _row(_("Lender"), loan["lender"] or "—", key="lender"),
            _row(_("Finance promotion"), loan["promotion"] or "—", key="promotion"),
            _money_row(_("Down payment"), loan["down_payment"], key="down_payment"),
            _money_row(_("Amount financed"), loan["amount_financed"], key="financed"),
            _row(_("Term"), _("%(months)s months") % {"months": loan["term_months"]}, key="term"),
            _row(_("Annual rate"), percent(loan["annual_rate"]), key="rate"),
            _money_row(_("Monthly instalment"), loan["monthly_instalment"], key="instalment", strong=True),
            _money_row(_("Total interest"), loan["total_interest"], key="interest"),
        ]
        if money(loan["interest_saved"]):
            finance.append(_money_row(_("Interest saved by the promotion"), loan["interest_saved"], key="saved"))
        if money(loan["fees"]):
            finance.append(_money_row(_("Lender's fees"), loan["fees"], key="loan_fees"))
    else:
        finance = [_row(_("Payment"), _("Full payment"), key="payment")]

    trade_in = []
    if quote.has_trade_in:
        car = " ".join(str(x) for x in (quote.trade_in_brand, quote.trade_in_model, quote.trade_in_year or "") if x)
        trade_in = [
            _row(_("Old car"), car, key="old_car"),
            _row(_("Plate / mileage"), f"{quote.trade_in_plate or '—'} / "
                 f"{quote.trade_in_mileage_km if quote.trade_in_mileage_km is not None else '—'} km", key="old_plate"),
            _money_row(_("Appraised value (paid against the cash due)"), b["trade_in_value"], key="trade_in_value"),
        ]
        if b["national_subsidy_scheme"] != "none":
            trade_in.append(_money_row(
                _("National subsidy (%(scheme)s), paid later by the government") % {
                    "scheme": quote.get_subsidy_scheme_display()}, b["national_subsidy"], key="subsidy"))

    totals = [
        _money_row(_("Total to drive away (落地价)"), b["total"], key="total", strong=True),
    ]
    if money(b["amount_financed"]):
        totals.append(_money_row(_("Less the amount financed"), -money(b["amount_financed"]), key="less_financed"))
    if money(b["trade_in_value"]):
        totals.append(_money_row(_("Less the trade-in value"), -money(b["trade_in_value"]), key="less_trade_in"))
    totals += [
        _money_row(_("Cash due at signing (%(kind)s)") % {"kind": DEPOSIT_NAMES[quote.deposit_kind]()}
                   if money(b["deposit"]) else _("Cash due at signing"), b["cash_due_at_signing"], key="at_signing"),
        _money_row(_("Cash due at delivery"), b["cash_due_at_delivery"], key="at_delivery", strong=True),
    ]

    sections = [
        {"title": _("Vehicle"), "rows": vehicle},
        {"title": _("Taxes and insurance"), "rows": taxes},
        {"title": _("Registration, accessories and packages"), "rows": services_rows},
        {"title": _("Financing"), "rows": finance},
    ]
    if trade_in:
        sections.append({"title": _("Trade-in (置换)"), "rows": trade_in})
    sections.append({"title": _("Totals"), "rows": totals})
    store = getattr(quote, "store", None)
    return {
        "store": store.name if store else "", "store_phone": getattr(store, "phone", ""),
        "store_city": getattr(store, "city", ""),
        "number": quote.number or _("(not saved)"), "version": quote.version, "date": created,
        "valid_until": quote.valid_until, "consultant": consultant.display_name if consultant else "",
        "consultant_mobile": getattr(consultant, "mobile", "") if consultant else "",
        "customer": customer.name, "customer_mobile": customer.masked_mobile,
        "status": quote.get_status_display(), "expired": quote.is_expired if quote.pk else False,
        "sections": [s for s in sections if s["rows"]], "total": yuan(b["total"]),
        "notes": quote.notes, "unified_price": quote.unified_price,
    }


def compare(quotes) -> dict:
    """The versions side by side: one row per sheet line (in the order they first appear), a cell per version,
    `changed` where a version differs from the one before it."""
    sheets = [build(q) for q in quotes]
    order: list[str] = []
    labels: dict[str, str] = {}
    values: list[dict[str, str]] = []
    for s in sheets:
        cells = {}
        for section in s["sections"]:
            for row in section["rows"]:
                if row["key"] not in labels:
                    order.append(row["key"])
                    labels[row["key"]] = row["label"]
                cells[row["key"]] = row["value"]
        values.append(cells)
    rows = []
    for key in order:
        cells = []
        for index, cells_of in enumerate(values):
            value = cells_of.get(key, "—")
            changed = index > 0 and value != values[index - 1].get(key, "—")
            cells.append({"value": value, "changed": changed})
        rows.append({"label": labels[key], "cells": cells, "strong": key in ("vehicle_price", "total", "at_delivery",
                                                                              "instalment")})
    return {"quotes": quotes, "sheets": sheets, "rows": rows}
