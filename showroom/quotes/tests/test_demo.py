"""The demo's quotes: versions on leads at or past negotiation, approvals in every state, rounds and settings."""

import datetime as dt
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine

from showroom.accounts.demo import seed_demo
from showroom.leads.models import Stage, StageTransition
from showroom.quotes.models import (
    ApprovalRequest,
    FinancePromotion,
    FloorPrice,
    InsuranceRate,
    NegotiationRound,
    Quote,
    QuoteStatus,
    UnifiedPrice,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
AFTERNOON = dt.datetime(2026, 3, 18, 15, 5, tzinfo=SHANGHAI)


@pytest.fixture
def demo(db, settings):
    settings.DEMO_EXTENSIONS = ["showroom.catalog.demo.seed", "showroom.quotes.demo.seed"]
    with time_machine.travel(AFTERNOON, tick=True):
        summary = seed_demo(customers=80)
    return summary


def test_the_demo_has_quote_versions_approvals_rounds_and_price_settings(demo):
    assert Quote.objects.filter(status=QuoteStatus.ISSUED).exists()
    assert Quote.objects.filter(status=QuoteStatus.SUPERSEDED).exists()
    assert Quote.objects.filter(version__gte=2).exists()
    statuses = set(ApprovalRequest.objects.values_list("status", flat=True))
    assert {"pending", "approved"} <= statuses
    assert NegotiationRound.objects.filter(competitor_trim__isnull=False).exists()
    assert FinancePromotion.objects.count() == 3 and InsuranceRate.objects.count() == 3
    assert FloorPrice.objects.exists() and UnifiedPrice.objects.exists()
    assert all(q.total > q.vehicle_price for q in Quote.objects.all())


def test_the_demo_moves_no_lead_backwards_and_quotes_only_leads_at_or_past_negotiation(demo):
    assert not StageTransition.objects.filter(to_stage__lt=Stage.NEGOTIATION, created_at__gte=AFTERNOON).exists()
    assert not Quote.objects.filter(lead__stage__lt=Stage.NEGOTIATION).exists()


def test_the_demo_shows_the_nev_tax_reduction_at_its_cap_and_below_it(demo):
    """The EV story: the Q6L e-tron's first version is above ¥339,000 (the reduction is capped at ¥15,000), the
    approved second one below it (the plain half of the tax), each reduction as the quote sheet shows it."""
    ev = list(Quote.objects.filter(trim__powertrain="bev", vehicle_price__lt=Decimal("339000")))
    assert ev, "no electric quote below ¥339,000"
    second = ev[0]
    tax = second.breakdown["purchase_tax"]
    assert Decimal(tax["reduction"]) < Decimal("15000")
    assert Decimal(tax["reduction"]) == (Decimal(tax["full_tax"]) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert ApprovalRequest.objects.get(quote=second).status == "approved"
    first = Quote.objects.get(lead=second.lead, version=second.version - 1)
    assert first.trim_id == second.trim_id and first.vehicle_price > Decimal("339000")
    assert Decimal(first.breakdown["purchase_tax"]["reduction"]) == Decimal("15000")


def test_the_summary_line_counts_what_the_demo_made(demo):
    line = next(line for line in demo.extensions if line.startswith("quotes:"))
    assert f"quotes: {Quote.objects.count()} versions" in line
    for status in ("pending", "approved", "rejected"):
        assert f"{ApprovalRequest.objects.filter(status=status).count()} {status}" in line
    assert f"{NegotiationRound.objects.count()} negotiation rounds" in line
