"""The store's 车船税 table: each province fixes the annual amount per displacement bracket inside the range the law
gives (domain file §3.1), so a dealer outside Beijing sets its own; Beijing's amounts until the manager does."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, PermissionDenied
from showroom.quotes import selectors, services, sheet
from showroom.quotes.calc import calculate
from showroom.quotes.examples import petrol_suv
from showroom.quotes.models import VESSEL_TAX_FIELDS, QuoteSettings
from showroom.quotes.rates import (
    BEIJING_VESSEL_TAX,
    VESSEL_TAX_BRACKETS,
    VESSEL_TAX_PRESETS,
    vessel_tax_amounts,
    vessel_tax_table,
)

from .conftest import make_quote

# A made-up province's amounts, each inside its statutory range and unlike Beijing's.
OWN = {"up_to_1000": D("180"), "up_to_1600": D("360"), "up_to_2000": D("540"), "up_to_2500": D("1080"),
       "up_to_3000": D("1800"), "up_to_4000": D("3000"), "over_4000": D("4500")}
OWN_FIELDS = {"vessel_tax_region": "某省", **{f"vessel_tax_{key}": amount for key, amount in OWN.items()}}


def _saved_table(store) -> dict:
    return QuoteSettings.objects.get(store=store).vessel_tax_amounts()


# ------------------------------------------------------------------------------------------- the calculation


@pytest.mark.parametrize(
    ("cc", "annual"),
    [
        (1000, "180"), (1001, "360"), (1600, "360"), (1601, "540"), (1984, "540"), (2000, "540"), (2001, "1080"),
        (2500, "1080"), (2501, "1800"), (3000, "1800"), (3001, "3000"), (4000, "3000"), (4001, "4500"),
    ],
)
def test_the_calculation_takes_the_amount_of_the_bracket_from_the_table_it_is_given(cc, annual):
    quote = calculate(petrol_suv(displacement_cc=cc, vessel_tax_table=vessel_tax_table("某省", OWN)))

    assert quote.vessel_tax.annual == D(annual)
    assert quote.vessel_tax.region == "某省"
    assert quote.vessel_tax.amount == (D(annual) * 10 / 12).quantize(D("0.01"))  # March to December


def test_the_statutory_brackets_are_the_domain_files_and_beijing_sits_inside_them():
    assert [b.label for b in VESSEL_TAX_BRACKETS] == ["≤ 1.0 L", "1.0–1.6 L", "1.6–2.0 L", "2.0–2.5 L", "2.5–3.0 L",
                                                      "3.0–4.0 L", "> 4.0 L"]
    for table in VESSEL_TAX_PRESETS.values():
        amounts = vessel_tax_amounts(table)
        assert all(b.minimum <= amounts[b.key] <= b.maximum for b in VESSEL_TAX_BRACKETS)
    assert [QuoteSettings._meta.get_field(name).default for name in VESSEL_TAX_FIELDS] == list(
        vessel_tax_amounts(BEIJING_VESSEL_TAX).values())  # a column per bracket, Beijing's by default


# --------------------------------------------------------------------------------------------------- quotes


def test_a_store_without_its_own_table_quotes_with_beijings(consultant, lead, trim):
    assert selectors.store_settings(lead.store_id).vessel_tax_table() == BEIJING_VESSEL_TAX
    quote = make_quote(consultant, lead, trim)  # the Q5L 2.0T: 1,984 cc, bought in March

    assert quote.breakdown["vessel_tax"] == {"exempt": False, "annual": "480.00", "months": 10, "amount": "400.00",
                                             "region": "北京"}


def test_a_store_that_never_saved_its_settings_has_beijings_table(store):
    QuoteSettings.objects.filter(store=store).delete()

    assert selectors.store_settings(store.pk).vessel_tax_table() == BEIJING_VESSEL_TAX


def test_the_managers_table_prices_the_next_quote_and_the_sheet_names_it(manager, consultant, lead, trim, client):
    services.vessel_tax_save(actor=manager, fields=OWN_FIELDS)
    quote = make_quote(consultant, lead, trim)

    # 1,984 cc is in 1.6–2.0 L: 540 × 10 ÷ 12
    assert (quote.breakdown["vessel_tax"]["annual"], quote.breakdown["vessel_tax"]["amount"]) == ("540.00", "450.00")
    client.force_login(consultant)
    page = client.get(reverse("quotes:detail", args=[quote.pk]))
    assert "某省" in page.content.decode()


def test_a_quote_already_made_keeps_its_figures_when_the_table_changes(manager, consultant, lead, trim):
    quote = make_quote(consultant, lead, trim)
    services.vessel_tax_save(actor=manager, fields=OWN_FIELDS)
    quote.refresh_from_db()

    assert quote.breakdown["vessel_tax"]["amount"] == "400.00"
    assert services.quote_new_version(actor=consultant, quote=quote).breakdown["vessel_tax"]["amount"] == "450.00"


# ------------------------------------------------------------------------------------------------- the rules


def test_the_change_is_audited_from_old_to_new(manager, store):
    services.vessel_tax_save(actor=manager, fields={**OWN_FIELDS, "vessel_tax_up_to_1000": D("300")})

    entry = AuditEntry.objects.get(action="quotes.vessel_tax_changed")
    assert entry.actor == manager
    assert entry.data["changes"]["vessel_tax_region"] == ["北京", "某省"]
    assert entry.data["changes"]["vessel_tax_up_to_2000"] == ["480.00", "540.00"]
    assert "vessel_tax_up_to_1000" not in entry.data["changes"]  # unchanged


@pytest.mark.parametrize(
    ("field", "amount", "bracket"),
    [
        ("vessel_tax_up_to_1000", "59.99", "≤ 1.0 L"),
        ("vessel_tax_up_to_2000", "661", "1.6–2.0 L"),
        ("vessel_tax_over_4000", "5400.01", "> 4.0 L"),
        ("vessel_tax_up_to_2500", "", "2.0–2.5 L"),
    ],
)
def test_an_amount_outside_the_statutory_range_is_refused_naming_its_bracket(manager, store, quote_settings, field,
                                                                             amount, bracket):
    with pytest.raises(DomainError) as refused:
        services.vessel_tax_save(actor=manager, fields={**OWN_FIELDS, field: amount})

    assert refused.value.field == field
    assert bracket in str(refused.value.message)
    assert list(refused.value.fields) == [field]
    assert _saved_table(store) == vessel_tax_amounts(BEIJING_VESSEL_TAX)  # nothing half-saved
    assert QuoteSettings.objects.get(store=store).vessel_tax_region == "北京"
    assert not AuditEntry.objects.filter(action="quotes.vessel_tax_changed").exists()


def test_every_amount_at_fault_is_named_at_once(manager, store, quote_settings):
    with pytest.raises(DomainError) as refused:
        services.vessel_tax_save(actor=manager, fields={**OWN_FIELDS, "vessel_tax_region": " ",
                                                        "vessel_tax_up_to_1600": "299", "vessel_tax_up_to_4000": "-1"})

    assert set(refused.value.fields) == {"vessel_tax_region", "vessel_tax_up_to_1600", "vessel_tax_up_to_4000"}
    assert "1.0–1.6 L" in refused.value.fields["vessel_tax_up_to_1600"][0]
    assert _saved_table(store) == vessel_tax_amounts(BEIJING_VESSEL_TAX)


def test_the_range_ends_themselves_are_allowed(manager, store):
    lowest = {f"vessel_tax_{b.key}": b.minimum for b in VESSEL_TAX_BRACKETS}
    services.vessel_tax_save(actor=manager, fields={"vessel_tax_region": "最低", **lowest})
    assert _saved_table(store) == {b.key: b.minimum for b in VESSEL_TAX_BRACKETS}
    highest = {f"vessel_tax_{b.key}": b.maximum for b in VESSEL_TAX_BRACKETS}
    services.vessel_tax_save(actor=manager, fields={"vessel_tax_region": "最高", **highest})
    assert _saved_table(store) == {b.key: b.maximum for b in VESSEL_TAX_BRACKETS}


def test_the_database_refuses_an_amount_outside_the_range_too(store):
    settings = QuoteSettings(store=store, vessel_tax_up_to_2000=D("700"))
    with pytest.raises(IntegrityError), transaction.atomic():
        settings.save()


def test_the_beijing_preset_puts_beijings_amounts_back(manager, store):
    services.vessel_tax_save(actor=manager, fields=OWN_FIELDS)
    services.vessel_tax_apply_preset(actor=manager, preset="beijing")

    assert QuoteSettings.objects.get(store=store).vessel_tax_table() == BEIJING_VESSEL_TAX
    with pytest.raises(DomainError) as refused:
        services.vessel_tax_apply_preset(actor=manager, preset="shanghai")  # not in the domain file: no preset
    assert refused.value.field == "preset"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STORE_ADMIN])
def test_the_sales_manager_and_the_store_admin_set_the_table(store, role):
    services.vessel_tax_save(actor=UserFactory(store=store, role=role), fields=OWN_FIELDS)

    assert _saved_table(store) == OWN


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.RECEPTIONIST, Role.KEY_ACCOUNT, Role.SERVICE_ADVISOR])
def test_nobody_else_sets_the_table(store, role):
    user = UserFactory(store=store, role=role)
    with pytest.raises(PermissionDenied):
        services.vessel_tax_save(actor=user, fields=OWN_FIELDS)
    with pytest.raises(PermissionDenied):
        services.vessel_tax_apply_preset(actor=user, preset="beijing")
    assert not QuoteSettings.objects.filter(store=store).exists()


# ----------------------------------------------------------------------------------------------------- page


def _posted(fields: dict) -> dict:
    return {name: str(value) for name, value in fields.items()}


def test_the_manager_edits_the_table_on_the_settings_page(client, manager, store):
    client.force_login(manager)
    page = client.get(reverse("quotes:settings"))
    assert 'name="vessel_tax_up_to_2000" value="480' in page.content.decode()

    response = client.post(reverse("quotes:vessel_tax_save"), _posted(OWN_FIELDS))
    assert response.status_code == 302
    assert _saved_table(store) == OWN

    response = client.post(reverse("quotes:vessel_tax_save"), {"preset": "beijing"})
    assert response.status_code == 302
    assert _saved_table(store) == vessel_tax_amounts(BEIJING_VESSEL_TAX)


def test_an_amount_out_of_range_is_shown_at_its_field_and_nothing_is_saved(client, manager, store, quote_settings):
    client.force_login(manager)
    response = client.post(reverse("quotes:vessel_tax_save"),
                           _posted({**OWN_FIELDS, "vessel_tax_up_to_3000": D("2401")}))

    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field-error="vessel_tax_up_to_3000"' in html
    assert "2.5–3.0 L" in html
    assert _saved_table(store) == vessel_tax_amounts(BEIJING_VESSEL_TAX)


def test_a_consultant_cannot_post_the_table(client, consultant, store):
    client.force_login(consultant)
    response = client.post(reverse("quotes:vessel_tax_save"), _posted(OWN_FIELDS))

    assert response.status_code == 403
    assert not QuoteSettings.objects.filter(store=store).exists()


def _vessel_label(quote) -> str:
    return next(row["label"] for section in sheet.build(quote)["sections"] for row in section["rows"]
                if row["key"] == "vessel_tax")


def test_the_sheet_names_the_table_and_a_quote_stored_without_one_still_prints(consultant, lead, trim):
    quote = make_quote(consultant, lead, trim)
    assert "北京" in _vessel_label(quote)

    del quote.breakdown["vessel_tax"]["region"]  # stored before the tables were per store
    assert "北京" not in _vessel_label(quote) and "10" in _vessel_label(quote)
