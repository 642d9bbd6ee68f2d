"""After a cancelled order (退订) the customer can be sold to again: the lead is back at "Quote and negotiation" with
the move and its reason on its timeline, the contract's quote no longer counts as accepted, and a new version can be
issued, accepted and signed."""

import pytest
from django.urls import reverse

from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, PermissionDenied
from showroom.followups.models import Task, TaskStatus
from showroom.leads.models import Grade, Lead, Stage, StageTransition
from showroom.orders import services
from showroom.orders.models import OrderStatus
from showroom.quotes import services as quotes
from showroom.quotes.models import Quote, QuoteStatus

from .conftest import car


def test_a_cancelled_order_puts_the_lead_back_at_the_negotiation_and_a_new_quote_can_be_signed(
        consultant, order, quote, store, trim, white, black):
    services.payment_record(actor=consultant, order=order, kind="deposit", method="wechat_pay", amount="20000")
    services.order_allocate(actor=consultant, order=order, vehicle=car(store, trim, white, black, n=1))
    services.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="客户资金问题")

    lead = Lead.objects.get(pk=order.lead_id)
    assert (lead.stage, lead.grade) == (Stage.NEGOTIATION, Grade.N)
    back = StageTransition.objects.filter(lead=lead).latest("id")
    assert (back.from_stage, back.to_stage, back.actor) == (Stage.ORDER, Stage.NEGOTIATION, consultant)
    assert order.number in back.reason and "客户资金问题" in back.reason
    entry = AuditEntry.objects.get(action="leads.returned_to_negotiation")
    assert (entry.actor, entry.data["from"], entry.data["to"]) == (consultant, Stage.ORDER, Stage.NEGOTIATION)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CANCELLED and order.number in quote.closed_reason
    # The consultant calls the customer back: the lead's follow-up is planned.
    assert Task.objects.filter(lead=lead, status=TaskStatus.OPEN).exists()

    again = quotes.quote_issue(actor=consultant, quote=quotes.quote_new_version(actor=consultant, quote=quote))
    second = services.order_sign(actor=consultant, quote=again)
    lead.refresh_from_db()
    again.refresh_from_db()
    assert second.status == OrderStatus.SIGNED and second.number != order.number
    assert again.status == QuoteStatus.ACCEPTED and (lead.stage, lead.grade) == (Stage.ORDER, Grade.O)


def test_the_quote_of_a_cancelled_order_is_not_signed_again(consultant, order, quote):
    services.order_cancel(actor=consultant, order=order, cancelled_by="buyer", reason="不买了")
    with pytest.raises(DomainError) as refused:
        services.order_sign(actor=consultant, quote=quote)
    assert refused.value.code == "quote_order_cancelled"
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.CANCELLED


def test_a_refused_cancellation_leaves_the_lead_at_the_order_and_the_quote_accepted(consultant, order, quote):
    with pytest.raises(PermissionDenied):
        services.order_cancel(actor=consultant, order=order, cancelled_by="dealer", reason="缺车")
    assert Lead.objects.get(pk=order.lead_id).stage == Stage.ORDER
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.ACCEPTED
    assert not AuditEntry.objects.filter(action="leads.returned_to_negotiation").exists()


def test_a_managers_cancellation_is_recorded_as_the_managers_on_the_lead(manager, order):
    services.order_cancel(actor=manager, order=order, cancelled_by="dealer", reason="无法按期交车")
    back = StageTransition.objects.filter(lead_id=order.lead_id).latest("id")
    assert (back.to_stage, back.actor) == (Stage.NEGOTIATION, manager)


def test_after_a_cancellation_the_lead_page_offers_a_new_quote_again(client, consultant, order):
    client.force_login(consultant)
    new_quote = reverse("quotes:create", args=[order.lead_id])
    assert new_quote not in client.get(reverse("leads:detail", args=[order.lead_id])).content.decode()
    assert client.post(reverse("orders:cancel", args=[order.pk]), {
        "cancelled_by": "buyer", "reason": "不买了", "refund_method": "transfer"}).status_code == 302
    page = client.get(reverse("leads:detail", args=[order.lead_id])).content.decode()
    assert new_quote in page
