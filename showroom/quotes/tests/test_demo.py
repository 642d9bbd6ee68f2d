"""The demo's quotes: versions on leads at or past negotiation, approvals in every state, rounds and settings."""

import datetime as dt
import zoneinfo

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
